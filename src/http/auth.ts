/**
 * Authentication at the HTTP edge: resolves each request's actor from the session cookie
 * (web UI) or an `Authorization: Bearer` API token (national systems), and enforces the CSRF
 * token on cookie-authenticated unsafe requests. Authorization itself is src/policies/access.ts.
 *
 * OWNER: auth work. This file is the contract the routes rely on: `request.actor` and
 * `requirePermission()`.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../core/errors.ts';
import { type Actor, assertCan, type Permission } from '../policies/access.ts';
import type { ComityApp } from './app.ts';
import type { AppContext } from './context.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated actor, or undefined for an anonymous request. */
    actor: Actor | undefined;
  }
}

export function registerAuthentication(app: ComityApp, _context: AppContext): void {
  app.decorateRequest('actor', undefined);
  // TODO(auth): resolve sessions and tokens, check CSRF.
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
