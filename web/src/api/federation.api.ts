/**
 * Delivery to other nodes, for administrators (federation:operate): the peers' health and the
 * outbox, and retrying or cancelling one stuck message (docs/api.md, Federation).
 */
import { requestJson } from './client.ts';
import type { OutboxMessage, OutboxStatus, PeersReport } from './types.ts';

/** The statuses an outgoing message can have, in the order the peers screen offers them. */
export const OUTBOX_STATUSES: readonly OutboxStatus[] = ['failed', 'pending', 'delivered', 'cancelled'];

export function fetchPeers(): Promise<PeersReport> {
  return requestJson<PeersReport>('/peers');
}

/** Outgoing messages with this status, oldest first. */
export async function fetchOutbox(status: OutboxStatus, limit = 200): Promise<OutboxMessage[]> {
  const answer = await requestJson<{ items: OutboxMessage[] }>('/outbox', { query: { status, limit } });
  return answer.items;
}

/** A failed or waiting message is tried again now (its peer's circuit closes). */
export function retryOutboxMessage(id: string): Promise<OutboxMessage> {
  return requestJson<OutboxMessage>(`/outbox/${encodeURIComponent(id)}/retry`, { method: 'POST' });
}

/** A failed or waiting message is given up; its request shows cancelled. */
export function cancelOutboxMessage(id: string): Promise<OutboxMessage> {
  return requestJson<OutboxMessage>(`/outbox/${encodeURIComponent(id)}/cancel`, { method: 'POST' });
}
