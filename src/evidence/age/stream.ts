/**
 * The age payload as node:stream Transforms, in constant memory whatever the file's size: a 16-byte
 * nonce, then STREAM over the key HKDF-SHA256(file key, nonce, "payload"): 64 KiB chunks sealed with
 * ChaCha20-Poly1305 (node:crypto, native), nonce = 11-byte big-endian counter + last-chunk flag
 * (../sealed-chunks.ts). encryptFile encrypts on a worker thread beside the caller's
 * (../sealed-slots.ts).
 */
import { createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { open } from 'node:fs/promises';
import { Transform, type TransformCallback } from 'node:stream';
import { CHUNK_SIZE, chunkNonce, SEALED_CHUNK_SIZE, sealChunksInto, TAG_SIZE } from '../sealed-chunks.ts';
import { writeSealedFile } from '../sealed-slots.ts';
import { AgeError } from './errors.ts';
import {
  fileKeyOf,
  formatHeader,
  hkdf,
  notAgeFile,
  parseHeader,
  VERSION_LINE,
  wrapFileKey,
} from './header.ts';
import { parseIdentity, parseRecipient } from './keys.ts';

export { CHUNK_SIZE };

const NONCE_SIZE = 16;
const READ_SIZE = 1024 * 1024;
const OUTPUT_SIZE = 16 * SEALED_CHUNK_SIZE;
/** Headers are small (about 120 bytes per recipient); a longer one is refused, not buffered. */
const MAX_HEADER_SIZE = 1024 * 1024;

function openChunk(key: Buffer, counter: number, isLast: boolean, sealed: Buffer): Buffer | undefined {
  const decipher = createDecipheriv('chacha20-poly1305', key, chunkNonce(counter, isLast), {
    authTagLength: TAG_SIZE,
  });
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_SIZE));
  const plaintext = decipher.update(sealed.subarray(0, sealed.length - TAG_SIZE));
  try {
    decipher.final();
  } catch {
    return undefined;
  }
  return plaintext;
}

/** Bytes of one message gathered across writes into a buffer of fixed size (no concatenation). */
class ChunkBuffer {
  readonly bytes: Buffer;
  length = 0;

  constructor(size: number) {
    this.bytes = Buffer.allocUnsafe(size);
  }

  get isFull(): boolean {
    return this.length === this.bytes.length;
  }

  /** Copies as much of data from offset as fits; returns the new offset. */
  fill(data: Buffer, offset: number): number {
    const count = Math.min(this.bytes.length - this.length, data.length - offset);
    data.copy(this.bytes, this.length, offset, offset + count);
    this.length += count;
    return offset + count;
  }

  content(): Buffer {
    return this.bytes.subarray(0, this.length);
  }
}

/** Throws the AgeError encrypting to these recipients would throw, if any. */
export function checkRecipients(recipients: readonly string[]): void {
  if (recipients.length === 0) throw new AgeError('invalid-recipient', 'at least one recipient is needed');
  for (const recipient of recipients) parseRecipient(recipient);
}

/** The age file's header and payload nonce, and the payload key, for these recipients. */
function newAgeFile(recipients: readonly string[]): { prefix: Buffer; payloadKey: Buffer } {
  checkRecipients(recipients);
  const fileKey = randomBytes(16);
  const header = formatHeader(
    fileKey,
    recipients.map((recipient) => wrapFileKey(fileKey, recipient)),
  );
  const nonce = randomBytes(NONCE_SIZE);
  return { prefix: Buffer.concat([header, nonce]), payloadKey: hkdf(fileKey, nonce, 'payload') };
}

/**
 * Plaintext in, an age file to these `age1...` recipients out, on the calling thread; sealed chunks
 * are gathered into pushes of about 1 MiB. For file to file, encryptFile is faster: it seals on a
 * worker thread.
 */
export function encryptStream(recipients: readonly string[]): Transform {
  const { prefix, payloadKey } = newAgeFile(recipients);
  const pending = new ChunkBuffer(CHUNK_SIZE);
  let counter = 0;
  let out = Buffer.allocUnsafe(OUTPUT_SIZE);
  let outLength = 0;
  let hasStarted = false;

  const seal = (stream: Transform, plaintext: Buffer, isLast: boolean): void => {
    if (outLength + plaintext.length + TAG_SIZE > out.length) {
      stream.push(out.subarray(0, outLength));
      out = Buffer.allocUnsafe(OUTPUT_SIZE);
      outLength = 0;
    }
    outLength += sealChunksInto(
      'chacha20-poly1305',
      payloadKey,
      counter,
      isLast,
      plaintext,
      out.subarray(outLength),
    );
    counter += 1;
  };

  return new Transform({
    transform(data: Buffer, _encoding, callback: TransformCallback) {
      if (!hasStarted) {
        hasStarted = true;
        this.push(prefix);
      }
      let offset = 0;
      while (offset < data.length) {
        // A full chunk is sealed as "not last" only once more data is known to follow it.
        if (pending.isFull) {
          seal(this, pending.bytes, false);
          pending.length = 0;
        }
        // Whole chunks of this write that are followed by more data are sealed without a copy.
        while (pending.length === 0 && data.length - offset > CHUNK_SIZE) {
          seal(this, data.subarray(offset, offset + CHUNK_SIZE), false);
          offset += CHUNK_SIZE;
        }
        offset = pending.fill(data, offset);
      }
      if (outLength > 0) {
        this.push(out.subarray(0, outLength));
        out = Buffer.allocUnsafe(OUTPUT_SIZE);
        outLength = 0;
      }
      callback();
    },
    flush(callback: TransformCallback) {
      if (!hasStarted) this.push(prefix);
      seal(this, pending.content(), true);
      this.push(out.subarray(0, outLength));
      callback();
    },
  });
}

/**
 * Encrypts the file `input` to these recipients into the new file `output` (0600; refused if it
 * exists; removed on failure), hashing the plaintext (SHA-256) in the same pass. The file is read
 * into one reused buffer and the worker writes the sealed chunks itself: constant memory, and no
 * garbage per megabyte on either thread.
 */
export async function encryptFile(
  recipients: readonly string[],
  input: string,
  output: string,
  onBytes?: (count: number) => void,
): Promise<{ sha256: string; bytes: number }> {
  const { prefix, payloadKey } = newAgeFile(recipients);
  const hash = createHash('sha256');
  let bytes = 0;
  const source = await open(input, 'r');
  try {
    await writeSealedFile(
      { algorithm: 'chacha20-poly1305', key: payloadKey, prefix, file: output },
      async (write) => {
        const buffer = Buffer.allocUnsafe(READ_SIZE);
        for (;;) {
          const { bytesRead } = await source.read(buffer, 0, buffer.length, null);
          if (bytesRead === 0) break;
          const data = buffer.subarray(0, bytesRead);
          hash.update(data);
          bytes += bytesRead;
          onBytes?.(bytesRead);
          await write(data);
        }
      },
    );
  } finally {
    await source.close();
  }
  return { sha256: hash.digest('hex'), bytes };
}

/** An age file in, its plaintext out, for the first of these identities that opens it. */
export function decryptStream(identities: readonly string[]): Transform {
  if (identities.length === 0) throw new AgeError('invalid-identity', 'at least one identity is needed');
  const keys = identities.map(parseIdentity);
  let header: Buffer = Buffer.alloc(0);
  let fileKey: Buffer | undefined;
  let payloadKey: Buffer | undefined;
  const nonce = new ChunkBuffer(NONCE_SIZE);
  const pending = new ChunkBuffer(SEALED_CHUNK_SIZE);
  let counter = 0;

  /** Gathers the header; once whole, checks it and returns where the rest of data starts. */
  const readHeader = (data: Buffer): number | undefined => {
    const searchFrom = Math.max(0, header.length - 4);
    header = header.length === 0 ? data : Buffer.concat([header, data]);
    const start = header.subarray(0, VERSION_LINE.length + 1).toString('latin1');
    if (!`${VERSION_LINE}\n`.startsWith(start)) throw notAgeFile(header.subarray(0, 64).toString('latin1'));
    const dashes = header.indexOf('\n---', searchFrom, 'latin1');
    const end = dashes === -1 ? -1 : header.indexOf('\n', dashes + 1);
    if (end === -1) {
      if (header.length > MAX_HEADER_SIZE) {
        throw new AgeError('malformed-header', 'malformed age header: no MAC line in its first MiB');
      }
      return undefined;
    }
    fileKey = fileKeyOf(parseHeader(header.subarray(0, end).toString('latin1')), keys);
    const rest = header.length - (end + 1);
    header = Buffer.alloc(0);
    return data.length - rest;
  };

  const fails = (): AgeError =>
    new AgeError(
      'chunk-tampered',
      `chunk ${counter + 1} fails authentication: the payload was altered, reordered or cut`,
    );

  /** Opens the gathered chunk: one known to be followed by more data, or the file's final one. */
  const openPending = (stream: Transform, isFinal: boolean): void => {
    const sealed = pending.content();
    const key = payloadKey as Buffer;
    if (isFinal && (sealed.length < TAG_SIZE || (sealed.length === TAG_SIZE && counter > 0))) {
      throw new AgeError('truncated', 'the encrypted file is truncated: it ends inside its final chunk');
    }
    const plaintext = openChunk(key, counter, isFinal, sealed);
    if (plaintext === undefined) {
      if (openChunk(key, counter, !isFinal, sealed) === undefined) throw fails();
      if (!isFinal) {
        throw new AgeError('trailing-data', `trailing data after the final chunk (chunk ${counter + 1})`);
      }
      throw sealed.length === SEALED_CHUNK_SIZE
        ? new AgeError(
            'truncated',
            `the encrypted file is truncated: it ends after chunk ${counter + 1}, which is not its final chunk`,
          )
        : new AgeError(
            'last-chunk-flag',
            `bad last-chunk flag: the final chunk (chunk ${counter + 1}) is not marked as last`,
          );
    }
    stream.push(plaintext);
    counter += 1;
    pending.length = 0;
  };

  return new Transform({
    transform(data: Buffer, _encoding, callback: TransformCallback) {
      try {
        let offset = 0;
        if (fileKey === undefined) {
          const payloadStart = readHeader(data);
          if (payloadStart === undefined) return callback();
          offset = payloadStart;
        }
        if (payloadKey === undefined) {
          offset = nonce.fill(data, offset);
          if (!nonce.isFull) return callback();
          payloadKey = hkdf(fileKey as Buffer, nonce.bytes, 'payload');
        }
        while (offset < data.length) {
          if (pending.isFull) openPending(this, false);
          offset = pending.fill(data, offset);
        }
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
    flush(callback: TransformCallback) {
      try {
        if (fileKey === undefined) {
          if (header.length === 0) throw new AgeError('not-age-file', 'not an age file: it is empty');
          if (header.length < VERSION_LINE.length + 1) throw notAgeFile(header.toString('latin1'));
          throw new AgeError('malformed-header', 'the age file is truncated inside its header');
        }
        if (payloadKey === undefined) {
          throw new AgeError('truncated', 'the encrypted file is truncated: it ends before its payload');
        }
        openPending(this, true);
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
  });
}
