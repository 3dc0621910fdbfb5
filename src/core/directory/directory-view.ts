/**
 * What validation needs to know of the directory of States: whether a State exists and which
 * languages it accepts for requests (Art. 40(14)), as notified and as its Comity nodes declare
 * them. The directory service builds it from the database and the signed directory of nodes; the
 * offline CLI builds it from src/data/states (no nodes).
 */
import type { RequestTypeEntry } from '../catalogue/catalogue.ts';
import type { LocalizedText } from '../i18n.ts';

/** The authority a request type goes to (the catalogue's channel), which a node serves. */
export type Channel = RequestTypeEntry['channel'];

export type DirectoryEntry = Readonly<{
  /** ISO 3166-1 alpha-2, or EU. */
  code: string;
  kind: 'state' | 'organization';
  names: LocalizedText;
  /** BCP 47 language tags the State accepts for requests; undefined when not (yet) known. */
  acceptedLanguages: readonly string[] | undefined;
  /**
   * The languages each of the State's nodes declares it reads, in the signed directory of nodes,
   * by the authority it serves; absent: no such node, or it declares none.
   */
  nodeLanguages?: Readonly<Partial<Record<Channel, readonly string[]>>>;
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
