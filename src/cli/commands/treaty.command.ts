import type { Command } from 'commander';

export function registerTreatyCommands(program: Command): void {
  program.command('treaty').description("the Convention's signature and ratification status");
  // TODO: subcommands
}
