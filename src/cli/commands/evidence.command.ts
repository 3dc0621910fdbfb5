/**
 * `comity evidence ...`: evidence files in the age format (age-encryption.org/v1, X25519), which
 * Debian's `age` reads and writes too:
 *
 *   comity evidence keygen [-o file]                      an identity file as age-keygen writes it
 *   comity evidence encrypt --recipient age1... in out    seals (SHA-256 of the plaintext, printed)
 *   comity evidence decrypt --identity file in out
 *
 * The output appears only whole: it is written beside its place under a temporary name and renamed
 * at the end; on any refusal the temporary file is removed and one line says why.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Duplex, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import {
  checkRecipients,
  decryptStream,
  encryptFile,
  formatIdentityFile,
  generateIdentity,
  isAgeError,
  parseIdentityFile,
  recipientOf,
} from '../../evidence/age/index.ts';
import { CliError, printLine } from '../output.ts';
import { byteProgress } from '../progress.ts';
import { sha256Tap } from '../../evidence/export-bundle.ts';
import { registerEvidenceExportCommands } from './evidence-export.command.ts';
import { registerEvidenceItemCommands } from './evidence-items.command.ts';

const READ_SIZE = 1024 * 1024;

function fileError(action: string, file: string, error: unknown): CliError {
  const code = (error as NodeJS.ErrnoException).code;
  return new CliError(`cannot ${action} ${file}: ${code ?? (error as Error).message}`);
}

/** A temporary name beside output, renamed into place once the output is whole. */
function temporaryBeside(output: string): string {
  return path.join(
    path.dirname(output),
    `.${path.basename(output)}.${randomBytes(6).toString('hex')}.partial`,
  );
}

/**
 * Writes `output` from `input` through a temporary file beside it, renamed into place only once
 * `write` succeeded (no partial output is ever left), with a progress bar on a terminal; an age
 * refusal or a file error becomes one line naming the file.
 */
async function writeFileFrom<T>(
  label: string,
  input: string,
  output: string,
  write: (temporary: string, progress: ReturnType<typeof byteProgress>) => Promise<T>,
): Promise<T> {
  const size = await stat(input).then(
    (info) => info.size,
    (error: unknown) => {
      throw fileError('read', input, error);
    },
  );
  const temporary = temporaryBeside(output);
  const progress = byteProgress(label, size);
  try {
    const result = await write(temporary, progress);
    await rename(temporary, output);
    return result;
  } catch (error) {
    await rm(temporary, { force: true });
    if (isAgeError(error)) throw new CliError(`${input}: ${error.message}`);
    const file = (error as NodeJS.ErrnoException).path === input ? input : output;
    throw fileError(file === input ? 'read' : 'write', file, error);
  } finally {
    progress.finish();
  }
}

/** Runs in -> transforms -> out, the output renamed into place only when every step succeeded. */
function transformFile(
  label: string,
  input: string,
  output: string,
  transforms: readonly Duplex[],
): Promise<void> {
  return writeFileFrom(label, input, output, async (temporary, progress) => {
    const source: Readable = createReadStream(input, { highWaterMark: READ_SIZE });
    await pipeline(source, progress.meter, ...transforms, createWriteStream(temporary, { flags: 'wx' }));
  });
}

function inAgeTerms<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (isAgeError(error)) throw new CliError(error.message);
    throw error;
  }
}

export function registerEvidenceCommands(program: Command): void {
  const evidence = program
    .command('evidence')
    .description(
      "evidence files in the age format (age-encryption.org/v1), which Debian's age reads too, and evidence items of requests received by the node (upload, list, export: through the node's API, with COMITY_API_TOKEN and COMITY_API_URL)",
    );
  registerEvidenceItemCommands(evidence);
  registerEvidenceExportCommands(evidence);

  evidence
    .command('keygen')
    .description(
      'create an X25519 identity (an identity file as age-keygen writes it) and print its recipient',
    )
    .option('-o, --output <file>', 'write the identity file here (mode 0600; refused if it exists)')
    .action(async (options: { output?: string }) => {
      const { identity, recipient } = generateIdentity();
      const text = formatIdentityFile(identity, new Date());
      if (options.output === undefined) {
        process.stderr.write(`Public key: ${recipient}\n`);
        process.stdout.write(text);
        return;
      }
      await writeFile(options.output, text, { mode: 0o600, flag: 'wx' }).catch((error: unknown) => {
        throw fileError('write', options.output ?? '', error);
      });
      printLine(recipient);
    });

  evidence
    .command('encrypt')
    .description('encrypt a file to age recipients (age1...); prints the SHA-256 of the plaintext')
    .requiredOption(
      '-r, --recipient <recipient>',
      'an age recipient, age1... (repeat for several)',
      collect,
      [],
    )
    .argument('<in>', 'the plaintext file')
    .argument('<out>', 'the age file to write')
    .action(async (input: string, output: string, options: { recipient: string[] }) => {
      inAgeTerms(() => checkRecipients(options.recipient));
      // File to file: read into one buffer, hashed here, sealed and written on a worker thread.
      const sealed = await writeFileFrom('encrypting', input, output, (temporary, progress) =>
        encryptFile(options.recipient, input, temporary, progress.add),
      );
      printLine(`encrypted ${input} -> ${output}: ${sealed.bytes} bytes, sha256 ${sealed.sha256}`);
    });

  evidence
    .command('decrypt')
    .description(
      'decrypt an age file with the identities of an identity file; prints the SHA-256 of the plaintext',
    )
    .requiredOption(
      '-i, --identity <file>',
      'an identity file in age format (repeat for several)',
      collect,
      [],
    )
    .argument('<in>', 'the age file')
    .argument('<out>', 'the plaintext file to write')
    .action(async (input: string, output: string, options: { identity: string[] }) => {
      const identities: string[] = [];
      for (const file of options.identity) {
        const text = await readFile(file, 'utf8').catch((error: unknown) => {
          throw fileError('read', file, error);
        });
        identities.push(...inAgeTerms(() => parseIdentityFile(text)));
      }
      const hash = sha256Tap();
      await transformFile('decrypting', input, output, [decryptStream(identities), hash.tap]);
      printLine(`decrypted ${input} -> ${output}: ${hash.bytes()} bytes, sha256 ${hash.digest()}`);
    });

  evidence
    .command('recipient')
    .description('print the recipient (age1...) of each identity of an identity file')
    .argument('<file>', 'an identity file in age format')
    .action(async (file: string) => {
      const text = await readFile(file, 'utf8').catch((error: unknown) => {
        throw fileError('read', file, error);
      });
      for (const identity of inAgeTerms(() => parseIdentityFile(text))) printLine(recipientOf(identity));
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
