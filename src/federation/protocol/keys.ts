/**
 * Node keys of federation v1: one Ed25519 signing key and one X25519 encryption key per node, held
 * as JWKs (OKP) so they can be written to files and published in the directory. A key's `kid` is
 * its RFC 7638 JWK thumbprint (SHA-256, base64url): anyone can recompute it from the public key,
 * so a directory entry cannot name a key by a kid that is not its own.
 */
import { createPrivateKey, createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import type { DirectoryKey, KeyPairJwk, NodeKeys } from './types.ts';

/** JWK members that hold private key material; a public JWK must have none of them. */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k', 'priv'] as const;

/**
 * A key as node:crypto uses it (a KeyObject; jose accepts it too). The protocol's signatures and
 * encryption run on node:crypto directly (compact-jws.ts, seal.ts): WebCrypto's asynchronous
 * calls cost several times the operation itself.
 */
export type ImportedKey = KeyObject;

/** The RFC 7638 thumbprint of a public JWK: the kid every federation message and directory uses. */
export function computeKid(publicJwk: JWK): Promise<string> {
  return calculateJwkThumbprint(toPublicJwk(publicJwk), 'sha256');
}

/**
 * The public part of a JWK: only kty, crv and x for the OKP keys of v1 (no kid, use or alg
 * members, so the thumbprint and the published key are the same bytes on every node).
 */
export function toPublicJwk(jwk: JWK): JWK {
  if (jwk.kty === 'OKP') return { kty: 'OKP', crv: jwk.crv, x: jwk.x };
  const copy: Record<string, unknown> = { ...jwk };
  for (const member of PRIVATE_MEMBERS) delete copy[member];
  return copy as JWK;
}

/** True when the JWK carries private key material (and so must never be published or sent). */
export function hasPrivateMaterial(jwk: JWK): boolean {
  return PRIVATE_MEMBERS.some((member) => Object.hasOwn(jwk, member));
}

/** A key pair from its private JWK (e.g. read from a key file): the public JWK and kid are derived. */
export async function keyPairFromPrivateJwk(privateJwk: JWK): Promise<KeyPairJwk> {
  if (typeof privateJwk.d !== 'string')
    throw new TypeError('keyPairFromPrivateJwk needs a private JWK (with d)');
  const stored: JWK = { kty: privateJwk.kty, crv: privateJwk.crv, x: privateJwk.x, d: privateJwk.d };
  const publicJwk = toPublicJwk(stored);
  return { kid: await computeKid(publicJwk), publicJwk, privateJwk: stored };
}

async function generateKeyPairJwk(
  algorithm: 'EdDSA' | 'ECDH-ES',
  crv: 'Ed25519' | 'X25519',
): Promise<KeyPairJwk> {
  const { privateKey } = await generateKeyPair(algorithm, { crv, extractable: true });
  return keyPairFromPrivateJwk(await exportJWK(privateKey));
}

/** A fresh Ed25519 key pair for signing messages, receipts or the directory. */
export function generateSigningKeyPair(): Promise<KeyPairJwk> {
  return generateKeyPairJwk('EdDSA', 'Ed25519');
}

/** A fresh X25519 key pair other nodes encrypt message bodies to. */
export function generateEncryptionKeyPair(): Promise<KeyPairJwk> {
  return generateKeyPairJwk('ECDH-ES', 'X25519');
}

/** The two key pairs a node needs (`comity init`, and key rotation). */
export async function generateNodeKeys(): Promise<NodeKeys> {
  const [signing, encryption] = await Promise.all([generateSigningKeyPair(), generateEncryptionKeyPair()]);
  return { signing, encryption };
}

/** True when the key may be used at `at`: notBefore <= at <= notAfter (inclusive). */
export function isKeyValidAt(key: Pick<DirectoryKey, 'notBefore' | 'notAfter'>, at: Date): boolean {
  const time = at.getTime();
  const notBefore = Date.parse(key.notBefore);
  const notAfter = Date.parse(key.notAfter);
  return !Number.isNaN(notBefore) && !Number.isNaN(notAfter) && notBefore <= time && time <= notAfter;
}

/**
 * Imported keys are cached per JWK object: importing costs more than a signature, and the same
 * node keys and directory keys are used for every message. JWK objects are treated as immutable.
 */
const importedKeys = new WeakMap<JWK, ImportedKey>();

function importCached(jwk: JWK, isPrivate: boolean): ImportedKey {
  const cached = importedKeys.get(jwk);
  if (cached) return cached;
  const { kty, crv, x, d } = jwk;
  const material = (isPrivate ? { kty, crv, x, d } : { kty, crv, x }) as JsonWebKey;
  const key = isPrivate
    ? createPrivateKey({ key: material, format: 'jwk' })
    : createPublicKey({ key: material, format: 'jwk' });
  importedKeys.set(jwk, key);
  return key;
}

function assertOkp(jwk: JWK, crv: 'Ed25519' | 'X25519', isPrivate: boolean): void {
  if (jwk.kty !== 'OKP' || jwk.crv !== crv || typeof jwk.x !== 'string') {
    throw new TypeError(`expected an OKP ${crv} JWK`);
  }
  if (isPrivate && typeof jwk.d !== 'string') throw new TypeError(`expected a private ${crv} JWK`);
}

/** The private Ed25519 key to sign with. */
export function signingKeyOf(privateJwk: JWK): ImportedKey {
  assertOkp(privateJwk, 'Ed25519', true);
  return importCached(privateJwk, true);
}

/** A public Ed25519 key to verify signatures with (from the directory or the pinned secretariat keys). */
export function verificationKeyOf(publicJwk: JWK): ImportedKey {
  assertOkp(publicJwk, 'Ed25519', false);
  return importCached(publicJwk, false);
}

/** The recipient's public X25519 key to encrypt a body to. */
export function encryptionKeyOf(publicJwk: JWK): ImportedKey {
  assertOkp(publicJwk, 'X25519', false);
  return importCached(publicJwk, false);
}

/** This node's private X25519 key to decrypt bodies with. */
export function decryptionKeyOf(privateJwk: JWK): ImportedKey {
  assertOkp(privateJwk, 'X25519', true);
  return importCached(privateJwk, true);
}

/** signingKeyOf, as a promise (a rejected one for a key that is not a private Ed25519 JWK). */
export async function importSigningKey(privateJwk: JWK): Promise<ImportedKey> {
  return signingKeyOf(privateJwk);
}

/** verificationKeyOf, as a promise. */
export async function importVerificationKey(publicJwk: JWK): Promise<ImportedKey> {
  return verificationKeyOf(publicJwk);
}

/** encryptionKeyOf, as a promise. */
export async function importEncryptionKey(publicJwk: JWK): Promise<ImportedKey> {
  return encryptionKeyOf(publicJwk);
}

/** decryptionKeyOf, as a promise. */
export async function importDecryptionKey(privateJwk: JWK): Promise<ImportedKey> {
  return decryptionKeyOf(privateJwk);
}

/**
 * The key a sender encrypts a body to: among the recipient's `enc` keys valid at `at`, the one
 * with the latest notBefore (the newest key once a rotation has started; the recipient still
 * decrypts with the old one until it expires). Undefined when the node has no valid `enc` key.
 */
export function selectRecipientEncryptionKey(
  keys: readonly DirectoryKey[],
  at: Date,
): DirectoryKey | undefined {
  let selected: DirectoryKey | undefined;
  for (const key of keys) {
    if (key.use !== 'enc' || !isKeyValidAt(key, at)) continue;
    if (!selected || Date.parse(key.notBefore) > Date.parse(selected.notBefore)) selected = key;
  }
  return selected;
}
