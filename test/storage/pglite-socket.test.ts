/**
 * node-postgres over PGlite through a stand-in for its socket (src/storage/pglite-socket.ts): one
 * call into PGlite per statement run, the answers in their order (large ones too), an error
 * inside an exchange reported to its statement while the session goes on, and a failure of PGlite
 * itself reported as the connection's.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { PgliteSocket, type PgliteProtocol } from '../../src/storage/pglite-socket.ts';

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
    pool = new pg.Pool({
      stream: () => new PgliteSocket(watched),
      user: 'postgres',
      database: 'postgres',
      max: 1,
    });
    pool.on('error', () => undefined);
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

  it("reports a failure of PGlite itself as the connection's, and a new connection goes on", async () => {
    const other = new pg.Pool({
      stream: () => new PgliteSocket(watched),
      user: 'postgres',
      database: 'postgres',
      max: 1,
    });
    other.on('error', () => undefined);
    try {
      const broken = await other.connect();
      broken.on('error', () => undefined);
      failure = new Error('PGlite failed');
      await assert.rejects(broken.query({ text: 'select $1::int as n', values: [1] }), /PGlite failed/);
      broken.release(true);
      const fresh = await other.connect();
      try {
        const { rows } = await fresh.query({ text: 'select $1::int as n', values: [2] });
        assert.deepEqual(rows, [{ n: 2 }]);
      } finally {
        fresh.release();
      }
    } finally {
      await other.end();
    }
  });

  it('passes a simple query on its own', async () => {
    calls.length = 0;
    const { rows } = await client.query('select 7 as seven');
    assert.deepEqual(rows, [{ seven: 7 }]);
    assert.deepEqual(calls, [['Q']]);
  });
});

/** The type byte of each frontend message in `buffer` (each: a type byte, then its length). */
function messageTypesOf(buffer: Uint8Array): string[] {
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  const types: string[] = [];
  for (let offset = 0; offset < buffer.length; offset += 1 + view.getInt32(offset + 1)) {
    types.push(String.fromCharCode(buffer[offset] as number));
  }
  return types;
}
