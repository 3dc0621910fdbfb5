import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { type DatabaseHandle, openDatabase } from '../../src/storage/database.ts';
import { migrateToLatest } from '../../src/storage/migrate.ts';
import { PGLITE_TARGET, POSTGRES_TARGET } from '../helpers/database.ts';

describe('statements prepared once per PostgreSQL connection', { skip: POSTGRES_TARGET.skip }, () => {
  let handle: DatabaseHandle;
  let databaseUrl: string;
  before(async () => {
    const config = await POSTGRES_TARGET.config();
    if (config.kind !== 'postgres') throw new Error('expected a PostgreSQL configuration');
    databaseUrl = config.url;
    handle = await openDatabase(config);
    await migrateToLatest(handle.db);
  });
  after(async () => handle?.close());

  it('a statement run again and again on a connection is prepared there, and answers as before', async () => {
    await handle.db.connection().execute(async (connection) => {
      const statement = sql<{
        n: number;
      }>`select count(*)::int as n from outbox_messages where status = 'pending' and peer_node_id = ${'de-247'}`;
      const answers: number[] = [];
      for (let call = 0; call < 8; call++) {
        const { rows } = await statement.execute(connection);
        answers.push(rows[0]?.n ?? -1);
      }
      assert.deepEqual(answers, [0, 0, 0, 0, 0, 0, 0, 0]);
      const { rows } = await sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(
        connection,
      );
      assert.ok(
        rows.some((row) => row.statement.includes("where status = 'pending' and peer_node_id = $1")),
        `prepared: ${JSON.stringify(rows)}`,
      );
    });
  });

  it('a statement prepared before another process changed its table answers with the new shape', async () => {
    const other = await openDatabase({ kind: 'postgres', url: databaseUrl });
    try {
      await sql`create table shape_test (id integer)`.execute(other.db);
      await sql`insert into shape_test values (1)`.execute(other.db);
      await handle.db.connection().execute(async (connection) => {
        const statement = sql<Record<string, unknown>>`select * from shape_test where id = ${1}`;
        for (let call = 0; call < 4; call++) {
          assert.deepEqual((await statement.execute(connection)).rows, [{ id: 1 }]);
        }
        // Another process (a newer release's `comity backup`, migrating) adds a column.
        await sql`alter table shape_test add column note text default 'new'`.execute(other.db);
        assert.deepEqual((await statement.execute(connection)).rows, [{ id: 1, note: 'new' }]);
      });
      // The connection with the stale statement was dropped: the next ones answer too.
      for (let call = 0; call < 4; call++) {
        const { rows } = await sql`select * from shape_test where id = ${1}`.execute(handle.db);
        assert.deepEqual(rows, [{ id: 1, note: 'new' }]);
      }
    } finally {
      await other.close();
    }
  });
});

describe('statements prepared once on the embedded database', () => {
  let handle: DatabaseHandle;
  before(async () => {
    handle = await PGLITE_TARGET.open();
  });
  after(async () => handle?.close());

  it('a statement run again and again is prepared in PGlite, and answers as before; so is one in a transaction', async () => {
    const statement = sql<{
      n: number;
    }>`select count(*)::int as n from outbox_messages where status = 'pending' and peer_node_id = ${'de-247'}`;
    const answers: number[] = [];
    for (let call = 0; call < 6; call++) answers.push((await statement.execute(handle.db)).rows[0]?.n ?? -1);
    await handle.db.transaction().execute(async (trx) => {
      answers.push((await statement.execute(trx)).rows[0]?.n ?? -1);
    });
    assert.deepEqual(answers, [0, 0, 0, 0, 0, 0, 0]);
    const { rows } = await sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(
      handle.db,
    );
    assert.ok(
      rows.some((row) => row.statement.includes("where status = 'pending' and peer_node_id = $1")),
      `prepared: ${JSON.stringify(rows)}`,
    );
  });
});
