/**
 * The duty roster: shifts (a person on duty from one instant to another, entered in the node's
 * time zone, stored as instants) and handover notes (written by the outgoing officer for the next
 * one on the roster); and the last duty status each peer node announced (duty.status: someone on
 * duty there or nobody, as of when).
 * Frozen: later changes go in new migration files. PostgreSQL 15 subset (runs on PGlite too).
 */
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and do not use the app's types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('duty_shifts')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('starts_at', 'timestamptz', (c) => c.notNull())
    .addColumn('ends_at', 'timestamptz', (c) => c.notNull())
    .addColumn('created_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('duty_shifts_span_check', sql`ends_at > starts_at`)
    .execute();
  await db.schema
    .createIndex('duty_shifts_span_idx')
    .on('duty_shifts')
    .columns(['ends_at', 'starts_at'])
    .execute();
  await db.schema
    .createTable('handover_notes')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('author_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    // The next person on the roster when the note was written (null: nobody was rostered).
    .addColumn('for_user_id', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('written_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('handover_notes_written_at_idx')
    .on('handover_notes')
    .column('written_at')
    .execute();
  await db.schema
    .createTable('peer_duty_status')
    .addColumn('node_id', 'text', (c) => c.primaryKey())
    .addColumn('is_on_duty', 'boolean', (c) => c.notNull())
    // When the peer's status began, by the peer's clock; a later message with an older time is ignored.
    .addColumn('as_of', 'timestamptz', (c) => c.notNull())
    .addColumn('received_at', 'timestamptz', (c) => c.notNull())
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('peer_duty_status').execute();
  await db.schema.dropTable('handover_notes').execute();
  await db.schema.dropTable('duty_shifts').execute();
}
