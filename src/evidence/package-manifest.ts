/**
 * The manifest of an evidence package: what the executing (requested) node sends to the requesting
 * node for one request, signed by the sending node's federation Ed25519 key (docs/federation.md,
 * "Evidence packages"). It lists each item (id, name, media type, size, SHA-256 of the plaintext),
 * how each was acquired, the conditions of use the sender sets (Art. 40: use limited to the
 * purpose of the request; Art. 36: consent needed before any onward transfer; confidentiality until
 * a date), the package id, the two node ids and the request it answers.
 *
 * Wire form: a compact JWS `{"alg":"EdDSA","kid":<sender sig kid>,"typ":"comity-evidence-manifest+jws"}`
 * whose payload is the CANONICAL JSON (src/document/canonical-json.ts) of the manifest, so the
 * signed bytes are the same whoever serialises the manifest. Verification refuses: another typ or
 * algorithm, extra header members, a payload that is not the canonical form of itself, a manifest
 * that does not fit the schema, and a signature that does not verify with the key given (the
 * caller passes the sending node's key from the directory).
 */
import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { z } from 'zod';
import { canonicalJson } from '../document/canonical-json.ts';

export const MANIFEST_JWS_TYP = 'comity-evidence-manifest+jws';

const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);
const Uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
const NodeId = z.string().min(1).max(200);
const Said = (max: number) => z.string().max(max).nullable();

export const ManifestAcquisitionSchema = z
  .object({
    what: Said(2000),
    fromWhom: Said(500),
    when: Said(100),
    how: Said(2000),
    byWhom: Said(500),
    legalBasis: Said(1000),
  })
  .strict();

export const ManifestItemSchema = z
  .object({
    /** The item's id on the sending node. */
    id: Uuid,
    name: z.string().min(1).max(255),
    mediaType: z.string().min(1).max(255),
    sizeBytes: z.number().int().nonnegative(),
    /** SHA-256 (lower-case hex) of the item's plaintext. */
    sha256: Sha256Hex,
    description: z.string().max(4000),
    isSensitive: z.boolean(),
    acquisition: ManifestAcquisitionSchema,
  })
  .strict();

export const ConditionsOfUseSchema = z
  .object({
    /** Art. 40: used only for the purposes stated in the request, unless the sender consents. */
    limitedToRequestPurpose: z.boolean(),
    /** Art. 36 (personal data): no onward transfer to a third State without the sender's consent. */
    onwardTransferNeedsConsent: z.boolean(),
    /** YYYY-MM-DD: kept confidential until then (null: no date set). */
    confidentialUntil: z.iso.date().nullable(),
    /** Further conditions in the sender's words. */
    note: z.string().max(4000),
  })
  .strict();
export type ConditionsOfUse = z.infer<typeof ConditionsOfUseSchema>;

export const EvidenceManifestSchema = z
  .object({
    v: z.literal(1),
    packageId: Uuid,
    /** The sending (executing) node and the addressed (requesting) node. */
    from: NodeId,
    to: NodeId,
    /** The request this answers: its id on the requesting node, and the requesting side's reference. */
    request: z
      .object({ id: z.string().min(1).max(200), caseReference: z.string().max(200).nullable() })
      .strict(),
    createdAt: z.iso.datetime(),
    items: z.array(ManifestItemSchema).min(1).max(1000),
    conditions: ConditionsOfUseSchema,
  })
  .strict();
export type EvidenceManifest = z.infer<typeof EvidenceManifestSchema>;
export type ManifestItem = z.infer<typeof ManifestItemSchema>;

/** An Ed25519 key as a JWK (OKP), with its kid. */
export type ManifestSigningKey = Readonly<{ kid: string; privateJwk: object }>;

function base64url(input: Buffer | string): string {
  return Buffer.from(input).toString('base64url');
}

/** Signs the manifest (after checking it against the schema) as a compact JWS over its canonical JSON. */
export function signManifest(manifest: EvidenceManifest, signing: ManifestSigningKey): string {
  const parsed = EvidenceManifestSchema.parse(manifest);
  const header = base64url(JSON.stringify({ alg: 'EdDSA', kid: signing.kid, typ: MANIFEST_JWS_TYP }));
  const payload = base64url(canonicalJson(parsed));
  const signingInput = `${header}.${payload}`;
  // biome-ignore lint/suspicious/noExplicitAny: node:crypto accepts a JWK object here
  const key = createPrivateKey({ key: signing.privateJwk as any, format: 'jwk' });
  const signature = sign(null, Buffer.from(signingInput, 'ascii'), key);
  return `${signingInput}.${base64url(signature)}`;
}

export type ManifestReading =
  | Readonly<{ ok: true; manifest: EvidenceManifest; kid: string }>
  | Readonly<{ ok: false; reason: string }>;

const B64URL = /^[A-Za-z0-9_-]*$/;

function decodePart(part: string): Buffer | undefined {
  if (!B64URL.test(part)) return undefined;
  const bytes = Buffer.from(part, 'base64url');
  return bytes.toString('base64url') === part ? bytes : undefined;
}

/** Reads a signed manifest without checking its signature: its kid (to find the key) and its content. */
export function readManifest(compact: string): ManifestReading {
  const parts = compact.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'not a compact JWS' };
  const [headerPart = '', payloadPart = ''] = parts;
  const headerBytes = decodePart(headerPart);
  const payloadBytes = decodePart(payloadPart);
  if (!headerBytes || !payloadBytes) return { ok: false, reason: 'not canonical base64url' };
  let header: unknown;
  let payload: unknown;
  try {
    header = JSON.parse(headerBytes.toString('utf8'));
    payload = JSON.parse(payloadBytes.toString('utf8'));
  } catch {
    return { ok: false, reason: 'a part is not JSON' };
  }
  const h = header as Record<string, unknown>;
  if (typeof h !== 'object' || h === null || Array.isArray(h)) return { ok: false, reason: 'bad header' };
  if (h.alg !== 'EdDSA') return { ok: false, reason: 'the algorithm must be EdDSA' };
  if (h.typ !== MANIFEST_JWS_TYP) return { ok: false, reason: `typ must be ${MANIFEST_JWS_TYP}` };
  if (Object.keys(h).some((name) => !['alg', 'kid', 'typ'].includes(name))) {
    return { ok: false, reason: 'unexpected header members' };
  }
  if (typeof h.kid !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(h.kid)) {
    return { ok: false, reason: 'kid must be a JWK thumbprint' };
  }
  if (canonicalJson(payload) !== payloadBytes.toString('utf8')) {
    return { ok: false, reason: 'the payload is not canonical JSON' };
  }
  const manifest = EvidenceManifestSchema.safeParse(payload);
  if (!manifest.success) {
    return {
      ok: false,
      reason: `the manifest does not fit its schema: ${manifest.error.issues[0]?.message}`,
    };
  }
  return { ok: true, manifest: manifest.data, kid: h.kid };
}

/**
 * Verifies a signed manifest with the sending node's public signing key (a JWK with its kid, from
 * the directory): the kid must be that key's, the signature must verify, the content must read.
 */
export function verifyManifest(
  compact: string,
  publicKey: Readonly<{ kid: string; jwk: object }>,
): ManifestReading {
  const reading = readManifest(compact);
  if (!reading.ok) return reading;
  if (reading.kid !== publicKey.kid) return { ok: false, reason: 'signed with another key' };
  const [header = '', payload = '', signature = ''] = compact.split('.');
  const signatureBytes = decodePart(signature);
  if (signatureBytes?.length !== 64) return { ok: false, reason: 'bad signature' };
  let isValid = false;
  try {
    // biome-ignore lint/suspicious/noExplicitAny: node:crypto accepts a JWK object here
    const key = createPublicKey({ key: publicKey.jwk as any, format: 'jwk' });
    isValid = verify(null, Buffer.from(`${header}.${payload}`, 'ascii'), key, signatureBytes);
  } catch {
    isValid = false;
  }
  return isValid ? reading : { ok: false, reason: 'the signature does not verify' };
}
