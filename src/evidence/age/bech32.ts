/**
 * Bech32 (BIP 173 checksum, not bech32m) as age uses it for `age1...` recipients and
 * `AGE-SECRET-KEY-1...` identities: no 90-character limit, one case throughout.
 */
const CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const GENERATOR = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3] as const;

function polymod(values: readonly number[]): number {
  let checksum = 1;
  for (const value of values) {
    const top = checksum >>> 25;
    checksum = ((checksum & 0x1ffffff) << 5) ^ value;
    GENERATOR.forEach((generator, bit) => {
      if ((top >>> bit) & 1) checksum ^= generator;
    });
  }
  return checksum >>> 0;
}

function expandPrefix(prefix: string): number[] {
  const codes = [...prefix].map((character) => character.charCodeAt(0));
  return [...codes.map((code) => code >>> 5), 0, ...codes.map((code) => code & 31)];
}

/** Regroups bits: 8 -> 5 pads the tail; 5 -> 8 refuses padding that is not zero or too long. */
function convertBits(data: ArrayLike<number>, from: number, to: number, pad: boolean): number[] | undefined {
  let accumulator = 0;
  let bits = 0;
  const result: number[] = [];
  const mask = (1 << to) - 1;
  for (let index = 0; index < data.length; index += 1) {
    accumulator = (accumulator << from) | (data[index] ?? 0);
    bits += from;
    while (bits >= to) {
      bits -= to;
      result.push((accumulator >>> bits) & mask);
    }
    accumulator &= (1 << bits) - 1;
  }
  if (pad) {
    if (bits > 0) result.push((accumulator << (to - bits)) & mask);
  } else if (bits >= from || accumulator !== 0) {
    return undefined;
  }
  return result;
}

/** Encodes bytes under a lowercase prefix (`age`, `age-secret-key-`); the result is lowercase. */
export function bech32Encode(prefix: string, data: Uint8Array): string {
  const words = convertBits(data, 8, 5, true) ?? [];
  const checksum = polymod([...expandPrefix(prefix), ...words, 0, 0, 0, 0, 0, 0]) ^ 1;
  const checksumWords = [25, 20, 15, 10, 5, 0].map((shift) => (checksum >>> shift) & 31);
  return `${prefix}1${[...words, ...checksumWords].map((word) => CHARSET[word]).join('')}`;
}

/** Decodes a bech32 string of one case; undefined when it is not valid bech32. */
export function bech32Decode(text: string): { prefix: string; data: Buffer } | undefined {
  if (text !== text.toLowerCase() && text !== text.toUpperCase()) return undefined;
  const lower = text.toLowerCase();
  const separator = lower.lastIndexOf('1');
  if (separator < 1 || separator + 7 > lower.length) return undefined;
  const prefix = lower.slice(0, separator);
  if ([...prefix].some((character) => character < '!' || character > '~')) return undefined;
  const words: number[] = [];
  for (const character of lower.slice(separator + 1)) {
    const word = CHARSET.indexOf(character);
    if (word === -1) return undefined;
    words.push(word);
  }
  if (polymod([...expandPrefix(prefix), ...words]) !== 1) return undefined;
  const bytes = convertBits(words.slice(0, -6), 5, 8, false);
  return bytes === undefined ? undefined : { prefix, data: Buffer.from(bytes) };
}
