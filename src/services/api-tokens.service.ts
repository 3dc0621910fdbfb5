/**
 * API tokens for national case-management systems: `Authorization: Bearer comity_<random>`.
 * A token acts for the user who created it, with that user's roles. The database keeps only the
 * SHA-256 of the token, so the token is shown once, at creation. Tokens may expire and can be
 * revoked; a disabled user's tokens stop working.
 */
import { randomBytes } from 'node:crypto';
import { AppError } from '../core/errors.ts';
import type { AppContext } from '../app-context.ts';
import type { Actor } from '../policies/access.ts';
import {
  findApiTokenByHash,
  findApiTokenById,
  insertApiToken,
  listApiTokensOfUser,
  markApiTokenUsed,
  revokeApiTokenRow,
  type StoredApiToken,
} from '../storage/api-tokens.repository.ts';
import { hashToken } from './sessions.service.ts';
import { requireUserByUsername } from './users.service.ts';
import { UUID_PATTERN } from '../core/ids.ts';

export const API_TOKEN_PREFIX = 'comity_';
/** `comity_` then 32 random bytes in base64url. */
const TOKEN_PATTERN = /^comity_[A-Za-z0-9_-]{43}$/;
const DAY_MS = 24 * 60 * 60_000;
/** last_used_at is written at most once a minute per token. */
const MARK_USED_INTERVAL_MS = 60_000;
export const MAXIMUM_TOKEN_DAYS = 3650;

/** A token's metadata as the API and the CLI show it: never its hash. */
export type ApiTokenView = Readonly<{
  id: string;
  name: string;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
}>;

function toApiTokenView(token: StoredApiToken): ApiTokenView {
  return {
    id: token.id,
    name: token.name,
    createdAt: token.createdAt.toISOString(),
    expiresAt: token.expiresAt?.toISOString() ?? null,
    revokedAt: token.revokedAt?.toISOString() ?? null,
    lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
  };
}

export type CreatedApiToken = Readonly<{ id: string; name: string; token: string; expiresAt: string | null }>;

/** Creates a token for a user; the returned `token` is the only time the secret is visible. */
export async function createApiToken(
  context: AppContext,
  userId: string,
  input: { name: string; expiresInDays?: number | undefined },
): Promise<CreatedApiToken> {
  const name = input.name.trim();
  if (name.length === 0 || name.length > 100) {
    throw new AppError('invalid-input', 'a token name has 1 to 100 characters', [
      { path: 'name', message: '1 to 100 characters' },
    ]);
  }
  const days = input.expiresInDays;
  if (days !== undefined && (!Number.isInteger(days) || days < 1 || days > MAXIMUM_TOKEN_DAYS)) {
    throw new AppError('invalid-input', `expiresInDays is a whole number from 1 to ${MAXIMUM_TOKEN_DAYS}`, [
      { path: 'expiresInDays', message: `1 to ${MAXIMUM_TOKEN_DAYS}` },
    ]);
  }
  const now = context.now();
  const token = `${API_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  const stored = await insertApiToken(context.db, {
    userId,
    name,
    tokenHash: hashToken(token),
    createdAt: now,
    expiresAt: days === undefined ? null : new Date(now.getTime() + days * DAY_MS),
  });
  return { id: stored.id, name: stored.name, token, expiresAt: stored.expiresAt?.toISOString() ?? null };
}

/** Creates a token for the user with that username (CLI). */
export async function createApiTokenForUsername(
  context: AppContext,
  username: string,
  input: { name: string; expiresInDays?: number | undefined },
): Promise<CreatedApiToken> {
  const user = await requireUserByUsername(context, username);
  return createApiToken(context, user.id, input);
}

export async function listApiTokens(context: AppContext, userId: string): Promise<ApiTokenView[]> {
  return (await listApiTokensOfUser(context.db, userId)).map(toApiTokenView);
}

export async function listApiTokensForUsername(
  context: AppContext,
  username: string,
): Promise<ApiTokenView[]> {
  const user = await requireUserByUsername(context, username);
  return listApiTokens(context, user.id);
}

/**
 * Revokes a token. With `ownerId`, only that user's tokens are found (others' answer
 * not-found); without it (the node's operator, CLI) any token. Revoking twice is harmless.
 */
export async function revokeApiToken(
  context: AppContext,
  id: string,
  ownerId?: string,
): Promise<ApiTokenView> {
  const token = UUID_PATTERN.test(id) ? await findApiTokenById(context.db, id) : undefined;
  if (!token || (ownerId !== undefined && token.userId !== ownerId)) {
    throw new AppError('not-found', 'no such API token');
  }
  await revokeApiTokenRow(context.db, token.id, context.now());
  const revoked = await findApiTokenById(context.db, token.id);
  return toApiTokenView(revoked ?? token);
}

/**
 * The actor behind a bearer token, or undefined when the token is malformed, unknown, expired,
 * revoked or its user disabled. Records when the token was last used.
 */
export async function resolveApiToken(context: AppContext, token: string): Promise<Actor | undefined> {
  if (!TOKEN_PATTERN.test(token)) return undefined;
  const found = await findApiTokenByHash(context.db, hashToken(token));
  if (!found || found.revokedAt !== null || found.user.isDisabled) return undefined;
  const now = context.now();
  if (found.expiresAt !== null && now.getTime() >= found.expiresAt.getTime()) return undefined;
  if (found.lastUsedAt === null || now.getTime() - found.lastUsedAt.getTime() >= MARK_USED_INTERVAL_MS) {
    await markApiTokenUsed(context.db, found.id, now);
  }
  return {
    userId: found.user.id,
    username: found.user.username,
    roles: found.user.roles,
    authenticatedBy: 'token',
  };
}
