/**
 * Receipts: the receiver's signed statement that it received (and processed) a message, bound to
 * the exact bytes by their digest. A compact JWS with header
 * `{"alg":"EdDSA","kid":<receiver sig kid>,"typ":"comity-receipt+jws"}` over ReceiptPayloadSchema.
 * The sender stores it as proof of delivery; a replayed message is answered with the original one.
 */
import { JWS_TYPES, parseCompactJws, signCompactJws, verifyCompactJws } from './compact-jws.ts';
import { PROTOCOL_VERSION, ReceiptPayloadSchema, type ReceiptPayload } from './envelope.ts';
import { importVerificationKey, isKeyValidAt } from './keys.ts';
import type { DirectoryKey, KeyPairJwk } from './types.ts';

export type { ReceiptPayload } from './envelope.ts';

export type SignReceiptInput = Readonly<{
  messageId: string;
  /** messageDigest() of the message's compact JWS as received. */
  digest: string;
  /** The receiver (this node). */
  from: string;
  /** The message's sender. */
  to: string;
  /** RFC 3339 UTC. */
  receivedAt: string;
}>;

/** Signs a receipt with the receiver's signing key. Throws TypeError for an invalid payload. */
export async function signReceipt(input: SignReceiptInput, receiverSigning: KeyPairJwk): Promise<string> {
  const payload = { v: PROTOCOL_VERSION, type: 'receipt', ...pickReceiptFields(input) };
  const parsed = ReceiptPayloadSchema.safeParse(payload);
  if (!parsed.success) throw new TypeError(`invalid receipt: ${parsed.error.message}`);
  return signCompactJws(parsed.data, receiverSigning, JWS_TYPES.receipt);
}

function pickReceiptFields(input: SignReceiptInput): SignReceiptInput {
  const { messageId, digest, from, to, receivedAt } = input;
  return { messageId, digest, from, to, receivedAt };
}

export type ReceiptRejectionReason =
  | 'malformed-receipt'
  | 'unsupported-algorithm'
  | 'unknown-key'
  | 'expired-key'
  | 'bad-signature'
  | 'schema-invalid'
  | 'wrong-message'
  | 'wrong-digest'
  | 'wrong-parties';

export type VerifyReceiptResult =
  | Readonly<{ ok: true; receipt: ReceiptPayload; kid: string }>
  | Readonly<{ ok: false; reason: ReceiptRejectionReason; detail: string }>;

export type VerifyReceiptOptions = Readonly<{
  /** The receiver's signing key(s) from the directory (several during rotation; the JWS kid picks one). */
  receiverKey: DirectoryKey | readonly DirectoryKey[];
  expectedMessageId: string;
  /** messageDigest() of the compact JWS the sender sent. */
  expectedDigest: string;
  /** When given, the receipt must be from this node (the receiver)... */
  expectedFrom?: string;
  /** ...and to this one (the sender). */
  expectedTo?: string;
  /** The time the key must be valid at (default: now). */
  now?: Date;
}>;

/** Verifies a receipt: algorithm, key, signature, schema, then that it is about this message's bytes. Never throws. */
export async function verifyReceipt(
  compact: string,
  options: VerifyReceiptOptions,
): Promise<VerifyReceiptResult> {
  try {
    return await verifyReceiptChecked(compact, options);
  } catch (error) {
    return {
      ok: false,
      reason: 'malformed-receipt',
      detail: `unexpected error: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

async function verifyReceiptChecked(
  compact: string,
  options: VerifyReceiptOptions,
): Promise<VerifyReceiptResult> {
  if (typeof compact !== 'string' || compact.length > 16_384) {
    return {
      ok: false,
      reason: 'malformed-receipt',
      detail: 'the receipt is not a compact JWS of at most 16 KiB',
    };
  }
  const parsed = parseCompactJws(compact, JWS_TYPES.receipt);
  if (!parsed.ok) {
    return {
      ok: false,
      reason: parsed.reason === 'unsupported-algorithm' ? 'unsupported-algorithm' : 'malformed-receipt',
      detail: parsed.detail,
    };
  }
  const candidates: readonly DirectoryKey[] = Array.isArray(options.receiverKey)
    ? options.receiverKey
    : [options.receiverKey as DirectoryKey];
  const key = candidates.find((candidate) => candidate.kid === parsed.header.kid && candidate.use === 'sig');
  if (!key)
    return {
      ok: false,
      reason: 'unknown-key',
      detail: `the receipt is signed with key ${parsed.header.kid}, not the receiver's`,
    };
  if (!isKeyValidAt(key, options.now ?? new Date())) {
    return {
      ok: false,
      reason: 'expired-key',
      detail: `key ${key.kid} is valid from ${key.notBefore} to ${key.notAfter}`,
    };
  }
  if (!(await verifyCompactJws(compact, await importVerificationKey(key.jwk)))) {
    return {
      ok: false,
      reason: 'bad-signature',
      detail: `the receipt signature does not verify with key ${key.kid}`,
    };
  }
  const payload = ReceiptPayloadSchema.safeParse(parsed.payload);
  if (!payload.success)
    return { ok: false, reason: 'schema-invalid', detail: `invalid receipt: ${payload.error.message}` };
  const receipt = payload.data;
  if (receipt.messageId !== options.expectedMessageId) {
    return { ok: false, reason: 'wrong-message', detail: `the receipt is for message ${receipt.messageId}` };
  }
  if (receipt.digest !== options.expectedDigest) {
    return {
      ok: false,
      reason: 'wrong-digest',
      detail: 'the receipt is about other bytes than the message sent',
    };
  }
  if (
    (options.expectedFrom !== undefined && receipt.from !== options.expectedFrom) ||
    (options.expectedTo !== undefined && receipt.to !== options.expectedTo)
  ) {
    return {
      ok: false,
      reason: 'wrong-parties',
      detail: `the receipt is from ${receipt.from} to ${receipt.to}`,
    };
  }
  return { ok: true, receipt, kid: key.kid };
}
