/**
 * Evidence packages: the items of a request the executing node sends to the requesting node, with
 * their signed manifest and the list of their encrypted, content-addressed chunks. One table for
 * both sides (`direction`): outgoing on the executing node, incoming on the requesting node.
 * Frozen: later changes go in new migration files. PostgreSQL 15 subset (runs on PGlite too).
 */
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and do not use the app's types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('evidence_packages')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('request_id', 'uuid', (c) => c.notNull().references('requests.id').onDelete('cascade'))
    // 'outgoing' (made here, sent to the requesting node) | 'incoming' (offered to this node).
    .addColumn('direction', 'text', (c) => c.notNull())
    .addColumn('peer_node_id', 'text', (c) => c.notNull())
    // The signed manifest (compact JWS) and the chunk list [{item, index, hash, size}].
    .addColumn('manifest', 'text', (c) => c.notNull())
    .addColumn('chunks', 'jsonb', (c) => c.notNull())
    // Incoming only, until verified: the package key (base64) the offer carried encrypted.
    .addColumn('package_key', 'text')
    // outgoing: 'sealed' | 'offered' | 'verified' | 'failed'; incoming: 'fetching' | 'verified' | 'failed'.
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('failure_reason', 'text')
    .addColumn('created_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    // Outgoing: the receiver's verdict recorded in the items' custody chains.
    .addColumn('is_outcome_recorded', 'boolean', (c) => c.notNull().defaultTo(false))
    .addCheckConstraint('evidence_packages_direction_check', sql`direction in ('outgoing', 'incoming')`)
    .addCheckConstraint(
      'evidence_packages_status_check',
      sql`status in ('sealed', 'offered', 'fetching', 'verified', 'failed')`,
    )
    .execute();
  await db.schema
    .createIndex('evidence_packages_request_idx')
    .on('evidence_packages')
    .column('request_id')
    .execute();
  await db.schema
    .createIndex('evidence_packages_status_idx')
    .on('evidence_packages')
    .columns(['direction', 'status'])
    .execute();
  await db.schema
    .alterTable('evidence_items')
    .addColumn('package_id', 'uuid', (c) => c.references('evidence_packages.id').onDelete('set null'))
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('evidence_items').dropColumn('package_id').execute();
  await db.schema.dropTable('evidence_packages').execute();
}
