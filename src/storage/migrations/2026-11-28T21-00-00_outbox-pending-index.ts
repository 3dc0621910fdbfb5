/**
 * Claiming outgoing messages reads the pending ones oldest first (ORDER BY sequence LIMIT n, see
 * outbox.repository.ts). Without this index PostgreSQL walks the unique index on sequence from
 * the very first message ever sent, delivered ones included, so each claim grew with the node's
 * whole history (2 ms per claim after 2,500 messages). The partial index holds only the pending
 * messages, in sequence order: a claim reads what it takes, whatever the history.
 * Frozen: later changes go in new migration files. PostgreSQL 15 subset (runs on PGlite too).
 */
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and do not use the app's types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('outbox_messages_pending_idx')
    .on('outbox_messages')
    .column('sequence')
    .where(sql.ref('status'), '=', 'pending')
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('outbox_messages_pending_idx').execute();
}
