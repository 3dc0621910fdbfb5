/**
 * The fixed words of the formal document, one set per document language, as data
 * (src/data/document-labels/<language>.json): the headings of the sub-fields inside an element
 * (a person's name, an identifier's kind...), the names of the values drafts choose from a list,
 * unit words, how the language cites an article, and the closing block (place, date, signature).
 *
 * The six UN languages take element labels, request type titles and offence titles from the
 * catalogue; any other language brings them in its file (`catalogue`), so adding a document
 * language is adding a file. Kept short and neutral: these are form headings, not legal text.
 */
import { z } from 'zod';
import {
  ASSISTANCE_KINDS,
  DATA_CATEGORIES,
  IDENTIFIER_KINDS,
  PERSON_ROLES,
  REPLY_MEANS,
  URGENCY_LEVELS,
} from '../request/draft.ts';

export const FIELD_LABEL_IDS = [
  'heading',
  'caseReference',
  'state',
  'authorityName',
  'personName',
  'contact',
  'functions',
  'conventionArticle',
  'domesticProvision',
  'maximumPenalty',
  'lifeImprisonment',
  'description',
  'role',
  'dateOfBirth',
  'nationality',
  'location',
  'identityDocument',
  'kind',
  'value',
  'service',
  'port',
  'observedAt',
  'timeZoneNotStated',
  'note',
  'categories',
  'relationToOffence',
  'period',
  'justification',
  'reasons',
  'level',
  'confidentialityRequired',
  'until',
  'userNotificationBarred',
  'date',
  'reference',
  'requestType',
  'issuedBy',
  'provisionalArrest',
  'sentenceImposed',
  'sentenceRemaining',
  'estimatedValue',
  'isFinal',
  'thirdPartiesNotice',
  'legalBasis',
  'measure',
  'contactPerson',
  'phone',
  'email',
  'officeHours',
  'timeZone',
  'preferredReply',
  'custodianUnknown',
  'newRequest',
  'extensionOf',
  'decisionReference',
  'yes',
  'no',
  'draftMark',
  'draftNotice',
  'notSentNotice',
  'place',
  'issuedOn',
  'issuingAuthority',
  'signature',
  'signatoryName',
  'seal',
  'languageVersion',
] as const;

export type FieldLabelId = (typeof FIELD_LABEL_IDS)[number];

const text = z.string().trim().min(1);

/** Every key of the list, each with a non-empty text: a missing one refuses the file. */
function namesOf<const T extends readonly [string, ...string[]]>(keys: T) {
  return z.strictObject(Object.fromEntries(keys.map((key) => [key, text])) as Record<T[number], typeof text>);
}

const VALUE_LISTS = {
  personRoles: PERSON_ROLES,
  identifierKinds: IDENTIFIER_KINDS,
  dataCategories: DATA_CATEGORIES,
  urgencyLevels: URGENCY_LEVELS,
  custodianKinds: ['service-provider', 'other'],
  replyMeans: REPLY_MEANS,
  assistanceKinds: ASSISTANCE_KINDS,
  warrantKinds: ['arrest-warrant', 'judgment'],
  confiscationMeasures: ['identify-trace', 'freeze-seize', 'confiscation-order', 'enforce-order'],
} as const;

export type ValueListId = keyof typeof VALUE_LISTS;

/** Unit words by CLDR plural category; `other` is the fallback. */
const PluralFormsSchema = z.strictObject({
  zero: text.optional(),
  one: text.optional(),
  two: text.optional(),
  few: text.optional(),
  many: text.optional(),
  other: text,
});

export const DocumentLabelsSchema = z.strictObject({
  /** BCP 47 primary language subtag, the file's name: "de" for de.json. */
  language: z.string().regex(/^[a-z]{2,3}$/),
  /** The language's name in itself, as the language picker shows it. */
  name: text,
  direction: z.enum(['ltr', 'rtl']),
  /** How the language cites an article: `{reference}` "42(3)(b)", or `{article}` and `{paragraph}`. */
  citation: text.refine((pattern) => pattern.includes('{reference}') || pattern.includes('{article}'), {
    message: 'the citation pattern needs {reference} or {article}',
  }),
  /**
   * What comes between a label and its value, in the language's typography: ": " in English,
   * a narrow no-break space before the colon in French ("Référence : …"), "：" in Chinese.
   */
  labelSeparator: z.string().min(1).max(4),
  /** What separates the items of a list of names ("Subscriber information; Traffic data"): French "\u202F; ", Chinese "；", Arabic "؛ ". */
  listSeparator: z.string().min(1).max(4),
  fields: namesOf(FIELD_LABEL_IDS),
  values: z.strictObject({
    personRoles: namesOf(VALUE_LISTS.personRoles),
    identifierKinds: namesOf(VALUE_LISTS.identifierKinds),
    dataCategories: namesOf(VALUE_LISTS.dataCategories),
    urgencyLevels: namesOf(VALUE_LISTS.urgencyLevels),
    custodianKinds: namesOf(VALUE_LISTS.custodianKinds),
    replyMeans: namesOf(VALUE_LISTS.replyMeans),
    assistanceKinds: namesOf(VALUE_LISTS.assistanceKinds),
    warrantKinds: namesOf(VALUE_LISTS.warrantKinds),
    confiscationMeasures: namesOf(VALUE_LISTS.confiscationMeasures),
  }),
  units: z.strictObject({ days: PluralFormsSchema, months: PluralFormsSchema, years: PluralFormsSchema }),
  /** For a language the catalogue does not carry: its element labels, type and offence titles by id. */
  catalogue: z
    .strictObject({
      elements: z.record(z.string(), text),
      requestTypes: z.record(z.string(), text),
      offences: z.record(z.string(), text),
    })
    .optional(),
});

export type DocumentLabels = z.infer<typeof DocumentLabelsSchema>;

/** The document languages a node can print, by language subtag. */
export type DocumentLabelSet = ReadonlyMap<string, DocumentLabels>;

export type QuantityUnit = keyof DocumentLabels['units'];

/**
 * "4 years", "4 года", "4 年": a quantity with its unit in one language. Digits stay Western in
 * every language so that numbers read the same in both versions of the document.
 */
export function formatQuantity(quantity: number, unit: QuantityUnit, labels: DocumentLabels): string {
  const forms = labels.units[unit];
  const category = new Intl.PluralRules(labels.language).select(quantity);
  const word = forms[category] ?? forms.other;
  return labels.language === 'zh' || labels.language === 'ja' ? `${quantity}${word}` : `${quantity} ${word}`;
}
