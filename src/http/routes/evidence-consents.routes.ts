/**
 * Consent for a use of received evidence (docs/evidence.md, "Conditions of use and consent"):
 * the requesting side asks (evidence.consent-requested) and records uses, refused with
 * consent-required while a condition of use blocks them; the executing side answers
 * (evidence.consent-answered); either side lists a request's asks.
 */
import { z } from 'zod';
import type { AppContext } from '../../app-context.ts';
import {
  AnswerEvidenceConsentSchema,
  AskEvidenceConsentSchema,
  answerEvidenceConsent,
  askEvidenceConsent,
  listEvidenceConsents,
  RecordEvidenceUseSchema,
  recordEvidenceUse,
} from '../../services/evidence-consent.service.ts';
import type { ComityApp } from '../app.ts';
import { actorOf } from '../auth.ts';

const RequestParamsSchema = z.object({ id: z.string().describe('the request id (a UUID)') });
const ConsentParamsSchema = RequestParamsSchema.extend({
  consentId: z.string().describe('the consent ask id'),
});

const UseSchema = z
  .object({
    kind: z.enum(['onward-transfer', 'other-case', 'disclosure']),
    target: z.string().nullable().describe('the State, the case reference, or to whom (disclosure)'),
  })
  .meta({ id: 'EvidenceUse' });

const EvidenceConsentSchema = z
  .object({
    id: z.string(),
    requestId: z.string(),
    packageId: z.string(),
    direction: z
      .enum(['outgoing', 'incoming'])
      .describe('outgoing: asked from here (requesting side); incoming: asked of this node (executing side)'),
    peerNodeId: z.string(),
    use: UseSchema,
    reasons: z.string(),
    status: z.enum(['pending', 'granted', 'refused']),
    answerConditions: z.string().nullable().describe('conditions attached to a granted consent'),
    answerReasons: z.string().nullable(),
    askedAt: z.string(),
    answeredAt: z.string().nullable(),
  })
  .meta({ id: 'EvidenceConsent' });

export async function evidenceConsentsRoutes(app: ComityApp, context: AppContext): Promise<void> {
  app.get(
    '/api/v1/requests/:id/evidence/consents',
    {
      config: { permission: 'signed-in' },
      schema: {
        tags: ['evidence'],
        summary:
          "A request's asks for consent to use evidence: asked from here (requesting side) or of this node (executing side), with their answers",
        params: RequestParamsSchema,
        response: { 200: z.object({ consents: z.array(EvidenceConsentSchema) }) },
      },
    },
    async (request) => ({
      consents: await listEvidenceConsents(context, actorOf(request), request.params.id),
    }),
  );

  app.post(
    '/api/v1/requests/:id/evidence/consents',
    {
      config: { permission: 'evidence:consent-ask' },
      schema: {
        tags: ['evidence'],
        summary:
          "Ask the sending State's consent to a use of a received package that its conditions block (evidence.consent-requested)",
        params: RequestParamsSchema,
        body: AskEvidenceConsentSchema,
        response: { 201: z.object({ consent: EvidenceConsentSchema }) },
      },
    },
    async (request, reply) => {
      const consent = await askEvidenceConsent(context, actorOf(request), request.params.id, request.body);
      return reply.code(201).send({ consent });
    },
  );

  app.post(
    '/api/v1/requests/:id/evidence/consents/:consentId/answer',
    {
      config: { permission: 'evidence:consent-answer', auditedBody: { decision: 'decision' } },
      schema: {
        tags: ['evidence'],
        summary:
          'Grant (with conditions) or refuse (with reasons) an ask for consent to use evidence this node sent (evidence.consent-answered)',
        params: ConsentParamsSchema,
        body: AnswerEvidenceConsentSchema,
        response: { 200: z.object({ consent: EvidenceConsentSchema }) },
      },
    },
    async (request) => ({
      consent: await answerEvidenceConsent(
        context,
        actorOf(request),
        request.params.id,
        request.params.consentId,
        request.body,
      ),
    }),
  );

  app.post(
    '/api/v1/requests/:id/evidence/uses',
    {
      config: { permission: 'evidence:consent-ask' },
      schema: {
        tags: ['evidence'],
        summary:
          'Record an onward transfer, a use in another case or a disclosure of a received package (custody `used`); 403 consent-required while a condition of use blocks it. A disclosure marked `exculpatory` needs no consent but a notice of exculpatory disclosure of the case that names the package (Art. 40(19)); 409 without one',
        params: RequestParamsSchema,
        body: RecordEvidenceUseSchema,
        response: {
          201: z.object({
            use: z.object({
              packageId: z.string(),
              use: UseSchema,
              consentId: z
                .string()
                .nullable()
                .describe(
                  'the consent that allowed it (null: nothing blocked it, or an exculpatory disclosure)',
                ),
              exculpatoryNotice: z
                .object({ notifiedAt: z.string(), timing: z.enum(['prior', 'after']) })
                .nullable()
                .describe('for an exculpatory disclosure: the notice of the case that names the package'),
              itemIds: z.array(z.string()),
              recordedAt: z.string(),
            }),
          }),
        },
      },
    },
    async (request, reply) => {
      const use = await recordEvidenceUse(context, actorOf(request), request.params.id, request.body);
      return reply.code(201).send({ use });
    },
  );
}
