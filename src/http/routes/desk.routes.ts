/**
 * GET /api/v1/desk: the duty desk (Art. 41, a 24/7 point of contact). The open cases the caller
 * may read (incoming ones for those who handle them, one's own outgoing ones), each with its next
 * deadline; urgent and emergency requests received here and not yet acknowledged come first, then
 * the nearest deadline. `?overdue=true` keeps the cases whose deadline is missed, on either side.
 */
import { z } from 'zod';
import { DEADLINE_KINDS } from '../../core/case/deadlines.ts';
import { listDesk } from '../../services/desk.service.ts';
import type { ComityApp } from '../app.ts';
import { actorOf } from '../auth.ts';
import type { AppContext } from '../../app-context.ts';

const SideSchema = z.enum(['requesting', 'requested']);

const DeskQuerySchema = z
  .object({
    overdue: z.enum(['true', 'false']).optional().describe('true: only the cases with a missed deadline'),
    side: SideSchema.optional().describe('requested: received here; requesting: sent from here'),
  })
  .strict();

const DeskCaseSchema = z
  .object({
    requestId: z.string(),
    caseReference: z.string().nullable(),
    type: z.string(),
    urgency: z.string().describe('routine, urgent or emergency'),
    side: SideSchema.describe("this node's side of the case"),
    requestingState: z.string().nullable(),
    requestedState: z.string().nullable(),
    status: z.string().describe('the case status (docs/case-lifecycle.md)'),
    receivedAt: z
      .string()
      .nullable()
      .describe('when an incoming request arrived, or an outgoing one was delivered'),
    needsAcknowledgement: z
      .boolean()
      .describe('an urgent or emergency request received here that nobody has acknowledged yet'),
    nextDeadline: z
      .object({
        kind: z.enum(DEADLINE_KINDS),
        side: SideSchema.describe('the side that must act before it'),
        dueAt: z.string(),
        state: z.enum(['on-time', 'at-risk', 'missed']),
      })
      .nullable()
      .describe('the nearest deadline of the case, if any'),
    awaitingApproval: z
      .boolean()
      .describe(
        "a response from here waits for a supervisor's approval (the two-person rule): no step is offered on the case until it is decided",
      ),
    awaitingAnswer: z
      .enum(['conditions', 'clarification'])
      .nullable()
      .describe(
        "conditions proposed or questions asked by the requested side that wait for the requesting side's answer (the case's awaitingAnswer, without its text)",
      ),
    lastAnswer: z
      .enum(['answered', 'accepted', 'declined'])
      .nullable()
      .describe(
        "the requesting side's answer the requested side has not acted on yet: questions answered, conditions accepted or declined",
      ),
    consultationToHold: z
      .boolean()
      .describe(
        "the other State asked to be consulted on a notice of exculpatory disclosure of this side, not recorded as held yet (Art. 40(19))",
      ),
    availableTransitions: z.array(z.string()).describe('the transitions you may make now'),
  })
  .meta({ id: 'DeskCase' });

export async function deskRoutes(app: ComityApp, context: AppContext): Promise<void> {
  app.get(
    '/api/v1/desk',
    {
      config: { permission: 'signed-in' },
      schema: {
        tags: ['requests'],
        summary:
          'The duty desk: open cases you may read, what must be acknowledged first, then by nearest deadline',
        querystring: DeskQuerySchema,
        response: { 200: z.object({ items: z.array(DeskCaseSchema) }) },
      },
    },
    async (request) => ({
      items: await listDesk(context, actorOf(request), {
        overdue: request.query.overdue === 'true',
        ...(request.query.side ? { side: request.query.side } : {}),
      }),
    }),
  );
}
