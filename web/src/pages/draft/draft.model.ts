/**
 * The draft form's logic without React: which fields a request type shows, how a form edit
 * changes the content, what is sent to the node (empty fields left out), and the checklist of
 * elements with their red/amber/green state from the findings.
 */
import type { Catalogue } from '../../../../src/core/catalogue/catalogue.ts';
import type { RequestContent, RequestTypeId } from '../../../../src/core/request/draft.ts';
import type { Finding } from '../../../../src/core/validation/finding.ts';
import { jsonPointer } from '../../../../src/core/field-codes.ts';
import {
  ELEMENT_IDS,
  type ElementId,
  isElementId,
  isElementApplicable,
  isElementPresent,
} from '../../../../src/core/request/elements.ts';

export type Path = readonly (string | number)[];

/** Reads a value at a path of the content (undefined when any step is missing). */
export function readPath(content: unknown, path: Path): unknown {
  let value: unknown = content;
  for (const step of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, unknown>)[step];
  }
  return value;
}

/** Returns a copy of the content with the value at the path replaced (objects and arrays created as needed). */
export function writePath<T>(content: T, path: Path, value: unknown): T {
  const [head, ...rest] = path;
  if (head === undefined) return value as T;
  const isIndex = typeof head === 'number';
  const base: unknown = content ?? (isIndex ? [] : {});
  const copy: Record<string | number, unknown> = Array.isArray(base)
    ? ([...base] as unknown as Record<number, unknown>)
    : { ...(base as Record<string, unknown>) };
  copy[head] = writePath(copy[head], rest, value);
  return copy as T;
}

function isEmptyValue(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (typeof value === 'string') return value.trim() === '';
  if (typeof value === 'number') return Number.isNaN(value);
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object') return Object.keys(value).length === 0;
  return false;
}

function pruneValue(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(pruneValue).filter((item) => !isEmptyValue(item));
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .map(([key, item]) => [key, pruneValue(item)] as const)
      .filter(([, item]) => !isEmptyValue(item));
    return Object.fromEntries(entries);
  }
  return value;
}

/**
 * The content as the node should see it: empty texts, rows and groups left out, so "not filled
 * in" reads as missing (a finding), never as a malformed value. An identifier's value is the one
 * member a row cannot do without (the request's model, frozen for protocol v1): a row with a kind
 * and nothing typed yet keeps an empty value, which the node reports (identifier-value-missing).
 */
export function pruneContent(content: RequestContent): RequestContent {
  const pruned = pruneValue(content) as RequestContent;
  if (!pruned.identifiers) return pruned;
  return {
    ...pruned,
    identifiers: pruned.identifiers.map((identifier) => ({ ...identifier, value: identifier.value ?? '' })),
  };
}

/** Elements every request shows, whatever its type (each is dated: its formal document bears the date). */
const ALWAYS_SHOWN: readonly ElementId[] = [
  'requesting-authority',
  'requested-authority',
  'case-reference',
  'request-date',
  'urgency',
  'confidentiality',
  'suggested-deadline',
  'language',
];

/**
 * The fields a type needs beyond what its catalogue entry lists, so that each type's own block
 * (extradition, confiscation, joint investigation, information) is there even before the
 * catalogue describes it.
 */
const TYPE_FIELDS: Readonly<Record<RequestTypeId, readonly ElementId[]>> = {
  preservation: [
    'offences',
    'summary-of-facts',
    'identifiers',
    'data-sought',
    'data-relation-to-offence',
    'custodian',
    'necessity',
    'intent-to-request-assistance',
    'preservation-period',
  ],
  'traffic-disclosure': [
    'offences',
    'summary-of-facts',
    'identifiers',
    'data-sought',
    // The period of the preserved traffic data to disclose (the duty officer's glance shows it).
    'data-period',
    'custodian',
    'related-request',
  ],
  'stored-data': [
    'subject-matter',
    'conducting-authority',
    'offences',
    'summary-of-facts',
    'persons-concerned',
    'identifiers',
    'data-sought',
    'data-period',
    'custodian',
    'assistance-sought',
    'procedure-wished',
    'purpose',
    'related-request',
  ],
  'real-time-traffic': [
    'subject-matter',
    'conducting-authority',
    'offences',
    'summary-of-facts',
    'identifiers',
    'data-sought',
    'collection-period',
    'assistance-sought',
    'purpose',
    'necessity',
  ],
  interception: [
    'subject-matter',
    'conducting-authority',
    'offences',
    'summary-of-facts',
    'identifiers',
    'data-sought',
    'collection-period',
    'assistance-sought',
    'purpose',
    'necessity',
  ],
  mla: [
    'subject-matter',
    'conducting-authority',
    'offences',
    'summary-of-facts',
    'persons-concerned',
    'assistance-sought',
    'procedure-wished',
    'purpose',
  ],
  extradition: ['offences', 'summary-of-facts', 'person-sought', 'warrant'],
  'spontaneous-information': ['offences', 'summary-of-facts', 'information', 'conditions-of-use'],
  'police-cooperation': [
    'offences',
    'summary-of-facts',
    'persons-concerned',
    'identifiers',
    'information',
    'conditions-of-use',
  ],
  'joint-investigation': [
    'subject-matter',
    'offences',
    'summary-of-facts',
    'participating-states',
    'joint-investigation-period',
  ],
  confiscation: [
    'offences',
    'summary-of-facts',
    'persons-concerned',
    'confiscation-measure',
    'property',
    'confiscation-order',
  ],
};

/**
 * Common elements a type has no use for: information given without a request asks nothing of the
 * receiving State by a date, so it suggests no deadline.
 */
const NOT_SHOWN: Readonly<Partial<Record<RequestTypeId, readonly ElementId[]>>> = {
  'spontaneous-information': ['suggested-deadline'],
};

/** The elements whose fields the form shows for a type: the catalogue's, the type's own, and the common ones it uses. */
export function shownElements(type: RequestTypeId, catalogue: Catalogue | undefined): ReadonlySet<ElementId> {
  const fromCatalogue =
    catalogue?.requestTypes.find((entry) => entry.id === type)?.elements.map((e) => e.element) ?? [];
  const unused = NOT_SHOWN[type] ?? [];
  return new Set<ElementId>([
    ...ALWAYS_SHOWN.filter((element) => !unused.includes(element)),
    ...TYPE_FIELDS[type],
    ...fromCatalogue,
  ]);
}

/**
 * The elements the form shows for a content: its type's, and every other one that holds a value.
 * What leaves the node is always on screen, for the drafter and for the supervisor who approves
 * it: a value typed for another type (before the type was changed) stays visible until cleared.
 */
export function shownElementsOf(
  content: RequestContent,
  catalogue: Catalogue | undefined,
): ReadonlySet<ElementId> {
  const shown = new Set<ElementId>(shownElements(content.type, catalogue));
  for (const element of ELEMENT_IDS) {
    if (!shown.has(element) && isElementPresent(content, element)) shown.add(element);
  }
  return shown;
}

/** The elements that hold a value although the content's type does not use them. */
export function elementsOutsideType(content: RequestContent, catalogue: Catalogue | undefined): ElementId[] {
  const ofType = shownElements(content.type, catalogue);
  return ELEMENT_IDS.filter((element) => !ofType.has(element) && isElementPresent(content, element));
}

/** Field paths (as validation reports them) that belong to an element other than their first step suggests. */
const PATH_ELEMENTS: ReadonlyArray<readonly [prefix: string, element: ElementId]> = [
  ['requestingAuthority', 'requesting-authority'],
  ['requestedAuthority', 'requested-authority'],
  ['caseReference', 'case-reference'],
  ['subjectMatter', 'subject-matter'],
  ['conductingAuthority', 'conducting-authority'],
  ['offences', 'offences'],
  ['summaryOfFacts', 'summary-of-facts'],
  ['persons', 'persons-concerned'],
  ['identifiers', 'identifiers'],
  ['dataSought.relationToOffence', 'data-relation-to-offence'],
  ['dataSought.period', 'data-period'],
  ['dataSought', 'data-sought'],
  ['custodian', 'custodian'],
  ['assistanceSought', 'assistance-sought'],
  ['procedureWished', 'procedure-wished'],
  ['purpose', 'purpose'],
  ['necessity', 'necessity'],
  ['intendsFollowUpRequest', 'intent-to-request-assistance'],
  ['preservationDays', 'preservation-period'],
  ['collectionPeriod', 'collection-period'],
  ['relatedRequest', 'related-request'],
  ['requestDate', 'request-date'],
  ['extension', 'extension'],
  ['verificationContact', 'verification-contact'],
  ['validatingAuthority', 'validating-authority'],
  ['assistanceKinds', 'assistance-kinds'],
  ['urgency', 'urgency'],
  ['confidentiality', 'confidentiality'],
  ['suggestedDeadline', 'suggested-deadline'],
  ['language', 'language'],
  ['extradition', 'warrant'],
  ['confiscation.property', 'property'],
  ['confiscation.order', 'confiscation-order'],
  ['confiscation.thirdPartiesNotice', 'confiscation-order'],
  ['confiscation', 'confiscation-measure'],
  ['jointInvestigation.period', 'joint-investigation-period'],
  ['jointInvestigation', 'participating-states'],
  ['information.conditionsOfUse', 'conditions-of-use'],
  ['information', 'information'],
];

/** The element a finding is about: its `element` when it is an element id, else the one its field path belongs to. */
export function elementOfFinding(finding: Finding): ElementId | undefined {
  if (isElementId(finding.element)) return finding.element;
  return elementOfPath(finding.element.replace(/\[\d+\]/g, '').replace(/^content\./, ''));
}

/** The element a field belongs to, by its dotted path without list positions (`dataSought.period.from`). */
function elementOfPath(path: string): ElementId | undefined {
  return PATH_ELEMENTS.find(([prefix]) => path === prefix || path.startsWith(`${prefix}.`))?.[1];
}

/** The id of the input of the field at `path`: a refused save's summary links to the field by it. */
export function fieldIdOf(path: Path): string {
  return fieldIdOfPointer(jsonPointer(path));
}

export function fieldIdOfPointer(pointer: string): string {
  return `field${pointer}`;
}

/**
 * Where a field the node refused sits in the form, by its JSON pointer: its element and, in a
 * list, the entry counted from 1 ("/identifiers/1/kind" is the second identifier). A refused
 * save names the field so, in the person's words, rather than by the node's path.
 */
export function placeOfPointer(
  pointer: string,
): Readonly<{ element: ElementId; entry?: number }> | undefined {
  const steps = pointer
    .split('/')
    .slice(1)
    .map((step) => step.replaceAll('~1', '/').replaceAll('~0', '~'));
  const index = steps.find((step) => /^\d+$/.test(step));
  const path = steps.filter((step) => !/^\d+$/.test(step)).join('.');
  const element = elementOfPath(path);
  if (element === undefined) return undefined;
  return index === undefined ? { element } : { element, entry: Number(index) + 1 };
}

/** What validation says about one field (a finding whose `element` is a field path, not an element id). */
export type FieldFinding = Readonly<{ message: string; isBlocking: boolean }>;

/**
 * The findings about single fields, by the field's JSON pointer (`/requestingAuthority/contactDetails/email`),
 * so that a field shows what is wrong with it beside it, not only under its element's group.
 */
export function fieldFindingsOf(findings: readonly Finding[]): ReadonlyMap<string, FieldFinding> {
  const found = new Map<string, FieldFinding>();
  for (const finding of findings) {
    if (isElementId(finding.element)) continue;
    const steps = finding.element
      .replace(/^content\./, '')
      .replace(/\[(\d+)\]/g, '.$1')
      .split('.');
    const pointer = jsonPointer(steps);
    const isBlocking = finding.severity === 'blocking';
    const before = found.get(pointer);
    found.set(
      pointer,
      before
        ? { message: `${before.message} ${finding.message}`, isBlocking: before.isBlocking || isBlocking }
        : { message: finding.message, isBlocking },
    );
  }
  return found;
}

export type ChecklistState = 'complete' | 'attention' | 'missing';

export type ChecklistItem = Readonly<{
  element: ElementId;
  requirement: 'required' | 'where-possible' | 'optional';
  article: number;
  paragraph: string | undefined;
  state: ChecklistState;
  findings: readonly Finding[];
}>;

export type Checklist = Readonly<{
  /** The type of the request checked: it names some elements its own way (the catalogue's `elementLabels`). */
  type: RequestTypeId;
  items: readonly ChecklistItem[];
  /** Findings about something the checklist does not list (another element or the whole request). */
  otherFindings: readonly Finding[];
  blockingCount: number;
  warningCount: number;
}>;

/**
 * The catalogue's rules that say only that an element is not there yet (src/data/catalogue):
 * on a new draft, before its first save, these are what is left to write, not faults.
 */
export const ABSENCE_RULES: ReadonlySet<string> = new Set([
  'required-element-missing',
  'element-missing-where-possible',
]);

export function isAbsenceFinding(finding: Finding): boolean {
  return ABSENCE_RULES.has(finding.rule);
}

/**
 * Every element the type requires or asks for, with its state: red when validation blocks on it
 * (or a required element is absent), amber for a warning (or an absent where-possible element),
 * green when present and nothing is reported about it.
 */
export function buildChecklist(
  content: RequestContent,
  catalogue: Catalogue | undefined,
  findings: readonly Finding[],
): Checklist {
  const entry = catalogue?.requestTypes.find((type) => type.id === content.type);
  // What the request asks decides some elements (a data period only where data is sought): one it
  // does not need is not listed, as validation does not ask for it.
  const listed = (entry?.elements ?? []).filter(
    (element) => element.requirement !== 'optional' && isElementApplicable(content, element.element),
  );
  const listedIds = new Set(listed.map((element) => element.element));
  // The persons of an extradition are its person sought: a finding about one is that element's.
  const elementOf = (finding: Finding): ElementId | undefined => {
    const element = elementOfFinding(finding);
    return element === 'persons-concerned' && listedIds.has('person-sought') && !listedIds.has(element)
      ? 'person-sought'
      : element;
  };
  const items = listed.map((element): ChecklistItem => {
    const own = findings.filter((finding) => elementOf(finding) === element.element);
    const isPresent = isElementPresent(content, element.element);
    let state: ChecklistState = 'complete';
    if (own.some((finding) => finding.severity === 'blocking')) state = 'missing';
    else if (own.length > 0) state = 'attention';
    else if (!isPresent) state = element.requirement === 'required' ? 'missing' : 'attention';
    return {
      element: element.element,
      requirement: element.requirement,
      article: element.article,
      paragraph: element.paragraph,
      state,
      findings: own,
    };
  });
  const otherFindings = findings.filter((finding) => {
    const element = elementOf(finding);
    return element === undefined || !listedIds.has(element);
  });
  return {
    type: content.type,
    items,
    otherFindings,
    blockingCount: findings.filter((finding) => finding.severity === 'blocking').length,
    warningCount: findings.filter((finding) => finding.severity === 'warning').length,
  };
}

/** A new draft of a type, with the node's own State as requesting State when known. */
export function newDraft(
  type: RequestTypeId,
  requestingState: string | undefined,
  language: string,
  sender: SenderDefaults = {},
): RequestContent {
  const contactDetails = {
    ...(sender.contactName ? { name: sender.contactName } : {}),
    ...(sender.email ? { email: sender.email } : {}),
  };
  const requestingAuthority = {
    ...(requestingState ? { state: requestingState } : {}),
    ...(sender.authorityName ? { name: sender.authorityName } : {}),
    ...(Object.keys(contactDetails).length > 0 ? { contactDetails } : {}),
  };
  return {
    type,
    ...(Object.keys(requestingAuthority).length > 0 ? { requestingAuthority } : {}),
    language,
    ...(sender.today ? { requestDate: sender.today } : {}),
  };
}

/**
 * What a new draft can start from, all of it changeable: the authority this State designated for
 * the type's channel (as the list of States knows it), the drafter as the person to reply to, and
 * the day it is written (YYYY-MM-DD on the drafter's calendar) as the request's date.
 */
export type SenderDefaults = Readonly<{
  authorityName?: string;
  contactName?: string;
  email?: string;
  today?: string;
}>;

type Designations = Readonly<{
  centralAuthority?: string;
  pointOfContact?: string;
  extraditionAuthority?: string;
}>;

/** The name a State designated for a channel of the catalogue, if it is known. */
export function designatedAuthority(
  designations: Designations | undefined,
  channel: 'central-authority' | 'point-of-contact' | 'extradition-authority' | undefined,
): string | undefined {
  if (!designations || !channel) return undefined;
  if (channel === 'central-authority') return designations.centralAuthority;
  if (channel === 'point-of-contact') return designations.pointOfContact;
  return designations.extraditionAuthority;
}

/**
 * The requested State chosen: its designated authority for the type's channel goes in the
 * authority's name, unless the name there is one the drafter wrote (not the one the State
 * chosen before had designated).
 */
export function withRequestedState(
  content: RequestContent,
  state: string | undefined,
  designatedFor: (state: string | undefined) => string | undefined,
): RequestContent {
  const { state: previous, ...current } = content.requestedAuthority ?? {};
  const isWritten = Boolean(current.name?.trim()) && current.name !== designatedFor(previous);
  const name = isWritten ? current.name : designatedFor(state);
  const { name: _replaced, ...rest } = current;
  return {
    ...content,
    requestedAuthority: { ...rest, ...(state ? { state } : {}), ...(name ? { name } : {}) },
  };
}
