import type { Command } from 'commander';
import { loadConfig } from '../../config.ts';
import { type RunningNode, type StartNodeOptions, startNode } from '../../main.ts';
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
  const node = await startNode(config, { ...nodeOptions, logger: config.logLevel !== 'silent' });
  printLine(`Comity node listening on ${node.url} (database: ${node.context.databaseKind})`);
  printLine(`  web UI:        ${node.url}/`);
  printLine(`  API reference: ${node.url}/api/v1/reference`);
  if (node.bootstrap.createdAdministrator) {
    const { username, password } = node.bootstrap.createdAdministrator;
    printLine('');
    printLine('An administrator account was created. Sign in at the web UI with:');
    printLine(`  username: ${username}`);
    printLine(`  password: ${password}`);
    printLine('This password is shown only once; change it with: npx comity user password admin');
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
  const shutdown = async () => {
    if (options.readyFile !== undefined) removeReadyFile(options.readyFile);
    await node.stop();
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  return node;
}
