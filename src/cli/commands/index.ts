/**
 * Every CLI command, in the order `comity --help` lists them: the names each module registers and
 * how to load it. A run loads only the module of the command it names (all of them for help or an
 * unknown command), so `comity demo` does not load the server and `comity keys public` no database.
 */
import type { Command } from 'commander';

export type CommandModule = Readonly<{
  /** The top-level commands the module registers. */
  names: readonly string[];
  load: () => Promise<(program: Command) => void>;
}>;

export const COMMANDS: readonly CommandModule[] = [
  { names: ['serve'], load: async () => (await import('./serve.command.ts')).registerServeCommand },
  { names: ['user'], load: async () => (await import('./user.command.ts')).registerUserCommands },
  { names: ['token'], load: async () => (await import('./token.command.ts')).registerTokenCommands },
  { names: ['request'], load: async () => (await import('./request.command.ts')).registerRequestCommands },
  { names: ['evidence'], load: async () => (await import('./evidence.command.ts')).registerEvidenceCommands },
  { names: ['treaty'], load: async () => (await import('./treaty.command.ts')).registerTreatyCommands },
  { names: ['init'], load: async () => (await import('./init.command.ts')).registerInitCommand },
  { names: ['keys'], load: async () => (await import('./keys.command.ts')).registerKeysCommands },
  {
    names: ['secretariat'],
    load: async () => (await import('./secretariat.command.ts')).registerSecretariatCommands,
  },
  {
    names: ['peers', 'outbox'],
    load: async () => (await import('./peers.command.ts')).registerPeersCommands,
  },
  { names: ['receipt'], load: async () => (await import('./receipt.command.ts')).registerReceiptCommands },
  { names: ['roster'], load: async () => (await import('./roster.command.ts')).registerRosterCommands },
  { names: ['law'], load: async () => (await import('./law.command.ts')).registerLawCommands },
  {
    names: ['webhooks', 'alerts'],
    load: async () => (await import('./webhooks.command.ts')).registerWebhooksCommands,
  },
  {
    names: ['backup', 'restore'],
    load: async () => (await import('./backup.command.ts')).registerBackupCommands,
  },
  { names: ['audit'], load: async () => (await import('./audit.command.ts')).registerAuditCommands },
  { names: ['demo'], load: async () => (await import('./demo.command.ts')).registerDemoCommand },
];

/** The modules a run needs: the one registering its command, or every one. */
export function commandModulesFor(argv: readonly string[]): readonly CommandModule[] {
  const named = COMMANDS.find((module) => module.names.includes(argv[0] ?? ''));
  return named ? [named] : COMMANDS;
}
