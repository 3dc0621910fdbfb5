/**
 * Runs a script of named steps one after the other, timing each and printing it as it ends, and
 * stops at the first failure with one readable line saying which step failed and why. The demo
 * scenario uses it so that its output is the account of what happened.
 */

export type Step = Readonly<{
  title: string;
  /** Does the step; may return a short detail to print next to the title (an id, a count). */
  run: () => Promise<string | undefined>;
}>;

export type StepResult = Readonly<{ title: string; milliseconds: number; detail: string | undefined }>;

export type StepsOutcome =
  | Readonly<{ isSuccess: true; steps: readonly StepResult[]; totalMilliseconds: number }>
  | Readonly<{
      isSuccess: false;
      steps: readonly StepResult[];
      totalMilliseconds: number;
      failedStep: string;
      reason: string;
    }>;

/** Formats a duration for people: 840 ms, 1.24 s. */
export function formatDuration(milliseconds: number): string {
  return milliseconds < 1000 ? `${Math.round(milliseconds)} ms` : `${(milliseconds / 1000).toFixed(2)} s`;
}

export async function runSteps(steps: readonly Step[], print: (line: string) => void): Promise<StepsOutcome> {
  const results: StepResult[] = [];
  const started = performance.now();
  for (const [index, step] of steps.entries()) {
    const label = `[${index + 1}/${steps.length}] ${step.title}`;
    const stepStarted = performance.now();
    try {
      const detail = (await step.run()) ?? undefined;
      const milliseconds = performance.now() - stepStarted;
      results.push({ title: step.title, milliseconds, detail });
      print(`${label} ... ok in ${formatDuration(milliseconds)}${detail ? ` (${detail})` : ''}`);
    } catch (error) {
      const reason = error instanceof Error ? error.message.split('\n')[0]! : String(error);
      print(`${label} ... FAILED after ${formatDuration(performance.now() - stepStarted)}: ${reason}`);
      return {
        isSuccess: false,
        steps: results,
        totalMilliseconds: performance.now() - started,
        failedStep: step.title,
        reason,
      };
    }
  }
  return { isSuccess: true, steps: results, totalMilliseconds: performance.now() - started };
}
