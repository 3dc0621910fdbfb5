/**
 * `evidence.package-received`: the requesting node tells the executing node what became of a
 * package it offered: every item fetched, reassembled and matching the signed manifest
 * (`verified`), or refused with the reason (`failed`: a manifest that does not verify, a chunk
 * that does not hold, an item whose SHA-256 differs). Only the package's addressee can settle it.
 */
import { z } from 'zod';
import type { AppContext } from '../../app-context.ts';
import { movePackageAndQueue } from '../../storage/evidence-packages.repository.ts';
import type { FederationRuntime } from '../context.ts';
import type { DirectoryNode } from '../protocol/types.ts';
import { defineMessage } from './message-definition.ts';
import { sealForPeer } from './seal-for-peer.ts';

export const EvidencePackageReceivedBodySchema = z
  .object({
    packageId: z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
    outcome: z.enum(['verified', 'failed']),
    /** Why it failed (null when verified). */
    reason: z.string().max(2000).nullable(),
    /** RFC 3339 UTC: when the addressee settled the package. */
    at: z.iso.datetime(),
  })
  .strict();
export type EvidencePackageReceivedBody = z.infer<typeof EvidencePackageReceivedBodySchema>;

export const evidencePackageReceivedMessage = defineMessage<EvidencePackageReceivedBody>({
  type: 'evidence.package-received',
  bodySchema: EvidencePackageReceivedBodySchema,
  label: {
    ar: 'استلام حزمة أدلة',
    en: 'Evidence package received',
    es: 'Paquete de pruebas recibido',
    fr: 'Paquet de preuves reçu',
    ru: 'Пакет доказательств получен',
    zh: '证据包已接收',
  },
  receive: async ({ envelope, body, receivedAt }) => ({
    kind: 'evidence-package-received',
    verdict: {
      packageId: body.packageId,
      peerNodeId: envelope.from,
      isVerified: body.outcome === 'verified',
      failureReason: body.reason,
      receivedAt,
    },
  }),
  onOutcome: () => undefined,
});

/**
 * Settles an incoming package (fetching -> verified or failed) and queues the verdict for its
 * sender, in one transaction. False (nothing queued) when the package was already settled.
 */
export async function queueEvidencePackageReceived(
  context: AppContext,
  federation: FederationRuntime,
  input: Readonly<{ to: DirectoryNode; caseId: string; body: EvidencePackageReceivedBody }>,
): Promise<boolean> {
  const now = context.now();
  const sealed = await sealForPeer(federation, evidencePackageReceivedMessage, {
    to: input.to,
    caseId: input.caseId,
    now,
    body: input.body,
  });
  return movePackageAndQueue(context.db, {
    packageId: input.body.packageId,
    from: ['fetching'],
    to: input.body.outcome,
    failureReason: input.body.reason,
    message: { ...sealed, caseId: input.caseId, peerNodeId: input.to.nodeId, now },
  });
}
