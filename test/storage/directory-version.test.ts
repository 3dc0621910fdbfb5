/**
 * The directory stamp (states.repository.ts, readDirectoryStamp): the database raises it in the
 * same transaction as any statement that adds, changes or removes States, whoever writes them
 * (the node's repository or plain SQL, as another process sharing the database would); a change
 * rolled back leaves it as it was; a statement that touches no State may raise it (a needless
 * rebuild of the cached view, never a stale one).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import { readDirectoryStamp, updateStoredProfile } from '../../src/storage/states.repository.ts';
import { DATABASE_TARGETS } from '../helpers/database.ts';
import { useStorage } from '../helpers/storage-fixture.ts';

const NOW = new Date('2026-12-04T12:00:00.000Z');

for (const target of DATABASE_TARGETS) {
  describe(`directory stamp [${target.name}]`, { skip: target.skip }, () => {
    const storage = useStorage(target, {
      username: 'administrator',
      displayName: 'Admin',
      role: 'administrator',
    });

    it('changes when a State is added, its profile changed, or a State removed', async () => {
      const { db } = storage.handle();
      const stamps = [await readDirectoryStamp(db)];
      await sql`insert into states (code, iso3, numeric_code, kind, names, profile, updated_at)
                values ('QZ', 'QZZ', '999', 'state', '{"en":"Testland"}', '{}', ${NOW})`.execute(db);
      stamps.push(await readDirectoryStamp(db));
      const isUpdated = await updateStoredProfile(db, 'QZ', {
        profile: { acceptedLanguages: ['en'] },
        updatedBy: storage.userId(),
        now: NOW,
      });
      assert.equal(isUpdated, true);
      stamps.push(await readDirectoryStamp(db));
      await sql`delete from states where code = 'QZ'`.execute(db);
      stamps.push(await readDirectoryStamp(db));
      assert.equal(new Set(stamps).size, 4, `stamps: ${stamps.join(', ')}`);
      assert.ok(stamps.every((stamp) => /^\d+$/.test(stamp)));
    });

    it('stays as it was when the change is rolled back', async () => {
      const { db } = storage.handle();
      const before = await readDirectoryStamp(db);
      await assert.rejects(
        db.transaction().execute(async (trx) => {
          await sql`update states set updated_at = ${NOW}`.execute(trx);
          assert.notEqual(await readDirectoryStamp(trx), before, 'the writing transaction sees its change');
          throw new Error('rolled back');
        }),
        /rolled back/,
      );
      assert.equal(await readDirectoryStamp(db), before);
    });

    it('does not change when nothing is written to the States', async () => {
      const { db } = storage.handle();
      const before = await readDirectoryStamp(db);
      await sql`select count(*) from states`.execute(db);
      await storage.storeDraft(NOW);
      assert.equal(await readDirectoryStamp(db), before);
    });
  });
}
