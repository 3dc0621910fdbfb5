/**
 * The duty roster, pure: shifts are instants (the node stores them so), entered and shown in the
 * node's IANA time zone (zoned-time.ts, Intl: no date library). Who is on duty at an instant, who comes next,
 * whether a shift overlaps another of the same person, and when an unacknowledged request escalates.
 */

import { zoneOffsetMs } from '../time/zoned-time.ts';

const MINUTE_MS = 60_000;

/** Longest shift the roster accepts (a weekend on call). */
export const MAX_SHIFT_HOURS = 72;

export type Shift = Readonly<{ id: string; userId: string; startsAt: Date; endsAt: Date }>;

/** The shifts that cover `instant` (start included, end excluded). */
export function shiftsAt(shifts: readonly Shift[], instant: Date): Shift[] {
  const time = instant.getTime();
  return shifts.filter((shift) => shift.startsAt.getTime() <= time && time < shift.endsAt.getTime());
}

/** The people on duty at `instant`, each once, in roster order. */
export function onDutyAt(shifts: readonly Shift[], instant: Date): string[] {
  return [...new Set(shiftsAt(shifts, instant).map((shift) => shift.userId))];
}

/**
 * The person whose shift starts next after `instant` among those not on duty then (the next on the
 * roster, who takes an escalation or reads the handover note); undefined when nobody is rostered.
 */
export function nextOnRoster(shifts: readonly Shift[], instant: Date): string | undefined {
  const onDuty = new Set(onDutyAt(shifts, instant));
  const time = instant.getTime();
  return [...shifts]
    .filter((shift) => shift.startsAt.getTime() > time && !onDuty.has(shift.userId))
    .sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime())[0]?.userId;
}

/** The shifts of the same person that overlap `candidate` (a person holds one shift at a time). */
export function overlappingShifts(shifts: readonly Shift[], candidate: Omit<Shift, 'id'>): Shift[] {
  return shifts.filter(
    (shift) =>
      shift.userId === candidate.userId &&
      shift.startsAt.getTime() < candidate.endsAt.getTime() &&
      candidate.startsAt.getTime() < shift.endsAt.getTime(),
  );
}

/** Why a shift cannot be entered, or undefined when its span is acceptable. */
export function shiftSpanProblem(startsAt: Date, endsAt: Date): string | undefined {
  const span = endsAt.getTime() - startsAt.getTime();
  if (span <= 0) return 'a shift ends after it starts';
  if (span > MAX_SHIFT_HOURS * 60 * MINUTE_MS) return `a shift lasts at most ${MAX_SHIFT_HOURS} hours`;
  return undefined;
}

const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;

/** A wall-clock time as the roster is entered: "YYYY-MM-DDTHH:mm" in the node's time zone. */
export function isLocalDateTime(value: string): boolean {
  return LOCAL_DATE_TIME.test(value);
}

/** The wall-clock time ("YYYY-MM-DDTHH:mm") of `instant` in `timeZone` (a zone Intl knows). */
export function toLocalDateTime(instant: Date, timeZone: string): string {
  const offset = zoneOffsetMs(instant.getTime(), timeZone) ?? 0;
  return new Date(instant.getTime() + offset).toISOString().slice(0, 16);
}

/**
 * The instant a wall-clock time names in `timeZone`; undefined for a malformed value or a time the
 * zone skips (the hour lost when clocks go forward). A time that occurs twice (clocks go back) is
 * its first occurrence.
 */
export function fromLocalDateTime(value: string, timeZone: string): Date | undefined {
  const match = LOCAL_DATE_TIME.exec(value);
  if (!match) return undefined;
  const [year, month, day, hour, minute] = match.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const wallClock = Date.UTC(year, month - 1, day, hour, minute);
  if (Number.isNaN(wallClock) || new Date(wallClock).toISOString().slice(0, 16) !== value) return undefined;
  // The zone's offsets around that time (before and after a change of clocks) name the candidates.
  const candidates = [-36, 0, 36]
    .map((hours) => wallClock - (zoneOffsetMs(wallClock + hours * 3_600_000, timeZone) ?? 0))
    .sort((a, b) => a - b)
    .filter((time) => toLocalDateTime(new Date(time), timeZone) === value);
  return candidates[0] === undefined ? undefined : new Date(candidates[0]);
}

/**
 * How far a missed acknowledgement has escalated at `now`: 0 before it is due; 1 (the next person on
 * the roster) from the due time; 2 (the supervisors) once half the acknowledgement span has passed again.
 */
export function escalationLevelAt(
  deadline: Readonly<{ startsAt: string; dueAt: string }>,
  now: Date,
): 0 | 1 | 2 {
  const due = Date.parse(deadline.dueAt);
  const span = due - Date.parse(deadline.startsAt);
  const time = now.getTime();
  if (time < due) return 0;
  return time < due + span / 2 ? 1 : 2;
}
