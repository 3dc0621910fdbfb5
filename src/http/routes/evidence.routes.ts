/**
 * Evidence items (docs/evidence.md): the register of every item the node holds; for a request
 * received here, resumable upload by the tus protocol (1.0.0, creation extension) under
 * /api/v1/requests/{id}/evidence/uploads, the list, one
 * item with its custody timeline and chain check, the content (always an attachment, never
 * inline), and deletion. Each route declares its permission; which requests and items the caller
 * may touch is the evidence service's decision, made before the tus server sees the request.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Server as TusServer } from '@tus/server';
import { Metadata } from '@tus/utils';
import { z } from 'zod';
import { pageSizeQuery } from '../page-size.ts';
import type { AppContext } from '../../app-context.ts';
import { AppError } from '../../core/errors.ts';
import { EvidenceUploadStore } from '../../services/evidence-upload-store.ts';
import {
  beginEvidenceUpload,
  deleteEvidence,
  findEvidenceRequest,
  findUploadingItem,
  getEvidence,
  listEvidence,
  listEvidenceRegister,
  REGISTER_PAGE_SIZE,
  openEvidenceContent,
  parseEvidenceUploadMetadata,
} from '../../services/evidence.service.ts';
import type { ComityApp } from '../app.ts';
import { actorOf } from '../auth.ts';
import { recordHandedOverCall } from '../audit-hook.ts';

const RequestParamsSchema = z.object({ id: z.string().describe('the request id (a UUID)') });
const ItemParamsSchema = RequestParamsSchema.extend({ itemId: z.string().describe('the evidence item id') });

const TusHeadersSchema = z
  .object({ 'tus-resumable': z.literal('1.0.0').describe('the tus protocol version: 1.0.0') })
  .loose();

const CreateUploadHeadersSchema = TusHeadersSchema.extend({
  'upload-length': z.string().regex(/^\d{1,16}$/, 'the size of the file in bytes'),
  'upload-metadata': z
    .string()
    .max(32 * 1024)
    .describe(
      'tus metadata, "key base64value" pairs separated by commas: filename (required), filetype, description, sensitive (true|false), retentionUntil (YYYY-MM-DD), what, fromWhom, when, how, byWhom, legalBasis',
    ),
}).loose();

const ChainSchema = z
  .object({
    isIntact: z.boolean(),
    eventCount: z.number().int(),
    firstBadEvent: z
      .object({ id: z.string(), sequence: z.number().int(), reason: z.string() })
      .optional()
      .describe('when broken: the first event that does not hold'),
  })
  .meta({ id: 'CustodyChainCheck' });

const EvidenceItemSchema = z
  .object({
    id: z.string(),
    requestId: z.string(),
    fileName: z.string(),
    mediaType: z.string().describe('as declared at upload; the content is always served as an attachment'),
    sizeBytes: z.number().int(),
    sha256: z.string().nullable().describe('lower-case hex, computed by the node; null while uploading'),
    description: z.string(),
    acquisition: z.object({
      what: z.string().nullable(),
      fromWhom: z.string().nullable(),
      when: z.string().nullable(),
      how: z.string().nullable(),
      byWhom: z.string().nullable(),
      legalBasis: z.string().nullable(),
    }),
    retentionUntil: z.string().nullable(),
    isDueForDeletion: z.boolean().describe('stored and past its retention date'),
    isSensitive: z
      .boolean()
      .describe('child sexual abuse material: never previewed, downloaded with a reason'),
    status: z.enum(['uploading', 'stored', 'deleted']),
    createdAt: z.string(),
    storedAt: z.string().nullable(),
    deletedAt: z.string().nullable(),
    custody: z.object({
      lastEvent: z.string().nullable(),
      eventCount: z.number().int(),
      chain: ChainSchema,
    }),
  })
  .meta({ id: 'EvidenceItem' });

const EvidenceRegisterItemSchema = EvidenceItemSchema.extend({
  request: z
    .object({
      id: z.string(),
      type: z.string(),
      caseReference: z.string().nullable(),
      direction: z
        .enum(['incoming', 'outgoing'])
        .describe(
          'incoming: attached here to a request received; outgoing: received with a request sent from here',
        ),
      peerNodeId: z.string().nullable().describe('the node the request came from, or was sent to'),
      peerState: z
        .string()
        .nullable()
        .describe("that node's State (ISO 3166-1 alpha-2, or EU) as the directory of nodes names it"),
    })
    .describe('the request the item belongs to'),
}).meta({ id: 'EvidenceRegisterItem' });

// Strict: a filter the register does not know is refused, not ignored with every item answered.
const RegisterQuerySchema = z
  .object({
    status: z.enum(['uploading', 'stored', 'deleted']).optional(),
    due: z
      .enum(['true', 'false'])
      .optional()
      .describe('true: only stored items past their retention date, due for deletion'),
    direction: z.enum(['incoming', 'outgoing']).optional(),
    q: z
      .string()
      .max(100)
      .optional()
      .describe(
        "text the request's case reference or the file name contains (any case), or the start of the item's id or of its SHA-256",
      ),
    limit: pageSizeQuery(500, `items a page; ${REGISTER_PAGE_SIZE} when not given`),
    cursor: z.string().max(200).optional().describe('nextCursor of the page before'),
    before: z.string().max(64).optional().meta({
      deprecated: true,
      description: 'the older name of cursor (nextBefore of the page before), still understood',
    }),
  })
  .strict();

const CustodyEventSchema = z
  .object({
    id: z.string(),
    sequence: z.number().int(),
    kind: z
      .string()
      .describe('acquired, sealed, sent, received, verified, opened, downloaded, exported or deleted'),
    actor: z.object({
      id: z.string().nullable(),
      name: z.string().describe('as recorded in the chain: the login, or the other node'),
      displayName: z
        .string()
        .nullable()
        .describe("the account's display name now (not covered by the hash); null for another node"),
    }),
    at: z.string(),
    details: z.unknown(),
    previousHash: z.string().nullable(),
    hash: z.string().describe("SHA-256 of the event's canonical JSON with previousHash"),
  })
  .meta({ id: 'CustodyEvent' });

const REASON_HEADER = 'comity-access-reason';

/** The tus Upload-Metadata header's pairs; invalid-input when it is not a list of `key base64value`. */
function readUploadMetadata(header: string | undefined): Record<string, string | null | undefined> {
  try {
    return Metadata.parse(header);
  } catch {
    throw new AppError(
      'invalid-input',
      'the Upload-Metadata header must be comma-separated pairs of a key and its value in base64',
      [{ path: 'headers.upload-metadata', message: 'not a tus metadata list' }],
    );
  }
}

export async function evidenceRoutes(app: ComityApp, context: AppContext): Promise<void> {
  const store = new EvidenceUploadStore(context);
  // The item id chosen for a creation, by its raw request, for the tus server's naming function.
  const itemIds = new WeakMap<IncomingMessage, string>();
  const tus = new TusServer({
    path: '/api/v1/evidence-uploads',
    datastore: store,
    maxSize: context.config.evidence.maxBytes,
    // The item id was chosen (and the item recorded) before the tus server sees the creation.
    namingFunction: (request) => {
      const raw = (request as { runtime?: { node?: { req?: IncomingMessage } } }).runtime?.node?.req;
      const id = raw ? itemIds.get(raw) : undefined;
      if (!id) throw new Error('an evidence upload was created without its item');
      return id;
    },
    generateUrl: (request, { id }) => `${new URL(request.url).pathname.replace(/\/+$/, '')}/${id}`,
    getFileIdFromRequest: (_request, lastPath) => lastPath,
  });
  // tus bodies are read by the tus server from the raw request, as they arrive.
  app.addContentTypeParser('application/offset+octet-stream', (_request, _payload, done) =>
    done(null, undefined),
  );

  app.post(
    '/api/v1/requests/:id/evidence/uploads',
    {
      config: { permission: 'evidence:upload' },
      schema: {
        tags: ['evidence'],
        summary: 'Start a resumable (tus 1.0.0) upload of an evidence item to a request received here',
        description:
          'Answers 201 with Location, the upload URL to PATCH (Content-Type application/offset+octet-stream, Upload-Offset) and HEAD (the offset to resume at). The tus answers to PATCH and HEAD are plain text, as the protocol has them.',
        params: RequestParamsSchema,
        headers: CreateUploadHeadersSchema,
        // Answered by the tus server (the reply is handed over): documented, not serialized here.
        response: { 201: z.null().describe('Created: Location gives the upload URL (tus)') },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      await findEvidenceRequest(context, actor, request.params.id, 'upload');
      const metadata = parseEvidenceUploadMetadata(
        readUploadMetadata(request.headers['upload-metadata']),
        context.now(),
      );
      const itemId = randomUUID();
      const state = await beginEvidenceUpload(context, actor, {
        requestId: request.params.id,
        itemId,
        size: Number(request.headers['upload-length']),
        metadata,
      });
      await store.begin(state);
      itemIds.set(request.raw, itemId);
      reply.hijack();
      await tus.handle(request.raw, reply.raw);
      await recordHandedOverCall(context, request, reply.raw.statusCode);
    },
  );

  app.route({
    method: ['HEAD', 'PATCH'],
    url: '/api/v1/requests/:id/evidence/uploads/:itemId',
    config: { permission: 'evidence:upload' },
    schema: {
      tags: ['evidence'],
      summary:
        'tus: HEAD answers Upload-Offset; PATCH appends bytes at Upload-Offset (409 at any other offset)',
      params: ItemParamsSchema,
      headers: TusHeadersSchema,
    },
    handler: async (request, reply) => {
      await findUploadingItem(context, actorOf(request), request.params.id, request.params.itemId);
      reply.hijack();
      await tus.handle(request.raw, reply.raw);
      await recordHandedOverCall(context, request, reply.raw.statusCode);
    },
  });

  app.get(
    '/api/v1/evidence',
    {
      config: { permission: 'evidence:read' },
      schema: {
        tags: ['evidence'],
        summary:
          'The evidence this node holds, across requests, newest first: each item with its request and the state of its chain of custody',
        description:
          'Items attached here to requests received, and items received with the evidence packages of requests sent from here, deleted ones included (their chain stays). Search with q; page with cursor=<nextCursor>.',
        querystring: RegisterQuerySchema,
        response: {
          200: z.object({
            items: z.array(EvidenceRegisterItemSchema),
            nextCursor: z
              .string()
              .nullable()
              .describe('send it back as cursor for the next page; null on the last page'),
            nextBefore: z
              .string()
              .nullable()
              .meta({ deprecated: true, description: 'the same as nextCursor, under its older name' }),
          }),
        },
      },
    },
    async (request) => {
      const { due, ...query } = request.query;
      return listEvidenceRegister(context, { ...query, due: due === 'true' });
    },
  );

  app.get(
    '/api/v1/requests/:id/evidence',
    {
      // Read by evidence:read, and on a request sent from here by its author (src/policies/access.ts).
      config: { permission: 'signed-in' },
      schema: {
        tags: ['evidence'],
        summary: 'The evidence items of a request received here, with the state of their chain of custody',
        params: RequestParamsSchema,
        response: { 200: z.object({ items: z.array(EvidenceItemSchema) }) },
      },
    },
    async (request) => ({ items: await listEvidence(context, actorOf(request), request.params.id) }),
  );

  app.get(
    '/api/v1/requests/:id/evidence/:itemId',
    {
      // Read by evidence:read, and on a request sent from here by its author (src/policies/access.ts).
      config: { permission: 'signed-in' },
      schema: {
        tags: ['evidence'],
        summary: 'One evidence item: its metadata, its custody timeline and the check of its chain',
        params: ItemParamsSchema,
        response: { 200: z.object({ item: EvidenceItemSchema, timeline: z.array(CustodyEventSchema) }) },
      },
    },
    async (request) => {
      const { timeline, ...item } = await getEvidence(
        context,
        actorOf(request),
        request.params.id,
        request.params.itemId,
      );
      return { item, timeline };
    },
  );

  app.get(
    '/api/v1/requests/:id/evidence/:itemId/content',
    {
      // Read by evidence:read, and on a request sent from here by its author (src/policies/access.ts).
      config: { permission: 'signed-in' },
      schema: {
        tags: ['evidence'],
        summary:
          'The bytes of an evidence item, decrypted, as an attachment; recorded as downloaded. A sensitive item needs evidence:read-sensitive and a reason',
        params: ItemParamsSchema,
        querystring: z.object({
          reason: z
            .string()
            .max(1000)
            .optional()
            .describe('why you access it (required for a sensitive item)'),
        }),
        headers: z
          .object({
            [REASON_HEADER]: z.string().max(1000).optional().describe('the reason, instead of ?reason='),
          })
          .loose(),
      },
    },
    async (request, reply) => {
      const reason = request.query.reason ?? request.headers[REASON_HEADER];
      const { item, content } = await openEvidenceContent(
        context,
        actorOf(request),
        request.params.id,
        request.params.itemId,
        typeof reason === 'string' ? reason : undefined,
      );
      return reply
        .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(item.fileName)}`)
        .header('content-length', String(item.sizeBytes))
        .header('content-security-policy', "default-src 'none'; sandbox")
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'private, no-store')
        .header('x-comity-content-sha256', item.sha256 ?? '')
        .type('application/octet-stream')
        .send(content);
    },
  );

  app.delete(
    '/api/v1/requests/:id/evidence/:itemId',
    {
      config: { permission: 'evidence:delete' },
      schema: {
        tags: ['evidence'],
        summary:
          "Delete an evidence item's bytes; recorded as deleted with the reason, the item and its chain stay",
        params: ItemParamsSchema,
        body: z.object({ reason: z.string().trim().min(1).max(2000) }).strict(),
        response: { 200: z.object({ item: EvidenceItemSchema }) },
      },
    },
    async (request) => {
      if (!request.body) throw new AppError('invalid-input', 'give the reason for the deletion');
      const item = await deleteEvidence(
        context,
        actorOf(request),
        request.params.id,
        request.params.itemId,
        request.body.reason,
      );
      return { item };
    },
  );
}
