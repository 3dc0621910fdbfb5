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
import { type PendingStep, pendingStepOf, verifySecondFactor } from './mfa.service.ts';
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

/**
 * Admits one attempt at a secret (password, TOTP code) from a client address, or throws
 * too-many-requests; failures are recorded with recordSecretFailure. Sign-in and the account's own
 * checks (password change, turning TOTP off) share one throttle.
 */
export function admitSecretAttempt(context: AppContext, clientAddress: string): void {
  try {
    throttleOf(context).admit(clientAddress);
  } catch (error) {
    context.metrics?.signInFailed();
    throw error;
  }
}

export function recordSecretFailure(context: AppContext, clientAddress: string): void {
  throttleOf(context).recordFailure(clientAddress);
  context.metrics?.signInFailed();
}

export type SignedIn = Readonly<{
  /** What the user must do before anything else (null: nothing). */
  pendingStep: PendingStep | null;
  user: UserView;
  /** The cookie value; shown to the browser only. */
  sessionToken: string;
  csrfToken: string;
  /** When the session ends if nothing happens (idle time, within its maximum). */
  expiresAt: Date;
}>;

/**
 * Checks the password and opens a session. Unknown username, wrong password and disabled
 * account all answer invalid-credentials after about the same time (an unknown username waits
 * instead of computing). The client address is throttled (sign-in-throttle.ts): too-many-requests
 * with the seconds to wait, before any password is checked; no account is ever locked.
 */
export async function signIn(
  context: AppContext,
  credentials: { username: string; password: string; code?: string | undefined },
  clientAddress: string,
): Promise<SignedIn> {
  const username = credentials.username.trim().toLowerCase();
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
    admitSecretAttempt(context, clientAddress);
  } catch (error) {
    await audit('failure', 'throttled');
    throw error;
  }
  const found = await findUserCredentials(context.db, username);
  const isPasswordRight = found
    ? await verifyPasswordTimed(credentials.password, found.passwordHash)
    : await waitAsLongAsAVerification();
  if (!found || !isPasswordRight || found.user.isDisabled) {
    recordSecretFailure(context, clientAddress);
    await audit('failure', 'invalid-credentials');
    throw new AppError('invalid-credentials', 'wrong username or password, or the account is disabled');
  }
  if (found.user.isTotpEnrolled) {
    const code = credentials.code?.trim() ?? '';
    if (code === '') {
      throw new AppError(
        'mfa-code-required',
        'this account signs in with a code from its authenticator app, or a recovery code: send it as code',
      );
    }
    if (!(await verifySecondFactor(context, found.user.id, code))) {
      recordSecretFailure(context, clientAddress);
      await audit('failure', 'invalid-code', found.user.id);
      throw new AppError('invalid-credentials', 'wrong or already used code');
    }
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
  await audit('success', found.user.isTotpEnrolled ? 'password-and-code' : 'password', found.user.id);
  const expiresAt = new Date(
    Math.min(now.getTime() + idleMinutes * MINUTE_MS, now.getTime() + maxHours * 60 * MINUTE_MS),
  );
  return {
    user: toUserView(found.user),
    pendingStep: pendingStepOf(context, found.user),
    sessionToken,
    csrfToken,
    expiresAt,
  };
}

/** A live session behind a cookie: who acts and the CSRF token their unsafe requests must carry. */
export type ResolvedSession = Readonly<{
  actor: Actor;
  idHash: string;
  csrfToken: string;
  /** What the user must do before anything else (null: nothing): auth.ts refuses other calls. */
  pendingStep: PendingStep | null;
  /** When the session ends if nothing more happens: its idle deadline, within its maximum. */
  expiresAt: Date;
  /** The session's maximum (absolute) expiry. */
  maxExpiresAt: Date;
}>;

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
  let lastSeen = session.lastSeenAt.getTime();
  if (now - lastSeen >= TOUCH_INTERVAL_MS) {
    await touchSession(context.db, idHash, context.now());
    lastSeen = now;
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
    pendingStep: pendingStepOf(context, session.user),
    expiresAt: new Date(
      Math.min(session.expiresAt.getTime(), lastSeen + context.config.session.idleMinutes * MINUTE_MS),
    ),
    maxExpiresAt: session.expiresAt,
  };
}

/**
 * Extends a live session now (the UI's "stay signed in" before it ends, WCAG 2.2.1): its idle
 * time starts again; its maximum stays. Returns the new expiry.
 */
export async function extendSession(context: AppContext, session: ResolvedSession): Promise<Date> {
  const now = context.now();
  await touchSession(context.db, session.idHash, now);
  return new Date(
    Math.min(session.maxExpiresAt.getTime(), now.getTime() + context.config.session.idleMinutes * MINUTE_MS),
  );
}

/** The signed-in user's account and pending step, for GET /api/v1/session. */
export async function describeSessionUser(
  context: AppContext,
  userId: string,
): Promise<{ user: UserView; pendingStep: PendingStep | null }> {
  const user = await findUserById(context.db, userId);
  if (!user || user.isDisabled) throw new AppError('unauthenticated', 'the session has ended');
  return { user: toUserView(user), pendingStep: pendingStepOf(context, user) };
}

/** Ends a session (sign out). */
export async function signOut(context: AppContext, idHash: string): Promise<void> {
  await deleteSession(context.db, idHash);
}
