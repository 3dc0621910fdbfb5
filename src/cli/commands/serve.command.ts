import type { Command } from 'commander';
import { loadConfig } from '../../config.ts';
import { startNode } from '../../main.ts';
import { printLine } from '../output.ts';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('run this node: web UI, API and workers on one port (settings: docs/configuration.md)')
    .action(async () => {
      const config = loadConfig();
      const node = await startNode(config, { logger: config.logLevel !== 'silent' });
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
      const shutdown = async () => {
        await node.stop();
        process.exit(0);
      };
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
    });
}
