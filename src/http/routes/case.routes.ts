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

const CaseEventSchema = z.object({
  sequence: z.number().int(),
  transition: z.string(),
  side: z.string().describe('requesting or requested'),
  actor: z.object({ displayName: z.string(), roles: z.array(z.string()) }),
  payload: z.unknown(),
  occurredAt: z.string(),
  origin: z.enum(['this-node', 'other-node']).describe('made on this node, or received from the other node'),
});

const CaseDeadlineSchema = z.object({
  kind: z.enum(DEADLINE_KINDS),
  side: z.enum(['requesting', 'requested']).describe('the side that must act before it'),
  startsAt: z.string(),
  atRiskAt: z
    .string()
    .describe('when it is at risk (or, for a preservation, when the requesting side is reminded)'),
  dueAt: z.string(),
  state: z.enum(['on-time', 'at-risk', 'missed']),
  basis: z.string().describe("the article it rests on, or Comity's practice"),
});

const CaseSchema = z
  .object({
    requestId: z.string(),
    side: z.string().describe("this node's side: requesting or requested"),
    status: z.string(),
    availableTransitions: z.array(z.string()).describe('the transitions you may make now'),
    deadlines: z
      .array(CaseDeadlineSchema)
      .describe(
        "the deadlines that apply now, from the requested State's declared service level and the case",
      ),
    events: z.array(CaseEventSchema),
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
      config: { permission: 'case:transition' },
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
