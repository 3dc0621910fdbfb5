/**
 * The formal document of a request, as data: what the HTML print view and the PDF show, decided
 * once so both say exactly the same. Pure: no I/O (only the content digest uses node:crypto).
 *
 * The document is bilingual: every heading is given in the drafter's language and in a language
 * the requested State accepts (Art. 40(14)), each element carries the article that requires it,
 * and the footer carries the SHA-256 of the content so the paper can be matched to the data.
 */
import { hasUtcOffset, localTimeToInstant, toUtcText } from '../core/time/zoned-time.ts';
import { type Catalogue, formatCitation, type RequestTypeEntry } from '../core/catalogue/catalogue.ts';
import { AppError } from '../core/errors.ts';
import { isLocale, type Locale, type LocalizedText } from '../core/i18n.ts';
import type { Identifier, RequestContent, RequestTypeId } from '../core/request/draft.ts';
import { ELEMENT_IDS, type ElementId, isElementPresent } from '../core/request/elements.ts';
import { digestCanonicalJson } from './canonical-json.ts';
import {
  CONFISCATION_MEASURE_NAMES,
  ASSISTANCE_KIND_NAMES,
  CUSTODIAN_KIND_NAMES,
  DATA_CATEGORY_NAMES,
  FIELD_LABELS,
  type FieldLabelId,
  formatQuantity,
  IDENTIFIER_KIND_NAMES,
  PERSON_ROLE_NAMES,
  REPLY_MEANS_NAMES,
  URGENCY_LEVEL_NAMES,
  WARRANT_KIND_NAMES,
} from './document-vocabulary.ts';

/** What the document prints where the draft gives nothing. */
export const ABSENT = '—';

/** A text in one of the document's languages. */
export type LocalizedString = Readonly<{ locale: Locale; text: string }>;

/**
 * One line of an element: an optional bilingual heading and the value as text. A value that
 * joins languages ("Yes / Oui") wraps each part in Unicode bidi isolates (U+2068 … U+2069).
 */
export type DocumentField = Readonly<{ label: readonly LocalizedString[]; value: string }>;

/** One thing inside an element (an offence, a person, an identifier...), as its fields. */
export type DocumentItem = readonly DocumentField[];

export type ElementRequirement = 'required' | 'where-possible' | 'optional';

export type DocumentSection = Readonly<{
  element: ElementId;
  /** The catalogue's label of the element in each document language. */
  label: readonly LocalizedString[];
  /** "Art. 42(3)(c)" for elements the request type lists; undefined for extra ones. */
  citation: string | undefined;
  requirement: ElementRequirement | undefined;
  /** Whether the draft provides the element, as validation sees it. */
  isPresent: boolean;
  /** Empty when the draft gives nothing for the element. */
  items: readonly DocumentItem[];
  /** The section as plain text, without bidi isolates ("—" when absent). */
  text: string;
}>;

export type DocumentModel = Readonly<{
  /** The languages of the headings: one, or two different ones. */
  languages: readonly Locale[];
  requestType: RequestTypeId;
  /** "Request under the United Nations Convention against Cybercrime", per language. */
  heading: readonly LocalizedString[];
  /** The request type's title, per language. */
  title: readonly LocalizedString[];
  /** The article the request type rests on, e.g. "Art. 42". */
  citation: string | undefined;
  caseReference: DocumentField;
  /** BCP 47 tag of the language the request's free text is written in, when stated. */
  contentLanguage: string | undefined;
  /** The request type's elements in catalogue order, then any other element the draft provides. */
  sections: readonly DocumentSection[];
  /** SHA-256 (hex) of the canonical JSON of the content (src/document/canonical-json.ts). */
  contentDigest: string;
  catalogueVersion: string;
}>;

/**
 * Our locale for a BCP 47 tag ("fr-CA" → fr, "zh-Hans-CN" → zh), or undefined when the tag's
 * language is not one of the six.
 */
export function toDocumentLocale(tag: string): Locale | undefined {
  const base = tag.trim().toLowerCase().split(/[-_]/)[0];
  return isLocale(base) ? base : undefined;
}

/**
 * The document languages from BCP 47 tags: one or two of the six, duplicates removed. Refuses
 * (invalid-input) an empty list, more than two, or a language Comity cannot print.
 */
export function resolveDocumentLanguages(tags: readonly string[]): Locale[] {
  const cleaned = tags.map((tag) => tag.trim()).filter((tag) => tag.length > 0);
  if (cleaned.length === 0) {
    throw new AppError('invalid-input', 'name one or two document languages', [
      { path: 'languages', message: 'at least one language is required' },
    ]);
  }
  const unknown = cleaned.filter((tag) => toDocumentLocale(tag) === undefined);
  if (unknown.length > 0) {
    throw new AppError(
      'invalid-input',
      `unsupported document language: ${unknown.join(', ')} (use ar, zh, en, fr, ru or es)`,
      [{ path: 'languages', message: `unsupported: ${unknown.join(', ')}` }],
    );
  }
  const locales = [...new Set(cleaned.map((tag) => toDocumentLocale(tag) as Locale))];
  if (locales.length > 2) {
    throw new AppError('invalid-input', 'a document has at most two languages', [
      { path: 'languages', message: 'at most two languages' },
    ]);
  }
  return locales;
}

/** Builds the document of a request in one or two languages (locales or BCP 47 tags). */
export function buildDocumentModel(
  content: RequestContent,
  catalogue: Catalogue,
  languages: readonly string[],
): DocumentModel {
  const locales = resolveDocumentLanguages(languages);
  const describe = createDescriber(content, catalogue, locales);
  const typeEntry = catalogue.requestTypes.find((entry) => entry.id === content.type);
  return {
    languages: locales,
    requestType: content.type,
    heading: describe.localized(FIELD_LABELS.heading),
    title: typeEntry
      ? describe.localized(typeEntry.title)
      : locales.map((locale) => ({ locale, text: content.type })),
    citation: typeEntry ? formatCitation(typeEntry) : undefined,
    caseReference: { label: describe.label('caseReference'), value: textOrAbsent(content.caseReference) },
    contentLanguage: trimmed(content.language),
    sections: sectionsOf(content, typeEntry, describe),
    contentDigest: digestCanonicalJson(content),
    catalogueVersion: catalogue.version,
  };
}

function sectionsOf(
  content: RequestContent,
  typeEntry: RequestTypeEntry | undefined,
  describe: Describer,
): DocumentSection[] {
  const listed = typeEntry?.elements ?? [];
  const listedIds = new Set(listed.map((entry) => entry.element));
  const extra = ELEMENT_IDS.filter((id) => !listedIds.has(id) && isElementPresent(content, id));
  return [
    ...listed.map((entry) => describe.section(entry.element, formatCitation(entry), entry.requirement)),
    ...extra.map((id) => describe.section(id, undefined, undefined)),
  ];
}

type Describer = Readonly<{
  localized: (text: LocalizedText) => LocalizedString[];
  label: (id: FieldLabelId) => LocalizedString[];
  section: (
    element: ElementId,
    citation: string | undefined,
    requirement: ElementRequirement | undefined,
  ) => DocumentSection;
}>;

function createDescriber(
  content: RequestContent,
  catalogue: Catalogue,
  locales: readonly Locale[],
): Describer {
  const localized = (text: LocalizedText): LocalizedString[] =>
    locales.map((locale) => ({ locale, text: text[locale] }));
  const label = (id: FieldLabelId): LocalizedString[] => localized(FIELD_LABELS[id]);
  /** A value from a closed list, in the document languages: "Suspect / Подозреваемый". */
  const named = (text: LocalizedText): string => joinDistinct(locales.map((locale) => text[locale]));
  const helpers: ValueHelpers = { locales, catalogue, named, label };

  const elementLabel = (element: ElementId): LocalizedString[] => {
    const entry = catalogue.elements.find((candidate) => candidate.id === element);
    return entry ? localized(entry.label) : locales.map((locale) => ({ locale, text: element }));
  };

  return {
    localized,
    label,
    section: (element, citation, requirement) => {
      const items = ELEMENT_VALUES[element](content, helpers).filter((item) => item.length > 0);
      return {
        element,
        label: elementLabel(element),
        citation,
        requirement,
        isPresent: isElementPresent(content, element),
        items,
        text: sectionText(items),
      };
    },
  };
}

type ValueHelpers = Readonly<{
  locales: readonly Locale[];
  catalogue: Catalogue;
  named: (text: LocalizedText) => string;
  label: (id: FieldLabelId) => LocalizedString[];
}>;

type FieldValue = string | number | undefined | null;

/** Builds an item from [label, value] pairs, leaving out empty values. */
function itemOf(
  helpers: ValueHelpers,
  pairs: ReadonlyArray<readonly [FieldLabelId | null, FieldValue]>,
): DocumentItem {
  const fields: DocumentField[] = [];
  for (const [labelId, value] of pairs) {
    const text = typeof value === 'number' ? String(value) : trimmed(value ?? undefined);
    if (text === undefined) continue;
    fields.push({ label: labelId ? helpers.label(labelId) : [], value: text });
  }
  return fields;
}

function textItem(helpers: ValueHelpers, value: string | undefined): DocumentItem[] {
  return [itemOf(helpers, [[null, value]])];
}

function yesNo(helpers: ValueHelpers, value: boolean | undefined): string | undefined {
  if (value === undefined) return undefined;
  return helpers.named(value ? FIELD_LABELS.yes : FIELD_LABELS.no);
}

function quantity(
  helpers: ValueHelpers,
  amount: number | undefined,
  unit: 'days' | 'months' | 'years',
): string | undefined {
  if (amount === undefined) return undefined;
  return joinDistinct(helpers.locales.map((locale) => formatQuantity(amount, unit, locale)));
}

function period(value: { from?: string; to?: string } | undefined): string | undefined {
  const from = trimmed(value?.from);
  const to = trimmed(value?.to);
  if (!from && !to) return undefined;
  return `${from ?? '…'} – ${to ?? '…'}`;
}

/** "France / Франция (FR)": the State's name in each language, from the engine's locale data. */
function stateName(helpers: ValueHelpers, code: string | undefined): string | undefined {
  const cleaned = trimmed(code)?.toUpperCase();
  if (!cleaned) return undefined;
  const names = helpers.locales
    .map((locale) => displayName(locale, 'region', cleaned))
    .filter((name) => name !== cleaned);
  return names.length > 0 ? `${joinDistinct(names)} (${cleaned})` : cleaned;
}

function languageName(helpers: ValueHelpers, tag: string | undefined): string | undefined {
  const cleaned = trimmed(tag);
  if (!cleaned) return undefined;
  const names = helpers.locales
    .map((locale) => displayName(locale, 'language', cleaned))
    .filter((name) => name !== cleaned);
  return names.length > 0 ? `${cleaned} (${joinDistinct(names)})` : cleaned;
}

function displayName(locale: Locale, type: 'region' | 'language', code: string): string {
  try {
    return new Intl.DisplayNames([locale], { type, fallback: 'code' }).of(code) ?? code;
  } catch {
    return code;
  }
}

function offenceArticle(helpers: ValueHelpers, article: number | undefined): string | undefined {
  if (article === undefined) return undefined;
  const citation = formatCitation({ article });
  const entry = helpers.catalogue.offences.find((offence) => offence.id === `art-${article}`);
  return entry ? `${citation} — ${helpers.named(entry.title)}` : citation;
}

function requestTypeTitle(helpers: ValueHelpers, type: RequestTypeId | undefined): string | undefined {
  if (!type) return undefined;
  const entry = helpers.catalogue.requestTypes.find((candidate) => candidate.id === type);
  return entry ? helpers.named(entry.title) : type;
}

/**
 * When an identifier was seen in use, with its time zone and the same moment in UTC: an IP
 * address is attributed to a subscriber only with an exact time whose zone is beyond doubt.
 */
export function describeObservedAt(
  observedAt: string | undefined,
  timeZone: string | undefined,
  zoneNotStated: string,
): string | undefined {
  const moment = trimmed(observedAt);
  if (!moment) return undefined;
  const zone = trimmed(timeZone);
  if (hasUtcOffset(moment)) {
    const instant = new Date(moment);
    const utc = Number.isNaN(instant.getTime()) ? undefined : toUtcText(instant);
    return [moment, zone ? `(${zone})` : undefined, utc && `= ${utc}`].filter(Boolean).join(' ');
  }
  if (!zone) return `${moment} (${zoneNotStated})`;
  const instant = localTimeToInstant(moment, zone);
  return instant ? `${moment} ${zone} = ${toUtcText(instant)}` : `${moment} ${zone}`;
}

function identifierItem(helpers: ValueHelpers, identifier: Identifier): DocumentItem {
  const zoneNotStated = joinDistinct(helpers.locales.map((locale) => FIELD_LABELS.timeZoneNotStated[locale]));
  return itemOf(helpers, [
    ['kind', helpers.named(IDENTIFIER_KIND_NAMES[identifier.kind])],
    ['value', identifier.value],
    ['service', identifier.service],
    ['port', identifier.port],
    ['observedAt', describeObservedAt(identifier.observedAt, identifier.timeZone, zoneNotStated)],
    ['note', identifier.note],
  ]);
}

type Person = NonNullable<RequestContent['persons']>[number];

function personItem(helpers: ValueHelpers, person: Person): DocumentItem {
  return itemOf(helpers, [
    ['role', person.role ? helpers.named(PERSON_ROLE_NAMES[person.role]) : undefined],
    ['personName', person.name],
    ['dateOfBirth', person.dateOfBirth],
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
      contact?.preferredReply ? helpers.named(REPLY_MEANS_NAMES[contact.preferredReply]) : undefined,
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
            ? h.named(FIELD_LABELS.lifeImprisonment)
            : quantity(h, offence.maximumPenaltyYears, 'years'),
        ],
        ['description', offence.description],
      ]),
    ),
  'summary-of-facts': (c, h) => textItem(h, c.summaryOfFacts),
  'persons-concerned': (c, h) => (c.persons ?? []).map((person) => personItem(h, person)),
  identifiers: (c, h) => (c.identifiers ?? []).map((identifier) => identifierItem(h, identifier)),
  'data-sought': (c, h) => [
    itemOf(h, [
      [
        'categories',
        (c.dataSought?.categories ?? [])
          .map((category) => h.named(DATA_CATEGORY_NAMES[category]))
          .join('; ') || undefined,
      ],
      ['description', c.dataSought?.description],
    ]),
  ],
  'data-relation-to-offence': (c, h) => textItem(h, c.dataSought?.relationToOffence),
  'data-period': (c, h) => [
    itemOf(h, [
      ['period', period(c.dataSought?.period)],
      ['justification', c.dataSought?.period?.justification],
    ]),
  ],
  custodian: (c, h) => [
    itemOf(h, [
      ['authorityName', c.custodian?.isUnknown ? h.named(FIELD_LABELS.custodianUnknown) : c.custodian?.name],
      ['kind', c.custodian?.kind ? h.named(CUSTODIAN_KIND_NAMES[c.custodian.kind]) : undefined],
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
      ['period', period(c.collectionPeriod)],
      ['justification', c.collectionPeriod?.justification],
    ]),
  ],
  'related-request': (c, h) => [
    itemOf(h, [
      ['reference', c.relatedRequest?.reference],
      ['requestType', requestTypeTitle(h, c.relatedRequest?.type)],
    ]),
  ],
  'request-date': (c, h) => textItem(h, c.requestDate),
  extension: (c, h) => [
    itemOf(h, [
      [
        'kind',
        c.extension?.isExtension === undefined
          ? undefined
          : h.named(c.extension.isExtension ? FIELD_LABELS.extensionOf : FIELD_LABELS.newRequest),
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
      ['date', c.validatingAuthority?.decisionDate],
    ]),
  ],
  'assistance-kinds': (c, h) =>
    textItem(
      h,
      (c.assistanceKinds ?? []).map((kind) => h.named(ASSISTANCE_KIND_NAMES[kind])).join('; ') || undefined,
    ),
  urgency: (c, h) => [
    itemOf(h, [
      ['level', c.urgency?.level ? h.named(URGENCY_LEVEL_NAMES[c.urgency.level]) : undefined],
      ['justification', c.urgency?.justification],
    ]),
  ],
  confidentiality: (c, h) => [
    itemOf(h, [
      ['confidentialityRequired', yesNo(h, c.confidentiality?.isRequired)],
      ['until', c.confidentiality?.until],
      ['userNotificationBarred', yesNo(h, c.confidentiality?.isUserNotificationBarred)],
      ['reasons', c.confidentiality?.reasons],
    ]),
  ],
  'suggested-deadline': (c, h) => [
    itemOf(h, [
      ['date', c.suggestedDeadline?.date],
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
        ['kind', warrant?.kind ? h.named(WARRANT_KIND_NAMES[warrant.kind]) : undefined],
        ['reference', warrant?.reference],
        ['issuedBy', warrant?.issuedBy],
        ['date', warrant?.date],
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
        c.confiscation?.measure ? h.named(CONFISCATION_MEASURE_NAMES[c.confiscation.measure]) : undefined,
      ],
    ]),
  ],
  'confiscation-order': (c, h) => {
    const order = c.confiscation?.order;
    return [
      itemOf(h, [
        ['reference', order?.reference],
        ['issuedBy', order?.issuedBy],
        ['date', order?.date],
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
          .join('; ') || undefined,
      ],
      ['legalBasis', c.jointInvestigation?.legalBasis],
    ]),
  ],
  'joint-investigation-period': (c, h) => [
    itemOf(h, [
      ['period', period(c.jointInvestigation?.period)],
      ['justification', c.jointInvestigation?.period?.justification],
    ]),
  ],
  information: (c, h) => textItem(h, c.information?.description),
  'conditions-of-use': (c, h) => textItem(h, c.information?.conditionsOfUse),
};

/** "Name / Nom": the label's texts, each once. */
export function joinLabel(label: readonly LocalizedString[]): string {
  return [...new Set(label.map((part) => part.text))].join(' / ');
}

function sectionText(items: readonly DocumentItem[]): string {
  if (items.length === 0) return ABSENT;
  const text = items
    .map((item) =>
      item
        .map((field) => (field.label.length > 0 ? `${joinLabel(field.label)}: ${field.value}` : field.value))
        .join('\n'),
    )
    .join('\n\n');
  return withoutIsolates(text);
}

/**
 * "Yes / نعم": the texts, each once, separated by a slash. With more than one, each is wrapped in
 * a Unicode bidi isolate (FSI … PDI, invisible) so an Arabic part and a Latin part keep their own
 * order instead of mixing ("3 years / 3 سنوات" must not print the Arabic number on the wrong side).
 */
function joinDistinct(texts: readonly string[]): string {
  const distinct = [...new Set(texts)];
  if (distinct.length === 1) return distinct[0] ?? '';
  return distinct.map((text) => `${FIRST_STRONG_ISOLATE}${text}${POP_DIRECTIONAL_ISOLATE}`).join(' / ');
}

const FIRST_STRONG_ISOLATE = '\u2068';
const POP_DIRECTIONAL_ISOLATE = '\u2069';

/** The text without bidi isolates, for comparisons and plain-text exports. */
export function withoutIsolates(text: string): string {
  return text.replace(/[\u2066-\u2069]/g, '');
}

function trimmed(value: string | undefined): string | undefined {
  const result = value?.trim();
  return result ? result : undefined;
}

function textOrAbsent(value: string | undefined): string {
  return trimmed(value) ?? ABSENT;
}
