/**
 * The chunks of an evidence package as they travel: each item's plaintext cut into pieces of
 * CHUNK_PLAINTEXT_BYTES, each piece sealed with AES-256-GCM under the package's key (32 random
 * bytes, carried to the addressed node only inside the JWE-encrypted `evidence.package-offered`
 * message). A chunk's content address is the SHA-256 of its sealed bytes.
 *
 * Sealed chunk: 12-byte random nonce, ciphertext, 16-byte tag. Its additional authenticated data
 * names the package, the item, the chunk's place and whether it is the item's last, so a chunk
 * changed, moved to another place or another item, or a list cut short (its last chunk missing),
 * fails to open; the reassembled item must then also match its size and SHA-256 in the manifest.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

export const CHUNK_PLAINTEXT_BYTES = 1024 * 1024;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/** A chunk in the list the sender announces: which item, its place, its address and sealed size. */
export type ChunkRef = Readonly<{ item: string; index: number; hash: string; size: number }>;

export type ChunkPlace = Readonly<{ packageId: string; itemId: string; index: number; isLast: boolean }>;

export function newPackageKey(): Buffer {
  return randomBytes(32);
}

function aadOf(place: ChunkPlace): Buffer {
  return Buffer.from(
    `comity-evidence-chunk-v1\n${place.packageId}\n${place.itemId}\n${place.index}\n${place.isLast ? 'last' : 'more'}`,
    'utf8',
  );
}

export function chunkAddress(sealed: Buffer): string {
  return createHash('sha256').update(sealed).digest('hex');
}

export function sealChunk(key: Buffer, place: ChunkPlace, plaintext: Buffer): Buffer {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(aadOf(place));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([nonce, body, cipher.getAuthTag()]);
}

/** Why a chunk or an item does not hold. */
export class ChunkVerificationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChunkVerificationError';
  }
}

/** Opens a sealed chunk after checking its address; throws ChunkVerificationError when it does not hold. */
export function openChunk(key: Buffer, place: ChunkPlace, expectedHash: string, sealed: Buffer): Buffer {
  if (chunkAddress(sealed) !== expectedHash) {
    throw new ChunkVerificationError(
      `chunk ${place.index} of item ${place.itemId} does not match its address (changed in transit or at rest)`,
    );
  }
  return openCheckedChunk(key, place, sealed);
}

/**
 * Opens a sealed chunk whose address the caller has just checked (chunkAddress of these very
 * bytes): the authentication tag and the place are still checked here.
 */
export function openCheckedChunk(key: Buffer, place: ChunkPlace, sealed: Buffer): Buffer {
  if (sealed.length < NONCE_BYTES + TAG_BYTES) {
    throw new ChunkVerificationError(`chunk ${place.index} of item ${place.itemId} is truncated`);
  }
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, NONCE_BYTES));
  decipher.setAAD(aadOf(place));
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  try {
    return Buffer.concat([
      decipher.update(sealed.subarray(NONCE_BYTES, sealed.length - TAG_BYTES)),
      decipher.final(),
    ]);
  } catch {
    throw new ChunkVerificationError(
      `chunk ${place.index} of item ${place.itemId} does not open at its place (moved, swapped, or the list is cut short)`,
    );
  }
}

/**
 * Seals an item's plaintext, read as a stream of buffers, into chunks; calls `each` with every
 * sealed chunk and its place, in order. An empty item is one empty chunk. Answers the plaintext's
 * size and SHA-256.
 */
export async function sealItemChunks(
  key: Buffer,
  packageId: string,
  itemId: string,
  source: AsyncIterable<Buffer>,
  each: (sealed: Buffer, place: ChunkPlace) => Promise<void>,
): Promise<Readonly<{ sizeBytes: number; sha256: string }>> {
  const digest = createHash('sha256');
  let size = 0;
  let index = 0;
  let pending: Buffer[] = [];
  let pendingLength = 0;
  const flush = async (length: number, isLast: boolean) => {
    const all = Buffer.concat(pending, pendingLength);
    const piece = all.subarray(0, length);
    const rest = all.subarray(length);
    pending = rest.length > 0 ? [rest] : [];
    pendingLength = rest.length;
    const place = { packageId, itemId, index, isLast };
    index += 1;
    await each(sealChunk(key, place, piece), place);
  };
  for await (const buffer of source) {
    digest.update(buffer);
    size += buffer.length;
    pending.push(buffer);
    pendingLength += buffer.length;
    // A chunk is sealed as not-last only once a byte after it has arrived.
    while (pendingLength > CHUNK_PLAINTEXT_BYTES) await flush(CHUNK_PLAINTEXT_BYTES, false);
  }
  await flush(pendingLength, true);
  return { sizeBytes: size, sha256: digest.digest('hex') };
}

/**
 * The chunks of one item, in order, after checking the list: places 0..n-1 each once, at least
 * one. Throws ChunkVerificationError otherwise.
 */
export function chunksOfItem(chunks: readonly ChunkRef[], itemId: string): ChunkRef[] {
  const own = chunks.filter((chunk) => chunk.item === itemId);
  if (own.length === 0) throw new ChunkVerificationError(`item ${itemId} has no chunks in the list`);
  const sorted = [...own].sort((a, b) => a.index - b.index);
  for (const [position, chunk] of sorted.entries()) {
    if (chunk.index !== position) {
      throw new ChunkVerificationError(
        `item ${itemId}: chunk ${position} is missing or repeated in the list`,
      );
    }
  }
  return sorted;
}

/**
 * The opening of one item, chunk by chunk in order, as they arrive: each sealed chunk opened at its
 * place (`open`, after its address was checked), the plaintext hashed; `finish` then checks the
 * whole against the manifest's size and SHA-256. Throws ChunkVerificationError at the first thing
 * that does not hold.
 */
export function itemOpening(
  key: Buffer,
  packageId: string,
  item: Readonly<{ id: string; sizeBytes: number; sha256: string }>,
  chunkCount: number,
) {
  const digest = createHash('sha256');
  let size = 0;
  let next = 0;
  return {
    /** Opens the item's next chunk (`isAddressChecked`: the caller checked its address against `hash`). */
    open(chunk: ChunkRef, sealed: Buffer, isAddressChecked = false): Buffer {
      if (chunk.item !== item.id || chunk.index !== next) {
        throw new ChunkVerificationError(`item ${item.id}: chunk ${next} expected, got ${chunk.index}`);
      }
      const place = { packageId, itemId: item.id, index: chunk.index, isLast: next === chunkCount - 1 };
      next += 1;
      const plaintext = isAddressChecked
        ? openCheckedChunk(key, place, sealed)
        : openChunk(key, place, chunk.hash, sealed);
      digest.update(plaintext);
      size += plaintext.length;
      return plaintext;
    },
    finish(): void {
      if (next !== chunkCount) {
        throw new ChunkVerificationError(`item ${item.id}: ${next} of ${chunkCount} chunks opened`);
      }
      if (size !== item.sizeBytes) {
        throw new ChunkVerificationError(
          `item ${item.id} has ${size} bytes, the manifest says ${item.sizeBytes}`,
        );
      }
      const sha256 = digest.digest('hex');
      if (sha256 !== item.sha256) {
        throw new ChunkVerificationError(
          `item ${item.id}: SHA-256 ${sha256} differs from the manifest's ${item.sha256}`,
        );
      }
    },
  };
}

/**
 * Opens an item's chunks in order (read one at a time by `read`), hands each plaintext piece to
 * `write`, and checks the whole against the manifest's size and SHA-256. Throws
 * ChunkVerificationError at the first thing that does not hold.
 */
export async function openItemChunks(
  key: Buffer,
  packageId: string,
  item: Readonly<{ id: string; sizeBytes: number; sha256: string }>,
  chunks: readonly ChunkRef[],
  read: (hash: string) => Promise<Buffer>,
  write: (plaintext: Buffer) => Promise<void>,
): Promise<void> {
  const ordered = chunksOfItem(chunks, item.id);
  const opening = itemOpening(key, packageId, item, ordered.length);
  for (const chunk of ordered) await write(opening.open(chunk, await read(chunk.hash)));
  opening.finish();
}
