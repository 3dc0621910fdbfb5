/**
 * `comity demo` start-up (issue 12, a quick demo): time from spawning `comity demo` (through
 * bin/comity, as `npx comity demo` runs it) until it prints that the federation (secretariat and 3
 * State nodes, users created, directory fetched) is running,
 * next to one node's cold start measured in the same run (`comity serve` on an empty data
 * directory, spawn -> healthy). Both start with an empty cache directory (no template database: a
 * user's first run); the demo is then run again with the template it cached. CPU time is read
 * from /proc (the demo's, with every process it started and waited for), as the machine is shared.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Figure } from './foundation.bench.ts';
import { ROOT, startProcess } from './node-process.ts';

const CLOCK_TICKS_PER_SECOND = 100;

/** user + system CPU seconds of a process; with its waited-for children when `withChildren`. */
function cpuSeconds(pid: number, withChildren: boolean): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // After "pid (comm) ": state is field 0, utime 11, stime 12, cutime 13, cstime 14.
  const ticks = [11, 12, ...(withChildren ? [13, 14] : [])].reduce(
    (sum, index) => sum + Number(fields[index]),
    0,
  );
  return ticks / CLOCK_TICKS_PER_SECOND;
}

function withoutCompileCache(environment: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { NODE_COMPILE_CACHE: _ignored, ...rest } = environment;
  return rest;
}

type DemoRun = { readyMs: number; cpuSeconds: number; progress: string[] };

/**
 * Runs `comity demo --dir <new dir>` under a shell that, once the demo has exited, prints its own
 * /proc stat: the shell's children time is the demo's with all its nodes and commands.
 */
async function runDemo(cacheDirectory: string): Promise<DemoRun> {
  const directory = mkdtempSync(path.join(os.tmpdir(), 'comity-bench-demo-'));
  // As a user runs it (`npx comity demo`): through bin/comity, which keeps Node's compile cache in
  // the cache directory.
  const comity = path.join(ROOT, 'bin', 'comity');
  const shell = spawn('sh', ['-c', `sh "${comity}" demo --dir "${directory}/run"; cat /proc/$$/stat >&2`], {
    cwd: ROOT,
    // Its compile cache is the one bin/comity keeps in this cache directory, never the caller's.
    env: { ...withoutCompileCache(process.env), COMITY_CACHE_DIR: cacheDirectory, COMITY_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const started = performance.now();
  const progress: string[] = [];
  let stderr = '';
  shell.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  try {
    const readyMs = await new Promise<number>((resolve, reject) => {
      let buffered = '';
      shell.stdout.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) {
          if (line.startsWith('  ') && / in \d+(\.\d+)? s$/.test(line)) {
            progress.push(`${((performance.now() - started) / 1000).toFixed(1)} s: ${line.trim()}`);
          }
          if (line.startsWith('The demo federation is running')) resolve(performance.now() - started);
        }
      });
      shell.on('exit', (code) =>
        reject(new Error(`comity demo exited with ${code} before it was ready:\n${stderr}`)),
      );
    });
    const demoPid = Number(
      readFileSync(`/proc/${shell.pid}/task/${shell.pid}/children`, 'utf8').trim().split(' ')[0],
    );
    process.kill(demoPid, 'SIGTERM');
    await new Promise((resolve) => shell.on('exit', resolve));
    const stat = stderr.trim().split('\n').at(-1) ?? '';
    const fields = stat.split(') ')[1]?.split(' ') ?? [];
    const childTicks = Number(fields[13]) + Number(fields[14]);
    return { readyMs, cpuSeconds: childTicks / CLOCK_TICKS_PER_SECOND, progress };
  } finally {
    if (shell.exitCode === null) shell.kill('SIGKILL');
    rmSync(directory, { recursive: true, force: true });
  }
}

export async function runDemoBenchmarks(): Promise<{ figures: Figure[]; progress: string[] }> {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'comity-bench-demo-cache-'));
  try {
    const emptyCache = path.join(scratch, 'node-cache');
    const node = await startProcess([path.join(ROOT, 'src', 'cli', 'main.ts'), 'serve'], {
      COMITY_CACHE_DIR: emptyCache,
    });
    // With its children: a first start creates its database in a child process.
    const nodeCpu = cpuSeconds(node.process.pid!, true);
    await node.stop();
    const cache = path.join(scratch, 'demo-cache');
    const first = await runDemo(cache);
    const again = await runDemo(cache);
    const nodeStart = `${(node.startupMs / 1000).toFixed(1)} s wall, ${nodeCpu.toFixed(1)} s CPU (one node, cold)`;
    const figures: Figure[] = [
      {
        name: '`comity demo` (secretariat + 3 State nodes), empty cache: spawn → "running"',
        value: `${(first.readyMs / 1000).toFixed(1)} s wall, ${first.cpuSeconds.toFixed(1)} s CPU`,
        baseline: nodeStart,
        ratio: `${(first.readyMs / node.startupMs).toFixed(2)}× wall, ${(first.cpuSeconds / nodeCpu).toFixed(2)}× CPU`,
      },
      {
        name: '`comity demo`, template cached by the previous run: spawn → "running"',
        value: `${(again.readyMs / 1000).toFixed(1)} s wall, ${again.cpuSeconds.toFixed(1)} s CPU`,
        baseline: nodeStart,
        ratio: `${(again.readyMs / node.startupMs).toFixed(2)}× wall, ${(again.cpuSeconds / nodeCpu).toFixed(2)}× CPU`,
      },
    ];
    return {
      figures,
      progress: [
        'first run (empty cache):',
        ...first.progress.map((line) => `  ${line}`),
        'second run:',
        ...again.progress.map((line) => `  ${line}`),
      ],
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
