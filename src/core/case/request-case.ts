/**
 * The case of a request as a node holds it: Comity's request flow (draft, send, signed receipt)
 * brings a request to `sent` or `delivered` before any case event is stored, so a node's history
 * starts from that base and folds the events stored since (transitions made here or received from
 * the other node) with the lifecycle's rules. Pure: the request's columns and events are parameters.
 */
import { URGENCY_LEVELS } from '../request/draft.ts';
import type { Case, CaseCatalogue, CaseEvent, CaseSide, CaseStatus, UrgencyLevel } from './case-model.ts';
import { RequestTypeSchema } from './case-model.ts';
import { CalendarDateSchema } from './payloads.ts';
import { type ConcurrentFold, foldConcurrentSteps, type PlacedEvent } from './concurrent-steps.ts';
import { applyEvents, type FoldResult } from './lifecycle.ts';

export type { ConcurrentFold, FoldResult, PlacedEvent };

/** What the base of a case is read from: the request's columns. */
export type RequestCaseSource = Readonly<{
  type: string;
  content: unknown;
  /** 'outgoing' (drafted here) or 'incoming' (received from the other node). */
  direction: 'outgoing' | 'incoming';
  /** The request's status: draft, awaiting-approval, sent (outgoing) or received (incoming). */
  status: string;
  /** Of a sent request: pending, delivered, failed or cancelled. */
  deliveryState: string | null;
  /** When an incoming request arrived (its delivery). */
  receivedAt?: Date | null;
  /**
   * When an outgoing request was delivered (its signed receipt came back); starts the
   * acknowledgement deadline on the requesting side. Null or absent when not known.
   */
  deliveredAt?: Date | null;
}>;

/** This node's side of a request's case: it asks (outgoing) or is asked (incoming). */
export function sideOf(direction: RequestCaseSource['direction']): CaseSide {
  return direction === 'outgoing' ? 'requesting' : 'requested';
}

/** The other side: the side of the node a message about the case comes from. */
export function otherSide(side: CaseSide): CaseSide {
  return side === 'requesting' ? 'requested' : 'requesting';
}

export function baseStatusOf(source: RequestCaseSource): CaseStatus {
  // An incoming request is stored when it arrives, with the signed receipt its sender gets.
  if (source.direction === 'incoming') return 'delivered';
  if (source.status === 'awaiting-approval') return 'awaiting-approval';
  if (source.status !== 'sent') return 'draft';
  return source.deliveryState === 'delivered' ? 'delivered' : 'sent';
}

function urgencyOf(content: unknown): UrgencyLevel {
  const level = (content as { urgency?: { level?: unknown } } | null)?.urgency?.level;
  return URGENCY_LEVELS.find((known) => known === level) ?? 'routine';
}

/**
 * The date the requesting side suggests for execution (Art. 40(25)), as the request carries it;
 * none when the request has no date a calendar can read (validation refuses such a request).
 */
function suggestedDeadlineOf(content: unknown): Case['suggestedDeadline'] {
  const suggested = (content as { suggestedDeadline?: { date?: unknown; reasons?: unknown } } | null)
    ?.suggestedDeadline;
  const date = CalendarDateSchema.safeParse(suggested?.date);
  if (!date.success) return undefined;
  return { date: date.data, reasons: typeof suggested?.reasons === 'string' ? suggested.reasons : '' };
}

/** The node itself as an actor: it records the delivery that its signed receipt proves. */
const DELIVERING_NODE = { id: 'node', side: 'requesting', roles: ['node'] } as const;

/**
 * The case as the request flow left it, before any stored event; a delivered request's history
 * holds its delivery (record-delivery, by the node, at `deliveredAt`) when the moment is known.
 */
export function baseCaseOf(source: RequestCaseSource): Case {
  const status = baseStatusOf(source);
  const deliveredAt =
    status !== 'delivered'
      ? undefined
      : source.direction === 'incoming'
        ? source.receivedAt
        : source.deliveredAt;
  const suggestedDeadline = suggestedDeadlineOf(source.content);
  return {
    requestType: RequestTypeSchema.parse(source.type),
    urgency: urgencyOf(source.content),
    ...(suggestedDeadline ? { suggestedDeadline } : {}),
    status,
    responses: [],
    history: deliveredAt
      ? [
          {
            transition: 'record-delivery',
            actor: DELIVERING_NODE,
            at: deliveredAt.toISOString(),
            payload: {},
          },
        ]
      : [],
  };
}

/**
 * Applies `events` in order to `base`, each with its own actor and moment. A sent request whose
 * signed receipt has not been recorded yet is delivered as soon as the requested side acts on it:
 * its node can only act on what it received.
 */
export function foldCaseEvents(
  base: Case,
  events: readonly CaseEvent[],
  catalogue: CaseCatalogue,
): FoldResult {
  return applyEvents(base, events, catalogue, (current, event) =>
    current.status === 'sent' && event.actor.side === 'requested'
      ? { ...current, status: 'delivered' }
      : current,
  );
}

/** The case a node holds: its base with its stored events applied, in that order. */
export function caseOfRequest(
  source: RequestCaseSource,
  events: readonly CaseEvent[],
  catalogue: CaseCatalogue,
): FoldResult {
  return foldCaseEvents(baseCaseOf(source), events, catalogue);
}

/**
 * The case a node holds from its stored steps, the other node's included: folded in the order
 * both nodes agree on, steps made at the same moment on both sides resolved (concurrent-steps.ts).
 */
export function caseOfStoredSteps(
  source: RequestCaseSource,
  steps: readonly PlacedEvent[],
  catalogue: CaseCatalogue,
): ConcurrentFold {
  return foldConcurrentSteps(baseCaseOf(source), steps, catalogue, (current, event, rules) =>
    foldCaseEvents(current, [event], rules),
  );
}
