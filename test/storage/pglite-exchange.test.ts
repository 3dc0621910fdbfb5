/**
 * node-postgres over PGlite with each extended-query exchange passed to PGlite at once
 * (src/storage/pglite-exchange.ts): one call into PGlite per statement run, the answers in their
 * order, and an error inside an exchange reported to its statement while the session goes on.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import pg from 'pg';
import { pgliteByExchange } from '../../src/storage/pglite-exchange.ts';

describe('PGlite by exchange', () => {
  let pglite: PGlite;
  let pool: pg.Pool;
  let client: pg.PoolClient;
  /** The messages of each call into PGlite, by their first byte (P, B, D, E, S, Q...). */
  let calls: string[][];

  before(async () => {
    pglite = await PGlite.create('memory://');
    const execProtocolStream = pglite.execProtocolStream.bind(pglite);
    calls = [];
    // Records what reaches PGlite, and passes it on unchanged.
    pglite.execProtocolStream = (message, options) => {
      calls.push(messageTypesOf(message));
      return execProtocolStream(message, options);
    };
    pool = new pg.Pool({ ...createPgConfig(pgliteByExchange(pglite)), max: 1 } as pg.PoolConfig);
    client = await pool.connect();
    await client.query('create table t (id int primary key, v text not null)');
  });

  after(async () => {
    client.release();
    await pool.end();
    await pglite.close();
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
