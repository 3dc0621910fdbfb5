/**
 * SQL for web sessions. The table holds only the SHA-256 of each session token (`id_hash`), so
 * reading the database does not let anyone take over a session.
 */
import type { Kysely } from 'kysely';
import type { Role } from '../core/roles.ts';
import type { Database } from './schema.ts';

/** A session with the account it belongs to. */
export type StoredSession = Readonly<{
  idHash: string;
  csrfToken: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  user: Readonly<{
    id: string;
    username: string;
    roles: readonly Role[];
    isDisabled: boolean;
    mustChangePassword: boolean;
    isTotpEnrolled: boolean;
  }>;
}>;

export async function insertSession(
  db: Kysely<Database>,
  session: { idHash: string; userId: string; csrfToken: string; createdAt: Date; expiresAt: Date },
): Promise<void> {
  await db
    .insertInto('sessions')
    .values({
      id_hash: session.idHash,
      user_id: session.userId,
      csrf_token: session.csrfToken,
      created_at: session.createdAt,
      last_seen_at: session.createdAt,
      expires_at: session.expiresAt,
    })
    .execute();
}

export async function findSessionByHash(
  db: Kysely<Database>,
  idHash: string,
): Promise<StoredSession | undefined> {
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select([
      'sessions.id_hash',
      'sessions.csrf_token',
      'sessions.created_at',
      'sessions.last_seen_at',
      'sessions.expires_at',
      'users.id as user_id',
      'users.username',
      'users.roles',
      'users.is_disabled',
      'users.must_change_password',
      'users.totp_confirmed_at',
    ])
    .where('sessions.id_hash', '=', idHash)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    idHash: row.id_hash,
    csrfToken: row.csrf_token,
    createdAt: new Date(row.created_at),
    lastSeenAt: new Date(row.last_seen_at),
    expiresAt: new Date(row.expires_at),
    user: {
      id: row.user_id,
      username: row.username,
      roles: row.roles as Role[],
      isDisabled: row.is_disabled,
      mustChangePassword: row.must_change_password,
      isTotpEnrolled: row.totp_confirmed_at !== null,
    },
  };
}

export async function touchSession(db: Kysely<Database>, idHash: string, now: Date): Promise<void> {
  await db.updateTable('sessions').set({ last_seen_at: now }).where('id_hash', '=', idHash).execute();
}

export async function deleteSession(db: Kysely<Database>, idHash: string): Promise<void> {
  await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
}

/** Ends a user's sessions, all of them or all but one (the session that changed the password). */
export async function deleteSessionsOfUser(
  db: Kysely<Database>,
  userId: string,
  exceptIdHash?: string,
): Promise<void> {
  let query = db.deleteFrom('sessions').where('user_id', '=', userId);
  if (exceptIdHash !== undefined) query = query.where('id_hash', '!=', exceptIdHash);
  await query.execute();
}

/** Removes sessions past their absolute expiry or idle since before `idleSince`. */
export async function deleteStaleSessions(db: Kysely<Database>, now: Date, idleSince: Date): Promise<void> {
  await db
    .deleteFrom('sessions')
    .where((eb) => eb.or([eb('expires_at', '<=', now), eb('last_seen_at', '<', idleSince)]))
    .execute();
}
