/**
 * POST /api/v1/requests/{id}/send: the author sends a draft with no blocking finding to the
 * requested State's node (as the directory lists it for the request type's channel). 202: the
 * request is 'sent' and its message is queued in the same transaction; delivery follows (see the
 * request's `deliveryState` and `delivery`). `If-Match: "<revision>"` refuses a stale send.
 */
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../core/errors.ts';
import { isLocale, type Locale, negotiateLocale } from '../../core/i18n.ts';
import { sendRequest } from '../../services/federation-send.service.ts';
import type { ComityApp } from '../app.ts';
import { requirePermission } from '../auth.ts';
import type { AppContext } from '../../app-context.ts';

const ParamsSchema = z.object({ id: z.string().describe('the request id (a UUID)') });
const QuerySchema = z.object({
  lang: z.string().max(35).optional().describe('language of the findings listed if sending is refused'),
});
const HeadersSchema = z.looseObject({
  'if-match': z
    .string()
    .max(100)
    .optional()
    .describe('"<revision>": refuse with 409 if the request changed since'),
});

const SentSchema = z.object({
  request: z.object({
    id: z.string(),
    status: z.string(),
    revision: z.number().int(),
    direction: z.enum(['outgoing', 'incoming']),
    peerNodeId: z.string().nullable(),
    deliveryState: z.string().nullable(),
  }),
  message: z.object({
    id: z.string().describe('the envelope id (UUIDv7)'),
    peerNodeId: z.string(),
    endpoint: z.string(),
    digest: z.string(),
  }),
});

function localeOf(request: FastifyRequest, lang: string | undefined): Locale {
  const fromQuery = lang?.trim().toLowerCase().split('-')[0];
  if (isLocale(fromQuery)) return fromQuery;
  return negotiateLocale(request.headers['accept-language']);
}

function expectedRevisionOf(ifMatch: string | undefined): number | undefined {
  if (ifMatch === undefined || ifMatch.trim() === '*') return undefined;
  const match = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(ifMatch);
  if (!match?.[1]) {
    throw new AppError('invalid-input', 'If-Match must be "<revision>", e.g. "3"', [
      { path: 'headers.if-match', message: 'expected "<revision>"' },
    ]);
  }
  return Number(match[1]);
}

export async function federationSendRoutes(app: ComityApp, context: AppContext): Promise<void> {
  app.post(
    '/api/v1/requests/:id/send',
    {
      onRequest: requirePermission('request:draft'),
      schema: {
        tags: ['requests', 'federation'],
        summary: "Send your draft to the requested State's node (no blocking finding); delivery follows",
        params: ParamsSchema,
        querystring: QuerySchema,
        headers: HeadersSchema,
        response: { 202: SentSchema },
      },
    },
    async (request, reply) => {
      const actor = request.actor;
      if (!actor) throw new AppError('unauthenticated', 'sign in or present an API token');
      const expectedRevision = expectedRevisionOf(request.headers['if-match']);
      const sent = await sendRequest(context, actor, request.params.id, {
        locale: localeOf(request, request.query.lang),
        ...(expectedRevision === undefined ? {} : { expectedRevision }),
      });
      return reply
        .status(202)
        .header('etag', `"${sent.request.revision}"`)
        .send({ request: sent.request, message: sent.message });
    },
  );
}
