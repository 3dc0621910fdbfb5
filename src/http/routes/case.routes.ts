/**
 * The case of a request (docs/case-lifecycle.md): its history on this node (events made here and
 * received from the other node) and the transitions a person makes on it. A transition answers
 * the case as it is now; the lifecycle's refusals are problems: a status that does not allow it
 * 409 invalid-state (naming the status), a side or role that does not allow it 403 forbidden, a
 * bad payload 400 invalid-input (with each field's path). A refusal changes nothing on either node.
 */
import { z } from 'zod';
import { DEADLINE_KINDS } from '../../core/case/deadlines.ts';
import { caseHistory, transitionCase } from '../../services/case.service.ts';
import type { ComityApp } from '../app.ts';
import { actorOf } from '../auth.ts';
import type { AppContext } from '../../app-context.ts';

const ParamsSchema = z.object({ id: z.string().describe('the request id (a UUID)') });

const TransitionBodySchema = z
  .object({
    name: z.string().min(1).max(60).describe('a transition of docs/case-lifecycle.md, e.g. acknowledge'),
    payload: z
      .record(z.string(), z.unknown())
      .default({})
      .describe('what the transition records (docs/case-lifecycle.md, "What each payload must hold")'),
  })
  .strict();

const ReceiptSchema = z
  .object({
    jws: z.string().describe('the signed receipt, a compact JWS'),
    messageId: z.string(),
    digest: z.string().describe("base64url SHA-256 of the message's compact JWS"),
    from: z.string().describe('the node that received the message and signed the receipt'),
    to: z.string().describe('the node that sent the message'),
    receivedAt: z.string(),
    verified: z
      .boolean()
      .describe(
        "the signature checks out against the signer's keys in this node's directory, for this message",
      ),
    problem: z.string().nullable().describe('why it does not verify; null when it does'),
  })
  .meta({ id: 'CaseReceipt' });

const CaseMessageSchema = z
  .object({
    id: z.string(),
    direction: z.enum(['sent', 'received']),
    state: z.enum(['pending', 'delivered', 'failed', 'cancelled']).describe("this node's delivery state"),
    receipt: ReceiptSchema.nullable(),
  })
  .meta({ id: 'CaseMessage' });

const ActorSchema = z.object({ displayName: z.string(), roles: z.array(z.string()) });

const FlowStepSchema = z.object({
  step: z.enum(['drafted', 'sent', 'delivered']),
  side: z.enum(['requesting', 'requested']),
  actor: ActorSchema.nullable().describe(
    'who did it: a person of this node, or, for a request another State sent, the person its message says submitted it (no roles); null when unknown',
  ),
  approvedBy: z
    .object({ displayName: z.string() })
    .nullable()
    .describe(
      'of a request another State sent: the second person its message says approved the sending (the two-person rule); null otherwise',
    ),
  at: z.string(),
  origin: z.enum(['this-node', 'other-node']),
  message: CaseMessageSchema.nullable(),
});

const seconds = (what: string) =>
  z.number().int().nullable().describe(`${what}, in seconds; null until reached`);

const FiguresSchema = z.object({
  deliverSeconds: seconds('sent to delivered'),
  acknowledgeSeconds: seconds('delivered to acknowledged'),
  decideSeconds: seconds('delivered to accepted or refused'),
  executeSeconds: seconds('accepted to executed fully'),
});

const CaseEventSchema = z.object({
  sequence: z
    .number()
    .int()
    .describe(
      'the order this node stored it in (1, 2, 3...); both nodes list the events in the same order, and their sequences differ only where steps made at the same moment on both sides crossed',
    ),
  transition: z.string(),
  side: z.string().describe('requesting or requested'),
  actor: ActorSchema,
  approvedBy: z
    .object({ displayName: z.string() })
    .nullable()
    .describe(
      'the second person who approved it before it was made (a refusal, a report of execution: the two-person rule), as the node that made it names them; null when none had to',
    ),
  payload: z.unknown(),
  occurredAt: z.string(),
  origin: z.enum(['this-node', 'other-node']).describe('made on this node, or received from the other node'),
  isSuperseded: z
    .boolean()
    .describe(
      "not applied: made at the same moment as a step of the other side that comes first, after which the rules no longer allow it (kept in the history; docs/case-lifecycle.md, 'Steps made at the same moment')",
    ),
  message: CaseMessageSchema.nullable().describe('the message that carried it, with its receipt'),
});

const CaseDeadlineSchema = z.object({
  kind: z.enum(DEADLINE_KINDS),
  side: z.enum(['requesting', 'requested']).describe('the side that must act before it'),
  startsAt: z.string(),
  atRiskAt: z
    .string()
    .describe('when it is at risk (or, for a preservation, when the requesting side is reminded)'),
  dueAt: z
    .string()
    .describe(
      "when it is missed; for a deadline on a date, the midnight after it on the requested State's clocks",
    ),
  lastDay: z
    .string()
    .nullable()
    .describe('the calendar date a deadline on a date ends on (YYYY-MM-DD); null for one counted in hours'),
  state: z.enum(['on-time', 'at-risk', 'missed']),
  basis: z.string().describe("the article it rests on, or Comity's practice"),
});

export const CaseSchema = z
  .object({
    requestId: z.string(),
    side: z.string().describe("this node's side: requesting or requested"),
    status: z.string(),
    availableTransitions: z.array(z.string()).describe('the transitions you may make now'),
    othersMay: z
      .array(z.object({ transition: z.string(), roles: z.array(z.string()) }))
      .describe(
        "the transitions others on this node's side may make now and you may not, with the roles that may: whom the case waits for",
      ),
    otherSideMay: z
      .array(z.string())
      .describe("the transitions the other State's side may make now: what this side may expect next"),
    deadlines: z
      .array(CaseDeadlineSchema)
      .describe(
        "the deadlines that apply now, from the requested State's declared service level and the case",
      ),
    preservation: z
      .object({
        tookEffectOn: z.string().describe('the date the data was preserved from (YYYY-MM-DD)'),
        preservedUntil: z
          .string()
          .describe('the date through which the data is kept, as recorded or last extended'),
      })
      .nullable()
      .describe('Art. 42: the preservation the requested side recorded; null before'),
    awaitingAnswer: z
      .object({ kind: z.enum(['conditions', 'clarification']), text: z.string() })
      .nullable()
      .describe(
        "what the requested side asked that waits for the requesting side's answer: conditions proposed (Art. 40(27)) or a clarification's questions; null when nothing waits",
      ),
    lastAnswer: z
      .object({
        kind: z.enum(['clarification', 'conditions']),
        outcome: z.enum(['answered', 'accepted', 'declined']),
        text: z
          .string()
          .describe('the answer, the note of an acceptance, or the reasons of a refusal (may be empty)'),
        at: z.string(),
      })
      .nullable()
      .describe(
        "the requesting side's answer the requested side has not acted on yet (the case's last step): questions answered, conditions accepted or declined; null otherwise",
      ),
    conditionsInForce: z
      .array(
        z.object({
          text: z.string(),
          acceptedAt: z.string().describe('when the requesting side accepted them (RFC 3339, UTC)'),
        }),
      )
      .describe(
        'the conditions the requesting side accepted, oldest first, which bind for the rest of the case (Art. 40(27)); empty when none were accepted',
      ),
    exculpatoryNotices: z
      .array(
        z.object({
          timing: z
            .enum(['prior', 'after'])
            .describe('prior: given before the disclosure; after: prior notice was impossible'),
          disclosure: z.string().describe('what is disclosed, to whom, in which proceedings, and why'),
          date: z
            .string()
            .describe('the day planned (prior) or the day it was disclosed (after), YYYY-MM-DD'),
          priorNoticeImpossible: z.string().nullable().describe('why notice could not come first'),
          packageIds: z.array(z.string()).describe('the received evidence packages it covers'),
          notifiedAt: z.string(),
          consultationRequested: z
            .object({ reasons: z.string(), at: z.string() })
            .nullable()
            .describe('the consultation the State that gave the information asked for, if any'),
          consultationHeld: z
            .object({ heldOn: z.string(), outcome: z.string(), at: z.string() })
            .nullable()
            .describe('the consultation held, as the recipient recorded it: its day and outcome'),
        }),
      )
      .describe(
        'notices of exculpatory disclosure the recipient of the information gave, oldest first (Art. 40(19), Art. 40(5))',
      ),
    events: z.array(CaseEventSchema),
    flow: z
      .array(FlowStepSchema)
      .describe("the request flow's steps before the events: drafted, sent, delivered (received)"),
    figures: FiguresSchema,
    otherSide: z
      .object({
        status: z.string(),
        lastMessage: z
          .object({ id: z.string(), state: z.string() })
          .nullable()
          .describe('the last message this node sent in the case and its delivery state'),
      })
      .describe("the other side's status as this node knows it"),
  })
  .meta({ id: 'Case' });

export async function caseRoutes(app: ComityApp, context: AppContext): Promise<void> {
  app.get(
    '/api/v1/requests/:id/history',
    {
      config: { permission: 'signed-in' },
      schema: {
        tags: ['requests'],
        summary: 'The case of a request you may read: status, history of both sides, what you may do now',
        params: ParamsSchema,
        response: { 200: z.object({ case: CaseSchema }) },
      },
    },
    async (request) => ({ case: await caseHistory(context, actorOf(request), request.params.id) }),
  );

  app.post(
    '/api/v1/requests/:id/transitions',
    {
      config: { permission: 'case:transition', auditedBody: { transition: 'name' } },
      schema: {
        tags: ['requests', 'federation'],
        summary: 'Make a transition of the case; it travels to the other node, which applies it too',
        params: ParamsSchema,
        body: TransitionBodySchema,
        response: { 200: z.object({ case: CaseSchema }) },
      },
    },
    async (request) => ({
      case: await transitionCase(context, actorOf(request), request.params.id, request.body),
    }),
  );
}
