/**
 * Starts a real node process for benchmarks (and measures how long it takes to become ready), with
 * the starter `comity demo` and the process tests use (src/demo/node-process.ts): the
 * process binds any free port itself and reports it.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createNodeProcess } from '../src/demo/node-process.ts';

export const ROOT = path.resolve(import.meta.dirname, '..');

export type BenchNode = {
  url: string;
  process: ChildProcess;
  /** Milliseconds from spawn to ready (port reported and answering as this process). */
  startupMs: number;
  adminPassword: string | undefined;
  stop: () => Promise<void>;
};

/**
 * Runs `program` (a script and its arguments: `src/cli/main.ts serve`, or the baseline server)
 * with a fresh data directory (or `keptDirectory`, left in place on stop) and waits until it is ready.
 */
export async function startProcess(
  program: readonly string[],
  environment: Record<string, string> = {},
  keptDirectory?: string,
): Promise<BenchNode> {
  const dataDirectory = keptDirectory ?? mkdtempSync(path.join(os.tmpdir(), 'comity-bench-'));
  const removeDirectory = () => {
    if (keptDirectory === undefined) rmSync(dataDirectory, { recursive: true, force: true });
  };
  const node = createNodeProcess({
    name: path.basename(program[0] ?? 'node', '.ts'),
    dataDirectory,
    program,
    env: { COMITY_LOG_LEVEL: 'silent', ...environment },
    startTimeoutMs: 120_000,
  });
  const started = performance.now();
  try {
    await node.start();
  } catch (error) {
    removeDirectory();
    throw error;
  }
  const startupMs = performance.now() - started;
  return {
    url: node.url,
    process: node.child!,
    startupMs,
    adminPassword: node.adminPassword,
    stop: async () => {
      await node.stop();
      removeDirectory();
    },
  };
}

/** Resident set size of a process in MiB, from /proc (Linux). */
export function residentMemoryMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1] ?? Number.NaN);
  return kib / 1024;
}
