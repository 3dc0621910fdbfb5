/**
 * Calendar dates as drafts hold them (YYYY-MM-DD, ISO 8601 / RFC 3339 full-date), checked as
 * real dates: 2026-02-30 is well shaped but does not exist. Pure arithmetic, no clock.
 */

const FULL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether year, month and day form a date that exists in the proleptic Gregorian calendar. */
export function isRealDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= daysInMonth(year, month);
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

function daysInMonth(year: number, month: number): number {
  const isLeapYear = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && isLeapYear ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
}

/** Whether the text is a YYYY-MM-DD date that exists. */
export function isCalendarDate(value: string): boolean {
  return toDayNumber(value) !== undefined;
}

/**
 * Days since 1970-01-01 of a YYYY-MM-DD date, or undefined when it is not a real date. Used to
 * compare dates and count the days of a period.
 */
export function toDayNumber(value: string): number | undefined {
  const match = FULL_DATE.exec(value);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (!isRealDate(year, month, day)) return undefined;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return Math.round(date.getTime() / 86_400_000);
}
