/**
 * What a v1 verifier requires of the JSON and base64url it reads, beyond being valid, so every
 * node and every auditor reads a message the same way (docs/federation.md, "One reading"):
 * - no object repeats a member (JSON.parse would silently keep the last one, other parsers the
 *   first, and each reader would see a different message);
 * - base64url in its one canonical form: no padding, no character of the base64 alphabet
 *   (`+`, `/`), and zero trailing bits, so the bytes have exactly one encoding.
 */

/** The first member name an object of the (valid) JSON text repeats, or undefined. */
export function repeatedMemberOf(text: string): string | undefined {
  /** One entry per open container: the member names of an object, null for an array. */
  const open: Array<Set<string> | null> = [];
  let isKeyNext = false;
  for (let index = 0; index < text.length; index += 1) {
    const character = text[index];
    if (character === '"') {
      let end = index + 1;
      while (end < text.length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      const members = open.at(-1);
      if (members && isKeyNext) {
        // Compare decoded names: "a" and "\u0061" are the same member.
        const name = JSON.parse(text.slice(index, end + 1)) as string;
        if (members.has(name)) return name;
        members.add(name);
        isKeyNext = false;
      }
      index = end;
    } else if (character === '{') {
      open.push(new Set());
      isKeyNext = true;
    } else if (character === '[') {
      open.push(null);
      isKeyNext = false;
    } else if (character === '}' || character === ']') {
      open.pop();
      isKeyNext = false;
    } else if (character === ',') {
      isKeyNext = open.length > 0 && open.at(-1) !== null;
    }
  }
  return undefined;
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;

export type Base64urlReading =
  | { ok: true; bytes: Uint8Array }
  | { ok: false; reason: 'malformed' | 'non-canonical-encoding'; detail: string };

/** Reads base64url that must be canonical (RFC 7515 section 2: no padding; RFC 4648 section 3.5: zero pad bits). */
export function readCanonicalBase64url(part: string): Base64urlReading {
  // Node's decoder skips what is not base64url, so a text that encodes back to itself is
  // canonical base64url; only a text that does not is scanned to say why.
  const bytes = Buffer.from(part, 'base64url');
  if (part !== '' && bytes.toString('base64url') === part) return { ok: true, bytes };
  if (/[+/=]/.test(part)) {
    return {
      ok: false,
      reason: 'non-canonical-encoding',
      detail: 'base64 padding or alphabet (+ / =) instead of base64url',
    };
  }
  if (!BASE64URL.test(part) || part.length % 4 === 1) {
    return { ok: false, reason: 'malformed', detail: 'not base64url' };
  }
  return { ok: false, reason: 'non-canonical-encoding', detail: 'base64url with non-zero trailing bits' };
}
