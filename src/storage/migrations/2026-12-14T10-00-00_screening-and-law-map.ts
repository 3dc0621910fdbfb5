/**
 * Incoming screening and the domestic law map (docs/case-lifecycle.md, "Screening"):
 * - screening_checklists: the legal reviewer's answers to the checklist of one incoming request
 *   (a JSON array of { itemId, answer, reasons }), who answered last, when, and a revision.
 * - domestic_law_provisions: this node's domestic provisions (citation, title, maximum penalty)
 *   and the Convention offences (catalogue ids art-7 ... art-17, a JSON array) they implement.
 * Frozen: later changes go in new migration files. PostgreSQL 15 subset (runs on PGlite too).
 */
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and do not use the app's types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('screening_checklists')
    .addColumn('request_id', 'uuid', (c) => c.primaryKey().references('requests.id').onDelete('cascade'))
    .addColumn('answers', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('revision', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('updated_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createTable('domestic_law_provisions')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('citation', 'text', (c) => c.notNull().unique())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('maximum_penalty', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('offences', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}
