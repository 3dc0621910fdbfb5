/**
 * SQL for user accounts. Rows are mapped to `StoredUser`; the password hash leaves this module
 * only through `findUserCredentials`, for the sign-in check.
 */
import { type Kysely, sql } from 'kysely';
import type { Role } from '../core/roles.ts';
import type { Database, UserRow } from './schema.ts';

/** A user account as the services see it (no password hash). */
export type StoredUser = Readonly<{
  id: string;
  username: string;
  displayName: string;
  roles: readonly Role[];
  locale: string | null;
  /** Where e-mail alerts go; null: none. */
  email: string | null;
  isDisabled: boolean;
  createdAt: Date;
  /** A one-time password: the next sign-in must change it before anything else. */
  mustChangePassword: boolean;
  /** TOTP enrolment confirmed: sign-in asks for a code. */
  isTotpEnrolled: boolean;
}>;

type UserColumns = Omit<UserRow, 'password_hash' | 'totp_secret' | 'totp_last_step' | 'recovery_code_hashes'>;

function toStoredUser(row: UserColumns): StoredUser {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    roles: row.roles as Role[],
    locale: row.locale,
    email: row.email,
    isDisabled: row.is_disabled,
    createdAt: row.created_at,
    mustChangePassword: row.must_change_password,
    isTotpEnrolled: row.totp_confirmed_at !== null,
  };
}

const USER_COLUMNS = [
  'id',
  'username',
  'display_name',
  'roles',
  'locale',
  'email',
  'is_disabled',
  'created_at',
  'updated_at',
  'must_change_password',
  'totp_confirmed_at',
] as const;

export async function countUsers(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

export async function insertUser(
  db: Kysely<Database>,
  user: {
    username: string;
    displayName: string;
    passwordHash: string;
    roles: readonly Role[];
    locale?: string | null;
    email?: string | null;
    mustChangePassword?: boolean;
  },
): Promise<StoredUser> {
  const row = await db
    .insertInto('users')
    .values({
      username: user.username,
      display_name: user.displayName,
      password_hash: user.passwordHash,
      roles: [...user.roles],
      locale: user.locale ?? null,
      email: user.email ?? null,
      must_change_password: user.mustChangePassword ?? false,
    })
    .returning(USER_COLUMNS)
    .executeTakeFirstOrThrow();
  return toStoredUser(row);
}

export async function findUserById(db: Kysely<Database>, id: string): Promise<StoredUser | undefined> {
  const row = await db.selectFrom('users').select(USER_COLUMNS).where('id', '=', id).executeTakeFirst();
  return row ? toStoredUser(row) : undefined;
}

/** The display names of the accounts with these ids (an id of no account is left out). */
export async function findDisplayNames(
  db: Kysely<Database>,
  ids: readonly string[],
): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('users')
    .select(['id', 'display_name'])
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(rows.map((row) => [row.id, row.display_name]));
}

/** The usernames of the accounts shown by this name, whatever its case (a filter by a person's name). */
export async function findUsernamesByDisplayName(
  db: Kysely<Database>,
  displayName: string,
): Promise<string[]> {
  const rows = await db
    .selectFrom('users')
    .select('username')
    .where(sql<boolean>`lower(display_name) = lower(${displayName})`)
    .execute();
  return rows.map((row) => row.username);
}

export async function findUserByUsername(
  db: Kysely<Database>,
  username: string,
): Promise<StoredUser | undefined> {
  const row = await db
    .selectFrom('users')
    .select(USER_COLUMNS)
    .where('username', '=', username)
    .executeTakeFirst();
  return row ? toStoredUser(row) : undefined;
}

/** The account and its password hash, for checking a sign-in. */
export async function findUserCredentials(
  db: Kysely<Database>,
  username: string,
): Promise<{ user: StoredUser; passwordHash: string } | undefined> {
  const row = await db
    .selectFrom('users')
    .select([...USER_COLUMNS, 'password_hash'])
    .where('username', '=', username)
    .executeTakeFirst();
  return row ? { user: toStoredUser(row), passwordHash: row.password_hash } : undefined;
}

export async function listAllUsers(db: Kysely<Database>): Promise<StoredUser[]> {
  const rows = await db.selectFrom('users').select(USER_COLUMNS).orderBy('username').execute();
  return rows.map(toStoredUser);
}

/** Users that are enabled and hold the role (to protect the last administrator). */
export async function countEnabledUsersWithRole(db: Kysely<Database>, role: Role): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('is_disabled', '=', false)
    .where(sql<boolean>`${role} = any(roles)`)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

export async function updateUserRow(
  db: Kysely<Database>,
  id: string,
  changes: {
    roles?: readonly Role[];
    isDisabled?: boolean;
    displayName?: string;
    passwordHash?: string;
    email?: string | null;
    mustChangePassword?: boolean;
  },
  now: Date,
): Promise<StoredUser | undefined> {
  const row = await db
    .updateTable('users')
    .set({
      ...(changes.roles ? { roles: [...changes.roles] } : {}),
      ...(changes.isDisabled === undefined ? {} : { is_disabled: changes.isDisabled }),
      ...(changes.displayName === undefined ? {} : { display_name: changes.displayName }),
      ...(changes.passwordHash === undefined ? {} : { password_hash: changes.passwordHash }),
      ...(changes.email === undefined ? {} : { email: changes.email }),
      ...(changes.mustChangePassword === undefined
        ? {}
        : { must_change_password: changes.mustChangePassword }),
      updated_at: now,
    })
    .where('id', '=', id)
    .returning(USER_COLUMNS)
    .executeTakeFirst();
  return row ? toStoredUser(row) : undefined;
}

/** The e-mail addresses of the given users that have one and are enabled (where e-mail alerts go). */
export async function listEmailRecipients(
  db: Kysely<Database>,
  userIds: readonly string[],
): Promise<{ id: string; email: string }[]> {
  if (userIds.length === 0) return [];
  const rows = await db
    .selectFrom('users')
    .select(['id', 'email'])
    .where('id', 'in', [...userIds])
    .where('email', 'is not', null)
    .where('is_disabled', '=', false)
    .execute();
  return rows.flatMap((row) => (row.email ? [{ id: row.id, email: row.email }] : []));
}

/** A user's password hash (to check the current password before a change). */
export async function findPasswordHash(db: Kysely<Database>, id: string): Promise<string | undefined> {
  const row = await db.selectFrom('users').select('password_hash').where('id', '=', id).executeTakeFirst();
  return row?.password_hash;
}

/** A user's TOTP state: the secret (null: none), whether confirmed, the last step accepted. */
export type StoredTotp = Readonly<{ secret: string | null; isConfirmed: boolean; lastStep: number | null }>;

export async function findTotp(db: Kysely<Database>, userId: string): Promise<StoredTotp | undefined> {
  const row = await db
    .selectFrom('users')
    .select(['totp_secret', 'totp_confirmed_at', 'totp_last_step'])
    .where('id', '=', userId)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    secret: row.totp_secret,
    isConfirmed: row.totp_confirmed_at !== null,
    lastStep: row.totp_last_step === null ? null : Number(row.totp_last_step),
  };
}

/** Starts an enrolment (a new unconfirmed secret), replacing an unconfirmed one; never a confirmed one. */
export async function startTotpEnrolment(
  db: Kysely<Database>,
  userId: string,
  secret: string,
): Promise<boolean> {
  const result = await db
    .updateTable('users')
    .set({ totp_secret: secret, totp_confirmed_at: null, totp_last_step: null, recovery_code_hashes: [] })
    .where('id', '=', userId)
    .where('totp_confirmed_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Confirms the enrolment with the step of its first code and the recovery codes' hashes. */
export async function confirmTotpEnrolment(
  db: Kysely<Database>,
  userId: string,
  input: { step: number; recoveryCodeHashes: readonly string[]; now: Date },
): Promise<boolean> {
  const result = await db
    .updateTable('users')
    .set({
      totp_confirmed_at: input.now,
      totp_last_step: input.step,
      recovery_code_hashes: [...input.recoveryCodeHashes],
    })
    .where('id', '=', userId)
    .where('totp_secret', 'is not', null)
    .where('totp_confirmed_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Records an accepted time step; false when that step (or a later one) was already used. */
export async function acceptTotpStep(db: Kysely<Database>, userId: string, step: number): Promise<boolean> {
  const result = await db
    .updateTable('users')
    .set({ totp_last_step: step })
    .where('id', '=', userId)
    .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Uses up one recovery code (by its hash); false when it is not one of the user's unused codes. */
export async function consumeRecoveryCode(
  db: Kysely<Database>,
  userId: string,
  codeHash: string,
): Promise<boolean> {
  const result = await db
    .updateTable('users')
    .set({ recovery_code_hashes: sql<string[]>`array_remove(recovery_code_hashes, ${codeHash})` })
    .where('id', '=', userId)
    .where(sql<boolean>`${codeHash} = any(recovery_code_hashes)`)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** How many unused recovery codes a user has. */
export async function countRecoveryCodes(db: Kysely<Database>, userId: string): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select(sql<number>`cardinality(recovery_code_hashes)`.as('count'))
    .where('id', '=', userId)
    .executeTakeFirst();
  return Number(row?.count ?? 0);
}

/** Removes TOTP from an account (secret, confirmation, recovery codes). */
export async function clearTotp(db: Kysely<Database>, userId: string): Promise<void> {
  await db
    .updateTable('users')
    .set({ totp_secret: null, totp_confirmed_at: null, totp_last_step: null, recovery_code_hashes: [] })
    .where('id', '=', userId)
    .execute();
}
