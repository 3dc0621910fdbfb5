/**
 * The audit log's intake: an audited call writes its entry here in one statement before its
 * answer leaves (the event as canonical JSON, the time it was recorded); the node numbers the
 * entries waiting here and appends them to the Merkle tree in batches (src/services/audit.service.ts),
 * so the tree's lock and hashing stay off the call's path. Frozen: later changes go in new
 * migration files.
 */
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and do not use the app's types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('audit_intake')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull())
    .execute();
}
