/**
 * What a signed receipt says (the payload of its compact JWS, src/federation/protocol/envelope.ts):
 * which node received which message, when, and the digest of the bytes it received. The node
 * verified the signature when it stored the receipt; the UI only reads the facts to show them.
 */
export type ReceiptFacts = Readonly<{
  messageId: string;
  digest: string;
  /** The node that received the message and signed the receipt. */
  from: string;
  /** The node that sent the message. */
  to: string;
  receivedAt: string;
}>;

function decodeBase64Url(text: string): string {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const padded = base64 + '='.repeat((4 - (base64.length % 4)) % 4);
  const bytes = Uint8Array.from(atob(padded), (character) => character.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

function isText(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

/** The facts of a receipt, or undefined when it cannot be read as one. */
export function readReceiptFacts(compactJws: string | null | undefined): ReceiptFacts | undefined {
  const payload = compactJws?.split('.')[1];
  if (!payload) return undefined;
  try {
    const parsed: unknown = JSON.parse(decodeBase64Url(payload));
    if (!parsed || typeof parsed !== 'object') return undefined;
    const { messageId, digest, from, to, receivedAt } = parsed as Record<string, unknown>;
    if (!isText(messageId) || !isText(digest) || !isText(from) || !isText(to) || !isText(receivedAt))
      return undefined;
    return { messageId, digest, from, to, receivedAt };
  } catch {
    return undefined;
  }
}
