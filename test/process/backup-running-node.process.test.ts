/**
 * `comity backup` on a node that is running on its embedded database: the command cannot open
 * the database the node holds, so it asks the node (POST /api/v1/backup) with an administrator's
 * API token; without one it says so in one line. The archive restores as any other.
 */
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runComity, withDataDirectoryDatabase } from '../helpers/cli.ts';
import {
  createNodeProcess,
  createTokenFor,
  type NodeProcess,
  temporaryDirectory,
} from '../helpers/node-process.ts';

const PASSPHRASE = 'correct horse battery staple';

describe('comity backup of a running node on PGlite', () => {
  let root: string;
  let node: NodeProcess;
  let adminToken: string;

  before(async () => {
    root = temporaryDirectory('comity-backup-running-');
    node = createNodeProcess({ name: 'running', dataDirectory: path.join(root, 'node') });
    await node.start();
    const credentials = await createTokenFor(node.url, 'admin', node.adminPassword ?? '');
    assert.equal(credentials.kind, 'token');
    adminToken = credentials.kind === 'token' ? credentials.token : '';
  });
  after(() => node?.stop());

  it('without an API token: one line naming the running process and what to set, no file', async () => {
    const file = path.join(root, 'refused.backup');
    const run = await runComity(node.dataDirectory, ['backup', file], {
      env: { COMITY_BACKUP_PASSPHRASE: PASSPHRASE, COMITY_API_URL: node.url },
    });
    assert.equal(run.code, 1);
    assert.match(
      run.stderr,
      /^comity: the node database in .* is in use by process \d+ \(comity serve\); to back it up while it runs, set COMITY_API_TOKEN to an administrator's API token/,
    );
    assert.equal(run.stderr.trim().split('\n').length, 1);
    assert.equal(existsSync(file), false);
  });

  it('with an administrator token: the node writes the backup while it runs, and it restores', async () => {
    const file = path.join(root, 'running.backup');
    const run = await runComity(node.dataDirectory, ['backup', file], {
      env: { COMITY_BACKUP_PASSPHRASE: PASSPHRASE, COMITY_API_URL: node.url, COMITY_API_TOKEN: adminToken },
    });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /Backed up the node at .* rows in \d+ tables/);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.ok(node.isRunning(), 'the node kept running');

    const target = path.join(root, 'restored');
    const restored = await runComity(target, ['restore', file], {
      env: { COMITY_BACKUP_PASSPHRASE: PASSPHRASE },
    });
    assert.equal(restored.code, 0, restored.stderr);
    const users = await withDataDirectoryDatabase(target, (db) =>
      db.selectFrom('users').select('username').where('username', '=', 'admin').execute(),
    );
    assert.equal(users.length, 1);
  });

  it('a short passphrase is refused by the node as invalid input, nothing written', async () => {
    const answer = await fetch(`${node.url}/api/v1/backup`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ passphrase: 'short' }),
    });
    assert.equal(answer.status, 400);
    assert.equal(((await answer.json()) as { type: string }).type, 'urn:comity:problem:invalid-input');
  });
});
