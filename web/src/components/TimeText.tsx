/**
 * An instant as a <time> element in the UI language, or `empty` (a dash) when there is none.
 * `isExact` shows the seconds and names the time zone: for retries seconds apart (a next attempt,
 * a last attempt) and an operator's screen.
 */
import { formatDateTime, formatExactInstant } from './format.ts';

export function TimeText({
  iso,
  isExact = false,
  empty = '—',
}: {
  iso: string | null | undefined;
  isExact?: boolean;
  empty?: string | null;
}) {
  if (!iso) return empty;
  return (
    <time dateTime={iso} style={{ whiteSpace: 'nowrap' }}>
      {isExact ? formatExactInstant(iso) : formatDateTime(iso)}
    </time>
  );
}
