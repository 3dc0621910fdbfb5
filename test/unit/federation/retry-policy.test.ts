import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  DEFAULT_RETRY_POLICY,
  nextRetryDelay,
  type RetryPolicy,
  retryCeilingMs,
} from '../../../src/federation/delivery/retry-policy.ts';

const FIVE_MINUTES = 5 * 60 * 1000;

describe('retry policy', () => {
  it('has a ceiling of 500 ms after the first failure, doubling, capped at 5 minutes', () => {
    assert.equal(retryCeilingMs(1), 500);
    assert.equal(retryCeilingMs(2), 1000);
    assert.equal(retryCeilingMs(3), 2000);
    assert.equal(retryCeilingMs(10), 500 * 2 ** 9);
    assert.equal(retryCeilingMs(11), FIVE_MINUTES); // 512 000 ms > cap
    assert.equal(retryCeilingMs(1000), FIVE_MINUTES);
    assert.equal(retryCeilingMs(Number.MAX_SAFE_INTEGER), FIVE_MINUTES);
    assert.equal(retryCeilingMs(Number.POSITIVE_INFINITY), FIVE_MINUTES);
  });

  it('draws the delay uniformly below the ceiling (full jitter)', () => {
    assert.equal(nextRetryDelay({ attempt: 1, elapsedMs: 0, random: 0 }), 0);
    assert.equal(nextRetryDelay({ attempt: 1, elapsedMs: 0, random: 0.5 }), 250);
    assert.equal(nextRetryDelay({ attempt: 3, elapsedMs: 0, random: 0.25 }), 500);
    assert.equal(nextRetryDelay({ attempt: 3, elapsedMs: 0, random: 0.999999 }), 1999);
    assert.equal(nextRetryDelay({ attempt: 50, elapsedMs: 0, random: 0.5 }), FIVE_MINUTES / 2);
  });

  it('never gives up on a transient failure, even after days', () => {
    const delay = nextRetryDelay({
      attempt: 10_000,
      elapsedMs: 30 * 24 * 3600 * 1000,
      random: 0.9,
      failure: 'transient',
    });
    assert.equal(delay, Math.floor(0.9 * FIVE_MINUTES));
  });

  it('gives up at once on a permanent failure', () => {
    assert.equal(nextRetryDelay({ attempt: 1, elapsedMs: 0, random: 0.5, failure: 'permanent' }), null);
  });

  it('gives up on transient failures after giveUpAfterMs when a policy sets one', () => {
    const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, giveUpAfterMs: 60_000 };
    assert.equal(nextRetryDelay({ attempt: 3, elapsedMs: 59_999, random: 0.5 }, policy), 1000);
    assert.equal(nextRetryDelay({ attempt: 3, elapsedMs: 60_000, random: 0.5 }, policy), null);
  });

  it('clamps nonsense inputs instead of producing NaN, negative or huge delays', () => {
    assert.equal(nextRetryDelay({ attempt: Number.NaN, elapsedMs: Number.NaN, random: Number.NaN }), 0);
    assert.equal(nextRetryDelay({ attempt: 0, elapsedMs: 0, random: 0.5 }), 250);
    assert.equal(nextRetryDelay({ attempt: -3, elapsedMs: 0, random: 0.5 }), 250);
    assert.equal(nextRetryDelay({ attempt: 2, elapsedMs: 0, random: -1 }), 0);
    assert.equal(nextRetryDelay({ attempt: 2, elapsedMs: 0, random: 7 }), 999);
  });

  it('always answers an integer in [0, min(cap, ceiling)) for any input (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -5, max: 1_000_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        fc.nat(),
        (attempt, random, elapsedMs) => {
          const delay = nextRetryDelay({ attempt, elapsedMs, random });
          assert.notEqual(delay, null);
          const value = delay as number;
          assert.ok(Number.isInteger(value));
          assert.ok(value >= 0);
          assert.ok(value < Math.max(1, retryCeilingMs(Math.max(1, attempt))));
          assert.ok(value < FIVE_MINUTES);
        },
      ),
    );
  });

  it('has a ceiling that never decreases from one attempt to the next (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), (attempt) => {
        assert.ok(retryCeilingMs(attempt + 1) >= retryCeilingMs(attempt));
      }),
    );
  });
});
