/**
 * `sync.redeliver-request`: a node restored from a backup asks a peer to deliver again every
 * message the peer delivered to it after a point: the time (the restored node's own clock) at which
 * it received the last message it still holds from that peer, or everything when it holds none. The
 * peer puts those messages back in its outbox, unchanged (same message ids, signed afresh), within
 * its retention window (COMITY_DELIVERED_RETENTION_DAYS); the restored node's inbox keeps each
 * message id once, so what it still holds is answered with its receipt and nothing runs twice.
 * The peer keeps the receipts it already had: its record of what was delivered does not change.
 */
import { z } from 'zod';
import type { AppContext } from '../../app-context.ts';
import { insertOutboxMessage } from '../../storage/outbox.repository.ts';
import type { FederationRuntime } from '../context.ts';
import type { DirectoryNode } from '../protocol/types.ts';
import { defineMessage } from './message-definition.ts';
import { sealForPeer } from './seal-for-peer.ts';

/**
 * The peer re-delivers from this long before the stated point: the point is read on the restored
 * node's clock and compared with the peer's delivery times, and clocks of federated nodes differ by
 * less than the freshness window of messages (docs/federation.md §6). A message delivered twice is
 * kept once.
 */
export const REDELIVERY_MARGIN_MS = 10 * 60 * 1000;

export const SyncRedeliverRequestBodySchema = z
  .object({
    /** RFC 3339 UTC: when the sender received the last message it holds from the addressee; null: none. */
    receivedAfter: z.iso.datetime().nullable(),
    /** RFC 3339 UTC: when the backup the sender was restored from was made (for the addressee's log). */
    restoredFrom: z.iso.datetime(),
  })
  .strict();
export type SyncRedeliverRequestBody = z.infer<typeof SyncRedeliverRequestBodySchema>;

export const syncRedeliverRequestMessage = defineMessage<SyncRedeliverRequestBody>({
  type: 'sync.redeliver-request',
  bodySchema: SyncRedeliverRequestBodySchema,
  label: {
    ar: 'طلب إعادة التسليم بعد الاستعادة',
    en: 'Re-delivery request after a restore',
    es: 'Solicitud de nueva entrega tras una restauración',
    fr: 'Demande de nouvelle remise après une restauration',
    ru: 'Запрос повторной доставки после восстановления',
    zh: '恢复后的重新投递请求',
  },
  receive: async ({ envelope, body, receivedAt }) => ({
    kind: 'redelivery-requested',
    redelivery: {
      peerNodeId: envelope.from,
      deliveredSince:
        body.receivedAfter === null ? null : new Date(Date.parse(body.receivedAfter) - REDELIVERY_MARGIN_MS),
      requestedAt: receivedAt,
    },
  }),
  onOutcome: () => undefined,
  // Its case id is the peer's queue ("sync:<node>"), not a request.
  isAboutRequest: false,
});

/**
 * Queues the request for one peer (refused with unsupported-by-peer, nothing queued, when the peer
 * does not read the type). The caller wakes the delivery worker.
 */
export async function queueSyncRedeliverRequest(
  context: AppContext,
  federation: FederationRuntime,
  input: Readonly<{ to: DirectoryNode; body: SyncRedeliverRequestBody }>,
): Promise<void> {
  const now = context.now();
  const caseId = `sync:${input.to.nodeId}`;
  const sealed = await sealForPeer(federation, syncRedeliverRequestMessage, {
    to: input.to,
    caseId,
    now,
    body: input.body,
  });
  await insertOutboxMessage(context.db, { ...sealed, caseId, peerNodeId: input.to.nodeId, now });
}
