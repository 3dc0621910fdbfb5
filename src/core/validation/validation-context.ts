/**
 * What every check receives: the draft, the reference data it is checked against, the caller's
 * language and the helpers that turn a fired rule into a localised finding.
 */
import type { Catalogue, RequestTypeEntry } from '../catalogue/catalogue.ts';
import type { DirectoryView } from '../directory/directory-view.ts';
import type { Locale } from '../i18n.ts';
import type { RequestContent } from '../request/draft.ts';
import type { Finding } from './finding.ts';
import type { FindingBuilder } from './finding-builder.ts';

export type ValidationContext = Readonly<{
  draft: RequestContent;
  catalogue: Catalogue;
  directory: DirectoryView;
  locale: Locale;
  /** The catalogue entry of the draft's request type; undefined when the catalogue lacks it. */
  requestType: RequestTypeEntry | undefined;
  /** Today as YYYY-MM-DD when the caller passes it; validation never reads the clock itself. */
  today: string | undefined;
  /** The current instant (RFC 3339) when the caller passes it, for times that cannot lie ahead. */
  now: string | undefined;
  /** The request has left its sender, received or sent (ValidateDraftOptions.isSent). */
  isSent: boolean;
  findings: FindingBuilder;
}>;

/** One group of related rules: returns what it found, in the order of the draft's fields. */
export type DraftCheck = (context: ValidationContext) => Finding[];

/** Drops the undefined results of rules the catalogue does not hold. */
export function compactFindings(findings: ReadonlyArray<Finding | undefined>): Finding[] {
  return findings.filter((finding): finding is Finding => finding !== undefined);
}

export function hasText(value: string | undefined | null): value is string {
  return typeof value === 'string' && value.trim().length > 0;
}
