/**
 * How alerts travel beyond the screen: a user's optional e-mail address, the webhook endpoints an
 * administrator registers for national case-management systems, and one delivery row per (alert,
 * channel, target), written with the alert and kept until it is delivered or a person gives up on
 * it, so that no alert is lost while a mail server or a receiver is down.
 * Frozen: later changes go in new migration files. PostgreSQL 15 subset (runs on PGlite too).
 */
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and do not use the app's types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').addColumn('email', 'text').execute();
  await db.schema
    .createTable('webhook_endpoints')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    // whsec_<base64>: the receiver checks signatures with it (Standard Webhooks); shown once.
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createTable('alert_deliveries')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('alert_id', 'uuid', (c) => c.notNull().references('alerts.id').onDelete('cascade'))
    // 'email' (target: a user id) or 'webhook' (target: a webhook endpoint id).
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('target_id', 'uuid', (c) => c.notNull())
    // pending -> delivered | failed (failed -> pending again when an administrator retries it).
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull())
    // Start of the current run of attempts (raised, or retried by an administrator): the age limit counts from it.
    .addColumn('first_attempt_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_attempt_at', 'timestamptz')
    .addColumn('last_error', 'text')
    .addColumn('delivered_at', 'timestamptz')
    .addColumn('lease_until', 'timestamptz')
    .addUniqueConstraint('alert_deliveries_unique', ['alert_id', 'channel', 'target_id'])
    .execute();
  await db.schema
    .createIndex('alert_deliveries_due_idx')
    .on('alert_deliveries')
    .columns(['status', 'next_attempt_at'])
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('alert_deliveries').execute();
  await db.schema.dropTable('webhook_endpoints').execute();
  await db.schema.alterTable('users').dropColumn('email').execute();
}
