/**
 * Rules that concern one part of a request: the urgency claimed, the preservation and collection
 * periods, confidentiality, the suggested deadline and the enforcement of a confiscation order.
 * Numbers (60 days, 90 days) come from the catalogue's rule parameters.
 */
import { countPeriodDays } from './date-checks.ts';
import { compactFindings, type DraftCheck, hasText } from './validation-context.ts';

/** Defaults used only when the catalogue entry lacks the parameter. */
const DEFAULT_MINIMUM_PRESERVATION_DAYS = 60;
const DEFAULT_MAXIMUM_COLLECTION_DAYS = 90;

/** Art. 2(o): an emergency must be explained, since it changes how fast and through whom the request goes. */
export const checkEmergency: DraftCheck = ({ draft, findings }) => {
  if (draft.urgency?.level !== 'emergency' || hasText(draft.urgency.justification)) return [];
  return compactFindings([
    findings.buildFinding('emergency-justification-missing', { element: 'urgency.justification' }),
  ]);
};

/** Art. 42(8): preservation lasts at least 60 days, so the follow-up request can be sent in time. */
export const checkPreservationPeriod: DraftCheck = ({ draft, findings }) => {
  if (draft.type !== 'preservation' || draft.preservationDays === undefined) return [];
  const minimum = findings.readNumberParameter(
    'preservation-period-too-short',
    'minimumDays',
    DEFAULT_MINIMUM_PRESERVATION_DAYS,
  );
  if (draft.preservationDays >= minimum) return [];
  return compactFindings([
    findings.buildFinding('preservation-period-too-short', {
      element: 'preservationDays',
      values: { days: draft.preservationDays, minimum },
    }),
  ]);
};

/**
 * Real-time collection and interception: a long collection period is a prompt to justify its
 * length (Arts. 45-46 ask for it; Art. 24 limits duration), not a legal maximum.
 */
export const checkCollectionPeriod: DraftCheck = ({ draft, findings }) => {
  if (draft.type !== 'real-time-traffic' && draft.type !== 'interception') return [];
  const days = countPeriodDays(draft.collectionPeriod);
  const maximum = findings.readNumberParameter(
    'collection-period-too-long',
    'maximumDays',
    DEFAULT_MAXIMUM_COLLECTION_DAYS,
  );
  if (days === undefined || days <= maximum) return [];
  return compactFindings([
    findings.buildFinding('collection-period-too-long', {
      element: 'collectionPeriod',
      values: { days, maximum },
    }),
  ]);
};

/** Art. 40(20): confidentiality asked for should say until when. */
export const checkConfidentiality: DraftCheck = ({ draft, findings }) => {
  if (draft.confidentiality?.isRequired !== true || hasText(draft.confidentiality.until)) return [];
  return compactFindings([
    findings.buildFinding('confidentiality-without-end', { element: 'confidentiality.until' }),
  ]);
};

/** Art. 40(25): the requested State takes account of deadlines suggested with reasons. */
export const checkSuggestedDeadline: DraftCheck = ({ draft, findings }) => {
  if (!hasText(draft.suggestedDeadline?.date) || hasText(draft.suggestedDeadline?.reasons)) return [];
  return compactFindings([
    findings.buildFinding('deadline-without-reasons', { element: 'suggestedDeadline.reasons' }),
  ]);
};

/** Art. 50: enforcing a foreign confiscation order needs the order, and it must be final. */
export const checkConfiscationOrder: DraftCheck = ({ draft, findings }) => {
  if (draft.type !== 'confiscation' || draft.confiscation?.measure !== 'enforce-order') return [];
  const order = draft.confiscation.order;
  if (hasText(order?.reference) && order?.isFinal === true) return [];
  return compactFindings([
    findings.buildFinding('enforcement-needs-final-order', { element: 'confiscation.order' }),
  ]);
};

export const TYPE_SPECIFIC_CHECKS: readonly DraftCheck[] = [
  checkEmergency,
  checkPreservationPeriod,
  checkCollectionPeriod,
  checkConfidentiality,
  checkSuggestedDeadline,
  checkConfiscationOrder,
];
