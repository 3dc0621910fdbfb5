/**
 * Process test: the node outlives its PostgreSQL server. Each fault gets its own throwaway
 * cluster (never the shared one npm test starts), holding the databases of a secretariat and of
 * FR and DE. In the middle of a burst of requests from FR to DE:
 *
 * - the server stops (and FR is restarted while it is down: start-up waits), then starts again;
 * - every session of the nodes' databases is terminated (pg_terminate_backend), with new
 *   connections refused for a while;
 * - FR's connections go through a TCP proxy that freezes (forwards nothing), then resumes.
 *
 * Meanwhile no node process exits, and FR answers 503: the health check names the database as
 * unavailable and the API answers problem type database-unavailable. Afterwards every message FR
 * queued (each accepted send, and a send whose answer was lost but that committed) is delivered
 * exactly once, with its receipt stored.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { type Cluster, POSTGRES_BIN, startPostgresCluster } from '../../scripts/postgres-cluster.ts';
import { startFederation as startFederationProcesses } from '../../src/demo/federation-setup.ts';
import {
  type ApiClient,
  countReceived,
  draftMany,
  type Federation,
  type FederationNode,
  readOutbox,
  sendMany,
  approveAtWith,
  temporaryDirectory,
  waitFor,
  withNodeDatabase,
} from '../helpers/node-process.ts';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.ts';

const REQUESTS = 12;
const DATABASE_PROBLEM = 'urn:comity:problem:database-unavailable';

/** Short timeouts, so a fault shows within seconds and the nodes come back quickly. */
const NODE_ENV = {
  COMITY_DIRECTORY_REFRESH_SECONDS: '1',
  COMITY_DELIVERY_POLL_MS: '200',
  COMITY_DELIVERY_TIMEOUT_MS: '3000',
  COMITY_DATABASE_CONNECT_TIMEOUT_MS: '1000',
  COMITY_DATABASE_STATEMENT_TIMEOUT_MS: '2000',
  COMITY_DATABASE_QUERY_TIMEOUT_MS: '3000',
  COMITY_DATABASE_RETRY_MAX_MS: '1000',
};

const skip = existsSync(path.join(POSTGRES_BIN, 'initdb'))
  ? false
  : `PostgreSQL server binaries not found in ${POSTGRES_BIN} (apt-get install postgresql)`;

/** Runs `statement` on the cluster's maintenance database. */
async function onCluster<T extends pg.QueryResultRow>(
  cluster: Cluster,
  statement: string,
  values: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: cluster.url });
  await client.connect();
  try {
    return (await client.query<T>(statement, values)).rows;
  } finally {
    await client.end();
  }
}

type Setup = Readonly<{
  cluster: Cluster;
  federation: Federation;
  fr: FederationNode;
  de: FederationNode;
  officer: ApiClient;
  /** Database name of each node process, by name (secretariat, fr-poc, de-poc). */
  databases: ReadonlyMap<string, string>;
  stop: () => Promise<void>;
}>;

/**
 * A cluster of its own and a federation on it: every node gets a database there; `urlFor` may
 * route a node through something else (the freezing proxy).
 */
async function startOnOwnCluster(
  urlFor: (name: string, direct: string) => Promise<string> = async (_, direct) => direct,
): Promise<Setup> {
  const cluster = await startPostgresCluster();
  if (!cluster) throw new Error('no PostgreSQL cluster could be started');
  const databases = new Map<string, string>();
  let federation: Federation | undefined;
  try {
    federation = await startFederationProcesses({
      directory: temporaryDirectory('comity-db-faults-'),
      states: ['FR', 'DE'],
      shouldKeepLogs: false,
      env: NODE_ENV,
      databaseUrlFor: async (name) => {
        const database = `comity_${name.replace(/[^a-z0-9]/g, '_')}`;
        await onCluster(cluster, `create database ${database}`);
        databases.set(name, database);
        const url = new URL(cluster.url);
        url.pathname = `/${database}`;
        return urlFor(name, url.toString());
      },
    });
  } catch (error) {
    cluster.stop();
    throw error;
  }
  const running = federation;
  const fr = running.node('FR');
  for (const node of running.nodes) approveAtWith(node.url, () => node.userClient('supervisor'));
  return {
    cluster,
    federation: running,
    fr,
    de: running.node('DE'),
    officer: await fr.userClient('officer'),
    databases,
    stop: async () => {
      await running.stop();
      cluster.stop();
    },
  };
}

/**
 * Sends the first half of the drafts; once `faultAfter` are accepted, `fault()` runs while the
 * rest of that half goes on. Then, the fault in place, sends the second half: all refused.
 */
async function burstWithFault(
  setup: Setup,
  ids: readonly string[],
  faultAfter: number,
  fault: () => Promise<void>,
): Promise<{ accepted: Set<string>; refused: string[] }> {
  const middle = Math.ceil(ids.length / 2);
  let faulted: Promise<void> | undefined;
  const first = await sendMany(setup.officer, ids.slice(0, middle), {
    concurrency: 2,
    onSent: (count) => {
      if (count === faultAfter) faulted = fault();
    },
  });
  assert.ok(faulted, `${faultAfter} sends accepted before the fault`);
  await faulted;
  const second = await sendMany(setup.officer, ids.slice(middle), { concurrency: 2 });
  assert.equal(second.sent.size, 0, 'no send accepted during the fault');
  return {
    accepted: new Set(first.sent),
    refused: [...first.failed.keys(), ...second.failed.keys()],
  };
}

/** FR answers 503 for the database: the health check names it, the API uses its problem type. */
async function assertDatabaseUnavailable(setup: Setup): Promise<void> {
  await waitFor(
    'FR health to answer 503 with the database unavailable',
    async () => {
      const response = await fetch(`${setup.fr.url}/api/v1/health`, { signal: AbortSignal.timeout(10_000) });
      const body = (await response.json()) as { dependencies?: { database?: string } };
      return response.status === 503 && body.dependencies?.database === 'unavailable' ? true : undefined;
    },
    { timeoutMs: 30_000, intervalMs: 200 },
  );
  const answer = await setup.officer.call<{ type?: string }>('GET', '/api/v1/requests');
  assert.equal(answer.status, 503, answer.text);
  assert.equal(answer.body.type, DATABASE_PROBLEM);
}

async function waitUntilHealthy(node: FederationNode): Promise<void> {
  await waitFor(
    `${node.spec.nodeId} healthy again`,
    async () => {
      const response = await fetch(`${node.url}/api/v1/health`, { signal: AbortSignal.timeout(10_000) });
      await response.arrayBuffer();
      return response.status === 200 ? true : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 200 },
  );
}

function assertStillRunning(setup: Setup, pids: ReadonlyMap<string, number | undefined>): void {
  for (const node of [setup.federation.secretariat, setup.fr.process, setup.de.process]) {
    assert.ok(node.isRunning(), `${node.name} is running:\n${node.outputTail()}`);
    if (pids.has(node.name)) assert.equal(node.child?.pid, pids.get(node.name), `${node.name} never exited`);
  }
}

function pidsOf(setup: Setup): Map<string, number | undefined> {
  return new Map(
    [setup.federation.secretariat, setup.fr.process, setup.de.process].map((node) => [
      node.name,
      node.child?.pid,
    ]),
  );
}

/**
 * After the fault: sends once more the drafts whose send was refused (one whose answer was lost
 * may have been sent: it answers 409), then checks that every message FR queued reached DE
 * exactly once and that FR stored its receipt, and that every accepted send is among them.
 */
async function assertEverythingDeliveredOnce(
  setup: Setup,
  ids: readonly string[],
  burst: { accepted: Set<string>; refused: string[] },
): Promise<void> {
  const retried = await sendMany(setup.officer, burst.refused, { concurrency: 2 });
  for (const [id, reason] of retried.failed)
    assert.match(reason, /only a draft can be sent/, `${id}: ${reason}`);
  const accepted = new Set([...burst.accepted, ...retried.sent]);
  assert.ok(accepted.size > 0);

  type Listed = { items: { id: string; status: string; deliveryState?: string | null }[] };
  let sent: Listed['items'] = [];
  await waitFor(
    'every sent request delivered',
    async () => {
      const { items } = await setup.officer.expect<Listed>('GET', '/api/v1/requests');
      sent = items.filter((item) => ids.includes(item.id) && item.status === 'sent');
      return sent.every((item) => item.deliveryState === 'delivered') ? true : undefined;
    },
    { timeoutMs: 90_000, intervalMs: 500 },
  );
  for (const id of accepted)
    assert.ok(
      sent.some((item) => item.id === id),
      `accepted request ${id} is sent`,
    );

  const outbox = await withNodeDatabase(setup.fr.process, (db) => readOutbox(db, 'de-poc'));
  assert.equal(outbox.length, sent.length, 'one message per sent request');
  for (const row of outbox) {
    assert.equal(row.status, 'delivered', `message ${row.id}`);
    assert.ok(row.hasReceipt, `receipt of ${row.id} stored`);
  }
  const received = await withNodeDatabase(setup.de.process, (db) => countReceived(db, 'fr-poc'));
  assert.deepEqual(received.duplicates, []);
  assert.equal(received.inboxMessages, outbox.length, 'DE processed each message once');
  assert.equal(received.distinctRemoteRequests, sent.length);
}

/**
 * A test on a federation of its own, on a cluster of its own, both stopped at the end; it gets
 * REQUESTS drafts from FR to DE and the process ids of the nodes before the fault.
 */
function itOnOwnCluster(
  title: string,
  test: (
    setup: Setup,
    ids: readonly string[],
    pids: ReadonlyMap<string, number | undefined>,
  ) => Promise<void>,
  urlFor?: (name: string, direct: string) => Promise<string>,
): void {
  it(title, async () => {
    const setup = await startOnOwnCluster(urlFor);
    try {
      const ids = await draftMany(setup.officer, 'FR', 'DE', REQUESTS);
      await test(setup, ids, pidsOf(setup));
    } finally {
      await setup.stop();
    }
  });
}

describe('database faults under a burst of messages', { skip, timeout: 600_000, concurrency: false }, () => {
  describe('the server stops and starts again', () => {
    itOnOwnCluster(
      'keeps FR and DE running, answers 503, waits at start-up, then delivers everything once',
      async (setup, ids, pids) => {
        const burst = await burstWithFault(setup, ids, 3, async () => setup.cluster.stopServer());
        assertStillRunning(setup, pids);
        await assertDatabaseUnavailable(setup);
        assertStillRunning(setup, pids);

        // FR restarted while the server is down: it waits for the database instead of exiting.
        await setup.fr.process.stop();
        const restarting = setup.fr.process.start();
        await waitFor(
          'FR to try to reach the database twice at start-up',
          async () =>
            (setup.fr.process.outputTail().match(/waiting for the database/g)?.length ?? 0) >= 2
              ? true
              : undefined,
          { timeoutMs: 60_000, intervalMs: 200 },
        );
        assert.ok(setup.fr.process.isRunning(), setup.fr.process.outputTail());

        setup.cluster.startServer();
        await restarting;
        await waitUntilHealthy(setup.de);
        assertStillRunning(setup, new Map([...pids].filter(([name]) => name !== 'fr-poc')));
        await assertEverythingDeliveredOnce(setup, ids, burst);
      },
    );
  });

  describe("the nodes' sessions are terminated", () => {
    itOnOwnCluster(
      'keeps the nodes running, answers 503 while connections are refused, then delivers everything once',
      async (setup, ids, pids) => {
        const names = ['fr-poc', 'de-poc'].map((name) => setup.databases.get(name)!);
        const burst = await burstWithFault(setup, ids, 3, async () => {
          // No new sessions for a while, so the outage lasts long enough to be seen.
          for (const name of names)
            await onCluster(setup.cluster, `alter database ${name} allow_connections false`);
          await onCluster(
            setup.cluster,
            'select pg_terminate_backend(pid) from pg_stat_activity where datname = any($1) and pid <> pg_backend_pid()',
            [names],
          );
        });
        await assertDatabaseUnavailable(setup);
        assertStillRunning(setup, pids);
        for (const name of names)
          await onCluster(setup.cluster, `alter database ${name} allow_connections true`);
        await waitUntilHealthy(setup.fr);
        await waitUntilHealthy(setup.de);
        assertStillRunning(setup, pids);
        await assertEverythingDeliveredOnce(setup, ids, burst);
        assertStillRunning(setup, pids);
      },
    );
  });

  describe("FR's connections freeze", () => {
    let proxy: TcpProxy | undefined;
    after(async () => {
      proxy?.resume();
      await proxy?.close();
    });

    itOnOwnCluster(
      'answers 503 instead of hanging, keeps running, then delivers everything once',
      async (setup, ids, pids) => {
        assert.ok(proxy);
        const burst = await burstWithFault(setup, ids, 3, async () => proxy?.freeze());
        await assertDatabaseUnavailable(setup);
        assertStillRunning(setup, pids);
        proxy.resume();
        await waitUntilHealthy(setup.fr);
        assertStillRunning(setup, pids);
        await assertEverythingDeliveredOnce(setup, ids, burst);
        assertStillRunning(setup, pids);
      },
      // FR reaches the database through the proxy.
      async (name, direct) => {
        if (name !== 'fr-poc') return direct;
        const url = new URL(direct);
        proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port) });
        url.port = String(proxy.port);
        return url.toString();
      },
    );
  });
});
