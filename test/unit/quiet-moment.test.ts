/**
 * Background work at a quiet moment (src/services/quiet-moment.ts): it waits while the event loop
 * is busy, runs at the first quiet window, and does not wait past its latest moment. (The wait for
 * a quiet window is also what the start-up collection's test, start-up-memory.test.ts, checks.)
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runAtQuietMoment } from '../../src/services/quiet-moment.ts';

/** Keeps the event loop busy about 80 % of the time until stopped: a node serving requests. */
function keepBusy(): () => void {
  const busy = setInterval(() => {
    const until = performance.now() + 20;
    while (performance.now() < until);
  }, 25);
  return () => clearInterval(busy);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('work at a quiet moment', () => {
  it('runs once at the first quiet window after a busy time', async () => {
    let runs = 0;
    const stopBusy = keepBusy();
    runAtQuietMoment(() => (runs += 1), { delayMs: 40, windowMs: 40 });
    await sleep(400);
    stopBusy();
    assert.equal(runs, 0, 'ran while the event loop was busy');
    const deadline = Date.now() + 5000;
    while (runs === 0 && Date.now() < deadline) await sleep(20);
    assert.equal(runs, 1);
    await sleep(200);
    assert.equal(runs, 1, 'ran more than once');
  });

  it('runs anyway once its latest moment has passed without a quiet window', async () => {
    let ranAt: number | undefined;
    const stopBusy = keepBusy();
    try {
      const start = performance.now();
      runAtQuietMoment(() => (ranAt = performance.now() - start), {
        delayMs: 40,
        windowMs: 40,
        latestMs: 300,
      });
      const deadline = Date.now() + 5000;
      while (ranAt === undefined && Date.now() < deadline) await sleep(20);
    } finally {
      stopBusy();
    }
    assert.ok(ranAt !== undefined, 'never ran while busy');
    assert.ok(ranAt >= 300, `ran after ${ranAt} ms, before its latest moment`);
  });

  it('does not run once cancelled, while it waits for a quiet window', async () => {
    let runs = 0;
    const stopBusy = keepBusy();
    const cancel = runAtQuietMoment(() => (runs += 1), { delayMs: 40, windowMs: 40 });
    await sleep(200);
    cancel();
    stopBusy();
    await sleep(300);
    assert.equal(runs, 0);
  });
});
