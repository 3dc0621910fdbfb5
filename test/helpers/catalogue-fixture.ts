/**
 * A small catalogue and directory for validation tests, independent of the real data in
 * src/data/catalogue/catalogue.json (which lawyers edit). Texts are English with a language
 * marker (e.g. "[fr] ...") so tests can see which language a finding was written in.
 */
import {
  type Catalogue,
  CatalogueSchema,
  type RequestTypeEntry,
  type RuleEntry,
} from '../../src/core/catalogue/catalogue.ts';
import {
  type DirectoryEntry,
  type DirectoryView,
  directoryViewOf,
} from '../../src/core/directory/directory-view.ts';
import { LOCALES, type Locale, type LocalizedText } from '../../src/core/i18n.ts';
import type { RequestContent } from '../../src/core/request/draft.ts';
import type { ElementId } from '../../src/core/request/elements.ts';
import type { Finding } from '../../src/core/validation/finding.ts';
import { validateDraft } from '../../src/core/validation/validate-draft.ts';

/** English text, marked with the language code in the five other languages. */
export function localized(english: string): LocalizedText {
  return Object.fromEntries(
    LOCALES.map((locale) => [locale, locale === 'en' ? english : `[${locale}] ${english}`]),
  ) as LocalizedText;
}

const provenance = {
  sources: ['TEST'],
  verified: false,
  confidence: 'low' as const,
  basis: 'practice' as const,
};

type RuleSpec = [
  id: string,
  severity: 'blocking' | 'warning',
  article: number,
  paragraph: string | undefined,
  message: string,
  parameters?: Record<string, number>,
];

const RULES: readonly RuleSpec[] = [
  ['required-element-missing', 'blocking', 40, '15', 'Missing: {element} ({article}).'],
  ['element-missing-where-possible', 'warning', 40, '15', 'Give where possible: {element} ({article}).'],
  ['element-not-given-where-possible', 'warning', 40, '15', 'Not given: {element} ({article}).'],
  [
    'offence-out-of-scope',
    'blocking',
    35,
    '1',
    'Offence {offence} is outside the Convention.',
    { firstArticle: 7, lastArticle: 17 },
  ],
  ['offence-penalty-missing', 'blocking', 2, 'h', 'Offence {offence} needs its maximum penalty.'],
  ['emergency-justification-missing', 'blocking', 2, 'o', 'An emergency must be justified.'],
  [
    'preservation-period-too-short',
    'blocking',
    42,
    '8',
    'Preservation for {days} days is less than {minimum}.',
    { minimumDays: 60 },
  ],
  ['ip-address-without-time', 'blocking', 42, '3(c)', 'IP address {value} needs a time with offset or zone.'],
  ['ip-address-without-port', 'warning', 42, '3(c)', 'IPv4 address {value} has no port.'],
  ['identifier-malformed', 'blocking', 42, '3(c)', 'The {kind} "{value}" is not well formed.'],
  ['identifier-value-missing', 'blocking', 42, '3(c)', 'An identifier has no value.'],
  ['identifier-time-invalid', 'blocking', 42, '3(c)', 'The time "{time}" of {value} is not valid.'],
  ['requested-state-unknown', 'blocking', 40, '13', 'State {state} is not in the directory.'],
  [
    'language-not-accepted',
    'blocking',
    40,
    '14',
    '{state} does not accept {language}; it accepts {accepted}.',
  ],
  ['language-acceptance-unknown', 'warning', 40, '14', 'Languages accepted by {state} are not known.'],
  ['language-not-read-by-node', 'warning', 40, '14', 'The node of {state} reads {accepted}, not {language}.'],
  [
    'language-sent-not-read-by-node',
    'warning',
    40,
    '14',
    'This request is in {language}; the node of {state} reads {accepted}.',
  ],
  ['date-invalid', 'blocking', 40, '15(f)', 'The date {field} ({value}) is not valid.'],
  ['period-reversed', 'blocking', 40, '15(f)', 'The period ends on {to}, before {from}.'],
  [
    'collection-period-too-long',
    'warning',
    24,
    '2',
    'Collection over {days} days exceeds {maximum}: justify it.',
    { maximumDays: 90 },
  ],
  [
    'extradition-penalty-below-threshold',
    'blocking',
    37,
    '1',
    'Offence {offence} is punishable by less than {minimum} year.',
    { minimumYears: 1 },
  ],
  ['confidentiality-without-end', 'warning', 40, '20', 'Confidentiality should have an end date.'],
  ['deadline-without-reasons', 'warning', 40, '25', 'A suggested deadline needs reasons.'],
  ['enforcement-needs-final-order', 'blocking', 50, undefined, 'Enforcement needs a final order.'],
  [
    'provisional-arrest-not-urgent',
    'warning',
    37,
    undefined,
    'Provisional arrest is sought, but not as urgent.',
  ],
  [
    'custodian-outside-requested-state',
    'warning',
    42,
    '1',
    'The custodian is in {custodianState}, not in {requestedState}.',
  ],
  [
    'preservation-period-too-long',
    'warning',
    42,
    '8',
    'Preservation for {days} days is more than {maximum}.',
    { maximumDays: 365 },
  ],
  ['preservation-period-invalid', 'blocking', 42, '8', 'Preservation for {days} days is not a period.'],
  [
    'offence-not-a-convention-offence',
    'blocking',
    35,
    '1',
    'Art. {article} is not an offence; offences are Arts. {firstArticle} to {lastArticle}.',
  ],
  [
    'offence-article-untagged',
    'warning',
    35,
    '1',
    'Offence {offence} names no article of {firstArticle} to {lastArticle}.',
  ],
  ['observation-time-in-future', 'blocking', 42, '3(c)', 'The time {value} is in the future.'],
  ['deadline-already-past', 'warning', 40, '25', 'The deadline {value} is before {today}.'],
  ['past-date-in-future', 'blocking', 37, undefined, 'The date {value} is in the future.'],
  ['contact-detail-malformed', 'warning', 40, '15(a)', 'The contact detail "{value}" is not usable.'],
];

function rule([id, severity, article, paragraph, message, parameters = {}]: RuleSpec): RuleEntry {
  return {
    id,
    severity,
    article,
    ...(paragraph ? { paragraph } : {}),
    parameters,
    explanation: localized(`Explanation of ${id}.`),
    message: localized(message),
    provenance,
  };
}

type ElementSpec = [
  element: ElementId,
  requirement: 'required' | 'where-possible' | 'optional',
  article: number,
  paragraph?: string,
];

function requestType(
  id: RequestTypeEntry['id'],
  article: number,
  channel: RequestTypeEntry['channel'],
  elements: readonly ElementSpec[],
): RequestTypeEntry {
  return {
    id,
    article,
    title: localized(`Request type ${id}`),
    explanation: localized(`What ${id} asks.`),
    channel,
    elements: elements.map(([element, requirement, elementArticle, paragraph]) => ({
      element,
      requirement,
      article: elementArticle,
      ...(paragraph ? { paragraph } : {}),
    })),
    rules: RULES.map(([ruleId]) => ruleId),
    provenance,
  };
}

const ASSISTANCE_ELEMENTS: readonly ElementSpec[] = [
  ['requesting-authority', 'required', 40, '15(a)'],
  ['requested-authority', 'required', 40, '13'],
  ['subject-matter', 'required', 40, '15(b)'],
  ['summary-of-facts', 'required', 40, '15(c)'],
  ['offences', 'required', 40, '15(b)'],
  ['assistance-sought', 'required', 40, '15(d)'],
  ['persons-concerned', 'where-possible', 40, '15(e)'],
  ['purpose', 'required', 40, '15(g)'],
  ['language', 'where-possible', 40, '14'],
];

export const PRESERVATION_REQUIRED_ELEMENTS: readonly ElementId[] = [
  'requesting-authority',
  'requested-authority',
  'offences',
  'summary-of-facts',
  'identifiers',
  'data-sought',
  'data-relation-to-offence',
  'custodian',
  'necessity',
  'intent-to-request-assistance',
  'preservation-period',
];

const PRESERVATION_ELEMENTS: readonly ElementSpec[] = [
  ['requesting-authority', 'required', 42, '3(a)'],
  ['requested-authority', 'required', 40, '13'],
  ['offences', 'required', 42, '3(b)'],
  ['summary-of-facts', 'required', 42, '3(b)'],
  ['identifiers', 'required', 42, '3(c)'],
  ['data-sought', 'required', 42, '3(c)'],
  ['data-relation-to-offence', 'required', 42, '3(c)'],
  ['custodian', 'required', 42, '3(d)'],
  ['necessity', 'required', 42, '3(e)'],
  ['intent-to-request-assistance', 'required', 42, '3(f)'],
  ['preservation-period', 'required', 42, '8'],
  ['confidentiality', 'where-possible', 42, '3(g)'],
  ['language', 'where-possible', 40, '14'],
  ['urgency', 'optional', 2, 'o'],
];

const COLLECTION_ELEMENTS: readonly ElementSpec[] = [
  ['requesting-authority', 'required', 45, '3'],
  ['requested-authority', 'required', 40, '13'],
  ['offences', 'required', 45, '3'],
  ['identifiers', 'required', 45, '3'],
  ['collection-period', 'required', 45, '3'],
];

const CATALOGUE: Catalogue = CatalogueSchema.parse({
  version: 'fixture-1',
  reviewedOn: '2026-11-28',
  sources: [{ id: 'TEST', title: 'Test fixture' }],
  definitions: [
    {
      id: 'serious-crime',
      article: 2,
      paragraph: 'h',
      title: localized('Serious crime'),
      explanation: localized('Punishable by a maximum of at least four years.'),
      parameters: { minimumMaximumPenaltyYears: 4 },
      provenance,
    },
  ],
  elements: [
    ...new Set([...PRESERVATION_ELEMENTS, ...ASSISTANCE_ELEMENTS, ...COLLECTION_ELEMENTS].map(([id]) => id)),
  ]
    .concat(['warrant', 'person-sought', 'confiscation-measure', 'property', 'confiscation-order'])
    .map((id) => ({ id, label: localized(`label of ${id}`), help: localized(`help for ${id}`) })),
  requestTypes: [
    requestType('preservation', 42, 'point-of-contact', PRESERVATION_ELEMENTS),
    requestType('mla', 40, 'central-authority', ASSISTANCE_ELEMENTS),
    requestType('real-time-traffic', 45, 'central-authority', COLLECTION_ELEMENTS),
    requestType('interception', 46, 'central-authority', COLLECTION_ELEMENTS),
    requestType('extradition', 37, 'extradition-authority', [
      ['requesting-authority', 'required', 37, '1'],
      ['person-sought', 'required', 37, '1'],
      ['offences', 'required', 37, '1'],
      ['warrant', 'required', 37, '1'],
    ]),
    requestType('confiscation', 50, 'central-authority', [
      ['requesting-authority', 'required', 40, '15(a)'],
      ['confiscation-measure', 'required', 50, '1'],
      ['property', 'required', 50, '3'],
      ['confiscation-order', 'where-possible', 50, '3'],
    ]),
  ],
  offences: [],
  rules: RULES.map(rule),
  refusalGrounds: [],
});

/** The fixture catalogue (parsed with CatalogueSchema, so it is a valid catalogue). */
export function fixtureCatalogue(): Catalogue {
  return CATALOGUE;
}

/** The fixture catalogue without some rules, to show that a missing rule is skipped. */
export function fixtureCatalogueWithout(...ruleIds: string[]): Catalogue {
  return { ...CATALOGUE, rules: CATALOGUE.rules.filter((entry) => !ruleIds.includes(entry.id)) };
}

function state(
  code: string,
  acceptedLanguages: readonly string[] | undefined,
  nodeLanguages?: DirectoryEntry['nodeLanguages'],
): DirectoryEntry {
  return {
    code,
    kind: 'state',
    names: localized(`State ${code}`),
    acceptedLanguages,
    ...(nodeLanguages ? { nodeLanguages } : {}),
    timeZone: undefined,
  };
}

/**
 * FR accepts French and English; DE's languages are not known yet; BR accepts none listed; IT
 * notified none, and its 24/7 node declares Italian and English, its central authority Italian.
 */
export function fixtureDirectory(): DirectoryView {
  return directoryViewOf([
    state('FR', ['fr', 'en']),
    state('DE', undefined),
    state('BR', []),
    state('GB', ['en']),
    state('IT', undefined, { 'point-of-contact': ['it', 'en'], 'central-authority': ['it'] }),
  ]);
}

/** A preservation request that satisfies every rule of the fixture catalogue. */
export function completePreservationDraft(): RequestContent {
  return {
    type: 'preservation',
    requestingAuthority: { state: 'GB', name: 'National Crime Agency, 24/7 point of contact' },
    requestedAuthority: { state: 'FR', name: 'OFAC 24/7 point of contact' },
    caseReference: 'NCA-2026-0042',
    offences: [{ conventionArticle: 13, domesticProvision: 'Fraud Act 2006, s. 2', maximumPenaltyYears: 10 }],
    summaryOfFacts:
      'Victims were sent invoices from a look-alike domain and paid into accounts controlled by the suspects.',
    identifiers: [
      { kind: 'email', value: 'billing@example-invoices.fr' },
      { kind: 'ip-address', value: '203.0.113.7', port: 51234, observedAt: '2026-11-02T09:15:00+01:00' },
    ],
    dataSought: {
      categories: ['subscriber', 'traffic'],
      description: 'Subscriber information and connection logs of the account.',
      relationToOffence: 'The account sent the fraudulent invoices.',
    },
    custodian: { name: 'Example Mail SAS', kind: 'service-provider', state: 'FR' },
    necessity: 'Logs are kept for a short time and could be deleted.',
    intendsFollowUpRequest: true,
    preservationDays: 90,
    confidentiality: { isRequired: true, until: '2027-06-30', isUserNotificationBarred: true },
    language: 'en',
  };
}

/** validateDraft with the fixture catalogue and directory. */
export function validateWithFixture(draft: RequestContent, locale: Locale = 'en'): Finding[] {
  return validateDraft(draft, fixtureCatalogue(), fixtureDirectory(), locale);
}

/** The findings a rule produced. */
export function findingsOfRule(findings: readonly Finding[], rule: string): Finding[] {
  return findings.filter((finding) => finding.rule === rule);
}
