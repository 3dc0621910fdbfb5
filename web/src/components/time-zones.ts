/**
 * Time zones as a person chooses them: by country and city, with the offset from UTC they have
 * now ("Germany — Berlin (UTC+01:00)"), in the user's language; the value stays the IANA zone
 * (`Europe/Berlin`) that the node stores and that every other screen reads.
 */
import { getTimezone } from 'countries-and-timezones';

export type TimeZoneOption = Readonly<{ value: string; label: string }>;

/** The zone's offset from UTC at that instant, as "UTC+05:30" (DST included); undefined if unknown. */
export function utcOffsetOf(timeZone: string, at: Date): string | undefined {
  try {
    const part = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })
      .formatToParts(at)
      .find((each) => each.type === 'timeZoneName')?.value;
    if (!part) return undefined;
    return part === 'GMT' ? 'UTC+00:00' : part.replace('GMT', 'UTC');
  } catch {
    return undefined;
  }
}

/** The city of a zone id, as people write it ("America/Argentina/Buenos_Aires" -> "Buenos Aires"). */
function cityOf(timeZone: string): string {
  return (timeZone.split('/').at(-1) ?? timeZone).replaceAll('_', ' ');
}

function countryNameOf(timeZone: string, regions: Intl.DisplayNames): string | undefined {
  const country = getTimezone(timeZone)?.countries[0];
  if (!country) return undefined;
  try {
    return regions.of(country) ?? country;
  } catch {
    return country;
  }
}

/** A zone as a person reads it: country, city and current offset; the id itself when nothing is known. */
export function describeTimeZone(timeZone: string, language: string, at: Date = new Date()): string {
  const offset = utcOffsetOf(timeZone, at);
  if (timeZone === 'UTC' || timeZone === 'Etc/UTC') return 'UTC';
  const country = countryNameOf(timeZone, new Intl.DisplayNames([language], { type: 'region' }));
  const place = country ? `${country} — ${cityOf(timeZone)}` : timeZone;
  return offset ? `${place} (${offset})` : place;
}

/** Every zone the browser knows, UTC first, then by country and city in the user's language. */
export function timeZoneOptions(language: string, at: Date = new Date()): TimeZoneOption[] {
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  const options = zones
    .filter((zone) => zone !== 'UTC' && zone !== 'Etc/UTC')
    .map((zone) => ({ value: zone, label: describeTimeZone(zone, language, at) }))
    .sort((a, b) => a.label.localeCompare(b.label, language));
  return [{ value: 'UTC', label: 'UTC' }, ...options];
}
