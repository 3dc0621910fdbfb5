/**
 * Migrations at start: a fresh database is brought to the latest schema, a second run changes
 * nothing, and a database that a newer release migrated is refused (this release does not know
 * one of its migrations) without touching it.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import { openDatabase } from '../../src/storage/database.ts';
import {
  DatabaseNewerThanCodeError,
  MIGRATIONS_DIRECTORY,
  migrateToLatest,
} from '../../src/storage/migrate.ts';
import { DATABASE_TARGETS } from '../helpers/database.ts';

const FUTURE_MIGRATION = '2099-01-01T00-00-00_from-a-newer-release';

for (const target of DATABASE_TARGETS) {
  describe(`migrations [${target.name}]`, { skip: target.skip }, () => {
    it('brings a new database to the latest schema, every migration in order, then applies none', async () => {
      const known = readdirSync(MIGRATIONS_DIRECTORY)
        .filter((file) => file.endsWith('.ts'))
        .sort()
        .map((file) => file.replace(/\.ts$/, ''));
      const handle = await openDatabase(await target.config());
      try {
        assert.deepEqual(await migrateToLatest(handle.db), known);
        const applied = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(
          handle.db,
        );
        assert.deepEqual(
          applied.rows.map((row) => row.name),
          known,
        );
        // Up to date: nothing applied, nothing recorded twice.
        assert.deepEqual(await migrateToLatest(handle.db), []);
        const again = await sql<{ n: number }>`select count(*)::int as n from kysely_migration`.execute(
          handle.db,
        );
        assert.equal(again.rows[0]?.n, known.length);
      } finally {
        await handle.close();
      }
    });

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
