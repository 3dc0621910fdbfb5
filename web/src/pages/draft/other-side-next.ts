/**
 * What the other State may do next on a case, as the case section says it. A refusal or a
 * withdrawal, open to a side at most stages, is not its next step while the case waits for this
 * side (a question to answer): the other State then waits for us, and the section says so rather
 * than naming a refusal as all it may do.
 */
const ALWAYS_OPEN_ENDINGS: readonly string[] = ['refuse', 'withdraw'];

export function otherSideNextSteps(
  otherSideMay: readonly string[],
  /** The steps this side's people may take now: the reader's own, and others' on this side. */
  thisSideMay: readonly string[],
): string[] {
  const isThisSideToAct = thisSideMay.some((transition) => !ALWAYS_OPEN_ENDINGS.includes(transition));
  return otherSideMay.filter((transition) => !isThisSideToAct || !ALWAYS_OPEN_ENDINGS.includes(transition));
}
