/**
 * Days and moments as the formal document's language writes them, and the custody report of an
 * evidence export's (src/services/custody-report.ts): "4 novembre 2026",
 * "1 mars 2026 à 10:15:00 Europe/Paris (UTC+1) = 1 mars 2026 à 09:15:00 UTC", "2026年3月1日 10:15:00
 * UTC+8". A legal document in French, Arabic or Chinese does not write ISO 8601; but an IP address
 * is attributed to a subscriber only with an exact moment whose zone is beyond doubt, so a moment
 * keeps the precision it was given (minutes, seconds, milliseconds), always says its offset from
 * UTC, and adds the same instant in UTC when it is not already in UTC.
 *
 * Digits are Latin in every language ("-u-nu-latn"), Arabic included: the UN's Arabic documents
 * write 0-9, the document's identifiers, IP addresses and case references are in those digits
 * beside the dates, and the screens write Arabic dates so (formattingLocaleOf). The clock is
 * 24-hour ("-u-hc-h23"), never "9:15 م" or "9:15 PM", which a reader might misread by twelve hours.
 * The offset is written "UTC+1" in every language: Intl writes it "GMT+1", "UTC+1" or "غرينتش+1"
 * depending on the language, and GMT is not UTC to every reader.
 */
import { formattingLocaleOf, isLocale } from '../core/i18n.ts';
import { wallClockToInstant } from '../core/time/zoned-time.ts';

/** How a version writes: its language, its direction, and its words for a missing zone. */
export type MomentWriting = Readonly<{
  language: string;
  direction: 'ltr' | 'rtl';
  /** "time zone not stated", printed after a moment that has neither offset nor zone. */
  zoneNotStated: string;
}>;

/** The Intl locale of a document language: Latin digits, 24-hour clock, British English. */
export function documentLocaleOf(language: string): string {
  return isLocale(language) ? formattingLocaleOf(language) : `${language}-u-nu-latn-hc-h23`;
}

/**
 * "2 December 2026", "2 décembre 2026", "2 ديسمبر 2026", "2026年12月2日": a calendar date
 * (YYYY-MM-DD) in words; text that is no date (or no real day, as 2026-02-30) as it is.
 */
export function formatDate(isoDate: string, language: string): string {
  const instant = calendarDay(isoDate);
  if (!instant) return isoDate;
  try {
    return formatterOf(language, { dateStyle: 'long' }).format(instant);
  } catch {
    return isoDate;
  }
}

/** Midnight UTC of a calendar date (YYYY-MM-DD), or undefined when the text names no real day. */
function calendarDay(isoDate: string): Date | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (!match) return undefined;
  const instant = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  if (Number.isNaN(instant.getTime()) || instant.toISOString().slice(0, 10) !== isoDate) return undefined;
  return instant;
}

/**
 * The machine-readable value of a date formatDate writes in words (HTML's `<time datetime>`): the
 * date itself when it is a real calendar day, undefined for other text (printed as it is).
 */
export function dateDatetime(isoDate: string): string | undefined {
  return calendarDay(isoDate) ? isoDate : undefined;
}

/**
 * An RFC 3339 date-time as written: its wall-clock time read as if it were UTC (so Intl writes it
 * back unchanged in the zone "UTC"), how precise it is, and its offset in minutes when it has one.
 */
type WallClock = Readonly<{
  asUtcMs: number;
  hasSeconds: boolean;
  /** Digits of the fraction of a second shown, when it has one: up to 3 (a Date holds milliseconds). */
  fractionDigits: 1 | 2 | 3 | undefined;
  /** The fraction of a second as written ("250", "123456"), every digit; "" when it has none. */
  fraction: string;
  offsetMinutes: number | undefined;
}>;

const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(?:([Zz])|([+-])(\d{2}):?(\d{2}))?$/;

/** The wall clock of a date-time, or undefined when it is none or names a moment that does not exist. */
function parseWallClock(text: string): WallClock | undefined {
  const match = DATE_TIME.exec(text);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((group) =>
    Number(match[group] ?? 0),
  ) as [number, number, number, number, number, number];
  const fraction = match[7] ?? '';
  const milliseconds = Number(fraction.slice(0, 3).padEnd(3, '0'));
  const asUtcMs = Date.UTC(year, month - 1, day, hour, minute, second, milliseconds);
  // Date.UTC rolls 30 February over into March and 24:00 into the next day: such text is printed as it is.
  const roundTrip = new Date(asUtcMs).toISOString();
  if (roundTrip.slice(0, 16) !== `${match.slice(1, 4).join('-')}T${match[4]}:${match[5]}`) return undefined;
  if (second > 59) return undefined;
  const offsetMinutes = match[8]
    ? 0
    : match[9]
      ? (match[9] === '-' ? -1 : 1) * (Number(match[10]) * 60 + Number(match[11]))
      : undefined;
  return {
    asUtcMs,
    hasSeconds: match[6] !== undefined,
    fractionDigits: fraction ? (Math.min(fraction.length, 3) as 1 | 2 | 3) : undefined,
    fraction,
    offsetMinutes,
  };
}

/** One formatter per language and set of options, made once: making one costs far more than using it. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterOf(language: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${language} ${JSON.stringify(options)}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat(documentLocaleOf(language), { ...options, timeZone: 'UTC' });
    formatters.set(key, formatter);
  }
  return formatter;
}

/** "1 March 2026 at 10:15:00": the day in words and the time, as precise as the text was. */
function writtenClock(asUtcMs: number, clock: WallClock, language: string): string {
  return formatterOf(language, {
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    ...(clock.hasSeconds ? { second: '2-digit' } : {}),
    ...(clock.fractionDigits ? { fractionalSecondDigits: clock.fractionDigits } : {}),
  }).format(asUtcMs);
}

/** "UTC+1", "UTC+5:30", "UTC-3", "UTC": an offset from UTC, the same in every language. */
export function offsetText(offsetMinutes: number): string {
  if (offsetMinutes === 0) return 'UTC';
  const magnitude = Math.abs(offsetMinutes);
  const minutes = magnitude % 60;
  const hours = (magnitude - minutes) / 60;
  return `UTC${offsetMinutes < 0 ? '-' : '+'}${hours}${minutes ? `:${String(minutes).padStart(2, '0')}` : ''}`;
}

/**
 * Latin text (a zone name, "UTC+1") inside an Arabic line, isolated left to right: otherwise the
 * Unicode bidi algorithm would join the digit that opens the next Arabic date to the Latin run,
 * and the reader would find "1" of "1 مارس" on the far side of "Europe/Paris".
 */
function latin(text: string, direction: 'ltr' | 'rtl'): string {
  return direction === 'rtl' ? `\u2066${text}\u2069` : text;
}

/**
 * The offset from UTC of a wall-clock time: the one it states, else its zone's at that moment;
 * undefined when it states none and its zone is not given or not known to the engine.
 */
function offsetOf(clock: WallClock, zone: string | undefined): number | undefined {
  if (clock.offsetMinutes !== undefined) return clock.offsetMinutes;
  if (!zone) return undefined;
  const instant = wallClockToInstant(clock.asUtcMs, zone);
  return instant ? Math.round((clock.asUtcMs - instant.getTime()) / 60_000) : undefined;
}

/**
 * A moment in the version's language with its zone: "1 March 2026 at 10:15:00 UTC+3 = 1 March
 * 2026 at 07:15:00 UTC" (an offset), "… 10:15 Europe/Paris (UTC+2) = … 08:15 UTC" (a zone for a
 * wall-clock time), "… 10:15:00 UTC" (already UTC), "… 10:15:00 (time zone not stated)";
 * `zone` is the IANA zone the writer named. Text that is no date-time, or a zone the engine does
 * not know, is printed as written.
 */
export function writtenMoment(moment: string, zone: string | undefined, writing: MomentWriting): string {
  const { language, direction } = writing;
  const clock = parseWallClock(moment);
  if (!clock) return [moment, zone && latin(zone, direction)].filter(Boolean).join(' ');
  const local = writtenClock(clock.asUtcMs, clock, language);
  const offsetMinutes = offsetOf(clock, zone);
  if (offsetMinutes === undefined) {
    return zone ? `${local} ${latin(zone, direction)}` : `${local} (${writing.zoneNotStated})`;
  }
  const zoneText = zone ? `${zone} (${offsetText(offsetMinutes)})` : offsetText(offsetMinutes);
  const written = `${local} ${latin(zoneText, direction)}`;
  if (offsetMinutes === 0) return written;
  const utc = writtenClock(clock.asUtcMs - offsetMinutes * 60_000, clock, language);
  return `${written} = ${utc} ${latin('UTC', direction)}`;
}

/**
 * The machine-readable value of a moment writtenMoment writes in words (HTML's `<time datetime>`):
 * the instant in UTC, "2026-12-07T20:04:11Z", as precise as it was given up to milliseconds, as
 * the words are: HTML's valid date-time allows at most three digits of a fraction of a second
 * ("…:11.123Z" for "…:11.123456"); the request's own JSON keeps every digit. A wall-clock time whose offset is
 * not known (no zone, or one the engine does not know) has no instant: it is given as written,
 * without a zone ("2026-07-01T10:15"), as HTML's local date and time. Undefined for other text.
 */
export function momentDatetime(moment: string, zone: string | undefined): string | undefined {
  const clock = parseWallClock(moment);
  if (!clock) return undefined;
  const offsetMinutes = offsetOf(clock, zone);
  const iso = new Date(clock.asUtcMs - (offsetMinutes ?? 0) * 60_000).toISOString();
  const precise = clock.hasSeconds
    ? `${iso.slice(0, 19)}${clock.fraction ? `.${clock.fraction.slice(0, 3)}` : ''}`
    : iso.slice(0, 16);
  return offsetMinutes === undefined ? precise : `${precise}Z`;
}

/**
 * A date, a moment or other text as someone gave it (an evidence item's "acquired when"): a
 * calendar date or a date-time written in words as formatDate and writtenMoment do, other text
 * as it is.
 */
export function writtenDateOrMoment(text: string, writing: MomentWriting): string {
  return calendarDay(text) ? formatDate(text, writing.language) : writtenMoment(text, undefined, writing);
}
