/**
 * node-postgres over PGlite through a stand-in for its socket (src/storage/pglite-socket.ts): one
 * call into PGlite per statement run, the answers in their order (large ones too), an error
 * inside an exchange reported to its statement while the session goes on, a failure of PGlite
 * itself (or of a listener reading an answer) reported as the connection's, a new connection
 * starting on a clean session, and the node's own pool whatever PGSSLMODE says.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'kysely';
import pg from 'pg';
import { openDatabase } from '../../src/storage/database.ts';
import { type PgliteProtocol, pgliteConnectionConfig } from '../../src/storage/pglite-socket.ts';

describe("PGlite as node-postgres's socket", () => {
  let pglite: PGlite;
  let pool: pg.Pool;
  let client: pg.PoolClient;
  /** The messages of each call into PGlite, by their first byte (P, B, D, E, S, Q...). */
  let calls: string[][];
  /** When set, the next call into PGlite fails with it (as when PGlite itself breaks). */
  let failure: Error | undefined;
  let watched: PgliteProtocol;

  before(async () => {
    pglite = await PGlite.create('memory://');
    calls = [];
    // Records what reaches PGlite, and passes it on unchanged (or fails, when told to).
    watched = {
      execProtocolRawStream: (message, options) => {
        calls.push(messageTypesOf(message));
        if (failure) {
          const error = failure;
          failure = undefined;
          return Promise.reject(error);
        }
        return pglite.execProtocolRawStream(message, options);
      },
    };
    pool = poolOver(watched);
    client = await pool.connect();
    await client.query('create table t (id int primary key, v text not null)');
  });

  after(async () => {
    client.release();
    await pool.end();
    await pglite.close();
  });

  it("starts the session as a server would, as PGlite's one user", async () => {
    const { rows } = await client.query('select current_user as name');
    assert.deepEqual(rows, [{ name: 'postgres' }]);
  });

  it('passes a statement run with parameters to PGlite in one call', async () => {
    calls.length = 0;
    const inserted = await client.query({
      name: 'insert_t',
      text: 'insert into t (id, v) values ($1, $2) returning id, v',
      values: [1, 'one'],
    });
    assert.deepEqual(inserted.rows, [{ id: 1, v: 'one' }]);
    // The first run parses the statement; the second only binds and executes it.
    const again = await client.query({
      name: 'insert_t',
      text: 'insert into t (id, v) values ($1, $2) returning id, v',
      values: [2, 'two'],
    });
    assert.deepEqual(again.rows, [{ id: 2, v: 'two' }]);
    assert.deepEqual(calls, [
      ['P', 'B', 'D', 'E', 'S'],
      ['B', 'D', 'E', 'S'],
    ]);
  });

  it('answers each statement of a sequence with its own rows', async () => {
    const results = await Promise.all(
      [1, 2, 3].map((id) => client.query({ text: 'select $1::int * 10 as tenfold', values: [id] })),
    );
    assert.deepEqual(
      results.map((result) => result.rows[0]?.tenfold),
      [10, 20, 30],
    );
  });

  it('reports an error inside an exchange to its statement, and the session goes on', async () => {
    await assert.rejects(
      client.query({ text: 'insert into t (id, v) values ($1, $2)', values: [1, 'again'] }),
      (error: Error & { code?: string }) => error.code === '23505',
    );
    await assert.rejects(
      client.query({ text: 'select $1::int as n', values: ['not a number'] }),
      (error: Error & { code?: string }) => error.code === '22P02',
    );
    const { rows } = await client.query({
      text: 'select count(*)::int as n from t where id = $1',
      values: [1],
    });
    assert.deepEqual(rows, [{ n: 1 }]);
  });

  it('keeps a transaction whole across exchanges, and its rollback undoes it', async () => {
    await client.query('begin');
    await client.query({ text: 'insert into t (id, v) values ($1, $2)', values: [10, 'ten'] });
    await assert.rejects(client.query({ text: 'insert into t (id, v) values ($1, $2)', values: [10, 'x'] }));
    await client.query('rollback');
    const { rows } = await client.query({
      text: 'select count(*)::int as n from t where id = $1',
      values: [10],
    });
    assert.deepEqual(rows, [{ n: 0 }]);
    assert.equal(pglite.isInTransaction(), false);
  });

  it("passes an answer larger than one chunk of PGlite's output whole", async () => {
    const { rows } = await client.query({ text: "select repeat('x', $1::int) as long", values: [3_000_000] });
    assert.equal(rows[0]?.long.length, 3_000_000);
    assert.match(rows[0]?.long, /^x+$/);
  });

  it('passes a simple query on its own', async () => {
    calls.length = 0;
    const { rows } = await client.query('select 7 as seven');
    assert.deepEqual(rows, [{ seven: 7 }]);
    assert.deepEqual(calls, [['Q']]);
  });

  // The tests below open connections of their own. PGlite has one session: each new connection
  // rolls it back and deallocates its prepared statements, `client`'s included, so they come last.

  it('starts a new connection on a clean session: no transaction, no prepared statement of the one before', async () => {
    const insert = { name: 'insert_u', text: 'insert into t (id, v) values ($1, $2)' };
    await acrossReconnection(
      watched,
      // Dropped in the middle of its transaction, as a connection that broke would be.
      async (first) => {
        await first.query('begin');
        await first.query({ ...insert, values: [40, 'forty'] });
      },
      async (second) => {
        assert.equal(pglite.isInTransaction(), false);
        const { rows } = await second.query({
          text: 'select count(*)::int as n from t where id = $1',
          values: [40],
        });
        assert.deepEqual(rows, [{ n: 0 }]);
        // The same name prepares again: the session forgot the first connection's statement.
        await second.query({ ...insert, values: [41, 'forty-one'] });
        const prepared = await second.query('select name from pg_prepared_statements order by name');
        assert.deepEqual(prepared.rows, [{ name: 'insert_u' }]);
      },
    );
  });

  it("reports a failure of PGlite itself as the connection's, and a new connection goes on with the same statements", async () => {
    const named = { name: 'double_n', text: 'select $1::int * 2 as n' };
    await acrossReconnection(
      watched,
      async (first) => {
        assert.deepEqual((await first.query({ ...named, values: [1] })).rows, [{ n: 2 }]);
        failure = new Error('PGlite failed');
        await assert.rejects(first.query({ ...named, values: [2] }), /PGlite failed/);
      },
      async (second) => {
        assert.deepEqual((await second.query({ ...named, values: [3] })).rows, [{ n: 6 }]);
      },
    );
  });

  it("reports a listener's failure while an answer is read as the connection's, and a new connection goes on", async () => {
    await acrossReconnection(
      watched,
      async (first) => {
        first.on('notice', () => {
          throw new Error('a listener failed');
        });
        // A rollback outside a transaction answers with a notice (a warning), which the listener reads.
        await assert.rejects(first.query('rollback'), /a listener failed/);
      },
      async (second) => {
        assert.deepEqual((await second.query('select 5 as five')).rows, [{ five: 5 }]);
      },
    );
  });

  it("opens the node's own database whatever PGSSLMODE says (PGlite speaks no TLS)", async () => {
    const before = process.env.PGSSLMODE;
    process.env.PGSSLMODE = 'require';
    try {
      const handle = await openDatabase({ kind: 'pglite', directory: 'memory://' });
      try {
        const { rows } = await sql<{ one: number }>`select 1 as one`.execute(handle.db);
        assert.deepEqual(rows, [{ one: 1 }]);
      } finally {
        await handle.close();
      }
    } finally {
      if (before === undefined) delete process.env.PGSSLMODE;
      else process.env.PGSSLMODE = before;
    }
  });
});

/** A pool of one connection over `protocol`, as the node makes it (database.ts). */
function poolOver(protocol: PgliteProtocol): pg.Pool {
  const pool = new pg.Pool({ ...pgliteConnectionConfig(protocol), max: 1 });
  pool.on('error', () => undefined);
  return pool;
}

/**
 * On a pool of its own: `breakIt` on a first connection, which is then dropped (as a broken one
 * is), and `check` on the connection that replaces it.
 */
async function acrossReconnection(
  protocol: PgliteProtocol,
  breakIt: (first: pg.PoolClient) => Promise<void>,
  check: (second: pg.PoolClient) => Promise<void>,
): Promise<void> {
  const pool = poolOver(protocol);
  try {
    const first = await pool.connect();
    first.on('error', () => undefined);
    try {
      await breakIt(first);
    } finally {
      first.release(true);
    }
    const second = await pool.connect();
    try {
      await check(second);
    } finally {
      second.release();
    }
  } finally {
    await pool.end();
  }
}

/** The type byte of each frontend message in `buffer` (each: a type byte, then its length). */
function messageTypesOf(buffer: Uint8Array): string[] {
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  const types: string[] = [];
  for (let offset = 0; offset < buffer.length; offset += 1 + view.getInt32(offset + 1)) {
    types.push(String.fromCharCode(buffer[offset] as number));
  }
  return types;
}
