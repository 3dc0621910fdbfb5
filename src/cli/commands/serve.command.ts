import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../../config.ts';
import {
  growHeapInLargerSteps,
  releaseStartUpMemoryWhenQuiet,
  type RunningNode,
  type StartNodeOptions,
  startNode,
} from '../../main.ts';
import { PROCESS_INSTANCE, removeReadyFile, writeReadyFile } from '../../ready-file.ts';
import { printLine } from '../output.ts';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('run this node: web UI, API and workers on one port (settings: docs/configuration.md)')
    .option(
      '--ready-file <path>',
      'once listening, write {pid, port, url, instance, nodeId} as JSON to this file (for a program that started the node; COMITY_PORT=0 picks a free port)',
    )
    .action(async (options: { readyFile?: string }) => {
      await serveNode(options);
    });
}

/**
 * What `comity serve` does: starts the node, prints where it listens (and the first
 * administrator's password, once), writes the ready file, and stops cleanly on SIGINT or SIGTERM.
 * A program embedding a node (with extra message types) calls it to behave as `comity serve` does.
 */
export async function serveNode(
  options: Readonly<{ readyFile?: string }>,
  nodeOptions: Omit<StartNodeOptions, 'logger'> = {},
): Promise<RunningNode> {
  const config = loadConfig();
  // Fewer, larger steps of the heap between full collections (main.ts, HEAP_GROWING_PERCENT).
  growHeapInLargerSteps();
  const node = await startNode(config, { ...nodeOptions, logger: config.logLevel !== 'silent' });
  printLine(`Comity node listening on ${node.url} (database: ${node.context.databaseKind})`);
  printLine(`  web UI:        ${node.url}/`);
  printLine(`  API reference: ${node.url}/api/v1/reference`);
  if (node.bootstrap.createdAdministrator) {
    const { username, password } = node.bootstrap.createdAdministrator;
    printLine('');
    if (process.stdout.isTTY) {
      printLine('An administrator account was created. Sign in at the web UI with:');
      printLine(`  username: ${username}`);
      printLine(`  password: ${password}`);
      printLine('This one-time password is shown only once: the first sign-in changes it.');
    } else {
      // Standard output goes to a log: the password goes to a file only the node's user reads.
      const file = writeFirstPasswordFile(config.node.dataDirectory, username, password);
      printLine(
        `An administrator account '${username}' was created; its one-time password is in ${file} (readable by this user only). The first sign-in changes it; then delete the file.`,
      );
    }
  }
  if (options.readyFile !== undefined) {
    writeReadyFile(options.readyFile, {
      pid: process.pid,
      port: node.port,
      url: node.url,
      instance: PROCESS_INSTANCE,
      nodeId: node.context.federation?.identity.nodeId ?? null,
    });
  }
  // An idle node holds what it needs, not what starting took (docs/operations.md, "A small node").
  releaseStartUpMemoryWhenQuiet();
  const shutdown = async () => {
    if (options.readyFile !== undefined) removeReadyFile(options.readyFile);
    await node.stop();
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  return node;
}

/** The name of the file, in the data directory, that holds the first administrator's one-time password. */
export const FIRST_PASSWORD_FILE = 'initial-admin-password';

/**
 * Writes the first administrator's one-time password to <data directory>/initial-admin-password,
 * readable and writable by the node's user only (0600), and returns its path.
 */
export function writeFirstPasswordFile(dataDirectory: string, username: string, password: string): string {
  mkdirSync(dataDirectory, { recursive: true, mode: 0o700 });
  const file = path.join(dataDirectory, FIRST_PASSWORD_FILE);
  // A new file (never an old one with looser modes), created 0600 before any byte is written.
  rmSync(file, { force: true });
  writeFileSync(file, `username: ${username}\npassword: ${password}\n`, { mode: 0o600, flag: 'wx' });
  return file;
}
