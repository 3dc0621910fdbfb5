/**
 * A case event made after a second person's approval (a refusal, a report of execution: the
 * two-person rule) records who approved it, `{ id, displayName }` as the node that made it names
 * them; null for an event that needed no approval, and for events recorded before. The other node
 * receives it in the case message. Frozen: later changes go in new migration files. PostgreSQL 15
 * subset (runs on PGlite too).
 */
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and do not use the app's types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('case_events').addColumn('approved_by', 'jsonb').execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('case_events').dropColumn('approved_by').execute();
}
