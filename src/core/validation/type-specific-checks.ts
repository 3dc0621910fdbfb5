/**
 * Rules that concern one part of a request: the urgency claimed (and the urgency a provisional
 * arrest needs), the preservation and collection periods, where the data of a preservation is,
 * confidentiality, the suggested deadline and the enforcement of a confiscation order. Numbers
 * (60 days, 90 days) come from the catalogue's rule parameters.
 */
import { countPeriodDays } from './date-checks.ts';
import { compactFindings, type DraftCheck, hasText } from './validation-context.ts';

/** Defaults used only when the catalogue entry lacks the parameter. */
const DEFAULT_MINIMUM_PRESERVATION_DAYS = 60;
const DEFAULT_MAXIMUM_COLLECTION_DAYS = 90;
const DEFAULT_MAXIMUM_PRESERVATION_DAYS = 365;

/** Art. 2(o): an emergency must be explained, since it changes how fast and through whom the request goes. */
export const checkEmergency: DraftCheck = ({ draft, findings }) => {
  if (draft.urgency?.level !== 'emergency' || hasText(draft.urgency.justification)) return [];
  return compactFindings([
    findings.buildFinding('emergency-justification-missing', { element: 'urgency.justification' }),
  ]);
};

/**
 * Art. 37: the requested State takes the person sought into custody in urgent cases, once
 * satisfied that the circumstances are urgent. A request that seeks provisional arrest says it is
 * urgent (or an emergency) and why (Comity's practice); the finding points at what is missing, the
 * level first. An emergency without its reason is already blocked (emergency-justification-missing).
 */
export const checkProvisionalArrest: DraftCheck = ({ draft, findings }) => {
  if (draft.type !== 'extradition' || draft.extradition?.isProvisionalArrestSought !== true) return [];
  const level = draft.urgency?.level;
  if (level === 'emergency') return [];
  if (level === 'urgent' && hasText(draft.urgency?.justification)) return [];
  return compactFindings([
    findings.buildFinding('provisional-arrest-not-urgent', {
      element: level === 'urgent' ? 'urgency.justification' : 'urgency.level',
    }),
  ]);
};

/**
 * Art. 42(8): the requested State keeps preserved data at least 60 days. The minimum binds the
 * requested State, so asking for less is a warning (it will keep the data longer anyway); an
 * implausibly long period is a warning too (Comity's practice); zero or fewer days is no period.
 */
export const checkPreservationPeriod: DraftCheck = ({ draft, findings }) => {
  const days = draft.preservationDays;
  if (draft.type !== 'preservation' || days === undefined) return [];
  const element = 'preservationDays';
  if (days <= 0) {
    return compactFindings([
      findings.buildFinding('preservation-period-invalid', { element, values: { days } }),
    ]);
  }
  const minimum = findings.readNumberParameter(
    'preservation-period-too-short',
    'minimumDays',
    DEFAULT_MINIMUM_PRESERVATION_DAYS,
  );
  const maximum = findings.readNumberParameter(
    'preservation-period-too-long',
    'maximumDays',
    DEFAULT_MAXIMUM_PRESERVATION_DAYS,
  );
  if (days < minimum) {
    return compactFindings([
      findings.buildFinding('preservation-period-too-short', { element, values: { days, minimum } }),
    ]);
  }
  if (days > maximum) {
    return compactFindings([
      findings.buildFinding('preservation-period-too-long', { element, values: { days, maximum } }),
    ]);
  }
  return [];
};

/**
 * Art. 42(1): preservation is asked of the State where the data is stored. A custodian placed in
 * another State than the requested one is reported; a custodian not known is not.
 */
export const checkCustodianTerritory: DraftCheck = ({ draft, findings }) => {
  if (draft.type !== 'preservation' || draft.custodian?.isUnknown === true) return [];
  const custodianState = draft.custodian?.state?.trim().toUpperCase();
  const requestedState = draft.requestedAuthority?.state?.trim().toUpperCase();
  if (!custodianState || !requestedState || custodianState === requestedState) return [];
  return compactFindings([
    findings.buildFinding('custodian-outside-requested-state', {
      element: 'custodian.state',
      values: { custodianState, requestedState },
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
  checkCustodianTerritory,
  checkCollectionPeriod,
  checkConfidentiality,
  checkSuggestedDeadline,
  checkConfiscationOrder,
  checkProvisionalArrest,
];
