/**
 * The embedded database's one connection, handed out in turns (src/storage/pglite-turns.ts):
 * first come, first served; the event loop turns between two turns, so what arrives meanwhile
 * (a socket's bytes, a timer) is not held back by a queue of statements; and a transaction keeps
 * the connection to itself until it ends, and one a failure left open is rolled back before anyone
 * else uses the connection. The PGlite part opens the database as the node does (database.ts:
 * node-postgres over PGlite, in turns).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Kysely, sql } from 'kysely';
import type { DatabaseHandle } from '../../src/storage/database.ts';
import { createTurns } from '../../src/storage/pglite-turns.ts';
import { PGLITE_TARGET } from '../helpers/database.ts';

describe('turns', () => {
  it('lets callers in the order they asked, each after the one before has ended', async () => {
    const turns = createTurns();
    const order: string[] = [];
    await turns.take();
    const waiting = ['b', 'c', 'd'].map((name) =>
      turns.take().then(() => {
        order.push(`${name} in`);
        // Ends its turn a little later, so a caller let in too early would show.
        setTimeout(() => {
          order.push(`${name} out`);
          turns.end();
        }, 5);
      }),
    );
    order.push('a out');
    turns.end();
    await Promise.all(waiting);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(order, ['a out', 'b in', 'b out', 'c in', 'c out', 'd in', 'd out']);
  });

  it('queues a caller who asks while the next one is being let in', async () => {
    const turns = createTurns();
    const order: string[] = [];
    await turns.take();
    const second = turns.take().then(() => order.push('second'));
    turns.end();
    // The turn is handed to `second` from the event loop's check phase; `late` asks before that.
    const late = turns.take().then(() => order.push('late'));
    await second;
    turns.end();
    await late;
    turns.end();
    assert.deepEqual(order, ['second', 'late']);
  });

  it('gives a free connection at once', async () => {
    const turns = createTurns();
    let isIn = false;
    const taken = turns.take().then(() => {
      isIn = true;
    });
    await Promise.resolve();
    assert.equal(isIn, true);
    await taken;
    turns.end();
  });
});

describe('PGlite in turns', () => {
  let handle: DatabaseHandle;
  let db: Kysely<{ item: { id: number } }>;

  before(async () => {
    handle = await PGLITE_TARGET.open();
    db = handle.db as unknown as Kysely<{ item: { id: number } }>;
    await sql`create table item (id int primary key)`.execute(db);
  });

  after(async () => {
    await handle.close();
  });

  it('lets a timer run while two hundred statements wait their turn', async () => {
    let answered = 0;
    let answeredWhenTimerRan = -1;
    setTimeout(() => {
      answeredWhenTimerRan = answered;
    }, 0);
    await Promise.all(
      Array.from({ length: 200 }, () =>
        sql`select 1`.execute(db).then(() => {
          answered += 1;
        }),
      ),
    );
    assert.equal(answered, 200);
    assert.ok(
      answeredWhenTimerRan >= 0 && answeredWhenTimerRan < 100,
      `the timer ran after ${answeredWhenTimerRan} of 200 statements`,
    );
  });

  it('keeps a statement from outside a transaction out of it: it waits, then sees what the transaction left', async () => {
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let inserted = () => {};
    const hasInserted = new Promise<void>((resolve) => {
      inserted = resolve;
    });
    // Inserts a row, waits, then fails: rolled back.
    const transaction = db.transaction().execute(async (trx) => {
      await trx.insertInto('item').values({ id: 10 }).execute();
      inserted();
      await held;
      throw new Error('given up');
    });
    await hasInserted;
    // Asked while the transaction is open. Run inside it, it would answer at once and see row 10.
    let hasAnswered = false;
    const counted = db
      .selectFrom('item')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('id', '=', 10)
      .executeTakeFirstOrThrow()
      .finally(() => {
        hasAnswered = true;
      });
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.equal(hasAnswered, false, 'answered while the transaction held the connection');
    release();
    await assert.rejects(transaction, /given up/);
    assert.equal(Number((await counted).n), 0);
  });

  it('rolls a failed transaction back and goes on serving', async () => {
    await assert.rejects(
      db.transaction().execute(async (trx) => {
        await trx.insertInto('item').values({ id: 20 }).execute();
        await trx.insertInto('item').values({ id: 20 }).execute();
      }),
      /duplicate key/,
    );
    await db.insertInto('item').values({ id: 21 }).execute();
    const rows = await db.selectFrom('item').select('id').where('id', 'in', [20, 21]).orderBy('id').execute();
    assert.deepEqual(
      rows.map((row) => row.id),
      [21],
    );
  });

  it('rolls back, before anyone else uses the connection, a transaction a failure left open', async () => {
    // As after a rollback that failed: the connection goes back with a transaction open, a write in it.
    await db.connection().execute(async (connection) => {
      await sql`begin`.execute(connection);
      await sql`insert into item (id) values (30)`.execute(connection);
    });
    assert.equal(handle.pglite?.isInTransaction(), true);
    await sql`insert into item (id) values (31)`.execute(db);
    const rows = await db.selectFrom('item').select('id').where('id', 'in', [30, 31]).orderBy('id').execute();
    assert.deepEqual(
      rows.map((row) => row.id),
      [31],
    );
    assert.equal(handle.pglite?.isInTransaction(), false);
  });

  it('closes once when asked twice at the same time (SIGINT and SIGTERM both stop a node)', async () => {
    const other = await PGLITE_TARGET.open();
    await Promise.all([other.close(), other.close()]);
    assert.equal(other.pglite?.closed, true);
    await other.close();
  });
});
