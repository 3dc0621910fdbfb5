/**
 * Scale simulation (issue 12): federations of growing size on one PostgreSQL server, each node its
 * own process and its own database, the secretariat's signed directory listing all of them. At each
 * size every ordered pair of States exchanges a preservation request (drafted beforehand, not
 * measured), then every receiving duty officer acknowledges each request (a lifecycle message
 * back), sent by a few concurrent clients as fast as the nodes accept them.
 *
 * Measured at each size:
 *   start-up     spawning every process to every node holding the directory with its users;
 *   memory       resident set size of each node process (VmRSS), 5 s after start-up, mean and total;
 *   directory    bytes of the signed directory, and one fetch + signature check as a node does it on
 *                every refresh (median of 20);
 *   delivery     commit → verified receipt of every message (requests and acknowledgements), read
 *                from each sender's outbox (created_at in the send transaction, receipt_received_at
 *                when the peer's receipt is stored), p50 and p99, and messages per second of busy time
 *                (each phase from its first commit to its last receipt).
 *
 * The smallest federation measured in the same run is the baseline of the others: the question is
 * how each figure grows with the number of nodes, on the same machine at the same hour.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { answer } from '../src/api-client/client.ts';
import { loadConfig } from '../src/config.ts';
import { preservationDraft } from '../src/demo/demo-drafts.ts';
import {
  draftRequest,
  listIncomingRequests,
  approveRequest,
  makeTransition,
  submitRequest,
} from '../src/demo/federation-api.ts';
import { type Federation, type NodeSpec, startFederation } from '../src/demo/federation-setup.ts';
import type { ApiClient } from '../src/demo/node-api.ts';
import { waitFor } from '../src/demo/node-process.ts';
import { fetchCurrentDirectory } from '../src/federation/directory/directory-client.ts';
import { openDatabase } from '../src/storage/database.ts';
import { residentMemoryMiB } from './node-process.ts';
import { formatMs, median, percentile } from './statistics.ts';

/** States in the order the federations grow (each a UN Member State in the directory). */
const STATES = [
  'FR',
  'DE',
  'BR',
  'ZA',
  'IN',
  'JP',
  'KE',
  'MX',
  'NG',
  'AU',
  'CA',
  'EG',
  'AR',
  'ID',
  'PL',
  'ES',
  'SN',
  'CL',
  'MA',
  'NO',
  'PH',
  'PE',
  'GH',
  'NZ',
  'TH',
  'CO',
  'IT',
  'PT',
  'SE',
  'VN',
  'TN',
  'UY',
] as const;
const CONCURRENT_CLIENTS = 8;
const SETTLE_MS = 5000;

export type ScaleRow = Readonly<{
  nodes: number;
  startupSeconds: number;
  meanNodeMiB: number;
  totalNodesMiB: number;
  directoryBytes: number;
  directoryFetchMs: number;
  messages: number;
  p50Ms: number;
  p99Ms: number;
  perSecond: number;
}>;

/** Runs `work` over `items` with at most `limit` in flight. */
async function inParallel<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next]!;
      next += 1;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** Waits until no node's outbox holds a pending message (asked as each node's administrator). */
async function waitUntilDelivered(federation: Federation): Promise<void> {
  await waitFor(
    'every outbox to be delivered',
    async () => {
      for (const node of federation.nodes) {
        const page = await answer(
          node.admin.api.GET('/api/v1/outbox', { params: { query: { status: 'pending', limit: 1 } } }),
        );
        if (page.items.length > 0) return undefined;
      }
      return true;
    },
    { timeoutMs: 30 * 60_000, intervalMs: 500 },
  );
}

type Timing = { createdAt: number; receiptAt: number | null };

/** created_at and receipt_received_at of every outgoing message of every node (read from its database). */
async function readOutboxTimings(federation: Federation): Promise<Timing[]> {
  const timings: Timing[] = [];
  for (const node of federation.nodes) {
    const config = loadConfig({ ...node.process.env, COMITY_LOG_LEVEL: 'silent' });
    const database = await openDatabase(config.database);
    try {
      const { rows } = await sql<{ created_at: Date; receipt_received_at: Date | null }>`
        select created_at, receipt_received_at from outbox_messages`.execute(database.db);
      for (const row of rows) {
        timings.push({
          createdAt: new Date(row.created_at).getTime(),
          receiptAt: row.receipt_received_at ? new Date(row.receipt_received_at).getTime() : null,
        });
      }
    } finally {
      await database.close();
    }
  }
  return timings;
}

/** One fetch and check of the signed directory, as a node refreshes it; median of 20, and its size. */
async function measureDirectory(
  federation: Federation,
  directory: string,
): Promise<{ bytes: number; ms: number }> {
  const secretariatEntry = JSON.parse(
    readFileSync(path.join(directory, 'secretariat.public.json'), 'utf8'),
  ) as {
    keys: { jwk: import('jose').JWK }[];
  };
  const pinnedKeys = secretariatEntry.keys.map((key) => key.jwk);
  const response = await fetch(new URL('/federation/v1/directory', federation.secretariat.url));
  const bytes = (await response.arrayBuffer()).byteLength;
  const samples: number[] = [];
  for (let run = 0; run < 20; run += 1) {
    const started = performance.now();
    const fetched = await fetchCurrentDirectory({
      secretariatUrl: federation.secretariat.url,
      pinnedKeys,
      now: new Date(),
      clockSkewSeconds: 60,
      timeoutMs: 10_000,
    });
    if (!fetched.ok) throw new Error(`directory refused: ${fetched.reason} ${fetched.detail}`);
    samples.push(performance.now() - started);
  }
  return { bytes, ms: median(samples) };
}

async function runOneSize(
  size: number,
  databaseUrlFor: (name: string) => Promise<string>,
  onProgress: (line: string) => void,
): Promise<ScaleRow> {
  const directory = mkdtempSync(path.join(os.tmpdir(), `comity-bench-scale-${size}-`));
  const specs: NodeSpec[] = STATES.slice(0, size).map((state) => ({
    nodeId: `${state.toLowerCase()}-poc`,
    state,
    authority: 'point-of-contact',
  }));
  const started = performance.now();
  const federation = await startFederation({
    directory,
    nodes: specs,
    databaseUrlFor,
    shouldKeepLogs: false,
    env: { COMITY_LOG_LEVEL: 'warn' },
    onProgress: (line) => onProgress(`  [${size} nodes] ${line}`),
  });
  const startupSeconds = (performance.now() - started) / 1000;
  try {
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    const rss = federation.nodes.map((node) => residentMemoryMiB(node.process.child!.pid!));
    const directoryFigures = await measureDirectory(federation, directory);

    // Every ordered pair: a request from each State to each other, drafted and submitted for
    // approval first (not measured); its supervisor's approval sends it (the two-person rule).
    const officers = new Map<string, ApiClient>();
    const supervisors = new Map<string, ApiClient>();
    for (const node of federation.nodes) {
      officers.set(node.spec.state, await node.userClient('officer'));
      supervisors.set(node.spec.state, await node.userClient('supervisor'));
    }
    const drafts: { client: ApiClient; id: string }[] = [];
    let sequence = 0;
    for (const from of federation.nodes) {
      for (const to of federation.nodes) {
        if (from === to) continue;
        sequence += 1;
        const client = officers.get(from.spec.state)!;
        const drafted = await draftRequest(
          client,
          preservationDraft(from.spec.state, to.spec.state, sequence),
        );
        if (!drafted.isReady)
          throw new Error(`draft ${from.spec.state}→${to.spec.state}: ${drafted.blocking.join('; ')}`);
        await submitRequest(client, drafted.id);
        drafts.push({ client: supervisors.get(from.spec.state)!, id: drafted.id });
      }
    }
    onProgress(`  [${size} nodes] ${drafts.length} requests drafted and submitted; approving (which sends)`);
    await inParallel(drafts, CONCURRENT_CLIENTS, (draft) => approveRequest(draft.client, draft.id));
    await waitUntilDelivered(federation);

    // Each receiving duty officer acknowledges every request: a lifecycle message back to its sender.
    const acknowledgements: { client: ApiClient; id: string }[] = [];
    for (const node of federation.nodes) {
      const duty = await node.userClient('duty-officer');
      for (const incoming of await listIncomingRequests(duty))
        acknowledgements.push({ client: duty, id: incoming.id });
    }
    onProgress(`  [${size} nodes] ${acknowledgements.length} acknowledgements`);
    const acknowledgementsFrom = Date.now();
    await inParallel(acknowledgements, CONCURRENT_CLIENTS, async (item) => {
      await makeTransition(item.client, item.id, 'acknowledge');
    });
    await waitUntilDelivered(federation);

    const timings = await readOutboxTimings(federation);
    const delivered = timings.filter((timing) => timing.receiptAt !== null);
    const expected = drafts.length + acknowledgements.length;
    if (delivered.length < expected)
      throw new Error(`only ${delivered.length} of ${expected} messages have a receipt`);
    const latencies = delivered.map((timing) => timing.receiptAt! - timing.createdAt);
    // Busy time: each phase from its first commit to its last receipt (not the pause between them).
    const busyMs = [
      delivered.filter((timing) => timing.createdAt < acknowledgementsFrom),
      delivered.filter((timing) => timing.createdAt >= acknowledgementsFrom),
    ]
      .filter((phase) => phase.length > 0)
      .reduce(
        (sum, phase) =>
          sum +
          Math.max(...phase.map((timing) => timing.receiptAt!)) -
          Math.min(...phase.map((timing) => timing.createdAt)),
        0,
      );
    return {
      nodes: size,
      startupSeconds,
      meanNodeMiB: rss.reduce((sum, value) => sum + value, 0) / rss.length,
      totalNodesMiB: rss.reduce((sum, value) => sum + value, 0),
      directoryBytes: directoryFigures.bytes,
      directoryFetchMs: directoryFigures.ms,
      messages: delivered.length,
      p50Ms: percentile(latencies, 0.5),
      p99Ms: percentile(latencies, 0.99),
      perSecond: delivered.length / (busyMs / 1000),
    };
  } finally {
    await federation.stop();
    rmSync(directory, { recursive: true, force: true });
  }
}

/** The federations of each size in turn, on the PostgreSQL server whose databases `databaseUrlFor` creates. */
export async function runScaleBenchmarks(options: {
  sizes: readonly number[];
  databaseUrlFor: (name: string) => Promise<string>;
  onProgress?: (line: string) => void;
}): Promise<ScaleRow[]> {
  const rows: ScaleRow[] = [];
  for (const size of options.sizes) {
    if (size < 2 || size > STATES.length)
      throw new Error(`a federation of 2 to ${STATES.length} nodes, not ${size}`);
    rows.push(await runOneSize(size, options.databaseUrlFor, options.onProgress ?? (() => {})));
  }
  return rows;
}

/** The rows as a Markdown table, each growth beside the smallest federation of the same run. */
export function scaleTable(rows: readonly ScaleRow[]): string {
  const base = rows[0];
  if (!base) return '';
  const times = (value: number, of: number) => `${(value / of).toFixed(2)}×`;
  const lines = [
    '| nodes | start-up | RSS per node (total) | directory (fetch + check) | messages | commit → receipt p50 / p99 | messages/s |',
    '|---|---|---|---|---|---|---|',
    ...rows.map(
      (row) =>
        `| ${row.nodes} | ${row.startupSeconds.toFixed(1)} s (${times(row.startupSeconds, base.startupSeconds)}) ` +
        `| ${row.meanNodeMiB.toFixed(0)} MiB (${row.totalNodesMiB.toFixed(0)} MiB) ` +
        `| ${(row.directoryBytes / 1024).toFixed(1)} KiB, ${formatMs(row.directoryFetchMs)} (${times(row.directoryFetchMs, base.directoryFetchMs)}) ` +
        `| ${row.messages} | ${formatMs(row.p50Ms)} / ${formatMs(row.p99Ms)} (p99 ${times(row.p99Ms, base.p99Ms)}) ` +
        `| ${row.perSecond.toFixed(0)} (${times(row.perSecond, base.perSecond)}) |`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}
