/**
 * A very small client-side router over the History API: the UI has a handful of screens and needs
 * no more than "which path is shown" and "go to another path". The node serves index.html for
 * every non-API path, so deep links and reloads work.
 */
import { type AnchorHTMLAttributes, type MouseEvent, forwardRef, useSyncExternalStore } from 'react';

export type Location = Readonly<{ pathname: string; search: string; hash: string }>;

/** The query a page is opened with from the duty desk (`?from=desk`): the menu keeps the desk lit. */
export const FROM_DESK = 'from=desk';

export function isOpenedFromDesk(location: Location): boolean {
  return new URLSearchParams(location.search).get('from') === 'desk';
}

const listeners = new Set<() => void>();
let current: Location = readLocation();
let hasNavigated = false;

/** Whether the user has moved to another screen since the page loaded (the first screen keeps the browser's focus). */
export function hasNavigatedInApp(): boolean {
  return hasNavigated;
}

function readLocation(): Location {
  return { pathname: window.location.pathname, search: window.location.search, hash: window.location.hash };
}

function notify(): void {
  hasNavigated = true;
  current = readLocation();
  for (const listener of listeners) listener();
}

window.addEventListener('popstate', notify);

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The location shown now; re-renders the caller when it changes. */
export function useLocation(): Location {
  return useSyncExternalStore(subscribe, () => current);
}

/**
 * Shows another path of the UI. A replaced address (a search typed, a tab chosen) stays the same
 * entry of the browser's history: it keeps what the screen kept in that entry (history.state).
 */
export function navigate(to: string, options: { replace?: boolean } = {}): void {
  const target = new URL(to, window.location.href);
  const isSame =
    target.pathname === current.pathname && target.search === current.search && target.hash === current.hash;
  if (isSame) return;
  if (options.replace) window.history.replaceState(window.history.state, '', target);
  else window.history.pushState(null, '', target);
  notify();
}

/** Matches `/requests/:id` style patterns; returns the parameters or undefined. */
export function matchPath(pattern: string, pathname: string): Record<string, string> | undefined {
  const patternParts = pattern.split('/').filter(Boolean);
  const pathParts = pathname.split('/').filter(Boolean);
  if (patternParts.length !== pathParts.length) return undefined;
  const params: Record<string, string> = {};
  for (const [index, part] of patternParts.entries()) {
    const actual = pathParts[index] ?? '';
    if (part.startsWith(':')) params[part.slice(1)] = decodeURIComponent(actual);
    else if (part !== actual) return undefined;
  }
  return params;
}

function isPlainLeftClick(event: MouseEvent<HTMLAnchorElement>): boolean {
  return event.button === 0 && !event.metaKey && !event.ctrlKey && !event.shiftKey && !event.altKey;
}

export type RouterLinkProps = AnchorHTMLAttributes<HTMLAnchorElement> & { href: string };

/**
 * An ordinary <a href> that the router handles in place: it stays a real link (open in a new tab,
 * copy address, screen readers announce a link) and only plain clicks are intercepted.
 */
export const RouterLink = forwardRef<HTMLAnchorElement, RouterLinkProps>(function RouterLink(
  { href, onClick, target, ...rest },
  ref,
) {
  return (
    <a
      ref={ref}
      href={href}
      target={target}
      onClick={(event) => {
        onClick?.(event);
        if (event.defaultPrevented || target === '_blank' || !isPlainLeftClick(event)) return;
        event.preventDefault();
        navigate(href);
      }}
      {...rest}
    />
  );
});
