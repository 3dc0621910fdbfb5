/**
 * A node's identity on disk: `<identityDirectory>/node.json` (who the node is, where it is reached
 * and which secretariat it trusts) and its key files. Private key files are readable by the
 * owner only (0600, in a 0700 directory) and, when the operator gave a passphrase, encrypted
 * (key-file.ts); each has a public twin (`*.pub.jwk`) so the public keys can be printed without
 * the passphrase.
 *
 * Files:
 *   node.json                                     {nodeId, state, authority, endpoint, secretariat, createdAt}
 *   signing.key.jwk      signing.pub.jwk          Ed25519, signs messages, receipts (and, on a secretariat, the directory)
 *   encryption.key.jwk   encryption.pub.jwk       X25519, other nodes encrypt message bodies to it
 *   signing.next.key.jwk ... encryption.next.pub.jwk   the next keys during a rotation (`comity keys rotate`)
 *   signing.previous.key.jwk, encryption.previous.key.jwk   the keys before the last `comity keys activate`
 *
 * Key rotation (no message is refused at any moment):
 *   1. On the node: `comity keys rotate` creates the next key pairs; `comity keys public > keys.json`.
 *   2. At the secretariat: `comity secretariat add-key --keys keys.json` adds the next keys (valid
 *      from now or from --not-before) next to the current ones, then `comity secretariat publish`.
 *      Both keys now verify: this is the overlap.
 *   3. Once the node's directory lists the next keys (after one refresh), on the node:
 *      `comity keys activate` makes the next keys current, then restart the node.
 *   4. At the secretariat: `comity secretariat retire-key --kid <old kid>` ends the old keys'
 *      validity (after a grace period for messages in flight), then `comity secretariat publish`.
 */
import { randomBytes } from 'node:crypto';
import { chmod, copyFile, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { JWK } from 'jose';
import { z } from 'zod';
import type { Config } from '../../config.ts';
import type { NodeIdentity } from '../context.ts';
import { announcedAccepts } from '../messages/registry.ts';
import { AuthorityKindSchema, NodeIdSchema, PublicOkpJwkSchema } from '../protocol/envelope.ts';
import {
  computeKid,
  generateNodeKeys,
  hasPrivateMaterial,
  keyPairFromPrivateJwk,
  toPublicJwk,
} from '../protocol/keys.ts';
import type { AuthorityKind, KeyPairJwk, NodeKeys } from '../protocol/types.ts';
import { decodeKeyFile, encodeKeyFile, isEncryptedKeyFile, KeyFileError } from './key-file.ts';
import type { PublicKeyBundle, PublicKeyEntry } from './public-key-bundle.ts';

export const IDENTITY_FILE = 'node.json';

type KeyRole = 'signing' | 'encryption';
type KeyGeneration = 'current' | 'next' | 'previous';

/** The file of a key: `signing.key.jwk`, `encryption.next.pub.jwk`... */
export function keyFileName(role: KeyRole, generation: KeyGeneration, part: 'key' | 'pub'): string {
  const infix = generation === 'current' ? '' : `.${generation}`;
  return `${role}${infix}.${part}.jwk`;
}

/** Why the identity could not be created, read or changed; the message says what to do. */
export class NodeIdentityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NodeIdentityError';
  }
}

/** A base URL: http or https, no credentials, query or fragment; stored without a trailing slash. */
const BaseUrlSchema = z
  .url({ protocol: /^https?$/ })
  .max(500)
  .refine((value) => {
    const url = new URL(value);
    return url.username === '' && url.password === '' && url.search === '' && url.hash === '';
  }, 'must be a base URL without credentials, query or fragment')
  .transform((value) => value.replace(/\/+$/, ''));

const SecretariatSchema = z
  .object({
    url: BaseUrlSchema,
    publicJwks: z
      .array(
        PublicOkpJwkSchema.refine((jwk) => jwk.crv === 'Ed25519', 'the secretariat signs with Ed25519 keys'),
      )
      .min(1)
      .max(8),
  })
  .strict();

/** What `comity init` is given. */
export const NodeIdentityInputSchema = z
  .object({
    nodeId: NodeIdSchema,
    state: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as FR, or EU'),
    authority: AuthorityKindSchema,
    endpoint: BaseUrlSchema,
    secretariat: SecretariatSchema.nullable(),
  })
  .strict();
export type NodeIdentityInput = Omit<z.input<typeof NodeIdentityInputSchema>, 'secretariat'> & {
  secretariat: Readonly<{ url: string; publicJwks: readonly JWK[] }> | null;
};

const NodeIdentityFileSchema = NodeIdentityInputSchema.extend({ createdAt: z.iso.datetime() });
export type NodeIdentityFile = z.infer<typeof NodeIdentityFileSchema>;

function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || 'input'}: ${issue.message}`).join('; ');
}

async function isPresent(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/** Writes a file whole or not at all (temporary file + rename), with its mode set before any byte. */
async function writeFileAtomically(file: string, text: string, mode: number): Promise<void> {
  const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temporary, text, { mode, flag: 'wx' });
    await chmod(temporary, mode);
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

async function ensurePrivateDirectory(directory: string): Promise<void> {
  await mkdir(directory, { recursive: true, mode: 0o700 });
  await chmod(directory, 0o700);
}

async function writeKeyPair(
  directory: string,
  role: KeyRole,
  generation: KeyGeneration,
  pair: KeyPairJwk,
  passphrase: string | undefined,
): Promise<void> {
  await writeFileAtomically(
    path.join(directory, keyFileName(role, generation, 'key')),
    await encodeKeyFile(pair.privateJwk, passphrase),
    0o600,
  );
  await writeFileAtomically(
    path.join(directory, keyFileName(role, generation, 'pub')),
    `${JSON.stringify(pair.publicJwk)}\n`,
    0o644,
  );
}

/** node.json of the directory, or undefined when `comity init` has not run there. */
export async function readIdentityFile(directory: string): Promise<NodeIdentityFile | undefined> {
  let text: string;
  try {
    text = await readFile(path.join(directory, IDENTITY_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new NodeIdentityError(`${path.join(directory, IDENTITY_FILE)} is not valid JSON`);
  }
  const parsed = NodeIdentityFileSchema.safeParse(value);
  if (!parsed.success) {
    throw new NodeIdentityError(
      `${path.join(directory, IDENTITY_FILE)} is invalid: ${describeIssues(parsed.error)}`,
    );
  }
  return parsed.data;
}

export type InitOptions = Readonly<{
  /** Encrypts the private key files with this passphrase (COMITY_KEY_PASSPHRASE must then be set to run). */
  passphrase?: string;
  /** Replaces an existing identity (its keys are lost: the secretariat must register the new ones). */
  isForced?: boolean;
  now: Date;
}>;

/** Smallest passphrase accepted for key files. */
export const MINIMUM_PASSPHRASE_LENGTH = 12;

/**
 * Creates a node's identity: new signing and encryption keys and node.json. Refuses to replace an
 * existing identity unless forced, since the node's peers know it by its keys.
 */
export async function initNodeIdentity(
  directory: string,
  input: NodeIdentityInput,
  options: InitOptions,
): Promise<NodeIdentityFile> {
  const parsed = NodeIdentityInputSchema.safeParse(input);
  if (!parsed.success) throw new NodeIdentityError(describeIssues(parsed.error));
  if (options.passphrase !== undefined && options.passphrase.length < MINIMUM_PASSPHRASE_LENGTH) {
    throw new NodeIdentityError(`the passphrase must have at least ${MINIMUM_PASSPHRASE_LENGTH} characters`);
  }
  const existing = await readIdentityFile(directory).catch(() => undefined);
  if (!options.isForced && (existing || (await isPresent(path.join(directory, IDENTITY_FILE))))) {
    const who = existing ? ` (node ${existing.nodeId})` : '';
    throw new NodeIdentityError(
      `a node identity already exists in ${directory}${who}; use --force to replace it and its keys`,
    );
  }
  await ensurePrivateDirectory(directory);
  // node.json goes last: until it exists, the directory holds no identity.
  await rm(path.join(directory, IDENTITY_FILE), { force: true });
  for (const role of ['signing', 'encryption'] as const) {
    for (const generation of ['next', 'previous'] as const) {
      for (const part of ['key', 'pub'] as const) {
        await rm(path.join(directory, keyFileName(role, generation, part)), { force: true });
      }
    }
  }
  const keys = await generateNodeKeys();
  await writeKeyPair(directory, 'signing', 'current', keys.signing, options.passphrase);
  await writeKeyPair(directory, 'encryption', 'current', keys.encryption, options.passphrase);
  const file: NodeIdentityFile = { ...parsed.data, createdAt: options.now.toISOString() };
  await writeFileAtomically(path.join(directory, IDENTITY_FILE), `${JSON.stringify(file, null, 2)}\n`, 0o644);
  return file;
}

async function readKeyPair(
  directory: string,
  role: KeyRole,
  generation: KeyGeneration,
  passphrase: string | undefined,
): Promise<KeyPairJwk> {
  const name = keyFileName(role, generation, 'key');
  let text: string;
  try {
    text = await readFile(path.join(directory, name), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new NodeIdentityError(
        `the private key ${path.join(directory, name)} is missing; run comity init`,
      );
    }
    throw error;
  }
  let pair: KeyPairJwk;
  try {
    pair = await keyPairFromPrivateJwk(await decodeKeyFile(text, passphrase, name));
  } catch (error) {
    if (error instanceof KeyFileError) throw new NodeIdentityError(error.message);
    throw new NodeIdentityError(`the private key ${name} is not a usable key (${(error as Error).message})`);
  }
  const expectedCurve = role === 'signing' ? 'Ed25519' : 'X25519';
  if (pair.publicJwk.kty !== 'OKP' || pair.publicJwk.crv !== expectedCurve) {
    throw new NodeIdentityError(`the private key ${name} is not an ${expectedCurve} key`);
  }
  return pair;
}

/**
 * The node's identity with its private keys, or undefined when `comity init` has not run. A
 * missing or wrong passphrase for encrypted key files is one NodeIdentityError saying so.
 */
export async function loadNodeIdentity(
  config: Pick<Config, 'federation'>,
): Promise<NodeIdentity | undefined> {
  const directory = config.federation.identityDirectory;
  const file = await readIdentityFile(directory);
  if (!file) return undefined;
  const passphrase = config.federation.keyPassphrase;
  // One after the other, so a wrong passphrase costs one derivation and gives one error.
  const signing = await readKeyPair(directory, 'signing', 'current', passphrase);
  const encryption = await readKeyPair(directory, 'encryption', 'current', passphrase);
  const keys: NodeKeys = { signing, encryption };
  const decryptionKeys = [encryption];
  for (const generation of ['next', 'previous'] as const) {
    if (await isPresent(path.join(directory, keyFileName('encryption', generation, 'key')))) {
      decryptionKeys.push(await readKeyPair(directory, 'encryption', generation, passphrase));
    }
  }
  return {
    nodeId: file.nodeId,
    state: file.state,
    authority: file.authority as AuthorityKind,
    endpoint: file.endpoint,
    keys,
    decryptionKeys,
    secretariat: file.secretariat ?? undefined,
  };
}

async function readPublicJwk(
  directory: string,
  role: KeyRole,
  generation: KeyGeneration,
): Promise<JWK | undefined> {
  const file = path.join(directory, keyFileName(role, generation, 'pub'));
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const parsed = PublicOkpJwkSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new NodeIdentityError(`${file} is not a public OKP JWK`);
  return parsed.data;
}

/** Public keys of the node (current and, during a rotation, next): what `comity keys public` prints. */
export async function readPublicKeyBundle(directory: string): Promise<PublicKeyBundle> {
  const file = await readIdentityFile(directory);
  if (!file) throw new NodeIdentityError(`no node identity in ${directory}; run comity init first`);
  const keys: PublicKeyEntry[] = [];
  for (const generation of ['current', 'next'] as const) {
    for (const [role, use] of [
      ['signing', 'sig'],
      ['encryption', 'enc'],
    ] as const) {
      const jwk = await readPublicJwk(directory, role, generation);
      if (!jwk) {
        if (generation === 'current')
          throw new NodeIdentityError(`the public key ${keyFileName(role, 'current', 'pub')} is missing`);
        continue;
      }
      const publicJwk = PublicOkpJwkSchema.parse(toPublicJwk(jwk));
      keys.push({ kid: await computeKid(publicJwk), use, status: generation, jwk: publicJwk });
    }
  }
  return {
    v: 1,
    nodeId: file.nodeId,
    state: file.state,
    authority: file.authority,
    endpoint: file.endpoint,
    keys,
    accepts: announcedAccepts(),
  };
}

/** True when the node's current private keys are encrypted with a passphrase. */
async function isIdentityEncrypted(directory: string): Promise<boolean> {
  const text = await readFile(path.join(directory, keyFileName('signing', 'current', 'key')), 'utf8');
  return isEncryptedKeyFile(text);
}

/**
 * Step 1 of a rotation: creates the next key pairs beside the current ones, protected like them
 * (the passphrase must be the current one, so the node can still start). Refuses to replace next
 * keys that already exist unless forced (they may already be published).
 */
export async function createNextKeys(
  directory: string,
  options: Readonly<{ passphrase: string | undefined; isForced?: boolean }>,
): Promise<PublicKeyBundle> {
  if (!(await readIdentityFile(directory))) {
    throw new NodeIdentityError(`no node identity in ${directory}; run comity init first`);
  }
  const hasNext = await isPresent(path.join(directory, keyFileName('signing', 'next', 'key')));
  if (hasNext && !options.isForced) {
    throw new NodeIdentityError(
      'next keys already exist (comity keys public shows them); use --force to replace them if they were never published',
    );
  }
  let passphrase: string | undefined;
  if (await isIdentityEncrypted(directory)) {
    // Proves the passphrase is the node's before anything is written with it.
    await readKeyPair(directory, 'signing', 'current', options.passphrase);
    passphrase = options.passphrase;
  }
  const keys = await generateNodeKeys();
  await writeKeyPair(directory, 'signing', 'next', keys.signing, passphrase);
  await writeKeyPair(directory, 'encryption', 'next', keys.encryption, passphrase);
  return readPublicKeyBundle(directory);
}

/**
 * Step 3 of a rotation: the next keys become the current ones; the current ones are kept as
 * `*.previous.*`. Every moment there is a current key file (copy, then atomic rename over it).
 */
export async function activateNextKeys(directory: string): Promise<PublicKeyBundle> {
  for (const role of ['signing', 'encryption'] as const) {
    if (!(await isPresent(path.join(directory, keyFileName(role, 'next', 'key'))))) {
      throw new NodeIdentityError('there are no next keys to activate; run comity keys rotate first');
    }
  }
  for (const role of ['signing', 'encryption'] as const) {
    for (const part of ['key', 'pub'] as const) {
      const current = path.join(directory, keyFileName(role, 'current', part));
      await copyFile(current, path.join(directory, keyFileName(role, 'previous', part)));
      await rename(path.join(directory, keyFileName(role, 'next', part)), current);
    }
  }
  return readPublicKeyBundle(directory);
}

/**
 * The secretariat's public signing keys from what its operator handed over: the output of its
 * `comity keys public`, a JWKS ({"keys": [...]}), an array of JWKs or one JWK. A private key is
 * refused outright: it must never leave the secretariat.
 */
export function parseSecretariatKeys(text: string): JWK[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new NodeIdentityError(
      'the secretariat key is not valid JSON (give the file printed by comity keys public)',
    );
  }
  let candidates: unknown[];
  if (Array.isArray(value)) candidates = value;
  else if (typeof value === 'object' && value !== null && Array.isArray((value as { keys?: unknown }).keys)) {
    candidates = (value as { keys: unknown[] }).keys.map((entry) =>
      typeof entry === 'object' && entry !== null && 'jwk' in entry ? (entry as { jwk: unknown }).jwk : entry,
    );
  } else candidates = [value];
  const keys: JWK[] = [];
  for (const candidate of candidates) {
    if (typeof candidate !== 'object' || candidate === null) continue;
    if (hasPrivateMaterial(candidate as JWK)) {
      throw new NodeIdentityError(
        'the secretariat key given is a PRIVATE key; give its public key (comity keys public)',
      );
    }
    const jwk = toPublicJwk(candidate as JWK);
    if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519' && PublicOkpJwkSchema.safeParse(jwk).success)
      keys.push(jwk);
  }
  if (keys.length === 0)
    throw new NodeIdentityError('the secretariat key holds no Ed25519 public signing key');
  return keys;
}

/**
 * Re-pins the secretariat (its URL and the public keys its directory must be signed with), e.g.
 * when the secretariat rotates its own key and hands out its new `comity keys public` output.
 */
export async function pinSecretariat(
  directory: string,
  secretariat: Readonly<{ url: string; publicJwks: readonly JWK[] }>,
): Promise<NodeIdentityFile> {
  const file = await readIdentityFile(directory);
  if (!file) throw new NodeIdentityError(`no node identity in ${directory}; run comity init first`);
  const parsed = SecretariatSchema.safeParse(secretariat);
  if (!parsed.success) throw new NodeIdentityError(describeIssues(parsed.error));
  const updated: NodeIdentityFile = { ...file, secretariat: parsed.data };
  await writeFileAtomically(
    path.join(directory, IDENTITY_FILE),
    `${JSON.stringify(updated, null, 2)}\n`,
    0o644,
  );
  return updated;
}
