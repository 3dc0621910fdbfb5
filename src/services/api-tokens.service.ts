/**
 * API tokens for national case-management systems: `Authorization: Bearer comity_<random>`.
 * A token acts for the user who created it, with that user's roles. The database keeps only the
 * SHA-256 of the token, so the token is shown once, at creation. Every token expires: its life is
 * chosen at creation, at most COMITY_TOKEN_MAX_DAYS, and a token cannot create one that outlives
 * it. Tokens are revoked by hand, and all of a user's when the password changes or the account is
 * disabled.
 */
import { randomBytes } from 'node:crypto';
import { AppError } from '../core/errors.ts';
import type { AppContext } from '../app-context.ts';
import type { Actor } from '../policies/access.ts';
import {
  findApiTokenByHash,
  findApiTokenById,
  insertApiToken,
  listAllApiTokens,
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
/** The ceiling of COMITY_TOKEN_MAX_DAYS and of the API field (a State sets its own maximum below it). */
export const MAXIMUM_TOKEN_DAYS = 3650;
/** A token's life when its creator chooses none (or the State's maximum when lower). */
export const DEFAULT_TOKEN_DAYS = 90;

/** A token's metadata as the API and the CLI show it: never its hash. */
export type ApiTokenView = Readonly<{
  id: string;
  name: string;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
}>;

function toApiTokenView(context: AppContext, token: StoredApiToken): ApiTokenView {
  return {
    id: token.id,
    name: token.name,
    createdAt: token.createdAt.toISOString(),
    expiresAt: expiryOf(context, token).toISOString(),
    revokedAt: token.revokedAt?.toISOString() ?? null,
    lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
  };
}

export type CreatedApiToken = Readonly<{ id: string; name: string; token: string; expiresAt: string | null }>;

/** What a token is asked for at creation. */
export type NewApiToken = Readonly<{
  name: string;
  /** Its life in days; default DEFAULT_TOKEN_DAYS (or the maximum, or the creating token's rest of life). */
  expiresInDays?: number | undefined;
  /** When the token that asks for this one expires: the new one may not outlive it. */
  creatorExpiresAt?: Date | undefined;
}>;

/**
 * Creates a token for a user; the returned `token` is the only time the secret is visible.
 * invalid-input for a life beyond COMITY_TOKEN_MAX_DAYS or beyond the creating token's.
 */
export async function createApiToken(
  context: AppContext,
  userId: string,
  input: NewApiToken,
): Promise<CreatedApiToken> {
  const name = input.name.trim();
  if (name.length === 0 || name.length > 100) {
    throw new AppError('invalid-input', 'a token name has 1 to 100 characters', [
      {
        path: 'name',
        message: '1 to 100 characters',
        pointer: '/name',
        ...(name.length === 0 ? { code: 'required' } : { code: 'too-big', limit: 100, unit: 'characters' }),
      },
    ]);
  }
  const maximumDays = context.config.session.tokenMaxDays;
  const days = input.expiresInDays;
  if (days !== undefined && (!Number.isInteger(days) || days < 1 || days > maximumDays)) {
    throw new AppError(
      'invalid-input',
      `expiresInDays is a whole number from 1 to ${maximumDays} (this node's maximum)`,
      [
        {
          path: 'expiresInDays',
          message: `1 to ${maximumDays}`,
          pointer: '/expiresInDays',
          ...(!Number.isInteger(days)
            ? { code: 'invalid-type' }
            : days < 1
              ? { code: 'too-small', limit: 1, unit: 'value' }
              : { code: 'too-big', limit: maximumDays, unit: 'value' }),
        },
      ],
    );
  }
  const now = context.now();
  const creatorExpiresAt = input.creatorExpiresAt;
  let expiresAt = new Date(now.getTime() + (days ?? Math.min(DEFAULT_TOKEN_DAYS, maximumDays)) * DAY_MS);
  if (creatorExpiresAt !== undefined && expiresAt.getTime() > creatorExpiresAt.getTime()) {
    if (days !== undefined) {
      throw new AppError(
        'invalid-input',
        `a token cannot create a token that outlives it: this one expires at ${creatorExpiresAt.toISOString()}`,
        [
          {
            path: 'expiresInDays',
            message: `the new token must expire by ${creatorExpiresAt.toISOString()}`,
            pointer: '/expiresInDays',
            code: 'too-big',
            // The whole days left to the token that creates it.
            limit: Math.max(1, Math.floor((creatorExpiresAt.getTime() - now.getTime()) / DAY_MS)),
            unit: 'value',
          },
        ],
      );
    }
    expiresAt = creatorExpiresAt;
  }
  const token = `${API_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  const stored = await insertApiToken(context.db, {
    userId,
    name,
    tokenHash: hashToken(token),
    createdAt: now,
    expiresAt,
  });
  return { id: stored.id, name: stored.name, token, expiresAt: stored.expiresAt?.toISOString() ?? null };
}

/** Creates a token for the user with that username (CLI). */
export async function createApiTokenForUsername(
  context: AppContext,
  username: string,
  input: NewApiToken,
): Promise<CreatedApiToken> {
  const user = await requireUserByUsername(context, username);
  return createApiToken(context, user.id, input);
}

export async function listApiTokens(context: AppContext, userId: string): Promise<ApiTokenView[]> {
  return (await listApiTokensOfUser(context.db, userId)).map((token) => toApiTokenView(context, token));
}

/** Every user's tokens with their owner (administrators), newest first; never the secrets. */
export async function listEveryApiToken(
  context: AppContext,
): Promise<(ApiTokenView & { userId: string; username: string })[]> {
  return (await listAllApiTokens(context.db)).map((token) => ({
    ...toApiTokenView(context, token),
    userId: token.userId,
    username: token.username,
  }));
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
 * not-found); without it (the node's operator, CLI) any token. A token already revoked is
 * invalid-state (nothing changes).
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
  // Refused, not answered as done: the audit log records a revocation only when one happened.
  if (token.revokedAt !== null) {
    throw new AppError(
      'invalid-state',
      `the API token was already revoked at ${token.revokedAt.toISOString()}; nothing changed`,
    );
  }
  await revokeApiTokenRow(context.db, token.id, context.now());
  const revoked = await findApiTokenById(context.db, token.id);
  return toApiTokenView(context, revoked ?? token);
}

/** When a token stops working: its expiry, or for a token made before every token expired, the maximum life. */
function expiryOf(context: AppContext, token: StoredApiToken): Date {
  return (
    token.expiresAt ?? new Date(token.createdAt.getTime() + context.config.session.tokenMaxDays * DAY_MS)
  );
}

/** The actor behind a token and when the token expires. */
export type TokenActor = Readonly<{ actor: Actor; expiresAt: Date }>;

/** The actor behind a bearer token; see resolveApiTokenWithExpiry. */
export async function resolveApiToken(context: AppContext, token: string): Promise<Actor | undefined> {
  return (await resolveApiTokenWithExpiry(context, token))?.actor;
}

/**
 * The actor behind a bearer token and the token's expiry, or undefined when the token is
 * malformed, unknown, expired, revoked or its user disabled. Records when it was last used.
 */
export async function resolveApiTokenWithExpiry(
  context: AppContext,
  token: string,
): Promise<TokenActor | undefined> {
  if (!TOKEN_PATTERN.test(token)) return undefined;
  const found = await findApiTokenByHash(context.db, hashToken(token));
  if (!found || found.revokedAt !== null || found.user.isDisabled) return undefined;
  const now = context.now();
  const expiresAt = expiryOf(context, found);
  if (now.getTime() >= expiresAt.getTime()) return undefined;
  if (found.lastUsedAt === null || now.getTime() - found.lastUsedAt.getTime() >= MARK_USED_INTERVAL_MS) {
    await markApiTokenUsed(context.db, found.id, now);
  }
  return {
    actor: {
      userId: found.user.id,
      username: found.user.username,
      roles: found.user.roles,
      authenticatedBy: 'token',
    },
    expiresAt,
  };
}
