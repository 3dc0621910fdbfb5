/**
 * Web sessions: signing in with username and password, finding the session behind a cookie,
 * signing out. The cookie carries a random 32-byte token; the database keeps only its SHA-256.
 * A session ends after `config.session.idleMinutes` without activity or `maxHours` after sign-in,
 * whichever comes first. Failed sign-ins are counted per username to slow down guessing.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { AppError } from '../core/errors.ts';
import type { AppContext } from '../app-context.ts';
import type { Actor } from '../policies/access.ts';
import {
  deleteSession,
  deleteStaleSessions,
  findSessionByHash,
  insertSession,
  touchSession,
} from '../storage/sessions.repository.ts';
import { findUserById, findUserCredentials } from '../storage/users.repository.ts';
import { verifyDummyPassword, verifyPassword } from './password-hashing.ts';
import { toUserView, type UserView } from './users.service.ts';

/** Failed sign-ins allowed per username within the window before further attempts are refused. */
export const MAXIMUM_FAILED_SIGN_INS = 10;
export const FAILED_SIGN_IN_WINDOW_MINUTES = 15;
/** last_seen_at is written at most this often, so reading pages does not write on every request. */
const TOUCH_INTERVAL_MS = 60_000;
const MINUTE_MS = 60_000;

/** SHA-256 (hex) of a secret token: what the database stores instead of the token. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Compares two secrets in constant time, whatever their lengths. */
export function isSecretEqual(given: string, expected: string): boolean {
  const givenDigest = createHash('sha256').update(given).digest();
  const expectedDigest = createHash('sha256').update(expected).digest();
  return timingSafeEqual(givenDigest, expectedDigest) && given.length === expected.length;
}

/** Failed attempts per username (timestamps in ms), one record per running node. */
const failedSignIns = new WeakMap<AppContext, Map<string, number[]>>();

function recentFailures(context: AppContext, username: string): number[] {
  let byUsername = failedSignIns.get(context);
  if (!byUsername) {
    byUsername = new Map();
    failedSignIns.set(context, byUsername);
  }
  const since = context.now().getTime() - FAILED_SIGN_IN_WINDOW_MINUTES * MINUTE_MS;
  const failures = (byUsername.get(username) ?? []).filter((time) => time > since);
  if (failures.length === 0) byUsername.delete(username);
  else byUsername.set(username, failures);
  return failures;
}

function recordFailure(context: AppContext, username: string): void {
  const byUsername = failedSignIns.get(context);
  if (!byUsername) return;
  const failures = recentFailures(context, username);
  byUsername.set(username, [...failures, context.now().getTime()]);
  if (byUsername.size > 10_000) {
    // Forget usernames whose failures are all outside the window.
    for (const name of [...byUsername.keys()]) recentFailures(context, name);
  }
}

export type SignedIn = Readonly<{
  user: UserView;
  /** The cookie value; shown to the browser only. */
  sessionToken: string;
  csrfToken: string;
}>;

/**
 * Checks the password and opens a session. Unknown username, wrong password and disabled
 * account all answer invalid-credentials, after the same amount of work. After
 * MAXIMUM_FAILED_SIGN_INS failures for a username within the window, answers too-many-requests.
 */
export async function signIn(
  context: AppContext,
  credentials: { username: string; password: string },
): Promise<SignedIn> {
  const username = credentials.username.trim().toLowerCase();
  if (recentFailures(context, username).length >= MAXIMUM_FAILED_SIGN_INS) {
    context.metrics?.signInFailed();
    throw new AppError(
      'too-many-requests',
      `too many failed sign-ins for this username; try again in ${FAILED_SIGN_IN_WINDOW_MINUTES} minutes`,
    );
  }
  const found = await findUserCredentials(context.db, username);
  const isPasswordRight = found
    ? await verifyPassword(credentials.password, found.passwordHash)
    : await verifyDummyPassword(credentials.password);
  if (!found || !isPasswordRight || found.user.isDisabled) {
    recordFailure(context, username);
    context.metrics?.signInFailed();
    throw new AppError('invalid-credentials', 'wrong username or password, or the account is disabled');
  }
  failedSignIns.get(context)?.delete(username);

  const now = context.now();
  const { idleMinutes, maxHours } = context.config.session;
  await deleteStaleSessions(context.db, now, new Date(now.getTime() - idleMinutes * MINUTE_MS));
  const sessionToken = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(32).toString('base64url');
  await insertSession(context.db, {
    idHash: hashToken(sessionToken),
    userId: found.user.id,
    csrfToken,
    createdAt: now,
    expiresAt: new Date(now.getTime() + maxHours * 60 * MINUTE_MS),
  });
  return { user: toUserView(found.user), sessionToken, csrfToken };
}

/** A live session behind a cookie: who acts and the CSRF token their unsafe requests must carry. */
export type ResolvedSession = Readonly<{ actor: Actor; idHash: string; csrfToken: string }>;

/**
 * Finds the live session for a cookie value, sliding its idle expiry. Returns undefined for an
 * unknown, idle, expired or disabled user's session (and deletes an expired one).
 */
export async function resolveSession(
  context: AppContext,
  sessionToken: string,
): Promise<ResolvedSession | undefined> {
  if (sessionToken.length === 0 || sessionToken.length > 200) return undefined;
  const idHash = hashToken(sessionToken);
  const session = await findSessionByHash(context.db, idHash);
  if (!session) return undefined;
  const now = context.now().getTime();
  const idleDeadline = session.lastSeenAt.getTime() + context.config.session.idleMinutes * MINUTE_MS;
  if (now >= session.expiresAt.getTime() || now >= idleDeadline) {
    await deleteSession(context.db, idHash);
    return undefined;
  }
  if (session.user.isDisabled) return undefined;
  if (now - session.lastSeenAt.getTime() >= TOUCH_INTERVAL_MS) {
    await touchSession(context.db, idHash, context.now());
  }
  return {
    actor: {
      userId: session.user.id,
      username: session.user.username,
      roles: session.user.roles,
      authenticatedBy: 'session',
    },
    idHash,
    csrfToken: session.csrfToken,
  };
}

/** The signed-in user's account, for GET /api/v1/session. */
export async function describeSessionUser(context: AppContext, userId: string): Promise<UserView> {
  const user = await findUserById(context.db, userId);
  if (!user || user.isDisabled) throw new AppError('unauthenticated', 'the session has ended');
  return toUserView(user);
}

/** Ends a session (sign out). */
export async function signOut(context: AppContext, idHash: string): Promise<void> {
  await deleteSession(context.db, idHash);
}
