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
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { writeSealedFile } from './sealed-slots.ts';

const MAGIC = Buffer.from('COMITY-AT-REST-1\n', 'latin1');
const SALT_BYTES = 16;
const HEADER_BYTES = MAGIC.length + SALT_BYTES;
const CHUNK_BYTES = 64 * 1024;
const TAG_BYTES = 16;
const SEALED_CHUNK_BYTES = CHUNK_BYTES + TAG_BYTES;
const KEY_FILE = 'at-rest.key';
const OUTPUT_BYTES = 16 * SEALED_CHUNK_BYTES;

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

/**
 * Bytes waiting to form a chunk, kept as the pieces that arrived (no copying): `take(n, each)`
 * hands the first n bytes to `each`, piece by piece.
 */
function pieceQueue() {
  const pieces: Buffer[] = [];
  let length = 0;
  return {
    get length() {
      return length;
    },
    add(piece: Buffer) {
      pieces.push(piece);
      length += piece.length;
    },
    take(count: number, each: (piece: Buffer) => void) {
      let remaining = count;
      while (remaining > 0) {
        const head = pieces[0];
        if (!head) throw new Error('sealed evidence file: internal queue underflow');
        const used = Math.min(head.length, remaining);
        each(head.subarray(0, used));
        if (used === head.length) pieces.shift();
        else pieces[0] = head.subarray(used);
        remaining -= used;
      }
      length -= count;
    },
  };
}

/**
 * Sealed chunks gathered into writes of about 1 MiB (one push per write of the caller, instead of
 * three per 64 KiB chunk): fewer, larger writes downstream.
 */
function outputBuffer() {
  let bytes = Buffer.allocUnsafe(OUTPUT_BYTES);
  let length = 0;
  return {
    /** Makes room for `count` more bytes, pushing what was gathered if they would not fit. */
    reserve(stream: Transform, count: number) {
      if (length + count > bytes.length) this.push(stream);
      if (count > bytes.length) bytes = Buffer.allocUnsafe(count);
    },
    append(piece: Buffer) {
      length += piece.copy(bytes, length);
    },
    push(stream: Transform) {
      if (length === 0) return;
      stream.push(bytes.subarray(0, length));
      bytes = Buffer.allocUnsafe(OUTPUT_BYTES);
      length = 0;
    },
  };
}

/** A transform that seals plaintext for the node's disk. */
export function sealAtRest(evidenceDirectory: string): Transform {
  const salt = randomBytes(SALT_BYTES);
  const key = fileKey(evidenceDirectory, salt);
  let counter = 0;
  const pending = pieceQueue();
  const output = outputBuffer();
  let isHeaderWritten = false;
  function sealNext(stream: Transform, count: number, isLast: boolean): void {
    const cipher = createCipheriv('aes-256-gcm', key, nonceOf(counter, isLast));
    counter += 1;
    output.reserve(stream, count + TAG_BYTES);
    pending.take(count, (piece) => output.append(cipher.update(piece)));
    output.append(cipher.final());
    output.append(cipher.getAuthTag());
  }
  function writeHeader(stream: Transform): void {
    if (isHeaderWritten) return;
    stream.push(Buffer.concat([MAGIC, salt]));
    isHeaderWritten = true;
  }
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      writeHeader(this);
      pending.add(chunk);
      // A chunk is sealed as not-last only once a byte after it has arrived.
      while (pending.length > CHUNK_BYTES) sealNext(this, CHUNK_BYTES, false);
      output.push(this);
      callback();
    },
    flush(callback: TransformCallback) {
      writeHeader(this);
      sealNext(this, pending.length, true);
      output.push(this);
      callback();
    },
  });
}

/** A transform that opens what sealAtRest wrote; it fails on any change, truncation or extension. */
export function openAtRest(evidenceDirectory: string): Transform {
  let key: Buffer | undefined;
  let counter = 0;
  let header: Buffer = Buffer.alloc(0);
  const pending = pieceQueue();
  const output = outputBuffer();
  /**
   * Opens the next sealed chunk into the output; its plaintext is pushed (at the end of the
   * caller's write) only once its tag is verified.
   */
  function openNext(stream: Transform, count: number, isLast: boolean): void {
    if (!key) throw new Error('sealed evidence file: header missing');
    const decipher = createDecipheriv('aes-256-gcm', key, nonceOf(counter, isLast));
    counter += 1;
    const plaintext: Buffer[] = [];
    const tag: Buffer[] = [];
    let seen = 0;
    pending.take(count, (piece) => {
      const cipherBytes = Math.max(0, Math.min(piece.length, count - TAG_BYTES - seen));
      if (cipherBytes > 0) plaintext.push(decipher.update(piece.subarray(0, cipherBytes)));
      if (cipherBytes < piece.length) tag.push(piece.subarray(cipherBytes));
      seen += piece.length;
    });
    decipher.setAuthTag(tag.length === 1 ? (tag[0] as Buffer) : Buffer.concat(tag));
    try {
      plaintext.push(decipher.final());
    } catch {
      throw new Error(`sealed evidence file: chunk ${counter} does not authenticate (changed or truncated)`);
    }
    output.reserve(stream, count - TAG_BYTES);
    for (const piece of plaintext) output.append(piece);
  }
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      try {
        let rest = chunk;
        if (!key) {
          header = Buffer.concat([header, chunk]);
          if (header.length < HEADER_BYTES) return callback();
          if (!header.subarray(0, MAGIC.length).equals(MAGIC)) throw new Error('not a sealed evidence file');
          key = fileKey(evidenceDirectory, header.subarray(MAGIC.length, HEADER_BYTES));
          rest = header.subarray(HEADER_BYTES);
        }
        if (rest.length > 0) pending.add(rest);
        while (pending.length > SEALED_CHUNK_BYTES) openNext(this, SEALED_CHUNK_BYTES, false);
        output.push(this);
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
    flush(callback: TransformCallback) {
      try {
        if (!key || pending.length < TAG_BYTES) throw new Error('sealed evidence file: truncated');
        openNext(this, pending.length, true);
        output.push(this);
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
  });
}

/**
 * Opens a sealed file chunk by chunk, read into one reused buffer (no stream, no garbage per
 * megabyte but the chunks' plaintext): each chunk's plaintext goes to `each` only once its tag is
 * verified. The last chunk is the one that ends the file (its size is read first), so a truncated or
 * extended file fails as openAtRest refuses it.
 */
async function openSealedFile(
  evidenceDirectory: string,
  file: string,
  each: (plaintext: Buffer) => Promise<void>,
): Promise<void> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const buffer = Buffer.allocUnsafe(16 * SEALED_CHUNK_BYTES);
    const readAt = async (position: number, count: number): Promise<Buffer> => {
      let filled = 0;
      while (filled < count) {
        const { bytesRead } = await handle.read(buffer, filled, count - filled, position + filled);
        if (bytesRead === 0) throw new Error('sealed evidence file: truncated');
        filled += bytesRead;
      }
      return buffer.subarray(0, count);
    };
    if (size < HEADER_BYTES) throw new Error('not a sealed evidence file');
    const header = await readAt(0, HEADER_BYTES);
    if (!header.subarray(0, MAGIC.length).equals(MAGIC)) throw new Error('not a sealed evidence file');
    const key = fileKey(evidenceDirectory, Buffer.from(header.subarray(MAGIC.length)));
    if (size - HEADER_BYTES < TAG_BYTES) throw new Error('sealed evidence file: truncated');
    let counter = 0;
    for (let position = HEADER_BYTES; position < size; ) {
      const count = Math.min(buffer.length, size - position);
      const read = await readAt(position, count);
      for (let offset = 0; offset < count; offset += SEALED_CHUNK_BYTES) {
        const sealed = read.subarray(offset, Math.min(count, offset + SEALED_CHUNK_BYTES));
        const isLast = position + offset + sealed.length === size;
        if (sealed.length < TAG_BYTES) throw new Error('sealed evidence file: truncated');
        const decipher = createDecipheriv('aes-256-gcm', key, nonceOf(counter, isLast));
        decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
        const plaintext = decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES));
        counter += 1;
        try {
          decipher.final();
        } catch {
          throw new Error(
            `sealed evidence file: chunk ${counter} does not authenticate (changed or truncated)`,
          );
        }
        await each(plaintext);
      }
      position += count;
    }
  } finally {
    await handle.close();
  }
}

/**
 * Opens sealed files (an upload's parts) in order and seals their bytes again as one new file,
 * `target` (0600, refused if it exists, removed on failure), hashing the plaintext (SHA-256) in the
 * same pass: one read of each part, one write, constant memory whatever the size. The parts are
 * opened and hashed on this thread while a worker thread seals and writes (../sealed-slots.ts).
 */
export async function resealAtRest(
  evidenceDirectory: string,
  sources: readonly string[],
  target: string,
): Promise<{ sha256: string; length: number }> {
  const salt = randomBytes(SALT_BYTES);
  const hash = createHash('sha256');
  let length = 0;
  await writeSealedFile(
    {
      algorithm: 'aes-256-gcm',
      key: fileKey(evidenceDirectory, salt),
      prefix: Buffer.concat([MAGIC, salt]),
      file: target,
    },
    async (write) => {
      for (const source of sources) {
        await openSealedFile(evidenceDirectory, source, async (plaintext) => {
          hash.update(plaintext);
          length += plaintext.length;
          await write(plaintext);
        });
      }
    },
  );
  return { sha256: hash.digest('hex'), length };
}
