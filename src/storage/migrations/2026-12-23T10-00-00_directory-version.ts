/**
 * The directory's version: one row whose number the database raises in the same transaction as
 * any statement that adds, changes or removes States (a statement-level trigger on states). The
 * node caches what validation needs of the directory under this number (states.repository.ts,
 * directoryStampExpression); reading it is one row, where counting every State and its newest row
 * version was an aggregate over the whole table on each request validated or sent. Frozen: later
 * changes go in new migration files. PostgreSQL 15 subset (runs on PGlite too).
 */
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and do not use the app's types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('directory_version')
    // At most one row.
    .addColumn('only_row', 'boolean', (c) => c.primaryKey().defaultTo(true).check(sql`only_row`))
    .addColumn('version', 'bigint', (c) => c.notNull())
    .execute();
  await sql`insert into directory_version (only_row, version) values (true, 1)`.execute(db);
  await sql`
    create function raise_directory_version() returns trigger language plpgsql as $$
    begin
      update directory_version set version = version + 1;
      return null;
    end
    $$`.execute(db);
  await sql`
    create trigger states_raise_directory_version
      after insert or update or delete or truncate on states
      for each statement execute function raise_directory_version()`.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger states_raise_directory_version on states`.execute(db);
  await sql`drop function raise_directory_version()`.execute(db);
  await db.schema.dropTable('directory_version').execute();
}
