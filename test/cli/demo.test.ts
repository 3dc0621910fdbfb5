/**
 * `comity demo` options checked before anything starts, and the nodes they ask for (the demo
 * itself runs in test/process/demo-scenario.process.test.ts).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { parseOtherAuthorities } from '../../src/cli/commands/demo.command.ts';
import { nodeSpecsOf } from '../../src/demo/federation-setup.ts';
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

  it('counts the nodes --also adds: a base that leaves the last of nine nodes no port is refused', async () => {
    const outcome = await runComity(dataDirectory, ['demo', '--also', 'all', '--port-base', '65527']);
    assert.equal(outcome.code, 2);
    assert.match(
      outcome.stderr,
      /option '--port-base <n>' argument '65527' is invalid\. give a port from 1 to 65526/,
    );
    assert.doesNotMatch(outcome.stdout, /Starting a secretariat/);
  });

  it('documents the option in --help', async () => {
    const outcome = await runComity(dataDirectory, ['demo', '--help']);
    assert.equal(outcome.code, 0);
    assert.match(outcome.stdout, /--port-base <n>\s+listen on ports n \(secretariat\), n\+1/);
  });
});

describe('comity demo --also', () => {
  const dataDirectory = mkdtempSync(path.join(os.tmpdir(), 'comity-cli-demo-also-'));
  after(() => rmSync(dataDirectory, { recursive: true, force: true }));

  it('refuses an authority it does not know, naming the ones it does, starting nothing', async () => {
    for (const value of ['point-of-contact', 'central-authority,prosecutor', 'everything']) {
      const outcome = await runComity(dataDirectory, ['demo', '--also', value]);
      assert.equal(outcome.code, 2, `--also ${value}: a usage mistake`);
      assert.match(
        outcome.stderr,
        /option '--also <authorities>' argument '.*' is invalid\. give central-authority, extradition-authority \(comma-separated\) or all, not "/,
      );
      assert.doesNotMatch(outcome.stdout, /Starting a secretariat/);
    }
  });

  it('documents the option in --help', async () => {
    const outcome = await runComity(dataDirectory, ['demo', '--help']);
    assert.match(outcome.stdout, /--also <authorities>\s+each State also runs a node for these authorities/);
  });
});

describe("the demo federation's nodes", () => {
  it('are one 24/7 point of contact per State unless other authorities are asked for', () => {
    assert.deepEqual(
      nodeSpecsOf({ states: ['fr', 'DE'] }).map((spec) => [spec.nodeId, spec.state, spec.authority]),
      [
        ['fr-poc', 'FR', 'point-of-contact'],
        ['de-poc', 'DE', 'point-of-contact'],
      ],
    );
  });

  it("are every State's first authority, then every State's next, so the first keep their ports", () => {
    const specs = nodeSpecsOf({
      states: ['FR', 'DE'],
      authorities: ['point-of-contact', 'central-authority', 'extradition-authority'],
    });
    assert.deepEqual(
      specs.map((spec) => spec.nodeId),
      ['fr-poc', 'de-poc', 'fr-ca', 'de-ca', 'fr-extradition', 'de-extradition'],
    );
    assert.equal(specs.find((spec) => spec.nodeId === 'de-ca')?.authority, 'central-authority');
  });

  it('are the nodes given, when given', () => {
    const nodes = [{ nodeId: 'de-ministry', state: 'DE', authority: 'central-authority' as const }];
    assert.deepEqual(nodeSpecsOf({ states: ['FR'], nodes }), nodes);
  });
});

describe('--also', () => {
  it('reads all as every other authority, and a list in the order the nodes start', () => {
    assert.deepEqual(parseOtherAuthorities('all'), ['central-authority', 'extradition-authority']);
    assert.deepEqual(parseOtherAuthorities('extradition-authority, central-authority'), [
      'central-authority',
      'extradition-authority',
    ]);
    assert.deepEqual(parseOtherAuthorities('central-authority'), ['central-authority']);
  });
});
