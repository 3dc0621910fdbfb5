/**
 * Migrations at start: a fresh database is brought to the latest schema, a second run changes
 * nothing, and a database that a newer release migrated is refused (this release does not know
 * one of its migrations) without touching it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import { DatabaseNewerThanCodeError, migrateToLatest } from '../../src/storage/migrate.ts';
import { DATABASE_TARGETS } from '../helpers/database.ts';

const FUTURE_MIGRATION = '2099-01-01T00-00-00_from-a-newer-release';

for (const target of DATABASE_TARGETS) {
  describe(`migrations [${target.name}]`, { skip: target.skip }, () => {
    it('refuses a database migrated by a newer release, and changes nothing', async () => {
      const handle = await target.open();
      try {
        assert.deepEqual(await migrateToLatest(handle.db), [], 'the opened database is already migrated');
        await sql`insert into kysely_migration (name, timestamp) values (${FUTURE_MIGRATION}, ${new Date().toISOString()})`.execute(
          handle.db,
        );
        const before = await sql<{ n: number }>`select count(*)::int as n from kysely_migration`.execute(
          handle.db,
        );
        await assert.rejects(migrateToLatest(handle.db), (error: unknown) => {
          assert.ok(error instanceof DatabaseNewerThanCodeError);
          assert.deepEqual(error.unknownMigrations, [FUTURE_MIGRATION]);
          assert.match(
            error.message,
            /migrated by a newer release of Comity .*2099-01-01T00-00-00_from-a-newer-release/,
          );
          assert.doesNotMatch(error.message, /\n/);
          return true;
        });
        const after = await sql<{ n: number }>`select count(*)::int as n from kysely_migration`.execute(
          handle.db,
        );
        assert.equal(after.rows[0]?.n, before.rows[0]?.n);
      } finally {
        await handle.close();
      }
    });
  });
}
