/**
 * `comity webhooks` and `comity user email` on the node's database (PGlite): an endpoint is added
 * with its secret printed once, listed without it, and removed; an address is set and shown; bad
 * input (a URL that is not http(s), a malformed address) is one line on stderr, a non-zero exit,
 * and changes nothing.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type CliRun, runComity as runCli } from '../helpers/cli.ts';

describe('comity webhooks and comity user email (on the node database, PGlite)', () => {
  let dataDirectory: string;
  before(async () => {
    dataDirectory = await mkdtemp(path.join(os.tmpdir(), 'comity-cli-webhooks-'));
  });
  after(async () => rm(dataDirectory, { recursive: true, force: true }));

  function runComity(args: string[], input?: string): Promise<CliRun> {
    return runCli(dataDirectory, args, input === undefined ? {} : { input });
  }

  function assertRefused(run: CliRun, pattern: RegExp): void {
    assert.notEqual(run.code, 0, run.stdout);
    assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
    assert.match(run.stderr, pattern);
  }

  it('adds an endpoint with its secret shown once, lists it without the secret, removes it; refuses a non-http URL', async () => {
    assertRefused(await runComity(['webhooks', 'add', 'ftp://127.0.0.1/alerts']), /not an http or https URL/);
    const empty = await runComity(['webhooks', 'list']);
    assert.equal(empty.code, 0, empty.stderr);
    assert.match(empty.stdout, /no webhook endpoints/);

    const added = await runComity([
      'webhooks',
      'add',
      'https://cases.example.org/comity',
      '--description',
      'national system',
    ]);
    assert.equal(added.code, 0, added.stderr);
    const id = /webhook endpoint ([0-9a-f-]{36}) added/.exec(added.stdout)?.[1];
    const secret = /secret: (whsec_\S+)/.exec(added.stdout)?.[1];
    assert.ok(id && secret, added.stdout);

    const listed = await runComity(['webhooks', 'list']);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, new RegExp(`${id}\\thttps://cases.example.org/comity\\tnational system`));
    assert.ok(!listed.stdout.includes(secret), 'the secret is shown only once');
    const listedJson = await runComity(['webhooks', 'list', '--json']);
    assert.equal(listedJson.code, 0, listedJson.stderr);
    const { items } = JSON.parse(listedJson.stdout) as { items: Array<Record<string, unknown>> };
    assert.deepEqual(
      items.map((item) => [item.id, item.url, item.description]),
      [[id, 'https://cases.example.org/comity', 'national system']],
    );
    assert.ok(!listedJson.stdout.includes(secret), 'nor in JSON');

    assertRefused(await runComity(['webhooks', 'remove', 'not-an-id']), /no such webhook endpoint/);
    const removed = await runComity(['webhooks', 'remove', id]);
    assert.equal(removed.code, 0, removed.stderr);
    assert.match((await runComity(['webhooks', 'list'])).stdout, /no webhook endpoints/);

    const deliveries = await runComity(['alerts', 'deliveries']);
    assert.equal(deliveries.code, 0, deliveries.stderr);
    assert.match(deliveries.stdout, /no alert deliveries/);
    const deliveriesJson = await runComity(['alerts', 'deliveries', '--json']);
    assert.equal(deliveriesJson.code, 0, deliveriesJson.stderr);
    assert.deepEqual(JSON.parse(deliveriesJson.stdout), { items: [] });
  });

  it("sets a user's e-mail address and shows it; refuses a malformed one", async () => {
    assertRefused(
      await runComity(['user', 'add', 'amina', '--role', 'duty-officer', '--email', 'amina at example'], ''),
      /not an e-mail address/,
    );
    const added = await runComity([
      'user',
      'add',
      'amina',
      '--role',
      'duty-officer',
      '--email',
      'amina@example.org',
    ]);
    assert.equal(added.code, 0, added.stderr);
    assert.match((await runComity(['user', 'list'])).stdout, /amina\t.*\tduty-officer\tamina@example\.org/);

    assertRefused(await runComity(['user', 'email', 'amina', 'amina@@example.org']), /not an e-mail address/);
    assert.match((await runComity(['user', 'list'])).stdout, /amina@example\.org/, 'unchanged');

    const changed = await runComity(['user', 'email', 'amina', 'duty@example.org']);
    assert.equal(changed.code, 0, changed.stderr);
    assert.match((await runComity(['user', 'list'])).stdout, /duty-officer\tduty@example\.org/);
    const removed = await runComity(['user', 'email', 'amina', '--remove']);
    assert.equal(removed.code, 0, removed.stderr);
    assert.doesNotMatch((await runComity(['user', 'list'])).stdout, /example\.org/);
  });
});
