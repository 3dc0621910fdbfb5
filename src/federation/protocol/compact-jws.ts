/**
 * Compact JWS of federation v1 (messages, receipts, the directory): one signing function and the
 * careful, ordered parse every verifier runs BEFORE it touches a key. The algorithm is checked
 * first, from the raw header, so `alg: none`, HMAC tokens keyed with a public key and any other
 * algorithm are refused without a key ever being imported or used.
 *
 * Every v1 JWS has exactly the protected header `{"alg":"EdDSA","kid":<kid>,"typ":<typ>}`; a header
 * with other members (crit, b64, jwk, jku, x5u...) is malformed.
 */
import { sign, verify } from 'node:crypto';
import type { KeyPairJwk } from './types.ts';
import { type ImportedKey, signingKeyOf } from './keys.ts';
import { readCanonicalBase64url, repeatedMemberOf } from './strict-json.ts';

/** The only JWS algorithms v1 accepts (both name Ed25519 signatures; v1 nodes write EdDSA). */
export const ACCEPTED_JWS_ALGORITHMS = ['EdDSA', 'Ed25519'] as const;

/** The `typ` of each kind of v1 JWS, so one kind cannot be passed off as another. */
export const JWS_TYPES = {
  message: 'comity-message+jws',
  receipt: 'comity-receipt+jws',
  directory: 'comity-directory+jws',
  request: 'comity-request+jws',
  auditTreeHead: 'comity-audit-tree-head+jws',
} as const;
export type JwsType = (typeof JWS_TYPES)[keyof typeof JWS_TYPES];

const KID = /^[A-Za-z0-9_-]{43}$/;
const textDecoder = new TextDecoder('utf-8', { fatal: true });

/** A compact JWS split and decoded, not yet verified. */
export type ParsedCompactJws = Readonly<{
  header: Readonly<{ alg: string; kid: string; typ: string }>;
  /** The decoded payload JSON (unverified until verifyCompactJws succeeds). */
  payload: unknown;
}>;

/** Why a compact JWS cannot be read: each maps to its own refusal (docs/federation.md). */
export type JwsParseFailure =
  | 'malformed'
  | 'unsupported-algorithm'
  | 'duplicate-member'
  | 'non-canonical-encoding';

export type ParseCompactJwsResult =
  | ({ ok: true } & ParsedCompactJws)
  | { ok: false; reason: JwsParseFailure; detail: string };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export type JsonPartReading =
  | { ok: true; value: unknown }
  | { ok: false; reason: 'malformed' | 'duplicate-member' | 'non-canonical-encoding'; detail: string };

/**
 * The payload of a compact JWS read without any check (no signature, no strict JSON): for a
 * message this node sealed itself, or to decide when a received one is taken, never whether it
 * is accepted. Undefined when it is not a JSON object.
 */
export function unverifiedPayloadOf(compact: string): Record<string, unknown> | undefined {
  const payload = compact.split('.', 3)[1];
  if (!payload) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    return isPlainObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reads a base64url part holding UTF-8 JSON, strictly: canonical base64url, and no object that
 * repeats a member (src/federation/protocol/strict-json.ts).
 */
export function readJsonPart(part: string, what: string): JsonPartReading {
  const reading = readCanonicalBase64url(part);
  if (!reading.ok) return { ok: false, reason: reading.reason, detail: `${what}: ${reading.detail}` };
  let text: string;
  let value: unknown;
  try {
    text = textDecoder.decode(reading.bytes);
    value = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'malformed', detail: `${what} is not UTF-8 JSON` };
  }
  const repeated = repeatedMemberOf(text);
  if (repeated !== undefined) {
    return {
      ok: false,
      reason: 'duplicate-member',
      detail: `${what} repeats the member ${JSON.stringify(repeated)}`,
    };
  }
  return { ok: true, value };
}

/**
 * Splits and decodes a compact JWS in the order of docs/federation.md: compact form (three
 * base64url parts, a JSON object header; the signature may be empty so that an unsecured
 * `alg: none` token is named as such), then the algorithm, then a non-empty signature and the rest
 * of the header (exactly alg, kid and typ, typ as expected), then the payload (JSON). Never throws.
 */
export function parseCompactJws(compact: string, expectedTyp: JwsType): ParseCompactJwsResult {
  const parts = compact.split('.');
  if (parts.length !== 3)
    return { ok: false, reason: 'malformed', detail: `expected 3 dot-separated parts, got ${parts.length}` };
  const [headerPart = '', payloadPart = '', signaturePart = ''] = parts;
  if (signaturePart !== '') {
    const signature = readCanonicalBase64url(signaturePart);
    if (!signature.ok)
      return { ok: false, reason: signature.reason, detail: `the signature: ${signature.detail}` };
  }
  const decodedHeader = readJsonPart(headerPart, 'the protected header');
  if (!decodedHeader.ok) return decodedHeader;
  if (!isPlainObject(decodedHeader.value)) {
    return { ok: false, reason: 'malformed', detail: 'the protected header is not a JSON object' };
  }
  const header = decodedHeader.value;
  const { alg } = header;
  if (typeof alg !== 'string' || !(ACCEPTED_JWS_ALGORITHMS as readonly string[]).includes(alg)) {
    return {
      ok: false,
      reason: 'unsupported-algorithm',
      detail: `alg ${JSON.stringify(alg)} is not accepted; v1 uses EdDSA`,
    };
  }
  if (signaturePart === '') return { ok: false, reason: 'malformed', detail: 'the signature is empty' };
  const extraMembers = Object.keys(header).filter((name) => !['alg', 'kid', 'typ'].includes(name));
  if (extraMembers.length > 0) {
    return {
      ok: false,
      reason: 'malformed',
      detail: `unexpected protected header members: ${extraMembers.join(', ')}`,
    };
  }
  const { kid, typ } = header;
  if (typeof kid !== 'string' || !KID.test(kid))
    return { ok: false, reason: 'malformed', detail: 'kid must be a JWK thumbprint' };
  if (typ !== expectedTyp) return { ok: false, reason: 'malformed', detail: `typ must be ${expectedTyp}` };
  const decodedPayload = readJsonPart(payloadPart, 'the payload');
  if (!decodedPayload.ok) return decodedPayload;
  return { ok: true, header: { alg, kid, typ: expectedTyp }, payload: decodedPayload.value };
}

/**
 * True when the signature of a compact JWS verifies with the key (EdDSA only: the header's alg
 * must be one of ACCEPTED_JWS_ALGORITHMS and the key an Ed25519 public key). Call it after
 * parseCompactJws succeeded (which checked typ and the rest of the header). Never throws.
 *
 * RFC 7515 section 5.2 on node:crypto directly: the signature is over the ASCII bytes of
 * `<header>.<payload>` as received, so nothing is serialized again.
 */
export async function verifyCompactJws(compact: string, key: ImportedKey): Promise<boolean> {
  return verifyCompactJwsNow(compact, key);
}

/** verifyCompactJws, synchronously. */
export function verifyCompactJwsNow(compact: string, key: ImportedKey): boolean {
  try {
    if (key.type !== 'public' || key.asymmetricKeyType !== 'ed25519') return false;
    const firstDot = compact.indexOf('.');
    const lastDot = compact.lastIndexOf('.');
    if (firstDot <= 0 || lastDot === firstDot || compact.indexOf('.', firstDot + 1) !== lastDot) return false;
    const header = readJsonPart(compact.slice(0, firstDot), 'the protected header');
    if (!header.ok || !isPlainObject(header.value)) return false;
    const { alg } = header.value;
    if (typeof alg !== 'string' || !(ACCEPTED_JWS_ALGORITHMS as readonly string[]).includes(alg))
      return false;
    const signature = readCanonicalBase64url(compact.slice(lastDot + 1));
    if (!signature.ok || signature.bytes.length !== 64) return false;
    return verify(null, Buffer.from(compact.slice(0, lastDot), 'ascii'), key, signature.bytes);
  } catch {
    return false;
  }
}

/**
 * Signs a JSON payload as a v1 compact JWS with header `{"alg":"EdDSA","kid","typ"}`. Ed25519
 * signatures are deterministic, so the same payload and key always give the same bytes. The
 * payload is not checked here: callers validate it first (this is also what hostile-input tests
 * use to sign payloads a node must refuse).
 */
export async function signCompactJws(payload: unknown, signing: KeyPairJwk, typ: JwsType): Promise<string> {
  return signCompactJwsNow(payload, signing, typ);
}

/**
 * signCompactJws, synchronously: RFC 7515 compact serialization of the JSON of the payload, with
 * the Ed25519 signature (RFC 8037) of node:crypto (the same bytes jose's CompactSign gave).
 */
export function signCompactJwsNow(payload: unknown, signing: KeyPairJwk, typ: JwsType): string {
  const key = signingKeyOf(signing.privateJwk);
  const header = Buffer.from(JSON.stringify({ alg: 'EdDSA', kid: signing.kid, typ })).toString('base64url');
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  const signingInput = `${header}.${body}`;
  const signature = sign(null, Buffer.from(signingInput, 'ascii'), key).toString('base64url');
  return `${signingInput}.${signature}`;
}
