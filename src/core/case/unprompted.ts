/**
 * Steps a case never waits for: made when something outside it happens (a trial discloses
 * information: Art. 40(19), Art. 40(5)). Lists of what a side may do next, on either node or
 * screen, leave them out; the reader who may make one is still offered it. No imports: the web
 * UI reads this list too.
 */
export const UNPROMPTED_TRANSITIONS: readonly string[] = ['notify-exculpatory-disclosure'];

/** Whether the case waits for nobody to make this step. */
export function isUnprompted(transition: string): boolean {
  return UNPROMPTED_TRANSITIONS.includes(transition);
}
