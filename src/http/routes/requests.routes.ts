/**
 * Requests (drafts): validate a content without storing it, and create, list, read, update and
 * delete drafts. Every answer that carries a content also carries its findings, in the caller's
 * language (`?lang=`, else Accept-Language, else English), and whether the request is ready.
 *
 * A request the caller may not read answers 404, never 403 (see src/services/requests.service.ts).
 * PUT and DELETE honour `If-Match: "<revision>"`: a stale revision answers 409 and changes nothing.
 */
import { z } from 'zod';
import { pageSizeQuery } from '../page-size.ts';
import { RequestContentSchema, RequestTypeIdSchema } from '../../core/request/draft.ts';
import { FindingSchema } from '../../core/validation/finding.ts';
import {
  createDraft,
  deleteDraft,
  findingsFor,
  findingsOfRequest,
  getRequest,
  listRequests,
  REQUEST_LIST_PAGE_SIZE,
  updateDraft,
} from '../../services/requests.service.ts';
import type { ComityApp } from '../app.ts';
import { actorOf } from '../auth.ts';
import type { AppContext } from '../../app-context.ts';
import { expectedRevisionOf, IfMatchHeadersSchema, localeOf } from '../negotiation.ts';

const FindingsReportSchema = z.object({
  findings: z.array(FindingSchema),
  isReady: z.boolean().describe('true when no finding is blocking'),
});

const RequestSummarySchema = z.object({
  id: z.string(),
  type: RequestTypeIdSchema,
  status: z.string(),
  revision: z.number().int().describe('send it back in If-Match to update only what you last read'),
  caseReference: z.string().nullable(),
  requestedState: z.string().nullable(),
  createdBy: z.object({ id: z.string(), username: z.string() }),
  createdAt: z.string(),
  updatedAt: z.string(),
  direction: z.enum(['outgoing', 'incoming']).describe('incoming: sent to this node by another State'),
  peerNodeId: z.string().nullable().describe('the node it was sent to, or received from'),
  peerState: z
    .string()
    .nullable()
    .describe("that node's State (ISO 3166-1 alpha-2, or EU) as the directory of nodes names it"),
  remoteRequestId: z.string().nullable().describe("the sending node's id of an incoming request"),
  deliveryState: z.string().nullable().describe('of a sent request: pending, delivered, failed or cancelled'),
  receivedAt: z.string().nullable().describe('when an incoming request arrived'),
  caseStatus: z.string().describe('the status of its case (docs/case-lifecycle.md), the same on both nodes'),
});

const RequestListItemSchema = RequestSummarySchema.extend({
  awaitingAnswer: z
    .enum(['conditions', 'clarification'])
    .nullable()
    .describe(
      "the requested side's conditions (Art. 40(27)) or questions that wait for the requesting side's answer; null when nothing waits",
    ),
});

const DeliverySchema = z.object({
  messageId: z.string(),
  state: z.string(),
  attempts: z.number().int().nullable(),
  lastAttemptAt: z.string().nullable(),
  nextAttemptAt: z.string().nullable(),
  lastError: z.string().nullable(),
  digest: z.string().describe('base64url SHA-256 of the message as sent'),
  receipt: z.string().nullable().describe("the receiving node's signed receipt (compact JWS)"),
  receiptReceivedAt: z.string().nullable(),
});

const RequestViewSchema = RequestSummarySchema.extend({
  content: RequestContentSchema,
  delivery: DeliverySchema.nullable().describe('the message that carried the request, and its receipt'),
  availableTransitions: z
    .array(z.string())
    .describe('the transitions of its case you may make now (POST /api/v1/requests/{id}/transitions)'),
});

const SavedRequestSchema = z.object({
  request: RequestViewSchema,
  findings: z.array(FindingSchema),
  isReady: z.boolean(),
});

const IdParamsSchema = z.object({ id: z.string().describe('the request id (a UUID)') });

const LangQuerySchema = z.object({
  lang: z
    .string()
    .max(35)
    .optional()
    .describe('ar, zh, en, fr, ru or es; else Accept-Language, else English'),
});

// Strict: a filter it does not know (a misspelt one, a cursor or limit it has none of) is
// refused, not ignored with the whole list answered.
const ListQuerySchema = LangQuerySchema.extend({
  type: RequestTypeIdSchema.optional(),
  status: z.string().max(40).optional(),
  direction: z.enum(['outgoing', 'incoming']).optional(),
  q: z
    .string()
    .max(100)
    .optional()
    .describe("text the case reference contains (any case), or the start of the request's id"),
  open: z
    .enum(['true', 'false'])
    .optional()
    .describe(
      'true: only the cases that have not ended; false: only those that have (refused, withdrawn, closed...)',
    ),
  limit: pageSizeQuery(500, `requests a page holds; default ${REQUEST_LIST_PAGE_SIZE}`),
  cursor: z.string().max(200).optional().describe('nextCursor of the page before'),
}).strict();

export async function requestsRoutes(app: ComityApp, context: AppContext): Promise<void> {
  // Reading is open to every signed-in actor: the service shows only the requests the actor may read.
  const signedIn = { config: { permission: 'signed-in' } } as const;
  const drafter = { config: { permission: 'request:draft' } } as const;

  app.post(
    '/api/v1/validate',
    {
      ...signedIn,
      schema: {
        tags: ['requests'],
        summary: 'Validate a request content without storing it',
        body: RequestContentSchema,
        querystring: LangQuerySchema,
        response: { 200: FindingsReportSchema },
      },
    },
    async (request) => findingsFor(context, request.body, localeOf(request, request.query.lang)),
  );

  app.post(
    '/api/v1/requests',
    {
      ...drafter,
      schema: {
        tags: ['requests'],
        summary: 'Create a draft; answers it with its findings',
        body: RequestContentSchema,
        querystring: LangQuerySchema,
        response: { 201: SavedRequestSchema },
      },
    },
    async (request, reply) => {
      const created = await createDraft(
        context,
        actorOf(request),
        request.body,
        localeOf(request, request.query.lang),
      );
      return reply
        .status(201)
        .header('location', `/api/v1/requests/${created.request.id}`)
        .header('etag', `"${created.request.revision}"`)
        .send(created);
    },
  );

  app.get(
    '/api/v1/requests',
    {
      ...signedIn,
      schema: {
        tags: ['requests'],
        summary:
          'List your requests (every request with request:read-all; incoming ones with request:read-incoming), most recently updated first, a page at a time',
        querystring: ListQuerySchema,
        response: {
          200: z.object({
            items: z.array(RequestListItemSchema),
            nextCursor: z
              .string()
              .nullable()
              .describe('send it back as cursor for the next page; null on the last page'),
            openCount: z
              .number()
              .int()
              .describe('the cases of the whole filter, on every page, that have not ended (open ignored)'),
          }),
        },
      },
    },
    async (request) => listRequests(context, actorOf(request), request.query),
  );

  app.get(
    '/api/v1/requests/:id',
    {
      ...signedIn,
      schema: {
        tags: ['requests'],
        summary: 'Read a request with its findings',
        params: IdParamsSchema,
        querystring: LangQuerySchema,
        response: { 200: SavedRequestSchema },
      },
    },
    async (request, reply) => {
      const found = await getRequest(context, actorOf(request), request.params.id);
      const report = await findingsOfRequest(context, found, localeOf(request, request.query.lang));
      return reply.header('etag', `"${found.revision}"`).send({ request: found, ...report });
    },
  );

  app.put(
    '/api/v1/requests/:id',
    {
      ...drafter,
      schema: {
        tags: ['requests'],
        summary:
          'Replace the content of your draft (its type too); If-Match "<revision>" guards against lost updates',
        params: IdParamsSchema,
        headers: IfMatchHeadersSchema,
        body: RequestContentSchema,
        querystring: LangQuerySchema,
        response: { 200: SavedRequestSchema },
      },
    },
    async (request, reply) => {
      const expectedRevision = expectedRevisionOf(request.headers['if-match']);
      const updated = await updateDraft(
        context,
        actorOf(request),
        request.params.id,
        request.body,
        expectedRevision,
      );
      const report = await findingsFor(context, updated.content, localeOf(request, request.query.lang));
      return reply.header('etag', `"${updated.revision}"`).send({ request: updated, ...report });
    },
  );

  app.delete(
    '/api/v1/requests/:id',
    {
      ...drafter,
      schema: {
        tags: ['requests'],
        summary: 'Delete your draft',
        params: IdParamsSchema,
        headers: IfMatchHeadersSchema,
        response: { 204: z.null().describe('deleted') },
      },
    },
    async (request, reply) => {
      const expectedRevision = expectedRevisionOf(request.headers['if-match']);
      await deleteDraft(context, actorOf(request), request.params.id, expectedRevision);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/requests/:id/findings',
    {
      ...signedIn,
      schema: {
        tags: ['requests'],
        summary: 'The findings of a request, in your language',
        params: IdParamsSchema,
        querystring: LangQuerySchema,
        response: { 200: FindingsReportSchema },
      },
    },
    async (request) => {
      const found = await getRequest(context, actorOf(request), request.params.id);
      return findingsOfRequest(context, found, localeOf(request, request.query.lang));
    },
  );
}
