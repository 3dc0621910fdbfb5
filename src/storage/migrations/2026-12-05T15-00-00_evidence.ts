/**
 * Evidence items attached to a case by the requested (executing) side, and the chain of custody of
 * each: one row per event, each event's hash covering the event and the previous event's hash.
 * The bytes live in files under <data dir>/evidence (docs/evidence.md), named by `storage_key`.
 * Frozen: later changes go in new migration files. PostgreSQL 15 subset (runs on PGlite too).
 */
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and do not use the app's types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('evidence_items')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('request_id', 'uuid', (c) => c.notNull().references('requests.id').onDelete('cascade'))
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('media_type', 'text', (c) => c.notNull())
    .addColumn('size_bytes', 'bigint', (c) => c.notNull())
    // Lower-case hex; null until the upload is complete.
    .addColumn('sha256', 'text')
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    // What, from whom, when, how, by whom, under which legal basis (JSON object).
    .addColumn('acquisition', 'jsonb', (c) => c.notNull())
    .addColumn('retention_until', 'date')
    // Child sexual abuse material: never previewed, downloaded only with evidence:read-sensitive and a reason.
    .addColumn('is_sensitive', 'boolean', (c) => c.notNull().defaultTo(false))
    // The file's name under <data dir>/evidence/items.
    .addColumn('storage_key', 'text', (c) => c.notNull())
    // 'uploading' | 'stored' | 'deleted'.
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('stored_at', 'timestamptz')
    .addColumn('deleted_at', 'timestamptz')
    .addCheckConstraint('evidence_items_status_check', sql`status in ('uploading', 'stored', 'deleted')`)
    .execute();
  await db.schema
    .createIndex('evidence_items_request_idx')
    .on('evidence_items')
    .column('request_id')
    .execute();
  await db.schema
    .createTable('evidence_custody_events')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('item_id', 'uuid', (c) => c.notNull().references('evidence_items.id').onDelete('cascade'))
    // 1, 2, 3... per item: the chain's order.
    .addColumn('sequence', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'uuid')
    .addColumn('actor_name', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('details', 'jsonb', (c) => c.notNull())
    // The previous event's hash; null for the first event of an item.
    .addColumn('previous_hash', 'text')
    .addColumn('hash', 'text', (c) => c.notNull())
    .addUniqueConstraint('evidence_custody_events_sequence_key', ['item_id', 'sequence'])
    .addCheckConstraint(
      'evidence_custody_events_kind_check',
      sql`kind in ('acquired', 'sealed', 'sent', 'received', 'verified', 'opened', 'downloaded', 'exported', 'deleted')`,
    )
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('evidence_custody_events').execute();
  await db.schema.dropTable('evidence_items').execute();
}
