/**
 * X25519 keys in age's encodings: an identity is `AGE-SECRET-KEY-1...` (the 32-byte scalar), its
 * recipient `age1...` (the public key). Identity files follow age-keygen: one identity a line,
 * `#` comments and blank lines ignored.
 */
import { createPrivateKey, createPublicKey, diffieHellman, type KeyObject, randomBytes } from 'node:crypto';
import { bech32Decode, bech32Encode } from './bech32.ts';
import { AgeError } from './errors.ts';

const RECIPIENT_PREFIX = 'age';
const IDENTITY_PREFIX = 'age-secret-key-';
// DER wrappings of a raw X25519 key (RFC 8410): PKCS #8 for a private key, SPKI for a public one.
const PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');

export type X25519Identity = Readonly<{ privateKey: KeyObject; publicKey: Buffer }>;

export function privateKeyOf(scalar: Uint8Array): KeyObject {
  return createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, scalar]), format: 'der', type: 'pkcs8' });
}

export function publicKeyObjectOf(raw: Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
}

export function rawPublicKeyOf(key: KeyObject): Buffer {
  const der = (key.type === 'private' ? createPublicKey(key) : key).export({ format: 'der', type: 'spki' });
  return der.subarray(der.length - 32);
}

/** X25519(private, public); refuses the all-zero result of a low-order point (age spec). */
export function x25519(privateKey: KeyObject, publicKey: Uint8Array): Buffer | undefined {
  try {
    const shared = diffieHellman({ privateKey, publicKey: publicKeyObjectOf(publicKey) });
    return shared.every((byte) => byte === 0) ? undefined : shared;
  } catch {
    return undefined;
  }
}

function shorten(text: string): string {
  return text.length > 24 ? `${text.slice(0, 20)}...` : text;
}

/** The 32-byte public key of an `age1...` recipient, or an AgeError saying why it is not one. */
export function parseRecipient(recipient: string): Buffer {
  const decoded = bech32Decode(recipient);
  if (recipient !== recipient.toLowerCase() || decoded === undefined) {
    throw new AgeError('invalid-recipient', `"${shorten(recipient)}" is not an age recipient (age1...)`);
  }
  if (decoded.prefix !== RECIPIENT_PREFIX || decoded.data.length !== 32) {
    throw new AgeError(
      'invalid-recipient',
      `"${shorten(recipient)}" is not an X25519 age recipient (age1... of 32 bytes); other recipient types are not supported`,
    );
  }
  return decoded.data;
}

/** The X25519 key of an `AGE-SECRET-KEY-1...` identity, or an AgeError saying why it is not one. */
export function parseIdentity(identity: string): X25519Identity {
  const decoded = bech32Decode(identity);
  if (identity !== identity.toUpperCase() || decoded === undefined) {
    throw new AgeError('invalid-identity', 'not an age identity: expected AGE-SECRET-KEY-1...');
  }
  if (decoded.prefix !== IDENTITY_PREFIX || decoded.data.length !== 32) {
    throw new AgeError(
      'invalid-identity',
      `unsupported age identity type "${decoded.prefix.toUpperCase()}": only AGE-SECRET-KEY-1 (X25519) identities are supported`,
    );
  }
  const privateKey = privateKeyOf(decoded.data);
  return { privateKey, publicKey: rawPublicKeyOf(privateKey) };
}

export function generateIdentity(): { identity: string; recipient: string } {
  const scalar = randomBytes(32);
  const identity = bech32Encode(IDENTITY_PREFIX, scalar).toUpperCase();
  return { identity, recipient: recipientOf(identity) };
}

export function recipientOf(identity: string): string {
  return bech32Encode(RECIPIENT_PREFIX, parseIdentity(identity).publicKey);
}

/** The identities of an identity file in age's format (as age-keygen writes it), at least one. */
export function parseIdentityFile(text: string): string[] {
  const identities: string[] = [];
  text.split('\n').forEach((rawLine, index) => {
    const line = rawLine.replace(/\r$/, '').trim();
    if (line === '' || line.startsWith('#')) return;
    try {
      parseIdentity(line);
    } catch (error) {
      const reason = error instanceof AgeError ? error.message : String(error);
      throw new AgeError('invalid-identity', `identity file, line ${index + 1}: ${reason}`);
    }
    identities.push(line);
  });
  if (identities.length === 0) {
    throw new AgeError('invalid-identity', 'the identity file holds no identity (AGE-SECRET-KEY-1...)');
  }
  return identities;
}

/** An identity file as age-keygen writes it: creation time, public key, then the identity. */
export function formatIdentityFile(identity: string, createdAt: Date): string {
  const created = createdAt.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return `# created: ${created}\n# public key: ${recipientOf(identity)}\n${identity}\n`;
}
