/**
 * A treaty record entered in error is retracted, never changed nor deleted: the retraction says
 * why, on whose word (a source, when there is one), who entered it and when. A record is
 * retracted once at most; the status no longer counts it, and the record list still shows it,
 * struck out. Frozen: later changes go in new migration files. PostgreSQL 15 subset (runs on
 * PGlite too).
 */
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and do not use the app's types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('treaty_record_retractions')
    .addColumn('record_id', 'uuid', (c) => c.primaryKey().references('treaty_records.id'))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('source', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('created_by', 'uuid', (c) => c.references('users.id'))
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('treaty_record_retractions').execute();
}
