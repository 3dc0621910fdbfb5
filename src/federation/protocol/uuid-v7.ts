/**
 * UUIDv7 message ids (RFC 9562 §5.7): 48-bit Unix time in milliseconds, then random bits. Ids made
 * by one process sort in creation order: within the same millisecond the 12-bit `rand_a` field is
 * used as a counter (RFC 9562 §6.2, method 1), so ids stay unique and ordered without coordination.
 */
import { randomFillSync } from 'node:crypto';

/** Sources of time and randomness, injectable for tests. */
export type UuidV7Sources = Readonly<{
  now: () => number;
  fillRandom: (bytes: Uint8Array) => void;
}>;

const defaultSources: UuidV7Sources = { now: () => Date.now(), fillRandom: (bytes) => randomFillSync(bytes) };

/** Makes a UUIDv7 generator with its own monotonic state. */
export function createUuidV7Generator(sources: UuidV7Sources = defaultSources): () => string {
  let lastMs = -1;
  let counter = 0;
  return () => {
    const bytes = new Uint8Array(16);
    sources.fillRandom(bytes);
    let ms = sources.now();
    if (ms <= lastMs) {
      // Same (or an earlier) millisecond: keep the last timestamp and count up in rand_a.
      ms = lastMs;
      counter += 1;
      if (counter > 0xfff) {
        ms += 1;
        counter = (bytes[6]! & 0x07) << 8;
      }
    } else {
      // A new millisecond: start the counter at a random value in its lower half, leaving room to count.
      counter = ((bytes[6]! & 0x07) << 8) | bytes[7]!;
    }
    lastMs = ms;
    for (let index = 5; index >= 0; index -= 1) {
      bytes[index] = ms % 256;
      ms = Math.floor(ms / 256);
    }
    bytes[6] = 0x70 | ((counter >> 8) & 0x0f);
    bytes[7] = counter & 0xff;
    bytes[8] = 0x80 | (bytes[8]! & 0x3f);
    const hex = Buffer.from(bytes).toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  };
}

/** A new UUIDv7 (process-wide generator: ids sort in creation order within this process). */
export const createUuidV7: () => string = createUuidV7Generator();

/** The creation time encoded in a UUIDv7, in milliseconds since the epoch. */
export function uuidV7Timestamp(id: string): number {
  return Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16);
}
