/**
 * `evidence.consent-answered`: the executing node's legal reviewer answers an ask
 * (`evidence.consent-requested`): granted, with any conditions, or refused, with the reasons.
 * The requesting node records the answer on its pending ask, only from the node it asked; a
 * granted consent lets the use it names go ahead (docs/evidence.md, "Conditions of use and consent").
 */
import { z } from 'zod';
import type { AppContext } from '../../app-context.ts';
import { answerConsentAndQueue } from '../../storage/evidence-consents.repository.ts';
import type { FederationRuntime } from '../context.ts';
import type { DirectoryNode } from '../protocol/types.ts';
import { defineMessage } from './message-definition.ts';
import { sealForPeer } from './seal-for-peer.ts';

export const EvidenceConsentAnsweredBodySchema = z
  .object({
    consentId: z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
    /** The request on the addressee (the requesting node): its id there. */
    requestId: z.string().min(1).max(200),
    decision: z.enum(['granted', 'refused']),
    /** Conditions attached to a granted consent (null: none). */
    conditions: z.string().max(4000).nullable(),
    reasons: z.string().min(1).max(4000),
    /** RFC 3339 UTC. */
    answeredAt: z.iso.datetime(),
  })
  .strict();
export type EvidenceConsentAnsweredBody = z.infer<typeof EvidenceConsentAnsweredBodySchema>;

export const evidenceConsentAnsweredMessage = defineMessage<EvidenceConsentAnsweredBody>({
  type: 'evidence.consent-answered',
  bodySchema: EvidenceConsentAnsweredBodySchema,
  label: {
    ar: 'الرد على طلب الموافقة على استخدام الأدلة',
    en: 'Consent to use evidence answered',
    es: 'Respuesta a la solicitud de consentimiento para usar pruebas',
    fr: "Réponse à la demande de consentement à l'usage de preuves",
    ru: 'Ответ на запрос согласия на использование доказательств',
    zh: '已答复使用证据的同意请求',
  },
  receive: async ({ envelope, body }, tools) => {
    const record = await tools.findCase({ requestId: body.requestId });
    if (record?.request.direction !== 'outgoing' || record.request.peerNodeId !== envelope.from) {
      return {
        kind: 'refused',
        reason: 'transition-refused',
        detail: `this node sent no request ${body.requestId} to node ${envelope.from}`,
      };
    }
    return {
      kind: 'evidence-consent-answered',
      answer: {
        consentId: body.consentId,
        peerNodeId: envelope.from,
        isGranted: body.decision === 'granted',
        conditions: body.conditions,
        reasons: body.reasons,
        answeredAt: new Date(body.answeredAt),
      },
    };
  },
  onOutcome: () => undefined,
});

/**
 * Records the answer on the pending ask and queues it for the asking node, in one transaction.
 * False (nothing queued) when the ask was answered already.
 */
export async function queueEvidenceConsentAnswered(
  context: AppContext,
  federation: FederationRuntime,
  input: Readonly<{
    to: DirectoryNode;
    caseId: string;
    answeredBy: string;
    body: EvidenceConsentAnsweredBody;
  }>,
): Promise<boolean> {
  const now = new Date(input.body.answeredAt);
  const sealed = await sealForPeer(federation, evidenceConsentAnsweredMessage, {
    to: input.to,
    caseId: input.caseId,
    now,
    body: input.body,
  });
  return answerConsentAndQueue(context.db, {
    id: input.body.consentId,
    status: input.body.decision,
    conditions: input.body.conditions,
    reasons: input.body.reasons,
    answeredBy: input.answeredBy,
    message: { ...sealed, caseId: input.caseId, peerNodeId: input.to.nodeId, now },
  });
}
