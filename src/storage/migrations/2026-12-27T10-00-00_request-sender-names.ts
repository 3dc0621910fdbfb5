/**
 * An incoming request keeps who the sending node says submitted it and, when it says so, the
 * second person who approved its sending (the two-person rule at the requesting State), as the
 * `request.submitted` message names them: the requested State reads both on the request. Null for
 * outgoing requests and for requests received before. Frozen: later changes go in new migration
 * files. PostgreSQL 15 subset (runs on PGlite too).
 */
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and do not use the app's types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('requests')
    .addColumn('remote_submitted_by', 'text')
    .addColumn('remote_approved_by', 'text')
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('requests')
    .dropColumn('remote_submitted_by')
    .dropColumn('remote_approved_by')
    .execute();
}
