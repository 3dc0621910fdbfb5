/**
 * The register of two-person decisions, for an oversight body (the auditor): every approval the
 * node recorded (requests, responses, evidence packages), newest first, each with the checks
 * src/core/approval/two-person-checks.ts makes of it, and totals over the whole node; and every
 * change of roles with its second administrator's check. The audit log holds the same decisions
 * as calls; this reads them as decisions.
 */
import { INTRUSIVE_REQUEST_TYPES } from '../core/approval/approval-rules.ts';
import {
  type CheckOutcome,
  secondAdministratorCheckOf,
  type TwoPersonChecks,
  twoPersonChecksOf,
} from '../core/approval/two-person-checks.ts';
import type { ApprovalSubjectKind } from '../core/approval/approval-rules.ts';
import type { AppContext } from '../app-context.ts';
import type { Actor } from '../policies/access.ts';
import {
  type ApprovalState,
  type ApprovalTotals,
  countApprovals,
  listApprovalPage,
} from '../storage/approvals.repository.ts';
import { type ApprovalView, toApprovalView } from './approvals.service.ts';
import { peerStateLookupOf } from './case-view.ts';
import { listRoleRequests, type RoleRequestView } from './role-requests.service.ts';

export type DecisionRegisterItem = ApprovalView &
  Readonly<{
    /** The requested State of a request sent from here; the requesting State of one received. */
    otherState: string | null;
    checks: TwoPersonChecks;
  }>;

export type DecisionRegisterPage = Readonly<{
  items: DecisionRegisterItem[];
  /** The cursor of the next (older) page, or null on the last one. */
  nextBefore: string | null;
  totals: ApprovalTotals;
}>;

export const DECISION_REGISTER_PAGE_SIZE = 50;

export async function describeDecisionRegister(
  context: AppContext,
  actor: Actor,
  filter: Readonly<{ state?: ApprovalState; kind?: ApprovalSubjectKind; before?: string; limit?: number }>,
): Promise<DecisionRegisterPage> {
  const limit = filter.limit ?? DECISION_REGISTER_PAGE_SIZE;
  const [page, totals] = await Promise.all([
    listApprovalPage(context.db, { ...filter, limit: limit + 1 }),
    countApprovals(context.db, INTRUSIVE_REQUEST_TYPES),
  ]);
  const stateOfNode = peerStateLookupOf(context);
  const items = page.slice(0, limit).map((stored) => {
    const view = toApprovalView(stored, actor, context.config.approval);
    return {
      ...view,
      otherState: stored.direction === 'incoming' ? stateOfNode(stored.peerNodeId) : stored.requestedState,
      checks: twoPersonChecksOf({
        requestType: stored.requestType,
        // The response's transition as the view reads it: a refusal needs no authorising decision.
        transition: view.transition,
        submittedBy: stored.submittedBy.id,
        decidedBy: stored.decidedBy?.id ?? null,
        decision: stored.decision,
        decisionReference: stored.decisionReference,
      }),
    };
  });
  return {
    items,
    nextBefore: page.length > limit ? (page[limit - 1]?.sequence ?? null) : null,
    totals,
  };
}

export type RoleChangeRegisterItem = RoleRequestView & Readonly<{ secondAdministrator: CheckOutcome }>;

/** Every recorded change of roles, newest first, with its second administrator's check. */
export async function listRoleChangeRegister(context: AppContext): Promise<RoleChangeRegisterItem[]> {
  const changes = await listRoleRequests(context);
  return changes.map((change) => ({
    ...change,
    secondAdministrator: secondAdministratorCheckOf({
      userId: change.userId,
      status: change.status,
      requestedBy: change.requestedBy?.userId ?? null,
      decidedBy: change.decidedBy?.userId ?? null,
    }),
  }));
}
