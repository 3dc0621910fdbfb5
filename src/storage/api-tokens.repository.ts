/**
 * SQL for API tokens. Only the SHA-256 of a token is stored; the token itself is shown once, at
 * creation.
 */
import type { Kysely } from 'kysely';
import type { Role } from '../core/roles.ts';
import { compiledOnce, type ValueOf } from './compiled-once.ts';
import type { Database } from './schema.ts';

/** An API token's metadata (never its hash). */
export type StoredApiToken = Readonly<{
  id: string;
  userId: string;
  name: string;
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}>;

/** A token found by its hash, with the account it acts for. */
export type ResolvedApiToken = StoredApiToken &
  Readonly<{ user: Readonly<{ id: string; username: string; roles: readonly Role[]; isDisabled: boolean }> }>;

const TOKEN_COLUMNS = [
  'api_tokens.id',
  'api_tokens.user_id',
  'api_tokens.name',
  'api_tokens.created_at',
  'api_tokens.expires_at',
  'api_tokens.revoked_at',
  'api_tokens.last_used_at',
] as const;

type TokenColumns = {
  id: string;
  user_id: string;
  name: string;
  created_at: Date;
  expires_at: Date | string | null;
  revoked_at: Date | string | null;
  last_used_at: Date | string | null;
};

function toDate(value: Date | string | null): Date | null {
  return value === null ? null : new Date(value);
}

function toStoredApiToken(row: TokenColumns): StoredApiToken {
  return {
    id: row.id,
    userId: row.user_id,
    name: row.name,
    createdAt: new Date(row.created_at),
    expiresAt: toDate(row.expires_at),
    revokedAt: toDate(row.revoked_at),
    lastUsedAt: toDate(row.last_used_at),
  };
}

export async function insertApiToken(
  db: Kysely<Database>,
  token: { userId: string; name: string; tokenHash: string; createdAt: Date; expiresAt: Date | null },
): Promise<StoredApiToken> {
  const row = await db
    .insertInto('api_tokens')
    .values({
      user_id: token.userId,
      name: token.name,
      token_hash: token.tokenHash,
      created_at: token.createdAt,
      expires_at: token.expiresAt,
    })
    .returning(TOKEN_COLUMNS)
    .executeTakeFirstOrThrow();
  return toStoredApiToken(row);
}

// Every request with a token runs it (compiled-once.ts).
export const selectApiTokenByHash = compiledOnce((db, value: ValueOf<{ tokenHash: string }>) =>
  db
    .selectFrom('api_tokens')
    .innerJoin('users', 'users.id', 'api_tokens.user_id')
    .select([...TOKEN_COLUMNS, 'users.username', 'users.roles', 'users.is_disabled'])
    .where('api_tokens.token_hash', '=', value('tokenHash')),
);

export async function findApiTokenByHash(
  db: Kysely<Database>,
  tokenHash: string,
): Promise<ResolvedApiToken | undefined> {
  const [row] = await selectApiTokenByHash(db, { tokenHash });
  if (!row) return undefined;
  return {
    ...toStoredApiToken(row),
    user: {
      id: row.user_id,
      username: row.username,
      roles: row.roles as Role[],
      isDisabled: row.is_disabled,
    },
  };
}

export async function listApiTokensOfUser(db: Kysely<Database>, userId: string): Promise<StoredApiToken[]> {
  const rows = await db
    .selectFrom('api_tokens')
    .select(TOKEN_COLUMNS)
    .where('user_id', '=', userId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(toStoredApiToken);
}

/** Every user's tokens with their owner's username (for administrators), newest first. */
export async function listAllApiTokens(
  db: Kysely<Database>,
): Promise<(StoredApiToken & { username: string })[]> {
  const rows = await db
    .selectFrom('api_tokens')
    .innerJoin('users', 'users.id', 'api_tokens.user_id')
    .select([...TOKEN_COLUMNS, 'users.username'])
    .orderBy('api_tokens.created_at', 'desc')
    .orderBy('api_tokens.id')
    .execute();
  return rows.map((row) => ({ ...toStoredApiToken(row), username: row.username }));
}

export async function findApiTokenById(
  db: Kysely<Database>,
  id: string,
): Promise<StoredApiToken | undefined> {
  const row = await db.selectFrom('api_tokens').select(TOKEN_COLUMNS).where('id', '=', id).executeTakeFirst();
  return row ? toStoredApiToken(row) : undefined;
}

/** Sets revoked_at unless the token is already revoked. */
export async function revokeApiTokenRow(db: Kysely<Database>, id: string, now: Date): Promise<void> {
  await db
    .updateTable('api_tokens')
    .set({ revoked_at: now })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .execute();
}

/** Revokes every live token of a user (password changed, account disabled). */
export async function revokeApiTokensOfUser(db: Kysely<Database>, userId: string, now: Date): Promise<void> {
  await db
    .updateTable('api_tokens')
    .set({ revoked_at: now })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .execute();
}

export async function markApiTokenUsed(db: Kysely<Database>, id: string, now: Date): Promise<void> {
  await db.updateTable('api_tokens').set({ last_used_at: now }).where('id', '=', id).execute();
}
