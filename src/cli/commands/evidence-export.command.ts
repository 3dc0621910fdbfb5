/**
 * `comity evidence export|verify`: the court-ready export of an evidence package (docs/evidence.md).
 *
 *   comity evidence export <request-id|package-id> <out-dir> --reason <text> [--decrypted | --age-recipient age1...]
 *       asks the node (COMITY_API_URL, COMITY_API_TOKEN) for the export, which it records as a custody
 *       event, and unpacks it into <out-dir> (which appears only whole)
 *   comity evidence verify <export-dir> [--identity <file>]
 *       offline, no node and no database: one line per check, exit 1 at the first that fails
 */
import { counted } from '../../core/counted.ts';
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { Command } from 'commander';
import type { Problem } from '../../api-client/client.ts';
import { loadClientConfig } from '../../config.ts';
import { isAgeError, parseIdentityFile } from '../../evidence/age/index.ts';
import { verifyExportFolder } from '../../evidence/export-bundle.ts';
import { unpackTar } from '../../evidence/tar.ts';
import { CliError, fileErrorWords, printLine } from '../output.ts';
import { describeProblem, requireApiToken } from './request.command.ts';

type ExportOptions = { reason: string; decrypted?: boolean; ageRecipient?: string; lang?: string };

async function isEmptyOrAbsent(folder: string): Promise<boolean> {
  try {
    return (await readdir(folder)).length === 0;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw new CliError(`cannot read ${folder}: ${fileErrorWords(error)}`);
  }
}

async function exportEvidence(id: string, output: string, options: ExportOptions): Promise<void> {
  if (options.decrypted && options.ageRecipient) {
    throw new CliError('choose --decrypted or --age-recipient, not both');
  }
  if (!options.decrypted && !options.ageRecipient) {
    throw new CliError('choose the form of the items: --decrypted, or --age-recipient age1...');
  }
  const config = loadClientConfig();
  const apiToken = requireApiToken(config);
  if (!(await isEmptyOrAbsent(output))) throw new CliError(`${output} exists and is not empty`);
  const query = options.lang ? `?lang=${encodeURIComponent(options.lang)}` : '';
  let response: Response;
  try {
    response = await fetch(`${config.apiUrl}/api/v1/evidence/exports${query}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        id,
        reason: options.reason,
        form: options.decrypted ? 'decrypted' : 'age',
        ...(options.ageRecipient ? { ageRecipient: options.ageRecipient } : {}),
      }),
    });
  } catch (error) {
    throw new CliError(`cannot reach the node at ${config.apiUrl}: ${(error as Error).message}`);
  }
  if (!response.ok || !response.body) {
    const text = await response.text();
    try {
      throw new CliError(describeProblem(JSON.parse(text) as Problem));
    } catch (error) {
      if (error instanceof CliError) throw error;
      throw new CliError(`the node refused the export (HTTP ${response.status})`);
    }
  }
  const parent = path.dirname(path.resolve(output));
  const temporary = path.join(parent, `.${path.basename(output)}.${randomBytes(6).toString('hex')}.partial`);
  await mkdir(temporary, { mode: 0o700 }).catch((error: unknown) => {
    throw new CliError(`cannot write in ${parent}: ${fileErrorWords(error)}`);
  });
  try {
    const names = await unpackTar(
      Readable.fromWeb(response.body as Parameters<typeof Readable.fromWeb>[0]),
      temporary,
    );
    await rm(output, { recursive: true, force: true });
    await rename(temporary, output);
    const items = names.filter((name) => name.startsWith('items/')).length;
    printLine(
      `exported package ${response.headers.get('x-comity-package-id') ?? ''} to ${output}: ${counted(items, 'item')}, ${counted(names.length, 'file')}; check it with: comity evidence verify ${output}`,
    );
  } catch (error) {
    await rm(temporary, { recursive: true, force: true });
    if (error instanceof CliError) throw error;
    throw new CliError(`the export stopped: ${(error as Error).message}`);
  }
}

async function verifyExport(folder: string, options: { identity: string[] }): Promise<void> {
  const identities: string[] = [];
  for (const file of options.identity) {
    const text = await readFile(file, 'utf8').catch((error: unknown) => {
      throw new CliError(`cannot read ${file}: ${fileErrorWords(error)}`);
    });
    try {
      identities.push(...parseIdentityFile(text));
    } catch (error) {
      if (isAgeError(error)) throw new CliError(`${file}: ${error.message}`);
      throw error;
    }
  }
  const checks = await verifyExportFolder(folder, { identities });
  for (const check of checks) {
    if (check.ok) printLine(`ok    ${check.line}`);
  }
  const failed = checks.find((check) => !check.ok);
  if (failed) throw new CliError(`FAILED: ${failed.line}`);
  printLine(`all ${checks.length} checks passed`);
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** `comity evidence export|verify`. */
export function registerEvidenceExportCommands(evidence: Command): void {
  evidence
    .command('export')
    .description(
      'export an evidence package for a court: signed manifest, signer key, custody events and report (PDF), items, SHA256SUMS',
    )
    .argument('<id>', 'a request id (its one evidence package) or an evidence package id')
    .argument('<out-dir>', 'the folder to write (must not exist, or be empty)')
    .requiredOption('--reason <text>', 'why the evidence is exported (recorded in its chain of custody)')
    .option('--decrypted', 'write the items as plain files')
    .option('--age-recipient <recipient>', 'write each item encrypted with age to this recipient (age1...)')
    .option('--lang <language>', 'language of the custody report (ar, en, es, fr, ru, zh)')
    .action(async (id: string, output: string, options: ExportOptions) =>
      exportEvidence(id, output, options),
    );

  evidence
    .command('verify')
    .description(
      'verify an evidence export offline: manifest signature, every item against the manifest, custody chains, SHA256SUMS',
    )
    .argument('<export-dir>', 'the folder `comity evidence export` wrote')
    .option(
      '-i, --identity <file>',
      'an age identity file, to decrypt age items and check their plaintext (repeat for several)',
      collect,
      [],
    )
    .action(async (folder: string, options: { identity: string[] }) => verifyExport(folder, options));
}
