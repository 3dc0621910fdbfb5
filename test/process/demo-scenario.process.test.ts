/**
 * Process test: `comity demo --scenario preservation` (as `npx comity demo --scenario
 * preservation` runs it) starts a secretariat and three State nodes, runs the scripted
 * FR → DE exchange, stops everything and exits 0, printing every step with its time.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runComity } from '../helpers/node-process.ts';

describe('comity demo --scenario preservation', { timeout: 180_000 }, () => {
  it('runs the scripted exchange end to end and exits 0', async () => {
    const result = await runComity(['demo', '--scenario', 'preservation'], { timeoutMs: 170_000 });
    const output = `${result.stdout}\n${result.stderr}`;
    assert.equal(result.code, 0, output);
    assert.match(result.stdout, /\[6\/6\] fr-poc has the signed receipt of de-poc \.\.\. ok/);
    assert.match(result.stdout, /Scenario passed/);
    assert.doesNotMatch(output, /FAILED/);
  });
});
