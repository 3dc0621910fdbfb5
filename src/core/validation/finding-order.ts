/**
 * The order findings are shown in: blocking first, then following the elements of the request
 * type as the catalogue lists them (the order of the form and of the formal document), then the
 * order the checks produced them. The same draft always gives the same list.
 */
import type { RequestTypeEntry } from '../catalogue/catalogue.ts';
import { ELEMENT_IDS, type ElementId, isElementId } from '../request/elements.ts';
import type { Finding } from './finding.ts';

/**
 * Field paths (their leading part) mapped to the elements they belong to, longest prefix first;
 * a field ranks with the earliest of its elements in the request type's list.
 */
const FIELD_ELEMENTS: ReadonlyArray<readonly [string, readonly ElementId[]]> = [
  ['dataSought.period', ['data-period', 'data-sought']],
  ['dataSought.relationToOffence', ['data-relation-to-offence', 'data-sought']],
  ['extradition.warrant', ['warrant']],
  ['confiscation.order', ['confiscation-order']],
  ['confiscation.property', ['property']],
  ['jointInvestigation.period', ['joint-investigation-period']],
  ['requestingAuthority', ['requesting-authority']],
  ['requestedAuthority', ['requested-authority']],
  ['offences', ['offences']],
  ['identifiers', ['identifiers']],
  ['persons', ['persons-concerned', 'person-sought']],
  ['dataSought', ['data-sought']],
  ['preservationDays', ['preservation-period']],
  ['collectionPeriod', ['collection-period']],
  ['urgency', ['urgency']],
  ['confidentiality', ['confidentiality']],
  ['suggestedDeadline', ['suggested-deadline']],
  ['language', ['language']],
];

export function sortFindings(
  findings: readonly Finding[],
  requestType: RequestTypeEntry | undefined,
): Finding[] {
  const typeElements = (requestType?.elements ?? []).map((entry) => entry.element as string);
  const rankElement = (finding: Finding): number => {
    const candidates = elementsOfField(finding.element);
    const inType = candidates.map((element) => typeElements.indexOf(element)).filter((index) => index >= 0);
    if (inType.length > 0) return Math.min(...inType);
    const known = candidates.map((element) => ELEMENT_IDS.indexOf(element)).filter((index) => index >= 0);
    return known.length > 0
      ? typeElements.length + Math.min(...known)
      : typeElements.length + ELEMENT_IDS.length;
  };
  return findings
    .map((finding, position) => ({ finding, position, rank: rankElement(finding) }))
    .sort(
      (a, b) =>
        severityRank(a.finding) - severityRank(b.finding) || a.rank - b.rank || a.position - b.position,
    )
    .map((entry) => entry.finding);
}

function severityRank(finding: Finding): number {
  return finding.severity === 'blocking' ? 0 : 1;
}

function elementsOfField(field: string): readonly ElementId[] {
  if (isElementId(field)) return [field];
  const entry = FIELD_ELEMENTS.find(
    ([prefix]) => field === prefix || field.startsWith(`${prefix}.`) || field.startsWith(`${prefix}[`),
  );
  return entry?.[1] ?? [];
}
