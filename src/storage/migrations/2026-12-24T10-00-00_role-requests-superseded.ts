/**
 * A pending grant of roles that a later change of the same user's roles replaced: `superseded`
 * (with who made the later change and when), so that approving it can no longer give back a
 * role the later change took away. Frozen: later changes go in new migration files. PostgreSQL 15
 * subset (runs on PGlite too).
 */
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and do not use the app's types
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table role_requests drop constraint role_requests_status_check`.execute(db);
  await sql`
    alter table role_requests add constraint role_requests_status_check
      check (status in ('pending', 'approved', 'applied', 'superseded'))`.execute(db);
}
