/**
 * The elements a request can contain, each with the test of whether a draft provides it.
 *
 * The catalogue (src/data/catalogue) says, per request type, which of these elements the
 * Convention requires, with article and paragraph; this module only knows how to look for each
 * one in a draft. Adding an element means adding it here and describing it in the catalogue.
 */
import type { RequestContent } from './draft.ts';

const hasText = (value: string | undefined | null): boolean => typeof value === 'string' && value.trim().length > 0;

export const ELEMENT_PRESENCE = {
  'requesting-authority': (d) => hasText(d.requestingAuthority?.name) && hasText(d.requestingAuthority?.state),
  'requested-authority': (d) => hasText(d.requestedAuthority?.state),
  'case-reference': (d) => hasText(d.caseReference),
  'subject-matter': (d) => hasText(d.subjectMatter),
  'conducting-authority': (d) => hasText(d.conductingAuthority?.name),
  offences: (d) =>
    (d.offences ?? []).some((o) => o.conventionArticle !== undefined || hasText(o.domesticProvision)),
  'summary-of-facts': (d) => hasText(d.summaryOfFacts),
  'persons-concerned': (d) => (d.persons ?? []).some((p) => hasText(p.name) || hasText(p.description)),
  identifiers: (d) => (d.identifiers ?? []).some((i) => hasText(i.value)),
  'data-sought': (d) => hasText(d.dataSought?.description) || (d.dataSought?.categories ?? []).length > 0,
  'data-relation-to-offence': (d) => hasText(d.dataSought?.relationToOffence),
  'data-period': (d) => hasText(d.dataSought?.period?.from) && hasText(d.dataSought?.period?.to),
  custodian: (d) => hasText(d.custodian?.name) || hasText(d.custodian?.location),
  'assistance-sought': (d) => hasText(d.assistanceSought),
  'procedure-wished': (d) => hasText(d.procedureWished),
  purpose: (d) => hasText(d.purpose),
  necessity: (d) => hasText(d.necessity),
  'intent-to-request-assistance': (d) => d.intendsFollowUpRequest === true,
  'preservation-period': (d) => d.preservationDays !== undefined,
  'collection-period': (d) =>
    hasText(d.collectionPeriod?.from) && hasText(d.collectionPeriod?.to) && hasText(d.collectionPeriod?.justification),
  'related-request': (d) => hasText(d.relatedRequest?.reference),
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

/** Whether the draft provides the element (not whether what it provides is correct). */
export function isElementPresent(draft: RequestContent, element: ElementId): boolean {
  return ELEMENT_PRESENCE[element](draft);
}
