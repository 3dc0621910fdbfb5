/**
 * Loads the directory's reference data (the JSON files beside this module, described in
 * README.md): the 193 UN Member States, the observer States and the European Union, with their
 * names in the six UN languages, a default time zone and the designations known with a source.
 *
 * Names and ISO codes come from the i18n-iso-countries package, time zones from
 * countries-and-timezones; this file only decides which entries exist and what is known of them.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { getCountry, getTimezone } from 'countries-and-timezones';
import ar from 'i18n-iso-countries/langs/ar.json' with { type: 'json' };
import en from 'i18n-iso-countries/langs/en.json' with { type: 'json' };
import es from 'i18n-iso-countries/langs/es.json' with { type: 'json' };
import fr from 'i18n-iso-countries/langs/fr.json' with { type: 'json' };
import ru from 'i18n-iso-countries/langs/ru.json' with { type: 'json' };
import zh from 'i18n-iso-countries/langs/zh.json' with { type: 'json' };
import isoCodes from 'i18n-iso-countries/codes.json' with { type: 'json' };
import { z } from 'zod';
import { LocalizedTextSchema } from '../../core/catalogue/catalogue.ts';
import { toDirectoryEntry } from '../../core/directory/directory-entry.ts';
import { type DirectoryView, directoryViewOf } from '../../core/directory/directory-view.ts';
import {
  DeclarationSchema,
  DesignationSchema,
  LanguageTagSchema,
  type StateProfile,
  StateProfileSchema,
  TimeZoneSchema,
} from '../../core/directory/state-profile.ts';
import type { StateSeed } from '../../core/directory/state-seed.ts';
import { LOCALES, type Locale, type LocalizedText } from '../../core/i18n.ts';

const ALPHA2 = z.string().regex(/^[A-Z]{2}$/);

const UnMembersFileSchema = z.object({
  source: z.string().min(1),
  note: z.string(),
  codes: z.array(ALPHA2),
});

const OtherParticipantsFileSchema = z.object({
  note: z.string(),
  entries: z.array(
    z
      .object({
        code: ALPHA2,
        kind: z.enum(['state', 'organization']),
        note: z.string().min(1),
        source: z.string().min(1),
        /** Required when the package has no names for the code (the European Union). */
        names: LocalizedTextSchema.optional(),
        timeZone: TimeZoneSchema.optional(),
      })
      .strict(),
  ),
});

const CapitalTimeZonesFileSchema = z.object({
  note: z.string(),
  source: z.string(),
  zones: z.record(ALPHA2, z.object({ capital: z.string().min(1), timeZone: TimeZoneSchema }).strict()),
});

const NameOverridesFileSchema = z.object({
  note: z.string(),
  source: z.string().min(1),
  names: z.record(ALPHA2, z.partialRecord(z.enum(LOCALES), z.string().min(1))),
});

/** In designations.json a designation names its source by id (e.g. "S15"); the loader expands it. */
const DesignationsFileSchema = z.object({
  note: z.string(),
  sources: z.record(
    z.string().regex(/^S\d+$/),
    z.object({ title: z.string().min(1), urls: z.array(z.url()).min(1) }).strict(),
  ),
  states: z.record(
    ALPHA2,
    z
      .object({
        centralAuthority: DesignationSchema.optional(),
        pointOfContact: DesignationSchema.optional(),
        extraditionAuthority: DesignationSchema.optional(),
        /** Only with a source: an unknown language stays unknown. */
        acceptedLanguages: z
          .object({ tags: z.array(LanguageTagSchema).min(1), source: z.string().min(1) })
          .strict()
          .optional(),
        declarations: z.array(DeclarationSchema).optional(),
        note: z.string().min(1).optional(),
      })
      .strict(),
  ),
});

type DesignationsFile = z.infer<typeof DesignationsFileSchema>;

const PACKAGE_NAMES: Readonly<Record<Locale, Readonly<Record<string, string | string[]>>>> = {
  ar: ar.countries,
  zh: zh.countries,
  en: en.countries,
  fr: fr.countries,
  ru: ru.countries,
  es: es.countries,
};

function readDataFile<T>(fileName: string, schema: z.ZodType<T>): T {
  const text = readFileSync(path.join(import.meta.dirname, fileName), 'utf8');
  const parsed = schema.safeParse(JSON.parse(text));
  if (!parsed.success) {
    throw new Error(
      `src/data/states/${fileName} does not match its schema: ${z.prettifyError(parsed.error)}`,
    );
  }
  return parsed.data;
}

function packageNamesOf(
  code: string,
  overrides: Readonly<Partial<Record<Locale, string>>> = {},
): LocalizedText {
  const entries = LOCALES.map((locale) => {
    const value = overrides[locale] ?? PACKAGE_NAMES[locale][code];
    const name = Array.isArray(value) ? value[0] : value;
    if (!name) throw new Error(`no ${locale} name for ${code} in i18n-iso-countries`);
    return [locale, name] as const;
  });
  return Object.fromEntries(entries) as Record<Locale, string>;
}

/**
 * The State's own zone when the tz database gives it exactly one (e.g. Europe/Stockholm rather
 * than the Europe/Berlin it links to), else the capital's zone from capital-time-zones.json.
 */
function defaultTimeZoneOf(
  code: string,
  capitalZones: Readonly<Record<string, { timeZone: string }>>,
): string {
  const capital = capitalZones[code];
  if (capital) return capital.timeZone;
  const zones = getCountry(code, { deprecated: true })?.timezones ?? [];
  const ownZones = zones.filter((zone) => zone.includes('/') && getTimezone(zone)?.countries[0] === code);
  if (ownZones.length !== 1 || !ownZones[0]) {
    throw new Error(
      `${code} has ${ownZones.length} time zones of its own: add its capital to capital-time-zones.json`,
    );
  }
  return ownZones[0];
}

function sourceText(id: string, sources: DesignationsFile['sources']): string {
  const source = sources[id];
  if (!source) throw new Error(`designations.json cites ${id}, which is not in its sources`);
  return `${source.title} [${id}]: ${source.urls.join(' ; ')}`;
}

function knownProfileOf(code: string, file: DesignationsFile, timeZone: string | undefined): StateProfile {
  const known = file.states[code];
  const withSource = <T extends { source: string }>(item: T | undefined): T | undefined =>
    item ? { ...item, source: sourceText(item.source, file.sources) } : undefined;
  return StateProfileSchema.parse({
    centralAuthority: withSource(known?.centralAuthority),
    pointOfContact: withSource(known?.pointOfContact),
    extraditionAuthority: withSource(known?.extraditionAuthority),
    acceptedLanguages: known?.acceptedLanguages?.tags,
    acceptedLanguagesSource: known?.acceptedLanguages
      ? sourceText(known.acceptedLanguages.source, file.sources)
      : undefined,
    timeZone,
    declarations: (known?.declarations ?? []).map((declaration) => withSource(declaration)),
    note: known?.note,
  });
}

const ISO_CODES = new Map(
  (isoCodes as string[][]).map(([alpha2, alpha3, numeric]) => [alpha2, { alpha3, numeric }]),
);

let cached: readonly StateSeed[] | undefined;

/**
 * Every participant of the directory, UN Member States first (by code), then the others. Throws
 * when a data file is malformed, so a wrong edit is caught at start and by the tests.
 */
export function loadStateSeeds(): StateSeed[] {
  cached ??= buildStateSeeds();
  return [...cached];
}

function buildStateSeeds(): readonly StateSeed[] {
  const members = readDataFile('un-members.json', UnMembersFileSchema);
  const others = readDataFile('other-participants.json', OtherParticipantsFileSchema);
  const capitalZones = readDataFile('capital-time-zones.json', CapitalTimeZonesFileSchema).zones;
  const nameOverrides = readDataFile('name-overrides.json', NameOverridesFileSchema).names;
  const designations = readDataFile('designations.json', DesignationsFileSchema);

  const seeds: StateSeed[] = [];
  const isoOf = (code: string) => ISO_CODES.get(code);
  for (const code of members.codes) {
    seeds.push({
      code,
      iso3: isoOf(code)?.alpha3 ?? null,
      numericCode: isoOf(code)?.numeric ?? null,
      kind: 'state',
      names: packageNamesOf(code, nameOverrides[code]),
      isUnMember: true,
      profile: knownProfileOf(code, designations, defaultTimeZoneOf(code, capitalZones)),
    });
  }
  for (const entry of others.entries) {
    const isInIso = entry.kind === 'state';
    seeds.push({
      code: entry.code,
      iso3: isInIso ? (isoOf(entry.code)?.alpha3 ?? null) : null,
      numericCode: isInIso ? (isoOf(entry.code)?.numeric ?? null) : null,
      kind: entry.kind,
      names: entry.names ?? packageNamesOf(entry.code, nameOverrides[entry.code]),
      isUnMember: false,
      note: entry.note,
      profile: knownProfileOf(
        entry.code,
        designations,
        entry.timeZone ?? defaultTimeZoneOf(entry.code, capitalZones),
      ),
    });
  }
  const codes = new Set(seeds.map((seed) => seed.code));
  if (codes.size !== seeds.length) throw new Error('src/data/states lists a code twice');
  for (const code of Object.keys(designations.states)) {
    if (!codes.has(code)) throw new Error(`designations.json names ${code}, which is not in the directory`);
  }
  return Object.freeze(seeds);
}

/** The reference data as the view validation needs, for offline use (the CLI) and tests. */
export function seedDirectoryView(): DirectoryView {
  return directoryViewOf(loadStateSeeds().map(toDirectoryEntry));
}
