/**
 * Queuing a sealed message for a peer with the sender's own change, in the one statement the
 * message module writes (transactional outbox), then telling this process's delivery worker.
 * When the worker is idle it takes the message from the statement itself: the statement inserts
 * it leased to this process and the worker posts it at commit, with no claim to wait for
 * (delivery-worker.ts, "Hand-offs"). Otherwise the worker is woken and claims it as any other.
 */
import type { AppContext } from '../../app-context.ts';
import type { QueuedMessage, QueueOutcome } from '../../storage/federation-requests.repository.ts';
import { leasedOutboxMessage, OUTBOX_CHANNEL } from '../../storage/outbox.repository.ts';
import type { FederationRuntime } from '../context.ts';
import type { SealedMessage } from './seal-for-peer.ts';

/** Where a sealed message goes: its peer, its case, and the time it is queued at (its createdAt). */
export type QueueTarget = Readonly<{ peerNodeId: string; caseId: string; now: Date }>;

/**
 * Runs `write` (the statement that queues `sealed` with its change) and hands the message to the
 * worker or wakes it. Whether the statement queued it (false: nothing was written).
 */
export async function queueForPeer(
  context: AppContext,
  federation: FederationRuntime,
  sealed: SealedMessage,
  target: QueueTarget,
  write: (queued: QueuedMessage) => Promise<QueueOutcome>,
): Promise<boolean> {
  const handOff = await federation.offerHandOff(target.peerNodeId);
  let outcome: QueueOutcome;
  try {
    outcome = await write({
      ...sealed,
      ...(context.databaseKind === 'postgres' ? { notifyChannel: OUTBOX_CHANNEL } : {}),
      ...(handOff ? { leaseUntil: handOff.leaseUntil } : {}),
    });
  } catch (error) {
    handOff?.release();
    throw error;
  }
  if (handOff && outcome.isLeased && outcome.sequence !== undefined) {
    handOff.deliver(
      leasedOutboxMessage({
        ...sealed,
        ...target,
        sequence: outcome.sequence,
        leaseUntil: handOff.leaseUntil,
      }),
    );
  } else {
    handOff?.release();
    if (outcome.isQueued) federation.wakeDelivery();
  }
  return outcome.isQueued;
}
