/**
 * The two-person rule's screens (src/core/approval): the approval queue (everything waiting for a
 * second person, emergencies first), a request's approvals (who submitted, who decided, when,
 * why), and the decision on a response that waits on a case (execution results, refusals).
 * Requests are approved and returned through federation-send.routes.ts.
 */
import { z } from 'zod';
import { approvalsOfRequest, listApprovalQueue } from '../../services/approvals.service.ts';
import { decideCaseTransition } from '../../services/case.service.ts';
import type { ComityApp } from '../app.ts';
import { actorOf } from '../auth.ts';
import type { AppContext } from '../../app-context.ts';
import { CaseSchema } from './case.routes.ts';

const PersonSchema = z.object({ id: z.string().nullable(), displayName: z.string() });

export const ApprovalSchema = z
  .object({
    id: z.string(),
    kind: z.enum(['request', 'case-transition', 'evidence-package']),
    subjectId: z.string(),
    requestId: z.string().nullable(),
    requestType: z.string(),
    caseReference: z.string().nullable(),
    urgency: z.string().nullable(),
    transition: z.string().nullable().describe('of a case-transition: the transition that waits'),
    transitionPayload: z
      .record(z.string(), z.unknown())
      .nullable()
      .describe(
        "of a case-transition: what it says (a refusal's grounds and reasons), for its approver to read",
      ),
    submittedRevision: z.number().int(),
    submittedBy: PersonSchema,
    submittedAt: z.string(),
    state: z.enum(['pending', 'approved', 'returned']),
    decidedBy: PersonSchema.nullable(),
    decidedAt: z.string().nullable(),
    reasons: z.string().nullable().describe('why it was returned'),
    decisionReference: z.string().nullable().describe('the reference of the authorising decision'),
    isIntrusive: z
      .boolean()
      .describe(
        'an intrusive measure: its approver holds the designated role and gives a decision reference',
      ),
    designatedRole: z
      .string()
      .nullable()
      .describe(
        'the role the State designates to approve an intrusive measure (COMITY_INTRUSIVE_APPROVER_ROLE); null for another measure',
      ),
    mayDecide: z.boolean().describe('whether you may approve or return it now'),
    mayApprove: z
      .boolean()
      .describe(
        'whether you may approve it now: you may decide and, for an intrusive measure, hold the designated role',
      ),
  })
  .meta({ id: 'Approval' });

const ApprovalRuleSchema = z
  .object({
    isIntrusive: z
      .boolean()
      .describe(
        'the request is an intrusive measure: its approver also holds the designated role and gives a decision reference',
      ),
    designatedRole: z
      .string()
      .nullable()
      .describe('the role the State designates to approve an intrusive measure; null for another measure'),
  })
  .describe('who may approve what is submitted on this request: what its author reads before submitting')
  .meta({ id: 'ApprovalRule' });

const ApprovalQueueItemSchema = ApprovalSchema.extend({
  otherState: z
    .string()
    .nullable()
    .describe(
      'the other State of the case: the requested State of a request sent from here, the requesting State (its node, as the directory names it) of one received',
    ),
}).meta({ id: 'ApprovalQueueItem' });

const ParamsSchema = z.object({ id: z.string().describe('the request id (a UUID)') });

export const DecisionBodySchema = z
  .object({
    decision: z.enum(['approve', 'return']),
    reasons: z.string().max(5000).optional().describe('why it goes back (required to return)'),
    decisionReference: z
      .string()
      .max(500)
      .optional()
      .describe('the reference of the authorising decision (required for an intrusive measure)'),
  })
  .strict();

export async function approvalsRoutes(app: ComityApp, context: AppContext): Promise<void> {
  app.get(
    '/api/v1/approvals',
    {
      config: { permission: 'request:approve' },
      schema: {
        tags: ['requests'],
        summary: 'What waits for a second person before it leaves the node (emergencies first, then oldest)',
        response: { 200: z.object({ items: z.array(ApprovalQueueItemSchema) }) },
      },
    },
    async (request) => ({ items: await listApprovalQueue(context, actorOf(request)) }),
  );

  app.get(
    '/api/v1/requests/:id/approvals',
    {
      config: { permission: 'signed-in' },
      schema: {
        tags: ['requests'],
        summary:
          'Every submission for approval of a request you may read, its decision, and who may approve what is submitted on it',
        params: ParamsSchema,
        response: { 200: z.object({ items: z.array(ApprovalSchema), rule: ApprovalRuleSchema }) },
      },
    },
    async (request) => approvalsOfRequest(context, actorOf(request), request.params.id),
  );

  app.post(
    '/api/v1/requests/:id/response-approval',
    {
      config: { permission: 'request:approve', auditedBody: { decision: 'decision' } },
      schema: {
        tags: ['requests', 'federation'],
        summary:
          'Approve (it is made and travels to the requesting State) or return the response that waits on a case',
        params: ParamsSchema,
        body: DecisionBodySchema,
        response: { 200: z.object({ case: CaseSchema }) },
      },
    },
    async (request) => ({
      case: await decideCaseTransition(context, actorOf(request), request.params.id, {
        decision: request.body.decision,
        ...(request.body.reasons === undefined ? {} : { reasons: request.body.reasons }),
        ...(request.body.decisionReference === undefined
          ? {}
          : { decisionReference: request.body.decisionReference }),
      }),
    }),
  );
}
