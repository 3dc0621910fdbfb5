/**
 * Routine maintenance (src/storage/maintenance.repository.ts): which tables are due for VACUUM or
 * ANALYZE by autovacuum's own rules, and that maintaining one does what autovacuum would (the
 * planner counts its rows, dead rows are gone, old transaction IDs are frozen). On both
 * databases; the tables made here have autovacuum turned off, so that a PostgreSQL server's own
 * autovacuum does not do the work between two steps of a test. On PGlite, also what a restart
 * forgets and the first look after it finds.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Kysely, sql } from 'kysely';
import { type DatabaseHandle, openDatabase } from '../../src/storage/database.ts';
import {
  listMaintenanceDue,
  type MaintenanceDueOptions,
  maintainTable,
  type TableMaintenance,
  transactionIdAge,
} from '../../src/storage/maintenance.repository.ts';
import type { Database } from '../../src/storage/schema.ts';
import { DATABASE_TARGETS } from '../helpers/database.ts';

// biome-ignore lint/suspicious/noExplicitAny: tables made by the test are not in the schema
type AnyDatabase = Kysely<any>;

/**
 * Runs `work` on one connection, then makes its activity counters visible: PostgreSQL reports a
 * session's counts when the session goes idle, at most once a second unless told to at once.
 */
async function counted(
  db: Kysely<Database>,
  work: (connection: AnyDatabase) => Promise<void>,
): Promise<void> {
  await db.connection().execute(async (connection) => {
    await work(connection);
    await sql`select pg_stat_force_next_flush()`.execute(connection);
  });
  await sql`select 1`.execute(db);
}

async function createTable(db: Kysely<Database>, table: string, rows: number): Promise<void> {
  await sql`create table ${sql.table(table)} (id int primary key, note text not null)
    with (autovacuum_enabled = false)`.execute(db);
  if (rows > 0) await insertRows(db, table, 1, rows);
}

async function insertRows(db: Kysely<Database>, table: string, first: number, count: number): Promise<void> {
  await counted(db, (connection) =>
    sql`insert into ${sql.table(table)} select n, 'note ' || n from generate_series(${first}::int, ${first + count - 1}::int) n`
      .execute(connection)
      .then(() => undefined),
  );
}

async function dueFor(
  db: Kysely<Database>,
  table: string,
  options: MaintenanceDueOptions = {},
): Promise<TableMaintenance | undefined> {
  return (await listMaintenanceDue(db, options)).find((work) => work.table === table);
}

/** The work expected for one of the tables made here (all in the public schema). */
const workOn = (table: string, vacuum: boolean, analyze: boolean): TableMaintenance => ({
  schema: 'public',
  table,
  vacuum,
  analyze,
});

/** A table of `rows` rows, maintained once: the planner has counted it, nothing is due. */
async function createCountedTable(db: Kysely<Database>, table: string, rows: number): Promise<void> {
  await createTable(db, table, rows);
  await maintainTable(db, workOn(table, true, true));
}

/**
 * Maintains `table` until `isDone` holds of its state, a few times at most. VACUUM removes dead
 * rows and freezes transaction IDs only up to the oldest transaction still running: on a
 * PostgreSQL server that other test files share, one of theirs (a CREATE DATABASE, an autovacuum
 * ANALYZE) may hold that horizon back for a moment, so the work is run again once it has ended.
 * `isFreezingAll` has the session freeze whatever it finds (vacuum_freeze_min_age = 0).
 */
async function maintainUntil(
  db: Kysely<Database>,
  work: TableMaintenance,
  isDone: (state: TableState) => boolean,
  { isFreezingAll = false } = {},
): Promise<TableState> {
  let state = await stateOf(db, work.table);
  for (let attempt = 0; attempt < 20; attempt += 1) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 100));
    await db.connection().execute(async (connection) => {
      if (isFreezingAll) await sql`set vacuum_freeze_min_age = 0`.execute(connection);
      await maintainTable(connection, work);
      if (isFreezingAll) await sql`reset vacuum_freeze_min_age`.execute(connection);
    });
    state = await stateOf(db, work.table);
    if (isDone(state)) break;
  }
  return state;
}

type TableState = Readonly<{ rows: number; deadRows: number; age: number }>;

async function stateOf(db: Kysely<Database>, table: string): Promise<TableState> {
  const result = await sql<{ rows: number; dead_rows: string | number; age: string | number }>`
    select c.reltuples as rows, coalesce(s.n_dead_tup, 0) as dead_rows, age(c.relfrozenxid) as age
    from pg_class c left join pg_stat_all_tables s on s.relid = c.oid
    where c.relname = ${table} and c.relnamespace = current_schema()::regnamespace
  `.execute(db);
  const row = result.rows[0];
  assert.ok(row, `no table ${table}`);
  return { rows: Number(row.rows), deadRows: Number(row.dead_rows), age: Number(row.age) };
}

for (const target of DATABASE_TARGETS) {
  describe(`routine maintenance of the database [${target.name}]`, { skip: target.skip }, () => {
    let handle: DatabaseHandle;
    before(async () => {
      handle = await target.open();
    });
    after(async () => handle?.close());

    it('finds a table the planner has never counted due for both, and counts it once maintained', async () => {
      await createTable(handle.db, 'maintenance_new', 200);
      assert.equal((await stateOf(handle.db, 'maintenance_new')).rows, -1);
      const work = await dueFor(handle.db, 'maintenance_new');
      assert.deepEqual(work, workOn('maintenance_new', true, true));
      await maintainTable(handle.db, work);
      assert.equal((await stateOf(handle.db, 'maintenance_new')).rows, 200);
      assert.equal(await dueFor(handle.db, 'maintenance_new'), undefined);
    });

    it('leaves alone a table that has never held a row, though the planner has never counted it', async () => {
      await createTable(handle.db, 'maintenance_empty', 0);
      assert.equal((await stateOf(handle.db, 'maintenance_empty')).rows, -1);
      assert.equal(await dueFor(handle.db, 'maintenance_empty', { isFirstSinceStart: true }), undefined);
    });

    it('finds dead rows over the vacuum threshold (50 + 20 % of the rows), and VACUUM removes them', async () => {
      await createCountedTable(handle.db, 'maintenance_dead', 200);
      // 10 rows deleted: under both thresholds (90 dead rows for VACUUM, 70 changed for ANALYZE).
      await counted(handle.db, (connection) =>
        sql`delete from maintenance_dead where id <= 10`.execute(connection).then(() => undefined),
      );
      assert.equal((await stateOf(handle.db, 'maintenance_dead')).deadRows, 10);
      assert.equal(await dueFor(handle.db, 'maintenance_dead'), undefined);
      // 140 more: over both.
      await counted(handle.db, (connection) =>
        sql`delete from maintenance_dead where id <= 150`.execute(connection).then(() => undefined),
      );
      const work = await dueFor(handle.db, 'maintenance_dead');
      assert.deepEqual(work, workOn('maintenance_dead', true, true));
      const { rows, deadRows } = await maintainUntil(handle.db, work, (state) => state.deadRows === 0);
      assert.deepEqual({ rows, deadRows }, { rows: 50, deadRows: 0 });
      assert.equal(await dueFor(handle.db, 'maintenance_dead'), undefined);
    });

    it('finds rows changed over the analyze threshold (50 + 10 %) due for ANALYZE alone while the dead ones are few', async () => {
      await createCountedTable(handle.db, 'maintenance_changed', 1000);
      // 200 rows changed: over 150 for ANALYZE, under 250 dead rows for VACUUM.
      await counted(handle.db, (connection) =>
        sql`update maintenance_changed set note = 'changed' where id <= 200`
          .execute(connection)
          .then(() => undefined),
      );
      const work = await dueFor(handle.db, 'maintenance_changed');
      assert.deepEqual(work, workOn('maintenance_changed', false, true));
      await maintainTable(handle.db, work);
      assert.equal(await dueFor(handle.db, 'maintenance_changed'), undefined);
    });

    it('finds rows inserted since the last VACUUM over the insert threshold (1,000 + 20 %) due for VACUUM', async () => {
      await createCountedTable(handle.db, 'maintenance_inserted', 1);
      await insertRows(handle.db, 'maintenance_inserted', 2, 900);
      assert.deepEqual(
        await dueFor(handle.db, 'maintenance_inserted'),
        workOn('maintenance_inserted', false, true),
      );
      await insertRows(handle.db, 'maintenance_inserted', 902, 200);
      const work = await dueFor(handle.db, 'maintenance_inserted');
      assert.deepEqual(work, workOn('maintenance_inserted', true, true));
      await maintainTable(handle.db, work);
      assert.equal((await stateOf(handle.db, 'maintenance_inserted')).rows, 1101);
    });

    it('finds a table whose transaction ID age is over the freeze age, and its VACUUM brings the age down', async () => {
      await createCountedTable(handle.db, 'maintenance_old', 20);
      // Transactions that take an ID, as the node's writes do.
      for (let index = 0; index < 5; index += 1) await sql`select pg_current_xact_id()`.execute(handle.db);
      const { age } = await stateOf(handle.db, 'maintenance_old');
      assert.ok(age > 5, `age ${age}`);
      assert.equal(await dueFor(handle.db, 'maintenance_old', { freezeMaxAge: age + 1000 }), undefined);
      const work = await dueFor(handle.db, 'maintenance_old', { freezeMaxAge: age - 1 });
      assert.deepEqual(work, workOn('maintenance_old', true, false));
      // A table this old gets an aggressive VACUUM that freezes its rows; here the rows are young,
      // so the session is told to freeze whatever it finds (vacuum_freeze_min_age = 0).
      const { age: ageAfter } = await maintainUntil(handle.db, work, (state) => state.age < age - 1, {
        isFreezingAll: true,
      });
      assert.ok(ageAfter < age - 1, `age ${ageAfter} after VACUUM, ${age} before`);
      assert.equal(await dueFor(handle.db, 'maintenance_old', { freezeMaxAge: age - 1 }), undefined);
    });

    it('lists the system catalogues for their transaction ID age only, and never for ANALYZE', async () => {
      const standard = await listMaintenanceDue(handle.db);
      assert.deepEqual(
        standard.filter((work) => work.schema !== 'public'),
        [],
      );
      const all = await listMaintenanceDue(handle.db, { freezeMaxAge: 0 });
      const catalogue = all.find((work) => work.schema === 'pg_catalog' && work.table === 'pg_class');
      assert.deepEqual(catalogue, { schema: 'pg_catalog', table: 'pg_class', vacuum: true, analyze: false });
      // The node's own tables come first.
      const firstCatalogue = all.findIndex((work) => work.schema !== 'public');
      assert.ok(all.slice(firstCatalogue).every((work) => work.schema !== 'public'));
    });

    it('reads the age of the database oldest unfrozen transaction ID', async () => {
      const before = await transactionIdAge(handle.db);
      assert.ok(before > 0 && before < 2 ** 31, `age ${before}`);
      await sql`select pg_current_xact_id()`.execute(handle.db);
      assert.ok((await transactionIdAge(handle.db)) > before);
    });
  });
}

describe('ANALYZE on PGlite', () => {
  it('samples with a statistics target of 10, so that its pause on the one connection stays short', async () => {
    const handle = await openDatabase({ kind: 'pglite', directory: 'memory://' });
    try {
      await createTable(handle.db, 'maintenance_sampled', 5000);
      await maintainTable(handle.db, workOn('maintenance_sampled', false, true));
      const result = await sql<{ bounds: number }>`
        select array_length(histogram_bounds, 1) as bounds from pg_stats
        where tablename = 'maintenance_sampled' and attname = 'id'
      `.execute(handle.db);
      // PostgreSQL's default target (100) would give 101 bounds for 5,000 distinct values.
      assert.equal(result.rows[0]?.bounds, 11);
    } finally {
      await handle.close();
    }
  });
});

describe('routine maintenance after a restart of PGlite', () => {
  let directory: string;
  before(() => {
    directory = mkdtempSync(path.join(os.tmpdir(), 'comity-maintenance-'));
  });
  after(() => rmSync(directory, { recursive: true, force: true }));

  it('finds on its first look a table that grew before the restart, whose counts the restart forgot', async () => {
    const config = { kind: 'pglite' as const, directory, isBlank: true };
    let handle = await openDatabase(config);
    try {
      await createCountedTable(handle.db, 'maintenance_restarted', 10);
      await insertRows(handle.db, 'maintenance_restarted', 11, 2000);
      assert.ok(await dueFor(handle.db, 'maintenance_restarted'));
    } finally {
      await handle.close();
    }
    handle = await openDatabase(config);
    try {
      // The counts are gone: an ordinary look misses the 2,000 rows.
      assert.equal(await dueFor(handle.db, 'maintenance_restarted'), undefined);
      const work = await dueFor(handle.db, 'maintenance_restarted', { isFirstSinceStart: true });
      assert.deepEqual(work, workOn('maintenance_restarted', true, true));
      await maintainTable(handle.db, work);
      assert.equal((await stateOf(handle.db, 'maintenance_restarted')).rows, 2010);
      assert.equal(await dueFor(handle.db, 'maintenance_restarted', { isFirstSinceStart: true }), undefined);
    } finally {
      await handle.close();
    }
  });
});
