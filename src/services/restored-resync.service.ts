/**
 * A node restored from a backup (`comity restore`) lost what it received after the backup. At its
 * first start it asks each peer of the directory to deliver those messages again
 * (sync.redeliver-request), naming when it received the last message it still holds from that
 * peer. The requests go through the outbox like any message, so a peer that is down gets its
 * request when it is back; the mark is cleared once every request is queued.
 */
import type { AppContext } from '../app-context.ts';
import { AppError } from '../core/errors.ts';
import { queueSyncRedeliverRequest } from '../federation/messages/sync-redeliver-request.message.ts';
import { findRestoration, lastReceivedFrom, markResyncRequested } from '../storage/restoration.repository.ts';

export type ResyncOutcome = Readonly<{ asked: readonly string[]; skipped: readonly string[] }>;

/** Queues the re-delivery requests if this node was restored and has not asked yet; undefined otherwise. */
export async function requestRedeliveryIfRestored(context: AppContext): Promise<ResyncOutcome | undefined> {
  const federation = context.federation;
  if (!federation) return undefined;
  const restoration = await findRestoration(context.db);
  if (!restoration?.isResyncPending) return undefined;
  const asked: string[] = [];
  const skipped: string[] = [];
  for (const peer of federation.directory.listNodes()) {
    if (peer.nodeId === federation.identity.nodeId) continue;
    const last = await lastReceivedFrom(context.db, peer.nodeId);
    try {
      await queueSyncRedeliverRequest(context, federation, {
        to: peer,
        body: { receivedAfter: last?.toISOString() ?? null, restoredFrom: restoration.backupCreatedAt },
      });
      asked.push(peer.nodeId);
    } catch (error) {
      // A peer that does not read the type (an older release), or has no valid key now.
      if (!(error instanceof AppError)) throw error;
      skipped.push(peer.nodeId);
    }
  }
  await markResyncRequested(context.db, context.now());
  if (asked.length > 0) federation.wakeDelivery();
  return { asked, skipped };
}
