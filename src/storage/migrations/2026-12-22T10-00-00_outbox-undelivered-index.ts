/**
 * A claim takes a pending message only when no older message of its case is still undelivered
 * (outbox.repository.ts, selectClaimable). PostgreSQL answered that question through the index on
 * (status, next_attempt_at), reading every undelivered message, dead versions included, for each
 * candidate: 6 ms per claim with 32 messages in flight. This partial index holds the undelivered
 * messages by case: the check reads the few of one case. The statement writes the statuses as
 * literals, so every plan, generic ones included, can use it. Frozen: later changes go in new
 * migration files. PostgreSQL 15 subset (runs on PGlite too).
 */
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and do not use the app's types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('outbox_messages_undelivered_case_idx')
    .on('outbox_messages')
    .columns(['case_id', 'sequence'])
    .where(sql.ref('status'), 'in', sql`('pending', 'failed')`)
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('outbox_messages_undelivered_case_idx').execute();
}
