/**
 * Password hashing with scrypt, a memory-hard key-derivation function built into node:crypto, so
 * a stolen database costs an attacker memory as well as time per guess. A hash is stored as a
 * self-describing string `scrypt$N$r$p$salt$hash` (salt and hash in base64url): the cost can be
 * raised later and old hashes still verify.
 */
import { randomBytes, randomInt, scrypt, timingSafeEqual } from 'node:crypto';
import { AppError } from '../core/errors.ts';

/** Shortest password accepted: length is what makes a password hard to guess. */
export const MINIMUM_PASSWORD_LENGTH = 12;

const COST = 2 ** 15;
const BLOCK_SIZE = 8;
const PARALLELISM = 1;
const SALT_BYTES = 16;
const KEY_BYTES = 32;
/** The largest cost a stored hash may name, so a tampered row cannot exhaust memory. */
const MAXIMUM_COST = 2 ** 20;

function deriveKey(password: string, salt: Buffer, cost: number, blockSize: number, parallelism: number) {
  // scrypt needs about 128 * N * r bytes; Node's default limit (32 MiB) is exactly N=2^15, r=8.
  const maxmem = 256 * cost * blockSize + 1024 * 1024;
  return new Promise<Buffer>((resolve, reject) => {
    scrypt(password, salt, KEY_BYTES, { N: cost, r: blockSize, p: parallelism, maxmem }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

/** Throws invalid-input when the password is too short to be accepted. */
export function assertPasswordAcceptable(password: string): void {
  if (password.length < MINIMUM_PASSWORD_LENGTH) {
    throw new AppError(
      'invalid-input',
      `the password must have at least ${MINIMUM_PASSWORD_LENGTH} characters`,
      [{ path: 'password', message: `at least ${MINIMUM_PASSWORD_LENGTH} characters` }],
    );
  }
}

/** Hashes a password with a fresh random salt; refuses passwords shorter than the minimum. */
export async function hashPassword(password: string): Promise<string> {
  assertPasswordAcceptable(password);
  const salt = randomBytes(SALT_BYTES);
  const key = await deriveKey(password, salt, COST, BLOCK_SIZE, PARALLELISM);
  return [
    'scrypt',
    COST,
    BLOCK_SIZE,
    PARALLELISM,
    salt.toString('base64url'),
    key.toString('base64url'),
  ].join('$');
}

type ParsedHash = Readonly<{
  cost: number;
  blockSize: number;
  parallelism: number;
  salt: Buffer;
  key: Buffer;
}>;

/** A stored hash's parts, or undefined when it is not one this module can verify. */
function parseHash(storedHash: string): ParsedHash | undefined {
  const parts = storedHash.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [cost, blockSize, parallelism] = parts.slice(1, 4).map(Number) as [number, number, number];
  const isCostValid = Number.isInteger(cost) && cost > 1 && cost <= MAXIMUM_COST && (cost & (cost - 1)) === 0;
  if (!isCostValid || !Number.isInteger(blockSize) || blockSize < 1 || blockSize > 32) return undefined;
  if (!Number.isInteger(parallelism) || parallelism < 1 || parallelism > 16) return undefined;
  const salt = Buffer.from(parts[4] ?? '', 'base64url');
  const key = Buffer.from(parts[5] ?? '', 'base64url');
  if (salt.length === 0 || key.length !== KEY_BYTES) return undefined;
  return { cost, blockSize, parallelism, salt, key };
}

/**
 * Throws invalid-input unless `storedHash` is a hash this node would make itself or one costlier:
 * for an account given with its hash (the first-start file), so a weak hash never enters.
 */
export function assertPasswordHashAcceptable(storedHash: string): void {
  const parsed = parseHash(storedHash);
  const isStrongEnough =
    parsed !== undefined &&
    parsed.cost >= COST &&
    parsed.blockSize >= BLOCK_SIZE &&
    parsed.salt.length >= SALT_BYTES;
  if (!isStrongEnough) {
    throw new AppError(
      'invalid-input',
      `the password hash must be scrypt$N$r$p$salt$hash with N at least ${COST}, r at least ${BLOCK_SIZE} and a salt of at least ${SALT_BYTES} bytes (as Comity makes it)`,
      [{ path: 'passwordHash', message: 'not an scrypt hash as strong as Comity makes' }],
    );
  }
}

/**
 * Whether the password matches the stored hash. Compares in constant time; an unreadable hash
 * verifies nothing (false), it never throws.
 */
export async function verifyPassword(password: string, storedHash: string): Promise<boolean> {
  const parsed = parseHash(storedHash);
  if (parsed === undefined) return false;
  const actual = await deriveKey(password, parsed.salt, parsed.cost, parsed.blockSize, parsed.parallelism);
  return timingSafeEqual(actual, parsed.key);
}

/** Moving average of the time real verifications take, in ms (the first is measured on a dummy hash). */
let typicalVerificationMs: Promise<number> | undefined;

/** verifyPassword, also keeping the moving average that waitAsLongAsAVerification uses. */
export async function verifyPasswordTimed(password: string, storedHash: string): Promise<boolean> {
  const started = performance.now();
  const result = await verifyPassword(password, storedHash);
  const elapsed = performance.now() - started;
  const previous = await (typicalVerificationMs ?? Promise.resolve(elapsed));
  typicalVerificationMs = Promise.resolve(previous * 0.9 + elapsed * 0.1);
  return result;
}

/**
 * For a sign-in with an unknown username: waits about as long as a real verification takes (the
 * moving average, with a little jitter) without computing anything, so the answer time does not
 * reveal which usernames exist and a sprayer of made-up names costs the node no CPU. Always false.
 */
export async function waitAsLongAsAVerification(): Promise<false> {
  typicalVerificationMs ??= (async () => {
    const started = performance.now();
    await verifyPassword(randomBytes(18).toString('base64url'), await hashPassword(generatePassword(20)));
    return performance.now() - started;
  })();
  const typical = await typicalVerificationMs;
  const jitter = 0.9 + Math.random() * 0.2;
  await new Promise((resolve) => setTimeout(resolve, Math.round(typical * jitter)));
  return false;
}

const PASSWORD_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

/** A random password (unambiguous letters and digits, about 5.8 bits each) to show once. */
export function generatePassword(length = 20): string {
  let password = '';
  for (let index = 0; index < length; index += 1) {
    password += PASSWORD_ALPHABET[randomInt(PASSWORD_ALPHABET.length)];
  }
  return password;
}
