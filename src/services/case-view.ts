/**
 * How a request's case reads for an actor: its status as the history folds to, and the
 * transitions the actor may make now (the lifecycle allows them for the status, the actor's side
 * and roles, and this node exchanges them with the other node). Shared by the requests service
 * (a request shows its case status) and the case service (history and transitions).
 */
import {
  type Case,
  type CaseActor,
  caseCatalogueFrom,
  PERSON_ROLES,
  type PersonRole,
} from '../core/case/case-model.ts';
import {
  caseDeadlines,
  DEFAULT_DEADLINE_OPTIONS,
  type Deadline,
  type ServiceLevels,
} from '../core/case/deadlines.ts';
import { availableTransitions } from '../core/case/lifecycle.ts';
import { PRECONDITION_CHECKS } from '../core/case/preconditions.ts';
import type { TransitionDefinition } from '../core/case/transitions.ts';
import { isUnprompted } from '../core/case/unprompted.ts';
import { baseCaseOf, otherSide, sideOf } from '../core/case/request-case.ts';
import type { AppContext } from '../app-context.ts';
import { loadStateSeeds } from '../data/states/index.ts';
import { caseMessageFor, caseOfRecord } from '../federation/messages/case-message.ts';
import { messageRegistryOf } from '../federation/messages/registry.ts';
import type { Actor } from '../policies/access.ts';
import { accessTo } from './request-access.ts';
import { type CaseRecord, listCaseEvents } from '../storage/case-events.repository.ts';
import { findPendingApproval, type StoredApproval } from '../storage/approvals.repository.ts';
import { findFirstMessageOfCase } from '../storage/outbox.repository.ts';
import type { StoredRequest } from '../storage/requests.repository.ts';

/** The case status a list shows: the stored one, or the base the request flow left. */
export function caseStatusOf(stored: StoredRequest): string {
  return stored.caseStatus ?? baseCaseOf(stored).status;
}

/**
 * The State of each node, as the directory held names it (expired or not: a name to show, not a
 * trust decision), for lists that show whom a request went to or came from. Built once per list.
 */
export function peerStateLookupOf(context: AppContext): (nodeId: string | null) => string | null {
  const states = new Map(context.federation?.directory.listNodes().map((node) => [node.nodeId, node.state]));
  return (nodeId) => (nodeId === null ? null : (states.get(nodeId) ?? null));
}

/** The State of one node, as `peerStateLookupOf` names it, for a view of one request. */
export function peerStateOf(context: AppContext, nodeId: string | null): string | null {
  return peerStateLookupOf(context)(nodeId);
}

/** The actor as the lifecycle sees it on this request: this node's side, the actor's roles. */
export function caseActorOf(actor: Actor, stored: StoredRequest): CaseActor {
  return { id: actor.userId, side: sideOf(stored.direction), roles: actor.roles };
}

/**
 * The request with its history and the case they fold to; throws if the stored history does not
 * replay. `order`: the stored events' indexes in the order they fold (concurrent-steps.ts);
 * `superseded`: the sequences of the events not applied.
 */
export async function loadCase(
  context: AppContext,
  stored: StoredRequest,
): Promise<
  Readonly<{ record: CaseRecord; case: Case; order: readonly number[]; superseded: ReadonlySet<number> }>
> {
  const deliveredAt =
    stored.direction === 'outgoing' && stored.deliveryState === 'delivered'
      ? (await findFirstMessageOfCase(context.db, stored.id))?.receiptReceivedAt
      : undefined;
  const record = {
    request: { ...stored, deliveredAt: deliveredAt ?? null },
    events: await listCaseEvents(context.db, stored.id),
  };
  const folded = caseOfRecord(record, caseCatalogueFrom(context.catalogue));
  if (!folded.ok) {
    throw new Error(
      `the history of request ${stored.id} does not replay at event ${folded.index + 1}: ${folded.refusal.message}`,
    );
  }
  return {
    record,
    case: folded.case,
    order: folded.order,
    superseded: new Set(folded.superseded.map((index) => record.events[index]?.sequence ?? 0)),
  };
}

/**
 * The transitions `caseActor` may make on the case now: status, side and roles allow them, their
 * preconditions hold at this moment (no lapse before the preserved-until date, no answer to
 * conditions nobody proposed), and they are exchanged with the other node.
 */
function makeableNow(context: AppContext, current: Case, caseActor: CaseActor): TransitionDefinition[] {
  const registry = messageRegistryOf(context.federation);
  const now = context.now();
  return availableTransitions(current, caseActor)
    .filter((definition) =>
      [...definition.requires, ...definition.newStepRequires].every((name) =>
        PRECONDITION_CHECKS[name].holds(current, caseActor, now),
      ),
    )
    .filter((definition) => caseMessageFor(registry, definition.name) !== undefined);
}

/**
 * The names of the transitions `actor` may make on the case now (makeableNow); none while a
 * response on the case waits for a second person (`isHeld`, waitingResponseOf): approving it
 * makes it, so nothing else is made meanwhile.
 */
export function transitionsFor(
  context: AppContext,
  actor: Actor,
  stored: StoredRequest,
  current: Case,
  isHeld: boolean,
): string[] {
  if (isHeld) return [];
  return makeableNow(context, current, caseActorOf(actor, stored)).map((definition) => definition.name);
}

/**
 * The response on the case of `stored` (a refusal, an execution) that waits for a supervisor's
 * approval, if any: while it waits, the case is held.
 */
export async function waitingResponseOf(
  context: AppContext,
  stored: StoredRequest,
): Promise<StoredApproval | undefined> {
  // Only the requested side responds: a request sent from here never has a response waiting.
  if (stored.direction !== 'incoming') return undefined;
  return findPendingApproval(context.db, 'case-transition', stored.id);
}

/**
 * The transitions this node's side may make now that `actor` may not, each with the roles that
 * may: who the case waits for here, when it waits for nobody the actor is. Preconditions and the
 * exchange with the other node as for transitionsFor; the node's own transitions (a lapse, a
 * receipt) are left out, since nobody is asked to make them.
 */
export function transitionsForOthers(
  context: AppContext,
  actor: Actor,
  stored: StoredRequest,
  current: Case,
  /** What transitionsFor gave `actor` on this case (computed once by the caller). */
  actorsOwn: readonly string[],
  isHeld: boolean,
): { transition: string; roles: (PersonRole | 'author')[] }[] {
  if (isHeld) return [];
  const mine = new Set(actorsOwn);
  // A role that reads the request without having drafted it (a supervisor; a duty officer on a
  // request of the 24/7 network) is named; a drafting role that reads only its own requests (an
  // officer) stands for the one person who drafted it: `author`.
  const readsIt = (role: PersonRole) =>
    accessTo(context, { userId: '', username: '', roles: [role], authenticatedBy: 'session' }, stored) !==
    'none';
  return (
    makeableNow(context, current, { ...caseActorOf(actor, stored), roles: PERSON_ROLES })
      // Who else may give a notice of exculpatory disclosure is not what the case waits for.
      .filter((definition) => !mine.has(definition.name) && !isUnprompted(definition.name))
      .map((definition) => {
        const roles = PERSON_ROLES.filter((role) => definition.roles.includes(role));
        const named = roles.filter(readsIt);
        // On a request received here nobody drafted it here: a role that cannot read it cannot act.
        const isAuthorsToo = stored.direction === 'outgoing' && named.length < roles.length;
        return { transition: definition.name, roles: isAuthorsToo ? [...named, 'author' as const] : named };
      })
  );
}

/**
 * The transitions the other State's side may make now, whoever of it makes them: what this side
 * may expect next (after an acceptance: execution begun, a postponement or a question; after a
 * delivery: an acknowledgement). The node's own transitions are left out, as in transitionsForOthers;
 * what the other node's people may do depends on roles this node does not know, so all roles count.
 * Steps a case never waits for (unprompted.ts) are left out.
 */
export function transitionsOfOtherSide(context: AppContext, stored: StoredRequest, current: Case): string[] {
  const other: CaseActor = { id: '', side: otherSide(sideOf(stored.direction)), roles: PERSON_ROLES };
  return makeableNow(context, current, other)
    .map((definition) => definition.name)
    .filter((name) => !isUnprompted(name));
}

/**
 * What the requested State declared in the signed directory of nodes (its `serviceLevel`): the
 * hours within which it acknowledges an urgent or emergency request. No entry: no deadline.
 */
export function serviceLevelsOf(
  node: Readonly<{ serviceLevel: { acknowledgeWithinHours?: number } }> | undefined,
): ServiceLevels {
  const hours = node?.serviceLevel.acknowledgeWithinHours;
  return { acknowledgeWithinHours: hours === undefined ? {} : { emergency: hours, urgent: hours } };
}

/** The deadlines of the case now, with the requested State's service levels from the directory. */
export function deadlinesOf(context: AppContext, stored: StoredRequest, current: Case): Deadline[] {
  const directory = context.federation?.directory;
  const requestedNodeId =
    stored.direction === 'incoming' ? context.federation?.identity.nodeId : stored.peerNodeId;
  const requestedNode = requestedNodeId ? directory?.findNode(requestedNodeId) : undefined;
  return caseDeadlines(current, serviceLevelsOf(requestedNode), context.now(), {
    ...DEFAULT_DEADLINE_OPTIONS,
    preservationReminderDays: context.config.duty.preservationReminderDays,
    calendarTimeZone: calendarTimeZoneOf(stored.requestedState),
  });
}

let calendarZones: ReadonlyMap<string, string> | undefined;

/**
 * The time zone whose days a case's dates are: the requested State's, as the State data every node
 * ships gives it (its capital's zone), so both nodes of a case agree; UTC for a State it does not
 * name. A zone an administrator later sets in the State's profile does not move a case's deadlines.
 */
export function calendarTimeZoneOf(requestedState: string | null): string {
  calendarZones ??= new Map(
    loadStateSeeds().flatMap((seed) => (seed.profile.timeZone ? [[seed.code, seed.profile.timeZone]] : [])),
  );
  return (requestedState && calendarZones.get(requestedState.toUpperCase())) ?? 'UTC';
}
