/**
 * Work a node does in the background at a quiet moment: when its event loop has been busy less
 * than a small share of a window's time, so that what it costs (a pause of the one thread, the
 * embedded database's one connection held) falls where no request waits. The start-up garbage
 * collection (main.ts) and the routine maintenance of the embedded database
 * (database-maintenance.service.ts) wait for one.
 */

/** The event loop's busy share under which a window counts as quiet. */
export const QUIET_LOOP_UTILIZATION = 0.05;

export type QuietMomentOptions = Readonly<{
  /** The first moment it may run. */
  delayMs: number;
  /** How long the event loop is watched before each decision (default 1 s). */
  windowMs?: number;
  /** The busy share under which a window counts as quiet (default QUIET_LOOP_UTILIZATION). */
  quietBelow?: number;
  /** From `delayMs` on, the longest wait for a quiet window: then it runs anyway (default: no limit). */
  latestMs?: number;
}>;

/**
 * Calls `run` once, at the end of the first quiet window from `delayMs` on, or when `latestMs`
 * has passed without one. Its timers do not keep the process alive. Returns a function that
 * cancels it.
 */
export function runAtQuietMoment(run: () => void, options: QuietMomentOptions): () => void {
  const windowMs = options.windowMs ?? 1000;
  const quietBelow = options.quietBelow ?? QUIET_LOOP_UTILIZATION;
  let deadline = Number.POSITIVE_INFINITY;
  let timer: NodeJS.Timeout;
  const watch = () => {
    const start = performance.eventLoopUtilization();
    timer = setTimeout(() => {
      const isQuiet = performance.eventLoopUtilization(start).utilization < quietBelow;
      if (isQuiet || performance.now() >= deadline) run();
      else watch();
    }, windowMs);
    timer.unref();
  };
  timer = setTimeout(
    () => {
      if (options.latestMs !== undefined) deadline = performance.now() + windowMs + options.latestMs;
      watch();
    },
    Math.max(0, options.delayMs - windowMs),
  );
  timer.unref();
  return () => clearTimeout(timer);
}
