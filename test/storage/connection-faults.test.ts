/**
 * The node's PostgreSQL connections when the server misbehaves: a terminated session, a
 * statement past statement_timeout, a frozen network, a server that refuses connections. The
 * process never sees an unhandled 'error' event; a query fails with database-unavailable and the
 * next one, once the server is back, succeeds. The notification listener connects again and
 * listens again after its session is terminated.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import pg from 'pg';
import type { DatabaseTimeouts } from '../../src/config.ts';
import { isAppError } from '../../src/core/errors.ts';
import { waitFor } from '../../src/demo/node-process.ts';
import { type DatabaseHandle, isDatabaseReachable, openDatabase } from '../../src/storage/database.ts';
import { listenForNotifications, notifyChannel } from '../../src/storage/notifications.ts';
import { closedPort } from '../helpers/closed-port.ts';
import { POSTGRES_TARGET } from '../helpers/database.ts';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.ts';

const SHORT: DatabaseTimeouts = {
  connectTimeoutMs: 1000,
  statementTimeoutMs: 300,
  queryTimeoutMs: 1000,
  retryMaxMs: 500,
};

function isDatabaseUnavailable(error: unknown): boolean {
  return isAppError(error) && error.code === 'database-unavailable';
}

/** Terminates every session on `database` but the caller's; returns how many. */
async function terminateSessions(adminUrl: string, database: string): Promise<number> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ pid: number }>(
      'select pg_terminate_backend(pid) as ok, pid from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
      [database],
    );
    return rows.length;
  } finally {
    await admin.end();
  }
}

describe('PostgreSQL connection faults', { skip: POSTGRES_TARGET.skip }, () => {
  let url: string;
  let name: string;
  before(async () => {
    const config = await POSTGRES_TARGET.config();
    assert.equal(config.kind, 'postgres');
    url = config.url;
    name = new URL(url).pathname.slice(1);
  });

  it('drops terminated connections, reports them, and serves the next query on a new one', async () => {
    const lost: unknown[] = [];
    const handle = await openDatabase(
      { kind: 'postgres', url, timeouts: SHORT },
      { onConnectionError: (error) => lost.push(error) },
    );
    try {
      // Several connections in the pool, idle.
      await Promise.all(Array.from({ length: 4 }, () => sql`select pg_sleep(0.05)`.execute(handle.db)));
      const terminated = await terminateSessions(url, name);
      assert.ok(terminated >= 1);
      await waitFor(
        'the pool to report the lost connections',
        async () => (lost.length === terminated ? true : undefined),
        {
          timeoutMs: 10_000,
          intervalMs: 50,
        },
      );
      const { rows } = await sql<{ one: number }>`select 1 as one`.execute(handle.db);
      assert.equal(rows[0]?.one, 1);
    } finally {
      await handle.close();
    }
  });

  it('fails a statement that outlasts statement_timeout with database-unavailable, and goes on', async () => {
    const handle = await openDatabase({ kind: 'postgres', url, timeouts: SHORT });
    try {
      await assert.rejects(sql`select pg_sleep(5)`.execute(handle.db), isDatabaseUnavailable);
      assert.equal(await isDatabaseReachable(handle.db, 2000), true);
    } finally {
      await handle.close();
    }
  });

  it('fails with database-unavailable when the server refuses connections', async () => {
    const refusing = new URL(url);
    refusing.port = String(await closedPort());
    const handle = await openDatabase({ kind: 'postgres', url: refusing.toString(), timeouts: SHORT });
    try {
      await assert.rejects(sql`select 1`.execute(handle.db), isDatabaseUnavailable);
      assert.equal(await isDatabaseReachable(handle.db, 2000), false);
    } finally {
      await handle.close();
    }
  });

  describe('behind a proxy that freezes', () => {
    let proxy: TcpProxy;
    let handle: DatabaseHandle;
    before(async () => {
      const target = new URL(url);
      proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port) });
      const proxied = new URL(url);
      proxied.port = String(proxy.port);
      handle = await openDatabase({ kind: 'postgres', url: proxied.toString(), timeouts: SHORT });
    });
    after(async () => {
      proxy.resume();
      await handle?.close();
      await proxy?.close();
    });

    it('times out queries on a frozen connection and a new connection, then recovers', async () => {
      await sql`select 1`.execute(handle.db);
      proxy.freeze();
      // Both an open connection (query timeout) and new ones (connect timeout) are tried.
      const attempts = await Promise.allSettled(
        Array.from({ length: 3 }, () => sql`select 1`.execute(handle.db)),
      );
      for (const attempt of attempts) {
        assert.equal(attempt.status, 'rejected');
        assert.ok(isDatabaseUnavailable(attempt.reason), String(attempt.reason));
      }
      assert.equal(await isDatabaseReachable(handle.db, 500), false);
      proxy.resume();
      await waitFor(
        'a query to succeed again',
        () =>
          sql`select 1`.execute(handle.db).then(
            () => true,
            () => undefined,
          ),
        { timeoutMs: 10_000, intervalMs: 100 },
      );
    });
  });

  it('listens again after its session is terminated, and says so', async () => {
    const notified: number[] = [];
    let connections = 0;
    const errors: unknown[] = [];
    const listener = listenForNotifications({
      url,
      channel: 'comity_test_channel',
      timeouts: SHORT,
      onNotification: () => notified.push(Date.now()),
      onConnected: () => {
        connections += 1;
      },
      onError: (error) => errors.push(error),
    });
    const handle = await openDatabase({ kind: 'postgres', url, timeouts: SHORT });
    try {
      await listener.ready;
      assert.equal(connections, 1);
      await notifyChannel(handle.db, 'comity_test_channel');
      await waitFor('the first notification', async () => (notified.length === 1 ? true : undefined), {
        timeoutMs: 10_000,
        intervalMs: 50,
      });

      await terminateSessions(url, name);
      await waitFor('the listener to connect again', async () => (connections === 2 ? true : undefined), {
        timeoutMs: 10_000,
        intervalMs: 50,
      });
      assert.ok(errors.length >= 1, 'the lost connection was reported');
      await waitFor(
        'a notification after the reconnection',
        async () => {
          await notifyChannel(handle.db, 'comity_test_channel').catch(() => undefined);
          return notified.length >= 2 ? true : undefined;
        },
        { timeoutMs: 10_000, intervalMs: 100 },
      );
    } finally {
      await listener.close();
      await handle.close();
    }
  });
});
