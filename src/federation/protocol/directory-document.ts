/**
 * The signed directory: the secretariat's register of nodes (State, authority, endpoint, keys with
 * validity periods, languages, service levels), a compact JWS with header
 * `{"alg":"EdDSA","kid":<secretariat sig kid>,"typ":"comity-directory+jws"}` over
 * DirectoryDocumentSchema. Nodes verify it against the secretariat key(s) pinned at set-up, never
 * against a key the document itself carries.
 */
import type { JWK } from 'jose';
import { JWS_TYPES, parseCompactJws, signCompactJws, verifyCompactJws } from './compact-jws.ts';
import { DirectoryDocumentSchema } from './envelope.ts';
import { computeKid, hasPrivateMaterial, importVerificationKey } from './keys.ts';
import type { DirectoryDocument, KeyPairJwk } from './types.ts';

/** Largest directory accepted, in bytes of the compact JWS (about 10,000 nodes). */
export const MAX_DIRECTORY_BYTES = 16 * 1024 * 1024;

/** The first key whose kid is not the thumbprint of its jwk, if any. */
async function findMismatchedKid(directory: DirectoryDocument): Promise<string | undefined> {
  for (const node of directory.nodes) {
    for (const key of node.keys) {
      if ((await computeKid(key.jwk)) !== key.kid) return `${node.nodeId}/${key.kid}`;
    }
  }
  return undefined;
}

/**
 * Signs a directory document with the secretariat's signing key. Throws TypeError when the
 * document is invalid or a kid is not the thumbprint of its key (nothing invalid is published).
 */
export async function signDirectory(
  payload: DirectoryDocument,
  secretariatSigning: KeyPairJwk,
): Promise<string> {
  const parsed = DirectoryDocumentSchema.safeParse(payload);
  if (!parsed.success) throw new TypeError(`invalid directory: ${parsed.error.message}`);
  const mismatch = await findMismatchedKid(parsed.data);
  if (mismatch) throw new TypeError(`directory key ${mismatch}: kid is not the JWK thumbprint`);
  return signCompactJws(parsed.data, secretariatSigning, JWS_TYPES.directory);
}

export type DirectoryRejectionReason =
  | 'malformed-directory'
  | 'unsupported-algorithm'
  | 'unknown-key'
  | 'bad-signature'
  | 'schema-invalid'
  | 'not-yet-valid'
  | 'expired'
  | 'rolled-back';

export type VerifyDirectoryResult =
  | Readonly<{ ok: true; directory: DirectoryDocument; kid: string }>
  | Readonly<{ ok: false; reason: DirectoryRejectionReason; detail: string }>;

export type VerifyDirectoryOptions = Readonly<{
  /** Refuse a directory older than the one held (serial below this): a replayed old directory. */
  minimumSerial?: number;
  /** Tolerance for an issuedAt slightly in the future, in seconds (default 300). */
  clockSkewSeconds?: number;
}>;

/**
 * Verifies a signed directory against the pinned secretariat public keys at `now`: algorithm,
 * pinned key by kid (thumbprint), signature, schema (and kid = thumbprint for every key), then
 * validity: issuedAt <= now (+ skew) and now <= expiresAt, serial >= minimumSerial. Never throws.
 */
export async function verifyDirectory(
  compact: string,
  pinnedSecretariatPublicJwks: readonly JWK[],
  now: Date,
  options: VerifyDirectoryOptions = {},
): Promise<VerifyDirectoryResult> {
  try {
    return await verifyDirectoryChecked(compact, pinnedSecretariatPublicJwks, now, options);
  } catch (error) {
    return {
      ok: false,
      reason: 'malformed-directory',
      detail: `unexpected error: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

async function verifyDirectoryChecked(
  compact: string,
  pinnedSecretariatPublicJwks: readonly JWK[],
  now: Date,
  options: VerifyDirectoryOptions,
): Promise<VerifyDirectoryResult> {
  if (typeof compact !== 'string' || compact.length > MAX_DIRECTORY_BYTES) {
    return {
      ok: false,
      reason: 'malformed-directory',
      detail: `the directory is not a compact JWS of at most ${MAX_DIRECTORY_BYTES} bytes`,
    };
  }
  const parsed = parseCompactJws(compact.trim(), JWS_TYPES.directory);
  if (!parsed.ok) {
    return {
      ok: false,
      reason: parsed.reason === 'unsupported-algorithm' ? 'unsupported-algorithm' : 'malformed-directory',
      detail: parsed.detail,
    };
  }
  let pinned: JWK | undefined;
  for (const jwk of pinnedSecretariatPublicJwks) {
    if (!hasPrivateMaterial(jwk) && (await computeKid(jwk)) === parsed.header.kid) pinned = jwk;
  }
  if (!pinned)
    return {
      ok: false,
      reason: 'unknown-key',
      detail: `the directory is signed with key ${parsed.header.kid}, which is not pinned`,
    };
  if (!(await verifyCompactJws(compact.trim(), await importVerificationKey(pinned)))) {
    return {
      ok: false,
      reason: 'bad-signature',
      detail: 'the directory signature does not verify with the pinned key',
    };
  }
  const result = DirectoryDocumentSchema.safeParse(parsed.payload);
  if (!result.success)
    return { ok: false, reason: 'schema-invalid', detail: `invalid directory: ${result.error.message}` };
  const directory = result.data;
  const mismatch = await findMismatchedKid(directory);
  if (mismatch)
    return {
      ok: false,
      reason: 'schema-invalid',
      detail: `directory key ${mismatch}: kid is not the JWK thumbprint`,
    };
  const skewMs = (options.clockSkewSeconds ?? 300) * 1000;
  if (Date.parse(directory.issuedAt) > now.getTime() + skewMs) {
    return {
      ok: false,
      reason: 'not-yet-valid',
      detail: `the directory is issued at ${directory.issuedAt}, in the future`,
    };
  }
  if (now.getTime() > Date.parse(directory.expiresAt)) {
    return { ok: false, reason: 'expired', detail: `the directory expired at ${directory.expiresAt}` };
  }
  if (options.minimumSerial !== undefined && directory.serial < options.minimumSerial) {
    return {
      ok: false,
      reason: 'rolled-back',
      detail: `serial ${directory.serial} is older than ${options.minimumSerial}`,
    };
  }
  return { ok: true, directory, kid: parsed.header.kid };
}
