/**
 * The moment an identifier was seen in use. An IP address without an exact time (and a time
 * without its offset or zone) cannot be attributed to a subscriber, so both are checked.
 */
import { isRealDate } from './calendar-date.ts';

/**
 * RFC 3339 date-time. Seconds may be left out (as HTML date-time inputs do) and the offset may be
 * missing, in which case the identifier's IANA `timeZone` says where the clock was.
 */
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?([Zz]|[+-](\d{2}):(\d{2}))?$/;

export type ParsedDateTime = Readonly<{ hasOffset: boolean }>;

/** The date-time's shape, or undefined when it is not a date-time or names a moment that does not exist. */
export function parseDateTime(value: string): ParsedDateTime | undefined {
  const match = DATE_TIME.exec(value.trim());
  if (!match) return undefined;
  const [year, month, day, hour, minute] = [1, 2, 3, 4, 5].map((group) => Number(match[group])) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const second = match[6] === undefined ? 0 : Number(match[6]);
  if (!isRealDate(year, month, day) || hour > 23 || minute > 59 || second > 60) return undefined;
  if (match[8] !== undefined && (Number(match[8]) > 23 || Number(match[9]) > 59)) return undefined;
  return { hasOffset: match[7] !== undefined };
}

const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/;
let knownZones: ReadonlySet<string> | undefined;

/**
 * Whether the text names an IANA time zone (e.g. Europe/Paris, UTC). Offsets such as "+01:00"
 * are not zones: they belong in the date-time itself.
 */
export function isIanaTimeZone(value: string): boolean {
  knownZones ??= new Set([...Intl.supportedValuesOf('timeZone'), 'UTC', 'Etc/UTC', 'GMT', 'Etc/GMT']);
  if (knownZones.has(value)) return true;
  if (!ZONE_NAME.test(value)) return false;
  try {
    // The engine also knows the zone database's aliases (e.g. Asia/Calcutta).
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}
