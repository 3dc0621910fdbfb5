/**
 * The formal document of a request, as data: what the HTML print view and the PDF show, decided
 * once so both say exactly the same. Pure but for shippedDocumentLabels, which reads the label
 * files once (and the content digest, which uses node:crypto).
 *
 * A document has one or two languages (Art. 40(14): the drafter's and one the requested State
 * accepts). Each language is a complete version of its own, one after the other, never
 * interleaved, so an Arabic version reads right to left from its first line to its signature
 * and a French one left to right. Every element carries the article that requires it, the
 * closing block gives the place, the date and the issuing authority's signature, an incomplete
 * request is marked as a draft, and the footer carries the SHA-256 of the content so the paper
 * can be matched to the data. The words come from src/data/document-labels (one file a language).
 */
import {
  type Catalogue,
  type Citation,
  formatCitationWith,
  type RequestTypeEntry,
} from '../core/catalogue/catalogue.ts';
import { AppError } from '../core/errors.ts';
import { isLocale } from '../core/i18n.ts';
import type { Identifier, RequestContent, RequestTypeId } from '../core/request/draft.ts';
import { ELEMENT_IDS, type ElementId, isElementPresent } from '../core/request/elements.ts';
import { loadDocumentLabels } from '../data/document-labels/index.ts';
import { digestCanonicalJson } from './canonical-json.ts';
import {
  dateDatetime,
  formatDate,
  type MomentWriting,
  momentDatetime,
  writtenMoment,
} from './written-time.ts';
import {
  type DocumentLabels,
  type DocumentLabelSet,
  type FieldLabelId,
  formatQuantity,
  type QuantityUnit,
  type ValueListId,
} from '../core/document/document-labels.ts';

/** What the document prints where the draft gives nothing. */
export const ABSENT = '—';

/**
 * A date or moment a field's value writes in words, and the exact ISO 8601 value it was written
 * from: the HTML page keeps it machine-readable in a `<time datetime>` (render-html.ts).
 */
export type DocumentTime = Readonly<{
  /** The words, as they stand in the value: "7 December 2026 at 21:04:11 UTC+1 = …". */
  text: string;
  /** "2026-12-07T20:04:11Z" (written-time.ts momentDatetime), "2026-12-07" (a calendar date). */
  datetime: string;
}>;

/** One line of an element: an optional heading, the value as text, and the dates and moments in it. */
export type DocumentField = Readonly<{
  label: string | undefined;
  value: string;
  /** The value's written dates and moments, in the order they appear; absent when it has none. */
  times?: readonly DocumentTime[];
}>;

/** A value as text with the dates and moments written in it, before it gets its label. */
type Written = Readonly<{ text: string; times: readonly DocumentTime[] }>;

/** Words for a date or moment, with the exact value they stand for when there is one. */
function writtenFrom(text: string, datetime: string | undefined): Written {
  return { text, times: datetime === undefined ? [] : [{ text, datetime }] };
}

/** A field of a written value: its times only when it has some. */
function fieldOf(label: string | undefined, written: Written): DocumentField {
  return written.times.length > 0
    ? { label, value: written.text, times: written.times }
    : { label, value: written.text };
}

/** One thing inside an element (an offence, a person, an identifier...), as its fields. */
export type DocumentItem = readonly DocumentField[];

export type ElementRequirement = 'required' | 'where-possible' | 'optional';

export type DocumentSection = Readonly<{
  element: ElementId;
  /** The element's label in the version's language. */
  label: string;
  /** "Art. 42(3)(c)", "المادة 42(3)(c)" for elements the request type lists; undefined for extra ones. */
  citation: string | undefined;
  requirement: ElementRequirement | undefined;
  /** Whether the draft provides the element, as validation sees it. */
  isPresent: boolean;
  /** Empty when the draft gives nothing for the element. */
  items: readonly DocumentItem[];
  /** The section as plain text ("—" when absent). */
  text: string;
}>;

/** Place, date and the issuing authority's signature, at the end of each version. */
export type DocumentClosing = Readonly<{
  place: DocumentField;
  date: DocumentField;
  issuingAuthority: DocumentField;
  /** Headings of the lines left blank for the hand: signature, name and function, seal. */
  signatureLines: readonly string[];
}>;

/** The document in one language, complete from heading to signature. */
export type DocumentVersion = Readonly<{
  language: string;
  direction: 'ltr' | 'rtl';
  /** "English version", printed above the version when the document has two. */
  versionName: string;
  /** "Request under the United Nations Convention against Cybercrime". */
  heading: string;
  /** The request type's title. */
  title: string;
  /** The article the request type rests on, e.g. "Art. 42". */
  citation: string | undefined;
  caseReference: DocumentField;
  /** The request type's elements in catalogue order, then any other element the draft provides. */
  sections: readonly DocumentSection[];
  closing: DocumentClosing;
  /** What comes between a label and its value (": ", French "\u202F: ", Chinese "："). */
  labelSeparator: string;
  /** "DRAFT", "مسودة": the mark across every page of a request that is incomplete or not sent. */
  draftMark: string;
  /** Why the mark is there: "incomplete, not valid for transmission", or "not yet approved and sent". */
  draftNotice: string;
}>;

export type DocumentModel = Readonly<{
  /** The languages of the versions: one, or two different ones. */
  languages: readonly string[];
  requestType: RequestTypeId;
  versions: readonly DocumentVersion[];
  /**
   * Whether every page carries the draft mark: the request is incomplete, or it has not been
   * approved and sent, so the paper cannot pass for the request as transmitted.
   */
  isDraft: boolean;
  /** BCP 47 tag of the language the request's free text is written in, when stated. */
  contentLanguage: string | undefined;
  /** SHA-256 (hex) of the canonical JSON of the content (src/document/canonical-json.ts). */
  contentDigest: string;
  catalogueVersion: string;
}>;

export type DocumentOptions = Readonly<{
  /** The languages the node can print (src/data/document-labels). */
  labels: DocumentLabelSet;
  /** Marks the document as a draft; by default, when a required element is missing. */
  isDraft?: boolean;
  /**
   * The request has not been approved and sent (a draft, or one awaiting approval): the document
   * is marked as a draft even when complete, and says it is not yet sent.
   */
  isNotSent?: boolean;
  /** The date printed when the request states none (its `requestDate`); by default none. */
  issuedOn?: Date;
}>;

/**
 * The document language of a BCP 47 tag ("fr-CA" → fr, "zh-Hans-CN" → zh), or undefined when
 * the node has no labels for the tag's language.
 */
export function toDocumentLanguage(tag: string, labels: DocumentLabelSet): string | undefined {
  const base = tag.trim().toLowerCase().split(/[-_]/)[0] ?? '';
  return labels.has(base) ? base : undefined;
}

/** The document languages shipped with the node (src/data/document-labels), read once. */
export function shippedDocumentLabels(): DocumentLabelSet {
  return loadDocumentLabels();
}

/**
 * The document languages from BCP 47 tags: one or two, duplicates removed. Refuses
 * (invalid-input) an empty list, more than two, or a language the node cannot print.
 */
export function resolveDocumentLanguages(tags: readonly string[], labels: DocumentLabelSet): string[] {
  const cleaned = tags.map((tag) => tag.trim()).filter((tag) => tag.length > 0);
  if (cleaned.length === 0) {
    throw new AppError('invalid-input', 'name one or two document languages', [
      { path: 'languages', message: 'at least one language is required' },
    ]);
  }
  const unknown = cleaned.filter((tag) => toDocumentLanguage(tag, labels) === undefined);
  if (unknown.length > 0) {
    throw new AppError(
      'invalid-input',
      `unsupported document language: ${unknown.join(', ')} (use ${[...labels.keys()].join(', ')})`,
      [{ path: 'languages', message: `unsupported: ${unknown.join(', ')}` }],
    );
  }
  const languages = [...new Set(cleaned.map((tag) => toDocumentLanguage(tag, labels) as string))];
  if (languages.length > 2) {
    throw new AppError('invalid-input', 'a document has at most two languages', [
      { path: 'languages', message: 'at most two languages' },
    ]);
  }
  return languages;
}

/** Builds the document of a request in one or two languages (subtags or BCP 47 tags). */
export function buildDocumentModel(
  content: RequestContent,
  catalogue: Catalogue,
  languages: readonly string[],
  options: DocumentOptions,
): DocumentModel {
  const resolved = resolveDocumentLanguages(languages, options.labels);
  const typeEntry = catalogue.requestTypes.find((entry) => entry.id === content.type);
  const built = resolved.map((language) =>
    buildVersion(content, catalogue, typeEntry, options.labels.get(language) as DocumentLabels, options),
  );
  const isIncomplete =
    options.isDraft ??
    (built[0]?.sections ?? []).some((section) => section.requirement === 'required' && !section.isPresent);
  // A complete request that has not left says so, not that it is incomplete.
  const versions = isIncomplete
    ? built
    : built.map((version) => ({
        ...version,
        draftNotice: (options.labels.get(version.language) as DocumentLabels).fields.notSentNotice,
      }));
  return {
    languages: resolved,
    requestType: content.type,
    versions,
    isDraft: isIncomplete || options.isNotSent === true,
    contentLanguage: trimmed(content.language),
    contentDigest: digestCanonicalJson(content),
    catalogueVersion: catalogue.version,
  };
}

function buildVersion(
  content: RequestContent,
  catalogue: Catalogue,
  typeEntry: RequestTypeEntry | undefined,
  labels: DocumentLabels,
  options: DocumentOptions,
): DocumentVersion {
  const helpers = createHelpers(catalogue, typeEntry, labels);
  const { fields } = labels;
  const issuedOn = day(helpers, trimmed(content.requestDate) ?? options.issuedOn?.toISOString().slice(0, 10));
  return {
    language: labels.language,
    direction: labels.direction,
    versionName: fields.languageVersion,
    heading: fields.heading,
    title: typeEntry ? helpers.requestTypeTitle(typeEntry.id) : content.type,
    citation: typeEntry ? helpers.cite(typeEntry) : undefined,
    caseReference: { label: fields.caseReference, value: textOrAbsent(content.caseReference) },
    labelSeparator: labels.labelSeparator,
    sections: sectionsOf(content, typeEntry, helpers, labels.labelSeparator),
    closing: {
      place: { label: fields.place, value: '' },
      date: fieldOf(fields.issuedOn, issuedOn ?? { text: '', times: [] }),
      issuingAuthority: {
        label: fields.issuingAuthority,
        value: [
          trimmed(content.requestingAuthority?.name),
          stateName(helpers, content.requestingAuthority?.state),
        ]
          .filter(Boolean)
          .join(', '),
      },
      signatureLines: [fields.signature, fields.signatoryName, fields.seal],
    },
    draftMark: fields.draftMark,
    draftNotice: fields.draftNotice,
  };
}

function sectionsOf(
  content: RequestContent,
  typeEntry: RequestTypeEntry | undefined,
  helpers: ValueHelpers,
  labelSeparator: string,
): DocumentSection[] {
  const listed = typeEntry?.elements ?? [];
  const listedIds = new Set(listed.map((entry) => entry.element));
  const extra = ELEMENT_IDS.filter((id) => !listedIds.has(id) && isElementPresent(content, id));
  const section = (
    element: ElementId,
    citation: string | undefined,
    requirement: ElementRequirement | undefined,
  ): DocumentSection => {
    const items = ELEMENT_VALUES[element](content, helpers).filter((item) => item.length > 0);
    return {
      element,
      label: helpers.elementLabel(element),
      citation,
      requirement,
      isPresent: isElementPresent(content, element),
      items,
      text: sectionText(items, labelSeparator),
    };
  };
  return [
    ...listed.map((entry) => section(entry.element, helpers.cite(entry), entry.requirement)),
    ...extra.map((id) => section(id, undefined, undefined)),
  ];
}

type ValueHelpers = Readonly<{
  labels: DocumentLabels;
  label: (id: FieldLabelId) => string;
  /** The name of a value chosen from a closed list. */
  named: (list: ValueListId, value: string) => string;
  cite: (citation: Citation) => string;
  elementLabel: (element: ElementId) => string;
  requestTypeTitle: (type: string) => string;
  offenceTitle: (id: string) => string | undefined;
}>;

/**
 * The words of one version. Element labels, type and offence titles come from the catalogue for
 * its six languages, else from the language's file, else (a gap the labels test catches) English.
 * In the six languages, an element the request's type names its own way (`elementLabels`: the
 * receiving State of spontaneous information) takes that name.
 */
function createHelpers(
  catalogue: Catalogue,
  typeEntry: RequestTypeEntry | undefined,
  labels: DocumentLabels,
): ValueHelpers {
  const fromCatalogue = (
    entries: ReadonlyArray<{
      id: string;
      label?: Readonly<Record<string, string>>;
      title?: Readonly<Record<string, string>>;
    }>,
    own: Readonly<Record<string, string>> | undefined,
    id: string,
  ): string | undefined => {
    const entry = entries.find((candidate) => candidate.id === id);
    const text = entry?.label ?? entry?.title;
    if (!entry || !text) return undefined;
    if (isLocale(labels.language)) return text[labels.language];
    return own?.[id] ?? text.en;
  };
  return {
    labels,
    label: (id) => labels.fields[id],
    named: (list, value) => (labels.values[list] as Readonly<Record<string, string>>)[value] ?? value,
    cite: (citation) => formatCitationWith(citation, labels.citation, labels.direction),
    elementLabel: (element) => {
      const ofType = typeEntry?.elementLabels?.[element];
      if (ofType && isLocale(labels.language)) return ofType[labels.language];
      return fromCatalogue(catalogue.elements, labels.catalogue?.elements, element) ?? element;
    },
    requestTypeTitle: (type) =>
      fromCatalogue(catalogue.requestTypes, labels.catalogue?.requestTypes, type) ?? type,
    offenceTitle: (id) => fromCatalogue(catalogue.offences, labels.catalogue?.offences, id),
  };
}

type FieldValue = string | number | Written | undefined | null;

/** A value as written, or undefined when it is empty. */
function writtenOf(value: FieldValue): Written | undefined {
  if (typeof value === 'number') return { text: String(value), times: [] };
  if (typeof value === 'object' && value !== null) return value;
  const text = trimmed(value ?? undefined);
  return text === undefined ? undefined : { text, times: [] };
}

/** Builds an item from [label, value] pairs, leaving out empty values. */
function itemOf(
  helpers: ValueHelpers,
  pairs: ReadonlyArray<readonly [FieldLabelId | null, FieldValue]>,
): DocumentItem {
  const fields: DocumentField[] = [];
  for (const [labelId, value] of pairs) {
    const written = writtenOf(value);
    if (written === undefined) continue;
    fields.push(fieldOf(labelId ? helpers.label(labelId) : undefined, written));
  }
  return fields;
}

function textItem(helpers: ValueHelpers, value: FieldValue): DocumentItem[] {
  return [itemOf(helpers, [[null, value]])];
}

function yesNo(helpers: ValueHelpers, value: boolean | undefined): string | undefined {
  if (value === undefined) return undefined;
  return helpers.label(value ? 'yes' : 'no');
}

function quantity(helpers: ValueHelpers, amount: number | undefined, unit: QuantityUnit): string | undefined {
  if (amount === undefined) return undefined;
  return formatQuantity(amount, unit, helpers.labels);
}

/** A calendar date in words in the version's language ("4 November 2026"); text that is no date as it is. */
function day(helpers: ValueHelpers, value: string | undefined): Written | undefined {
  const cleaned = trimmed(value);
  if (cleaned === undefined) return undefined;
  return writtenFrom(formatDate(cleaned, helpers.labels.language), dateDatetime(cleaned));
}

function period(
  helpers: ValueHelpers,
  value: { from?: string; to?: string } | undefined,
): Written | undefined {
  const from = day(helpers, value?.from);
  const to = day(helpers, value?.to);
  if (!from && !to) return undefined;
  return {
    text: `${from?.text ?? '…'} – ${to?.text ?? '…'}`,
    times: [...(from?.times ?? []), ...(to?.times ?? [])],
  };
}

/** "Frankreich (FR)": the State's name in the version's language, from the engine's locale data. */
function stateName(helpers: ValueHelpers, code: string | undefined): string | undefined {
  const cleaned = trimmed(code)?.toUpperCase();
  if (!cleaned) return undefined;
  const name = displayName(helpers.labels.language, 'region', cleaned);
  return name !== cleaned ? `${name} (${cleaned})` : cleaned;
}

function languageName(helpers: ValueHelpers, tag: string | undefined): string | undefined {
  const cleaned = trimmed(tag);
  if (!cleaned) return undefined;
  const name = displayName(helpers.labels.language, 'language', cleaned);
  return name !== cleaned ? `${name} (${cleaned})` : cleaned;
}

function displayName(language: string, type: 'region' | 'language', code: string): string {
  try {
    return new Intl.DisplayNames([language], { type, fallback: 'code' }).of(code) ?? code;
  } catch {
    return code;
  }
}

function offenceArticle(helpers: ValueHelpers, article: number | undefined): string | undefined {
  if (article === undefined) return undefined;
  const citation = helpers.cite({ article });
  const title = helpers.offenceTitle(`art-${article}`);
  return title ? `${citation} — ${title}` : citation;
}

function requestTypeTitle(helpers: ValueHelpers, type: RequestTypeId | undefined): string | undefined {
  return type ? helpers.requestTypeTitle(type) : undefined;
}

/**
 * When an identifier was seen in use, in the version's language, with its time zone and the
 * same moment in UTC (src/document/written-time.ts): an IP address is attributed to a subscriber
 * only with an exact time whose zone is beyond doubt.
 */
export function describeObservedAt(
  observedAt: string | undefined,
  timeZone: string | undefined,
  writing: MomentWriting,
): string | undefined {
  const moment = trimmed(observedAt);
  return moment === undefined ? undefined : writtenMoment(moment, trimmed(timeZone), writing);
}

/** When an identifier was seen in use, with the instant in UTC the words stand for. */
function observedAt(helpers: ValueHelpers, identifier: Identifier): Written | undefined {
  const { language, direction } = helpers.labels;
  const writing = { language, direction, zoneNotStated: helpers.label('timeZoneNotStated') };
  const text = describeObservedAt(identifier.observedAt, identifier.timeZone, writing);
  if (text === undefined) return undefined;
  const moment = trimmed(identifier.observedAt) ?? '';
  return writtenFrom(text, momentDatetime(moment, trimmed(identifier.timeZone)));
}

function identifierItem(helpers: ValueHelpers, identifier: Identifier): DocumentItem {
  return itemOf(helpers, [
    ['kind', helpers.named('identifierKinds', identifier.kind)],
    ['value', identifier.value],
    ['service', identifier.service],
    ['port', identifier.port],
    ['observedAt', observedAt(helpers, identifier)],
    ['note', identifier.note],
  ]);
}

type Person = NonNullable<RequestContent['persons']>[number];

function personItem(helpers: ValueHelpers, person: Person): DocumentItem {
  return itemOf(helpers, [
    ['role', person.role ? helpers.named('personRoles', person.role) : undefined],
    ['personName', person.name],
    ['dateOfBirth', day(helpers, person.dateOfBirth)],
    ['nationality', stateName(helpers, person.nationality)],
    ['location', person.location],
    ['identityDocument', person.identityDocument],
    ['description', person.description],
  ]);
}

type Authority = RequestContent['requestingAuthority'];

type ContactDetails = NonNullable<NonNullable<Authority>['contactDetails']>;

/** A contact's structured fields, one heading each. */
function contactEntries(
  helpers: ValueHelpers,
  contact: ContactDetails | undefined,
): ReadonlyArray<readonly [FieldLabelId, FieldValue]> {
  return [
    ['phone', contact?.phone],
    ['email', contact?.email],
    ['officeHours', contact?.officeHours],
    ['timeZone', contact?.timeZone],
    [
      'preferredReply',
      contact?.preferredReply ? helpers.named('replyMeans', contact.preferredReply) : undefined,
    ],
  ];
}

function authorityItems(helpers: ValueHelpers, authority: Authority): DocumentItem[] {
  const details = authority?.contactDetails;
  return [
    itemOf(helpers, [
      ['state', stateName(helpers, authority?.state)],
      ['authorityName', authority?.name],
      // The free-text line of nodes before the structured fields, still read and shown.
      ['contact', authority?.contact],
      ['contactPerson', details?.name],
      ...contactEntries(helpers, details),
    ]),
  ];
}

/**
 * How each element of a draft reads in the document. Keyed by every element id, so adding an
 * element to src/core/request/elements.ts without saying how it prints does not compile.
 */
const ELEMENT_VALUES: Readonly<
  Record<ElementId, (content: RequestContent, helpers: ValueHelpers) => DocumentItem[]>
> = {
  'requesting-authority': (c, h) => authorityItems(h, c.requestingAuthority),
  'requested-authority': (c, h) => authorityItems(h, c.requestedAuthority),
  'case-reference': (c, h) => textItem(h, c.caseReference),
  'subject-matter': (c, h) => textItem(h, c.subjectMatter),
  'conducting-authority': (c, h) => [
    itemOf(h, [
      ['authorityName', c.conductingAuthority?.name],
      ['functions', c.conductingAuthority?.functions],
    ]),
  ],
  offences: (c, h) =>
    (c.offences ?? []).map((offence) =>
      itemOf(h, [
        ['conventionArticle', offenceArticle(h, offence.conventionArticle)],
        ['domesticProvision', offence.domesticProvision],
        [
          'maximumPenalty',
          offence.isLifeImprisonment
            ? h.label('lifeImprisonment')
            : quantity(h, offence.maximumPenaltyYears, 'years'),
        ],
        ['description', offence.description],
      ]),
    ),
  'summary-of-facts': (c, h) => textItem(h, c.summaryOfFacts),
  'persons-concerned': (c, h) =>
    (c.persons ?? [])
      .filter((person) => person.role !== 'person-sought')
      .map((person) => personItem(h, person)),
  identifiers: (c, h) => (c.identifiers ?? []).map((identifier) => identifierItem(h, identifier)),
  'data-sought': (c, h) => [
    itemOf(h, [
      [
        'categories',
        (c.dataSought?.categories ?? [])
          .map((category) => h.named('dataCategories', category))
          .join(h.labels.listSeparator) || undefined,
      ],
      ['description', c.dataSought?.description],
    ]),
  ],
  'data-relation-to-offence': (c, h) => textItem(h, c.dataSought?.relationToOffence),
  'data-period': (c, h) => [
    itemOf(h, [
      ['period', period(h, c.dataSought?.period)],
      ['justification', c.dataSought?.period?.justification],
    ]),
  ],
  custodian: (c, h) => [
    itemOf(h, [
      ['authorityName', c.custodian?.isUnknown ? h.label('custodianUnknown') : c.custodian?.name],
      ['kind', c.custodian?.kind ? h.named('custodianKinds', c.custodian.kind) : undefined],
      ['state', stateName(h, c.custodian?.state)],
      ['location', c.custodian?.location],
    ]),
  ],
  'assistance-sought': (c, h) => textItem(h, c.assistanceSought),
  'procedure-wished': (c, h) => textItem(h, c.procedureWished),
  purpose: (c, h) => textItem(h, c.purpose),
  necessity: (c, h) => textItem(h, c.necessity),
  'intent-to-request-assistance': (c, h) => textItem(h, yesNo(h, c.intendsFollowUpRequest)),
  'preservation-period': (c, h) => textItem(h, quantity(h, c.preservationDays, 'days')),
  'collection-period': (c, h) => [
    itemOf(h, [
      ['period', period(h, c.collectionPeriod)],
      ['justification', c.collectionPeriod?.justification],
    ]),
  ],
  'related-request': (c, h) => [
    itemOf(h, [
      ['reference', c.relatedRequest?.reference],
      ['requestType', requestTypeTitle(h, c.relatedRequest?.type)],
    ]),
  ],
  'request-date': (c, h) => textItem(h, day(h, c.requestDate)),
  extension: (c, h) => [
    itemOf(h, [
      [
        'kind',
        c.extension?.isExtension === undefined
          ? undefined
          : h.label(c.extension.isExtension ? 'extensionOf' : 'newRequest'),
      ],
      ['reference', c.extension?.earlierReference],
    ]),
  ],
  'verification-contact': (c, h) => [
    itemOf(h, [['personName', c.verificationContact?.name], ...contactEntries(h, c.verificationContact)]),
  ],
  'validating-authority': (c, h) => [
    itemOf(h, [
      ['authorityName', c.validatingAuthority?.name],
      ['decisionReference', c.validatingAuthority?.decisionReference],
      ['date', day(h, c.validatingAuthority?.decisionDate)],
    ]),
  ],
  'assistance-kinds': (c, h) =>
    textItem(
      h,
      (c.assistanceKinds ?? [])
        .map((kind) => h.named('assistanceKinds', kind))
        .join(h.labels.listSeparator) || undefined,
    ),
  urgency: (c, h) => [
    itemOf(h, [
      ['level', c.urgency?.level ? h.named('urgencyLevels', c.urgency.level) : undefined],
      ['justification', c.urgency?.justification],
    ]),
  ],
  confidentiality: (c, h) => [
    itemOf(h, [
      ['confidentialityRequired', yesNo(h, c.confidentiality?.isRequired)],
      ['until', day(h, c.confidentiality?.until)],
      ['userNotificationBarred', yesNo(h, c.confidentiality?.isUserNotificationBarred)],
      ['reasons', c.confidentiality?.reasons],
    ]),
  ],
  'suggested-deadline': (c, h) => [
    itemOf(h, [
      ['date', day(h, c.suggestedDeadline?.date)],
      ['reasons', c.suggestedDeadline?.reasons],
    ]),
  ],
  language: (c, h) => textItem(h, languageName(h, c.language)),
  'person-sought': (c, h) =>
    (c.persons ?? [])
      .filter((person) => person.role === 'person-sought')
      .map((person) => personItem(h, person)),
  warrant: (c, h) => {
    const extradition = c.extradition;
    const warrant = extradition?.warrant;
    return [
      itemOf(h, [
        ['kind', warrant?.kind ? h.named('warrantKinds', warrant.kind) : undefined],
        ['reference', warrant?.reference],
        ['issuedBy', warrant?.issuedBy],
        ['date', day(h, warrant?.date)],
        ['provisionalArrest', yesNo(h, extradition?.isProvisionalArrestSought)],
        ['sentenceImposed', quantity(h, extradition?.sentence?.imposedMonths, 'months')],
        ['sentenceRemaining', quantity(h, extradition?.sentence?.remainingMonths, 'months')],
      ]),
    ];
  },
  property: (c, h) =>
    (c.confiscation?.property ?? []).map((property) =>
      itemOf(h, [
        ['description', property.description],
        ['location', property.location],
        [
          'estimatedValue',
          property.estimatedValue === undefined
            ? undefined
            : [property.estimatedValue, trimmed(property.currency)?.toUpperCase()].filter(Boolean).join(' '),
        ],
      ]),
    ),
  'confiscation-measure': (c, h) => [
    itemOf(h, [
      [
        'measure',
        c.confiscation?.measure ? h.named('confiscationMeasures', c.confiscation.measure) : undefined,
      ],
    ]),
  ],
  'confiscation-order': (c, h) => {
    const order = c.confiscation?.order;
    return [
      itemOf(h, [
        ['reference', order?.reference],
        ['issuedBy', order?.issuedBy],
        ['date', day(h, order?.date)],
        ['isFinal', yesNo(h, order?.isFinal)],
        ['thirdPartiesNotice', c.confiscation?.thirdPartiesNotice],
      ]),
    ];
  },
  'participating-states': (c, h) => [
    itemOf(h, [
      [
        'state',
        (c.jointInvestigation?.participatingStates ?? [])
          .map((code) => stateName(h, code))
          .filter(Boolean)
          .join(h.labels.listSeparator) || undefined,
      ],
      ['legalBasis', c.jointInvestigation?.legalBasis],
    ]),
  ],
  'joint-investigation-period': (c, h) => [
    itemOf(h, [
      ['period', period(h, c.jointInvestigation?.period)],
      ['justification', c.jointInvestigation?.period?.justification],
    ]),
  ],
  information: (c, h) => textItem(h, c.information?.description),
  'conditions-of-use': (c, h) => textItem(h, c.information?.conditionsOfUse),
};

function sectionText(items: readonly DocumentItem[], labelSeparator: string): string {
  if (items.length === 0) return ABSENT;
  return items
    .map((item) =>
      item
        .map((field) => (field.label ? `${field.label}${labelSeparator}${field.value}` : field.value))
        .join('\n'),
    )
    .join('\n\n');
}

function trimmed(value: string | undefined): string | undefined {
  const result = value?.trim();
  return result ? result : undefined;
}

function textOrAbsent(value: string | undefined): string {
  return trimmed(value) ?? ABSENT;
}
