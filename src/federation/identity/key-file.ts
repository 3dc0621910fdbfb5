/**
 * How a private key is kept on disk: the JWK as JSON, or, when the operator gave a passphrase at
 * `comity init`, a compact JWE of that JSON encrypted with PBES2-HS512+A256KW (PBKDF2 with
 * SHA-512 over the passphrase, 600 000 iterations, random salt) and A256GCM. A stolen disk or
 * backup then reveals nothing without the passphrase, and a wrong passphrase is detected (GCM tag).
 */
import { CompactEncrypt, compactDecrypt, decodeProtectedHeader, type JWK } from 'jose';

/** PBKDF2 iterations for new key files (OWASP's 2023 figure for PBKDF2-HMAC-SHA512 is 210 000). */
export const PASSPHRASE_ITERATIONS = 600_000;
/** The most iterations a key file may demand when read: bounds the work a tampered file can cause. */
const MAXIMUM_ITERATIONS = 10_000_000;
const KEY_MANAGEMENT = 'PBES2-HS512+A256KW';
const CONTENT_ENCRYPTION = 'A256GCM';

/** Why a key file could not be read; the message says what the operator should do. */
export class KeyFileError extends Error {
  readonly reason: 'passphrase-required' | 'wrong-passphrase' | 'malformed';
  constructor(reason: KeyFileError['reason'], message: string) {
    super(message);
    this.name = 'KeyFileError';
    this.reason = reason;
  }
}

/** The text of a key file: JSON, or an encrypted compact JWE when a passphrase is given. */
export async function encodeKeyFile(privateJwk: JWK, passphrase: string | undefined): Promise<string> {
  const json = JSON.stringify(privateJwk);
  if (passphrase === undefined) return `${json}\n`;
  const jwe = await new CompactEncrypt(new TextEncoder().encode(json))
    .setProtectedHeader({ alg: KEY_MANAGEMENT, enc: CONTENT_ENCRYPTION, cty: 'jwk+json' })
    .setKeyManagementParameters({ p2c: PASSPHRASE_ITERATIONS })
    .encrypt(new TextEncoder().encode(passphrase));
  return `${jwe}\n`;
}

/** True when the key file's text is encrypted (a compact JWE rather than JSON). */
export function isEncryptedKeyFile(text: string): boolean {
  return !text.trimStart().startsWith('{');
}

/** The private JWK of a key file; `name` is the file's name for error messages. */
export async function decodeKeyFile(
  text: string,
  passphrase: string | undefined,
  name: string,
): Promise<JWK> {
  const trimmed = text.trim();
  if (!isEncryptedKeyFile(trimmed)) return parseJwk(trimmed, name);
  if (passphrase === undefined) {
    throw new KeyFileError(
      'passphrase-required',
      `the private key ${name} is encrypted with a passphrase: set COMITY_KEY_PASSPHRASE`,
    );
  }
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(trimmed);
  } catch {
    throw new KeyFileError('malformed', `the private key ${name} is neither a JWK nor an encrypted key file`);
  }
  if (header.alg !== KEY_MANAGEMENT || header.enc !== CONTENT_ENCRYPTION) {
    throw new KeyFileError('malformed', `the private key ${name} is encrypted with an unsupported algorithm`);
  }
  let plaintext: Uint8Array;
  try {
    ({ plaintext } = await compactDecrypt(trimmed, new TextEncoder().encode(passphrase), {
      keyManagementAlgorithms: [KEY_MANAGEMENT],
      contentEncryptionAlgorithms: [CONTENT_ENCRYPTION],
      maxPBES2Count: MAXIMUM_ITERATIONS,
    }));
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_JWE_DECRYPTION_FAILED') {
      throw new KeyFileError(
        'wrong-passphrase',
        `cannot decrypt the private key ${name}: COMITY_KEY_PASSPHRASE is not the passphrase given at comity init`,
      );
    }
    throw new KeyFileError('malformed', `the private key ${name} is damaged (${(error as Error).message})`);
  }
  return parseJwk(new TextDecoder().decode(plaintext), name);
}

function parseJwk(json: string, name: string): JWK {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new KeyFileError('malformed', `the private key ${name} is not valid JSON`);
  }
  if (typeof value !== 'object' || value === null || typeof (value as JWK).d !== 'string') {
    throw new KeyFileError('malformed', `the private key ${name} is not a private JWK`);
  }
  return value as JWK;
}
