/**
 * Alerts: what the node must tell a person (an urgent request arrived, a deadline is at risk or
 * missed, a case escalated). One row per alert, raised once per dedup key (a timer that fires
 * twice raises nothing new), for the users named as its recipients; how each alert travels (live
 * screen, e-mail, webhook) and whether it arrived is kept beside it.
 * Frozen: later changes go in new migration files. PostgreSQL 15 subset (runs on PGlite too).
 */
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and do not use the app's types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('alerts')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    // e.g. "arrived:<request id>", "deadline:<request id>:acknowledge:missed": one alert per key.
    .addColumn('dedup_key', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('request_id', 'uuid', (c) => c.references('requests.id').onDelete('cascade'))
    // JSON array of user ids: the people told.
    .addColumn('recipients', 'jsonb', (c) => c.notNull())
    // What the alert says, as data (deadline kind and due time, urgency, escalation level...).
    .addColumn('details', 'jsonb', (c) => c.notNull())
    .addColumn('raised_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('alerts_request_idx').on('alerts').column('request_id').execute();
  await db.schema.createIndex('alerts_raised_at_idx').on('alerts').column('raised_at').execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('alerts').execute();
}
