/**
 * The STREAM construction shared by the age payload (ChaCha20-Poly1305) and the node's at-rest
 * format (AES-256-GCM): 64 KiB chunks, each followed by its 16-byte tag, nonce = 11-byte
 * big-endian chunk counter + a last-chunk flag byte.
 */
import { createCipheriv } from 'node:crypto';

export type SealAlgorithm = 'chacha20-poly1305' | 'aes-256-gcm';

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

/** The size of `length` bytes of plaintext once sealed. */
export function sealedSize(length: number): number {
  return length + chunkCount(length) * TAG_SIZE;
}

/**
 * Seals plaintext into out (from its start) as consecutive chunks from `counter` on; the last of
 * them carries the last-chunk flag when isFinal. Returns the sealed length.
 */
export function sealChunksInto(
  algorithm: SealAlgorithm,
  key: Buffer,
  counter: number,
  isFinal: boolean,
  plaintext: Buffer,
  out: Buffer,
): number {
  const count = chunkCount(plaintext.length);
  let offset = 0;
  for (let index = 0; index < count; index += 1) {
    const piece = plaintext.subarray(index * CHUNK_SIZE, (index + 1) * CHUNK_SIZE);
    const nonce = chunkNonce(counter + index, isFinal && index === count - 1);
    const cipher =
      algorithm === 'aes-256-gcm'
        ? createCipheriv(algorithm, key, nonce, { authTagLength: TAG_SIZE })
        : createCipheriv(algorithm, key, nonce, { authTagLength: TAG_SIZE });
    offset += cipher.update(piece).copy(out, offset);
    cipher.final();
    offset += cipher.getAuthTag().copy(out, offset);
  }
  return offset;
}

/** sealChunksInto a new buffer that owns its whole ArrayBuffer (so that it can be transferred). */
export function sealChunks(
  algorithm: SealAlgorithm,
  key: Buffer,
  counter: number,
  isFinal: boolean,
  plaintext: Buffer,
): Buffer {
  const out = Buffer.allocUnsafeSlow(sealedSize(plaintext.length));
  sealChunksInto(algorithm, key, counter, isFinal, plaintext, out);
  return out;
}
