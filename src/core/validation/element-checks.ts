/**
 * The elements a request of each type must (or should, where possible) contain, as the catalogue
 * lists them with their article and paragraph: Art. 40(15) for assistance, Art. 42(3) for
 * preservation, and so on. A finding here cites the element's own provision, not the rule's.
 * A required element missing blocks sending; one to be given where possible is a warning, worded
 * for the drafter before sending and for both sides after.
 */
import { formatCitationIn } from '../catalogue/catalogue.ts';
import { elementLabel } from '../catalogue/catalogue-lookup.ts';
import { isElementApplicable, isElementId, isElementPresent } from '../request/elements.ts';
import type { Finding } from './finding.ts';
import { compactFindings, type DraftCheck } from './validation-context.ts';

export const checkElements: DraftCheck = ({ draft, catalogue, locale, requestType, findings, isSent }) => {
  if (!requestType) return [];
  const results: Array<Finding | undefined> = [];
  for (const entry of requestType.elements) {
    if (entry.requirement === 'optional' || !isElementId(entry.element)) continue;
    if (isElementPresent(draft, entry.element) || !isElementApplicable(draft, entry.element)) continue;
    // A where-possible element is advice to the drafter ("give it if you can"); once the request
    // has left, it is a fact both sides read: not given, and the requested State may ask for it.
    const ruleId =
      entry.requirement === 'required'
        ? 'required-element-missing'
        : isSent
          ? 'element-not-given-where-possible'
          : 'element-missing-where-possible';
    const citation = { article: entry.article, paragraph: entry.paragraph };
    results.push(
      findings.buildFinding(ruleId, {
        element: entry.element,
        citation,
        values: {
          element: elementLabel(catalogue, entry.element, locale, requestType),
          article: formatCitationIn(citation, locale),
        },
      }),
    );
  }
  return compactFindings(results);
};
