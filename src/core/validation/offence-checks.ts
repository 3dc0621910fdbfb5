/**
 * Whether each offence is one cooperation under the Convention covers (Art. 35(1)): an offence
 * established under Arts. 7-17, or a "serious crime" (Art. 2(h): punishable by a maximum of at
 * least four years or a more serious penalty). Only Arts. 7-17 establish offences: another article
 * cited as an offence is reported as such, and an offence citing no article that its penalty does not
 * bring in scope gets a hint to tag its article, in case it is one of Arts. 7-17. Extradition adds its own penalty threshold
 * (Art. 37(1)). The article range and thresholds come from the catalogue.
 */
import type { Catalogue } from '../catalogue/catalogue.ts';
import type { RequestContent } from '../request/draft.ts';
import type { Finding } from './finding.ts';
import { readNumber } from './finding-builder.ts';
import { compactFindings, type DraftCheck, hasText } from './validation-context.ts';

type Offence = NonNullable<RequestContent['offences']>[number];

/** Defaults used only when the catalogue entry lacks the parameter. */
const DEFAULT_FIRST_ARTICLE = 7;
const DEFAULT_LAST_ARTICLE = 17;
const DEFAULT_SERIOUS_CRIME_YEARS = 4;
const DEFAULT_EXTRADITION_YEARS = 1;

export const checkOffences: DraftCheck = ({ draft, catalogue, findings }) => {
  const firstArticle = findings.readNumberParameter(
    'offence-out-of-scope',
    'firstArticle',
    DEFAULT_FIRST_ARTICLE,
  );
  const lastArticle = findings.readNumberParameter(
    'offence-out-of-scope',
    'lastArticle',
    DEFAULT_LAST_ARTICLE,
  );
  const seriousCrimeYears = readSeriousCrimeYears(catalogue);
  const extraditionYears = findings.readNumberParameter(
    'extradition-penalty-below-threshold',
    'minimumYears',
    DEFAULT_EXTRADITION_YEARS,
  );
  const results: Array<Finding | undefined> = [];
  (draft.offences ?? []).forEach((offence, index) => {
    if (isBlankOffence(offence)) return;
    const element = `offences[${index}]`;
    const label = labelOffence(offence, index, firstArticle, lastArticle);
    const isConventionOffence =
      offence.conventionArticle !== undefined &&
      offence.conventionArticle >= firstArticle &&
      offence.conventionArticle <= lastArticle;
    const article = offence.conventionArticle;
    if (article !== undefined && !isConventionOffence) {
      results.push(
        findings.buildFinding('offence-not-a-convention-offence', {
          element: `${element}.conventionArticle`,
          values: { article, firstArticle, lastArticle },
        }),
      );
    }
    const isLife = offence.isLifeImprisonment === true;
    const penalty = offence.maximumPenaltyYears;
    const isPenaltyMissing = !isConventionOffence && penalty === undefined && !isLife;
    const isBelowSeriousCrime =
      !isConventionOffence && !isLife && penalty !== undefined && penalty < seriousCrimeYears;
    if (isPenaltyMissing) {
      // Without a penalty, "serious crime" cannot be established: say that, not "out of scope".
      results.push(findings.buildFinding('offence-penalty-missing', { element, values: { offence: label } }));
    } else if (isBelowSeriousCrime) {
      results.push(findings.buildFinding('offence-out-of-scope', { element, values: { offence: label } }));
    }
    // An untagged offence that only its article could bring in scope: it may be a Convention offence.
    if (article === undefined && (isPenaltyMissing || isBelowSeriousCrime)) {
      results.push(
        findings.buildFinding('offence-article-untagged', {
          element: `${element}.conventionArticle`,
          values: { offence: label, firstArticle, lastArticle },
        }),
      );
    }
    if (draft.type === 'extradition' && !isLife && penalty !== undefined && penalty < extraditionYears) {
      results.push(
        findings.buildFinding('extradition-penalty-below-threshold', {
          element: `${element}.maximumPenaltyYears`,
          values: { offence: label, minimum: extraditionYears },
        }),
      );
    }
  });
  return compactFindings(results);
};

/** Art. 2(h): the minimum maximum penalty, in years, that makes an offence a serious crime. */
function readSeriousCrimeYears(catalogue: Catalogue): number {
  const definition = catalogue.definitions.find((entry) => entry.id === 'serious-crime');
  return readNumber(definition?.parameters.minimumMaximumPenaltyYears, DEFAULT_SERIOUS_CRIME_YEARS);
}

/** A row the form added but nobody filled: it names no offence, so there is nothing to check. */
function isBlankOffence(offence: Offence): boolean {
  return (
    offence.conventionArticle === undefined &&
    !hasText(offence.domesticProvision) &&
    offence.maximumPenaltyYears === undefined &&
    offence.isLifeImprisonment !== true &&
    !hasText(offence.description)
  );
}

/** "Art. 13" for a Convention offence, else the domestic provision, else "#2" (1-based). */
export function labelOffence(
  offence: Offence,
  index: number,
  firstArticle: number,
  lastArticle: number,
): string {
  const article = offence.conventionArticle;
  if (article !== undefined && article >= firstArticle && article <= lastArticle) return `Art. ${article}`;
  if (hasText(offence.domesticProvision)) return offence.domesticProvision.trim();
  if (article !== undefined) return `Art. ${article}`;
  return `#${index + 1}`;
}
