/**
 * Consent for a use of received evidence, pure: which use of evidence received in a package needs
 * the sending (executing) State's consent under the conditions of use of its signed manifest, and
 * whether a recorded answer covers it (docs/evidence.md, "Conditions of use and consent").
 *
 * - Onward transfer to a third State: Art. 36(3) (personal data: prior authorisation of the
 *   transferring State) when the package says `onwardTransferNeedsConsent`; it is also a use beyond
 *   the request, Art. 40(19), when the package says `limitedToRequestPurpose`.
 * - Use in another case (other proceedings): Art. 40(19), when `limitedToRequestPurpose`.
 * - Disclosure before the package's `confidentialUntil` date: a condition the transferring State
 *   attached, Art. 36(1)(b); any onward transfer before that date is a disclosure too.
 *
 * The citations paraphrase the Convention; their text is not verified against an authentic
 * version (`verified: false`).
 */

/** The conditions of use a package's manifest carries (the fields this module reads). */
export type UseConditions = Readonly<{
  limitedToRequestPurpose: boolean;
  onwardTransferNeedsConsent: boolean;
  /** YYYY-MM-DD, or null. */
  confidentialUntil: string | null;
}>;

export const EVIDENCE_USE_KINDS = ['onward-transfer', 'other-case', 'disclosure'] as const;
export type EvidenceUseKind = (typeof EVIDENCE_USE_KINDS)[number];

/**
 * A use of received evidence: onward transfer to a State (its ISO code), use in another case (its
 * reference), or disclosure (to whom, in words; no target needed to match a consent).
 */
export type EvidenceUse = Readonly<{ kind: EvidenceUseKind; target: string | null }>;

export type ConditionName = 'onwardTransferNeedsConsent' | 'limitedToRequestPurpose' | 'confidentialUntil';

/** A condition that blocks a use until consent is recorded, with the article it comes from. */
export type BlockingCondition = Readonly<{
  condition: ConditionName;
  article: string;
  paragraph: string;
  /** How the condition is cited: "Art. 36(3)". */
  citation: string;
  verified: false;
  /** One line in English (the API's detail; the UI words it in the reader's language). */
  explanation: string;
}>;

const ONWARD: BlockingCondition = {
  condition: 'onwardTransferNeedsConsent',
  article: '36',
  paragraph: '3',
  citation: 'Art. 36(3)',
  verified: false,
  explanation: 'onward transfer to a third State needs the prior consent of the transferring State',
};
const PURPOSE: BlockingCondition = {
  condition: 'limitedToRequestPurpose',
  article: '40',
  paragraph: '19',
  citation: 'Art. 40(19)',
  verified: false,
  explanation: 'use beyond the purposes of the request needs the prior consent of the requested State',
};
const confidential = (until: string): BlockingCondition => ({
  condition: 'confidentialUntil',
  article: '36',
  paragraph: '1(b)',
  citation: 'Art. 36(1)(b)',
  verified: false,
  explanation: `the evidence is confidential until ${until}; disclosure before then needs consent`,
});

/** True while `today` (YYYY-MM-DD, UTC) is before the confidentiality date. */
export function isConfidential(conditions: UseConditions, today: string): boolean {
  return conditions.confidentialUntil !== null && today < conditions.confidentialUntil;
}

/** The UTC calendar date of an instant, YYYY-MM-DD. */
export function utcDate(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** Whether a use needs a target to be asked for: a State for onward transfer, a reference for another case. */
export function isTargetRequired(kind: EvidenceUseKind): boolean {
  return kind !== 'disclosure';
}

/** Every condition that blocks this use today, most specific first; empty: the use is free. */
export function blockingConditions(
  conditions: UseConditions,
  use: EvidenceUse,
  today: string,
): BlockingCondition[] {
  const blocking: BlockingCondition[] = [];
  if (use.kind === 'onward-transfer') {
    if (conditions.onwardTransferNeedsConsent) blocking.push(ONWARD);
    if (conditions.limitedToRequestPurpose) blocking.push(PURPOSE);
  }
  if (use.kind === 'other-case' && conditions.limitedToRequestPurpose) blocking.push(PURPOSE);
  const confidentialUntil = conditions.confidentialUntil;
  if (use.kind !== 'other-case' && confidentialUntil !== null && isConfidential(conditions, today)) {
    blocking.push(confidential(confidentialUntil));
  }
  return blocking;
}

function sameTarget(a: string | null, b: string | null): boolean {
  return (a ?? '').trim().toLowerCase() === (b ?? '').trim().toLowerCase();
}

/** A consent as recorded: what was asked and the answer. */
export type ConsentRecord = Readonly<{
  use: EvidenceUse;
  status: 'pending' | 'granted' | 'refused';
}>;

/**
 * Whether a recorded consent covers a use: granted, for the same kind of use and the same target
 * (the State or the case reference, compared without case or surrounding spaces; a disclosure
 * consent covers any disclosure of the package).
 */
export function consentCovers(consent: ConsentRecord, use: EvidenceUse): boolean {
  if (consent.status !== 'granted' || consent.use.kind !== use.kind) return false;
  return use.kind === 'disclosure' || sameTarget(consent.use.target, use.target);
}

/** The first recorded consent that covers the use, if any. */
export function findCoveringConsent<T extends ConsentRecord>(
  consents: readonly T[],
  use: EvidenceUse,
): T | undefined {
  return consents.find((consent) => consentCovers(consent, use));
}

/** The conditions still blocking the use once the consents recorded are taken into account. */
export function conditionsStillBlocking(
  conditions: UseConditions,
  use: EvidenceUse,
  today: string,
  consents: readonly ConsentRecord[],
): BlockingCondition[] {
  const blocking = blockingConditions(conditions, use, today);
  if (blocking.length === 0) return [];
  return findCoveringConsent(consents, use) ? [] : blocking;
}
