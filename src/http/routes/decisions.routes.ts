/**
 * The register of two-person decisions, for an oversight body (`audit:read`, the auditor): every
 * approval the node recorded with the checks made of it, and every change of roles with its
 * second administrator's check (src/services/decision-register.service.ts).
 */
import { z } from 'zod';
import { APPROVAL_SUBJECT_KINDS } from '../../core/approval/approval-rules.ts';
import {
  DECISION_REGISTER_PAGE_SIZE,
  describeDecisionRegister,
  listRoleChangeRegister,
} from '../../services/decision-register.service.ts';
import type { ComityApp } from '../app.ts';
import { actorOf } from '../auth.ts';
import type { AppContext } from '../../app-context.ts';
import { ApprovalSchema } from './approvals.routes.ts';
import { RoleRequestSchema } from './users.routes.ts';

const CheckOutcomeSchema = z
  .enum(['held', 'broken', 'pending', 'not-needed'])
  .describe('held: the record shows the rule met; broken: it does not; pending: not decided yet');

const DecisionSchema = ApprovalSchema.extend({
  otherState: z
    .string()
    .nullable()
    .describe('the requested State of a request sent from here; the requesting State of one received'),
  checks: z.object({
    secondPerson: CheckOutcomeSchema.describe(
      'decided by someone other than who submitted it, both known to the node',
    ),
    decisionReference: CheckOutcomeSchema.describe(
      'an approved intrusive measure names the reference of its authorising decision',
    ),
  }),
}).meta({ id: 'TwoPersonDecision' });

export async function decisionsRoutes(app: ComityApp, context: AppContext): Promise<void> {
  app.get(
    '/api/v1/audit/two-person-decisions',
    {
      config: { permission: 'audit:read' },
      schema: {
        tags: ['audit'],
        summary:
          'Every submission to a second person (requests, responses, evidence packages) and its decision, newest first, each checked; totals over the whole node',
        querystring: z
          .object({
            state: z.enum(['pending', 'approved', 'returned']).optional(),
            kind: z.enum(APPROVAL_SUBJECT_KINDS).optional(),
            before: z
              .string()
              .regex(/^[0-9]{1,18}$/)
              .optional()
              .describe('nextBefore of the previous page'),
            limit: z.coerce
              .number()
              .int()
              .min(1)
              .max(200)
              .optional()
              .describe(`default ${DECISION_REGISTER_PAGE_SIZE}`),
          })
          .strict(),
        response: {
          200: z.object({
            items: z.array(DecisionSchema),
            nextBefore: z
              .string()
              .nullable()
              .describe('the cursor of the next, older page; null on the last'),
            totals: z.object({
              pending: z.number().int(),
              approved: z.number().int(),
              returned: z.number().int(),
              secondPersonNotShown: z
                .number()
                .int()
                .describe('decisions whose record does not show a second person (0 on a sound node)'),
              decisionReferenceMissing: z
                .number()
                .int()
                .describe('intrusive measures approved without an authorising decision (0 on a sound node)'),
            }),
          }),
        },
      },
    },
    async (request) => describeDecisionRegister(context, actorOf(request), request.query),
  );

  app.get(
    '/api/v1/audit/role-changes',
    {
      config: { permission: 'audit:read' },
      schema: {
        tags: ['audit'],
        summary:
          "Every change of a user's roles (who asked, who approved, when), newest first, with its second administrator's check",
        response: {
          200: z.object({
            items: z.array(
              RoleRequestSchema.extend({
                secondAdministrator: CheckOutcomeSchema.describe(
                  'approved by an administrator other than who asked and the user (or by the operator); not-needed: the change needed no approval or was replaced',
                ),
              }).meta({ id: 'RoleChange' }),
            ),
          }),
        },
      },
    },
    async () => ({ items: await listRoleChangeRegister(context) }),
  );
}
