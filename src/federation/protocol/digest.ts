/**
 * The message digest a receipt is about: base64url (no padding) SHA-256 of the message's compact
 * JWS, taken over its ASCII bytes exactly as sent. Sender and receiver compute it independently,
 * so a receipt proves which bytes were received.
 */
import { createHash } from 'node:crypto';

/** base64url SHA-256 of the compact JWS as sent (43 characters). */
export function messageDigest(compactJws: string): string {
  return createHash('sha256').update(compactJws, 'utf8').digest('base64url');
}
