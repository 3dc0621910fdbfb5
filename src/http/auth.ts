/**
 * Authentication and authorization at the HTTP edge, both on onRequest (before any body is read):
 * - authentication resolves each request's actor from the session cookie (web UI) or an
 *   `Authorization: Bearer` API token (national systems), and enforces the CSRF token on
 *   cookie-authenticated unsafe requests;
 * - authorization: every route declares `config: { permission }` (a `RouteAccess` of
 *   src/policies/access.ts: 'public', 'signed-in' or a permission). A route that declares none
 *   is refused when the app starts; each call is checked against its declaration by one hook.
 *
 * This file is the contract the routes rely on: `config.permission`, `request.actor` and
 * `actorOf()`.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../core/errors.ts';
import { type Actor, assertMayCall, isRouteAccess, type RouteAccess } from '../policies/access.ts';
import { resolveApiTokenWithExpiry } from '../services/api-tokens.service.ts';
import type { PendingStep } from '../services/mfa.service.ts';
import { isSecretEqual, type ResolvedSession, resolveSession } from '../services/sessions.service.ts';
import type { ComityApp } from './app.ts';
import type { AppContext } from '../app-context.ts';
import { METRICS_PATH } from './routes/metrics.routes.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated actor, or undefined for an anonymous request. */
    actor: Actor | undefined;
  }
  interface FastifyInstance {
    /** Each API route's declared permission (registerAuthorization), for the OpenAPI document and tests. */
    routePermissions: RoutePermissions;
  }
  interface FastifyContextConfig {
    /** Who may call the route; every route of the API declares it (see registerAuthorization). */
    permission?: RouteAccess;
    /**
     * What the audit log records of the call's body besides the route (audit-hook.ts): the entry's
     * detail key, and the body field that holds it. Only a word of a closed list (a transition's
     * name, a decision) is recorded, never content.
     */
    auditedBody?: Readonly<Record<string, string>>;
  }
}

/** Name of the cookie that carries the session token. */
export const SESSION_COOKIE = 'comity_session';
/**
 * Header of every answer to a cookie-authenticated request: when the session ends if nothing more
 * happens (ISO 8601), so the web UI can warn before it does (WCAG 2.2.1).
 */
export const SESSION_EXPIRES_HEADER = 'comity-session-expires';
/** Header in which a cookie-authenticated unsafe request sends the session's CSRF token. */
export const CSRF_HEADER = 'x-csrf-token';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Signing in needs no CSRF token: there is no session yet (and SameSite=Strict stops cross-site posts). */
const CSRF_EXEMPT_ROUTES = new Set(['POST /api/v1/session']);

/**
 * The only calls open to a session with a pending step (a one-time password to change, TOTP to
 * enrol): everything else answers password-change-required or mfa-enrolment-required.
 */
const PENDING_STEP_ROUTES: Readonly<Record<PendingStep, ReadonlySet<string>>> = {
  'change-password': new Set([
    'GET /api/v1/session',
    'POST /api/v1/session/extend',
    'DELETE /api/v1/session',
    'POST /api/v1/account/password',
  ]),
  'enrol-mfa': new Set([
    'GET /api/v1/session',
    'POST /api/v1/session/extend',
    'DELETE /api/v1/session',
    'POST /api/v1/account/password',
    'GET /api/v1/account/totp',
    'POST /api/v1/account/totp',
    'POST /api/v1/account/totp/confirm',
  ]),
};

/** Refuses a call that a pending step keeps closed (see PENDING_STEP_ROUTES). */
function assertNoPendingStep(request: FastifyRequest): void {
  const step = sessionsByRequest.get(request)?.pendingStep;
  if (!step || PENDING_STEP_ROUTES[step].has(routeKey(request.method, request.routeOptions.url ?? ''))) {
    return;
  }
  if (step === 'change-password') {
    throw new AppError(
      'password-change-required',
      'you signed in with a one-time password: change it (POST /api/v1/account/password) first',
    );
  }
  throw new AppError(
    'mfa-enrolment-required',
    'your roles require a second factor: enrol TOTP (POST /api/v1/account/totp) first',
  );
}

/** The session behind a cookie-authenticated request (for the session routes). */
const sessionsByRequest = new WeakMap<FastifyRequest, ResolvedSession>();

/** When the bearer token of a token-authenticated request expires. */
const tokenExpiryByRequest = new WeakMap<FastifyRequest, Date>();

/** The expiry of the token a request was authenticated by, or undefined (anonymous or session). */
export function tokenExpiryOf(request: FastifyRequest): Date | undefined {
  return tokenExpiryByRequest.get(request);
}

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
  app.addHook('onRequest', async (request, reply) => {
    // The metrics endpoint checks its own token (not an API token): metrics.routes.ts.
    if (request.routeOptions.url === METRICS_PATH) return;
    const bearerToken = bearerTokenOf(request);
    if (bearerToken !== undefined) {
      const resolved = await resolveApiTokenWithExpiry(context, bearerToken);
      if (!resolved) throw new AppError('unauthenticated', 'the API token is unknown, expired or revoked');
      request.actor = resolved.actor;
      tokenExpiryByRequest.set(request, resolved.expiresAt);
      return;
    }
    const cookie = request.cookies[SESSION_COOKIE];
    if (!cookie) return;
    const session = await resolveSession(context, cookie);
    if (!session) return;
    request.actor = session.actor;
    sessionsByRequest.set(request, session);
    reply.header(SESSION_EXPIRES_HEADER, session.expiresAt.toISOString());
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

/** What each route declares, keyed `METHOD /path/:param` (see routeKey). */
export type RoutePermissions = ReadonlyMap<string, RouteAccess>;

/** The key of a route in RoutePermissions: `GET /api/v1/requests/:id`. */
export function routeKey(method: string, url: string): string {
  return `${method.toUpperCase()} ${url}`;
}

/** `/api/v1/requests/{id}` (OpenAPI) -> `/api/v1/requests/:id` (Fastify). */
function fastifyPathOf(openApiPath: string): string {
  return openApiPath.replace(/\{([^}]+)\}/g, ':$1');
}

const OPENAPI_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/**
 * The OpenAPI document with each operation's declared permission as `x-comity-permission`, so a
 * caller (or a generated client) sees what an operation requires.
 */
export function withDeclaredPermissions<T extends { paths?: object }>(
  document: T,
  declared: RoutePermissions,
): T {
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const method of OPENAPI_METHODS) {
      const operation: unknown = item?.[method];
      const permission = declared.get(routeKey(method, fastifyPathOf(path)));
      if (operation && typeof operation === 'object' && permission) {
        Object.assign(operation, { 'x-comity-permission': permission });
      }
    }
  }
  return document;
}

/**
 * Makes `scope` refuse to register a route without `config.permission` (the app does not start),
 * and check every call against the declaration before its body is parsed: anonymous on a
 * non-public route -> 401, an actor without the permission -> 403. Call it on the scope that
 * holds the API routes, after registerAuthentication; `declared` is filled as routes register.
 */
export function registerAuthorization(scope: FastifyInstance, declared: Map<string, RouteAccess>): void {
  scope.addHook('onRoute', (route) => {
    const permission: unknown = route.config?.permission;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (!isRouteAccess(permission)) {
      throw new Error(
        `${methods.join(',')} ${route.url} declares no permission: add config: { permission } ('public', 'signed-in' or a permission of src/policies/access.ts)`,
      );
    }
    for (const method of methods) declared.set(routeKey(method, route.url), permission);
  });
  scope.addHook('onRequest', async (request) => {
    const permission = request.routeOptions.config.permission;
    // Unreachable for a registered route (onRoute refused it); deny rather than assume.
    if (!permission) throw new AppError('forbidden', 'this operation declares no permission');
    assertMayCall(request.actor, permission);
    if (permission !== 'public') assertNoPendingStep(request);
  });
}

/** The actor of a request that its route's permission has let through (never anonymous). */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw new AppError('unauthenticated', 'sign in or present an API token');
  return request.actor;
}
