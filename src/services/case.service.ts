/**
 * The case of a request on both nodes (docs/case-lifecycle.md): a person makes a transition
 * (acknowledge, record a preservation, refuse, withdraw, close...) and this node applies the pure
 * lifecycle with the person's side (an outgoing request: requesting; an incoming one: requested)
 * and roles, then stores the event and the case's new status in ONE transaction with the
 * federation message that carries the event to the other node (transactional outbox), where the
 * same lifecycle is applied on receipt. A refusal of the lifecycle changes nothing.
 */
import { caseCatalogueFrom } from '../core/case/case-model.ts';
import type { Deadline } from '../core/case/deadlines.ts';
import type { CaseFigures } from '../core/case/figures.ts';
import type { TransitionRefusal, TransitionRequest } from '../core/case/lifecycle.ts';
import { foldCaseEvents } from '../core/case/request-case.ts';
import { AppError } from '../core/errors.ts';
import type { AppContext } from '../app-context.ts';
import { caseMessageFor, queueCaseEvent } from '../federation/messages/case-message.ts';
import { messageRegistryOf } from '../federation/messages/registry.ts';
import type { Actor } from '../policies/access.ts';
import { findUserById } from '../storage/users.repository.ts';
import { type CaseMessageView, caseTimelineParts, type FlowStepView } from './case-timeline.ts';
import { caseActorOf, deadlinesOf, loadCase, transitionsFor } from './case-view.ts';
import { findReadableRequest } from './requests.service.ts';
import { assertScreenedFor } from './screening.service.ts';

/** One event of a case's history, as both nodes show it. Times are ISO 8601 (UTC). */
export type CaseEventView = Readonly<{
  sequence: number;
  transition: string;
  side: string;
  actor: Readonly<{ displayName: string; roles: string[] }>;
  payload: unknown;
  occurredAt: string;
  /** Made on this node, or received from the other node. */
  origin: 'this-node' | 'other-node';
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
  /** The deadlines that apply now (docs/case-lifecycle.md), each on time, at risk or missed. */
  deadlines: Deadline[];
  events: CaseEventView[];
  /** The request flow's steps before the stored events: drafted, sent, delivered. */
  flow: FlowStepView[];
  /** How long the case took to each step (docs/case-lifecycle.md, "Figures"). */
  figures: CaseFigures;
  /** The other side's status as this node knows it: the same, told by the last message this node sent. */
  otherSide: Readonly<{ status: string; lastMessage: Readonly<{ id: string; state: string }> | null }>;
}>;

/** The case of a request the actor may read (not-found otherwise), with its history. */
export async function caseHistory(context: AppContext, actor: Actor, requestId: string): Promise<CaseView> {
  const stored = await findReadableRequest(context, actor, requestId);
  const { record, case: current } = await loadCase(context, stored);
  const parts = await caseTimelineParts(context, stored, record.events, current);
  return {
    requestId: stored.id,
    side: caseActorOf(actor, stored).side,
    status: current.status,
    availableTransitions: transitionsFor(context, actor, stored, current),
    deadlines: deadlinesOf(context, stored, current),
    events: record.events.map((event) => ({
      sequence: event.sequence,
      transition: event.transition,
      side: event.side,
      actor: { displayName: event.actor.displayName, roles: [...event.actor.roles] },
      payload: event.payload,
      occurredAt: event.occurredAt.toISOString(),
      origin: event.receivedMessageId === null ? 'this-node' : 'other-node',
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
        refusal.issues.map((issue) => ({
          path: ['body.payload', issue.path].filter(Boolean).join('.'),
          message: issue.message,
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
 * not exchange with the other node yet, or a node without federation, is refused.
 */
export async function transitionCase(
  context: AppContext,
  actor: Actor,
  requestId: string,
  request: TransitionRequest,
): Promise<CaseView> {
  const stored = await findReadableRequest(context, actor, requestId);
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
      payload: applied.case.history.at(-1)?.payload ?? request.payload,
      occurredAt: now,
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
  federation.wakeDelivery();
  context.live.publish({
    kind: 'case-changed',
    requestId: stored.id,
    status: applied.case.status,
    transition: request.name,
    actorId: actor.userId,
    at: now.toISOString(),
  });
  return caseHistory(context, actor, requestId);
}
