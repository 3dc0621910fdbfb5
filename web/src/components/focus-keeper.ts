/**
 * Keeps the keyboard focus somewhere meaningful (WCAG 2.4.3) for every screen, without each
 * screen having to remember: when the focused element disappears or is disabled under the user
 * (a button that turns into a spinner while it saves, a choice that replaces itself with the next
 * step, a dialog closed by unmounting it, a table row deleted), the browser would drop the focus
 * on the page body and a keyboard or screen-reader user would start again from the top. Instead:
 * - an element that was only disabled (a busy button) gets the focus back once it is enabled;
 * - an element inside a dialog that went away gives the focus back to the dialog's trigger;
 * - otherwise the focus goes to the nearest `[data-focus-fallback]` still shown, else to the
 *   screen's <h1> (components/PageTitle.tsx, tabIndex=-1), else to the main region.
 * A click on a non-focusable part of the page is the user's own choice and is left alone.
 */

/** The last resorts, in order: the screen's heading, then the main region. */
const LAST_RESORTS = ['main h1[tabindex]', '#main'] as const;

type Watched = {
  element: HTMLElement;
  /** The element focused before the focus entered the dialog `element` is in, if any. */
  dialogTrigger: HTMLElement | undefined;
  /** Fallback targets around the element, nearest first (data-focus-fallback). */
  fallbacks: HTMLElement[];
};

let watched: Watched | undefined;
/** When the user last pressed on a part of the page that takes no focus. */
let lastPointerDownOnNothing = 0;
let isScheduled = false;

function isDisabled(element: HTMLElement): boolean {
  return element.matches(':disabled') || element.getAttribute('aria-disabled') === 'true';
}

function isShown(element: HTMLElement): boolean {
  return element.isConnected && element.getClientRects().length > 0 && element.closest('[inert]') === null;
}

function isFocusLost(): boolean {
  const active = document.activeElement;
  return active === null || active === document.body || active === document.documentElement;
}

function headingOrMain(): HTMLElement | undefined {
  for (const selector of LAST_RESORTS) {
    for (const candidate of document.querySelectorAll<HTMLElement>(selector)) {
      if (isShown(candidate) && candidate.closest('[role="dialog"]') === null) return candidate;
    }
  }
  return undefined;
}

function focusWithoutScrollJump(element: HTMLElement): void {
  if (!element.hasAttribute('tabindex') && element.tabIndex < 0) element.setAttribute('tabindex', '-1');
  element.focus();
}

function restore(): void {
  isScheduled = false;
  if (!watched || !isFocusLost()) return;
  // The user clicked somewhere that takes no focus: leave it.
  if (performance.now() - lastPointerDownOnNothing < 300) return;
  const { element, dialogTrigger, fallbacks } = watched;
  if (element.isConnected && isShown(element)) {
    // A busy button: wait until it is enabled again (observed below), then give it back.
    if (isDisabled(element)) return;
    focusWithoutScrollJump(element);
    return;
  }
  if (dialogTrigger && isShown(dialogTrigger) && !isDisabled(dialogTrigger)) {
    focusWithoutScrollJump(dialogTrigger);
    return;
  }
  // A dialog still opening or closing keeps its own focus management.
  if (document.querySelector('[role="dialog"]')) return;
  const fallback = fallbacks.find(isShown) ?? headingOrMain();
  if (fallback) focusWithoutScrollJump(fallback);
}

function schedule(): void {
  if (isScheduled) return;
  isScheduled = true;
  // After React has rendered what replaced the element (the next frame).
  requestAnimationFrame(() => setTimeout(restore, 0));
}

function fallbacksOf(element: HTMLElement): HTMLElement[] {
  const found: HTMLElement[] = [];
  let current: HTMLElement | null = element.parentElement?.closest('[data-focus-fallback]') ?? null;
  while (current) {
    found.push(current);
    current = current.parentElement?.closest('[data-focus-fallback]') ?? null;
  }
  return found;
}

/** Starts watching the focus; call once (main.tsx). Returns a function that stops it. */
export function keepFocusMeaningful(): () => void {
  const onFocusIn = (event: FocusEvent) => {
    const element = event.target;
    if (!(element instanceof HTMLElement)) return;
    const previous = watched;
    const dialog = element.closest('[role="dialog"]');
    let dialogTrigger: HTMLElement | undefined;
    if (dialog) {
      const wasInSameDialog = previous?.element.closest('[role="dialog"]') === dialog;
      dialogTrigger = wasInSameDialog
        ? previous?.dialogTrigger
        : previous && !previous.element.closest('[role="dialog"]')
          ? previous.element
          : previous?.dialogTrigger;
    }
    watched = { element, dialogTrigger, fallbacks: fallbacksOf(element) };
  };
  const onFocusOut = (event: FocusEvent) => {
    if (event.relatedTarget === null) schedule();
  };
  const onPointerDown = (event: PointerEvent) => {
    const target = event.target instanceof Element ? event.target : null;
    const focusable = target?.closest(
      'a[href], button, input, select, textarea, [tabindex], [contenteditable]',
    );
    if (!focusable) lastPointerDownOnNothing = performance.now();
  };
  const observer = new MutationObserver(() => {
    if (watched && isFocusLost()) schedule();
  });
  document.addEventListener('focusin', onFocusIn);
  document.addEventListener('focusout', onFocusOut);
  document.addEventListener('pointerdown', onPointerDown, true);
  observer.observe(document.body, {
    subtree: true,
    childList: true,
    attributes: true,
    attributeFilter: ['disabled', 'aria-disabled', 'data-loading', 'inert', 'hidden'],
  });
  return () => {
    document.removeEventListener('focusin', onFocusIn);
    document.removeEventListener('focusout', onFocusOut);
    document.removeEventListener('pointerdown', onPointerDown, true);
    observer.disconnect();
  };
}

/**
 * Moves the focus to `target` once it is shown (up to a second later): for a screen that knows
 * better than the fallback where the user should continue (a failed save: its error summary).
 */
export function focusWhenShown(target: () => HTMLElement | null | undefined): void {
  const started = performance.now();
  const attempt = () => {
    const element = target();
    if (element && isShown(element)) {
      focusWithoutScrollJump(element);
      return;
    }
    if (performance.now() - started < 1000) requestAnimationFrame(attempt);
  };
  requestAnimationFrame(attempt);
}

/**
 * A ref callback for what an action has just shown and the user must read next (a secret shown
 * once, the new row, the status of a save): the focus moves to it when it mounts. Stable, so
 * React calls it only when the element mounts; give the element a `key` that changes with what
 * it shows to move the focus again for a new one.
 */
export function takeFocusOnMount(element: HTMLElement | null): void {
  if (element) focusWhenShown(() => (element.isConnected ? element : null));
}
