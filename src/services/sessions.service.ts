/**
 * Web sessions: signing in with username and password, finding the session behind a cookie,
 * signing out. The cookie carries a random 32-byte token; the database keeps only its SHA-256.
 * A session ends after `config.session.idleMinutes` without activity or `maxHours` after sign-in,
 * whichever comes first. Failed sign-ins are throttled per client address (sign-in-throttle.ts).
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
import { verifyPasswordTimed, waitAsLongAsAVerification } from './password-hashing.ts';
import { recordAudit } from './audit.service.ts';
import { createSignInThrottle, type SignInThrottle } from './sign-in-throttle.ts';
import { toUserView, type UserView } from './users.service.ts';

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

/** The sign-in throttle of each running node. */
const throttles = new WeakMap<AppContext, SignInThrottle>();

function throttleOf(context: AppContext): SignInThrottle {
  let throttle = throttles.get(context);
  if (!throttle) {
    throttle = createSignInThrottle({
      now: context.now,
      checksPerSecond: context.config.session.signInChecksPerSecond,
    });
    throttles.set(context, throttle);
  }
  return throttle;
}

export type SignedIn = Readonly<{
  user: UserView;
  /** The cookie value; shown to the browser only. */
  sessionToken: string;
  csrfToken: string;
}>;

/**
 * Checks the password and opens a session. Unknown username, wrong password and disabled
 * account all answer invalid-credentials after about the same time (an unknown username waits
 * instead of computing). The client address is throttled (sign-in-throttle.ts): too-many-requests
 * with the seconds to wait, before any password is checked; no account is ever locked.
 */
export async function signIn(
  context: AppContext,
  credentials: { username: string; password: string },
  clientAddress: string,
): Promise<SignedIn> {
  const username = credentials.username.trim().toLowerCase();
  const throttle = throttleOf(context);
  const audit = (outcome: 'success' | 'failure', reason: string, userId?: string) =>
    recordAudit(context, {
      action: 'auth:sign-in',
      actor: userId
        ? { kind: 'user', id: userId, username }
        : { kind: 'anonymous', username: username.slice(0, 200) },
      outcome,
      detail: { reason, client: clientAddress },
    });
  try {
    throttle.admit(clientAddress);
  } catch (error) {
    context.metrics?.signInFailed();
    await audit('failure', 'throttled');
    throw error;
  }
  const found = await findUserCredentials(context.db, username);
  const isPasswordRight = found
    ? await verifyPasswordTimed(credentials.password, found.passwordHash)
    : await waitAsLongAsAVerification();
  if (!found || !isPasswordRight || found.user.isDisabled) {
    throttle.recordFailure(clientAddress);
    context.metrics?.signInFailed();
    await audit('failure', 'invalid-credentials');
    throw new AppError('invalid-credentials', 'wrong username or password, or the account is disabled');
  }

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
  await audit('success', 'password', found.user.id);
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
