import type { Command } from 'commander';

export function registerTokenCommands(program: Command): void {
  program.command('token').description('API tokens for national case-management systems');
  // TODO: subcommands
}
