/** The demo's step runner: prints each step with its time, stops at the first failure and names it. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDuration, runSteps } from '../../../src/demo/step-runner.ts';

describe('runSteps', () => {
  it('runs every step in order and prints each with its detail', async () => {
    const lines: string[] = [];
    const order: string[] = [];
    const outcome = await runSteps(
      [
        {
          title: 'first',
          run: async () => {
            order.push('first');
            return 'id 1';
          },
        },
        {
          title: 'second',
          run: async () => {
            order.push('second');
            return undefined;
          },
        },
      ],
      (line) => lines.push(line),
    );
    assert.equal(outcome.isSuccess, true);
    assert.deepEqual(order, ['first', 'second']);
    assert.match(lines[0]!, /^\[1\/2\] first \.\.\. ok in \d+ ms \(id 1\)$/);
    assert.match(lines[1]!, /^\[2\/2\] second \.\.\. ok in \d+ ms$/);
  });

  it('stops at the first failure, names the step and gives the first line of the reason', async () => {
    const lines: string[] = [];
    let isThirdRun = false;
    const outcome = await runSteps(
      [
        { title: 'draft', run: async () => undefined },
        {
          title: 'send',
          run: async () => {
            throw new Error('peer refused\nstack...');
          },
        },
        {
          title: 'receipt',
          run: async () => {
            isThirdRun = true;
            return undefined;
          },
        },
      ],
      (line) => lines.push(line),
    );
    assert.equal(outcome.isSuccess, false);
    assert.equal(isThirdRun, false);
    if (outcome.isSuccess) return;
    assert.equal(outcome.failedStep, 'send');
    assert.equal(outcome.reason, 'peer refused');
    assert.equal(outcome.steps.length, 1);
    assert.match(lines[1]!, /^\[2\/3\] send \.\.\. FAILED after \d+ ms: peer refused$/);
  });

  it('formats durations for people', () => {
    assert.equal(formatDuration(840.4), '840 ms');
    assert.equal(formatDuration(1240), '1.24 s');
  });
});
