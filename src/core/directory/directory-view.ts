/**
 * What validation needs to know of the directory of States: whether a State exists and which
 * languages it accepts for requests (Art. 40(14)). The directory service builds it from the
 * database; the offline CLI builds it from src/data/states.
 */
import type { LocalizedText } from '../i18n.ts';

export type DirectoryEntry = Readonly<{
  /** ISO 3166-1 alpha-2, or EU. */
  code: string;
  kind: 'state' | 'organization';
  names: LocalizedText;
  /** BCP 47 language tags the State accepts for requests; undefined when not (yet) known. */
  acceptedLanguages: readonly string[] | undefined;
  /** IANA time zone of the State's 24/7 point of contact or capital, when known. */
  timeZone: string | undefined;
}>;

export type DirectoryView = Readonly<{
  findState: (code: string) => DirectoryEntry | undefined;
}>;

export function directoryViewOf(entries: readonly DirectoryEntry[]): DirectoryView {
  const byCode = new Map(entries.map((entry) => [entry.code, entry]));
  return { findState: (code) => byCode.get(code.toUpperCase()) };
}
