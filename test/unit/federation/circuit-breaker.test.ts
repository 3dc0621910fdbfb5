import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CLOSED_CIRCUIT,
  type CircuitBreakerPolicy,
  type CircuitState,
  circuitAt,
  isPostingAllowed,
  parseCircuitState,
  recordFailure,
  recordSuccess,
  trialLimit,
} from '../../../src/federation/delivery/circuit-breaker.ts';

const POLICY: CircuitBreakerPolicy = { failureThreshold: 3, coolDownMs: 10_000 };
const T0 = new Date('2026-11-28T12:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

function failTimes(state: CircuitState, times: number, now: Date): CircuitState {
  let current = state;
  for (let i = 0; i < times; i += 1) current = recordFailure(current, now, POLICY);
  return current;
}

describe('circuit breaker', () => {
  it('reads a circuit opened by a clock that ran ahead as half-open once the clock is corrected', () => {
    const openedAhead: CircuitState = {
      status: 'open',
      consecutiveFailures: 3,
      openedAt: at(3_600_000).toISOString(),
    };
    assert.equal(circuitAt(openedAhead, T0, POLICY).status, 'half-open');
    const openedJustAhead: CircuitState = {
      status: 'open',
      consecutiveFailures: 3,
      openedAt: at(500).toISOString(),
    };
    assert.equal(circuitAt(openedJustAhead, T0, POLICY).status, 'open', 'a small skew between processes');
  });

  it('stays closed below the threshold and counts consecutive failures', () => {
    const state = failTimes(CLOSED_CIRCUIT, 2, T0);
    assert.deepEqual(state, { status: 'closed', consecutiveFailures: 2 });
    assert.equal(isPostingAllowed(state, T0, POLICY), true);
    assert.equal(trialLimit(state, T0, POLICY), Number.POSITIVE_INFINITY);
  });

  it('opens after N consecutive failures and then refuses posting', () => {
    const state = failTimes(CLOSED_CIRCUIT, 3, T0);
    assert.deepEqual(state, { status: 'open', consecutiveFailures: 3, openedAt: T0.toISOString() });
    assert.equal(isPostingAllowed(state, at(9_999), POLICY), false);
    assert.equal(trialLimit(state, at(9_999), POLICY), 0);
  });

  it('a success in between resets the count', () => {
    const state = recordFailure(recordSuccess(failTimes(CLOSED_CIRCUIT, 2, T0)), T0, POLICY);
    assert.deepEqual(state, { status: 'closed', consecutiveFailures: 1 });
  });

  it('reads as half-open once the cool-down has elapsed, letting one trial through', () => {
    const open = failTimes(CLOSED_CIRCUIT, 3, T0);
    const later = circuitAt(open, at(10_000), POLICY);
    assert.equal(later.status, 'half-open');
    assert.equal(isPostingAllowed(open, at(10_000), POLICY), true);
    assert.equal(trialLimit(open, at(10_000), POLICY), 1);
  });

  it('half-open closes on success', () => {
    const open = failTimes(CLOSED_CIRCUIT, 3, T0);
    assert.deepEqual(recordSuccess(circuitAt(open, at(10_000), POLICY)), CLOSED_CIRCUIT);
  });

  it('half-open opens again on failure, and the cool-down restarts', () => {
    const open = failTimes(CLOSED_CIRCUIT, 3, T0);
    const reopened = recordFailure(open, at(12_000), POLICY);
    assert.deepEqual(reopened, {
      status: 'open',
      consecutiveFailures: 4,
      openedAt: at(12_000).toISOString(),
    });
    assert.equal(isPostingAllowed(reopened, at(21_999), POLICY), false);
    assert.equal(isPostingAllowed(reopened, at(22_000), POLICY), true);
  });

  it('a late failure while still open keeps the original cool-down', () => {
    const open = failTimes(CLOSED_CIRCUIT, 3, T0);
    const late = recordFailure(open, at(5_000), POLICY);
    assert.deepEqual(late, { status: 'open', consecutiveFailures: 4, openedAt: T0.toISOString() });
  });

  it('reads stored states back and treats malformed ones as closed', () => {
    const open = failTimes(CLOSED_CIRCUIT, 3, T0);
    assert.deepEqual(parseCircuitState(JSON.parse(JSON.stringify(open))), open);
    assert.deepEqual(parseCircuitState({ status: 'closed', consecutiveFailures: 2 }), {
      status: 'closed',
      consecutiveFailures: 2,
    });
    for (const junk of [
      null,
      undefined,
      'open',
      42,
      [],
      { status: 'open' },
      { status: 'weird', consecutiveFailures: 9 },
    ]) {
      assert.equal(parseCircuitState(junk).status, 'closed');
      assert.equal(parseCircuitState(junk).consecutiveFailures, 0);
    }
    assert.equal(parseCircuitState({ status: 'closed', consecutiveFailures: -4 }).consecutiveFailures, 0);
  });

  it('an open state with an unreadable time reads as half-open rather than shut forever', () => {
    assert.equal(
      circuitAt({ status: 'open', consecutiveFailures: 5, openedAt: 'garbage' }, T0, POLICY).status,
      'half-open',
    );
  });
});
