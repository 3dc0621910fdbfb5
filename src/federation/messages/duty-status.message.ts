/**
 * `duty.status`: a node tells its peers whether someone is on its duty roster now (Art. 41, the
 * 24/7 point of contact), when that changes between nobody and somebody and once when it starts.
 * The body is a boolean and the moment of the change, nothing about who. The receiver keeps each
 * peer's latest status with its time, so the requesting side sees it before it sends.
 */
import { z } from 'zod';
import type { AppContext } from '../../app-context.ts';
import { insertOutboxMessage } from '../../storage/outbox.repository.ts';
import type { FederationRuntime } from '../context.ts';
import type { DirectoryNode } from '../protocol/types.ts';
import { defineMessage } from './message-definition.ts';
import { sealForPeer } from './seal-for-peer.ts';

export const DutyStatusBodySchema = z
  .object({
    /** Whether someone is on the sender's duty roster now. */
    onDuty: z.boolean(),
    /** RFC 3339 UTC: when the sender's status became this. */
    at: z.iso.datetime(),
  })
  .strict();
export type DutyStatusBody = z.infer<typeof DutyStatusBodySchema>;

export const dutyStatusMessage = defineMessage<DutyStatusBody>({
  type: 'duty.status',
  bodySchema: DutyStatusBodySchema,
  label: {
    ar: 'حالة المناوبة',
    en: 'Duty status',
    es: 'Estado de guardia',
    fr: 'État de la permanence',
    ru: 'Статус дежурства',
    zh: '值班状态',
  },
  receive: async ({ envelope, body, receivedAt }) => ({
    kind: 'peer-duty-status',
    status: { nodeId: envelope.from, isOnDuty: body.onDuty, asOf: new Date(body.at), receivedAt },
  }),
  onOutcome: () => undefined,
  // Its case id is the peer's queue ("duty-status:<node>"), not a request.
  isAboutRequest: false,
});

/**
 * Queues the node's duty status for one peer (refused with unsupported-by-peer, nothing queued,
 * when the peer does not read the type). Each peer has its own queue (case), so a peer that is
 * down holds back only its own announcements. The caller wakes the delivery worker.
 */
export async function queueDutyStatus(
  context: AppContext,
  federation: FederationRuntime,
  input: Readonly<{ to: DirectoryNode; body: DutyStatusBody }>,
): Promise<void> {
  const now = context.now();
  const caseId = `duty-status:${input.to.nodeId}`;
  const sealed = await sealForPeer(federation, dutyStatusMessage, {
    to: input.to,
    caseId,
    now,
    body: input.body,
  });
  await insertOutboxMessage(context.db, { ...sealed, caseId, peerNodeId: input.to.nodeId, now });
}
