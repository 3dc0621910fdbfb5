/**
 * What a failed post to another node or to an alert endpoint most likely means, read from the error
 * text the worker recorded (Node's network error codes, the worker's own timeout wording), so a
 * screen says it in words beside the raw text. Undefined when the text says nothing known.
 */
export type DeliveryErrorKind = 'refused' | 'not-found' | 'timeout' | 'reset' | 'certificate';

const PATTERNS: ReadonlyArray<readonly [DeliveryErrorKind, RegExp]> = [
  ['refused', /\bECONNREFUSED\b/],
  ['not-found', /\b(ENOTFOUND|EAI_AGAIN)\b/],
  ['timeout', /\b(ETIMEDOUT|UND_ERR_CONNECT_TIMEOUT)\b|no answer before the delivery timeout/],
  ['reset', /\b(ECONNRESET|EPIPE)\b|socket hang up|other side closed/],
  // Node's TLS messages: "self-signed certificate", "certificate has expired", "unable to verify the
  // first certificate", "Hostname/IP does not match certificate's altnames".
  ['certificate', /\bcertificate\b|\bCERT_[A-Z_]+\b/],
];

export function deliveryErrorKind(text: string | null | undefined): DeliveryErrorKind | undefined {
  if (!text) return undefined;
  return PATTERNS.find(([, pattern]) => pattern.test(text))?.[0];
}
