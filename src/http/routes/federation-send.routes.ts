/**
 * POST /api/v1/requests/{id}/send: the author sends a draft with no blocking finding to the
 * requested State's node (as the directory lists it for the request type's channel). 202: the
 * request is 'sent' and its message is queued in the same transaction; delivery follows (see the
 * request's `deliveryState` and `delivery`). `If-Match: "<revision>"` refuses a stale send.
 */
import { z } from 'zod';
import { sendRequest } from '../../services/federation-send.service.ts';
import type { ComityApp } from '../app.ts';
import { actorOf } from '../auth.ts';
import type { AppContext } from '../../app-context.ts';
import { expectedRevisionOf, IfMatchHeadersSchema, localeOf } from '../negotiation.ts';

const ParamsSchema = z.object({ id: z.string().describe('the request id (a UUID)') });
const QuerySchema = z.object({
  lang: z.string().max(35).optional().describe('language of the findings listed if sending is refused'),
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

export async function federationSendRoutes(app: ComityApp, context: AppContext): Promise<void> {
  app.post(
    '/api/v1/requests/:id/send',
    {
      config: { permission: 'request:draft' },
      schema: {
        tags: ['requests', 'federation'],
        summary: "Send your draft to the requested State's node (no blocking finding); delivery follows",
        params: ParamsSchema,
        querystring: QuerySchema,
        headers: IfMatchHeadersSchema,
        response: { 202: SentSchema },
      },
    },
    async (request, reply) => {
      const expectedRevision = expectedRevisionOf(request.headers['if-match']);
      const sent = await sendRequest(context, actorOf(request), request.params.id, {
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
