/**
 * Canonical JSON: the same value always gives the same text, whatever the order in which its
 * object keys were written. The formal document prints the SHA-256 of this text, so a reader
 * holding the structured request can check that the paper and the data say the same thing.
 *
 * Rules (a subset of RFC 8785 that covers request content): object keys sorted by UTF-16 code
 * units, recursively; arrays keep their order; `undefined` members are left out, as
 * JSON.stringify does; no whitespace; strings and numbers as JSON.stringify writes them.
 */
import { createHash } from 'node:crypto';

/** The canonical JSON text of a JSON-compatible value. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeysDeep(value)) ?? 'null';
}

/** SHA-256 (lower-case hex) of the canonical JSON text, encoded as UTF-8. */
export function digestCanonicalJson(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value), 'utf8').digest('hex');
}

function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : sortKeysDeep(item)));
  if (value === null || typeof value !== 'object') return value;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return sortKeysDeep((value as { toJSON: () => unknown }).toJSON());
  }
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const member = (value as Record<string, unknown>)[key];
    if (member !== undefined && typeof member !== 'function') sorted[key] = sortKeysDeep(member);
  }
  return sorted;
}
