/**
 * The transparency report (docs/transparency.md): aggregated public statistics of one period, a
 * calendar quarter or a year, on the requests this node sent and received, by request type and
 * counterpart State: how many, their outcomes, the grounds of refusals, and the median and 90th
 * percentile of the times to acknowledge, decide and execute. Pure: the cases are parameters (a
 * few columns and moments each, never their content).
 *
 * Small counts protect cases: a count from 1 to 4 is published as "<5", a median or 90th
 * percentile computed from fewer than 5 cases is withheld, and a total is withheld (null) when one
 * of the counts it adds up is not published, so that no suppressed count is recovered by
 * subtraction. A year publishes a count only when its four quarters publish theirs, so that a
 * year minus three quarters never gives the fourth.
 */
import type { CaseStatus } from '../case/case-model.ts';
import { type FigureStep, receiptFigures } from '../case/figures.ts';

/** Counts below this are never published as numbers (only zero is). */
export const SUPPRESSION_THRESHOLD = 5;
/** The text a suppressed count is published as. */
export const SUPPRESSED = '<5';

/** A published count: the number, "<5" (from 1 to 4), or null (withheld so that no count under 5 can be recovered). */
export type PublishedCount = number | typeof SUPPRESSED | null;

export const DIRECTIONS = ['sent', 'received'] as const;
export type Direction = (typeof DIRECTIONS)[number];

/** What became of a request, grouped from its case status (docs/transparency.md). */
export const OUTCOMES = ['pending', 'accepted', 'executed', 'refused', 'withdrawn', 'closed'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const DURATIONS = ['acknowledge', 'decide', 'execute'] as const;
export type DurationKind = (typeof DURATIONS)[number];

const OUTCOME_OF_STATUS: Readonly<Partial<Record<CaseStatus, Outcome>>> = {
  sent: 'pending',
  delivered: 'pending',
  acknowledged: 'pending',
  'under-assessment': 'pending',
  'clarification-requested': 'pending',
  accepted: 'accepted',
  postponed: 'accepted',
  'in-execution': 'accepted',
  'executed-partly': 'executed',
  'executed-fully': 'executed',
  preserved: 'executed',
  extended: 'executed',
  converted: 'executed',
  refused: 'refused',
  withdrawn: 'withdrawn',
  closed: 'closed',
  lapsed: 'closed',
};

/** The outcome of a case status; undefined for a request never sent (draft, awaiting approval). */
export function outcomeOf(status: CaseStatus): Outcome | undefined {
  return OUTCOME_OF_STATUS[status];
}

/** A calendar quarter or year, UTC: [from, to). */
export type Period = Readonly<{
  kind: 'year' | 'quarter';
  /** "2026" or "2026-Q4". */
  label: string;
  year: number;
  quarter: 1 | 2 | 3 | 4 | null;
  /** First day, YYYY-MM-DD. */
  from: string;
  /** The day after the last, YYYY-MM-DD. */
  to: string;
}>;

export const PERIOD_PATTERN = /^(\d{4})(?:-Q([1-4]))?$/;

function isoDay(year: number, monthIndex: number): string {
  return new Date(Date.UTC(year, monthIndex, 1)).toISOString().slice(0, 10);
}

/** "2026" (a year) or "2026-Q4" (a quarter); undefined when the text is neither. */
export function parsePeriod(text: string): Period | undefined {
  const match = PERIOD_PATTERN.exec(text.trim().toUpperCase());
  if (!match) return undefined;
  const year = Number(match[1]);
  if (year < 1970) return undefined;
  if (match[2] === undefined) {
    return {
      kind: 'year',
      label: String(year),
      year,
      quarter: null,
      from: isoDay(year, 0),
      to: isoDay(year + 1, 0),
    };
  }
  const quarter = Number(match[2]) as 1 | 2 | 3 | 4;
  return {
    kind: 'quarter',
    label: `${year}-Q${quarter}`,
    year,
    quarter,
    from: isoDay(year, (quarter - 1) * 3),
    to: isoDay(year, quarter * 3),
  };
}

/** The year of `now` (UTC): the period a report shows when none is asked for. */
export function currentYear(now: Date): Period {
  return parsePeriod(String(now.getUTCFullYear())) as Period;
}

/** The four quarters of a year. */
export function quartersOf(year: number): Period[] {
  return ([1, 2, 3, 4] as const).map((quarter) => parsePeriod(`${year}-Q${quarter}`) as Period);
}

/** One case as the report reads it: a few columns and moments, never its content. */
export type TransparencyCase = Readonly<{
  direction: Direction;
  requestType: string;
  /** The other State (ISO code), or "unknown" when this node cannot tell. */
  counterpartState: string;
  status: CaseStatus;
  /** When the request was sent (sent) or received (received): places it in a period. */
  startedAt: Date;
  /** Its steps with their moments: record-delivery (the receipt), acknowledge, accept, refuse... */
  history: readonly FigureStep[];
  /** The grounds of its refusal, if it was refused. */
  refusalGrounds: readonly string[];
}>;

export type DurationCell = Readonly<{
  /** How many cases reached the step (published like every count). */
  cases: PublishedCount;
  /** Seconds from receipt; null when fewer than 5 cases reached the step. */
  medianSeconds: number | null;
  p90Seconds: number | null;
}>;

export type ReportRow = Readonly<{
  direction: Direction;
  requestType: string;
  counterpartState: string;
  requests: PublishedCount;
  outcomes: Readonly<Record<Outcome, PublishedCount>>;
  durations: Readonly<Record<DurationKind, DurationCell>>;
}>;

export type GroundRow = Readonly<{ direction: Direction; ground: string; refusals: PublishedCount }>;

export type TransparencyReport = Readonly<{
  period: Period;
  threshold: number;
  totals: Readonly<Record<Direction, PublishedCount>>;
  rows: readonly ReportRow[];
  refusalGrounds: readonly GroundRow[];
}>;

type RawRow = {
  direction: Direction;
  requestType: string;
  counterpartState: string;
  requests: number;
  outcomes: Record<Outcome, number>;
  durations: Record<DurationKind, number[]>;
};

type RawTable = {
  rows: Map<string, RawRow>;
  grounds: Map<string, { direction: Direction; ground: string; refusals: number }>;
  totals: Record<Direction, number>;
};

function zeroOutcomes(): Record<Outcome, number> {
  return Object.fromEntries(OUTCOMES.map((outcome) => [outcome, 0])) as Record<Outcome, number>;
}

function isIn(period: Period, at: Date): boolean {
  const day = at.toISOString().slice(0, 10);
  return day >= period.from && day < period.to;
}

function rawTable(cases: readonly TransparencyCase[], period: Period): RawTable {
  const table: RawTable = { rows: new Map(), grounds: new Map(), totals: { sent: 0, received: 0 } };
  for (const one of cases) {
    const outcome = outcomeOf(one.status);
    if (outcome === undefined || !isIn(period, one.startedAt)) continue;
    const key = `${one.direction}|${one.requestType}|${one.counterpartState}`;
    const row = table.rows.get(key) ?? {
      direction: one.direction,
      requestType: one.requestType,
      counterpartState: one.counterpartState,
      requests: 0,
      outcomes: zeroOutcomes(),
      durations: { acknowledge: [], decide: [], execute: [] },
    };
    row.requests += 1;
    row.outcomes[outcome] += 1;
    const figures = receiptFigures(one.history);
    for (const [kind, seconds] of [
      ['acknowledge', figures.acknowledgeSeconds],
      ['decide', figures.decideSeconds],
      ['execute', figures.executeSeconds],
    ] as const) {
      if (seconds !== null) row.durations[kind].push(seconds);
    }
    table.rows.set(key, row);
    table.totals[one.direction] += 1;
    for (const ground of new Set(one.refusalGrounds)) {
      const groundKey = `${one.direction}|${ground}`;
      const entry = table.grounds.get(groundKey) ?? { direction: one.direction, ground, refusals: 0 };
      entry.refusals += 1;
      table.grounds.set(groundKey, entry);
    }
  }
  return table;
}

/** A count as published on its own: 0, "<5" from 1 to 4, else the number. */
export function primaryCount(count: number): PublishedCount {
  if (count === 0) return 0;
  return count < SUPPRESSION_THRESHOLD ? SUPPRESSED : count;
}

/** The median (mean of the two middle values for an even number) of sorted values, rounded. */
export function median(sorted: readonly number[]): number {
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length % 2 === 1) return sorted[middle] as number;
  return Math.round(((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2);
}

/** The 90th percentile by nearest rank of sorted values. */
export function p90(sorted: readonly number[]): number {
  return sorted[Math.max(0, Math.ceil(0.9 * sorted.length) - 1)] as number;
}

function durationCell(values: readonly number[], cases: PublishedCount): DurationCell {
  if (values.length < SUPPRESSION_THRESHOLD) return { cases, medianSeconds: null, p90Seconds: null };
  const sorted = [...values].sort((a, b) => a - b);
  return { cases, medianSeconds: median(sorted), p90Seconds: p90(sorted) };
}

const isNumber = (count: PublishedCount): count is number => typeof count === 'number';

/** The key of every count cell, the same in a quarter and its year. */
export const cellKeys = {
  requests: (row: RowKey) => `${row.direction}|${row.requestType}|${row.counterpartState}|requests`,
  outcome: (row: RowKey, outcome: Outcome) =>
    `${row.direction}|${row.requestType}|${row.counterpartState}|outcome|${outcome}`,
  duration: (row: RowKey, kind: DurationKind) =>
    `${row.direction}|${row.requestType}|${row.counterpartState}|duration|${kind}`,
  total: (direction: Direction) => `total|${direction}`,
  ground: (direction: Direction, ground: string) => `ground|${direction}|${ground}`,
};
type RowKey = Readonly<{ direction: Direction; requestType: string; counterpartState: string }>;

/** Every count of a report by cell key (a cell absent from the report counts 0). */
export function cellsOf(report: TransparencyReport): Map<string, PublishedCount> {
  const cells = new Map<string, PublishedCount>();
  for (const direction of DIRECTIONS) cells.set(cellKeys.total(direction), report.totals[direction]);
  for (const row of report.rows) {
    cells.set(cellKeys.requests(row), row.requests);
    for (const outcome of OUTCOMES) cells.set(cellKeys.outcome(row, outcome), row.outcomes[outcome]);
    for (const kind of DURATIONS) cells.set(cellKeys.duration(row, kind), row.durations[kind].cases);
  }
  for (const ground of report.refusalGrounds) {
    cells.set(cellKeys.ground(ground.direction, ground.ground), ground.refusals);
  }
  return cells;
}

/**
 * Publishes a raw table: `countOf` gives a count as published on its own; then a total whose parts
 * are not all published is withheld (a row's requests and its outcomes, a direction's total and its rows).
 */
function publish(
  raw: RawTable,
  period: Period,
  countOf: (key: string, count: number) => PublishedCount,
): TransparencyReport {
  const rows = [...raw.rows.values()]
    .sort(
      (a, b) =>
        DIRECTIONS.indexOf(a.direction) - DIRECTIONS.indexOf(b.direction) ||
        a.requestType.localeCompare(b.requestType) ||
        a.counterpartState.localeCompare(b.counterpartState),
    )
    .map((row): ReportRow => {
      const outcomes = Object.fromEntries(
        OUTCOMES.map((outcome) => [outcome, countOf(cellKeys.outcome(row, outcome), row.outcomes[outcome])]),
      ) as Record<Outcome, PublishedCount>;
      const requests = countOf(cellKeys.requests(row), row.requests);
      const durations = Object.fromEntries(
        DURATIONS.map((kind) => [
          kind,
          durationCell(
            row.durations[kind],
            countOf(cellKeys.duration(row, kind), row.durations[kind].length),
          ),
        ]),
      ) as Record<DurationKind, DurationCell>;
      return {
        direction: row.direction,
        requestType: row.requestType,
        counterpartState: row.counterpartState,
        requests:
          isNumber(requests) && !OUTCOMES.every((outcome) => isNumber(outcomes[outcome])) ? null : requests,
        outcomes,
        durations,
      };
    });
  const totals = Object.fromEntries(
    DIRECTIONS.map((direction) => {
      const total = countOf(cellKeys.total(direction), raw.totals[direction]);
      const parts = rows.filter((row) => row.direction === direction);
      return [direction, isNumber(total) && !parts.every((row) => isNumber(row.requests)) ? null : total];
    }),
  ) as Record<Direction, PublishedCount>;
  const refusalGrounds = [...raw.grounds.values()]
    .sort(
      (a, b) =>
        DIRECTIONS.indexOf(a.direction) - DIRECTIONS.indexOf(b.direction) || a.ground.localeCompare(b.ground),
    )
    .map((entry) => ({
      direction: entry.direction,
      ground: entry.ground,
      refusals: countOf(cellKeys.ground(entry.direction, entry.ground), entry.refusals),
    }));
  return { period, threshold: SUPPRESSION_THRESHOLD, totals, rows, refusalGrounds };
}

/** The report of a quarter: each count on its own, then totals withheld over unpublished parts. */
function quarterReport(cases: readonly TransparencyCase[], period: Period): TransparencyReport {
  return publish(rawTable(cases, period), period, (_key, count) => primaryCount(count));
}

/**
 * The report of a period. A quarter's counts are published on their own rules; a year's count is
 * "<5" or 0 when it is, else published only when its four quarters publish the same cell (it is
 * then their sum), so that no quarter's suppressed count is the year minus the others.
 */
export function transparencyReport(cases: readonly TransparencyCase[], period: Period): TransparencyReport {
  if (period.kind === 'quarter') return quarterReport(cases, period);
  const quarters = quartersOf(period.year).map((quarter) => cellsOf(quarterReport(cases, quarter)));
  return publish(rawTable(cases, period), period, (key, count) => {
    if (count < SUPPRESSION_THRESHOLD) return primaryCount(count);
    const parts = quarters.map((cells) => cells.get(key) ?? 0);
    return parts.every(isNumber) ? count : null;
  });
}

/**
 * Who publishes a report: the node's State and id (its federation identity), so that a figure
 * downloaded and passed on can be attributed; null on a node without an identity yet.
 */
export type ReportPublisher = Readonly<{ state: string; nodeId: string }>;

/** A report as a node publishes it: the figures and who publishes them. */
export type PublishedReport = TransparencyReport & Readonly<{ publisher: ReportPublisher | null }>;

/** The CSV columns of a report, one figure per line (RFC 4180, CRLF). */
export const CSV_COLUMNS = [
  'publishing_state',
  'publishing_node',
  'period',
  'direction',
  'request_type',
  'counterpart_state',
  'measure',
  'value',
] as const;

function csvValue(value: PublishedCount): string {
  return value === null ? 'withheld' : String(value);
}

function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * The report as CSV: a line per figure (requests, outcome:<outcome>, <step>:cases,
 * <step>:median_seconds, <step>:p90_seconds, refusal_ground:<id>), each beginning with who
 * publishes it (empty without an identity); totals have the request type and counterpart "all";
 * a withheld figure reads "withheld", a suppressed count "<5".
 */
export function reportCsv(report: PublishedReport): string {
  const figures: string[][] = [];
  const lines = { push: (fields: string[]) => figures.push(fields) };
  const label = report.period.label;
  for (const direction of DIRECTIONS) {
    lines.push([label, direction, 'all', 'all', 'requests', csvValue(report.totals[direction])]);
  }
  for (const row of report.rows) {
    const line = (measure: string, value: PublishedCount) =>
      lines.push([label, row.direction, row.requestType, row.counterpartState, measure, csvValue(value)]);
    line('requests', row.requests);
    for (const outcome of OUTCOMES) line(`outcome:${outcome}`, row.outcomes[outcome]);
    for (const kind of DURATIONS) {
      const cell = row.durations[kind];
      line(`${kind}:cases`, cell.cases);
      line(`${kind}:median_seconds`, cell.medianSeconds);
      line(`${kind}:p90_seconds`, cell.p90Seconds);
    }
  }
  for (const ground of report.refusalGrounds) {
    lines.push([
      label,
      ground.direction,
      'all',
      'all',
      `refusal_ground:${ground.ground}`,
      csvValue(ground.refusals),
    ]);
  }
  const publisher = [report.publisher?.state ?? '', report.publisher?.nodeId ?? ''];
  const all = [[...CSV_COLUMNS], ...figures.map((fields) => [...publisher, ...fields])];
  return `${all.map((fields) => fields.map(csvField).join(',')).join('\r\n')}\r\n`;
}
