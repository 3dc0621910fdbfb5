import type { Command } from 'commander';

export function registerRequestCommands(program: Command): void {
  program.command('request').description('draft, validate and show requests');
  // TODO: subcommands
}
