/**
 * The outcome of the node's latest directory refresh (when, success or the reason it failed), so
 * the peers screen and `comity peers` (which reads the database, not the running node) can show
 * it beside the directory's expiry. One row, id 1.
 * Frozen: later changes go in new migration files. PostgreSQL 15 subset (runs on PGlite too).
 */
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and do not use the app's types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('directory_refresh_status')
    .addColumn('id', 'integer', (column) => column.primaryKey().check(sql`id = 1`))
    .addColumn('attempted_at', 'timestamptz', (column) => column.notNull())
    .addColumn('is_ok', 'boolean', (column) => column.notNull())
    .addColumn('reason', 'text')
    .addColumn('detail', 'text')
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('directory_refresh_status').execute();
}
