/**
 * Federation directory: the secretariat's register of nodes and their keys, the signed
 * publications it serves, and (on every node) the cached copy of the last verified directory.
 * Frozen: later changes go in new migration files.
 */
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and do not use the app's types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('directory_nodes')
    .addColumn('node_id', 'text', (c) => c.primaryKey())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('authority', 'text', (c) => c.notNull())
    .addColumn('endpoint', 'text', (c) => c.notNull())
    .addColumn('accepted_languages', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('service_level', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('directory_keys')
    .addColumn('kid', 'text', (c) => c.primaryKey())
    .addColumn('node_id', 'text', (c) =>
      c.notNull().references('directory_nodes.node_id').onDelete('cascade'),
    )
    .addColumn('use', 'text', (c) => c.notNull().check(sql`use in ('sig', 'enc')`))
    .addColumn('jwk', 'jsonb', (c) => c.notNull())
    .addColumn('not_before', 'timestamptz', (c) => c.notNull())
    .addColumn('not_after', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('directory_keys_node_idx').on('directory_keys').column('node_id').execute();

  await db.schema
    .createTable('directory_publications')
    .addColumn('serial', 'integer', (c) => c.primaryKey())
    .addColumn('document', 'text', (c) => c.notNull())
    .addColumn('issued_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('directory_cache')
    .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
    .addColumn('document', 'text', (c) => c.notNull())
    .addColumn('serial', 'integer', (c) => c.notNull())
    .addColumn('fetched_at', 'timestamptz', (c) => c.notNull())
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['directory_cache', 'directory_publications', 'directory_keys', 'directory_nodes']) {
    await db.schema.dropTable(table).execute();
  }
}
