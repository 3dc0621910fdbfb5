/**
 * Text PostgreSQL cannot store in a text or jsonb column: a string with a NUL character or an
 * unpaired UTF-16 surrogate. JSON allows both (`\u0000`, `\ud800`), so a client or a peer can
 * send them; they are refused as invalid input where they come in (the API, a received message),
 * rather than failing in the database.
 */

import { AppError } from './errors.ts';

/** Whether `text` can be stored as PostgreSQL text. */
export function isStorableText(text: string): boolean {
  return !text.includes('\u0000') && text.isWellFormed();
}

/** At most this many paths are reported: one is enough to refuse, a few help to fix. */
const MOST_PATHS = 20;

/**
 * The paths (`prefix.a.0.b`; a key as `prefix.a.key(key)`) of the strings and object keys in a
 * parsed JSON value (plain objects, arrays, strings) that PostgreSQL cannot store. Anything else
 * (a Buffer, a stream) is not looked into.
 */
export function findUnstorableTexts(value: unknown, path: string): string[] {
  const found: string[] = [];
  const visit = (item: unknown, at: string): void => {
    if (found.length >= MOST_PATHS) return;
    if (typeof item === 'string') {
      if (!isStorableText(item)) found.push(at);
      return;
    }
    if (Array.isArray(item)) {
      for (const [index, element] of item.entries()) visit(element, `${at}.${index}`);
      return;
    }
    if (item === null || typeof item !== 'object') return;
    const prototype = Object.getPrototypeOf(item);
    if (prototype !== Object.prototype && prototype !== null) return;
    for (const [key, element] of Object.entries(item)) {
      if (!isStorableText(key)) found.push(`${at}.${key}(key)`);
      visit(element, `${at}.${key}`);
    }
  };
  visit(value, path);
  return found.slice(0, MOST_PATHS);
}

/** Throws invalid-input naming each of `paths` (from findUnstorableTexts), if there is any. */
export function refuseUnstorableTexts(paths: readonly string[]): void {
  if (paths.length === 0) return;
  const details = paths.map((path) => ({
    path,
    message: 'text must not contain NUL characters or unpaired surrogates',
  }));
  throw new AppError('invalid-input', details.map((d) => `${d.path}: ${d.message}`).join('; '), details);
}
