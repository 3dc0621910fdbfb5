/**
 * Sending a request under the two-person rule (src/core/approval):
 * - POST /api/v1/requests/{id}/submit: the author submits a draft with no blocking finding; it is
 *   'awaiting-approval' and waits in the approval queue (GET /api/v1/approvals);
 * - POST /api/v1/requests/{id}/approve: a supervisor other than the author approves it, which
 *   sends it to the requested State's node (as the directory lists it for the request type's
 *   channel). 202: the approval, the request 'sent' and its queued message are one transaction;
 *   delivery follows (see the request's `deliveryState` and `delivery`);
 * - POST /api/v1/requests/{id}/return: the supervisor returns it to its author, with reasons.
 * `If-Match: "<revision>"` refuses a stale submission or decision.
 */
import { z } from 'zod';
import { returnRequest, submitRequest } from '../../services/approvals.service.ts';
import { approveAndSendRequest } from '../../services/federation-send.service.ts';
import type { ComityApp } from '../app.ts';
import { actorOf } from '../auth.ts';
import type { AppContext } from '../../app-context.ts';
import { expectedRevisionOf, IfMatchHeadersSchema, localeOf } from '../negotiation.ts';
import { ApprovalSchema } from './approvals.routes.ts';

const ParamsSchema = z.object({ id: z.string().describe('the request id (a UUID)') });
const QuerySchema = z.object({
  lang: z.string().max(35).optional().describe('language of the findings listed if it is refused'),
});

const RequestStateSchema = z.object({
  id: z.string(),
  status: z.string(),
  revision: z.number().int(),
  direction: z.enum(['outgoing', 'incoming']),
  peerNodeId: z.string().nullable(),
  deliveryState: z.string().nullable(),
});

const SentSchema = z.object({
  request: RequestStateSchema,
  message: z.object({
    id: z.string().describe('the envelope id (UUIDv7)'),
    peerNodeId: z.string(),
    endpoint: z.string(),
    digest: z.string(),
  }),
});

const ApproveBodySchema = z
  .object({
    decisionReference: z
      .string()
      .max(500)
      .optional()
      .describe('the reference of the authorising decision (required for an intrusive measure)'),
  })
  .strict();

const ReturnBodySchema = z
  .object({ reasons: z.string().min(1).max(5000).describe('why it goes back to its author') })
  .strict();

export async function federationSendRoutes(app: ComityApp, context: AppContext): Promise<void> {
  app.post(
    '/api/v1/requests/:id/submit',
    {
      config: { permission: 'request:draft' },
      schema: {
        tags: ['requests', 'federation'],
        summary: 'Submit your draft (no blocking finding) for a second person’s approval before it is sent',
        params: ParamsSchema,
        querystring: QuerySchema,
        headers: IfMatchHeadersSchema,
        response: { 202: z.object({ request: RequestStateSchema, approval: ApprovalSchema }) },
      },
    },
    async (request, reply) => {
      const expectedRevision = expectedRevisionOf(request.headers['if-match']);
      const submitted = await submitRequest(context, actorOf(request), request.params.id, {
        locale: localeOf(request, request.query.lang),
        ...(expectedRevision === undefined ? {} : { expectedRevision }),
      });
      return reply.status(202).header('etag', `"${submitted.request.revision}"`).send(submitted);
    },
  );

  app.post(
    '/api/v1/requests/:id/approve',
    {
      config: { permission: 'request:approve' },
      schema: {
        tags: ['requests', 'federation'],
        summary:
          "Approve a request someone else submitted, which sends it to the requested State's node; delivery follows",
        params: ParamsSchema,
        querystring: QuerySchema,
        headers: IfMatchHeadersSchema,
        body: ApproveBodySchema.optional(),
        response: { 202: SentSchema },
      },
    },
    async (request, reply) => {
      const expectedRevision = expectedRevisionOf(request.headers['if-match']);
      const sent = await approveAndSendRequest(context, actorOf(request), request.params.id, {
        locale: localeOf(request, request.query.lang),
        decisionReference: request.body?.decisionReference,
        ...(expectedRevision === undefined ? {} : { expectedRevision }),
      });
      return reply
        .status(202)
        .header('etag', `"${sent.request.revision}"`)
        .send({ request: sent.request, message: sent.message });
    },
  );

  app.post(
    '/api/v1/requests/:id/return',
    {
      config: { permission: 'request:approve' },
      schema: {
        tags: ['requests'],
        summary: 'Return a request someone else submitted to its author, with reasons; it is a draft again',
        params: ParamsSchema,
        body: ReturnBodySchema,
        response: { 200: z.object({ request: RequestStateSchema }) },
      },
    },
    async (request) => ({
      request: await returnRequest(context, actorOf(request), request.params.id, request.body),
    }),
  );
}
