/**
 * Loads the treaty-status data beside this module: the signature and ratification records
 * (signatures.csv, ratification-reports.csv, copied unchanged from the research), the rule of
 * Art. 65 (entry-into-force.json), the known gaps with their sources (gaps.json) and the EU's
 * member States (eu-members.json). The node seeds its database from it; the offline CLI reads
 * it directly. A file that does not match the expected shape is refused with the line at fault.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { countryCodes as countries } from '../country-codes.ts';
import { z } from 'zod';
import type {
  EntryIntoForceRule,
  OrganizationMembership,
  TreatyAction,
} from '../../core/treaty/treaty-status.ts';
import { readCsvRows } from './csv-rows.ts';

const DIRECTORY = import.meta.dirname;

/** A record of the seed files, with the State already mapped to its alpha-2 code. */
export type SeedTreatyRecord = Readonly<{
  /** The participant's name as the source writes it. */
  stateName: string;
  stateCode: string;
  kind: 'state' | 'organization';
  action: TreatyAction;
  date: string | null;
  /** When the day is not known: the window 'YYYY-MM-DD/YYYY-MM-DD'. */
  dateNote: string | null;
  source: string;
  evidence: string;
  note: string | null;
}>;

/** Participants without an ISO 3166 code, by the name the seed files give them. */
const ORGANIZATIONS: Readonly<Record<string, string>> = { 'European Union': 'EU' };

/**
 * The event wording of ratification-reports.csv, read as actions. The research describes events
 * in words; each wording must be classified here, so a new kind of event cannot slip through as
 * a deposit.
 */
const REPORTED_EVENTS: ReadonlyArray<readonly [RegExp, TreatyAction]> = [
  [/^domestic approval\b/i, 'domestic-approval'],
  [/^domestic law approving\b/i, 'domestic-approval'],
  [/^ratification \(reported\)$/i, 'reported-ratification'],
];

export class TreatyDataError extends Error {
  constructor(file: string, line: number, message: string) {
    super(`${file} line ${line}: ${message}`);
    this.name = 'TreatyDataError';
  }
}

function readDataFile(name: string): string {
  return readFileSync(path.join(DIRECTORY, name), 'utf8');
}

function participantOf(file: string, line: number, name: string, iso3: string) {
  const organization = ORGANIZATIONS[name];
  if (organization) return { stateCode: organization, kind: 'organization' as const };
  const alpha2 = iso3 ? countries.alpha3ToAlpha2(iso3) : undefined;
  if (!alpha2) throw new TreatyDataError(file, line, `no ISO 3166 code for "${name}" (iso3 "${iso3}")`);
  return { stateCode: alpha2, kind: 'state' as const };
}

function readSeedFile(
  file: string,
  actionOf: (fields: Readonly<Record<string, string>>, line: number) => TreatyAction,
): SeedTreatyRecord[] {
  const { rows, errors } = readCsvRows(readDataFile(file));
  const [firstError] = errors;
  if (firstError) throw new TreatyDataError(file, firstError.line ?? 1, firstError.message);
  return rows.map(({ line, fields }) => {
    const name = fields.state ?? '';
    const date = fields.date || null;
    const window = fields.date_or_window || null;
    return {
      stateName: name,
      ...participantOf(file, line, name, fields.iso3 ?? ''),
      action: actionOf(fields, line),
      date,
      dateNote: date === null ? window : null,
      source: fields.source ?? '',
      evidence: fields.evidence ?? '',
      note: fields.note || null,
    };
  });
}

let cachedRecords: readonly SeedTreatyRecord[] | undefined;

/** Every record of signatures.csv and ratification-reports.csv, in file order. */
export function loadSeedTreatyRecords(): readonly SeedTreatyRecord[] {
  cachedRecords ??= [
    ...readSeedFile('signatures.csv', (fields, line) => {
      if (fields.action !== 'signature') {
        throw new TreatyDataError('signatures.csv', line, `unexpected action "${fields.action}"`);
      }
      return 'signature';
    }),
    ...readSeedFile('ratification-reports.csv', (fields, line) => {
      const event = fields.event ?? '';
      const match = REPORTED_EVENTS.find(([pattern]) => pattern.test(event));
      if (!match)
        throw new TreatyDataError('ratification-reports.csv', line, `unclassified event "${event}"`);
      return match[1];
    }),
  ];
  return cachedRecords;
}

const SourceSchema = z.object({ id: z.string(), title: z.string(), url: z.string().nullable() });

const TreatyGapsSchema = z.object({
  /** The day the research was done. */
  dataDate: z.string(),
  /** The month of the latest source read (YYYY-MM). */
  latestSourceDate: z.string(),
  summary: z.string(),
  depositarySignatoryCount: z.number().int(),
  depositarySignatoryCountSource: z.string(),
  /** The depositary's count holds from this day (the end of the Hanoi ceremony); earlier it does not apply. */
  depositarySignatoryCountAsOf: z.string(),
  sources: z.array(SourceSchema),
  gaps: z.array(z.object({ id: z.string(), statement: z.string(), sources: z.array(z.string()) })),
});
export type TreatyGaps = z.infer<typeof TreatyGapsSchema>;

const EntryIntoForceSchema = z.object({
  threshold: z.number().int().min(1),
  generalDelayDays: z.number().int().min(0),
  laterPartyDelayDays: z.number().int().min(0),
  organizationInstrumentCounts: z.literal(false),
  rules: z.array(
    z.object({
      citation: z.string(),
      explanation: z.string(),
      provenance: z.object({
        sources: z.array(z.string()),
        verified: z.boolean(),
        found: z.boolean(),
        confidence: z.enum(['high', 'medium', 'low']),
      }),
    }),
  ),
  note: z.string(),
});
export type EntryIntoForceData = z.infer<typeof EntryIntoForceSchema>;

const MembershipSchema = z.object({
  organization: z.string(),
  name: z.string(),
  kind: z.string(),
  asOf: z.string(),
  members: z.array(z.string().regex(/^[A-Z]{2}$/)),
  source: z.object({ title: z.string(), url: z.string() }),
  note: z.string(),
});
export type MembershipData = z.infer<typeof MembershipSchema>;

/** The research's date, sources and the gaps it states honestly. */
export function loadTreatyGaps(): TreatyGaps {
  return TreatyGapsSchema.parse(JSON.parse(readDataFile('gaps.json')));
}

const TranslationSchema = z.object({
  ar: z.string().min(1),
  zh: z.string().min(1),
  fr: z.string().min(1),
  ru: z.string().min(1),
  es: z.string().min(1),
});
const TreatyTranslationsSchema = z.object({
  $comment: z.string(),
  summary: TranslationSchema,
  gaps: z.record(z.string(), TranslationSchema),
  notes: z.array(TranslationSchema.extend({ en: z.string().min(1) })),
});
export type TreatyTranslations = z.infer<typeof TreatyTranslationsSchema>;

/**
 * The research's own words in the six languages (translations.json): the summary and the gaps of
 * gaps.json by id, and the notes of the research files by their English text, which stays the
 * authoritative source.
 */
export function loadTreatyTranslations(): TreatyTranslations {
  return TreatyTranslationsSchema.parse(JSON.parse(readDataFile('translations.json')));
}

/** The numbers and citations of Art. 65 with their provenance. */
export function loadEntryIntoForceData(): EntryIntoForceData {
  return EntryIntoForceSchema.parse(JSON.parse(readDataFile('entry-into-force.json')));
}

export function loadEntryIntoForceRule(): EntryIntoForceRule {
  const { threshold, generalDelayDays, laterPartyDelayDays } = loadEntryIntoForceData();
  return { threshold, generalDelayDays, laterPartyDelayDays };
}

/** The EU and its member States, with the source of the list. */
export function loadEuMembership(): MembershipData {
  return MembershipSchema.parse(JSON.parse(readDataFile('eu-members.json')));
}

export function loadMemberships(): OrganizationMembership[] {
  const { organization, members } = loadEuMembership();
  return [{ organization, members }];
}
