/**
 * Sealing of the age payload's chunks (STREAM: ChaCha20-Poly1305, nonce = 11-byte big-endian
 * counter + last-chunk flag), shared by the encrypting stream and its worker thread.
 */
import { createCipheriv } from 'node:crypto';

export const CHUNK_SIZE = 64 * 1024;
export const TAG_SIZE = 16;
export const SEALED_CHUNK_SIZE = CHUNK_SIZE + TAG_SIZE;

export function chunkNonce(counter: number, isLast: boolean): Buffer {
  const nonce = Buffer.alloc(12);
  nonce.writeUIntBE(counter, 5, 6);
  nonce[11] = isLast ? 1 : 0;
  return nonce;
}

/** How many chunks `length` bytes make (an empty payload is one empty final chunk). */
export function chunkCount(length: number): number {
  return Math.max(1, Math.ceil(length / CHUNK_SIZE));
}

/**
 * Seals plaintext as consecutive chunks from `counter` on; the last of them carries the last-chunk
 * flag when isFinal. The result owns its whole ArrayBuffer, so that it can be transferred.
 */
export function sealChunks(key: Buffer, counter: number, isFinal: boolean, plaintext: Buffer): Buffer {
  const count = chunkCount(plaintext.length);
  const out = Buffer.allocUnsafeSlow(plaintext.length + count * TAG_SIZE);
  let offset = 0;
  for (let index = 0; index < count; index += 1) {
    const piece = plaintext.subarray(index * CHUNK_SIZE, (index + 1) * CHUNK_SIZE);
    const cipher = createCipheriv(
      'chacha20-poly1305',
      key,
      chunkNonce(counter + index, isFinal && index === count - 1),
      {
        authTagLength: TAG_SIZE,
      },
    );
    offset += cipher.update(piece).copy(out, offset);
    cipher.final();
    offset += cipher.getAuthTag().copy(out, offset);
  }
  return out;
}
