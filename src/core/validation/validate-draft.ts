/**
 * Validation of a draft request against the Convention catalogue: one pure function used by the
 * API, the web UI (through the API) and the offline CLI. It reads no clock, file or network, so
 * the same draft, catalogue, directory and language always give the same findings in the same
 * order.
 *
 * The code knows how to check each kind of rule (src/core/validation/*-checks.ts); the catalogue
 * says with which severity, numbers, citation and words. A rule the catalogue lacks is skipped.
 * When a rule fires, including which request types it concerns, is decided by the checks; the
 * `rules` list of a request type in the catalogue describes the same for readers of the catalogue.
 */
import type { Catalogue } from '../catalogue/catalogue.ts';
import type { DirectoryView } from '../directory/directory-view.ts';
import type { Locale } from '../i18n.ts';
import type { RequestContent } from '../request/draft.ts';
import { checkContactDetails } from './contact-checks.ts';
import { checkDates, checkDatesAgainstClock } from './date-checks.ts';
import { checkElements } from './element-checks.ts';
import { type Finding, hasBlockingFindings } from './finding.ts';
import { createFindingBuilder } from './finding-builder.ts';
import { sortFindings } from './finding-order.ts';
import { checkIdentifiers } from './identifier-checks.ts';
import { checkRequestedStateAndLanguage } from './language-checks.ts';
import { checkOffences } from './offence-checks.ts';
import { TYPE_SPECIFIC_CHECKS } from './type-specific-checks.ts';
import type { DraftCheck, ValidationContext } from './validation-context.ts';

export type ValidateDraftOptions = Readonly<{
  /** Today as YYYY-MM-DD, for rules relative to the current date. Validation never reads the clock. */
  today?: string;
  /** The current instant (RFC 3339): an identifier seen in use after it is flagged. */
  now?: string;
  /**
   * The request has left its sender: received from another State, or sent from this node. The
   * check is read after sending, so advice on what to check before sending is left out.
   */
  isSent?: boolean;
}>;

/** Every check, in the order their findings come when severity and element are equal. */
const CHECKS: readonly DraftCheck[] = [
  checkElements,
  checkRequestedStateAndLanguage,
  checkOffences,
  checkIdentifiers,
  checkDates,
  checkDatesAgainstClock,
  checkContactDetails,
  ...TYPE_SPECIFIC_CHECKS,
];

export function validateDraft(
  draft: RequestContent,
  catalogue: Catalogue,
  directory: DirectoryView,
  locale: Locale,
  options: ValidateDraftOptions = {},
): Finding[] {
  const requestType = catalogue.requestTypes.find((entry) => entry.id === draft.type);
  const context: ValidationContext = {
    draft,
    catalogue,
    directory,
    locale,
    requestType,
    today: options.today,
    now: options.now,
    isSent: options.isSent === true,
    findings: createFindingBuilder(catalogue, locale, draft.type),
  };
  return sortFindings(
    CHECKS.flatMap((check) => check(context)),
    requestType,
  );
}

/** A draft is ready to leave the node when no finding blocks it; warnings are for the author to weigh. */
export function isReady(findings: readonly Finding[]): boolean {
  return !hasBlockingFindings(findings);
}
