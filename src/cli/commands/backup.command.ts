/**
 * `comity backup <file>` and `comity restore <file>` (docs/operations.md, "Backup and restore"):
 * the node's database, identity, keys and evidence files in one archive encrypted with a
 * passphrase from COMITY_BACKUP_PASSPHRASE or, with --passphrase-stdin, standard input.
 */
import type { Command } from 'commander';
import { writeFile } from 'node:fs/promises';
import { type Config, loadClientConfig, loadConfig } from '../../config.ts';
import { MINIMUM_PASSPHRASE_LENGTH } from '../../federation/identity/identity-store.ts';
import {
  type BackupSummary,
  createBackup,
  isDatabaseHeldByAnotherProcess,
  restoreBackup,
} from '../../services/backup.service.ts';
import { CliError, printLine } from '../output.ts';
import { readSecretFromStdin } from './node-context.ts';
import { callApi } from './request.command.ts';

/**
 * A node running on its embedded database holds it: the backup is taken by the node itself
 * (POST /api/v1/backup), as an administrator whose API token is in COMITY_API_TOKEN.
 */
async function backupThroughRunningNode(
  passphrase: string,
  file: string,
  heldBy: string,
): Promise<BackupSummary> {
  const client = loadClientConfig();
  if (!client.apiToken) {
    throw new CliError(
      `${heldBy}; to back it up while it runs, set COMITY_API_TOKEN to an administrator's API token (and COMITY_API_URL if it is not ${client.apiUrl})`,
    );
  }
  let summary: string | null = null;
  const archive = await callApi(client, async (api) => {
    const answer = await api.POST('/api/v1/backup', { body: { passphrase }, parseAs: 'arrayBuffer' });
    summary = answer.response.headers.get('x-comity-backup-summary');
    return answer;
  });
  await writeFile(file, Buffer.from(archive as ArrayBuffer), { mode: 0o600 });
  if (summary === null) throw new CliError(`the node at ${client.apiUrl} answered without a backup summary`);
  return JSON.parse(summary) as BackupSummary;
}

type PassphraseOptions = { passphraseStdin?: boolean };

async function passphraseOf(
  options: PassphraseOptions,
  fromEnvironment: string | undefined,
): Promise<string> {
  const passphrase = options.passphraseStdin ? await readSecretFromStdin() : fromEnvironment;
  if (passphrase === undefined) {
    throw new CliError(
      'give the backup passphrase: set COMITY_BACKUP_PASSPHRASE, or pipe it with --passphrase-stdin',
    );
  }
  if (passphrase.length < MINIMUM_PASSPHRASE_LENGTH) {
    throw new CliError(`the backup passphrase must have at least ${MINIMUM_PASSPHRASE_LENGTH} characters`);
  }
  return passphrase;
}

/** One of the two commands: its passphrase, then its work, then its one line. */
function passphraseCommand(
  program: Command,
  name: string,
  description: string,
  run: (config: Config, passphrase: string, file: string) => Promise<string>,
): void {
  program
    .command(`${name} <file>`)
    .description(description)
    .option(
      '--passphrase-stdin',
      'read the passphrase from standard input instead of COMITY_BACKUP_PASSPHRASE',
    )
    .action(async (file: string, options: PassphraseOptions) => {
      const config = loadConfig();
      const passphrase = await passphraseOf(options, config.node.backupPassphrase);
      printLine(await run(config, passphrase, file));
    });
}

export function registerBackupCommands(program: Command): void {
  passphraseCommand(
    program,
    'backup',
    'write an encrypted backup of this node: its database, identity, keys and evidence files',
    async (config, passphrase, file) => {
      const summary = await createBackup(config, passphrase, file).catch((error: unknown) => {
        if (!isDatabaseHeldByAnotherProcess(error)) throw error;
        return backupThroughRunningNode(passphrase, file, (error as Error).message.split(';')[0] ?? '');
      });
      return `Backed up the node at ${summary.createdAt} to ${file}: ${summary.rows} rows in ${summary.tables} tables, ${summary.files} files, ${summary.bytes} bytes (encrypted)`;
    },
  );
  passphraseCommand(
    program,
    'restore',
    'rebuild this node from a backup, on a new data directory or an empty database',
    async (config, passphrase, file) => {
      const summary = await restoreBackup(config, passphrase, file);
      return `Restored the node as it was at ${summary.backupCreatedAt}: ${summary.rows} rows, ${summary.files} files. At its next start it asks each peer to deliver again what it received since.`;
    },
  );
}
