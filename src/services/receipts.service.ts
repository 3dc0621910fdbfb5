/**
 * Signed receipts as people and operators check them: a receipt is decoded (which message, its
 * digest, who signed it for whom, when) and verified against the signing keys the directory of
 * nodes lists for the node that signed it (federation/protocol/receipt.ts does the verification),
 * with the key valid at the moment the receipt states. Used by the case view (each message of a
 * case with its receipt) and by `comity receipt verify` (a receipt from a file, or a message's).
 */
import { AppError } from '../core/errors.ts';
import { UUID_PATTERN } from '../core/ids.ts';
import type { AppContext } from '../app-context.ts';
import { JWS_TYPES, parseCompactJws } from '../federation/protocol/compact-jws.ts';
import { type ReceiptPayload, ReceiptPayloadSchema } from '../federation/protocol/envelope.ts';
import { type ReceiptRejectionReason, verifyReceipt } from '../federation/protocol/receipt.ts';
import type { DirectoryNode } from '../federation/protocol/types.ts';
import { findInboxMessage } from '../storage/inbox.repository.ts';
import { findOutboxMessage } from '../storage/outbox.repository.ts';
import { knownDirectory } from './peers.service.ts';

/** What a receipt says, read before (and whatever) its verification. */
export type DecodedReceipt = Pick<ReceiptPayload, 'messageId' | 'digest' | 'from' | 'to' | 'receivedAt'>;

export type ReceiptCheck =
  | Readonly<{ ok: true; receipt: DecodedReceipt; kid: string }>
  | Readonly<{
      ok: false;
      reason: ReceiptRejectionReason | 'unknown-signer';
      detail: string;
      /** What the receipt says, when it can be read at all. */
      receipt: DecodedReceipt | undefined;
    }>;

/** What the receipt must be about: the message id, and any of the digests of its signings. */
export type ExpectedMessage = Readonly<{ messageId: string; digests: readonly string[] }>;

type Decoding =
  | Readonly<{ ok: true; receipt: DecodedReceipt }>
  | Readonly<{ ok: false; reason: ReceiptRejectionReason; detail: string }>;

function decode(compact: string): Decoding {
  const parsed = parseCompactJws(compact, JWS_TYPES.receipt);
  if (!parsed.ok) {
    const reason = parsed.reason === 'unsupported-algorithm' ? 'unsupported-algorithm' : 'malformed-receipt';
    return { ok: false, reason, detail: parsed.detail };
  }
  const payload = ReceiptPayloadSchema.safeParse(parsed.payload);
  if (!payload.success)
    return { ok: false, reason: 'schema-invalid', detail: 'the payload is not a receipt' };
  const { messageId, digest, from, to, receivedAt } = payload.data;
  return { ok: true, receipt: { messageId, digest, from, to, receivedAt } };
}

/** The receipt's payload if it is a well-formed receipt JWS (not verified). */
export function decodeReceipt(compact: string): DecodedReceipt | undefined {
  const decoded = decode(compact.trim());
  return decoded.ok ? decoded.receipt : undefined;
}

/** The nodes of the directory this node holds, for several checks in a row. */
export type DirectoryNodes = readonly DirectoryNode[];

export async function directoryNodesOf(context: AppContext): Promise<DirectoryNodes> {
  return (await knownDirectory(context)).nodes;
}

/**
 * Verifies a receipt against the signing keys of the node it names as signer, in the directory
 * this node holds. Without `expected`, it must be about the message and digest it names itself
 * (the signature is what is checked). Never throws.
 */
export async function checkReceipt(
  compact: string,
  nodes: DirectoryNodes,
  expected?: ExpectedMessage,
): Promise<ReceiptCheck> {
  const text = compact.trim();
  const decoding = decode(text);
  if (!decoding.ok) return { ...decoding, receipt: undefined };
  const decoded = decoding.receipt;
  const signer = nodes.find((node) => node.nodeId === decoded.from);
  if (!signer) {
    return {
      ok: false,
      reason: 'unknown-signer',
      detail: `the directory of nodes this node holds lists no node ${decoded.from}`,
      receipt: decoded,
    };
  }
  const receiverKey = signer.keys.filter((key) => key.use === 'sig');
  const digests = expected?.digests ?? [decoded.digest];
  let last: ReceiptCheck | undefined;
  for (const expectedDigest of [...digests].reverse()) {
    const verified = await verifyReceipt(text, {
      receiverKey,
      expectedMessageId: expected?.messageId ?? decoded.messageId,
      expectedDigest,
      now: new Date(decoded.receivedAt),
    });
    if (verified.ok) return { ok: true, receipt: decoded, kid: verified.kid };
    last = { ...verified, receipt: decoded };
    if (verified.reason !== 'wrong-digest') break;
  }
  return last ?? { ok: false, reason: 'wrong-digest', detail: 'no digest to check', receipt: decoded };
}

/**
 * The receipt of a message of this node, sent (outbox: the receipt the other node signed) or
 * received (inbox: the receipt this node signed), checked against the message's own digests.
 * not-found when this node has no such message; invalid-state when it has no receipt yet.
 */
export async function checkMessageReceipt(context: AppContext, messageId: string): Promise<ReceiptCheck> {
  if (!UUID_PATTERN.test(messageId)) {
    throw new AppError('invalid-input', `${messageId} is not a message id (a UUID)`);
  }
  const nodes = await directoryNodesOf(context);
  const sent = await findOutboxMessage(context.db, messageId);
  if (sent) {
    if (sent.receipt === null) {
      throw new AppError('invalid-state', `message ${messageId} is ${sent.status}: it has no receipt yet`);
    }
    return checkReceipt(sent.receipt, nodes, {
      messageId,
      digests: [...sent.previousDigests, sent.digest],
    });
  }
  const received = await findInboxMessage(context.db, messageId);
  if (!received) throw new AppError('not-found', `this node has no message ${messageId}`);
  return checkReceipt(received.receipt, nodes, { messageId, digests: [received.digest] });
}
