/**
 * `comity demo` options checked before anything starts (the demo itself runs in
 * test/process/demo-scenario.process.test.ts).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { runComity } from '../helpers/cli.ts';

describe('comity demo --port-base', () => {
  const dataDirectory = mkdtempSync(path.join(os.tmpdir(), 'comity-cli-demo-'));
  after(() => rmSync(dataDirectory, { recursive: true, force: true }));

  it('refuses a base from which the four nodes would not all have a port, starting nothing', async () => {
    for (const value of ['0', '65533', 'http']) {
      const outcome = await runComity(dataDirectory, ['demo', '--port-base', value]);
      assert.equal(outcome.code, 2, `--port-base ${value}: a usage mistake`);
      assert.match(
        outcome.stderr,
        /option '--port-base <n>' argument '.*' is invalid\. give a port from 1 to 65532/,
      );
      assert.doesNotMatch(outcome.stdout, /Starting a secretariat/);
    }
  });

  it('documents the option in --help', async () => {
    const outcome = await runComity(dataDirectory, ['demo', '--help']);
    assert.equal(outcome.code, 0);
    assert.match(outcome.stdout, /--port-base <n>\s+listen on ports n \(secretariat\), n\+1/);
  });
});
