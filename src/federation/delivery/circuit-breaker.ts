/**
 * A circuit breaker per peer, as a pure state machine: the delivery worker stops posting to a
 * peer that keeps failing, so one State's outage does not use every delivery slot and every
 * timeout of the node, and tries again with a single message after a cool-down.
 *
 *   closed    --N consecutive transient failures-->  open
 *   open      --cool-down elapsed (on read)------->  half-open
 *   half-open --success-->  closed,   --failure-->  open (cool-down starts again)
 *
 * The state is plain JSON so it can live in the database (peer_states) and be shared by every
 * process of the node.
 */

export type CircuitState =
  | Readonly<{ status: 'closed'; consecutiveFailures: number }>
  | Readonly<{ status: 'open'; consecutiveFailures: number; openedAt: string }>
  | Readonly<{ status: 'half-open'; consecutiveFailures: number; openedAt: string }>;

export type CircuitStatus = CircuitState['status'];

export type CircuitBreakerPolicy = Readonly<{
  /** Consecutive transient failures that open the circuit. */
  failureThreshold: number;
  /** Milliseconds the circuit stays open before one trial message is let through. */
  coolDownMs: number;
}>;

export const DEFAULT_CIRCUIT_POLICY: CircuitBreakerPolicy = Object.freeze({
  failureThreshold: 5,
  coolDownMs: 30_000,
});

export const CLOSED_CIRCUIT: CircuitState = Object.freeze({ status: 'closed', consecutiveFailures: 0 });

/**
 * The state as seen at `now`: an open circuit whose cool-down has elapsed reads as half-open, as
 * does one opened more than a cool-down in the future (by a clock that ran ahead, since
 * corrected: it would otherwise stay shut until the wrong clock's time). Everything else is
 * unchanged.
 */
export function circuitAt(
  state: CircuitState,
  now: Date,
  policy: CircuitBreakerPolicy = DEFAULT_CIRCUIT_POLICY,
): CircuitState {
  if (state.status !== 'open') return state;
  const openedAt = Date.parse(state.openedAt);
  const elapsed = now.getTime() - openedAt;
  if (Number.isNaN(openedAt) || elapsed >= policy.coolDownMs || elapsed < -policy.coolDownMs) {
    return { status: 'half-open', consecutiveFailures: state.consecutiveFailures, openedAt: state.openedAt };
  }
  return state;
}

/** Whether a message may be posted to the peer now; at most one while half-open (see `trialLimit`). */
export function isPostingAllowed(
  state: CircuitState,
  now: Date,
  policy: CircuitBreakerPolicy = DEFAULT_CIRCUIT_POLICY,
): boolean {
  return circuitAt(state, now, policy).status !== 'open';
}

/** How many messages may be posted to the peer in one round: none, one trial, or no limit. */
export function trialLimit(
  state: CircuitState,
  now: Date,
  policy: CircuitBreakerPolicy = DEFAULT_CIRCUIT_POLICY,
): number {
  const current = circuitAt(state, now, policy);
  if (current.status === 'open') return 0;
  if (current.status === 'half-open') return 1;
  return Number.POSITIVE_INFINITY;
}

/** The peer answered (even with a refusal of one message: it is reachable). Closes the circuit. */
export function recordSuccess(_state: CircuitState): CircuitState {
  return CLOSED_CIRCUIT;
}

/** The peer could not be reached or failed (timeout, connection refused, 5xx). */
export function recordFailure(
  state: CircuitState,
  now: Date,
  policy: CircuitBreakerPolicy = DEFAULT_CIRCUIT_POLICY,
): CircuitState {
  const current = circuitAt(state, now, policy);
  const consecutiveFailures = current.consecutiveFailures + 1;
  switch (current.status) {
    case 'closed':
      return consecutiveFailures >= policy.failureThreshold
        ? { status: 'open', consecutiveFailures, openedAt: now.toISOString() }
        : { status: 'closed', consecutiveFailures };
    case 'half-open':
      // The trial failed: open again, and the cool-down starts from now.
      return { status: 'open', consecutiveFailures, openedAt: now.toISOString() };
    case 'open':
      // A failure reported while open (a message posted before the circuit opened): stay open
      // without restarting the cool-down, so late reports cannot keep the peer shut forever.
      return { status: 'open', consecutiveFailures, openedAt: current.openedAt };
  }
}

/** Reads a stored state back, tolerating anything malformed as a closed circuit. */
export function parseCircuitState(value: unknown): CircuitState {
  if (value === null || typeof value !== 'object') return CLOSED_CIRCUIT;
  const record = value as Record<string, unknown>;
  const failures =
    typeof record.consecutiveFailures === 'number' && Number.isFinite(record.consecutiveFailures)
      ? Math.max(0, Math.floor(record.consecutiveFailures))
      : 0;
  if ((record.status === 'open' || record.status === 'half-open') && typeof record.openedAt === 'string') {
    return { status: record.status, consecutiveFailures: failures, openedAt: record.openedAt };
  }
  return { status: 'closed', consecutiveFailures: record.status === 'closed' ? failures : 0 };
}
