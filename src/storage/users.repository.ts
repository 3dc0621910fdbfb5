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
}>;

function toStoredUser(row: Omit<UserRow, 'password_hash'>): StoredUser {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    roles: row.roles as Role[],
    locale: row.locale,
    email: row.email,
    isDisabled: row.is_disabled,
    createdAt: row.created_at,
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
    })
    .returning(USER_COLUMNS)
    .executeTakeFirstOrThrow();
  return toStoredUser(row);
}

export async function findUserById(db: Kysely<Database>, id: string): Promise<StoredUser | undefined> {
  const row = await db.selectFrom('users').select(USER_COLUMNS).where('id', '=', id).executeTakeFirst();
  return row ? toStoredUser(row) : undefined;
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
