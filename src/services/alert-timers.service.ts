/**
 * The alert timers: who is told, and when. One round (`runOnce`) scans the open cases and the case
 * events received lately and raises, once per dedup key (so a second round, or a round after a
 * restart, raises nothing twice and misses nothing):
 *
 * - `request-arrived` for an incoming request nobody has acted on yet: to the people on duty
 *   (routine requests: the duty officers among them); nobody on duty: every duty officer, then the supervisors;
 * - `case-event-received` for a transition the other node made: the request's author on the
 *   requesting side (and the people on duty, for a request of the 24/7 network), the people on
 *   duty on the requested side; its details say when that step crossed one of this node's
 *   (`crossing`: it was not applied, or this node's step was not; concurrent-steps.ts);
 * - `deadline-at-risk` / `deadline-missed` from the case's deadlines (src/core/case/deadlines.ts), to
 *   the side that must act (requested: the people on duty; requesting: the author, and for a
 *   request of the 24/7 network the people on duty too); the other node tells its own people;
 * - `escalation` of a missed acknowledgement: level 1 to the next person on the roster (or the
 *   supervisors when nobody is rostered), level 2 to the supervisors half an acknowledgement span later;
 * - `preservation-reminder` to the requesting side before a preservation expires (Art. 42(8)).
 *
 * After a round, when whether anyone is on duty has changed (and after the first round), the peers
 * are told (duty.status, src/federation/messages/duty-status.message.ts); a node that has nobody on
 * its roster, now or later, and has told nothing yet stays silent (its peers show "not known").
 *
 * The clock is the context's (`context.now`), so tests advance it and call `runOnce`.
 */
import { type Case, caseCatalogueFrom, TERMINAL_STATUSES } from '../core/case/case-model.ts';
import { type ConcurrentFold, type Crossing, crossingOf } from '../core/case/concurrent-steps.ts';
import type { Deadline } from '../core/case/deadlines.ts';
import { sideOf } from '../core/case/request-case.ts';
import { escalationLevelAt } from '../core/duty/roster.ts';
import { UUID_PATTERN } from '../core/ids.ts';
import type { AppContext } from '../app-context.ts';
import { caseOfRecord } from '../federation/messages/case-message.ts';
import {
  isOpenCaseRequest,
  listCaseEventsReceivedSince,
  listEnabledUserIdsWithRoles,
  type ReceivedCaseEvent,
} from '../storage/duty.repository.ts';
import { listRaisedAlertKeys } from '../storage/alerts.repository.ts';
import { listCaseEventsOf, type StoredCaseEvent } from '../storage/case-events.repository.ts';
import { listOpenCaseRecords, type OpenCaseRecord } from '../storage/open-cases.repository.ts';
import { findRequestById, type StoredRequest } from '../storage/requests.repository.ts';
import { type AlertToRaise, raiseAlerts } from './alerts.service.ts';
import { deadlinesOf } from './case-view.ts';
import { isPointOfContactType } from './request-access.ts';
import { announceDutyStatus, dutyAt } from './roster.service.ts';

/**
 * How long the round of cases named by live updates waits for more of them: a sent request's
 * "sent" and "delivered" updates, or the arrivals of a busy minute, then share one round.
 */
const NAMED_CASES_DELAY_MS = 50;

/** How far back a round looks for case events received from the other node (a node down longer misses them). */
const RECEIVED_EVENTS_LOOKBACK_MS = 7 * 86_400_000;

export type AlertTimersReport = {
  raised: number;
  failedRequests: string[];
  isSomeoneOnDuty: boolean;
  /** Someone is on the roster now or later (a node that keeps no roster tells its peers nothing). */
  isRostered: boolean;
};

export type AlertTimers = Readonly<{
  /** One round now; resolves when it is done (rounds never overlap). */
  runOnce: () => Promise<AlertTimersReport>;
  /** Starts the loop. */
  start: () => void;
  /** Stops the loop and waits for a round in progress. */
  stop: () => Promise<void>;
}>;

/** Who the requested side tells, at one moment. */
type Audience = Readonly<{
  onDuty: readonly string[];
  dutyOfficers: readonly string[];
  supervisors: readonly string[];
  next: string | undefined;
}>;

function firstNonEmpty(...lists: ReadonlyArray<readonly string[]>): string[] {
  return [...(lists.find((list) => list.length > 0) ?? [])];
}

/** The people on duty, else every duty officer, else the supervisors. */
function onDutyOrFallback(audience: Audience): string[] {
  return firstNonEmpty(audience.onDuty, audience.dutyOfficers, audience.supervisors);
}

/**
 * Whom the requesting side tells of a case: the request's author; for a request sent through the
 * 24/7 network (Art. 41), also the people on duty, who follow up their colleagues' urgent requests
 * around the clock (request:read-point-of-contact).
 */
function requestingSideRecipients(
  stored: StoredRequest,
  isPointOfContact: boolean,
  audience: Audience,
): string[] {
  return isPointOfContact ? [...new Set([stored.createdBy.id, ...audience.onDuty])] : [stored.createdBy.id];
}

/** The alerts one open case calls for now. */
function alertsOfCase(
  stored: StoredRequest,
  current: Case,
  deadlines: readonly Deadline[],
  audience: Audience,
  now: Date,
  isPointOfContact: boolean,
): AlertToRaise[] {
  const side = sideOf(stored.direction);
  const mustAct =
    side === 'requested'
      ? onDutyOrFallback(audience)
      : requestingSideRecipients(stored, isPointOfContact, audience);
  const alerts: AlertToRaise[] = [];
  if (stored.direction === 'incoming' && current.status === 'delivered') {
    const dutyOfficersOnDuty = audience.onDuty.filter((id) => audience.dutyOfficers.includes(id));
    alerts.push({
      dedupKey: `arrived:${stored.id}`,
      kind: 'request-arrived',
      requestId: stored.id,
      recipientUserIds:
        current.urgency === 'routine'
          ? firstNonEmpty(dutyOfficersOnDuty, audience.onDuty, audience.dutyOfficers, audience.supervisors)
          : mustAct,
      details: {
        urgency: current.urgency,
        type: stored.type,
        receivedAt: stored.receivedAt?.toISOString() ?? null,
      },
    });
  }
  for (const deadline of deadlines) {
    if (deadline.side !== side || deadline.state === 'on-time') continue;
    const about = {
      deadline: deadline.kind,
      atRiskAt: deadline.atRiskAt,
      dueAt: deadline.dueAt,
      basis: deadline.basis,
    };
    if (deadline.kind === 'preservation-expiry' && deadline.state === 'at-risk') {
      alerts.push({
        dedupKey: `preservation:${stored.id}:${deadline.dueAt}`,
        kind: 'preservation-reminder',
        requestId: stored.id,
        recipientUserIds: mustAct,
        details: about,
      });
      continue;
    }
    alerts.push({
      dedupKey: `deadline:${stored.id}:${deadline.kind}:${deadline.dueAt}:${deadline.state}`,
      kind: deadline.state === 'missed' ? 'deadline-missed' : 'deadline-at-risk',
      requestId: stored.id,
      recipientUserIds: mustAct,
      details: { ...about, state: deadline.state },
    });
    const level =
      deadline.kind === 'acknowledge' && side === 'requested' ? escalationLevelAt(deadline, now) : 0;
    if (level > 0) {
      const toNext = level === 1 && audience.next !== undefined;
      alerts.push({
        dedupKey: `escalation:${stored.id}:${deadline.kind}:${deadline.dueAt}:${level}`,
        kind: 'escalation',
        requestId: stored.id,
        recipientUserIds: toNext && audience.next ? [audience.next] : [...audience.supervisors],
        details: { ...about, level, to: toNext ? 'next-on-roster' : 'supervisors' },
      });
    }
  }
  return alerts;
}

/**
 * One round of the timers at `context.now()`: every open case, or only the cases `requestIds`
 * names (the round that follows live updates about them: the people to tell are read once for
 * all of them, and only those cases are read). A case whose history does not replay is named and
 * skipped.
 */
export async function runAlertTimers(
  context: AppContext,
  requestIds?: string | readonly string[],
): Promise<AlertTimersReport> {
  const now = context.now();
  const named = requestIds === undefined || typeof requestIds !== 'string' ? requestIds : [requestIds];
  const duty = await dutyAt(context, now);
  const openCases = await openCasesOf(context, named);
  const requests = new Map<string, StoredRequest>(openCases.map(({ request }) => [request.id, request]));
  const since = new Date(now.getTime() - RECEIVED_EVENTS_LOOKBACK_MS);
  const received: { event: ReceivedCaseEvent; stored: StoredRequest }[] = [];
  for (const event of await listCaseEventsReceivedSince(context.db, since, named)) {
    const stored = requests.get(event.requestId) ?? (await findRequestById(context.db, event.requestId));
    if (stored) received.push({ event, stored });
  }
  // The duty officers and supervisors are read only when a case of the requested side may be
  // told to them: the requesting side tells the request's author.
  const isRequestedSide = (stored: StoredRequest) => sideOf(stored.direction) === 'requested';
  const needsRoles =
    openCases.some(({ request }) => isRequestedSide(request)) ||
    received.some(({ stored }) => isRequestedSide(stored));
  const roles = needsRoles
    ? await listEnabledUserIdsWithRoles(context.db, ['duty-officer', 'supervisor'])
    : { 'duty-officer': [], supervisor: [] };
  const audience: Audience = {
    onDuty: duty.onDuty.map((person) => person.id),
    dutyOfficers: roles['duty-officer'],
    supervisors: roles.supervisor,
    next: duty.next?.id,
  };
  const alerts: AlertToRaise[] = [];
  const failedRequests: string[] = [];
  const catalogue = caseCatalogueFrom(context.catalogue);
  /** Each case folded this round, to tell whether a step received crossed one of this node's. */
  const folds = new Map<string, { events: readonly StoredCaseEvent[]; folded: ConcurrentFold }>();
  const isPointOfContact = (stored: StoredRequest) => isPointOfContactType(context, stored.type);
  for (const record of openCases) {
    const stored = record.request;
    // A case whose history does not replay, or whose data throws, is named and skipped: the
    // other cases of the round are still alerted.
    try {
      const folded = caseOfRecord(record, catalogue);
      folds.set(stored.id, { events: record.events, folded });
      if (!folded.ok) {
        failedRequests.push(stored.id);
        continue;
      }
      const deadlines = deadlinesOf(context, stored, folded.case);
      alerts.push(...alertsOfCase(stored, folded.case, deadlines, audience, now, isPointOfContact(stored)));
    } catch {
      failedRequests.push(stored.id);
    }
  }
  // Whether a step crossed one of this node's is read only for the steps not alerted yet: a case
  // that has ended is not among the round's folds, and its history is read for them alone.
  const alertedSteps = await listRaisedAlertKeys(
    context.db,
    received.map(({ event, stored }) => eventAlertKey(stored.id, event.sequence)),
  );
  const crossingOfEvent = await crossingsOf(
    context,
    received.filter(({ event, stored }) => !alertedSteps.has(eventAlertKey(stored.id, event.sequence))),
    folds,
  );
  for (const { event, stored } of received) {
    const crossing = crossingOfEvent(stored.id, event.sequence);
    alerts.push({
      dedupKey: eventAlertKey(stored.id, event.sequence),
      kind: 'case-event-received',
      requestId: stored.id,
      recipientUserIds:
        stored.direction === 'incoming'
          ? onDutyOrFallback(audience)
          : requestingSideRecipients(stored, isPointOfContact(stored), audience),
      details: {
        transition: event.transition,
        occurredAt: event.occurredAt.toISOString(),
        ...(crossing ? { crossing } : {}),
      },
    });
  }
  // Nobody to tell yet (no account holds the role): the key stays free for a later round.
  const toTell = alerts.filter((alert) => alert.recipientUserIds.length > 0);
  // The keys raised already are read at once: a round over every open case then costs one read
  // for the alerts it raised before, not one insert attempt each.
  // The steps' keys were read above; only the others are read here.
  const raisedBefore = await listRaisedAlertKeys(
    context.db,
    toTell.filter((alert) => alert.kind !== 'case-event-received').map((alert) => alert.dedupKey),
  );
  // The new ones in one statement (raiseAlerts still dedups a race with another round).
  const raised = await raiseAlerts(
    context,
    toTell.filter((alert) => !raisedBefore.has(alert.dedupKey) && !alertedSteps.has(alert.dedupKey)),
  );
  return {
    raised: raised.length,
    failedRequests,
    isSomeoneOnDuty: audience.onDuty.length > 0,
    isRostered: audience.onDuty.length > 0 || audience.next !== undefined,
  };
}

/** The dedup key of the alert of a step received from the other node. */
function eventAlertKey(requestId: string, sequence: number): string {
  return `event:${requestId}:${sequence}`;
}

/**
 * Whether each step received crossed one of this node's (concurrent-steps.ts): read from the
 * round's folds, and for a case that has ended since (not among the open ones), from its history.
 */
async function crossingsOf(
  context: AppContext,
  received: readonly { event: ReceivedCaseEvent; stored: StoredRequest }[],
  folds: Map<string, { events: readonly StoredCaseEvent[]; folded: ConcurrentFold }>,
): Promise<(requestId: string, sequence: number) => Crossing | undefined> {
  const ended = [...new Set(received.map(({ stored }) => stored.id))].filter((id) => !folds.has(id));
  if (ended.length > 0) {
    const histories = await listCaseEventsOf(context.db, ended);
    const catalogue = caseCatalogueFrom(context.catalogue);
    for (const { stored } of received) {
      if (folds.has(stored.id)) continue;
      const events = histories.get(stored.id) ?? [];
      try {
        folds.set(stored.id, { events, folded: caseOfRecord({ request: stored, events }, catalogue) });
      } catch {
        // A history whose data throws: its alerts say only that the other State acted.
      }
    }
  }
  return (requestId, sequence) => {
    const record = folds.get(requestId);
    if (!record?.folded.ok) return undefined;
    const index = record.events.findIndex((event) => event.sequence === sequence);
    if (index < 0) return undefined;
    return crossingOf(record.folded, index, (other) => record.events[other]?.receivedMessageId === null);
  };
}

/**
 * The open cases of a round with their histories, oldest first: every one, or those `named`
 * names; two statements whatever their number (the requests, then their events).
 */
async function openCasesOf(
  context: AppContext,
  named: readonly string[] | undefined,
): Promise<OpenCaseRecord[]> {
  if (named?.length === 0) return [];
  const records = await listOpenCaseRecords(context.db, {
    terminalStatuses: TERMINAL_STATUSES,
    ...(named === undefined ? {} : { requestIds: [...new Set(named)] }),
  });
  return records
    .filter((record) => isOpenCaseRequest(record.request, TERMINAL_STATUSES))
    .sort((a, b) => a.request.createdAt.getTime() - b.request.createdAt.getTime());
}

export type AlertTimersOptions = Readonly<{ intervalMs: number; onError?: (error: unknown) => void }>;

/**
 * The timers of a node, not yet running: `runOnce` makes one round (tests call it after advancing
 * their clock); `start` runs a round of every open case every `intervalMs`, and a round of the
 * cases live updates name (a request arrived, a case changed) NAMED_CASES_DELAY_MS after the first
 * of them. `onError` hears a round that failed (database unreachable...).
 */
export function createAlertTimers(context: AppContext, options: AlertTimersOptions): AlertTimers {
  let running: Promise<AlertTimersReport> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let isStopped = false;
  let unsubscribe = (): void => undefined;
  // What the peers were last told (duty.status): nothing yet, so the first round tells them.
  let announced: boolean | undefined;
  const round = async (requestIds?: readonly string[]): Promise<AlertTimersReport> => {
    const report = await runAlertTimers(context, requestIds);
    const isFirstWithoutRoster = announced === undefined && !report.isRostered;
    if (report.isSomeoneOnDuty !== announced && !isFirstWithoutRoster) {
      await announceDutyStatus(context, report.isSomeoneOnDuty);
      announced = report.isSomeoneOnDuty;
    }
    return report;
  };
  const runOnce = (): Promise<AlertTimersReport> => {
    running ??= round().finally(() => {
      running = undefined;
    });
    return running;
  };
  // The cases live updates named since the last round of them get a round of their own, so an
  // arrival costs the work of one case, not of every open one; the cases named while a round runs
  // share the next one (under load, the people to tell are read once for many cases).
  const namedCases = new Set<string>();
  let namedCasesTimer: NodeJS.Timeout | undefined;
  let runningCases: Promise<void> | undefined;
  const runNamedCases = (): Promise<void> => {
    runningCases ??= (async () => {
      while (namedCases.size > 0 && !isStopped) {
        const requestIds = [...namedCases];
        namedCases.clear();
        await (running ?? Promise.resolve()).catch(() => undefined);
        await round(requestIds).catch((error: unknown) => options.onError?.(error));
      }
    })().finally(() => {
      runningCases = undefined;
      // A case named just as the last round ended.
      if (namedCases.size > 0 && !isStopped) void runNamedCases();
    });
    return runningCases;
  };
  const schedule = (delayMs: number) => {
    if (isStopped) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      // An update during a round gets a round of its own once that one ends.
      (running ? running.then(runOnce, runOnce) : runOnce())
        .catch((error: unknown) => options.onError?.(error))
        .finally(() => schedule(options.intervalMs));
    }, delayMs);
    timer.unref();
  };
  return {
    runOnce,
    start: () => {
      unsubscribe = context.live.subscribe((update) => {
        // Only a request's id names a case: an update about anything else is not the timers' (a
        // message type's own queue, such as duty.status's, would fail the round's read).
        if (update.kind === 'alert-raised' || isStopped || !UUID_PATTERN.test(update.requestId)) return;
        namedCases.add(update.requestId);
        if (namedCasesTimer === undefined && runningCases === undefined) {
          namedCasesTimer = setTimeout(() => {
            namedCasesTimer = undefined;
            void runNamedCases();
          }, NAMED_CASES_DELAY_MS);
          namedCasesTimer.unref();
        }
      });
      schedule(0);
    },
    stop: async () => {
      isStopped = true;
      unsubscribe();
      clearTimeout(timer);
      clearTimeout(namedCasesTimer);
      await running?.catch(() => undefined);
      await runningCases;
    },
  };
}

/** Creates and starts the timers of a running node. */
export function startAlertTimers(context: AppContext, options: AlertTimersOptions): AlertTimers {
  const timers = createAlertTimers(context, options);
  timers.start();
  return timers;
}
