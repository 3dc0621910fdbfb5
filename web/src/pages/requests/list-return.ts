/**
 * What the requests list keeps in its entry of the browser's history (history.state), so that a
 * user who read several pages ("Show more"), opened a request and came back (Back, or a reload)
 * finds the list as they left it: how many rows each tab showed for this search and filter, and
 * the request they opened with where the page was scrolled. In the history rather than the
 * address: the address stays the one to share, and opening /requests afresh reads one page.
 */
import type { RequestDirection } from '../../app/api.ts';

export type ListReturn = Readonly<{
  /** The search and the cases shown that the counts are for (as the address names them). */
  q: string;
  cases: string;
  /** How many rows each tab showed. */
  shown: Readonly<Partial<Record<RequestDirection, number>>>;
  /** The request opened from the list, and the page's scroll then. */
  openedId?: string;
  scrollY?: number;
}>;

/** The key of the list's record in history.state (other screens may keep their own). */
const KEY = 'requestsList';

/** The record kept in this history entry, if the list wrote one. */
export function listReturnOf(state: unknown): ListReturn | undefined {
  const kept = state && typeof state === 'object' ? (state as Record<string, unknown>)[KEY] : undefined;
  return kept && typeof kept === 'object' ? (kept as ListReturn) : undefined;
}

/** Keeps `kept` in the history entry shown (its address unchanged). */
export function keepInHistory(kept: ListReturn): void {
  const state: unknown = window.history.state;
  window.history.replaceState({ ...(state && typeof state === 'object' ? state : {}), [KEY]: kept }, '');
}

/** How many rows of a tab to read again for this search and filter: 0 when none were kept for them. */
export function rowsShownBefore(
  kept: ListReturn | undefined,
  filter: Readonly<{ q: string; cases: string }>,
  direction: RequestDirection,
): number {
  if (!kept || kept.q !== filter.q || kept.cases !== filter.cases) return 0;
  const count = kept.shown?.[direction];
  return typeof count === 'number' && Number.isSafeInteger(count) && count > 0 ? count : 0;
}
