/**
 * The age payload as node:stream streams, in constant memory whatever the file's size: a 16-byte
 * nonce, then STREAM over the key HKDF-SHA256(file key, nonce, "payload"): 64 KiB chunks sealed with
 * ChaCha20-Poly1305 (node:crypto, native), nonce = 11-byte big-endian counter + last-chunk flag
 * (payload-chunks.ts). Encryption runs on a worker thread beside the caller's (seal-worker.ts).
 */
import { createDecipheriv, randomBytes } from 'node:crypto';
import { Duplex, Transform, type TransformCallback } from 'node:stream';
import { Worker } from 'node:worker_threads';
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
import {
  CHUNK_SIZE,
  chunkCount,
  chunkNonce,
  SEALED_CHUNK_SIZE,
  sealChunks,
  TAG_SIZE,
} from './payload-chunks.ts';
import type { SealReply, SealRequest } from './seal-worker.ts';

export { CHUNK_SIZE };

const NONCE_SIZE = 16;
/** Plaintext is sealed in slots of 16 chunks (1 MiB); at most SLOTS of them are in use at once. */
const SLOT_SIZE = 16 * CHUNK_SIZE;
const SLOTS = 4;
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

/**
 * Plaintext in, an age file to these `age1...` recipients out. The chunks are sealed on a worker
 * thread (seal-worker.ts), slot by slot (16 chunks, 1 MiB), while the calling thread goes on
 * reading, hashing and writing: two cores instead of one. A payload of one slot or less is sealed
 * on the calling thread (no thread to start). Memory stays bounded whatever the file's size: at
 * most SLOTS slots are in use, and no slot is sent while the reader has not taken what was pushed.
 */
export function encryptStream(recipients: readonly string[]): Duplex {
  if (recipients.length === 0) throw new AgeError('invalid-recipient', 'at least one recipient is needed');
  for (const recipient of recipients) parseRecipient(recipient);
  const fileKey = randomBytes(16);
  const header = formatHeader(
    fileKey,
    recipients.map((recipient) => wrapFileKey(fileKey, recipient)),
  );
  const nonce = randomBytes(NONCE_SIZE);
  const payloadKey = hkdf(fileKey, nonce, 'payload');
  const free: ArrayBuffer[] = [];
  let slotsMade = 0;
  let slot: Buffer | undefined;
  let slotLength = 0;
  let counter = 0;
  let inFlight = 0;
  let worker: Worker | undefined;
  let isReaderFull = false;
  let isDone = false;
  let hasStarted = false;
  /** The one step (a write or the end) waiting for a free slot, a reply or the reader. */
  let waiting: (() => void) | undefined;
  const wake = (): void => {
    const next = waiting;
    waiting = undefined;
    next?.();
  };

  const start = (): void => {
    if (hasStarted) return;
    hasStarted = true;
    stream.push(Buffer.concat([header, nonce]));
  };

  const takeSlot = (): Buffer | undefined => {
    if (isReaderFull) return undefined;
    let buffer = free.pop();
    if (buffer === undefined && slotsMade < SLOTS) {
      slotsMade += 1;
      buffer = new ArrayBuffer(SLOT_SIZE);
    }
    return buffer === undefined ? undefined : Buffer.from(buffer);
  };

  const startWorker = (): Worker => {
    const thread = new Worker(new URL('./seal-worker.ts', import.meta.url), {
      workerData: { key: payloadKey },
    });
    thread.on('message', (reply: SealReply) => {
      if (isDone) return;
      inFlight -= 1;
      // The thread keeps the process alive only while it has work.
      if (inFlight === 0) thread.unref();
      free.push(reply.input);
      if (!stream.push(Buffer.from(reply.output))) isReaderFull = true;
      wake();
    });
    thread.on('error', (error) => stream.destroy(error));
    thread.on('exit', (code) => {
      if (!isDone) stream.destroy(new Error(`the sealing thread stopped (exit code ${code})`));
    });
    return thread;
  };

  /** Sends the current slot to the worker; only a slot known to be followed by more data is not final. */
  const send = (isFinal: boolean): void => {
    const thread = worker ?? startWorker();
    worker = thread;
    const request: SealRequest = {
      input: (slot as Buffer).buffer as ArrayBuffer,
      length: slotLength,
      counter,
      isFinal,
    };
    counter += chunkCount(slotLength);
    if (inFlight === 0) thread.ref();
    inFlight += 1;
    slot = undefined;
    slotLength = 0;
    thread.postMessage(request, [request.input]);
  };

  const stream: Duplex = new Duplex({
    readableHighWaterMark: 2 * SLOT_SIZE,
    write(data: Buffer, _encoding, callback: (error?: Error | null) => void) {
      start();
      let offset = 0;
      const step = (): void => {
        while (offset < data.length) {
          // A full slot is sent as "not final" only once more data is known to follow it.
          if (slot !== undefined && slotLength === SLOT_SIZE) send(false);
          if (slot === undefined) {
            slot = takeSlot();
            if (slot === undefined) {
              waiting = step;
              return;
            }
          }
          const count = Math.min(SLOT_SIZE - slotLength, data.length - offset);
          data.copy(slot, slotLength, offset, offset + count);
          slotLength += count;
          offset += count;
        }
        callback();
      };
      step();
    },
    final(callback: (error?: Error | null) => void) {
      start();
      if (worker === undefined) {
        const plaintext = slot === undefined ? Buffer.alloc(0) : slot.subarray(0, slotLength);
        stream.push(sealChunks(payloadKey, counter, true, plaintext));
        isDone = true;
        stream.push(null);
        callback();
        return;
      }
      send(true);
      const end = (): void => {
        if (inFlight > 0) {
          waiting = end;
          return;
        }
        isDone = true;
        void worker?.terminate();
        stream.push(null);
        callback();
      };
      end();
    },
    read() {
      if (!isReaderFull) return;
      isReaderFull = false;
      wake();
    },
    destroy(error, callback) {
      isDone = true;
      void worker?.terminate();
      callback(error);
    },
  });
  return stream;
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
