/**
 * Each audit entry records the leaf hash of the entry before it (prev_leaf_hash), so that an
 * entry changed together with its own leaf hash is named exactly by `comity audit verify`: its
 * successor still holds the hash it had. Null for entry 0 and for entries recorded before this
 * migration. Frozen: later changes go in new migration files.
 */
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and do not use the app's types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('audit_entries').addColumn('prev_leaf_hash', 'bytea').execute();
}
