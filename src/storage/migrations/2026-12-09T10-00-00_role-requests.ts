/**
 * Role requests: every change of a user's roles, who asked and who approved, when. A grant of a
 * role that reads case content (or administers the node) asked by an administrator waits,
 * 'pending', until a second administrator approves it; other changes are 'applied' at once.
 * requested_by / decided_by null: the node's operator (the command line on the server).
 * Frozen: later changes go in new migration files. PostgreSQL 15 subset (runs on PGlite too).
 */
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and do not use the app's types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('role_requests')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('roles_added', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .addColumn('roles_removed', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('requested_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('requested_at', 'timestamptz', (c) => c.notNull())
    .addColumn('decided_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('decided_at', 'timestamptz')
    .addCheckConstraint('role_requests_status_check', sql`status in ('pending', 'approved', 'applied')`)
    .execute();
  await db.schema
    .createIndex('role_requests_requested_at_idx')
    .on('role_requests')
    .column('requested_at')
    .execute();
}
