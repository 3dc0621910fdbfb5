/**
 * The deadlines of a case, pure: given the case, the requested State's declared service levels and
 * the moment (a parameter: this module never reads a clock), which deadlines apply, when each is at
 * risk and when it is missed. Timers and alerts are built on this by the node.
 *
 * A calendar date (YYYY-MM-DD) a deadline ends on is a whole day in the requested State's time
 * zone (`calendarTimeZone`; UTC when none is given or the zone is unknown): "preserved until D"
 * runs to the end of D there, i.e. until D+1 00:00 on its clocks. Both nodes of a case name the
 * same zone (the requested State's capital, from the State data they ship with), so they agree on
 * every deadline.
 */
import { localTimeToInstant } from '../time/zoned-time.ts';
import { addDays } from '../treaty/calendar-date.ts';
import {
  type CalendarDate,
  type Case,
  type CaseSide,
  IN_PROGRESS_STATUSES,
  type UrgencyLevel,
} from './case-model.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** What a State declares it will keep to (its directory profile holds it). */
export type ServiceLevels = Readonly<{
  /** Hours within which a person acknowledges a delivered request, per urgency; absent: no deadline. */
  acknowledgeWithinHours: Readonly<Partial<Record<UrgencyLevel, number>>>;
}>;

export type DeadlineOptions = Readonly<{
  /** Share of a deadline's span after which it is at risk (0.75: in its last quarter). */
  atRiskAfterShare: number;
  /** Days before a preservation expires at which the requesting side is reminded. */
  preservationReminderDays: number;
  /** The IANA time zone whose days the case's dates are (the requested State's); default UTC. */
  calendarTimeZone?: string;
}>;

export const DEFAULT_DEADLINE_OPTIONS: DeadlineOptions = Object.freeze({
  atRiskAfterShare: 0.75,
  preservationReminderDays: 14,
});

export const DEADLINE_KINDS = [
  'acknowledge',
  'answer-clarification',
  'end-of-postponement',
  'suggested-execution',
  'preservation-expiry',
] as const;
export type DeadlineKind = (typeof DEADLINE_KINDS)[number];

export type DeadlineState = 'on-time' | 'at-risk' | 'missed';

export type Deadline = Readonly<{
  kind: DeadlineKind;
  /** The side that must act before it. */
  side: CaseSide;
  /** RFC 3339 UTC instants: when the clock started, when to warn (or remind), when it is missed. */
  startsAt: string;
  atRiskAt: string;
  dueAt: string;
  /**
   * For a deadline on a calendar date (an answer-by date, the end of a postponement, a suggested
   * date, a preserved-until date): that date, whose end on the requested State's clocks is `dueAt`;
   * null for a deadline counted in hours.
   */
  lastDay: CalendarDate | null;
  state: DeadlineState;
  /** The article it rests on, as the catalogue cites it, or Comity's practice. */
  basis: string;
}>;

/** The deadlines that apply to the case now, each with its state at `now`. */
export function caseDeadlines(
  current: Case,
  serviceLevels: ServiceLevels,
  now: Date,
  options: DeadlineOptions = DEFAULT_DEADLINE_OPTIONS,
): Deadline[] {
  const endOf = endOfDayIn(options.calendarTimeZone ?? 'UTC');
  const spans = [
    acknowledgement(current, serviceLevels),
    clarificationAnswer(current, endOf),
    postponementEnd(current, endOf),
    suggestedExecution(current, endOf),
  ]
    .filter((span) => span !== undefined)
    .map((span) => ({ ...span, atRisk: shareOf(span, options.atRiskAfterShare) }));
  const expiry = preservationExpiry(current, options.preservationReminderDays, endOf);
  return [...spans, ...(expiry ? [expiry] : [])].map((span) => toDeadline(span, now));
}

type Span = Readonly<{
  kind: DeadlineKind;
  side: CaseSide;
  start: number;
  due: number;
  /** The calendar date the deadline ends on, if it is one. */
  lastDay?: CalendarDate;
  basis: string;
}>;
/** The instant a calendar date ends, in the case's calendar. */
type EndOfDay = (date: CalendarDate) => number;
type TimedSpan = Span & Readonly<{ atRisk: number }>;

function acknowledgement(current: Case, serviceLevels: ServiceLevels): Span | undefined {
  const hours = serviceLevels.acknowledgeWithinHours[current.urgency];
  const delivered = lastEventTime(current, 'record-delivery');
  if (current.status !== 'delivered' || hours === undefined || delivered === undefined) return undefined;
  return {
    kind: 'acknowledge',
    side: 'requested',
    start: delivered,
    due: delivered + hours * HOUR_MS,
    basis: "Comity's practice (the requested State's declared service level)",
  };
}

function clarificationAnswer(current: Case, endOfDay: EndOfDay): Span | undefined {
  const clarification = current.clarification;
  if (current.status !== 'clarification-requested' || !clarification?.answerBy) return undefined;
  return {
    kind: 'answer-clarification',
    side: 'requesting',
    start: Date.parse(clarification.askedAt),
    due: endOfDay(clarification.answerBy),
    lastDay: clarification.answerBy,
    basis: "Comity's practice",
  };
}

function postponementEnd(current: Case, endOfDay: EndOfDay): Span | undefined {
  const postponed = lastEventTime(current, 'postpone');
  if (current.status !== 'postponed' || !current.postponement || postponed === undefined) return undefined;
  return {
    kind: 'end-of-postponement',
    side: 'requested',
    start: postponed,
    due: endOfDay(current.postponement.until),
    lastDay: current.postponement.until,
    basis: 'Art. 40(26)',
  };
}

/**
 * Art. 40(25): the requested side is shown the date the requesting side suggests, from the moment
 * the request was sent, or, in a node's history, which starts at the request's delivery
 * (request-case.ts), from its delivery.
 */
function suggestedExecution(current: Case, endOfDay: EndOfDay): Span | undefined {
  const sent = lastEventTime(current, 'approve-and-send') ?? lastEventTime(current, 'record-delivery');
  if (!current.suggestedDeadline || sent === undefined || !IN_PROGRESS_STATUSES.includes(current.status)) {
    return undefined;
  }
  return {
    kind: 'suggested-execution',
    side: 'requested',
    start: sent,
    due: endOfDay(current.suggestedDeadline.date),
    lastDay: current.suggestedDeadline.date,
    basis: 'Art. 40(25)',
  };
}

/** Art. 42(8): the requesting side is reminded a set number of days before the data may be released. */
function preservationExpiry(current: Case, reminderDays: number, endOfDay: EndOfDay): TimedSpan | undefined {
  const preserved = lastEventTime(current, 'extend') ?? lastEventTime(current, 'record-preservation');
  if ((current.status !== 'preserved' && current.status !== 'extended') || !current.preservation)
    return undefined;
  if (preserved === undefined) return undefined;
  const due = endOfDay(current.preservation.preservedUntil);
  return {
    kind: 'preservation-expiry',
    side: 'requesting',
    start: preserved,
    due,
    lastDay: current.preservation.preservedUntil,
    atRisk: Math.max(preserved, due - reminderDays * DAY_MS),
    basis: 'Art. 42(8)',
  };
}

function shareOf(span: Span, share: number): number {
  return span.start + Math.round((span.due - span.start) * share);
}

function toDeadline(span: TimedSpan, now: Date): Deadline {
  const time = now.getTime();
  const state: DeadlineState = time >= span.due ? 'missed' : time >= span.atRisk ? 'at-risk' : 'on-time';
  return {
    kind: span.kind,
    side: span.side,
    startsAt: new Date(span.start).toISOString(),
    atRiskAt: new Date(span.atRisk).toISOString(),
    dueAt: new Date(span.due).toISOString(),
    lastDay: span.lastDay ?? null,
    state,
    basis: span.basis,
  };
}

/**
 * The instant a whole calendar day ends in `timeZone`: the next day at 00:00 on its clocks (at the
 * first moment of that day where a change of clocks skips midnight); UTC for a zone Intl does not know.
 */
function endOfDayIn(timeZone: string): EndOfDay {
  return (date) => {
    const nextDay = addDays(date, 1);
    return localTimeToInstant(`${nextDay}T00:00`, timeZone)?.getTime() ?? Date.parse(`${nextDay}T00:00:00Z`);
  };
}

function lastEventTime(current: Case, transition: string): number | undefined {
  const event = current.history.findLast((entry) => entry.transition === transition);
  return event ? Date.parse(event.at) : undefined;
}
