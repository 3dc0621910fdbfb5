/**
 * Calendar dates as 'YYYY-MM-DD' strings, computed in UTC. Treaty dates (signature, deposit,
 * entry into force) are calendar days, not instants: doing the arithmetic in UTC on the string
 * form means the answer never depends on the time zone of the machine that computes it.
 */

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 24 * 60 * 60 * 1000;

/** True for a real calendar date written YYYY-MM-DD (so 2027-02-29 is false). */
export function isCalendarDate(value: string): boolean {
  const match = DATE_PATTERN.exec(value);
  if (!match) return false;
  const [, year, month, day] = match;
  const time = Date.UTC(Number(year), Number(month) - 1, Number(day));
  return new Date(time).toISOString().slice(0, 10) === value;
}

/** The date `days` days after `date` (negative goes back). Throws on a malformed date. */
export function addDays(date: string, days: number): string {
  if (!isCalendarDate(date)) throw new RangeError(`not a YYYY-MM-DD date: ${date}`);
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** The UTC calendar date of an instant. */
export function calendarDateOf(instant: Date): string {
  return instant.toISOString().slice(0, 10);
}

/** The later of two dates (YYYY-MM-DD strings compare correctly as text). */
export function laterDate(a: string, b: string): string {
  return a >= b ? a : b;
}
