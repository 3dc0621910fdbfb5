/**
 * The history of each case (docs/case-lifecycle.md): one row per transition made on a request,
 * here or by the other State's node, in the order this node applied them, and the request's
 * current case status beside its row. A transition that arrived in a federation message keeps that
 * message's id, unique, so a message delivered twice is applied once.
 * Frozen: later changes go in new migration files. PostgreSQL 15 subset (runs on PGlite too).
 */
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and do not use the app's types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('case_events')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('request_id', 'uuid', (c) => c.notNull().references('requests.id').onDelete('cascade'))
    // 1, 2, 3... per request, in the order this node applied the transitions.
    .addColumn('sequence', 'integer', (c) => c.notNull())
    .addColumn('transition', 'text', (c) => c.notNull())
    // The side that made it: 'requesting' or 'requested'.
    .addColumn('side', 'text', (c) => c.notNull())
    // A user id of the node that made it (this node's or the other's).
    .addColumn('actor_id', 'text', (c) => c.notNull())
    .addColumn('actor_display_name', 'text', (c) => c.notNull())
    // The roles the actor held (JSON array of strings).
    .addColumn('actor_roles', 'jsonb', (c) => c.notNull())
    .addColumn('payload', 'jsonb', (c) => c.notNull())
    .addColumn('occurred_at', 'timestamptz', (c) => c.notNull())
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull())
    // The federation message that carried it from the other node; null when made here.
    .addColumn('received_message_id', 'uuid', (c) => c.unique())
    // The federation message that carries it to the other node; null when received.
    .addColumn('sent_message_id', 'uuid', (c) => c.unique())
    .addUniqueConstraint('case_events_request_sequence_key', ['request_id', 'sequence'])
    .addCheckConstraint('case_events_side_check', sql`side in ('requesting', 'requested')`)
    .execute();
  // Null until the first transition after sending; then the status the history folds to.
  await db.schema.alterTable('requests').addColumn('case_status', 'text').execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('requests').dropColumn('case_status').execute();
  await db.schema.dropTable('case_events').execute();
}
