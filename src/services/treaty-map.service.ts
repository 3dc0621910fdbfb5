/**
 * A world map of the Convention's status, drawn on the server as SVG: each country is one path
 * coloured by what the records say of it on the given date (Party, report of ratification not
 * deposited, signatory, nothing), with a legend and a <title> per country so that a screen
 * reader, or a pointer hovering, says the same as the colour.
 *
 * The country shapes are Natural Earth's 1:110m (world-atlas), whose feature ids are ISO 3166-1
 * numeric codes. Projection is done once; a rendered map is kept per asOf date and reused while
 * the status of every country is unchanged.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { geoEqualEarth, geoPath } from 'd3-geo';
import { countryCodes as countries } from '../data/country-codes.ts';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import type { AppContext } from '../app-context.ts';
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

const STYLE: Readonly<Record<MapStatus, { fill: string; label: string }>> = {
  party: { fill: '#1b7837', label: 'Party: instrument deposited' },
  reported: { fill: '#e08214', label: 'Reported ratification or domestic approval, no deposit' },
  signatory: { fill: '#4393c3', label: 'Signatory' },
  none: { fill: '#d9d9d9', label: 'No signature or instrument recorded' },
};

type CountryShape = Readonly<{ code: string | undefined; name: string; path: string }>;

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
    const name = (code && countries.getName(code, 'en')) || country.properties?.name || 'Unnamed territory';
    return { code, name, path: toPath(country) ?? '' };
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

/** What each participant's colour is, with the words of its <title>. */
export function classifyParticipants(
  status: TreatyStatusReport,
): Map<string, { status: MapStatus; detail: string }> {
  const classes = new Map<string, { status: MapStatus; detail: string }>();
  for (const signatory of status.signatories.items) {
    const when =
      signatory.date ??
      (signatory.dateWindow ? `${signatory.dateWindow.from} to ${signatory.dateWindow.to}` : 'date unknown');
    classes.set(signatory.stateCode, { status: 'signatory', detail: `signatory (signed ${when})` });
  }
  for (const report of status.reportedNotDeposited) {
    const what = report.action === 'domestic-approval' ? 'domestic approval' : 'ratification reported';
    const when = report.date ? ` ${report.date}` : '';
    classes.set(report.stateCode, {
      status: 'reported',
      detail: `${what}${when}, no deposit confirmed (evidence: ${report.evidenceLevel ?? 'unknown'})`,
    });
  }
  for (const instrument of status.instruments.items) {
    const inForce = instrument.entryIntoForce ? `; in force for it from ${instrument.entryIntoForce}` : '';
    classes.set(instrument.stateCode, {
      status: 'party',
      detail: `Party: ${instrument.action} deposited ${instrument.date}${inForce}`,
    });
  }
  return classes;
}

function legendOf(
  status: TreatyStatusReport,
  counts: Readonly<Record<MapStatus, number>>,
  notDrawn: readonly string[],
): string {
  // The counts are of shapes on the map; the status JSON has the counts of participants.
  const items = MAP_STATUSES.map((key, index) => {
    const x = 20;
    const y = MAP_HEIGHT + 16 + index * LEGEND_LINE;
    return (
      `<g class="legend-item"><rect x="${x}" y="${y}" width="24" height="20" fill="${STYLE[key].fill}" stroke="#555" stroke-width="0.5"/>` +
      `<text x="${x + 34}" y="${y + 17}">${escapeXml(`${STYLE[key].label} (${counts[key]})`)}</text></g>`
    );
  });
  const organizations = status.organizations
    .map((organization) => {
      const state = organization.depositDate
        ? `deposited ${organization.depositDate}`
        : organization.hasSigned
          ? 'signed'
          : 'no record';
      return `${organization.code} (not drawn): ${state}; its instrument does not count towards the ${status.rule.threshold} (Art. 65(1))`;
    })
    .join('. ');
  const eif = status.entryIntoForce
    ? `Entry into force: ${status.entryIntoForce.date}.`
    : `Not in force: ${status.countedInstruments} of ${status.rule.threshold} instruments counted.`;
  const tooSmall = notDrawn.length > 0 ? ` Too small to draw at this scale: ${notDrawn.join(', ')}.` : '';
  const y = MAP_HEIGHT + 16 + MAP_STATUSES.length * LEGEND_LINE + 20;
  return (
    `<g class="legend" font-family="sans-serif" font-size="${LEGEND_FONT}" fill="#222">${items.join('')}` +
    // One statement a line: on one line, the entry into force and the organizations' note ran past
    // the picture's right edge.
    `<text x="20" y="${y}">${escapeXml(eif)}</text>` +
    `<text x="20" y="${y + LEGEND_LINE}">${escapeXml(organizations)}</text>` +
    `<text x="20" y="${y + 2 * LEGEND_LINE}" font-size="${LEGEND_SMALL_FONT}" fill="#555">${escapeXml(`Records as of ${status.asOf}; data researched ${status.dataDate}; not the depositary's register.`)}</text>` +
    `<text x="20" y="${y + 3 * LEGEND_LINE}" font-size="${LEGEND_SMALL_FONT}" fill="#555">${escapeXml(tooSmall.trim())}</text>` +
    `</g>`
  );
}

/** Draws the map for a status (pure given the shapes). */
export function drawTreatyMap(status: TreatyStatusReport): string {
  const classes = classifyParticipants(status);
  const counts: Record<MapStatus, number> = { party: 0, reported: 0, signatory: 0, none: 0 };
  const drawn = new Set(countryShapes().map((shape) => shape.code));
  const notDrawn = [...classes]
    .filter(
      ([code]) =>
        !drawn.has(code) && !status.organizations.some((organization) => organization.code === code),
    )
    .map(([code, entry]) => `${countries.getName(code, 'en') ?? code} (${entry.status})`)
    .sort();
  const paths = countryShapes().map((shape) => {
    const entry = shape.code ? classes.get(shape.code) : undefined;
    const key = entry?.status ?? 'none';
    counts[key] += 1;
    const title = `${shape.name}: ${entry?.detail ?? 'no signature or instrument recorded'}`;
    const code = shape.code ? ` data-code="${shape.code}"` : '';
    return `<path class="country ${key}"${code} fill="${STYLE[key].fill}" d="${shape.path}"><title>${escapeXml(title)}</title></path>`;
  });
  const heading = `UN Convention against Cybercrime: status on ${status.asOf}`;
  const description =
    `${status.signatories.count} signatories recorded${status.signatories.depositaryCount === null ? '' : ` (the depositary lists ${status.signatories.depositaryCount})`}, ` +
    `${status.instruments.count} instruments deposited, ${status.countedInstruments} of ${status.rule.threshold} counted towards entry into force.`;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${MAP_HEIGHT + LEGEND_HEIGHT}" ` +
    `role="img" aria-labelledby="treaty-map-title treaty-map-desc">` +
    `<title id="treaty-map-title">${escapeXml(heading)}</title>` +
    `<desc id="treaty-map-desc">${escapeXml(description)}</desc>` +
    `<rect width="100%" height="100%" fill="#ffffff"/>` +
    `<g class="countries" stroke="#ffffff" stroke-width="0.5">${paths.join('')}</g>` +
    legendOf(status, counts, notDrawn) +
    `</svg>`
  );
}

type CachedMap = Readonly<{ fingerprint: string; svg: string }>;
const MAX_CACHED_DATES = 64;
const cache = new WeakMap<object, Map<string, CachedMap>>();

/** The map on `asOf` (default today), reused while nothing it shows has changed. */
export async function renderTreatyMap(context: AppContext, asOf?: string): Promise<string> {
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
  const cached = perDate.get(day);
  if (cached?.fingerprint === fingerprint) return cached.svg;
  const svg = drawTreatyMap(status);
  perDate.delete(day);
  perDate.set(day, { fingerprint, svg });
  if (perDate.size > MAX_CACHED_DATES) {
    const oldest = perDate.keys().next().value;
    if (oldest !== undefined) perDate.delete(oldest);
  }
  return svg;
}
