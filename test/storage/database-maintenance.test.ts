/**
 * The node's own maintenance of its embedded database (src/services/database-maintenance.service.ts):
 * at quiet moments, each due table in a turn of its own, until none is due; stopped, it starts
 * nothing more; a failure is reported and the next look comes
 * an interval later. (Which tables are due, and what their work does: maintenance.test.ts.)
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { waitFor } from '../../src/demo/node-process.ts';
import { startDatabaseMaintenance } from '../../src/services/database-maintenance.service.ts';
import type { DatabaseHandle } from '../../src/storage/database.ts';
import { listMaintenanceDue, type TableMaintenance } from '../../src/storage/maintenance.repository.ts';
import { PGLITE_TARGET } from '../helpers/database.ts';

const POLL = { timeoutMs: 10_000, intervalMs: 10 } as const;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every window counts as quiet: the test is about the order of the work, not the wait. */
const ALWAYS_QUIET = { windowMs: 10, quietBelow: 1.01 } as const;

describe('the node maintaining its embedded database', () => {
  let handle: DatabaseHandle;
  before(async () => {
    handle = await PGLITE_TARGET.open();
  });
  after(async () => handle?.close());

  it('maintains every due table, one at a time, then finds none due', async () => {
    await sql`create table maintained_a (id int primary key)`.execute(handle.db);
    await sql`insert into maintained_a select generate_series(1, 300)`.execute(handle.db);
    const done: Array<{ work: TableMaintenance; at: number }> = [];
    const errors: unknown[] = [];
    const maintenance = startDatabaseMaintenance(handle.db, {
      intervalMs: 10,
      ...ALWAYS_QUIET,
      onMaintained: (work) => done.push({ work, at: performance.now() }),
      onError: (error) => errors.push(error),
    });
    try {
      await waitFor(
        'maintained_a',
        async () => done.some(({ work }) => work.table === 'maintained_a') || undefined,
        POLL,
      );
      const rows = await sql<{
        reltuples: number;
      }>`select reltuples from pg_class where relname = 'maintained_a'`
        .execute(handle.db)
        .then((result) => result.rows[0]?.reltuples);
      assert.equal(rows, 300);
      // A new database: every one of the node's tables that holds rows is counted for the first
      // time, each in a window of its own (at least windowMs apart), until none is due.
      await waitFor(
        'no table due',
        async () => (await listMaintenanceDue(handle.db)).length === 0 || undefined,
        POLL,
      );
      const count = done.length;
      assert.ok(count > 1, `only ${count} table maintained`);
      assert.equal(new Set(done.map(({ work }) => work.table)).size, count, 'a table maintained twice');
      for (let index = 1; index < done.length; index += 1) {
        assert.ok(done[index]!.at - done[index - 1]!.at >= 9, 'two tables in one window');
      }
      await sleep(100);
      assert.equal(done.length, count, 'work done where none was due');
      assert.deepEqual(errors, []);
    } finally {
      await maintenance.stop();
    }
  });

  it('starts nothing once stopped, though more tables are due', async () => {
    for (const table of ['maintained_b', 'maintained_c']) {
      await sql`create table ${sql.table(table)} (id int primary key)`.execute(handle.db);
      await sql`insert into ${sql.table(table)} select generate_series(1, 100)`.execute(handle.db);
    }
    const done: string[] = [];
    let stopping: Promise<void> | undefined;
    const maintenance = startDatabaseMaintenance(handle.db, {
      intervalMs: 10,
      ...ALWAYS_QUIET,
      // Stopped while the first table's work is still running (its callback is part of it).
      onMaintained: (work) => {
        done.push(work.table);
        stopping ??= maintenance.stop();
      },
    });
    await waitFor('a first table', async () => stopping !== undefined || undefined, POLL);
    await stopping;
    await sleep(100);
    assert.equal(done.length, 1, `maintained after stop: ${done.join(', ')}`);
  });

  it('reports a failure and looks again an interval later', async () => {
    const errors: unknown[] = [];
    const broken = await PGLITE_TARGET.open();
    await broken.close();
    const maintenance = startDatabaseMaintenance(broken.db, {
      intervalMs: 30,
      ...ALWAYS_QUIET,
      onError: (error) => errors.push(error),
    });
    try {
      await waitFor('two failed looks', async () => errors.length >= 2 || undefined, POLL);
    } finally {
      await maintenance.stop();
    }
    assert.ok(errors.every((error) => error instanceof Error));
  });
});
