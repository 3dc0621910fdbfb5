/**
 * The evidence register (GET /api/v1/evidence) lists every item the node holds, newest first, a
 * page at a time after the last item shown: this index reads a page in that order without sorting
 * the whole table. Frozen: later changes go in new migration files. PostgreSQL 15 subset (runs on
 * PGlite too).
 */
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and do not use the app's types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('evidence_items_created_idx')
    .on('evidence_items')
    .columns(['created_at', 'id'])
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('evidence_items_created_idx').execute();
}
