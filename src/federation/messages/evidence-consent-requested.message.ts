/**
 * `evidence.consent-requested`: the requesting node asks the executing node's consent to a use of
 * evidence it received in a package that the package's conditions of use block (docs/evidence.md,
 * "Conditions of use and consent"): onward transfer to a third State (Art. 36(3)), use in another
 * case (Art. 40(19)), disclosure before the confidentiality date. The executing node stores the
 * ask, pending, for its legal reviewers, only for a package it sent that node for that request;
 * the answer travels back as `evidence.consent-answered`.
 */
import { z } from 'zod';
import type { AppContext } from '../../app-context.ts';
import { insertConsentAskAndQueue } from '../../storage/evidence-consents.repository.ts';
import type { FederationRuntime } from '../context.ts';
import type { DirectoryNode } from '../protocol/types.ts';
import { defineMessage } from './message-definition.ts';
import { sealForPeer } from './seal-for-peer.ts';

const Uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);

export const EvidenceUseSchema = z
  .object({
    kind: z.enum(['onward-transfer', 'other-case', 'disclosure']),
    /** The State (onward transfer), the case reference (other case), or to whom (disclosure, may be null). */
    target: z.string().min(1).max(200).nullable(),
  })
  .strict();

export const EvidenceConsentRequestedBodySchema = z
  .object({
    /** The ask's id, the same on both nodes. */
    consentId: Uuid,
    packageId: Uuid,
    /** The request on the asking (requesting) node: its id there. */
    requestId: z.string().min(1).max(200),
    use: EvidenceUseSchema,
    reasons: z.string().min(1).max(4000),
    /** RFC 3339 UTC. */
    askedAt: z.iso.datetime(),
  })
  .strict();
export type EvidenceConsentRequestedBody = z.infer<typeof EvidenceConsentRequestedBodySchema>;

export const evidenceConsentRequestedMessage = defineMessage<EvidenceConsentRequestedBody>({
  type: 'evidence.consent-requested',
  bodySchema: EvidenceConsentRequestedBodySchema,
  label: {
    ar: 'طلب موافقة على استخدام الأدلة',
    en: 'Consent to use evidence requested',
    es: 'Solicitud de consentimiento para usar pruebas',
    fr: "Demande de consentement à l'usage de preuves",
    ru: 'Запрос согласия на использование доказательств',
    zh: '请求同意使用证据',
  },
  receive: async ({ envelope, body }, tools) => {
    const record = await tools.findCase({ peerNodeId: envelope.from, remoteRequestId: body.requestId });
    if (record?.request.direction !== 'incoming') {
      return {
        kind: 'refused',
        reason: 'transition-refused',
        detail: `this node received no request ${body.requestId} from node ${envelope.from}`,
      };
    }
    return {
      kind: 'evidence-consent-requested',
      ask: {
        consentId: body.consentId,
        packageId: body.packageId,
        requestId: record.request.id,
        peerNodeId: envelope.from,
        use: body.use,
        reasons: body.reasons,
        askedAt: new Date(body.askedAt),
      },
    };
  },
  onOutcome: () => undefined,
});

/** Seals the ask for the executing node and stores it (pending) with the message, in one transaction. */
export async function queueEvidenceConsentRequested(
  context: AppContext,
  federation: FederationRuntime,
  input: Readonly<{
    to: DirectoryNode;
    /** The request here (the requesting side). */
    caseId: string;
    askedBy: string;
    body: EvidenceConsentRequestedBody;
  }>,
): Promise<void> {
  const now = new Date(input.body.askedAt);
  const sealed = await sealForPeer(federation, evidenceConsentRequestedMessage, {
    to: input.to,
    caseId: input.caseId,
    now,
    body: input.body,
  });
  await insertConsentAskAndQueue(context.db, {
    id: input.body.consentId,
    requestId: input.caseId,
    packageId: input.body.packageId,
    peerNodeId: input.to.nodeId,
    use: input.body.use,
    reasons: input.body.reasons,
    askedBy: input.askedBy,
    message: { ...sealed, caseId: input.caseId, peerNodeId: input.to.nodeId, now },
  });
}
