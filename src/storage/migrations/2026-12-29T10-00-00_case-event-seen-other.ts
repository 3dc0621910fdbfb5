/**
 * Each case event records how many of the other side's events its node held when it was made,
 * so that both nodes fold steps made at the same moment on both sides in one order
 * (src/core/case/concurrent-steps.ts). Null for events recorded before, and for events received
 * from a node that does not say it: read as every event stored before it. Frozen: later changes
 * go in new migration files. PostgreSQL 15 subset (runs on PGlite too).
 */
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and do not use the app's types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('case_events').addColumn('seen_other', 'integer').execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('case_events').dropColumn('seen_other').execute();
}
