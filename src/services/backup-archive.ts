/**
 * The backup archive file: a readable header, then the payload compressed (gzip) and encrypted
 * with AES-256-GCM under a key derived from a passphrase with scrypt (node:crypto only).
 *
 *   COMITY-BACKUP\n
 *   {"version":1,"kdf":"scrypt","N":131072,"r":8,"p":1,"salt":"…","cipher":"aes-256-gcm","iv":"…"}\n
 *   ciphertext … 16-byte GCM tag
 *
 * The two header lines are authenticated too (GCM additional data): a changed parameter, like a
 * wrong passphrase or a changed byte of the ciphertext, fails the tag check.
 */
import { createCipheriv, createDecipheriv, randomBytes, scrypt } from 'node:crypto';
import { promisify } from 'node:util';
import { gunzipSync, gzipSync } from 'node:zlib';
import { z } from 'zod';

const MAGIC = Buffer.from('COMITY-BACKUP\n', 'utf8');
export const BACKUP_FORMAT_VERSION = 1;
const TAG_BYTES = 16;
const SCRYPT = { N: 2 ** 17, r: 8, p: 1 } as const;

const scryptAsync = promisify(scrypt) as (
  password: string,
  salt: Buffer,
  length: number,
  options: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;

const HeaderSchema = z.object({
  version: z.literal(BACKUP_FORMAT_VERSION),
  kdf: z.literal('scrypt'),
  N: z
    .number()
    .int()
    .min(2 ** 14)
    .max(2 ** 20),
  r: z.number().int().min(1).max(32),
  p: z.number().int().min(1).max(16),
  salt: z.string().min(16),
  cipher: z.literal('aes-256-gcm'),
  iv: z.string().min(16),
});
type Header = z.infer<typeof HeaderSchema>;

/** A file that cannot be opened: not a backup, a version this release does not read, or a wrong passphrase. */
export class BackupArchiveError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupArchiveError';
  }
}

function deriveKey(passphrase: string, header: Header): Promise<Buffer> {
  return scryptAsync(passphrase, Buffer.from(header.salt, 'base64'), 32, {
    N: header.N,
    r: header.r,
    p: header.p,
    maxmem: 256 * header.N * header.r + 1024 * 1024,
  });
}

export async function sealArchive(payload: Buffer, passphrase: string): Promise<Buffer> {
  const header: Header = {
    version: BACKUP_FORMAT_VERSION,
    kdf: 'scrypt',
    ...SCRYPT,
    salt: randomBytes(16).toString('base64'),
    cipher: 'aes-256-gcm',
    iv: randomBytes(12).toString('base64'),
  };
  const headerLine = Buffer.from(`${JSON.stringify(header)}\n`, 'utf8');
  const cipher = createCipheriv(
    'aes-256-gcm',
    await deriveKey(passphrase, header),
    Buffer.from(header.iv, 'base64'),
  );
  cipher.setAAD(Buffer.concat([MAGIC, headerLine]));
  const encrypted = Buffer.concat([cipher.update(gzipSync(payload)), cipher.final(), cipher.getAuthTag()]);
  return Buffer.concat([MAGIC, headerLine, encrypted]);
}

export async function openArchive(file: Buffer, passphrase: string): Promise<Buffer> {
  if (!file.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new BackupArchiveError('this file is not a Comity backup');
  }
  const headerEnd = file.indexOf(0x0a, MAGIC.length);
  let header: Header;
  try {
    const raw = JSON.parse(file.subarray(MAGIC.length, headerEnd).toString('utf8')) as { version?: unknown };
    if (typeof raw.version === 'number' && raw.version > BACKUP_FORMAT_VERSION) {
      throw new BackupArchiveError(
        `this backup has format version ${raw.version}, newer than this release reads (${BACKUP_FORMAT_VERSION}): restore it with the release that made it`,
      );
    }
    header = HeaderSchema.parse(raw);
  } catch (error) {
    if (error instanceof BackupArchiveError) throw error;
    throw new BackupArchiveError('this Comity backup is damaged: its header cannot be read');
  }
  const body = file.subarray(headerEnd + 1);
  if (headerEnd < 0 || body.length < TAG_BYTES) {
    throw new BackupArchiveError('this Comity backup is damaged: it is truncated');
  }
  const decipher = createDecipheriv(
    'aes-256-gcm',
    await deriveKey(passphrase, header),
    Buffer.from(header.iv, 'base64'),
  );
  decipher.setAAD(file.subarray(0, headerEnd + 1));
  decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
  let compressed: Buffer;
  try {
    compressed = Buffer.concat([
      decipher.update(body.subarray(0, body.length - TAG_BYTES)),
      decipher.final(),
    ]);
  } catch {
    throw new BackupArchiveError('wrong passphrase, or the backup file was altered');
  }
  return gunzipSync(compressed);
}
