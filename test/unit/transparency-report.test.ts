import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { CASE_STATUSES, type CaseStatus } from '../../src/core/case/case-model.ts';
import {
  CSV_COLUMNS,
  cellKeys,
  cellsOf,
  DIRECTIONS,
  DURATIONS,
  median,
  OUTCOMES,
  outcomeOf,
  p90,
  type PublishedCount,
  parsePeriod,
  quartersOf,
  reportCsv,
  type TransparencyCase,
  type TransparencyReport,
  transparencyReport,
} from '../../src/core/transparency/report.ts';

const YEAR = parsePeriod('2026')!;
const Q2 = parsePeriod('2026-Q2')!;

function aCase(overrides: Partial<TransparencyCase> = {}): TransparencyCase {
  return {
    direction: 'received',
    requestType: 'preservation',
    counterpartState: 'FR',
    status: 'delivered',
    startedAt: new Date('2026-05-10T08:00:00Z'),
    history: [{ transition: 'record-delivery', at: '2026-05-10T08:00:00.000Z' }],
    refusalGrounds: [],
    ...overrides,
  };
}

function acknowledgedAfter(seconds: number, startedAt = '2026-05-10T08:00:00Z'): TransparencyCase {
  const start = Date.parse(startedAt);
  return aCase({
    status: 'acknowledged',
    startedAt: new Date(start),
    history: [
      { transition: 'record-delivery', at: new Date(start).toISOString() },
      { transition: 'acknowledge', at: new Date(start + seconds * 1000).toISOString() },
    ],
  });
}

const times = <T>(count: number, make: (index: number) => T): T[] =>
  Array.from({ length: count }, (_, i) => make(i));

describe('transparency periods', () => {
  it('reads a year and a quarter, UTC, end exclusive', () => {
    assert.deepEqual(parsePeriod('2026'), {
      kind: 'year',
      label: '2026',
      year: 2026,
      quarter: null,
      from: '2026-01-01',
      to: '2027-01-01',
    });
    assert.equal(parsePeriod('2026-q4')?.label, '2026-Q4');
    assert.deepEqual([Q2.from, Q2.to], ['2026-04-01', '2026-07-01']);
    assert.deepEqual(
      quartersOf(2026).map((quarter) => quarter.label),
      ['2026-Q1', '2026-Q2', '2026-Q3', '2026-Q4'],
    );
  });

  it('refuses what is not a year or a quarter', () => {
    for (const text of ['26', '2026-Q5', '2026-Q0', '2026-06', 'last year', '']) {
      assert.equal(parsePeriod(text), undefined, text);
    }
  });
});

describe('transparency outcomes and percentiles', () => {
  it('groups every status of a sent request into one outcome, and none for a draft', () => {
    for (const status of CASE_STATUSES) {
      const outcome = outcomeOf(status);
      if (status === 'draft' || status === 'awaiting-approval') assert.equal(outcome, undefined);
      else assert.ok(outcome && OUTCOMES.includes(outcome), status);
    }
    assert.equal(outcomeOf('preserved'), 'executed');
    assert.equal(outcomeOf('lapsed'), 'closed');
    assert.equal(outcomeOf('clarification-requested'), 'pending');
  });

  it('computes the median and the 90th percentile by nearest rank', () => {
    assert.equal(median([1, 2, 3, 4, 100]), 3);
    assert.equal(median([1, 2, 3, 4]), 3);
    assert.equal(p90([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), 9);
    assert.equal(p90([5, 6, 7, 8, 9]), 9);
  });
});

describe('transparency report', () => {
  it('publishes counts of 5 and more, times from receipt, and the period it covers', () => {
    const cases = times(6, (index) => acknowledgedAfter(60 * (index + 1)));
    const report = transparencyReport(cases, Q2);
    assert.deepEqual(report.totals, { sent: 0, received: 6 });
    assert.equal(report.rows.length, 1);
    const row = report.rows[0]!;
    assert.equal(row.requests, 6);
    assert.equal(row.outcomes.pending, 6);
    assert.equal(row.outcomes.refused, 0);
    assert.deepEqual(row.durations.acknowledge, { cases: 6, medianSeconds: 210, p90Seconds: 360 });
    assert.deepEqual(row.durations.decide, { cases: 0, medianSeconds: null, p90Seconds: null });
    // A case of another quarter is not counted.
    assert.equal(transparencyReport(cases, parsePeriod('2026-Q3')!).rows.length, 0);
  });

  it('shows a count from 1 to 4 as "<5" and withholds figures from fewer than 5 cases', () => {
    const report = transparencyReport(
      times(4, (index) => acknowledgedAfter(60 * (index + 1))),
      Q2,
    );
    const row = report.rows[0]!;
    assert.equal(row.requests, '<5');
    assert.equal(report.totals.received, '<5');
    assert.deepEqual(row.durations.acknowledge, { cases: '<5', medianSeconds: null, p90Seconds: null });
  });

  it('withholds a total over a suppressed count, so that subtraction recovers nothing', () => {
    const cases = [
      ...times(6, () => aCase()),
      ...times(2, () => aCase({ status: 'refused', refusalGrounds: ['art-40-21-a'] })),
      ...times(7, () => aCase({ requestType: 'stored-data' })),
    ];
    const report = transparencyReport(cases, Q2);
    const preservation = report.rows.find((row) => row.requestType === 'preservation')!;
    assert.equal(preservation.outcomes.pending, 6);
    assert.equal(preservation.outcomes.refused, '<5');
    assert.equal(preservation.requests, null, 'the row total would give 8 - 6 = 2 refusals');
    assert.equal(report.totals.received, null, 'the total would give the withheld row');
    const storedData = report.rows.find((row) => row.requestType === 'stored-data')!;
    assert.equal(storedData.requests, 7);
    assert.deepEqual(report.refusalGrounds, [
      { direction: 'received', ground: 'art-40-21-a', refusals: '<5' },
    ]);
  });

  it('publishes a year count only when its four quarters publish it', () => {
    const inQ1 = (index: number) => acknowledgedAfter(60, `2026-02-0${index + 1}T08:00:00Z`);
    const sixInQ1 = times(6, inQ1);
    assert.equal(transparencyReport(sixInQ1, YEAR).totals.received, 6);
    // Six in Q1 and two in Q2: the year's 8 minus Q1's 6 would give Q2's 2.
    const report = transparencyReport([...sixInQ1, ...times(2, () => acknowledgedAfter(60))], YEAR);
    assert.equal(report.totals.received, null);
    assert.equal(report.rows[0]!.requests, null);
    // The times are of the year's 8 cases: not counts, they stay.
    assert.equal(report.rows[0]!.durations.acknowledge.medianSeconds, 60);
  });
});

describe('transparency suppression (property)', () => {
  const STATUSES = CASE_STATUSES.filter((status) => outcomeOf(status) !== undefined);
  const caseArbitrary = fc
    .record({
      direction: fc.constantFrom(...DIRECTIONS),
      requestType: fc.constantFrom('preservation', 'stored-data'),
      counterpartState: fc.constantFrom('FR', 'DE'),
      status: fc.constantFrom(...STATUSES),
      day: fc.integer({ min: 0, max: 364 }),
      acknowledgeAfter: fc.option(fc.integer({ min: 0, max: 86_400 })),
      grounds: fc.subarray(['a', 'b', 'c']),
    })
    .map((drawn): TransparencyCase => {
      const start = Date.UTC(2026, 0, 1) + drawn.day * 86_400_000;
      return {
        direction: drawn.direction,
        requestType: drawn.requestType,
        counterpartState: drawn.counterpartState,
        status: drawn.status as CaseStatus,
        startedAt: new Date(start),
        history: [
          { transition: 'record-delivery', at: new Date(start).toISOString() },
          ...(drawn.acknowledgeAfter === null
            ? []
            : [
                {
                  transition: 'acknowledge',
                  at: new Date(start + drawn.acknowledgeAfter * 1000).toISOString(),
                },
              ]),
        ],
        refusalGrounds: drawn.status === 'refused' ? drawn.grounds : [],
      };
    });

  const isNumber = (count: PublishedCount | undefined): count is number => typeof count === 'number';

  /** The additive groups of a report: a total and the counts it adds up. */
  function groupsOf(report: TransparencyReport): { total: PublishedCount; parts: PublishedCount[] }[] {
    return [
      ...report.rows.map((row) => ({
        total: row.requests,
        parts: OUTCOMES.map((outcome) => row.outcomes[outcome]),
      })),
      ...DIRECTIONS.map((direction) => ({
        total: report.totals[direction],
        parts: report.rows.filter((row) => row.direction === direction).map((row) => row.requests),
      })),
    ];
  }

  /** The true count of every cell, from the cases themselves. */
  function trueCounts(cases: readonly TransparencyCase[], from: string, to: string): Map<string, number> {
    const counts = new Map<string, number>();
    const add = (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
    for (const one of cases) {
      const day = one.startedAt.toISOString().slice(0, 10);
      if (day < from || day >= to) continue;
      add(cellKeys.total(one.direction));
      add(cellKeys.requests(one));
      add(cellKeys.outcome(one, outcomeOf(one.status)!));
      if (one.history.some((step) => step.transition === 'acknowledge'))
        add(cellKeys.duration(one, 'acknowledge'));
      for (const ground of one.refusalGrounds) add(cellKeys.ground(one.direction, ground));
    }
    return counts;
  }

  it('no published count is 1 to 4, directly, by subtraction within a report, or from the year and its quarters', () => {
    fc.assert(
      fc.property(fc.array(caseArbitrary, { maxLength: 120 }), (cases) => {
        const quarters = quartersOf(2026).map((quarter) => transparencyReport(cases, quarter));
        const year = transparencyReport(cases, YEAR);
        for (const report of [...quarters, year]) {
          const truth = trueCounts(cases, report.period.from, report.period.to);
          for (const [key, count] of cellsOf(report)) {
            const real = truth.get(key) ?? 0;
            // Directly: a number is the true count and never 1 to 4; "<5" only for 1 to 4.
            if (isNumber(count)) {
              assert.equal(count, real, key);
              assert.ok(count === 0 || count >= 5, `${key} published ${count}`);
            }
            if (count === '<5') assert.ok(real >= 1 && real <= 4, key);
          }
          // By subtraction: a published total only over published parts (which then add up to it).
          for (const group of groupsOf(report)) {
            if (!isNumber(group.total)) continue;
            assert.ok(group.parts.every(isNumber), 'a published total over a suppressed part');
            assert.equal(
              group.parts.reduce<number>((sum, part) => sum + (part as number), 0),
              group.total,
            );
          }
          for (const row of report.rows) {
            for (const kind of DURATIONS) {
              const cell = row.durations[kind];
              if (cell.medianSeconds !== null) assert.ok((truth.get(cellKeys.duration(row, kind)) ?? 0) >= 5);
            }
          }
        }
        // Across periods: a year's number is the sum of four published quarter numbers.
        const quarterCells = quarters.map(cellsOf);
        for (const [key, count] of cellsOf(year)) {
          if (!isNumber(count) || count === 0) continue;
          const parts = quarterCells.map((cells) => cells.get(key) ?? 0);
          assert.ok(parts.every(isNumber), `${key}: the year minus three quarters gives the fourth`);
          assert.equal(
            parts.reduce<number>((sum, part) => sum + (part as number), 0),
            count,
          );
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('transparency CSV', () => {
  it('has one figure per line, with "<5" and "withheld" spelt out', () => {
    const cases = [
      ...times(6, () => aCase()),
      ...times(2, () => aCase({ status: 'refused', refusalGrounds: ['x'] })),
    ];
    const publisher = { state: 'DE', nodeId: 'de-central' };
    const csv = reportCsv({ ...transparencyReport(cases, Q2), publisher });
    assert.ok(csv.endsWith('\r\n'));
    const lines = csv.trimEnd().split('\r\n');
    assert.equal(lines[0], CSV_COLUMNS.join(','));
    assert.ok(lines.every((line) => line.split(',').length === CSV_COLUMNS.length));
    // Every figure names who publishes it: a line passed on alone can be attributed.
    assert.ok(lines.slice(1).every((line) => line.startsWith('DE,de-central,2026-Q2,')));
    const figures = lines.slice(1).map((line) => line.slice('DE,de-central,'.length));
    assert.ok(figures.includes('2026-Q2,received,all,all,requests,withheld'));
    assert.ok(figures.includes('2026-Q2,sent,all,all,requests,0'));
    assert.ok(figures.includes('2026-Q2,received,preservation,FR,outcome:pending,6'));
    assert.ok(figures.includes('2026-Q2,received,preservation,FR,outcome:refused,<5'));
    assert.ok(figures.includes('2026-Q2,received,preservation,FR,acknowledge:median_seconds,withheld'));
    assert.ok(figures.includes('2026-Q2,received,all,all,refusal_ground:x,<5'));
  });

  it('leaves the publisher empty on a node without an identity yet', () => {
    const csv = reportCsv({ ...transparencyReport([], Q2), publisher: null });
    assert.ok(
      csv
        .trimEnd()
        .split('\r\n')
        .slice(1)
        .every((line) => line.startsWith(',,2026-Q2,')),
    );
  });
});
