/**
 * Evidence at rest: the ONE place that says how an item's bytes are sealed on the node's disk.
 *
 * Today: AES-256-GCM in 64 KiB chunks (the STREAM construction: a chunk counter and a last-chunk
 * flag in each nonce, so a reordered, truncated or extended file is refused), under a key derived
 * (HKDF-SHA256, a random salt per file) from the node's at-rest key, 32 random bytes kept in
 * `<evidence dir>/at-rest.key` (0600). The age format (src/evidence/age/) is to replace it here.
 *
 * File layout: "COMITY-AT-REST-1\n", 16 bytes of salt, then the chunks (ciphertext + 16-byte tag).
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';

const MAGIC = Buffer.from('COMITY-AT-REST-1\n', 'latin1');
const SALT_BYTES = 16;
const HEADER_BYTES = MAGIC.length + SALT_BYTES;
const CHUNK_BYTES = 64 * 1024;
const TAG_BYTES = 16;
const SEALED_CHUNK_BYTES = CHUNK_BYTES + TAG_BYTES;
const KEY_FILE = 'at-rest.key';

/** The node's at-rest key, created (0600, in a 0700 folder) the first time it is needed. */
function nodeKey(evidenceDirectory: string): Buffer {
  mkdirSync(evidenceDirectory, { recursive: true, mode: 0o700 });
  const file = path.join(evidenceDirectory, KEY_FILE);
  try {
    const descriptor = openSync(file, 'wx', 0o600);
    try {
      writeSync(descriptor, randomBytes(32));
    } finally {
      closeSync(descriptor);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const key = readFileSync(file);
  if (key.length !== 32) throw new Error(`${file} is not an at-rest key (32 bytes)`);
  return key;
}

function fileKey(evidenceDirectory: string, salt: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', nodeKey(evidenceDirectory), salt, 'comity evidence at rest', 32));
}

function nonceOf(counter: number, isLast: boolean): Buffer {
  const nonce = Buffer.alloc(12);
  nonce.writeUIntBE(counter, 5, 6);
  nonce[11] = isLast ? 1 : 0;
  return nonce;
}

/** A transform that seals plaintext for the node's disk. */
export function sealAtRest(evidenceDirectory: string): Transform {
  const salt = randomBytes(SALT_BYTES);
  const key = fileKey(evidenceDirectory, salt);
  let counter = 0;
  let pending: Buffer = Buffer.alloc(0);
  const sealChunk = (plaintext: Buffer, isLast: boolean): Buffer => {
    const cipher = createCipheriv('aes-256-gcm', key, nonceOf(counter, isLast));
    counter += 1;
    return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  };
  let isHeaderWritten = false;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      if (!isHeaderWritten) {
        this.push(Buffer.concat([MAGIC, salt]));
        isHeaderWritten = true;
      }
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      // A chunk is sealed as not-last only once a byte after it has arrived.
      while (pending.length > CHUNK_BYTES) {
        this.push(sealChunk(pending.subarray(0, CHUNK_BYTES), false));
        pending = pending.subarray(CHUNK_BYTES);
      }
      callback();
    },
    flush(callback: TransformCallback) {
      if (!isHeaderWritten) this.push(Buffer.concat([MAGIC, salt]));
      this.push(sealChunk(pending, true));
      callback();
    },
  });
}

/** A transform that opens what sealAtRest wrote; it fails on any change, truncation or extension. */
export function openAtRest(evidenceDirectory: string): Transform {
  let key: Buffer | undefined;
  let counter = 0;
  let pending: Buffer = Buffer.alloc(0);
  const openChunk = (sealed: Buffer, isLast: boolean): Buffer => {
    if (!key) throw new Error('sealed evidence file: header missing');
    const decipher = createDecipheriv('aes-256-gcm', key, nonceOf(counter, isLast));
    counter += 1;
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    try {
      return Buffer.concat([
        decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)),
        decipher.final(),
      ]);
    } catch {
      throw new Error(`sealed evidence file: chunk ${counter} does not authenticate (changed or truncated)`);
    }
  };
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      try {
        if (!key) {
          if (pending.length < HEADER_BYTES) return callback();
          if (!pending.subarray(0, MAGIC.length).equals(MAGIC)) throw new Error('not a sealed evidence file');
          key = fileKey(evidenceDirectory, pending.subarray(MAGIC.length, HEADER_BYTES));
          pending = pending.subarray(HEADER_BYTES);
        }
        while (pending.length > SEALED_CHUNK_BYTES) {
          this.push(openChunk(pending.subarray(0, SEALED_CHUNK_BYTES), false));
          pending = pending.subarray(SEALED_CHUNK_BYTES);
        }
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
    flush(callback: TransformCallback) {
      try {
        if (!key || pending.length < TAG_BYTES) throw new Error('sealed evidence file: truncated');
        this.push(openChunk(pending, true));
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
  });
}
