/**
 * Searches typed by a person as LIKE patterns: what they typed matches literally (a `%` or `_` is
 * that character, not a wildcard), for the lists that search (requests, the evidence register).
 */

/** `text` as a LIKE pattern that matches it literally, anywhere. */
export function containing(text: string): string {
  return `%${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}

/**
 * The start of an identifier (a UUID, a SHA-256 in hex), lower case: the characters LIKE reads as
 * wildcards are dropped, since no identifier holds them.
 */
export function identifierStart(text: string): string {
  return `${text.toLowerCase().replace(/[\\%_]/g, '')}%`;
}
