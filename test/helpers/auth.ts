/**
 * Accounts and credentials for API tests: create a user with given roles, sign in through the
 * real POST /api/v1/session, or get an API token. Every call makes a new, uniquely named user.
 *
 *   const officer = await asRole(subject, 'officer');
 *   await subject.app.inject({ method: 'POST', url: '/api/v1/requests', headers: officer.headers, payload });
 */
import { randomBytes } from 'node:crypto';
import type { Role } from '../../src/core/roles.ts';
import { createApiToken } from '../../src/services/api-tokens.service.ts';
import { createUser as createUserAccount } from '../../src/services/users.service.ts';
import type { TestApp } from './app.ts';

export type TestUser = Readonly<{ id: string; username: string; password: string }>;

/** Credentials to send with `inject`: `headers` holds the cookie and the x-csrf-token header. */
export type SignedInUser = Readonly<{ cookie: string; csrfToken: string; headers: Record<string, string> }>;

/** Request headers that act as a user, and that user's id. */
export type ActingAs = Readonly<{ headers: Record<string, string>; userId: string }>;

let counter = 0;

function uniqueUsername(prefix: string): string {
  counter += 1;
  const safePrefix = prefix.toLowerCase().replace(/[^a-z0-9._-]/g, '-');
  return `${safePrefix}-${counter}-${randomBytes(3).toString('hex')}`;
}

/** Creates an account directly through the users service (no HTTP, no administrator needed). */
export async function createUser(
  subject: TestApp,
  options: { roles: Role[]; username?: string; password?: string },
): Promise<TestUser> {
  const username = options.username ?? uniqueUsername(options.roles[0] ?? 'user');
  const password = options.password ?? `test-password-${randomBytes(8).toString('hex')}`;
  const user = await createUserAccount(subject.context, { username, password, roles: options.roles });
  return { id: user.id, username, password };
}

/** Signs in through POST /api/v1/session; throws when the node refuses. */
export async function signIn(subject: TestApp, username: string, password: string): Promise<SignedInUser> {
  const response = await subject.app.inject({
    method: 'POST',
    url: '/api/v1/session',
    payload: { username, password },
  });
  if (response.statusCode !== 200) {
    throw new Error(`sign-in of ${username} failed: ${response.statusCode} ${response.body}`);
  }
  const sessionCookie = response.cookies.find((cookie) => cookie.name === 'comity_session');
  if (!sessionCookie) throw new Error('sign-in set no comity_session cookie');
  const cookie = `comity_session=${sessionCookie.value}`;
  const { csrfToken } = JSON.parse(response.body) as { csrfToken: string };
  return { cookie, csrfToken, headers: { cookie, 'x-csrf-token': csrfToken } };
}

/** A new user with the role, signed in with a session cookie (headers include the CSRF token). */
export async function asRole(subject: TestApp, role: Role): Promise<ActingAs> {
  const user = await createUser(subject, { roles: [role] });
  const session = await signIn(subject, user.username, user.password);
  return { headers: session.headers, userId: user.id };
}

/** A new user with the role and an API token: headers hold `authorization: Bearer comity_...`. */
export async function bearerAs(subject: TestApp, role: Role): Promise<ActingAs> {
  const user = await createUser(subject, { roles: [role] });
  const token = await createApiToken(subject.context, user.id, { name: 'test token' });
  return { headers: { authorization: `Bearer ${token.token}` }, userId: user.id };
}
