import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Kysely } from 'kysely';
import { compiledOnce, type ValueOf } from '../../src/storage/compiled-once.ts';
import type { DatabaseHandle } from '../../src/storage/database.ts';
import type { Database } from '../../src/storage/schema.ts';
import { DATABASE_TARGETS } from '../helpers/database.ts';

const NOW = new Date('2026-12-07T10:00:00.000Z');

async function addUser(db: Kysely<Database>, username: string, displayName: string): Promise<string> {
  const row = await db
    .insertInto('users')
    .values({
      username,
      display_name: displayName,
      password_hash: 'x',
      roles: ['officer'],
      locale: null,
      created_at: NOW,
      updated_at: NOW,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

for (const target of DATABASE_TARGETS) {
  describe(`statements compiled once (${target.name})`, { skip: target.skip }, () => {
    let handle: DatabaseHandle;
    before(async () => {
      handle = await target.open();
    });
    after(async () => handle?.close());

    it('runs the same statement with the values of each call, constants kept', async () => {
      const ids = [await addUser(handle.db, 'ana', 'Ana'), await addUser(handle.db, 'ben', 'Ben')];
      let builds = 0;
      const find = compiledOnce((db, value: ValueOf<{ username: string; isDisabled: boolean }>) => {
        builds += 1;
        return db
          .selectFrom('users')
          .select(['id', 'display_name'])
          .where('username', '=', value('username'))
          .where('is_disabled', '=', value('isDisabled'))
          .where('display_name', '!=', 'a constant of the statement');
      });
      assert.deepEqual(await find(handle.db, { username: 'ana', isDisabled: false }), [
        { id: ids[0], display_name: 'Ana' },
      ]);
      assert.deepEqual(await find(handle.db, { username: 'ben', isDisabled: false }), [
        { id: ids[1], display_name: 'Ben' },
      ]);
      assert.deepEqual(await find(handle.db, { username: 'ben', isDisabled: true }), []);
      assert.equal(builds, 1);
      // The same rows as the statement Kysely builds with the values themselves.
      for (const values of [
        { username: 'ana', isDisabled: false },
        { username: 'ben', isDisabled: false },
      ]) {
        assert.deepEqual(await find.builtEachCall(handle.db, values), await find(handle.db, values));
      }
      assert.equal(builds, 3);
    });

    it('writes with a value used twice, inside a transaction', async () => {
      const rename = compiledOnce((db, value: ValueOf<{ name: string; username: string }>) =>
        db
          .updateTable('users')
          .set({ display_name: value('name'), username: value('name') })
          .where('username', '=', value('username'))
          .returning(['username', 'display_name']),
      );
      await addUser(handle.db, 'cleo', 'Cleo');
      const renamed = await handle.db
        .transaction()
        .execute((trx) => rename(trx, { name: 'cleo-2', username: 'cleo' }));
      assert.deepEqual(renamed, [{ username: 'cleo-2', display_name: 'cleo-2' }]);
    });

    it('refuses a statement in which a value did not become a parameter', async () => {
      const careless = compiledOnce((db, value: ValueOf<{ username: string; limit: number }>) => {
        value('limit');
        return db.selectFrom('users').select('id').where('username', '=', value('username'));
      });
      await assert.rejects(
        careless(handle.db, { username: 'ana', limit: 1 }),
        /limit did not become a parameter/,
      );
    });
  });
}
