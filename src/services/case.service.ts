/**
 * The case of a request on both nodes (docs/case-lifecycle.md): a person makes a transition
 * (acknowledge, record a preservation, refuse, withdraw, close...) and this node applies the pure
 * lifecycle with the person's side (an outgoing request: requesting; an incoming one: requested)
 * and roles, then stores the event and the case's new status in ONE transaction with the
 * federation message that carries the event to the other node (transactional outbox), where the
 * same lifecycle is applied on receipt. A refusal of the lifecycle changes nothing.
 */
import {
  type AnswerGiven,
  answerGivenOf,
  type ConditionsInForce,
  conditionsInForceOf,
  type AwaitingAnswer,
  awaitingAnswerOf,
  type Case,
  type CaseActor,
  caseCatalogueFrom,
} from '../core/case/case-model.ts';
import type { Deadline } from '../core/case/deadlines.ts';
import type { CaseFigures } from '../core/case/figures.ts';
import { newStepRefusal, type TransitionRefusal, type TransitionRequest } from '../core/case/lifecycle.ts';
import { foldCaseEvents } from '../core/case/request-case.ts';
import { AppError } from '../core/errors.ts';
import type { AppContext } from '../app-context.ts';
import { caseMessageFor, queueCaseEvent } from '../federation/messages/case-message.ts';
import { messageRegistryOf } from '../federation/messages/registry.ts';
import type { Actor } from '../policies/access.ts';
import { recordDecision, undoDecision } from '../storage/approvals.repository.ts';
import type { CaseEventApprover, StoredCaseEvent } from '../storage/case-events.repository.ts';
import type { StoredRequest } from '../storage/requests.repository.ts';
import { isResponseTransition } from '../core/approval/approval-rules.ts';
import { assertDecisionAllowed, publishApprovalChange, submitForApproval } from './approvals.service.ts';
import { findUserById } from '../storage/users.repository.ts';
import { type CaseMessageView, caseTimelineParts, type FlowStepView } from './case-timeline.ts';
import {
  caseActorOf,
  deadlinesOf,
  loadCase,
  transitionsFor,
  transitionsForOthers,
  transitionsOfOtherSide,
  waitingResponseOf,
} from './case-view.ts';
import { findReadableRequest } from './requests.service.ts';
import { assertNoticedPackagesReceived } from './evidence-consent.service.ts';
import { assertScreenedFor } from './screening.service.ts';

/** One event of a case's history, as both nodes show it. Times are ISO 8601 (UTC). */
export type CaseEventView = Readonly<{
  sequence: number;
  transition: string;
  side: string;
  actor: Readonly<{ displayName: string; roles: string[] }>;
  /** The second person who approved it before it was made (a response); null when none had to. */
  approvedBy: Readonly<{ displayName: string }> | null;
  payload: unknown;
  occurredAt: string;
  /** Made on this node, or received from the other node. */
  origin: 'this-node' | 'other-node';
  /**
   * Not applied: made at the same moment as a step of the other side that comes first, after
   * which the rules no longer allow it (src/core/case/concurrent-steps.ts). Kept in the history.
   */
  isSuperseded: boolean;
  /** The message that carried it to or from the other node, with its delivery state and receipt. */
  message: CaseMessageView | null;
}>;

export type CaseView = Readonly<{
  requestId: string;
  /** This node's side of the case. */
  side: string;
  status: string;
  /** What the actor may do now. */
  availableTransitions: string[];
  /** What others on this side may do now that the reader may not, and with which roles. */
  othersMay: { transition: string; roles: string[] }[];
  /** What the other State's side may do next (transitionsOfOtherSide). */
  otherSideMay: string[];
  /** The deadlines that apply now (docs/case-lifecycle.md), each on time, at risk or missed. */
  deadlines: Deadline[];
  /** Art. 42: the preservation as recorded or last extended, once the requested side recorded it. */
  preservation: Readonly<{ tookEffectOn: string; preservedUntil: string }> | null;
  /**
   * What the requested side asked that waits for the requesting side's answer: conditions proposed
   * (Art. 40(27)) or questions (a clarification); null when nothing waits. Whose turn it is, with
   * the text to answer, while the status stays what it was (under assessment).
   */
  awaitingAnswer: AwaitingAnswer | null;
  /**
   * The requesting side's answer (to questions, to conditions) that the requested side has not
   * acted on yet: the case's last step; null otherwise.
   */
  lastAnswer: AnswerGiven | null;
  /** The conditions the requesting side accepted, oldest first, which bind for the rest of the case (Art. 40(27)). */
  conditionsInForce: ConditionsInForce[];
  /** Notices of exculpatory disclosure, oldest first (Art. 40(19), Art. 40(5)). */
  exculpatoryNotices: ExculpatoryNoticeView[];
  events: CaseEventView[];
  /** The request flow's steps before the stored events: drafted, sent, delivered. */
  flow: FlowStepView[];
  /** How long the case took to each step (docs/case-lifecycle.md, "Figures"). */
  figures: CaseFigures;
  /** The other side's status as this node knows it: the same, told by the last message this node sent. */
  otherSide: Readonly<{ status: string; lastMessage: Readonly<{ id: string; state: string }> | null }>;
}>;

export type ExculpatoryNoticeView = Readonly<{
  timing: 'prior' | 'after';
  disclosure: string;
  date: string;
  priorNoticeImpossible: string | null;
  packageIds: string[];
  notifiedAt: string;
  consultationRequested: Readonly<{ reasons: string; at: string }> | null;
  consultationHeld: Readonly<{ heldOn: string; outcome: string; at: string }> | null;
}>;

function exculpatoryNoticesOf(current: Case): ExculpatoryNoticeView[] {
  return (current.exculpatoryNotices ?? []).map((notice) => ({
    timing: notice.timing,
    disclosure: notice.disclosure,
    date: notice.date,
    priorNoticeImpossible: notice.priorNoticeImpossible ?? null,
    packageIds: [...notice.packageIds],
    notifiedAt: notice.notifiedAt,
    consultationRequested: notice.consultationRequested ?? null,
    consultationHeld: notice.consultationHeld ?? null,
  }));
}

/** The case of a request the actor may read (not-found otherwise), with its history. */
export async function caseHistory(context: AppContext, actor: Actor, requestId: string): Promise<CaseView> {
  const stored = await findReadableRequest(context, actor, requestId);
  const { record, case: current, order, superseded } = await loadCase(context, stored);
  const parts = await caseTimelineParts(context, stored, record.events, current);
  const isHeld = (await waitingResponseOf(context, stored)) !== undefined;
  const available = transitionsFor(context, actor, stored, current, isHeld);
  return {
    requestId: stored.id,
    side: caseActorOf(actor, stored).side,
    status: current.status,
    availableTransitions: available,
    othersMay: transitionsForOthers(context, actor, stored, current, available, isHeld),
    otherSideMay: transitionsOfOtherSide(context, stored, current),
    deadlines: deadlinesOf(context, stored, current),
    preservation: current.preservation
      ? {
          tookEffectOn: current.preservation.tookEffectOn,
          preservedUntil: current.preservation.preservedUntil,
        }
      : null,
    awaitingAnswer: awaitingAnswerOf(current),
    lastAnswer: answerGivenOf(current),
    conditionsInForce: conditionsInForceOf(current),
    exculpatoryNotices: exculpatoryNoticesOf(current),
    // In the order both nodes fold them, which is the stored order unless steps crossed.
    events: order
      .map((index) => record.events[index] as StoredCaseEvent)
      .map((event) => ({
        sequence: event.sequence,
        transition: event.transition,
        side: event.side,
        actor: { displayName: event.actor.displayName, roles: [...event.actor.roles] },
        approvedBy: event.approvedBy === null ? null : { displayName: event.approvedBy.displayName },
        payload: event.payload,
        occurredAt: event.occurredAt.toISOString(),
        origin: event.receivedMessageId === null ? 'this-node' : 'other-node',
        isSuperseded: superseded.has(event.sequence),
        message: parts.eventMessages.get(event.sequence) ?? null,
      })),
    flow: parts.flow,
    figures: parts.figures,
    otherSide: {
      status: current.status,
      lastMessage: parts.lastSent ? { id: parts.lastSent.id, state: parts.lastSent.state } : null,
    },
  };
}

/** The lifecycle's refusal as the error the API answers with (problem+json). */
function refusalError(refusal: TransitionRefusal): AppError {
  const detail = `the case is ${refusal.status}: ${refusal.message}`;
  switch (refusal.reason) {
    case 'unknown-transition':
      return new AppError('invalid-input', refusal.message, [
        { path: 'body.name', message: refusal.message },
      ]);
    case 'invalid-payload':
      return new AppError(
        'invalid-input',
        refusal.message,
        refusal.issues.map(({ path, pointer, message, ...code }) => ({
          path: ['body.payload', path].filter(Boolean).join('.'),
          pointer: `/payload${pointer}`,
          message,
          ...code,
        })),
      );
    case 'side-not-allowed':
    case 'role-not-allowed':
      return new AppError('forbidden', detail);
    case 'not-from-status':
    case 'precondition-unmet':
      return new AppError('invalid-state', detail);
  }
}

/**
 * Makes a transition on the case of a request the actor may read; answers the case as it is now.
 * The lifecycle decides (status, side, roles, preconditions, payload); a transition this node does
 * not exchange with the other node yet, or a node without federation, is refused. A transition of
 * the requested side that carries a response to the requesting State (execution results,
 * refusals: src/core/approval) is not made yet: it waits for a second person's approval
 * (approveCaseTransition), and the case is unchanged meanwhile.
 */
export async function transitionCase(
  context: AppContext,
  actor: Actor,
  requestId: string,
  request: TransitionRequest,
): Promise<CaseView> {
  const stored = await findReadableRequest(context, actor, requestId);
  const waiting = await waitingResponseOf(context, stored);
  if (waiting) {
    const name = (waiting.payload as { name?: string } | null)?.name ?? 'a response';
    throw new AppError(
      'awaiting-approval',
      `the response "${name}" on request ${requestId} waits for a supervisor's approval: nothing else is done on the case until it is approved or returned; nothing was changed`,
    );
  }
  const { record, case: current } = await loadCase(context, stored);
  const caseActor = caseActorOf(actor, stored);
  checkTransition(context, current, caseActor, request);
  // A decision needs its screening checklist before it waits for approval, and again when made.
  await assertScreenedFor(context, stored, request.name, request.payload);
  await assertNoticedPackagesReceived(context, stored, request.name, request.payload);
  if (caseActor.side === 'requested' && isResponseTransition(request.name)) {
    await submitForApproval(context, actor, {
      kind: 'case-transition',
      subjectId: stored.id,
      requestId: stored.id,
      requestType: stored.type,
      revision: record.events.length,
      payload: { name: request.name, payload: request.payload ?? {} },
    });
    publishApprovalChange(context, actor, stored.id, current.status, 'submit-for-approval');
    return caseHistory(context, actor, requestId);
  }
  await applyAndQueueTransition(context, actor, stored, request);
  return caseHistory(context, actor, requestId);
}

/** Throws the lifecycle's refusal, or unavailable / invalid-state when the other node cannot be told. */
function checkTransition(
  context: AppContext,
  current: Case,
  caseActor: CaseActor,
  request: TransitionRequest,
): void {
  const proposed = {
    transition: request.name,
    actor: caseActor,
    at: context.now().toISOString(),
    payload: request.payload,
  };
  const applied = foldCaseEvents(current, [proposed], caseCatalogueFrom(context.catalogue));
  if (!applied.ok) throw refusalError(applied.refusal);
  const newStep = newStepRefusal(current, request.name, caseActor, context.now());
  if (newStep) throw refusalError(newStep);
  const message = caseMessageFor(messageRegistryOf(context.federation), request.name);
  if (!message) {
    throw new AppError(
      'invalid-state',
      `the case is ${current.status}: Comity does not exchange "${request.name}" with the other node yet`,
    );
  }
  if (!context.federation) {
    throw new AppError(
      'unavailable',
      'this node has no federation identity yet, so the other node cannot be told; its operator runs comity init',
    );
  }
}

/**
 * The transition made by `actor` and its message queued in one statement; throws what refuses it.
 * `approvedBy`: the second person who approved it first (a response), named in the event and the
 * message, so both States read who let it leave.
 */
async function applyAndQueueTransition(
  context: AppContext,
  actor: Actor,
  stored: StoredRequest,
  request: TransitionRequest,
  approvedBy: CaseEventApprover | null = null,
): Promise<void> {
  const requestId = stored.id;
  const { record, case: current } = await loadCase(context, stored);
  const now = context.now();
  const caseActor = caseActorOf(actor, stored);
  const proposed = {
    transition: request.name,
    actor: caseActor,
    at: now.toISOString(),
    payload: request.payload,
  };
  const applied = foldCaseEvents(current, [proposed], caseCatalogueFrom(context.catalogue));
  if (!applied.ok) throw refusalError(applied.refusal);
  const newStep = newStepRefusal(current, request.name, caseActor, now);
  if (newStep) throw refusalError(newStep);
  await assertScreenedFor(context, stored, request.name, request.payload);
  const message = caseMessageFor(messageRegistryOf(context.federation), request.name);
  if (!message) {
    throw new AppError(
      'invalid-state',
      `the case is ${current.status}: Comity does not exchange "${request.name}" with the other node yet`,
    );
  }
  const federation = context.federation;
  if (!federation) {
    throw new AppError(
      'unavailable',
      'this node has no federation identity yet, so the other node cannot be told; its operator runs comity init',
    );
  }
  const to = stored.peerNodeId ? federation.directory.findNode(stored.peerNodeId) : undefined;
  if (!to) {
    throw new AppError(
      'invalid-state',
      `the directory of nodes lists no node ${stored.peerNodeId ?? '(none)'} for this case; nothing was changed`,
    );
  }
  const user = await findUserById(context.db, actor.userId);
  const sealed = await queueCaseEvent(context, federation, {
    message,
    request: stored,
    to,
    event: {
      requestId: stored.id,
      sequence: record.events.length + 1,
      transition: request.name,
      side: caseActor.side,
      actor: { id: actor.userId, displayName: user?.displayName || actor.username, roles: actor.roles },
      approvedBy,
      payload: applied.case.history.at(-1)?.payload ?? request.payload,
      occurredAt: now,
      // What this step was made knowing: every step of the other side this node holds.
      seenOther: record.events.filter((event) => event.side !== caseActor.side).length,
      status: applied.case.status,
      recordedAt: now,
    },
  });
  if (!sealed) {
    throw new AppError(
      'conflict',
      `the case of request ${requestId} changed meanwhile; reload it and try again`,
    );
  }
  context.live.publish({
    kind: 'case-changed',
    requestId: stored.id,
    status: applied.case.status,
    transition: request.name,
    actorId: actor.userId,
    at: now.toISOString(),
  });
}

/**
 * A second person decides on the response that waits on a case (src/core/approval): approving
 * makes the transition, as the person who submitted it, and queues its message to the other
 * node; returning (with reasons) drops it, the case unchanged. Refused when the case changed
 * since the submission.
 */
export async function decideCaseTransition(
  context: AppContext,
  actor: Actor,
  requestId: string,
  input: Readonly<{ decision: 'approve' | 'return'; reasons?: string; decisionReference?: string }>,
): Promise<CaseView> {
  const stored = await findReadableRequest(context, actor, requestId);
  const approval = await waitingResponseOf(context, stored);
  if (!approval)
    throw new AppError('invalid-state', `no response of request ${requestId} waits for approval`);
  const { record } = await loadCase(context, stored);
  const reasons = input.reasons?.trim();
  const decisionReference = input.decisionReference?.trim() || undefined;
  assertDecisionAllowed(context, actor, approval, record.events.length, {
    decision: input.decision,
    ...(reasons === undefined ? {} : { reasons }),
    decisionReference,
  });
  const isDecided = await recordDecision(context.db, {
    approvalId: approval.id,
    decision: input.decision,
    decidedBy: actor.userId,
    reasons: input.decision === 'return' ? (reasons ?? null) : null,
    decisionReference: decisionReference ?? null,
    now: context.now(),
  });
  if (!isDecided) throw new AppError('invalid-state', 'this was decided by someone else meanwhile');
  if (input.decision === 'approve') {
    const waiting = approval.payload as { name: string; payload: unknown };
    const submitter = approval.submittedBy.id
      ? await findUserById(context.db, approval.submittedBy.id)
      : undefined;
    const approver = await findUserById(context.db, actor.userId);
    try {
      if (!submitter)
        throw new AppError('invalid-state', 'the person who submitted this response no longer exists');
      await applyAndQueueTransition(
        context,
        {
          userId: submitter.id,
          username: submitter.username,
          roles: submitter.roles,
          authenticatedBy: 'session',
        },
        stored,
        { name: waiting.name, payload: waiting.payload },
        { id: actor.userId, displayName: approver?.displayName || actor.username },
      );
    } catch (error) {
      await undoDecision(context.db, approval.id);
      throw error;
    }
  } else {
    const { case: current } = await loadCase(context, stored);
    publishApprovalChange(context, actor, stored.id, current.status, 'return-to-draft');
  }
  return caseHistory(context, actor, requestId);
}
