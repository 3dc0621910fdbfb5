/**
 * The duty desk (Art. 41: a point of contact available 24 hours a day, 7 days a week): the open
 * cases a person may see, each with its next deadline, ordered so that what must be acknowledged
 * now comes first: urgent and emergency requests received here and not yet acknowledged, then the
 * others by nearest deadline. Two reads whatever the number of cases; the cases and their
 * deadlines are folded in memory with the same functions as a single case's view.
 */
import {
  type AnswerGiven,
  answerGivenOf,
  type AwaitingAnswer,
  awaitingAnswerOf,
  caseCatalogueFrom,
  TERMINAL_STATUSES,
} from '../core/case/case-model.ts';
import type { Deadline } from '../core/case/deadlines.ts';
import { PRECONDITION_CHECKS } from '../core/case/preconditions.ts';
import type { AppContext } from '../app-context.ts';
import { caseOfRecord } from '../federation/messages/case-message.ts';
import { type Actor, requestScopeOf } from '../policies/access.ts';
import { listSubjectsAwaitingDecision } from '../storage/approvals.repository.ts';
import { listOpenCaseRecords, type OpenCaseRecord } from '../storage/open-cases.repository.ts';
import { caseActorOf, deadlinesOf, transitionsFor } from './case-view.ts';
import { accessTo, scopeFilterOf } from './request-access.ts';

/** The deadline a desk row counts down to: the case's nearest one. */
export type DeskDeadline = Pick<Deadline, 'kind' | 'side' | 'dueAt' | 'state'>;

export type DeskCase = Readonly<{
  requestId: string;
  caseReference: string | null;
  type: string;
  urgency: string;
  /** This node's side: requested (received here) or requesting (sent from here). */
  side: 'requesting' | 'requested';
  requestingState: string | null;
  requestedState: string | null;
  status: string;
  /** When an incoming request arrived, or when an outgoing one was delivered (null: not yet). */
  receivedAt: string | null;
  /** An urgent or emergency request received here that nobody has acknowledged yet. */
  needsAcknowledgement: boolean;
  nextDeadline: DeskDeadline | null;
  /**
   * A response from here (a refusal, a report of execution) waits for a supervisor's approval:
   * the case is held, and nobody is offered a step on it until the supervisor decides.
   */
  awaitingApproval: boolean;
  /**
   * Conditions proposed or questions asked by the requested side that wait for the requesting
   * side's answer (the case view's `awaitingAnswer`, without its text); null when nothing waits.
   */
  awaitingAnswer: AwaitingAnswer['kind'] | null;
  /**
   * The requesting side's answer the requested side has not acted on yet (the case view's
   * `lastAnswer`, without its text): questions answered, conditions accepted or declined; null otherwise.
   */
  lastAnswer: AnswerGiven['outcome'] | null;
  /**
   * The other State asked to be consulted on a notice of exculpatory disclosure of this side, and
   * the consultation is not recorded yet (Art. 40(19)); a disclosure announced in advance waits for it.
   */
  consultationToHold: boolean;
  /** What the person may do now (the desk offers acknowledge in one click). */
  availableTransitions: string[];
}>;

export type DeskFilters = Readonly<{
  /** Only the cases with a missed deadline. */
  overdue?: boolean;
  side?: 'requesting' | 'requested';
}>;

/** The open cases the actor may read, first what must be acknowledged now, then by nearest deadline. */
export async function listDesk(
  context: AppContext,
  actor: Actor,
  filters: DeskFilters = {},
): Promise<DeskCase[]> {
  const scope = requestScopeOf(actor);
  if (scope.kind === 'none') return [];
  const records = await listOpenCaseRecords(context.db, {
    terminalStatuses: TERMINAL_STATUSES,
    ...scopeFilterOf(context, scope),
  });
  const catalogue = caseCatalogueFrom(context.catalogue);
  const held = await listSubjectsAwaitingDecision(context.db, 'case-transition');
  const rows = records
    .filter((record) => accessTo(context, actor, record.request) !== 'none')
    .flatMap((record) => deskCaseOf(context, actor, record, catalogue, held.has(record.request.id)))
    .filter((row) => filters.side === undefined || row.side === filters.side)
    .filter((row) => !filters.overdue || row.nextDeadline?.state === 'missed');
  return rows.sort(deskOrder);
}

function deskCaseOf(
  context: AppContext,
  actor: Actor,
  record: OpenCaseRecord,
  catalogue: ReturnType<typeof caseCatalogueFrom>,
  isHeld: boolean,
): DeskCase[] {
  const folded = caseOfRecord(record, catalogue);
  // A history that does not replay is reported on the request's own page; the desk skips it.
  if (!folded.ok) return [];
  const current = folded.case;
  const stored = record.request;
  const side = caseActorOf(actor, stored).side;
  const next = deadlinesOf(context, stored, current).toSorted((a, b) => a.dueAt.localeCompare(b.dueAt))[0];
  const receivedAt = stored.direction === 'incoming' ? stored.receivedAt : stored.deliveredAt;
  const content = stored.content as { requestingAuthority?: { state?: string } } | null;
  return [
    {
      requestId: stored.id,
      caseReference: stored.caseReference,
      type: stored.type,
      urgency: current.urgency,
      side,
      requestingState: content?.requestingAuthority?.state?.toUpperCase() ?? null,
      requestedState: stored.requestedState,
      status: current.status,
      receivedAt: receivedAt?.toISOString() ?? null,
      needsAcknowledgement:
        side === 'requested' && current.status === 'delivered' && current.urgency !== 'routine',
      nextDeadline: next ? { kind: next.kind, side: next.side, dueAt: next.dueAt, state: next.state } : null,
      awaitingApproval: isHeld,
      awaitingAnswer: awaitingAnswerOf(current)?.kind ?? null,
      lastAnswer: answerGivenOf(current)?.outcome ?? null,
      consultationToHold: PRECONDITION_CHECKS['consultation-pending'].holds(
        current,
        caseActorOf(actor, stored),
        context.now(),
      ),
      availableTransitions: transitionsFor(context, actor, stored, current, isHeld),
    },
  ];
}

const URGENCY_RANK: Readonly<Record<string, number>> = { emergency: 0, urgent: 1 };

/** Needing acknowledgement first, then nearest deadline (none: last), emergency before urgent, oldest. */
function deskOrder(a: DeskCase, b: DeskCase): number {
  if (a.needsAcknowledgement !== b.needsAcknowledgement) return a.needsAcknowledgement ? -1 : 1;
  const dueA = a.nextDeadline?.dueAt ?? '\uffff';
  const dueB = b.nextDeadline?.dueAt ?? '\uffff';
  return (
    dueA.localeCompare(dueB) ||
    (URGENCY_RANK[a.urgency] ?? 2) - (URGENCY_RANK[b.urgency] ?? 2) ||
    (a.receivedAt ?? '').localeCompare(b.receivedAt ?? '') ||
    a.requestId.localeCompare(b.requestId)
  );
}
