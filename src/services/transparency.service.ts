/**
 * The transparency report of this node (docs/transparency.md): the cases of a period read without
 * their content (storage/transparency.repository.ts), each incoming request's counterpart State
 * from the directory the node holds, then the pure aggregation and suppression
 * (core/transparency/report.ts). Public when the node publishes it (COMITY_TRANSPARENCY_PUBLISHED).
 */
import type { AppContext } from '../app-context.ts';
import { CASE_STATUSES, type CaseStatus } from '../core/case/case-model.ts';
import type { FigureStep } from '../core/case/figures.ts';
import { baseStatusOf } from '../core/case/request-case.ts';
import { AppError } from '../core/errors.ts';
import {
  currentYear,
  type Period,
  parsePeriod,
  type PublishedReport,
  reportCsv,
  type TransparencyCase,
  transparencyReport,
} from '../core/transparency/report.ts';
import { listTransparencyCases, type TransparencyCaseRow } from '../storage/transparency.repository.ts';
import { knownDirectory } from './peers.service.ts';

/** Whether this node publishes its transparency report. */
export function isTransparencyPublished(context: AppContext): boolean {
  return context.config.transparency?.isPublished ?? true;
}

/** "2026" or "2026-Q4"; none: the current year. */
export function periodFrom(context: AppContext, text: string | undefined): Period {
  if (text === undefined || text.trim() === '') return currentYear(context.now());
  const period = parsePeriod(text);
  if (!period) {
    throw new AppError('invalid-input', 'period is a year (2026) or a quarter (2026-Q4)', [
      { path: 'querystring.period', message: 'expected YYYY or YYYY-Qn' },
    ]);
  }
  return period;
}

function statusOf(row: TransparencyCaseRow): CaseStatus {
  const known = CASE_STATUSES.find((status) => status === row.caseStatus);
  return known ?? baseStatusOf({ ...row, content: null });
}

function historyOf(row: TransparencyCaseRow): FigureStep[] {
  const steps: [string, Date | null][] = [
    ['record-delivery', row.receivedAt],
    ['acknowledge', row.acknowledgedAt],
    ['accept', row.acceptedAt],
    ['refuse', row.refusedAt],
    ['record-preservation', row.preservedAt],
    ['execute-fully', row.executedAt],
  ];
  return steps
    .filter((step): step is [string, Date] => step[1] !== null)
    .sort((a, b) => a[1].getTime() - b[1].getTime())
    .map(([transition, at]) => ({ transition, at: at.toISOString() }));
}

/** The report of `period`; not-found when the node does not publish it. */
export async function getTransparencyReport(context: AppContext, period: Period): Promise<PublishedReport> {
  if (!isTransparencyPublished(context)) {
    throw new AppError('not-found', 'this node does not publish a transparency report');
  }
  const rows = await listTransparencyCases(context.db, new Date(period.from), new Date(period.to));
  const stateOfNode = new Map(
    (rows.some((row) => row.direction === 'incoming') ? (await knownDirectory(context)).nodes : []).map(
      (node) => [node.nodeId, node.state],
    ),
  );
  const cases = rows.map(
    (row): TransparencyCase => ({
      direction: row.direction === 'incoming' ? 'received' : 'sent',
      requestType: row.type,
      counterpartState:
        (row.direction === 'incoming'
          ? stateOfNode.get(row.peerNodeId ?? '')
          : (row.requestedState ?? undefined)) ?? 'unknown',
      status: statusOf(row),
      startedAt: row.startedAt,
      history: historyOf(row),
      refusalGrounds: row.refusalGrounds,
    }),
  );
  const identity = context.federation?.identity;
  return {
    ...transparencyReport(cases, period),
    publisher: identity ? { state: identity.state, nodeId: identity.nodeId } : null,
  };
}

/** The report as CSV (core/transparency/report.ts, reportCsv). */
export async function getTransparencyCsv(context: AppContext, period: Period): Promise<string> {
  return reportCsv(await getTransparencyReport(context, period));
}
