import type { Command } from 'commander';

export function registerUserCommands(program: Command): void {
  program.command('user').description("manage the node's user accounts");
  // TODO: subcommands
}
