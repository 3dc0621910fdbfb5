/**
 * Webhook endpoints of national case-management systems: an administrator registers a URL, gets
 * its signing secret once (Standard Webhooks, `whsec_<base64>`), lists and removes endpoints.
 * Every alert raised afterwards gets one delivery per endpoint (alerts.service.ts).
 */
import { randomBytes } from 'node:crypto';
import type { AppContext } from '../app-context.ts';
import { AppError } from '../core/errors.ts';
import { UUID_PATTERN } from '../core/ids.ts';
import {
  deleteWebhookEndpoint,
  insertWebhookEndpoint,
  listWebhookEndpoints,
  type StoredWebhookEndpoint,
} from '../storage/webhook-endpoints.repository.ts';

export type WebhookEndpointView = Readonly<{
  id: string;
  url: string;
  description: string;
  createdAt: string;
}>;

function toView(endpoint: StoredWebhookEndpoint): WebhookEndpointView {
  return { ...endpoint, createdAt: endpoint.createdAt.toISOString() };
}

/** The URL if it is an absolute http(s) URL without credentials; otherwise invalid-input. */
export function parseWebhookUrl(value: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value.trim());
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password) {
    throw new AppError('invalid-input', `'${value.slice(0, 200)}' is not an http or https URL`, [
      { path: 'url', message: 'an http:// or https:// URL without user name or password' },
    ]);
  }
  return url.href;
}

/** Registers an endpoint; the secret is returned here only. */
export async function addWebhookEndpoint(
  context: AppContext,
  input: Readonly<{ url: string; description?: string }>,
): Promise<{ endpoint: WebhookEndpointView; secret: string }> {
  const url = parseWebhookUrl(input.url);
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  const endpoint = await insertWebhookEndpoint(context.db, {
    url,
    description: input.description?.trim() ?? '',
    secret,
    createdAt: context.now(),
  });
  return { endpoint: toView(endpoint), secret };
}

export async function listWebhooks(context: AppContext): Promise<WebhookEndpointView[]> {
  return (await listWebhookEndpoints(context.db)).map(toView);
}

/** Removes an endpoint (its pending deliveries then fail, visibly); not-found for an unknown id. */
export async function removeWebhookEndpoint(context: AppContext, id: string): Promise<void> {
  if (!UUID_PATTERN.test(id) || !(await deleteWebhookEndpoint(context.db, id))) {
    throw new AppError('not-found', 'no such webhook endpoint');
  }
}
