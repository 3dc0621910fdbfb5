/**
 * Wall-clock times in IANA time zones, without a date library: an IP address is attributed to a
 * subscriber only with an exact moment whose zone is beyond doubt, so documents show the moment
 * as written and the same instant in UTC.
 */
const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?$/;
const HAS_OFFSET = /(?:[Zz]|[+-]\d{2}:?\d{2})$/;

/** Whether an RFC 3339 date-time carries its own UTC offset (Z or ±hh:mm). */
export function hasUtcOffset(moment: string): boolean {
  return HAS_OFFSET.test(moment);
}

/** An instant as RFC 3339 UTC, without milliseconds when they are zero. */
export function toUtcText(instant: Date): string {
  return instant.toISOString().replace('.000Z', 'Z');
}

/** The instant a wall-clock time names in an IANA zone (the earlier one across a DST change). */
export function localTimeToInstant(local: string, zone: string): Date | undefined {
  const match = LOCAL_DATE_TIME.exec(local);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((group) =>
    Number(match[group] ?? 0),
  ) as [number, number, number, number, number, number];
  return wallClockToInstant(Date.UTC(year, month - 1, day, hour, minute, second), zone);
}

/**
 * The instant a wall-clock time names in an IANA zone, the wall clock given as milliseconds as if
 * it were UTC (Date.UTC of its fields), so fractions of a second survive; undefined for an
 * unknown zone.
 */
export function wallClockToInstant(wallClockMs: number, zone: string): Date | undefined {
  const firstOffset = zoneOffsetMs(wallClockMs, zone);
  if (firstOffset === undefined) return undefined;
  const secondOffset = zoneOffsetMs(wallClockMs - firstOffset, zone) ?? firstOffset;
  return new Date(wallClockMs - secondOffset);
}

/** The zone's offset from UTC at an instant, in milliseconds; undefined for an unknown zone. */
export function zoneOffsetMs(instantMs: number, zone: string): number | undefined {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    }).formatToParts(new Date(instantMs));
  } catch {
    return undefined;
  }
  const part = (type: Intl.DateTimeFormatPartTypes): number =>
    Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(
    part('year'),
    part('month') - 1,
    part('day'),
    part('hour'),
    part('minute'),
    part('second'),
  );
  return asUtc - Math.floor(instantMs / 1000) * 1000;
}
