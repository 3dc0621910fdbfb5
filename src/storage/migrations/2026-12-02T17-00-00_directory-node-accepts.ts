/**
 * What each registered node announces it accepts (message types and request types), published in
 * the signed directory so that a sender never sends what its peer cannot read. Null for a node
 * registered before nodes announced it (the directory then omits the member: the v1 baseline).
 * Frozen: later changes go in new migration files. PostgreSQL 15 subset (runs on PGlite too).
 */
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and do not use the app's types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('directory_nodes').addColumn('accepts', 'jsonb').execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('directory_nodes').dropColumn('accepts').execute();
}
