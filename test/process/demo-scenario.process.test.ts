/**
 * Process test: `comity demo --scenario preservation|emergency` (as `npx comity demo --scenario
 * <name>` runs it) starts a secretariat and three State nodes, runs the scripted FR → DE exchange,
 * stops everything and exits 0, printing every step with its time. The emergency path goes by
 * live updates (the arrival on DE's duty desk, the acknowledgement and the preservation heard at
 * FR) and ends with the acknowledgement latency.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runComity } from '../helpers/node-process.ts';

describe('comity demo --scenario', { timeout: 360_000 }, () => {
  it('preservation: runs the scripted exchange end to end and exits 0', async () => {
    const result = await runComity(['demo', '--scenario', 'preservation'], { timeoutMs: 170_000 });
    const output = `${result.stdout}\n${result.stderr}`;
    assert.equal(result.code, 0, output);
    assert.match(result.stdout, /\[6\/6\] fr-poc has the signed receipt of de-poc \.\.\. ok/);
    assert.match(result.stdout, /Scenario passed/);
    assert.doesNotMatch(output, /FAILED/);
  });

  it('emergency: the request reaches the duty desk, is acknowledged and preserved, and the latency is printed', async () => {
    const result = await runComity(['demo', '--scenario', 'emergency'], { timeoutMs: 170_000 });
    const output = `${result.stdout}\n${result.stderr}`;
    assert.equal(result.code, 0, output);
    assert.match(result.stdout, /it appears on the duty desk at de-poc without a reload \.\.\. ok/);
    assert.match(result.stdout, /the duty officer at de-poc is alerted \.\.\. ok/);
    assert.match(result.stdout, /officer at fr-poc sees "acknowledged" without a reload \.\.\. ok/);
    assert.match(
      result.stdout,
      /officer at fr-poc sees the preserved-until date \.\.\. ok .*\(preserved until \d{4}-\d{2}-\d{2}\)/,
    );
    assert.match(result.stdout, /^Acknowledgement latency: [\d.]+ m?s from sending at fr-poc/m);
    assert.doesNotMatch(output, /FAILED/);
  });
});
