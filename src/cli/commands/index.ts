/** Every CLI command, in the order `comity --help` lists them. */
import type { Command } from 'commander';
import { registerAuditCommands } from './audit.command.ts';
import { registerBackupCommands } from './backup.command.ts';
import { registerDemoCommand } from './demo.command.ts';
import { registerEvidenceCommands } from './evidence.command.ts';
import { registerInitCommand } from './init.command.ts';
import { registerKeysCommands } from './keys.command.ts';
import { registerPeersCommands } from './peers.command.ts';
import { registerReceiptCommands } from './receipt.command.ts';
import { registerRequestCommands } from './request.command.ts';
import { registerLawCommands } from './law.command.ts';
import { registerRosterCommands } from './roster.command.ts';
import { registerSecretariatCommands } from './secretariat.command.ts';
import { registerServeCommand } from './serve.command.ts';
import { registerTokenCommands } from './token.command.ts';
import { registerTreatyCommands } from './treaty.command.ts';
import { registerUserCommands } from './user.command.ts';
import { registerWebhooksCommands } from './webhooks.command.ts';

export const COMMANDS: ReadonlyArray<(program: Command) => void> = [
  registerServeCommand,
  registerUserCommands,
  registerTokenCommands,
  registerRequestCommands,
  registerEvidenceCommands,
  registerTreatyCommands,
  registerInitCommand,
  registerKeysCommands,
  registerSecretariatCommands,
  registerPeersCommands,
  registerReceiptCommands,
  registerRosterCommands,
  registerLawCommands,
  registerWebhooksCommands,
  registerBackupCommands,
  registerAuditCommands,
  registerDemoCommand,
];
