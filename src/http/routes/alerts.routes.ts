/**
 * How alerts leave the node, for administrators (alerts:manage): the webhook endpoints of national
 * case-management systems (register: the signing secret is shown once; list; remove), and the
 * alert deliveries (e-mails and webhook calls) that failed or wait, with a retry.
 */
import { z } from 'zod';
import {
  ALERT_DELIVERY_STATUSES,
  listAlertDeliveryItems,
  retryAlertDelivery,
} from '../../services/alert-delivery.service.ts';
import { addWebhookEndpoint, listWebhooks, removeWebhookEndpoint } from '../../services/webhooks.service.ts';
import type { ComityApp } from '../app.ts';
import type { AppContext } from '../../app-context.ts';

const manager = { config: { permission: 'alerts:manage' as const } };

const WebhookEndpointSchema = z.object({
  id: z.string(),
  url: z.string(),
  description: z.string(),
  createdAt: z.string(),
});

const NewWebhookEndpointSchema = z
  .object({
    url: z
      .string()
      .min(1)
      .max(2000)
      .describe('an http:// or https:// URL (checked: anything else is invalid-input)'),
    description: z.string().max(200).optional(),
  })
  .strict();

const AlertDeliverySchema = z.object({
  id: z.string(),
  alertId: z.string(),
  alertKind: z.string(),
  requestId: z.string().nullable(),
  raisedAt: z.string(),
  channel: z.enum(['email', 'webhook']),
  target: z
    .string()
    .nullable()
    .describe('the e-mail address or the webhook URL; null when it no longer exists'),
  status: z.enum(ALERT_DELIVERY_STATUSES),
  attempts: z.number().int(),
  nextAttemptAt: z.string().nullable(),
  lastAttemptAt: z.string().nullable(),
  lastError: z.string().nullable(),
  deliveredAt: z.string().nullable(),
});

const AlertDeliveriesQuerySchema = z.object({
  status: z.enum(ALERT_DELIVERY_STATUSES).optional().describe('default: failed and pending'),
  limit: z.coerce.number().int().min(1).max(1000).default(500),
});

const IdParamsSchema = z.object({ id: z.string() });

export async function alertsRoutes(app: ComityApp, context: AppContext): Promise<void> {
  app.get(
    '/api/v1/webhooks',
    {
      ...manager,
      schema: {
        tags: ['alerts'],
        summary: 'The webhook endpoints alerts are sent to (never their secrets)',
        response: { 200: z.object({ items: z.array(WebhookEndpointSchema) }) },
      },
    },
    async () => ({ items: await listWebhooks(context) }),
  );

  app.post(
    '/api/v1/webhooks',
    {
      ...manager,
      schema: {
        tags: ['alerts'],
        summary: 'Register a webhook endpoint; its signing secret (whsec_...) is shown in this answer only',
        body: NewWebhookEndpointSchema,
        response: { 201: z.object({ endpoint: WebhookEndpointSchema, secret: z.string() }) },
      },
    },
    async (request, reply) => reply.status(201).send(await addWebhookEndpoint(context, request.body)),
  );

  app.delete(
    '/api/v1/webhooks/:id',
    {
      ...manager,
      schema: {
        tags: ['alerts'],
        summary: 'Remove a webhook endpoint (its waiting deliveries then fail, visibly)',
        params: IdParamsSchema,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await removeWebhookEndpoint(context, request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/alert-deliveries',
    {
      ...manager,
      schema: {
        tags: ['alerts'],
        summary: 'Alert deliveries (e-mails, webhook calls) that failed or wait, oldest alert first',
        querystring: AlertDeliveriesQuerySchema,
        response: { 200: z.object({ items: z.array(AlertDeliverySchema) }) },
      },
    },
    async (request) => ({
      items: await listAlertDeliveryItems(
        context,
        request.query.status ? [request.query.status] : undefined,
        request.query.limit,
      ),
    }),
  );

  app.post(
    '/api/v1/alert-deliveries/:id/retry',
    {
      ...manager,
      schema: {
        tags: ['alerts'],
        summary: 'Send a failed (or waiting) alert delivery again now, with a fresh count of attempts',
        params: IdParamsSchema,
        response: { 200: z.object({ id: z.string(), status: z.literal('pending') }) },
      },
    },
    async (request) => {
      await retryAlertDelivery(context, request.params.id);
      return { id: request.params.id, status: 'pending' as const };
    },
  );
}
