/**
 * Peers and the outbox, for administrators (federation:operate): every peer's health, queue depth,
 * last delivery, failures and circuit state; the outbox filtered by status; retrying or cancelling
 * one message that is stuck.
 */
import { z } from 'zod';
import { LocalizedTextSchema } from '../../core/catalogue/catalogue.ts';
import {
  cancelOutboxMessage,
  listOutbox,
  listPeers,
  OUTBOX_STATUSES,
  retryOutboxMessage,
} from '../../services/peers.service.ts';
import type { ComityApp } from '../app.ts';
import type { AppContext } from '../../app-context.ts';

const PeerSchema = z.object({
  nodeId: z.string(),
  state: z.string().nullable(),
  authority: z.string().nullable(),
  endpoint: z.string().nullable(),
  isListed: z.boolean().describe('false: no longer in the directory, but messages to it are here'),
  health: z.enum(['healthy', 'failing', 'unreachable', 'unknown']),
  circuit: z.object({
    status: z.string().describe('closed, open (not posting) or half-open (one trial)'),
    consecutiveFailures: z.number().int(),
    openedAt: z.string().nullable(),
  }),
  queueDepth: z.number().int().describe('messages waiting to be delivered'),
  failedMessages: z.number().int(),
  deliveredMessages: z.number().int(),
  lastDeliveredAt: z.string().nullable(),
  lastSuccessAt: z.string().nullable(),
  lastFailureAt: z.string().nullable(),
  lastError: z.string().nullable(),
  totalFailures: z.number().int(),
});

const PeersSchema = z.object({
  nodeId: z.string().nullable().describe("this node's id (null before comity init)"),
  directory: z
    .object({
      serial: z.number().int(),
      issuedAt: z.string(),
      expiresAt: z.string(),
      fetchedAt: z.string().nullable(),
      isExpired: z
        .boolean()
        .describe('past expiresAt: no message is sent or accepted until a fresh directory arrives'),
    })
    .nullable(),
  lastRefresh: z
    .object({
      at: z.string(),
      isOk: z.boolean(),
      reason: z.string().nullable().describe('why it failed: unreachable, secretariat-error, expired...'),
      detail: z.string().nullable(),
    })
    .nullable()
    .describe('the latest attempt to refresh the directory from the secretariat'),
  items: z.array(PeerSchema),
});

const OutboxMessageSchema = z.object({
  id: z.string(),
  caseId: z.string(),
  peerNodeId: z.string(),
  type: z.string(),
  typeLabel: LocalizedTextSchema,
  status: z.enum(OUTBOX_STATUSES as ['pending', 'delivered', 'failed', 'cancelled']),
  attempts: z.number().int(),
  createdAt: z.string(),
  nextAttemptAt: z.string().nullable(),
  lastAttemptAt: z.string().nullable(),
  lastStatusCode: z.number().int().nullable(),
  lastError: z.string().nullable(),
  deliveredAt: z.string().nullable(),
  digest: z.string(),
  hasReceipt: z.boolean(),
});

const OutboxQuerySchema = z.object({
  status: z.enum(OUTBOX_STATUSES as ['pending', 'delivered', 'failed', 'cancelled']).optional(),
  peer: z.string().max(64).optional().describe('only messages to this node id'),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

const IdParamsSchema = z.object({ id: z.string().max(100).describe('the message id (a UUID)') });

export async function peersRoutes(app: ComityApp, context: AppContext): Promise<void> {
  const operator = { config: { permission: 'federation:operate' } } as const;

  app.get(
    '/api/v1/peers',
    {
      ...operator,
      schema: {
        tags: ['federation'],
        summary: 'Every peer node: health, queue depth, last delivery, failures and circuit state',
        response: { 200: PeersSchema },
      },
    },
    async () => listPeers(context),
  );

  app.get(
    '/api/v1/outbox',
    {
      ...operator,
      schema: {
        tags: ['federation'],
        summary: 'Outgoing messages, oldest first (e.g. ?status=failed: what needs a person)',
        querystring: OutboxQuerySchema,
        response: { 200: z.object({ items: z.array(OutboxMessageSchema) }) },
      },
    },
    async (request) => ({
      items: await listOutbox(context, {
        ...(request.query.status ? { status: request.query.status } : {}),
        ...(request.query.peer ? { peerNodeId: request.query.peer } : {}),
        limit: request.query.limit,
      }),
    }),
  );

  app.post(
    '/api/v1/outbox/:id/retry',
    {
      ...operator,
      schema: {
        tags: ['federation'],
        summary: 'Try a failed or waiting message again now (and close its peer circuit)',
        params: IdParamsSchema,
        response: { 200: OutboxMessageSchema },
      },
    },
    async (request) => retryOutboxMessage(context, request.params.id),
  );

  app.post(
    '/api/v1/outbox/:id/cancel',
    {
      ...operator,
      schema: {
        tags: ['federation'],
        summary: 'Give up a failed or waiting message (its request shows cancelled)',
        params: IdParamsSchema,
        response: { 200: OutboxMessageSchema },
      },
    },
    async (request) => cancelOutboxMessage(context, request.params.id),
  );
}
