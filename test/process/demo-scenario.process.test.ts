/**
 * Process test: `comity demo --scenario preservation|emergency` (as `npx comity demo --scenario
 * <name>` runs it) starts a secretariat and three State nodes, runs the scripted FR → DE exchange,
 * stops everything and exits 0, printing every step with its time. The emergency path goes by
 * live updates (the arrival on DE's duty desk, the acknowledgement and the preservation heard at
 * FR) and ends with the acknowledgement latency. The evidence path ships an 8 MiB item from DE
 * (executing) to FR (requesting): upload by tus, package, send, verification, download and the
 * SHA-256 check, then the court-ready export (items encrypted to an age recipient), its offline check
 * and Debian's `age -d`.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runComity } from '../helpers/node-process.ts';

describe('comity demo --scenario', { timeout: 600_000 }, () => {
  it('preservation: runs the scripted exchange end to end and exits 0', async () => {
    const result = await runComity(['demo', '--scenario', 'preservation'], { timeoutMs: 170_000 });
    const output = `${result.stdout}\n${result.stderr}`;
    assert.equal(result.code, 0, output);
    // The accounts' hashes are made by the demo and given to the nodes, never their passwords.
    assert.match(result.stdout, /first-start files written, passwords hashed, in [\d.]+ s/);
    assert.match(result.stdout, /\[7\/7\] fr-poc has the signed receipt of de-poc \.\.\. ok/);
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

  it('evidence: ships an item from DE to FR, verified on arrival; the download, the offline check of the court export and age -d all match its SHA-256', async () => {
    const result = await runComity(['demo', '--scenario', 'evidence', '--size', '8MiB'], {
      timeoutMs: 170_000,
    });
    const output = `${result.stdout}\n${result.stderr}`;
    assert.equal(result.code, 0, output);
    assert.match(
      result.stdout,
      /Scenario: 8 MiB of evidence from DE \(de-poc, executing\) to FR \(fr-poc, requesting\)/,
    );
    // Evidence answers a request in execution: DE accepts it and begins its execution first.
    assert.match(
      result.stdout,
      /de-poc accepts the request \(legal reviewer\) and begins its execution.* \.\.\. ok .*case in-execution/,
    );
    assert.match(result.stdout, /uploads a 8 MiB item \(tus\) \.\.\. ok/);
    assert.match(result.stdout, /fr-poc receives the package and verifies every item \.\.\. ok/);
    assert.match(
      result.stdout,
      /\[9\/12\] duty officer at fr-poc downloads the item and checks its SHA-256 \.\.\. ok .*SHA-256 matches/,
    );
    // The court-ready export, checked offline, and the item decrypted by Debian's age (installed by .ci/run).
    assert.match(result.stdout, /\[10\/12\] .*exports the package for a court.* \.\.\. ok .*files in /);
    assert.match(result.stdout, /\[11\/12\] the export verifies offline.* \.\.\. ok .*all \d+ checks passed/);
    assert.match(
      result.stdout,
      /\[12\/12\] Debian's age decrypts the item with the recipient's identity \.\.\. ok .*age -d -i court\.agekey items\/.*: 8 MiB, SHA-256 matches/,
    );
    assert.match(result.stdout, /Scenario passed/);
    assert.doesNotMatch(output, /FAILED/);
  });

  it('evidence: an unreadable --size is refused with one line and exit 2 (a usage mistake)', async () => {
    const result = await runComity(['demo', '--scenario', 'evidence', '--size', 'huge'], {
      timeoutMs: 60_000,
    });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /give a size such as 8MiB/);
  });
});
