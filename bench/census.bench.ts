/**
 * Statement census (issue 12): how many statements each node sends its database per message, by
 * what they are, on PostgreSQL with pg_stat_statements (every statement a node sends, BEGIN and
 * COMMIT included, counted per database; not the statements a trigger or a foreign key check runs
 * inside them: each counted one is a round trip). State A's officer has drafts made and submitted
 * beforehand; the counters are reset, then A's supervisor sends `count` of them `concurrency` at a
 * time, or `perSecond` a second (POST /api/v1/requests/{id}/approve, as the federation benchmark
 * does), and once B's
 * receipts are back and the nodes' background work has settled, the counts are read and divided
 * by `count`. The waiting loop's own reads of A's outbox are counted too (a few per run).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { type Federation, startFederation } from '../src/demo/federation-setup.ts';
import {
  atFixedRate,
  atSaturation,
  createDrafts,
  waitUntilDelivered,
  warmUpFrToDe,
} from './federation.bench.ts';

/** The server settings the census needs (scripts/postgres-cluster.ts passes them with -c). */
export const CENSUS_SERVER_SETTINGS = [
  'shared_preload_libraries=pg_stat_statements',
  'pg_stat_statements.track=top',
  'pg_stat_statements.max=10000',
  'pg_stat_statements.track_planning=on',
];

export type CensusRow = Readonly<{
  node: string;
  perMessage: number;
  msPerMessage: number;
  statement: string;
}>;
/** Messages sent `concurrency` at a time, as fast as they are answered, or `perSecond` a second. */
export type CensusLoad = Readonly<
  { concurrency: number; count: number } | { perSecond: number; count: number }
>;

export type CensusPhase = CensusLoad &
  Readonly<{
    rows: CensusRow[];
    totals: Record<string, { statements: number; ms: number; planMs: number }>;
  }>;

/** What a statement is, in a few words: its first words with literals and lists cut. */
function shortStatement(query: string): string {
  return query.replace(/\s+/g, ' ').trim().slice(0, 110);
}

async function readCounts(
  adminUrl: string,
  databases: ReadonlyMap<string, string>,
): Promise<Map<string, Map<string, { calls: number; ms: number; planMs: number }>>> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{
      datname: string;
      query: string;
      calls: string;
      ms: number;
      plan_ms: number;
    }>(
      `select d.datname, s.query, s.calls, s.total_exec_time + s.total_plan_time as ms, s.total_plan_time as plan_ms
         from pg_stat_statements s join pg_database d on d.oid = s.dbid`,
    );
    const byNode = new Map<string, Map<string, { calls: number; ms: number; planMs: number }>>();
    for (const row of rows) {
      const node = databases.get(row.datname);
      if (!node) continue;
      const counts = byNode.get(node) ?? new Map<string, { calls: number; ms: number; planMs: number }>();
      const statement = shortStatement(row.query);
      const before = counts.get(statement) ?? { calls: 0, ms: 0, planMs: 0 };
      counts.set(statement, {
        calls: before.calls + Number(row.calls),
        ms: before.ms + Number(row.ms),
        planMs: before.planMs + Number(row.plan_ms),
      });
      byNode.set(node, counts);
    }
    return byNode;
  } finally {
    await client.end();
  }
}

async function resetCounts(adminUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query('select pg_stat_statements_reset()');
  } finally {
    await client.end();
  }
}

export async function runStatementCensus(options: {
  adminUrl: string;
  createDatabase: () => Promise<string>;
  phases: readonly CensusLoad[];
}): Promise<CensusPhase[]> {
  const admin = new pg.Client({ connectionString: options.adminUrl });
  await admin.connect();
  await admin.query('create extension if not exists pg_stat_statements');
  await admin.end();
  const directory = mkdtempSync(path.join(os.tmpdir(), 'comity-bench-census-'));
  const databases = new Map<string, string>();
  let federation: Federation | undefined;
  try {
    federation = await startFederation({
      directory,
      states: ['FR', 'DE'],
      databaseUrlFor: async (name) => {
        const url = await options.createDatabase();
        databases.set(decodeURIComponent(new URL(url).pathname.slice(1)), name);
        return url;
      },
      env: { COMITY_LOG_LEVEL: 'warn', COMITY_DIRECTORY_REFRESH_SECONDS: '5' },
      shouldKeepLogs: false,
    });
    const { sender, officer, send } = await warmUpFrToDe(federation);
    const phases: CensusPhase[] = [];
    for (const phase of options.phases) {
      const ids = await createDrafts(officer, 'FR', 'DE', phase.count);
      // The drafts' own background work (audit numbering, alert rounds) ends before the reset.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await resetCounts(options.adminUrl);
      if ('perSecond' in phase) await atFixedRate(ids, phase.perSecond, send);
      else await atSaturation(ids, phase.concurrency, send);
      await waitUntilDelivered(sender.admin, 120_000);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const counts = await readCounts(options.adminUrl, databases);
      const rows: CensusRow[] = [];
      const totals: Record<string, { statements: number; ms: number; planMs: number }> = {};
      for (const [node, statements] of counts) {
        let total = 0;
        let totalMs = 0;
        let totalPlanMs = 0;
        for (const [statement, { calls, ms, planMs }] of statements) {
          total += calls;
          totalMs += ms;
          totalPlanMs += planMs;
          rows.push({ node, perMessage: calls / phase.count, msPerMessage: ms / phase.count, statement });
        }
        totals[node] = {
          statements: total / phase.count,
          ms: totalMs / phase.count,
          planMs: totalPlanMs / phase.count,
        };
      }
      rows.sort((a, b) => a.node.localeCompare(b.node) || b.perMessage - a.perMessage);
      phases.push({ ...phase, rows, totals });
    }
    return phases;
  } finally {
    await federation?.stop();
    rmSync(directory, { recursive: true, force: true });
  }
}

/** The census as Markdown: totals per node, then every statement above 0.05 per message or 0.01 ms. */
export function censusTable(phases: readonly CensusPhase[]): string {
  let text = '';
  for (const phase of phases) {
    const load = 'perSecond' in phase ? `${phase.perSecond} a second` : `${phase.concurrency} at a time`;
    text += `\n#### ${phase.count} messages, ${load}: statements per message\n\n`;
    text +=
      '| node | statements | database time (plan + execute), ms | of which planning, ms |\n|---|---|---|---|\n';
    for (const [node, total] of Object.entries(phase.totals).sort()) {
      text += `| ${node} | ${total.statements.toFixed(2)} | ${total.ms.toFixed(3)} | ${total.planMs.toFixed(3)} |\n`;
    }
    text += '\n| node | per message | ms per message | statement |\n|---|---|---|---|\n';
    for (const row of phase.rows) {
      if (row.perMessage < 0.05 && row.msPerMessage < 0.01) continue;
      const statement = row.statement.replace(/\|/g, '\\|');
      text += `| ${row.node} | ${row.perMessage.toFixed(2)} | ${row.msPerMessage.toFixed(3)} | \`${statement}\` |\n`;
    }
  }
  return text;
}
