/**
 * A world map of the Convention's status, drawn on the server as SVG: each country is one path
 * coloured by what the records say of it on the given date (Party, report of ratification not
 * deposited, signatory, nothing), with a legend and a <title> per country so that a screen
 * reader, or a pointer hovering, says the same as the colour.
 *
 * The country shapes are Natural Earth's 1:110m (world-atlas), whose feature ids are ISO 3166-1
 * numeric codes. Projection is done once; a rendered map is kept per asOf date and language and
 * reused while the status of every country is unchanged. Its words are in the six UN languages
 * (src/data/treaty/map-labels/), country names from the directory of States (English, from the
 * ISO 3166 names, for a territory that is not in it); in Arabic the legend reads right to left.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { geoEqualEarth, geoPath } from 'd3-geo';
import { countryCodes as countries } from '../data/country-codes.ts';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import type { AppContext } from '../app-context.ts';
import { DEFAULT_LOCALE, isRightToLeft, type Locale } from '../core/i18n.ts';
import { MAP_LABELS, type MapLabels, mapText } from '../data/treaty/map-labels/index.ts';
import { listStoredStates } from '../storage/states.repository.ts';
import { getTreatyStatus, resolveAsOf, type TreatyStatusReport } from './treaty.service.ts';

export const MAP_STATUSES = ['party', 'reported', 'signatory', 'none'] as const;
export type MapStatus = (typeof MAP_STATUSES)[number];

const WIDTH = 960;
const MAP_HEIGHT = 470;
/**
 * The legend's text is in viewBox units: it grows with the picture, which the page sizes in rem
 * (web/src/pages/treaty/TreatyStatusPage.tsx), so with the reader's text size and zoom. At the
 * page's 48rem, 20 units are 16 CSS pixels at the default text size (1rem).
 */
const LEGEND_FONT = 20;
const LEGEND_SMALL_FONT = 17;
const LEGEND_LINE = 28;
const LEGEND_HEIGHT = 16 + MAP_STATUSES.length * LEGEND_LINE + 20 + 4 * LEGEND_LINE;

const FILLS: Readonly<Record<MapStatus, string>> = {
  party: '#1b7837',
  reported: '#e08214',
  signatory: '#4393c3',
  none: '#d9d9d9',
};

type CountryShape = Readonly<{ code: string | undefined; englishName: string | undefined; path: string }>;

let shapes: readonly CountryShape[] | undefined;

/** The projected country outlines, computed once per process. */
function countryShapes(): readonly CountryShape[] {
  if (shapes) return shapes;
  const file = createRequire(import.meta.url).resolve('world-atlas/countries-110m.json');
  const topology = JSON.parse(readFileSync(file, 'utf8')) as Topology<{
    countries: GeometryCollection<{ name: string }>;
  }>;
  const collection = feature(topology, topology.objects.countries);
  const projection = geoEqualEarth().fitSize([WIDTH, MAP_HEIGHT], collection);
  const toPath = geoPath(projection);
  shapes = collection.features.map((country) => {
    // Three shapes have no ISO code in Natural Earth (N. Cyprus, Somaliland, Kosovo).
    const code = country.id === undefined ? undefined : countries.numericToAlpha2(String(country.id));
    const englishName = (code && countries.getName(code, 'en')) || country.properties?.name || undefined;
    return { code, englishName, path: toPath(country) ?? '' };
  });
  return shapes;
}

function escapeXml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;');
}

/** What each participant's colour is, with the words of its <title> in `labels`' language. */
export function classifyParticipants(
  status: TreatyStatusReport,
  labels: MapLabels = MAP_LABELS[DEFAULT_LOCALE],
): Map<string, { status: MapStatus; detail: string }> {
  const classes = new Map<string, { status: MapStatus; detail: string }>();
  for (const signatory of status.signatories.items) {
    const when =
      signatory.date ??
      (signatory.dateWindow ? mapText(labels.dateWindow, signatory.dateWindow) : labels.dateUnknown);
    classes.set(signatory.stateCode, { status: 'signatory', detail: mapText(labels.signed, { when }) });
  }
  for (const report of status.reportedNotDeposited) {
    const isDomestic = report.action === 'domestic-approval';
    const template = report.date
      ? isDomestic
        ? labels.domesticApproval
        : labels.ratificationReported
      : isDomestic
        ? labels.domesticApprovalUndated
        : labels.ratificationReportedUndated;
    classes.set(report.stateCode, {
      status: 'reported',
      detail: mapText(template, {
        date: report.date ?? '',
        evidence: labels.evidence[report.evidenceLevel ?? 'unknown'],
      }),
    });
  }
  for (const instrument of status.instruments.items) {
    const values = {
      action: labels.action[instrument.action],
      date: instrument.date,
      inForce: instrument.entryIntoForce ?? '',
    };
    classes.set(instrument.stateCode, {
      status: 'party',
      detail: mapText(instrument.entryIntoForce ? labels.partyInForce : labels.party, values),
    });
  }
  return classes;
}

function legendOf(
  status: TreatyStatusReport,
  counts: Readonly<Record<MapStatus, number>>,
  notDrawn: readonly string[],
  labels: MapLabels,
  isRtl: boolean,
): string {
  // Right to left, each line starts at the right edge and its swatch stands to its right.
  const start = isRtl ? WIDTH - 20 : 20;
  const direction = isRtl ? ' direction="rtl"' : '';
  // The counts are of shapes on the map; the status JSON has the counts of participants.
  const items = MAP_STATUSES.map((key, index) => {
    const y = MAP_HEIGHT + 16 + index * LEGEND_LINE;
    const swatchX = isRtl ? start - 24 : start;
    const textX = isRtl ? start - 34 : start + 34;
    const text = mapText(labels.legendItem, { label: labels.status[key], count: counts[key] });
    return (
      `<g class="legend-item"><rect x="${swatchX}" y="${y}" width="24" height="20" fill="${FILLS[key]}" stroke="#555" stroke-width="0.5"/>` +
      `<text x="${textX}" y="${y + 17}">${escapeXml(text)}</text></g>`
    );
  });
  const organizations = status.organizations
    .map((organization) => {
      const state = organization.depositDate
        ? mapText(labels.organizationDeposited, { date: organization.depositDate })
        : organization.hasSigned
          ? labels.organizationSigned
          : labels.organizationNoRecord;
      return mapText(labels.organization, {
        code: organization.code,
        state,
        threshold: status.rule.threshold,
      });
    })
    .join(labels.sentenceSeparator);
  const eif = status.entryIntoForce
    ? mapText(labels.inForce, { date: status.entryIntoForce.date })
    : mapText(labels.notInForce, { counted: status.countedInstruments, threshold: status.rule.threshold });
  const tooSmall =
    notDrawn.length > 0 ? mapText(labels.tooSmall, { list: notDrawn.join(labels.listSeparator) }) : '';
  const recordsAsOf = mapText(labels.recordsAsOf, { asOf: status.asOf, dataDate: status.dataDate });
  const y = MAP_HEIGHT + 16 + MAP_STATUSES.length * LEGEND_LINE + 20;
  return (
    `<g class="legend" font-family="sans-serif" font-size="${LEGEND_FONT}" fill="#222"${direction}>${items.join('')}` +
    // One statement a line: on one line, the entry into force and the organizations' note ran past
    // the picture's right edge.
    `<text x="${start}" y="${y}">${escapeXml(eif)}</text>` +
    `<text x="${start}" y="${y + LEGEND_LINE}">${escapeXml(organizations)}</text>` +
    `<text x="${start}" y="${y + 2 * LEGEND_LINE}" font-size="${LEGEND_SMALL_FONT}" fill="#555">${escapeXml(recordsAsOf)}</text>` +
    `<text x="${start}" y="${y + 3 * LEGEND_LINE}" font-size="${LEGEND_SMALL_FONT}" fill="#555">${escapeXml(tooSmall)}</text>` +
    `</g>`
  );
}

/** A country's name in the map's language, or undefined where none is known. */
export type CountryNames = (code: string) => string | undefined;

/**
 * Draws the map for a status (pure given the shapes) in `locale`, naming each country by `names`
 * (else by its English ISO 3166 name).
 */
export function drawTreatyMap(
  status: TreatyStatusReport,
  locale: Locale = DEFAULT_LOCALE,
  names: CountryNames = () => undefined,
): string {
  const labels = MAP_LABELS[locale];
  const nameOf = (code: string | undefined, englishName: string | undefined) =>
    (code && names(code)) || englishName || labels.unnamed;
  const classes = classifyParticipants(status, labels);
  const counts: Record<MapStatus, number> = { party: 0, reported: 0, signatory: 0, none: 0 };
  const drawn = new Set(countryShapes().map((shape) => shape.code));
  const notDrawn = [...classes]
    .filter(
      ([code]) =>
        !drawn.has(code) && !status.organizations.some((organization) => organization.code === code),
    )
    .map(([code, entry]) =>
      mapText(labels.notDrawnItem, {
        name: nameOf(code, countries.getName(code, 'en') ?? code),
        status: labels.shortStatus[entry.status],
      }),
    )
    .sort((a, b) => a.localeCompare(b, locale));
  const paths = countryShapes().map((shape) => {
    const entry = shape.code ? classes.get(shape.code) : undefined;
    const key = entry?.status ?? 'none';
    counts[key] += 1;
    const title = mapText(labels.countryTitle, {
      name: nameOf(shape.code, shape.englishName),
      detail: entry?.detail ?? labels.noRecord,
    });
    const code = shape.code ? ` data-code="${shape.code}"` : '';
    return `<path class="country ${key}"${code} fill="${FILLS[key]}" d="${shape.path}"><title>${escapeXml(title)}</title></path>`;
  });
  const heading = mapText(labels.heading, { asOf: status.asOf });
  const descriptionValues = {
    signatories: status.signatories.count,
    depositary: status.signatories.depositaryCount ?? '',
    instruments: status.instruments.count,
    counted: status.countedInstruments,
    threshold: status.rule.threshold,
  };
  const description = mapText(
    status.signatories.depositaryCount === null ? labels.description : labels.descriptionWithDepositary,
    descriptionValues,
  );
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${MAP_HEIGHT + LEGEND_HEIGHT}" ` +
    `role="img" aria-labelledby="treaty-map-title treaty-map-desc" xml:lang="${locale}">` +
    `<title id="treaty-map-title">${escapeXml(heading)}</title>` +
    `<desc id="treaty-map-desc">${escapeXml(description)}</desc>` +
    `<rect width="100%" height="100%" fill="#ffffff"/>` +
    `<g class="countries" stroke="#ffffff" stroke-width="0.5">${paths.join('')}</g>` +
    legendOf(status, counts, notDrawn, labels, isRightToLeft(locale)) +
    `</svg>`
  );
}

/** The directory's names of its States and organizations in `locale`. */
async function directoryNames(context: AppContext, locale: Locale): Promise<CountryNames> {
  const names = new Map<string, string>();
  for (const state of await listStoredStates(context.db)) {
    const localized = state.names as Partial<Record<Locale, string>> | null;
    const name = localized?.[locale];
    if (name) names.set(state.code, name);
  }
  return (code) => names.get(code);
}

type CachedMap = Readonly<{ fingerprint: string; svg: string }>;
const MAX_CACHED_DATES = 64;
const cache = new WeakMap<object, Map<string, CachedMap>>();

/** The map on `asOf` (default today) in `locale`, reused while nothing it shows has changed. */
export async function renderTreatyMap(
  context: AppContext,
  asOf?: string,
  locale: Locale = DEFAULT_LOCALE,
): Promise<string> {
  const day = resolveAsOf(asOf, context.now());
  const status = await getTreatyStatus(context, day);
  const fingerprint = JSON.stringify([
    [...classifyParticipants(status)].sort(([a], [b]) => a.localeCompare(b)),
    status.organizations,
    status.entryIntoForce,
    status.signatories.count,
  ]);
  let perDate = cache.get(context.db);
  if (!perDate) {
    perDate = new Map();
    cache.set(context.db, perDate);
  }
  const key = `${day} ${locale}`;
  const cached = perDate.get(key);
  if (cached?.fingerprint === fingerprint) return cached.svg;
  const svg = drawTreatyMap(status, locale, await directoryNames(context, locale));
  perDate.delete(key);
  perDate.set(key, { fingerprint, svg });
  if (perDate.size > MAX_CACHED_DATES) {
    const oldest = perDate.keys().next().value;
    if (oldest !== undefined) perDate.delete(oldest);
  }
  return svg;
}
