/**
 * Real node processes for process-level tests: each node is `node src/cli/main.ts serve` with its
 * own temporary COMITY_DATA_DIR (PGlite) or a fresh database on COMITY_TEST_POSTGRES_URL, a
 * loopback port it binds itself (any free one) and its identity from `comity init`. A test can kill
 * a node with SIGKILL and start it again on the same data.
 *
 *   const federation = await startFederation({ states: ['FR', 'DE'] });
 *   after(() => federation.stop());
 *   const fr = federation.node('FR');
 *   const officer = await fr.userClient('officer');
 *
 * The work is done by src/demo (the same code `comity demo` runs); this file adds what
 * tests need around it: temporary directories removed at the end, fresh PostgreSQL databases and
 * the reasons to skip a suite when a prerequisite is missing.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import { loadConfig } from '../../src/config.ts';
import { answer } from '../../src/api-client/client.ts';
import { preservationDraft, trafficDisclosureDraft } from '../../src/demo/demo-drafts.ts';
import type { RequestContent } from '../../src/core/request/draft.ts';
import {
  approveRequest,
  draftRequest,
  bringToExecution as executeReceived,
  listIncomingRequests,
  readDelivery,
  submitRequest,
} from '../../src/demo/federation-api.ts';
import type { ApiClient } from '../../src/demo/node-api.ts';
import { killAllNodeProcesses, type NodeProcess, waitFor } from '../../src/demo/node-process.ts';
import { loadNodeIdentity, readPublicKeyBundle } from '../../src/federation/identity/identity-store.ts';
import { messageDigest } from '../../src/federation/protocol/digest.ts';
import { PROTOCOL_VERSION } from '../../src/federation/protocol/envelope.ts';
import { sealMessage } from '../../src/federation/protocol/seal.ts';
import { createUuidV7 } from '../../src/federation/protocol/uuid-v7.ts';
import { openDatabase } from '../../src/storage/database.ts';
import { insertOutboxMessage } from '../../src/storage/outbox.repository.ts';
import type { Database } from '../../src/storage/schema.ts';
import {
  type Federation,
  type FederationOptions,
  startFederation as startFederationProcesses,
} from '../../src/demo/federation-setup.ts';

export type {
  Federation,
  FederationNode,
  FederationOptions,
} from '../../src/demo/federation-setup.ts';
export { apiClient, type ApiClient, createTokenFor, signIn } from '../../src/demo/node-api.ts';
export {
  createNodeProcess,
  delay,
  type NodeProcess,
  runComity,
  waitFor,
} from '../../src/demo/node-process.ts';

const postgresUrl = process.env.COMITY_TEST_POSTGRES_URL;

// A test file ended by a signal (the runner's timeout, Ctrl-C) kills its node processes first.
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    killAllNodeProcesses();
    process.exit(signal === 'SIGTERM' ? 143 : 130);
  });
}

/** Why PostgreSQL process tests cannot run here, or false when they can. */
export const POSTGRES_SKIP: string | false = postgresUrl
  ? false
  : 'PostgreSQL not available: set COMITY_TEST_POSTGRES_URL (npm test starts a cluster when Debian postgresql is installed)';

/** A new, empty database on COMITY_TEST_POSTGRES_URL; its URL. */
export async function createPostgresDatabase(): Promise<string> {
  if (!postgresUrl) throw new Error(POSTGRES_SKIP || 'COMITY_TEST_POSTGRES_URL is not set');
  const name = `comity_proc_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    await client.query(`create database ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(postgresUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

const temporaryDirectories = new Set<string>();
process.on('exit', () => {
  for (const directory of temporaryDirectories) rmSync(directory, { recursive: true, force: true });
});

/** A temporary directory, deleted when this process exits (or earlier by the federation's stop). */
export function temporaryDirectory(prefix = 'comity-proc-'): string {
  const directory = mkdtempSync(path.join(os.tmpdir(), prefix));
  temporaryDirectories.add(directory);
  return directory;
}

function removeTemporaryDirectory(directory: string): void {
  rmSync(directory, { recursive: true, force: true });
  temporaryDirectories.delete(directory);
}

/**
 * Starts a secretariat and one node per State in `states` (or `nodes`), in a temporary directory,
 * with short directory refresh and delivery polling so tests do not wait. On PostgreSQL
 * (`database: 'postgres'`) every node gets a fresh database. `stop()` stops every process and
 * deletes the directory.
 */
export async function startFederation(
  options: Omit<FederationOptions, 'directory' | 'databaseUrlFor'> & {
    database?: 'pglite' | 'postgres';
  },
): Promise<Federation> {
  const directory = temporaryDirectory('comity-federation-');
  const federation = await startFederationProcesses({
    ...options,
    directory,
    ...(options.database === 'postgres' ? { databaseUrlFor: () => createPostgresDatabase() } : {}),
    env: { COMITY_DIRECTORY_REFRESH_SECONDS: '1', COMITY_DELIVERY_POLL_MS: '200', ...options.env },
  }).catch((error: unknown) => {
    removeTemporaryDirectory(directory);
    throw error;
  });
  for (const node of federation.nodes) {
    if (node.accounts) supervisorsByUrl.set(node.url, () => node.userClient('supervisor'));
  }
  return {
    ...federation,
    stop: async () => {
      await federation.stop();
      removeTemporaryDirectory(directory);
    },
  };
}

// --- The two-person rule -----------------------------------------------------------------------------

/** The supervisor of each node a test federation started, by the node's URL. */
const supervisorsByUrl = new Map<string, () => Promise<ApiClient>>();

/** The supervisor of the node a client talks to (a node of startFederation, with its demo accounts). */
/**
 * Lets the process at `url` approve with `supervisor`: a node started without this module's
 * startFederation, or another process serving the same database as a node.
 */
export function approveAtWith(url: string, supervisor: () => Promise<ApiClient>): void {
  supervisorsByUrl.set(url, supervisor);
}

export async function supervisorFor(client: ApiClient): Promise<ApiClient> {
  const supervisor = supervisorsByUrl.get(client.url);
  if (!supervisor) throw new Error(`no supervisor known at ${client.url} to approve what leaves it`);
  return supervisor();
}

/**
 * Sends a request as nodes do under the two-person rule: the drafter submits it, the node's
 * supervisor approves it (which queues its message).
 */
export async function submitAndApprove(drafter: ApiClient, requestId: string): Promise<void> {
  // Resumable, as a person would go on after a failure: a request submitted before (its approval
  // refused by a fault) is only approved; one already sent is left as it is.
  const { request } = await answer(
    drafter.api.GET('/api/v1/requests/{id}', { params: { path: { id: requestId } } }),
  );
  if (request.status === 'draft') await submitRequest(drafter, requestId);
  if (request.status === 'draft' || request.status === 'awaiting-approval') {
    await approveRequest(await supervisorFor(drafter), requestId);
  }
}

/**
 * France's officer sends a preservation request to Germany through the API; answers its id on
 * each node once delivered (Germany's read by its duty officer).
 */
export function deliverPreservationFromFrance(
  federation: Federation,
): Promise<Readonly<{ frRequestId: string; deRequestId: string }>> {
  return deliverFromFrance(federation, preservationDraft('FR', 'DE'));
}

/**
 * The same with a request for the expedited disclosure of preserved traffic data (Art. 43): a
 * request evidence is sent on (a preservation discloses nothing).
 */
export function deliverTrafficDisclosureFromFrance(
  federation: Federation,
  /** What the test changes in the demo's request before France sends it. */
  change: (content: RequestContent) => RequestContent = (content) => content,
): Promise<Readonly<{ frRequestId: string; deRequestId: string }>> {
  return deliverFromFrance(federation, change(trafficDisclosureDraft('FR', 'DE')));
}

/**
 * Brings Germany's case of a request received from France to execution, as its people do
 * (acknowledged and assessed by the duty officer, accepted by the legal reviewer, execution
 * begun): evidence answers only a request in execution.
 */
export async function bringToExecution(federation: Federation, deRequestId: string): Promise<void> {
  const de = federation.node('DE');
  await executeReceived(
    await de.userClient('duty-officer'),
    await de.userClient('legal-reviewer'),
    deRequestId,
  );
}

async function deliverFromFrance(
  federation: Federation,
  content: RequestContent,
): Promise<Readonly<{ frRequestId: string; deRequestId: string }>> {
  const officer = await federation.node('FR').userClient('officer');
  const drafted = await draftRequest(officer, content);
  assert.ok(drafted.isReady, drafted.blocking.join('; '));
  await submitAndApprove(officer, drafted.id);
  await waitFor(
    'the request delivered to DE',
    async () => ((await readDelivery(officer, drafted.id)).state === 'delivered' ? true : undefined),
    { timeoutMs: 30_000, intervalMs: 250 },
  );
  const duty = await federation.node('DE').userClient('duty-officer');
  const received = (await listIncomingRequests(duty)).find((item) => item.remoteRequestId === drafted.id);
  assert.ok(received, 'DE lists the request it received');
  return { frRequestId: drafted.id, deRequestId: received.id };
}

// --- Bursts and what the databases say afterwards --------------------------------------------------

/** Creates `count` complete preservation drafts from `from` to `to` at the sender (API, `concurrency` clients). */
export async function draftMany(
  officer: ApiClient,
  from: string,
  to: string,
  count: number,
  concurrency = 8,
): Promise<string[]> {
  const ids: string[] = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next;
      next += 1;
      const drafted = await draftRequest(officer, preservationDraft(from, to, index + 1));
      if (!drafted.isReady) throw new Error(`draft ${index} is not ready: ${drafted.blocking.join('; ')}`);
      ids[index] = drafted.id;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return ids;
}

export type BurstResult = Readonly<{
  /** Requests whose send call answered 2xx. */
  sent: ReadonlySet<string>;
  /** Requests whose send call failed (the node died under it...), with the reason. */
  failed: ReadonlyMap<string, string>;
}>;

/**
 * Sends every request (submitted by `officer`, approved by its node's supervisor) with `concurrency` clients. A failed call
 * is recorded, not thrown: a test that kills the sender expects some. `onSent` sees the count.
 */
export async function sendMany(
  officer: ApiClient,
  ids: readonly string[],
  options: Readonly<{ concurrency?: number; onSent?: (count: number) => void }> = {},
): Promise<BurstResult> {
  const sent = new Set<string>();
  const failed = new Map<string, string>();
  let next = 0;
  const worker = async () => {
    while (next < ids.length) {
      const id = ids[next]!;
      next += 1;
      try {
        await submitAndApprove(officer, id);
        sent.add(id);
        options.onSent?.(sent.size);
      } catch (error) {
        failed.set(id, error instanceof Error ? error.message : String(error));
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 8 }, worker));
  return { sent, failed };
}

/**
 * Sends `ids` 8 at a time and returns once the burst is well under way (150 sends accepted and the
 * first request delivered), so a test can break a node mid-burst: the burst's result, and how many
 * sends had been accepted at that moment.
 */
export async function sendBurstUnderWay(
  officer: ApiClient,
  ids: readonly string[],
): Promise<Readonly<{ burst: Promise<BurstResult>; sentSoFar: () => number }>> {
  let sentSoFar = 0;
  const burst = sendMany(officer, ids, {
    concurrency: 8,
    onSent: (count) => {
      sentSoFar = count;
    },
  });
  await waitFor(
    '150 sends accepted and the first request delivered',
    async () =>
      sentSoFar >= 150 && (await readDelivery(officer, ids[0]!)).state === 'delivered' ? true : undefined,
    { timeoutMs: 60_000, intervalMs: 20 },
  );
  return { burst, sentSoFar: () => sentSoFar };
}

/**
 * Runs `work` on a node's own database, as the node sees it. On PGlite the node must be stopped
 * (one process at a time opens a PGlite directory); this stops it first and leaves it stopped.
 */
export async function withNodeDatabase<T>(
  node: NodeProcess,
  work: (db: Kysely<Database>) => Promise<T>,
): Promise<T> {
  const config = loadConfig({ ...node.env, COMITY_LOG_LEVEL: 'silent' });
  if (config.database.kind === 'pglite') await node.stop();
  const database = await openDatabase(config.database);
  try {
    return await work(database.db);
  } finally {
    await database.close();
  }
}

/** What the receiver stored: incoming requests by sender's request id, and inbox messages. */
export type ReceiverCounts = Readonly<{
  incomingRequests: number;
  distinctRemoteRequests: number;
  inboxMessages: number;
  /** Sender's request ids that arrived more than once (must be empty). */
  duplicates: readonly string[];
}>;

export async function countReceived(db: Kysely<Database>, fromNodeId: string): Promise<ReceiverCounts> {
  const { rows } = await sql<{ remote_request_id: string | null; copies: number | string }>`
    select remote_request_id, count(*) as copies from requests
    where direction = 'incoming' and peer_node_id = ${fromNodeId}
    group by remote_request_id`.execute(db);
  const inbox = await sql<{ total: number | string }>`
    select count(*) as total from inbox_messages where from_node_id = ${fromNodeId}`.execute(db);
  return {
    incomingRequests: rows.reduce((sum, row) => sum + Number(row.copies), 0),
    distinctRemoteRequests: rows.length,
    inboxMessages: Number(inbox.rows[0]?.total ?? 0),
    duplicates: rows.filter((row) => Number(row.copies) > 1).map((row) => String(row.remote_request_id)),
  };
}

/** The sender's outbox rows toward a peer: status and whether a receipt is stored, in creation order. */
export type OutboxRowView = Readonly<{
  id: string;
  caseId: string;
  status: string;
  hasReceipt: boolean;
  sequence: number;
  attempts: number;
}>;

export async function readOutbox(db: Kysely<Database>, peerNodeId: string): Promise<OutboxRowView[]> {
  const { rows } = await sql<{
    id: string;
    case_id: string;
    status: string;
    receipt: string | null;
    sequence: number | string;
    attempts: number | string;
  }>`
    select id, case_id, status, receipt, sequence, attempts from outbox_messages
    where peer_node_id = ${peerNodeId} order by sequence`.execute(db);
  return rows.map((row) => ({
    id: row.id,
    caseId: row.case_id,
    status: row.status,
    hasReceipt: row.receipt !== null,
    sequence: Number(row.sequence),
    attempts: Number(row.attempts),
  }));
}

/** How many of `ids` the sender shows as delivered (GET /api/v1/requests, the officer's own). */
export async function countDelivered(officer: ApiClient, ids: readonly string[]): Promise<number> {
  const wanted = new Set(ids);
  let delivered = 0;
  let cursor: string | null = null;
  do {
    const page: {
      items: { id: string; deliveryState?: string | null }[];
      nextCursor: string | null;
    } = await officer.expect('GET', `/api/v1/requests?limit=500${cursor ? `&cursor=${cursor}` : ''}`);
    delivered += page.items.filter(
      (item) => wanted.has(item.id) && item.deliveryState === 'delivered',
    ).length;
    cursor = page.nextCursor;
  } while (cursor !== null);
  return delivered;
}

/** Waits until the sender shows every one of `ids` as delivered (receipt stored). */
export async function waitUntilAllDelivered(
  officer: ApiClient,
  ids: readonly string[],
  timeoutMs: number,
): Promise<void> {
  let last = 0;
  await waitFor(
    `all ${ids.length} requests delivered (last count: see error)`,
    async () => {
      last = await countDelivered(officer, ids);
      return last === ids.length ? true : undefined;
    },
    { timeoutMs, intervalMs: 500 },
  ).catch((error: unknown) => {
    throw new Error(`${(error as Error).message}; ${last} of ${ids.length} delivered`);
  });
}

/** A sealed message, with its envelope id and the node it is addressed to. */
export type SealedPing = Readonly<{ id: string; message: string; peerNodeId: string }>;

/**
 * Seals `ping` messages from the sender to the receiver with the sender's own keys and the
 * receiver's current encryption key, as read from their identity directories (the nodes may run).
 */
export async function pingSealer(
  sender: NodeProcess,
  receiver: NodeProcess,
): Promise<(caseId: string, now: Date) => Promise<SealedPing>> {
  const config = loadConfig({ ...sender.env, COMITY_LOG_LEVEL: 'silent' });
  const identity = await loadNodeIdentity(config);
  if (!identity) throw new Error(`${sender.name} has no identity: run comity init first`);
  const receiverBundle = await readPublicKeyBundle(path.join(receiver.dataDirectory, 'identity'));
  const encryption = receiverBundle.keys.find((key) => key.use === 'enc' && key.status === 'current');
  if (!encryption) throw new Error(`${receiver.name} has no current encryption key`);
  return async (caseId, now) => {
    const id = createUuidV7();
    const message = await sealMessage({
      envelope: {
        v: PROTOCOL_VERSION,
        id,
        from: identity.nodeId,
        to: receiverBundle.nodeId,
        type: 'ping',
        case: caseId,
        createdAt: now.toISOString(),
      },
      body: {},
      senderSigning: identity.keys.signing,
      recipientEncryption: { kid: encryption.kid, publicJwk: encryption.jwk },
    });
    return { id, message, peerNodeId: receiverBundle.nodeId };
  };
}

/**
 * The bulk internal path for tests that need several messages in one case (the API sends one
 * message per request): seals `ping` messages (pingSealer) and writes them to the sender's outbox
 * as the send service does (insertOutboxMessage), in the order given. On PGlite the sender must be
 * stopped (this stops it); start it again to deliver them. Returns the message ids in order.
 */
export async function enqueuePings(
  sender: NodeProcess,
  receiver: NodeProcess,
  cases: readonly string[],
): Promise<{ id: string; caseId: string }[]> {
  const seal = await pingSealer(sender, receiver);
  const queued: { id: string; caseId: string }[] = [];
  await withNodeDatabase(sender, async (db) => {
    for (const caseId of cases) {
      const now = new Date();
      const { id, message, peerNodeId } = await seal(caseId, now);
      await insertOutboxMessage(db, {
        id,
        caseId,
        peerNodeId,
        type: 'ping',
        message,
        digest: messageDigest(message),
        now,
      });
      queued.push({ id, caseId });
    }
  });
  return queued;
}

/** Messages the receiver accepted, by envelope id: case and time of reception. */
export async function readInbox(
  db: Kysely<Database>,
  fromNodeId: string,
): Promise<Map<string, { caseId: string; receivedAt: number }>> {
  const { rows } = await sql<{ id: string; case_id: string; received_at: Date | string }>`
    select id, case_id, received_at from inbox_messages where from_node_id = ${fromNodeId}`.execute(db);
  return new Map(
    rows.map((row) => [row.id, { caseId: row.case_id, receivedAt: new Date(row.received_at).getTime() }]),
  );
}

/** When the sender stored each message's receipt, by envelope id. */
export async function readReceiptTimes(
  db: Kysely<Database>,
  peerNodeId: string,
): Promise<Map<string, number>> {
  const { rows } = await sql<{ id: string; receipt_received_at: Date | string | null }>`
    select id, receipt_received_at from outbox_messages where peer_node_id = ${peerNodeId}`.execute(db);
  return new Map(
    rows
      .filter((row) => row.receipt_received_at !== null)
      .map((row) => [row.id, new Date(row.receipt_received_at!).getTime()]),
  );
}
