/**
 * `evidence.package-offered`: the executing (requested) node offers the requesting node a package
 * of evidence for the request it sent: the signed manifest (src/evidence/package-manifest.ts), the
 * list of the package's encrypted, content-addressed chunks, and the package key (the body travels
 * encrypted to the addressee, like every body). The receiver refuses an offer on a request that
 * discloses no data (a preservation, src/core/evidence/disclosure.ts) and stores any other (status fetching);
 * its evidence transfer worker checks the manifest's signature against the sender's key in the
 * directory, fetches each chunk from GET /federation/v1/evidence/{package}/chunks/{hash} with a
 * request signed by its own key, reassembles and verifies the items, then answers with
 * `evidence.package-received` (docs/federation.md, "Evidence packages").
 */
import { z } from 'zod';
import type { AppContext } from '../../app-context.ts';
import { noDisclosureReason } from '../../core/evidence/disclosure.ts';
import { movePackageAndQueue } from '../../storage/evidence-packages.repository.ts';
import type { FederationRuntime } from '../context.ts';
import type { DirectoryNode } from '../protocol/types.ts';
import { defineMessage } from './message-definition.ts';
import { sealForPeer } from './seal-for-peer.ts';

const Uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);

export const EvidenceChunkRefSchema = z
  .object({
    /** The item's id in the manifest. */
    item: Uuid,
    /** The chunk's place in the item, from 0. */
    index: z.number().int().nonnegative(),
    /** SHA-256 (lower-case hex) of the encrypted chunk: its address. */
    hash: z.string().regex(/^[0-9a-f]{64}$/),
    /** The encrypted chunk's size in bytes. */
    size: z.number().int().nonnegative(),
  })
  .strict();

export const EvidencePackageOfferedBodySchema = z
  .object({
    packageId: Uuid,
    /** The request on the addressee (the requesting node): its id there. */
    requestId: z.string().min(1).max(200),
    /** The signed manifest, compact JWS (typ comity-evidence-manifest+jws). */
    manifest: z.string().min(1).max(1_000_000),
    chunks: z.array(EvidenceChunkRefSchema).min(1).max(1_000_000),
    /** The AES-256-GCM key of the chunks, base64url (32 bytes). */
    packageKey: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  })
  .strict();
export type EvidencePackageOfferedBody = z.infer<typeof EvidencePackageOfferedBodySchema>;

export const evidencePackageOfferedMessage = defineMessage<EvidencePackageOfferedBody>({
  type: 'evidence.package-offered',
  bodySchema: EvidencePackageOfferedBodySchema,
  label: {
    ar: 'عرض حزمة أدلة',
    en: 'Evidence package offered',
    es: 'Paquete de pruebas ofrecido',
    fr: 'Paquet de preuves proposé',
    ru: 'Предложен пакет доказательств',
    zh: '提供证据包',
  },
  receive: async ({ envelope, body, receivedAt }, tools) => {
    const record = await tools.findCase({ requestId: body.requestId });
    if (record?.request.direction !== 'outgoing' || record.request.peerNodeId !== envelope.from) {
      return {
        kind: 'refused',
        reason: 'transition-refused',
        detail: `this node sent no request ${body.requestId} to node ${envelope.from}`,
      };
    }
    // The rule the sending node applies before it makes a package (disclosure.ts), applied again
    // on receipt: another implementation may not apply it, and data sent on a preservation is not
    // taken in here.
    const noDisclosure = noDisclosureReason(record.request.type);
    if (noDisclosure) {
      return {
        kind: 'refused',
        reason: 'transition-refused',
        detail: `request ${body.requestId} takes no evidence: ${noDisclosure}`,
      };
    }
    return {
      kind: 'evidence-package-offered',
      offer: {
        packageId: body.packageId,
        requestId: record.request.id,
        peerNodeId: envelope.from,
        manifest: body.manifest,
        chunks: body.chunks,
        packageKey: body.packageKey,
        receivedAt,
      },
    };
  },
  onOutcome: () => undefined,
});

/**
 * Seals the offer for the requesting node and, in one transaction, marks the package offered and
 * queues the message. False (nothing queued) when the package was not sealed-and-unsent.
 */
export async function queueEvidencePackageOffered(
  context: AppContext,
  federation: FederationRuntime,
  input: Readonly<{ to: DirectoryNode; caseId: string; body: EvidencePackageOfferedBody }>,
): Promise<boolean> {
  const now = context.now();
  const sealed = await sealForPeer(federation, evidencePackageOfferedMessage, {
    to: input.to,
    caseId: input.caseId,
    now,
    body: input.body,
  });
  return movePackageAndQueue(context.db, {
    packageId: input.body.packageId,
    from: ['sealed'],
    to: 'offered',
    message: { ...sealed, caseId: input.caseId, peerNodeId: input.to.nodeId, now },
  });
}
