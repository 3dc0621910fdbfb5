/**
 * When to try a failed delivery again: a pure function of the attempt number, so the schedule is
 * the same in every process and can be tested without a clock.
 *
 * Exponential back-off (500 ms, doubling, capped at 5 minutes) with FULL jitter: the delay is
 * drawn uniformly in [0, ceiling). Full jitter spreads the retries of many messages to one peer
 * that came back after an outage, instead of having them all arrive at the same instant.
 *
 * Choice: a transient failure (timeout, connection refused, 5xx, 429) is retried indefinitely, at
 * most every 5 minutes once the cap is reached. A State's node may be down for hours (maintenance,
 * a network cut) and the Convention's requests must still arrive when it returns; giving up after
 * a fixed time would silently turn an outage into lost requests. A person sees the queue and the
 * attempts on the peers screen and can cancel a message. Only a permanent failure (the peer
 * refused the message itself: unknown sender, bad signature, schema-invalid...) gives up, because
 * sending the same bytes again can only be refused again.
 */

/** How a failed attempt is classified (see failure-classification.ts). */
export type RetryableFailure = 'transient' | 'permanent';

export type RetryPolicy = Readonly<{
  /** Ceiling of the first retry's delay, in milliseconds. */
  baseMs: number;
  /** Growth of the ceiling per attempt. */
  factor: number;
  /** Largest delay, in milliseconds. */
  capMs: number;
  /** Give up on transient failures after this long since the first attempt; Infinity never gives up. */
  giveUpAfterMs: number;
}>;

export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  baseMs: 500,
  factor: 2,
  capMs: 5 * 60 * 1000,
  giveUpAfterMs: Number.POSITIVE_INFINITY,
});

export type RetryInput = Readonly<{
  /** How many attempts have failed so far, counting the one that just failed (1 after the first). */
  attempt: number;
  /** Milliseconds since the first attempt (or since the message was queued). */
  elapsedMs: number;
  /** A number in [0, 1): Math.random in production, fixed in tests. */
  random: number;
  /** What the failed attempt was; a permanent failure is never retried. Default transient. */
  failure?: RetryableFailure;
}>;

/** The ceiling of the delay before the retry that follows `attempt` failures (before jitter). */
export function retryCeilingMs(attempt: number, policy: RetryPolicy = DEFAULT_RETRY_POLICY): number {
  const exponent = Math.max(0, Math.floor(attempt) - 1);
  // Computed in the log domain first so a huge attempt count cannot overflow to Infinity or NaN.
  if (exponent * Math.log(policy.factor) >= Math.log(policy.capMs / policy.baseMs)) return policy.capMs;
  return Math.min(policy.capMs, policy.baseMs * policy.factor ** exponent);
}

/**
 * Milliseconds to wait before the next attempt, or null to stop retrying. Never negative, never
 * above the cap; invalid inputs (NaN, a random outside [0, 1)) are clamped rather than trusted.
 */
export function nextRetryDelay(input: RetryInput, policy: RetryPolicy = DEFAULT_RETRY_POLICY): number | null {
  if (input.failure === 'permanent') return null;
  if (Number.isFinite(input.elapsedMs) && input.elapsedMs >= policy.giveUpAfterMs) return null;
  const attempt = Number.isNaN(input.attempt) ? 1 : Math.max(1, input.attempt);
  const random = Number.isFinite(input.random) ? Math.min(Math.max(input.random, 0), 1 - Number.EPSILON) : 0;
  return Math.floor(random * retryCeilingMs(attempt, policy));
}
