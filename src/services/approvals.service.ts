/**
 * The two-person rule (src/core/approval): nothing leaves the node without a second person. A
 * drafter submits (a request, a response carried by a case transition, an evidence package); a
 * supervisor other than the drafter approves it, which lets it leave, or returns it with reasons.
 * Intrusive measures also need the role the State designates (COMITY_INTRUSIVE_APPROVER_ROLE) and
 * the reference of the authorising decision.
 *
 * Requests: submitRequest / approveAndSendRequest (federation-send.service.ts) / returnRequest.
 * Responses: case.service.ts submits the transitions that carry one (execution results, refusals)
 * and approveCaseTransition sends them. Other subjects (evidence packages): submitForApproval,
 * decideApproval, then requireApproval before the subject leaves.
 */
import {
  type ApprovalDecision,
  type ApprovalPolicy,
  type ApprovalSubjectKind,
  checkDecision,
  holdsDesignatedRole,
  isIntrusive,
  needsIntrusiveApproval,
} from '../core/approval/approval-rules.ts';
import { AppError } from '../core/errors.ts';
import type { Locale } from '../core/i18n.ts';
import type { AppContext } from '../app-context.ts';
import { type Actor, can } from '../policies/access.ts';
import {
  findApproval,
  findPendingApproval,
  insertApproval,
  listApprovals,
  recordDecision,
  returnRequestToDraft,
  type StoredApproval,
  submitRequestForApproval,
} from '../storage/approvals.repository.ts';
import { findRequestById } from '../storage/requests.repository.ts';
import { peerStateLookupOf } from './case-view.ts';
import { approvalRefusalError, AWAITING_APPROVAL_STATUS, routeRequest } from './federation-send.service.ts';
import { accessTo } from './request-access.ts';
import { DRAFT_STATUS, findReadableRequest, getRequest, type RequestView } from './requests.service.ts';

/** An approval as the API shows it. Times are ISO 8601 (UTC). */
export type ApprovalView = Readonly<{
  id: string;
  kind: ApprovalSubjectKind;
  subjectId: string;
  requestId: string | null;
  requestType: string;
  caseReference: string | null;
  urgency: string | null;
  /** For a case transition: the transition that waits (e.g. execute-fully). */
  transition: string | null;
  /** For a case transition: what it says (a refusal's grounds and reasons...), for its approver to read. */
  transitionPayload: Readonly<Record<string, unknown>> | null;
  submittedRevision: number;
  submittedBy: Readonly<{ id: string | null; displayName: string }>;
  submittedAt: string;
  state: 'pending' | 'approved' | 'returned';
  decidedBy: Readonly<{ id: string | null; displayName: string }> | null;
  decidedAt: string | null;
  reasons: string | null;
  decisionReference: string | null;
  /** An intrusive measure: its approver holds the designated role and gives a decision reference. */
  isIntrusive: boolean;
  /** The role the State designates to approve an intrusive measure (COMITY_INTRUSIVE_APPROVER_ROLE); null for another measure. */
  designatedRole: string | null;
  /** Whether the actor reading it may approve or return it now (a pending one, someone else's). */
  mayDecide: boolean;
  /** Whether the actor may approve it now: may decide, and for an intrusive measure holds the designated role. */
  mayApprove: boolean;
}>;

function nameOf(person: Readonly<{ username: string | null; displayName: string | null }>): string {
  return person.displayName || person.username || '—';
}

function transitionOf(stored: StoredApproval): string | null {
  const payload = stored.payload as { name?: unknown } | null;
  return stored.kind === 'case-transition' && typeof payload?.name === 'string' ? payload.name : null;
}

function transitionPayloadOf(stored: StoredApproval): Readonly<Record<string, unknown>> | null {
  const payload = (stored.payload as { payload?: unknown } | null)?.payload;
  return stored.kind === 'case-transition' && typeof payload === 'object' && payload !== null
    ? (payload as Record<string, unknown>)
    : null;
}

export function toApprovalView(stored: StoredApproval, actor: Actor, policy: ApprovalPolicy): ApprovalView {
  const subject = { requestType: stored.requestType, transition: transitionOf(stored) };
  const isIntrusiveMeasure = needsIntrusiveApproval(subject);
  const mayDecide =
    stored.decision === null && stored.submittedBy.id !== actor.userId && can(actor, 'request:approve');
  return {
    id: stored.id,
    kind: stored.kind,
    subjectId: stored.subjectId,
    requestId: stored.requestId,
    requestType: stored.requestType,
    caseReference: stored.caseReference,
    urgency: stored.urgency,
    transition: subject.transition,
    transitionPayload: transitionPayloadOf(stored),
    submittedRevision: stored.submittedRevision,
    submittedBy: { id: stored.submittedBy.id, displayName: nameOf(stored.submittedBy) },
    submittedAt: stored.submittedAt.toISOString(),
    state: stored.decision === null ? 'pending' : stored.decision === 'approve' ? 'approved' : 'returned',
    decidedBy: stored.decidedBy && { id: stored.decidedBy.id, displayName: nameOf(stored.decidedBy) },
    decidedAt: stored.decidedAt?.toISOString() ?? null,
    reasons: stored.reasons,
    decisionReference: stored.decisionReference,
    isIntrusive: isIntrusiveMeasure,
    designatedRole: isIntrusiveMeasure ? policy.intrusiveApproverRole : null,
    mayDecide,
    mayApprove: mayDecide && holdsDesignatedRole(actor.roles, subject, policy),
  };
}

/**
 * The author submits a draft with no blocking finding for a second person's approval: it becomes
 * 'awaiting-approval' (nobody edits it meanwhile) and appears in the approval queue.
 */
export async function submitRequest(
  context: AppContext,
  actor: Actor,
  id: string,
  options: Readonly<{ expectedRevision?: number; locale: Locale }>,
): Promise<Readonly<{ request: RequestView; approval: ApprovalView }>> {
  const stored = await findReadableRequest(context, actor, id);
  if (accessTo(context, actor, stored) !== 'change') {
    throw new AppError('forbidden', 'only the author of a request may submit it for approval');
  }
  if (stored.status !== DRAFT_STATUS) {
    throw new AppError('invalid-state', `request ${id} is ${stored.status}; only a draft can be submitted`);
  }
  if (options.expectedRevision !== undefined && options.expectedRevision !== stored.revision) {
    throw new AppError(
      'conflict',
      `request ${id} was changed by someone else (it is now at revision ${stored.revision}); reload it and try again`,
    );
  }
  await routeRequest(
    context,
    {
      type: stored.type as RequestView['type'],
      content: stored.content as RequestView['content'],
      requestedState: stored.requestedState,
    },
    options.locale,
  );
  const approvalId = await submitRequestForApproval(context.db, {
    requestId: id,
    expectedRevision: stored.revision,
    submittedBy: actor.userId,
    now: context.now(),
  });
  if (!approvalId) {
    throw new AppError(
      'conflict',
      `request ${id} changed while it was being submitted; reload it and try again`,
    );
  }
  const approval = await findApproval(context.db, approvalId);
  if (!approval) throw new Error(`approval ${approvalId} vanished after it was written`);
  publishApprovalChange(context, actor, id, AWAITING_APPROVAL_STATUS, 'submit-for-approval');
  return {
    request: await getRequest(context, actor, id),
    approval: toApprovalView(approval, actor, context.config.approval),
  };
}

/** A supervisor other than the submitter returns a request awaiting approval to its drafter, with reasons. */
export async function returnRequest(
  context: AppContext,
  actor: Actor,
  id: string,
  input: Readonly<{ reasons: string }>,
): Promise<RequestView> {
  const stored = await findReadableRequest(context, actor, id);
  if (stored.direction !== 'outgoing' || stored.status !== AWAITING_APPROVAL_STATUS) {
    throw new AppError(
      'invalid-state',
      `request ${id} is ${stored.status}; only a request awaiting approval can be returned`,
    );
  }
  const approval = await findPendingApproval(context.db, 'request', id);
  if (!approval) throw new AppError('invalid-state', `request ${id} has no submission waiting for approval`);
  const reasons = input.reasons.trim();
  assertDecisionAllowed(context, actor, approval, stored.revision, { decision: 'return', reasons });
  const isReturned = await returnRequestToDraft(context.db, {
    approvalId: approval.id,
    requestId: id,
    expectedRevision: stored.revision,
    decidedBy: actor.userId,
    reasons,
    now: context.now(),
  });
  if (!isReturned) {
    throw new AppError('conflict', `request ${id} was decided by someone else meanwhile; reload it`);
  }
  publishApprovalChange(context, actor, id, DRAFT_STATUS, 'return-to-draft');
  return getRequest(context, actor, id);
}

/**
 * Tells the open screens (the approval queue, the request page of its author) that something was
 * submitted or decided: a case change of the request's flow, with no content.
 */
export function publishApprovalChange(
  context: AppContext,
  actor: Actor,
  requestId: string,
  status: string,
  transition: string,
): void {
  context.live.publish({
    kind: 'case-changed',
    requestId,
    status,
    transition,
    actorId: actor.userId,
    at: context.now().toISOString(),
  });
}

export function assertDecisionAllowed(
  context: AppContext,
  actor: Actor,
  approval: StoredApproval,
  currentRevision: number,
  input: Readonly<{ decision: ApprovalDecision; reasons?: string; decisionReference?: string | undefined }>,
): void {
  const verdict = checkDecision(
    {
      kind: approval.kind,
      requestType: approval.requestType,
      transition: transitionOf(approval),
      submittedBy: approval.submittedBy.id ?? '',
      submittedRevision: approval.submittedRevision,
      decision: approval.decision,
    },
    { id: actor.userId, roles: actor.roles },
    { ...input, currentRevision },
    context.config.approval,
  );
  if (!verdict.ok) throw approvalRefusalError(verdict.reason, verdict.message);
}

/** A row of the approval queue: the approval, and the other State of its case. */
export type ApprovalQueueItem = ApprovalView &
  Readonly<{
    /** The requested State of a request sent from here; the requesting State of one received. */
    otherState: string | null;
  }>;

/** The approval queue: everything waiting for a second person that the actor may read, oldest first. */
export async function listApprovalQueue(context: AppContext, actor: Actor): Promise<ApprovalQueueItem[]> {
  const pending = await listApprovals(context.db, { isPendingOnly: true });
  const stateOfNode = peerStateLookupOf(context);
  const readable: ApprovalQueueItem[] = [];
  for (const approval of pending) {
    let otherState: string | null = null;
    if (approval.requestId !== null) {
      const request = await findRequestById(context.db, approval.requestId);
      if (!request || accessTo(context, actor, request) === 'none') continue;
      otherState =
        request.direction === 'incoming' ? stateOfNode(request.peerNodeId) : request.requestedState;
    }
    readable.push({ ...toApprovalView(approval, actor, context.config.approval), otherState });
  }
  // Emergencies first, then urgent requests, each oldest first: the approval path stays quick.
  const rank = (view: ApprovalView) => (view.urgency === 'emergency' ? 0 : view.urgency === 'urgent' ? 1 : 2);
  return readable.sort((a, b) => rank(a) - rank(b));
}

/** Every submission and decision about a request the actor may read (its history of approvals). */
/** Who may approve what is submitted on a request: what its author reads before submitting. */
export type ApprovalRuleView = Readonly<{
  /** An intrusive measure: its approver also holds the designated role and names the authorising decision. */
  isIntrusive: boolean;
  /** The role the State designates to approve an intrusive measure; null for another measure. */
  designatedRole: string | null;
}>;

export async function approvalsOfRequest(
  context: AppContext,
  actor: Actor,
  id: string,
): Promise<Readonly<{ items: ApprovalView[]; rule: ApprovalRuleView }>> {
  const stored = await findReadableRequest(context, actor, id);
  const approvals = await listApprovals(context.db, { requestId: stored.id });
  const policy = context.config.approval;
  const isIntrusiveMeasure = isIntrusive(stored.type);
  return {
    items: approvals.map((approval) => toApprovalView(approval, actor, policy)),
    rule: {
      isIntrusive: isIntrusiveMeasure,
      designatedRole: isIntrusiveMeasure ? policy.intrusiveApproverRole : null,
    },
  };
}

/** Someone who submits a subject other than a request for approval (a case transition, an evidence package). */
export type ApprovalSubject = Readonly<{
  kind: Exclude<ApprovalSubjectKind, 'request'>;
  /** The subject's id (an evidence package id; a case transition: the request id). */
  subjectId: string;
  /** The request it belongs to. */
  requestId: string;
  requestType: string;
  /** The subject's revision now: a decision is refused once it changed. */
  revision: number;
  /** What is approved, when more than the subject's id (a case transition: its name and payload). */
  payload?: unknown;
}>;

/**
 * Submits a subject for a second person's approval (for evidence packages: call it when the
 * package is ready, then decideApproval, then requireApproval before it leaves). Conflict when
 * the subject already waits for a decision.
 */
export async function submitForApproval(
  context: AppContext,
  actor: Actor,
  subject: ApprovalSubject,
): Promise<ApprovalView> {
  const id = await insertApproval(context.db, {
    kind: subject.kind,
    subjectId: subject.subjectId,
    requestId: subject.requestId,
    requestType: subject.requestType,
    submittedRevision: subject.revision,
    payload: subject.payload ?? null,
    submittedBy: actor.userId,
    now: context.now(),
  });
  if (!id) throw new AppError('awaiting-approval', `this ${subject.kind} already waits for approval`);
  const stored = await findApproval(context.db, id);
  if (!stored) throw new Error(`approval ${id} vanished after it was written`);
  return toApprovalView(stored, actor, context.config.approval);
}

/**
 * A second person's decision on a subject other than a request, with the rules of
 * src/core/approval; `currentRevision` is the subject's revision now.
 */
export async function decideApproval(
  context: AppContext,
  actor: Actor,
  approvalId: string,
  input: Readonly<{
    decision: ApprovalDecision;
    currentRevision: number;
    reasons?: string;
    decisionReference?: string;
  }>,
): Promise<ApprovalView> {
  const approval = await findApproval(context.db, approvalId);
  if (!approval) throw new AppError('not-found', `no approval ${approvalId}`);
  if (approval.kind === 'request') {
    throw new AppError('invalid-state', 'a request is approved or returned through its own routes');
  }
  const reasons = input.reasons?.trim();
  const decisionReference = input.decisionReference?.trim() || undefined;
  assertDecisionAllowed(context, actor, approval, input.currentRevision, {
    decision: input.decision,
    ...(reasons === undefined ? {} : { reasons }),
    decisionReference,
  });
  const isDecided = await recordDecision(context.db, {
    approvalId,
    decision: input.decision,
    decidedBy: actor.userId,
    reasons: input.decision === 'return' ? (reasons ?? null) : null,
    decisionReference: decisionReference ?? null,
    now: context.now(),
  });
  if (!isDecided) throw new AppError('invalid-state', 'this was decided by someone else meanwhile');
  const stored = await findApproval(context.db, approvalId);
  if (!stored) throw new Error(`approval ${approvalId} vanished after it was decided`);
  return toApprovalView(stored, actor, context.config.approval);
}

/**
 * Throws unless the subject was approved by a second person at `revision` (its revision now):
 * what code that sends a subject (an evidence package) calls first.
 */
export async function requireApproval(
  context: AppContext,
  subject: Readonly<{ kind: ApprovalSubjectKind; subjectId: string; revision: number }>,
): Promise<ApprovalView> {
  const approvals = await listApprovals(context.db, {
    subject: { kind: subject.kind, id: subject.subjectId },
  });
  const last = approvals.at(-1);
  if (last?.decision !== 'approve' || last.submittedRevision !== subject.revision) {
    throw new AppError(
      'invalid-state',
      `this ${subject.kind} has not been approved by a second person as it is now; submit it for approval`,
    );
  }
  return toApprovalView(
    last,
    { userId: '', username: '', roles: [], authenticatedBy: 'session' },
    context.config.approval,
  );
}
