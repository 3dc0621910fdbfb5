/**
 * What Comity's own checks had found on each item of a screening checklist when it was last saved
 * (src/core/screening/screening.ts, findingKeysOf), so that an answer given before a finding
 * changed (another request of the State refused here since, the law map changed) is shown to be
 * reviewed again, and no decision rests on it until it is. Null for checklists saved before: their
 * answers are taken as they are. Frozen: later changes go in new migration files. PostgreSQL 15
 * subset (runs on PGlite too).
 */
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and do not use the app's types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('screening_checklists').addColumn('findings_seen', 'jsonb').execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('screening_checklists').dropColumn('findings_seen').execute();
}
