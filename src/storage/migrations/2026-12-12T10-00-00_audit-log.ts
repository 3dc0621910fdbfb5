/**
 * The audit log: entries (canonical JSON bytes, numbered from 0, the leaves of an RFC 6962
 * Merkle tree) with their leaf hash and a few columns copied out for filtering; the tree's
 * complete interior nodes (level >= 1), so a proof reads O(log n) stored hashes; the signed tree
 * heads this node published; and the heads other nodes sent this node as their witness.
 * Frozen: later changes go in new migration files. PostgreSQL 15 subset (runs on PGlite too).
 */
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and do not use the app's types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('audit_entries')
    .addColumn('seq', 'bigint', (c) => c.primaryKey())
    .addColumn('entry', 'bytea', (c) => c.notNull())
    .addColumn('leaf_hash', 'bytea', (c) => c.notNull())
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('actor', 'text')
    .addColumn('outcome', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('audit_entries_recorded_at_idx')
    .on('audit_entries')
    .column('recorded_at')
    .execute();
  await db.schema
    .createTable('audit_nodes')
    .addColumn('level', 'smallint', (c) => c.notNull())
    .addColumn('idx', 'bigint', (c) => c.notNull())
    .addColumn('hash', 'bytea', (c) => c.notNull())
    .addPrimaryKeyConstraint('audit_nodes_pkey', ['level', 'idx'])
    .execute();
  await db.schema
    .createTable('audit_tree_heads')
    .addColumn('tree_size', 'bigint', (c) => c.primaryKey())
    .addColumn('root_hash', 'bytea', (c) => c.notNull())
    .addColumn('signed_at', 'timestamptz', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('signature', 'text', (c) => c.notNull())
    .addColumn('sent_to', 'text')
    .execute();
  await db.schema
    .createTable('audit_witnessed_heads')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('node_id', 'text', (c) => c.notNull())
    .addColumn('tree_size', 'bigint', (c) => c.notNull())
    .addColumn('root_hash', 'bytea', (c) => c.notNull())
    .addColumn('signed_at', 'timestamptz', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('signature', 'text', (c) => c.notNull())
    .addColumn('received_at', 'timestamptz', (c) => c.notNull())
    .addColumn('flag', 'text')
    .execute();
  await db.schema
    .createIndex('audit_witnessed_heads_node_idx')
    .on('audit_witnessed_heads')
    .columns(['node_id', 'received_at'])
    .execute();
}
