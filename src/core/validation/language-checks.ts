/**
 * The requested State (Art. 40(13): requests go to its designated authority) must be one the
 * directory knows, and the request must be written in a language it accepts (Art. 40(14)).
 *
 * The languages a State notified (its profile) decide. Where none are recorded, the languages
 * that the State's node for the request's authority declares in the signed directory of nodes are
 * the next best thing: a request in another is a warning (that node's operator said what it
 * reads; the treaty's notification is still unknown), and one in a declared language needs no
 * advice. Once the request has left, the same mismatch is said to both States without the advice
 * to check before sending (`language-sent-not-read-by-node`).
 */
import type { DirectoryEntry } from '../directory/directory-view.ts';
import { languageNameOf, type Locale } from '../i18n.ts';
import type { Finding } from './finding.ts';
import { compactFindings, type DraftCheck, hasText } from './validation-context.ts';

export const checkRequestedStateAndLanguage: DraftCheck = ({
  draft,
  directory,
  requestType,
  locale,
  findings,
  isSent,
}) => {
  const code = draft.requestedAuthority?.state?.trim();
  if (!hasText(code)) return [];
  const state = directory.findState(code);
  if (!state) {
    return compactFindings([
      findings.buildFinding('requested-state-unknown', {
        element: 'requestedAuthority.state',
        values: { state: code },
      }),
    ]);
  }
  const stateName = nameState(state, locale);
  const accepted = state.acceptedLanguages ?? [];
  const declared = requestType === undefined ? [] : (state.nodeLanguages?.[requestType.channel] ?? []);
  const results: Array<Finding | undefined> = [];
  if (accepted.length === 0 && declared.length > 0) {
    // Before sending, advice to the sender; once the request has left, what both States read: it
    // may need a translation, which the requested State can ask for rather than refuse.
    if (hasText(draft.language) && !isLanguageAccepted(draft.language, declared)) {
      results.push(
        findings.buildFinding(isSent ? 'language-sent-not-read-by-node' : 'language-not-read-by-node', {
          element: 'language',
          values: {
            language: languageNameOf(draft.language.trim(), locale),
            state: stateName,
            accepted: namesOf(declared, locale),
          },
        }),
      );
    }
  } else if (accepted.length === 0) {
    // An empty list says nothing more than a missing one: no State accepts no language at all.
    // Advice to the sender ("check before sending"): not once the request has left.
    if (!isSent)
      results.push(
        findings.buildFinding('language-acceptance-unknown', {
          element: 'language',
          values: { state: stateName },
        }),
      );
  } else if (hasText(draft.language) && !isLanguageAccepted(draft.language, accepted)) {
    results.push(
      findings.buildFinding('language-not-accepted', {
        element: 'language',
        values: {
          language: languageNameOf(draft.language.trim(), locale),
          state: stateName,
          accepted: namesOf(accepted, locale),
        },
      }),
    );
  }
  return compactFindings(results);
};

/**
 * Compares primary language subtags (BCP 47), case-insensitively: a request in fr-CA is in
 * French, which a State accepting "fr" reads.
 */
export function isLanguageAccepted(language: string, accepted: readonly string[]): boolean {
  const primary = primarySubtag(language);
  return accepted.some((tag) => primarySubtag(tag) === primary);
}

function primarySubtag(tag: string): string {
  return (tag.trim().toLowerCase().split(/[-_]/)[0] ?? '').trim();
}

/** Languages as findings name them: "French (fr), English (en)". */
function namesOf(tags: readonly string[], locale: Locale): string {
  return tags.map((tag) => languageNameOf(tag, locale)).join(', ');
}

function nameState(state: DirectoryEntry, locale: Locale): string {
  const name = state.names[locale];
  return hasText(name) ? name : state.code;
}
