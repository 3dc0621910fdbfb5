/**
 * The one place the API records its calls in the audit log (services/audit.service.ts): every
 * call that changes something, and every read of a case (a request, its document, history,
 * findings, evidence, the evidence register), with the actor, the route, the ids in its path, the
 * outcome and what a decision was (the transition made, approve or return: the route's
 * `auditedBody`), never the content. Public routes are recorded where they act instead: sign-in
 * in sessions.service.ts, the federation inbox in its receive path. Registered on the API scope (src/http/app.ts); the entry
 * is committed (to the audit intake, one statement) before the response leaves (onSend), so an
 * answered call is an audited one. A route that hands its reply over to another handler (the tus
 * uploads) records its call with recordHandedOverCall.
 */
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../app-context.ts';
import { type AuditActor, recordAudit } from '../services/audit.service.ts';
import type { ComityApp } from './app.ts';

// A request and what hangs from it; the evidence register, which shows items of many cases with
// their acquisition (from whom, how, under which legal basis); the register of two-person
// decisions, which shows the reasons each return gave.
const READS_OF_A_CASE = /^\/api\/v1\/(requests\/:id(\/|$)|evidence$|audit\/two-person-decisions$)/;
const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Whether a call is recorded: a change, or a read of a case; never a public route. */
export function isAudited(method: string, routeUrl: string | undefined, permission: unknown): boolean {
  if (!routeUrl || permission === 'public') return false;
  if (UNSAFE_METHODS.has(method)) return true;
  return method === 'GET' && READS_OF_A_CASE.test(routeUrl);
}

function actorOfRequest(request: FastifyRequest): AuditActor {
  const actor = request.actor;
  return actor ? { kind: 'user', id: actor.userId, username: actor.username } : { kind: 'anonymous' };
}

function resourceOf(request: FastifyRequest): string | undefined {
  const params = request.params;
  if (!params || typeof params !== 'object') return undefined;
  const values = Object.values(params as Record<string, unknown>).filter(
    (value): value is string => typeof value === 'string' && value.length > 0 && value.length <= 200,
  );
  return values.length > 0 ? values.join('/') : undefined;
}

/** A word of a closed list (`execute-fully`, `approve`): what the body may give the audit log. */
const CLOSED_WORD = /^[a-z][a-z-]{0,63}$/;

/**
 * What the call did, in the words its route names (`auditedBody`): the transition made, the
 * decision taken. A value that is not a closed-list word is left out, so no content is recorded.
 */
function bodyWordsOf(request: FastifyRequest): Record<string, string> {
  const fields = request.routeOptions.config?.auditedBody;
  const body = request.body;
  if (!fields || !body || typeof body !== 'object') return {};
  const words: Record<string, string> = {};
  for (const [key, field] of Object.entries(fields)) {
    const value = (body as Record<string, unknown>)[field];
    if (typeof value === 'string' && CLOSED_WORD.test(value)) words[key] = value;
  }
  return words;
}

/** Records one call (the hook's entry), and never throws: a failure is logged. */
async function recordCall(context: AppContext, request: FastifyRequest, statusCode: number): Promise<void> {
  const routeUrl = request.routeOptions.url;
  if (!isAudited(request.method, routeUrl, request.routeOptions.config?.permission)) return;
  const resource = resourceOf(request);
  try {
    await recordAudit(context, {
      action: `api:${request.method} ${routeUrl}`,
      actor: actorOfRequest(request),
      ...(resource ? { resource } : {}),
      outcome: statusCode < 400 ? 'success' : 'failure',
      detail: { status: statusCode, ...bodyWordsOf(request) },
    });
  } catch (error) {
    request.log.error({ err: error }, 'the audit log could not record this call');
  }
}

export function registerAuditHook(scope: ComityApp, context: AppContext): void {
  scope.addHook('onSend', async (request, reply, payload) => {
    await recordCall(context, request, reply.statusCode);
    return payload;
  });
}

/**
 * Records a call whose route handed its reply over (`reply.hijack()`, the tus uploads of
 * evidence): Fastify runs no onSend hook for it, so the route calls this once the handler it
 * handed the reply to has answered, with the status it answered. The entry is then committed
 * just after the answer left rather than before.
 */
export async function recordHandedOverCall(
  context: AppContext,
  request: FastifyRequest,
  statusCode: number,
): Promise<void> {
  await recordCall(context, request, statusCode);
}
