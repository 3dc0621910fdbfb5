/**
 * Federation benchmark (issue 3): messages from State A's node to State B's node, each a real
 * process on loopback, with a secretariat, both on PGlite or both on PostgreSQL.
 *
 *   offered 50/s   an officer's API token at A sends a validated preservation request every 20 ms
 *                  (POST /api/v1/requests/{id}/approve by a supervisor: the two-person rule's send;
 *                  drafts created and submitted beforehand and not measured),
 *                  open loop: a slow answer does not delay the next send.
 *   saturation     the same sends from 32 concurrent clients as fast as A accepts them.
 *
 * Latency is from commit at A to receipt stored at A, read afterwards from A's database: the
 * outbox row's created_at (set in the transaction that records the send) to its
 * receipt_received_at (set when the verified receipt of B is stored). Both are timestamps of the
 * same clock. Sustained rate = messages / (last receipt stored − first message committed).
 *
 * Baseline, same run and same offered load: bench/baseline-server.ts (bare node:http, one INSERT
 * of the posted JSON, no authentication, no crypto) on the same kind of database; latency is the
 * client-side time of one POST, rate = messages / wall time.
 *
 * The load generator (this process) shares the machine's two cores with the nodes, so it posts
 * with node:http keep-alive agents, the leanest client at hand (fetch costs about twice the CPU
 * per request), for Comity and the baseline alike. Where the CPU goes at saturation is reported
 * per process: sending node, receiving node, PostgreSQL backends of both nodes' databases (on
 * PGlite the database runs inside each node) and the load generator, each with its share of the
 * whole and beside the bare baseline's process that does its part (server, backends, generator).
 * Last, once the machine is quiet, the cryptography of one message alone (message-cryptography.ts):
 * the floor of the CPU a message takes, and the rate this machine could carry on it alone.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { type Kysely, sql } from 'kysely';
import { loadConfig } from '../src/config.ts';
import { preservationDraft } from '../src/demo/demo-drafts.ts';
import { answer } from '../src/api-client/client.ts';
import { draftRequest, submitRequest } from '../src/demo/federation-api.ts';
import { type Federation, startFederation } from '../src/demo/federation-setup.ts';
import type { ApiClient } from '../src/demo/node-api.ts';
import { waitFor } from '../src/demo/node-process.ts';
import { isStaleConnectionError } from '../src/federation/delivery/message-poster.ts';
import { openDatabase } from '../src/storage/database.ts';
import type { Database } from '../src/storage/schema.ts';
import type { Figure } from './foundation.bench.ts';
import { startProcess } from './node-process.ts';
import { measureMessageCryptography, type MessageCryptography } from './message-cryptography.ts';
import { formatMs, median, percentile } from './statistics.ts';

const FIXED_RATE_PER_SECOND = 50;
const SATURATION_CLIENTS = 32;

/** One keep-alive connection per concurrent client (see the header: the generator must stay lean). */
const generatorAgent = new http.Agent({ keepAlive: true, maxSockets: SATURATION_CLIENTS * 2 });

/** One POST; `isStaleConnection` when a kept-alive connection failed before any answer. */
function postOnce(
  url: string,
  headers: Record<string, string>,
  payload: Buffer,
): Promise<{ status: number; text: string; isStaleConnection?: boolean }> {
  return new Promise((resolve, reject) => {
    let hasAnswer = false;
    const request = http.request(
      url,
      { method: 'POST', agent: generatorAgent, headers: { ...headers, 'content-length': payload.length } },
      (response) => {
        hasAnswer = true;
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString() }),
        );
        response.on('error', reject);
      },
    );
    request.on('error', (error: NodeJS.ErrnoException) => {
      if (isStaleConnectionError(request, hasAnswer, error))
        resolve({ status: 0, text: '', isStaleConnection: true });
      else reject(error);
    });
    request.end(payload);
  });
}

/**
 * POSTs `body` to `url` with node:http; resolves with the status once the answer is read. A
 * kept-alive connection the server closed while idle (its keep-alive timeout, between phases) is
 * found out only when a request is written to it, before the server read anything: that request
 * is posted once more on a new connection, as the node's own poster does (message-poster.ts).
 */
async function postLean(url: string, headers: Record<string, string>, body: string): Promise<number> {
  const payload = Buffer.from(body);
  let answer = await postOnce(url, headers, payload);
  if (answer.isStaleConnection) answer = await postOnce(url, headers, payload);
  if (answer.isStaleConnection) throw new Error(`POST ${url}: the server closed the connection twice`);
  if (answer.status < 200 || answer.status >= 300) {
    throw new Error(`POST ${url} answered ${answer.status}: ${answer.text.slice(0, 300)}`);
  }
  return answer.status;
}

/**
 * POST /api/v1/requests/{id}/approve with a supervisor's API token, as a national case system
 * would: under the two-person rule the approval is what sends (the approval, the request and its
 * outgoing message commit together).
 */
function sendWith(supervisor: ApiClient): (id: string) => Promise<void> {
  const credentials = supervisor.credentials;
  if (credentials?.kind !== 'token') throw new Error('the benchmark sends with an API token');
  const headers = {
    authorization: `Bearer ${credentials.token}`,
    accept: 'application/json',
    'content-type': 'application/json',
  };
  return async (id) => {
    await postLean(`${supervisor.url}/api/v1/requests/${encodeURIComponent(id)}/approve`, headers, '{}');
  };
}

export type FederationBenchOptions = Readonly<{
  quick?: boolean;
  /** Prints the slowest messages of the fixed-rate phase, each split at B's inbox (`--tail`). */
  shouldPrintTail?: boolean;
  /** Creates a fresh PostgreSQL database per node; without it, every node runs on PGlite. */
  createDatabase?: () => Promise<string>;
}>;

type OutboxTiming = { caseId: string; createdAt: number; receiptAt: number | null };

/** Creates `count` complete drafts at A and submits them for approval (not measured), with 8 clients. */
export async function createDrafts(
  officer: ApiClient,
  from: string,
  to: string,
  count: number,
): Promise<string[]> {
  const ids: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next += 1;
      const drafted = await draftRequest(officer, preservationDraft(from, to, next));
      if (!drafted.isReady) throw new Error(`benchmark draft is not ready: ${drafted.blocking.join('; ')}`);
      await submitRequest(officer, drafted.id);
      ids.push(drafted.id);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return ids;
}

/** Calls `send(item)` for every item at a fixed rate (open loop); resolves when every call ended. */
export async function atFixedRate<T>(
  items: readonly T[],
  perSecond: number,
  send: (item: T) => Promise<void>,
): Promise<void> {
  const interval = 1000 / perSecond;
  const started = performance.now();
  const pending: Promise<void>[] = [];
  for (const [index, item] of items.entries()) {
    const due = started + index * interval;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const call = send(item);
    // Handled now: a call failing while later ones are still being made is reported by the
    // Promise.all below, not as an unhandled rejection that ends the process.
    call.catch(() => undefined);
    pending.push(call);
  }
  await Promise.all(pending);
}

/** Calls `send(item)` for every item with `concurrency` clients, as fast as they answer. */
export async function atSaturation<T>(
  items: readonly T[],
  concurrency: number,
  send: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next]!;
      next += 1;
      await send(item);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/**
 * Waits until A's outbox holds no pending message (asked as A's administrator, one row at most per
 * call, every 500 ms, only after the sends ended, so that polling does not load A while it is measured).
 */
export async function waitUntilDelivered(admin: ApiClient, timeoutMs: number): Promise<void> {
  await waitFor(
    'an empty queue at A',
    async () => {
      const pending = await answer(
        admin.api.GET('/api/v1/outbox', { params: { query: { status: 'pending', limit: 1 } } }),
      );
      return pending.items.length === 0 ? true : undefined;
    },
    { timeoutMs, intervalMs: 500 },
  );
}

/**
 * FR's officer and the send of FR's supervisor, after a warm-up: a few messages to DE so both
 * nodes have compiled their paths and opened their pools.
 */
export async function warmUpFrToDe(federation: Federation) {
  const sender = federation.node('FR');
  const officer = await sender.userClient('officer');
  const send = sendWith(await sender.userClient('supervisor'));
  const warmUp = await createDrafts(officer, 'FR', 'DE', 20);
  await atSaturation(warmUp, 4, send);
  await waitUntilDelivered(sender.admin, 60_000);
  return { sender, officer, send };
}

/** Runs `read` on a stopped node's database (opened as the node opens it). */
async function readNodeDatabase<T>(
  node: Federation['nodes'][number]['process'],
  read: (db: Kysely<Database>) => Promise<T>,
): Promise<T> {
  const config = loadConfig({ ...node.env, COMITY_LOG_LEVEL: 'silent' } as Record<
    string,
    string | undefined
  >);
  const database = await openDatabase(config.database);
  try {
    return await read(database.db);
  } finally {
    await database.close();
  }
}

/** When B stored each message it received, by case (B stopped first), for the tail's split. */
async function readInboxTimes(federation: Federation): Promise<Map<string, number>> {
  const receiver = federation.nodes[1]!.process;
  await receiver.stop();
  const { rows } = await readNodeDatabase(receiver, (db) =>
    sql<{ case_id: string; received_at: Date }>`select case_id, received_at from inbox_messages`.execute(db),
  );
  return new Map(rows.map((row) => [row.case_id, new Date(row.received_at).getTime()]));
}

/**
 * The slowest messages of a phase, slowest first: when each was committed (seconds into the
 * phase), and its time split at B's inbox (commit at A → stored at B → receipt stored at A). Pauses
 * of one node show as messages slow on one side; pauses of the machine, on both.
 */
function describeTail(
  timings: readonly OutboxTiming[],
  cases: ReadonlySet<string>,
  receivedAt: ReadonlyMap<string, number>,
  count: number,
): string[] {
  const mine = timings.filter((timing) => cases.has(timing.caseId) && timing.receiptAt !== null);
  const start = Math.min(...mine.map((timing) => timing.createdAt));
  const total = (timing: OutboxTiming) => timing.receiptAt! - timing.createdAt;
  return [...mine]
    .sort((a, b) => total(b) - total(a))
    .slice(0, count)
    .map((timing) => {
      const stored = receivedAt.get(timing.caseId);
      const split =
        stored === undefined
          ? "not in B's inbox"
          : `A → stored at B ${stored - timing.createdAt} ms, B → receipt stored at A ${timing.receiptAt! - stored} ms`;
      return `  at ${((timing.createdAt - start) / 1000).toFixed(3)} s: ${total(timing)} ms (${split})`;
    });
}

/** Reads created_at and receipt_received_at of A's outbox; A must be stopped when it runs on PGlite. */
async function readOutboxTimings(federation: Federation): Promise<OutboxTiming[]> {
  const { rows } = await readNodeDatabase(federation.nodes[0]!.process, (db) =>
    sql<{ case_id: string; created_at: Date; receipt_received_at: Date | null }>`
      select case_id, created_at, receipt_received_at from outbox_messages`.execute(db),
  );
  return rows.map((row) => ({
    caseId: row.case_id,
    createdAt: new Date(row.created_at).getTime(),
    receiptAt: row.receipt_received_at ? new Date(row.receipt_received_at).getTime() : null,
  }));
}

type PhaseFigures = {
  p50: number;
  p99: number;
  perSecond: number;
  count: number;
  /** Rate at which A committed the sends (first to last commit): above perSecond, delivery is the bottleneck. */
  acceptedPerSecond?: number;
};

function summarize(timings: readonly OutboxTiming[], cases: ReadonlySet<string>): PhaseFigures {
  const mine = timings.filter((timing) => cases.has(timing.caseId) && timing.receiptAt !== null);
  if (mine.length !== cases.size) {
    throw new Error(`only ${mine.length} of ${cases.size} messages have a receipt in A's outbox`);
  }
  const latencies = mine.map((timing) => timing.receiptAt! - timing.createdAt);
  const first = Math.min(...mine.map((timing) => timing.createdAt));
  const last = Math.max(...mine.map((timing) => timing.receiptAt!));
  return {
    p50: median(latencies),
    p99: percentile(latencies, 0.99),
    perSecond: (mine.length / Math.max(1, last - first)) * 1000,
    acceptedPerSecond:
      (mine.length / Math.max(1, Math.max(...mine.map((timing) => timing.createdAt)) - first)) * 1000,
    count: mine.length,
  };
}

/** CPU milliseconds a message of the bare baseline: its server, its database's backends, its load generator. */
type BareCpuPerMessage = { server: number; database: number; generator: number };

/**
 * Baseline: the same offered loads against the bare POST + INSERT server, with the CPU a message
 * of each of its processes at saturation (`databases`: the PostgreSQL databases it writes to;
 * none on PGlite, which runs inside the server).
 */
async function measureBaseline(
  environment: Record<string, string>,
  databases: readonly string[],
  fixedCount: number,
  saturationCount: number,
): Promise<{ fixed: PhaseFigures; saturation: PhaseFigures; cpu: BareCpuPerMessage }> {
  const server = await startProcess([path.join(import.meta.dirname, 'baseline-server.ts')], environment);
  const body = JSON.stringify(preservationDraft('FR', 'DE'));
  const measure = async (
    count: number,
    run: (send: () => Promise<void>) => Promise<void>,
  ): Promise<PhaseFigures> => {
    const latencies: number[] = [];
    const post = async () => {
      const begin = performance.now();
      await postLean(`${server.url}/baseline`, { 'content-type': 'application/json' }, body);
      latencies.push(performance.now() - begin);
    };
    const started = performance.now();
    await run(post);
    const wall = performance.now() - started;
    return {
      p50: median(latencies),
      p99: percentile(latencies, 0.99),
      perSecond: (count / wall) * 1000,
      count,
    };
  };
  try {
    const slots = (count: number) => Array.from({ length: count }, (_, index) => index);
    await measure(100, (post) => atSaturation(slots(100), 8, post));
    const fixed = await measure(fixedCount, (post) =>
      atFixedRate(slots(fixedCount), FIXED_RATE_PER_SECOND, post),
    );
    const readCpu = (): BareCpuPerMessage => ({
      server: cpuMilliseconds(server.process.pid),
      database: databaseCpuMilliseconds(databases),
      generator: generatorCpuMilliseconds(),
    });
    const cpuBefore = readCpu();
    const saturation = await measure(saturationCount, (post) =>
      atSaturation(slots(saturationCount), SATURATION_CLIENTS, post),
    );
    const cpuAfter = readCpu();
    const perMessage = (key: keyof BareCpuPerMessage) => (cpuAfter[key] - cpuBefore[key]) / saturationCount;
    const cpu = {
      server: perMessage('server'),
      database: perMessage('database'),
      generator: perMessage('generator'),
    };
    return { fixed, saturation, cpu };
  } finally {
    await server.stop();
  }
}

/** CPU time (user + system) a process has used so far, in milliseconds, from /proc (Linux). */
function cpuMilliseconds(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    // After "pid (comm) ": state is field 3, utime 14 and stime 15 (1-based), in clock ticks of 10 ms.
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

/**
 * CPU time used so far by the PostgreSQL backends serving these databases (found by their process
 * title, "postgres: <user> <database> ..."), in milliseconds. Backends that ended meanwhile are
 * not counted, so this is a lower bound; the nodes' pools keep theirs open while they are busy.
 */
function databaseCpuMilliseconds(databases: readonly string[]): number {
  if (databases.length === 0) return Number.NaN;
  let total = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const title = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (!title.startsWith('postgres: ')) continue;
      if (!databases.some((database) => title.includes(` ${database} `))) continue;
      total += cpuMilliseconds(Number(pid));
    } catch {
      // The process ended meanwhile.
    }
  }
  return total;
}

/** CPU time (user + system) this process (the load generator) has used so far, in milliseconds. */
function generatorCpuMilliseconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

type CpuPerMessage = { sender: number; receiver: number; database: number; generator: number };

const ratio = (value: number, baseline: number): string => `${(value / baseline).toFixed(2)}×`;

export async function runFederationBenchmarks(options: FederationBenchOptions): Promise<Figure[]> {
  const label = options.createDatabase ? 'PostgreSQL 15' : 'PGlite';
  const fixedCount = options.quick ? 150 : 500;
  const saturationCount = options.quick ? 400 : 2000;
  const directory = mkdtempSync(path.join(os.tmpdir(), 'comity-bench-federation-'));
  const databases: string[] = [];
  const createDatabase = options.createDatabase;
  const databaseUrlFor = async (): Promise<string> => {
    const url = await createDatabase!();
    databases.push(decodeURIComponent(new URL(url).pathname.slice(1)));
    return url;
  };
  const federation = await startFederation({
    directory,
    states: ['FR', 'DE'],
    ...(createDatabase ? { databaseUrlFor } : {}),
    env: {
      COMITY_LOG_LEVEL: 'warn',
      COMITY_DIRECTORY_REFRESH_SECONDS: '5',
      // The embedded database's page cache, to compare settings (docs/benchmarks.md, light nodes).
      COMITY_PGLITE_SHARED_BUFFERS_MB: process.env.COMITY_PGLITE_SHARED_BUFFERS_MB,
      // How many messages a delivery worker has in flight (so how large its batches grow), likewise.
      COMITY_DELIVERY_CONCURRENCY: process.env.COMITY_DELIVERY_CONCURRENCY,
      // How often a node on PGlite looks for tables to vacuum and analyze, likewise (0: never).
      COMITY_PGLITE_MAINTENANCE_INTERVAL_SECONDS: process.env.COMITY_PGLITE_MAINTENANCE_INTERVAL_SECONDS,
    },
    shouldKeepLogs: false,
  }).catch((error: unknown) => {
    rmSync(directory, { recursive: true, force: true });
    throw error;
  });
  let timings: OutboxTiming[];
  let saturationCpu: CpuPerMessage = {
    sender: Number.NaN,
    receiver: Number.NaN,
    database: Number.NaN,
    generator: Number.NaN,
  };
  const fixedCases = new Set<string>();
  const saturationCases = new Set<string>();
  try {
    const { sender, officer, send } = await warmUpFrToDe(federation);

    const fixedIds = await createDrafts(officer, 'FR', 'DE', fixedCount);
    await atFixedRate(fixedIds, FIXED_RATE_PER_SECOND, send);
    await waitUntilDelivered(sender.admin, 120_000);
    for (const id of fixedIds) fixedCases.add(id);

    const saturationIds = await createDrafts(officer, 'FR', 'DE', saturationCount);
    const receiver = federation.node('DE');
    const readCpu = (): CpuPerMessage => ({
      sender: cpuMilliseconds(sender.process.child?.pid),
      receiver: cpuMilliseconds(receiver.process.child?.pid),
      database: databaseCpuMilliseconds(databases),
      generator: generatorCpuMilliseconds(),
    });
    const cpuBefore = readCpu();
    await atSaturation(saturationIds, SATURATION_CLIENTS, send);
    await waitUntilDelivered(sender.admin, 300_000);
    const cpuAfter = readCpu();
    const perMessage = (key: keyof CpuPerMessage) => (cpuAfter[key] - cpuBefore[key]) / saturationCount;
    saturationCpu = {
      sender: perMessage('sender'),
      receiver: perMessage('receiver'),
      database: perMessage('database'),
      generator: perMessage('generator'),
    };
    for (const id of saturationIds) saturationCases.add(id);

    await sender.process.stop();
    timings = await readOutboxTimings(federation);
    if (options.shouldPrintTail) {
      const tail = describeTail(timings, fixedCases, await readInboxTimes(federation), 15);
      process.stdout.write(
        `\nSlowest messages at ${FIXED_RATE_PER_SECOND}/s, ${label}:\n${tail.join('\n')}\n`,
      );
    }
  } finally {
    await federation.stop();
    rmSync(directory, { recursive: true, force: true });
  }

  const fixed = summarize(timings, fixedCases);
  const saturation = summarize(timings, saturationCases);
  const baselineUrl = createDatabase ? await createDatabase() : undefined;
  const baseline = await measureBaseline(
    baselineUrl ? { DATABASE_URL: baselineUrl } : {},
    baselineUrl ? [decodeURIComponent(new URL(baselineUrl).pathname.slice(1))] : [],
    fixedCount,
    saturationCount,
  );
  // After the nodes and the baseline have stopped: the machine is quiet.
  const cryptography = await measureMessageCryptography(options.quick ? 500 : 2000);
  const totals = cpuTotals(saturationCpu, baseline.cpu, createDatabase !== undefined);

  return [
    {
      name: `A → B at ${FIXED_RATE_PER_SECOND} messages/s offered, ${label}, ${fixed.count} messages: commit → receipt p50`,
      value: formatMs(fixed.p50),
      baseline: `${formatMs(baseline.fixed.p50)} (bare POST + INSERT, same rate)`,
      ratio: ratio(fixed.p50, baseline.fixed.p50),
    },
    {
      name: `A → B at ${FIXED_RATE_PER_SECOND} messages/s offered, ${label}: commit → receipt p99`,
      value: formatMs(fixed.p99),
      baseline: formatMs(baseline.fixed.p99),
      ratio: ratio(fixed.p99, baseline.fixed.p99),
    },
    {
      name: `A → B at saturation (${SATURATION_CLIENTS} clients sending), ${label}, ${saturation.count} messages: sustained`,
      value: `${saturation.perSecond.toFixed(0)} messages/s (A committed sends at ${saturation.acceptedPerSecond?.toFixed(0)}/s)`,
      baseline: `${baseline.saturation.perSecond.toFixed(0)} POST+INSERT/s`,
      ratio: ratio(saturation.perSecond, baseline.saturation.perSecond),
    },
    {
      name: `A → B at saturation, ${label}: commit → receipt p50 / p99`,
      value: `${formatMs(saturation.p50)} / ${formatMs(saturation.p99)}`,
      baseline: `${formatMs(baseline.saturation.p50)} / ${formatMs(baseline.saturation.p99)}`,
      ratio: ratio(saturation.p99, baseline.saturation.p99),
    },
    ...cpuFigures(label, saturationCpu, baseline.cpu, createDatabase !== undefined),
    ...cryptographyFigures(label, cryptography, {
      comityMs: totals.comity,
      bareMs: totals.bare,
      bareRate: baseline.saturation.perSecond,
    }),
  ];
}

/** The CPU a message takes over all processes, Comity's and the bare baseline's. */
function cpuTotals(
  comity: CpuPerMessage,
  bare: BareCpuPerMessage,
  isPostgres: boolean,
): { comity: number; bare: number } {
  return {
    comity: comity.sender + comity.receiver + (isPostgres ? comity.database : 0) + comity.generator,
    bare: bare.server + (isPostgres ? bare.database : 0) + bare.generator,
  };
}

/**
 * The cryptography of one message alone (message-cryptography.ts) beside the bare whole, the CPU
 * of a message at saturation beside it, and the rate this machine's cores could carry on the
 * cryptography alone beside the bare rate: how far the message path is from its own limit.
 */
function cryptographyFigures(
  label: string,
  cryptography: MessageCryptography,
  saturation: Readonly<{ comityMs: number; bareMs: number; bareRate: number }>,
): Figure[] {
  const cryptoMs = cryptography.totalUs / 1000;
  const us = (value: number) => value.toFixed(0);
  const cores = os.availableParallelism();
  const cryptoRate = (cores * 1000) / cryptoMs;
  return [
    {
      name: `The cryptography of one message alone, in one process (${label} half, ${cryptography.count} in a loop): seal at A, open at B, receipt signed at B and verified at A`,
      value: `${formatMs(cryptoMs)} (seal ${us(cryptography.sealUs)} µs, open ${us(cryptography.openUs)} µs, receipt ${us(cryptography.receiptSignUs)} + ${us(cryptography.receiptVerifyUs)} µs)`,
      baseline: `${formatMs(saturation.bareMs)} (bare whole, CPU per message at saturation)`,
      ratio: ratio(cryptoMs, saturation.bareMs),
    },
    {
      name: `CPU per message at saturation, ${label}: all processes, against the cryptography alone`,
      value: formatMs(saturation.comityMs),
      baseline: `${formatMs(cryptoMs)} (the cryptography alone)`,
      ratio: ratio(saturation.comityMs, cryptoMs),
    },
    {
      name: `The cryptography alone on this machine's ${cores} cores: messages/s if a message were nothing else`,
      value: `${cryptoRate.toFixed(0)} messages/s`,
      baseline: `${saturation.bareRate.toFixed(0)} POST+INSERT/s`,
      ratio: ratio(cryptoRate, saturation.bareRate),
    },
  ];
}

/**
 * Where the CPU of a message goes at saturation: each process's milliseconds and share of the
 * whole, each beside the bare baseline's process that does its part (the bare server stands for
 * each node: it takes the POST and writes the row), and the whole beside the bare whole.
 */
function cpuFigures(
  label: string,
  comity: CpuPerMessage,
  bare: BareCpuPerMessage,
  isPostgres: boolean,
): Figure[] {
  const { comity: total, bare: bareTotal } = cpuTotals(comity, bare, isPostgres);
  const share = (value: number) => `${formatMs(value)} (${((value / total) * 100).toFixed(0)} % of all)`;
  const name = (part: string) => `CPU per message at saturation, ${label}: ${part}`;
  const inside = isPostgres ? '' : ', its database inside it';
  return [
    {
      name: name('all processes'),
      value: formatMs(total),
      baseline: `${formatMs(bareTotal)} (bare server, its database, its load generator)`,
      ratio: ratio(total, bareTotal),
    },
    {
      name: name(`sending node${inside}`),
      value: share(comity.sender),
      baseline: `${formatMs(bare.server)} (bare server)`,
      ratio: ratio(comity.sender, bare.server),
    },
    {
      name: name(`receiving node${inside}`),
      value: share(comity.receiver),
      baseline: `${formatMs(bare.server)} (bare server)`,
      ratio: ratio(comity.receiver, bare.server),
    },
    ...(isPostgres
      ? [
          {
            name: name("PostgreSQL backends of both nodes' databases"),
            value: share(comity.database),
            baseline: `${formatMs(bare.database)} (bare server's backends)`,
            ratio: ratio(comity.database, bare.database),
          },
        ]
      : []),
    {
      name: name('load generator'),
      value: share(comity.generator),
      baseline: `${formatMs(bare.generator)} (bare load generator)`,
      ratio: ratio(comity.generator, bare.generator),
    },
  ];
}

/** What the figures mean, printed under the table. */
export const FEDERATION_METHOD =
  "Method: latency is commit at A → receipt stored at A, from A's outbox (created_at, set in the send transaction, " +
  "to receipt_received_at, set when B's verified receipt is stored); sustained rate = messages / (last receipt − first commit). " +
  `Sends go through POST /api/v1/requests/{id}/approve with a supervisor's API token (the two-person rule's send), drafts made and submitted beforehand; "${FIXED_RATE_PER_SECOND}/s" is open loop, ` +
  `saturation is ${SATURATION_CLIENTS} clients back to back. Baseline: bench/baseline-server.ts (node:http + one INSERT, no auth, no crypto) ` +
  'on the same database kind, same offered load, client-side POST latency, rate = messages / wall time. ' +
  'The load generator posts with node:http keep-alive agents (Comity and baseline alike). ' +
  "The cryptography alone: the benchmark's message sealed, opened, its receipt signed and verified in this process, in a loop after the run (bench/message-cryptography.ts). " +
  'Secretariat, A, B, the database and the load generator share this machine.';
