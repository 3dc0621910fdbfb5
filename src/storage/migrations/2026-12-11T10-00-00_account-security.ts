/**
 * Account security: a password that must be changed at the next sign-in (one-time passwords: the
 * first administrator's, a new account's, a reset), and TOTP multi-factor sign-in (RFC 6238): the
 * shared secret (null: not enrolled), when enrolment was confirmed (null: started, not confirmed),
 * the last time step accepted (a code is never accepted twice) and the SHA-256 of each unused
 * recovery code.
 * Frozen: later changes go in new migration files. PostgreSQL 15 subset (runs on PGlite too).
 */
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and do not use the app's types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('users')
    .addColumn('must_change_password', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute();
  await db.schema.alterTable('users').addColumn('totp_secret', 'text').execute();
  await db.schema.alterTable('users').addColumn('totp_confirmed_at', 'timestamptz').execute();
  await db.schema.alterTable('users').addColumn('totp_last_step', 'bigint').execute();
  await db.schema
    .alterTable('users')
    .addColumn('recovery_code_hashes', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .execute();
}
