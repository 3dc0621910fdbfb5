/**
 * The elements a request can contain, each with the test of whether a draft provides it.
 *
 * The catalogue (src/data/catalogue) says, per request type, which of these elements the
 * Convention requires, with article and paragraph; this module only knows how to look for each
 * one in a draft. Adding an element means adding it here and describing it in the catalogue.
 */
import type { RequestContent } from './draft.ts';

const hasText = (value: string | undefined | null): boolean =>
  typeof value === 'string' && value.trim().length > 0;

export const ELEMENT_PRESENCE = {
  'requesting-authority': (d) =>
    hasText(d.requestingAuthority?.name) && hasText(d.requestingAuthority?.state),
  'requested-authority': (d) => hasText(d.requestedAuthority?.state),
  'case-reference': (d) => hasText(d.caseReference),
  'subject-matter': (d) => hasText(d.subjectMatter),
  'conducting-authority': (d) => hasText(d.conductingAuthority?.name),
  offences: (d) =>
    (d.offences ?? []).some((o) => o.conventionArticle !== undefined || hasText(o.domesticProvision)),
  'summary-of-facts': (d) => hasText(d.summaryOfFacts),
  // The person sought of an extradition is its own element, though written in the same list.
  'persons-concerned': (d) =>
    (d.persons ?? []).some((p) => p.role !== 'person-sought' && (hasText(p.name) || hasText(p.description))),
  identifiers: (d) => (d.identifiers ?? []).some((i) => hasText(i.value)),
  'data-sought': (d) => hasText(d.dataSought?.description) || (d.dataSought?.categories ?? []).length > 0,
  'data-relation-to-offence': (d) => hasText(d.dataSought?.relationToOffence),
  'data-period': (d) => hasText(d.dataSought?.period?.from) && hasText(d.dataSought?.period?.to),
  // "Not known" is an answer: Art. 42(3)(d) asks for the information available.
  custodian: (d) =>
    hasText(d.custodian?.name) || hasText(d.custodian?.location) || d.custodian?.isUnknown === true,
  'assistance-sought': (d) => hasText(d.assistanceSought),
  'procedure-wished': (d) => hasText(d.procedureWished),
  purpose: (d) => hasText(d.purpose),
  necessity: (d) => hasText(d.necessity),
  // "No follow-up intended" is an answer too; whether it is a good one is for the reader to weigh.
  'intent-to-request-assistance': (d) => d.intendsFollowUpRequest !== undefined,
  'preservation-period': (d) => d.preservationDays !== undefined,
  'collection-period': (d) =>
    hasText(d.collectionPeriod?.from) &&
    hasText(d.collectionPeriod?.to) &&
    hasText(d.collectionPeriod?.justification),
  'related-request': (d) => hasText(d.relatedRequest?.reference),
  'request-date': (d) => hasText(d.requestDate),
  extension: (d) =>
    d.extension?.isExtension === false ||
    (d.extension?.isExtension === true && hasText(d.extension.earlierReference)),
  'verification-contact': (d) =>
    hasText(d.verificationContact?.name) &&
    (hasText(d.verificationContact?.phone) || hasText(d.verificationContact?.email)),
  'validating-authority': (d) => hasText(d.validatingAuthority?.name),
  'assistance-kinds': (d) => (d.assistanceKinds ?? []).length > 0,
  urgency: (d) => d.urgency?.level !== undefined,
  confidentiality: (d) => d.confidentiality?.isRequired !== undefined,
  'suggested-deadline': (d) => hasText(d.suggestedDeadline?.date),
  language: (d) => hasText(d.language),
  'person-sought': (d) => (d.persons ?? []).some((p) => p.role === 'person-sought' && hasText(p.name)),
  warrant: (d) => hasText(d.extradition?.warrant?.reference),
  property: (d) => (d.confiscation?.property ?? []).some((p) => hasText(p.description)),
  'confiscation-measure': (d) => d.confiscation?.measure !== undefined,
  'confiscation-order': (d) => hasText(d.confiscation?.order?.reference),
  'participating-states': (d) => (d.jointInvestigation?.participatingStates ?? []).length > 0,
  'joint-investigation-period': (d) =>
    hasText(d.jointInvestigation?.period?.from) && hasText(d.jointInvestigation?.period?.to),
  information: (d) => hasText(d.information?.description),
  'conditions-of-use': (d) => hasText(d.information?.conditionsOfUse),
} as const satisfies Record<string, (draft: RequestContent) => boolean>;

export type ElementId = keyof typeof ELEMENT_PRESENCE;
export const ELEMENT_IDS = Object.keys(ELEMENT_PRESENCE) as ElementId[];

export function isElementId(value: string): value is ElementId {
  return Object.hasOwn(ELEMENT_PRESENCE, value);
}

const DATA_REQUEST_TYPES: ReadonlySet<RequestContent['type']> = new Set([
  'preservation',
  'traffic-disclosure',
  'stored-data',
  'real-time-traffic',
  'interception',
]);

/** Whether the request seeks electronic data: by its type, or a request for assistance that says so. */
function isDataSought(draft: RequestContent): boolean {
  if (DATA_REQUEST_TYPES.has(draft.type)) return true;
  const kinds = draft.assistanceKinds ?? [];
  if (kinds.length > 0) return kinds.includes('data');
  return ELEMENT_PRESENCE['data-sought'](draft) || ELEMENT_PRESENCE.identifiers(draft);
}

/** A request that only asks for documents to be served (Art. 40(3)(b)). */
function isServiceOfDocumentsOnly(draft: RequestContent): boolean {
  const kinds = draft.assistanceKinds ?? [];
  return kinds.length > 0 && kinds.every((kind) => kind === 'service-of-documents');
}

/**
 * Elements the catalogue lists for a type but that a particular draft does not need: a request
 * only for the service of documents needs no summary of facts (Art. 40(15)(c) makes that
 * exception), and a data period is asked only where data is sought (Art. 40(15)(f)).
 */
const ELEMENT_APPLIES: Readonly<Partial<Record<ElementId, (draft: RequestContent) => boolean>>> = {
  'summary-of-facts': (d) => !isServiceOfDocumentsOnly(d),
  'data-period': isDataSought,
};

/** Whether the draft needs the element at all (the catalogue says how much, this says whether). */
export function isElementApplicable(draft: RequestContent, element: ElementId): boolean {
  return ELEMENT_APPLIES[element]?.(draft) ?? true;
}

/** Whether the draft provides the element (not whether what it provides is correct). */
export function isElementPresent(draft: RequestContent, element: ElementId): boolean {
  return ELEMENT_PRESENCE[element](draft);
}
