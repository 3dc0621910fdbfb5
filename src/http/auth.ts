/**
 * Authentication at the HTTP edge: resolves each request's actor from the session cookie
 * (web UI) or an `Authorization: Bearer` API token (national systems), and enforces the CSRF
 * token on cookie-authenticated unsafe requests. Authorization itself is src/policies/access.ts.
 *
 * This file is the contract the routes rely on: `request.actor`, `requirePermission()` and
 * `requireActor()`.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../core/errors.ts';
import { type Actor, assertCan, type Permission } from '../policies/access.ts';
import { resolveApiToken } from '../services/api-tokens.service.ts';
import { isSecretEqual, type ResolvedSession, resolveSession } from '../services/sessions.service.ts';
import type { ComityApp } from './app.ts';
import type { AppContext } from '../app-context.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated actor, or undefined for an anonymous request. */
    actor: Actor | undefined;
  }
}

/** Name of the cookie that carries the session token. */
export const SESSION_COOKIE = 'comity_session';
/** Header in which a cookie-authenticated unsafe request sends the session's CSRF token. */
export const CSRF_HEADER = 'x-csrf-token';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Signing in needs no CSRF token: there is no session yet (and SameSite=Strict stops cross-site posts). */
const CSRF_EXEMPT_ROUTES = new Set(['POST /api/v1/session']);

/** The session behind a cookie-authenticated request (for the session routes). */
const sessionsByRequest = new WeakMap<FastifyRequest, ResolvedSession>();

/** The session of a cookie-authenticated request, or undefined (anonymous or bearer token). */
export function sessionOf(request: FastifyRequest): ResolvedSession | undefined {
  return sessionsByRequest.get(request);
}

/** The token of an `Authorization: Bearer` header; undefined when no bearer scheme is given. */
function bearerTokenOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header === undefined) return undefined;
  const match = /^bearer(?:\s+(.*))?$/i.exec(header.trim());
  return match ? (match[1] ?? '').trim() : undefined;
}

function isCsrfExempt(request: FastifyRequest): boolean {
  return (
    SAFE_METHODS.has(request.method) ||
    CSRF_EXEMPT_ROUTES.has(`${request.method} ${request.routeOptions.url}`)
  );
}

/**
 * Adds `request.actor` and an onRequest hook that fills it. A request with a bearer header is
 * authenticated by the token alone: a bad token is refused (401) and the cookie is not consulted.
 * A request authenticated by its cookie must send the session's CSRF token with any unsafe method.
 */
export function registerAuthentication(app: ComityApp, context: AppContext): void {
  app.decorateRequest('actor', undefined);
  app.addHook('onRequest', async (request) => {
    const bearerToken = bearerTokenOf(request);
    if (bearerToken !== undefined) {
      const actor = await resolveApiToken(context, bearerToken);
      if (!actor) throw new AppError('unauthenticated', 'the API token is unknown, expired or revoked');
      request.actor = actor;
      return;
    }
    const cookie = request.cookies[SESSION_COOKIE];
    if (!cookie) return;
    const session = await resolveSession(context, cookie);
    if (!session) return;
    request.actor = session.actor;
    sessionsByRequest.set(request, session);
    if (isCsrfExempt(request)) return;
    const given = request.headers[CSRF_HEADER];
    if (typeof given !== 'string' || !isSecretEqual(given, session.csrfToken)) {
      throw new AppError(
        'csrf-token-invalid',
        `send the CSRF token of your session (from GET /api/v1/session) in the ${CSRF_HEADER} header`,
      );
    }
  });
}

/** preHandler: refuses the request unless its actor has the permission. */
export function requirePermission(permission: Permission) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    assertCan(request.actor, permission);
  };
}

/** preHandler: refuses anonymous requests. */
export async function requireActor(request: FastifyRequest): Promise<void> {
  if (!request.actor) throw new AppError('unauthenticated', 'sign in or present an API token');
}
