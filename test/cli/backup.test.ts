import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runComity, withDataDirectoryDatabase } from '../helpers/cli.ts';
import { findRestoration } from '../../src/storage/restoration.repository.ts';

const PASSPHRASE = 'correct horse battery staple';

describe('comity backup and comity restore (PGlite data directories)', () => {
  let root: string;
  let source: string;
  let archive: string;
  before(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'comity-cli-backup-'));
    source = path.join(root, 'source');
    archive = path.join(root, 'node.backup');
    const added = await runComity(source, ['user', 'add', 'alice', '--role', 'officer', '--password-stdin'], {
      input: 'a long enough password\n',
    });
    assert.equal(added.code, 0, added.stderr);
    const init = await runComity(source, [
      'init',
      '--node-id',
      'fr-test',
      '--state',
      'FR',
      '--endpoint',
      'http://127.0.0.1:1',
      '--secretariat',
    ]);
    assert.equal(init.code, 0, init.stderr);
    const evidence = path.join(source, 'evidence', 'case-1');
    await mkdir(evidence, { recursive: true });
    await writeFile(path.join(evidence, 'log.txt'), 'evidence bytes');
    const backup = await runComity(source, ['backup', archive, '--passphrase-stdin'], {
      input: `${PASSPHRASE}\n`,
    });
    assert.equal(backup.code, 0, backup.stderr);
    assert.match(backup.stdout, /Backed up the node at .* files, \d+ bytes \(encrypted\)/);
  });
  after(async () => rm(root, { recursive: true, force: true }));

  it('restores users, identity, keys and evidence files into a new data directory, marked restored', async () => {
    const target = path.join(root, 'restored');
    const restored = await runComity(target, ['restore', archive], {
      env: { COMITY_BACKUP_PASSPHRASE: PASSPHRASE },
    });
    assert.equal(restored.code, 0, restored.stderr);
    assert.match(restored.stdout, /Restored the node as it was at/);
    // Readable by the node's user only, as the restore left it (the test's own umask is 022).
    const loose = readdirSync(target, { recursive: true, withFileTypes: true })
      .filter((entry) => !entry.isSymbolicLink())
      .map((entry) => path.join(entry.parentPath, entry.name))
      .filter((entry) => (statSync(entry).mode & 0o777) !== (statSync(entry).isDirectory() ? 0o700 : 0o600));
    assert.deepEqual(loose, []);
    assert.equal(statSync(target).mode & 0o777, 0o700);
    for (const file of ['identity/node.json', 'evidence/case-1/log.txt']) {
      assert.deepEqual(
        await readFile(path.join(target, file)),
        await readFile(path.join(source, file)),
        file,
      );
    }
    const users = await withDataDirectoryDatabase(target, (db) =>
      db.selectFrom('users').select('username').where('username', '=', 'alice').execute(),
    );
    assert.equal(users.length, 1);
    const restoration = await withDataDirectoryDatabase(target, findRestoration);
    assert.equal(restoration?.isResyncPending, true);
  });

  it('refuses a wrong passphrase with one line and writes nothing', async () => {
    const target = path.join(root, 'wrong-passphrase');
    const run = await runComity(target, ['restore', archive], {
      env: { COMITY_BACKUP_PASSPHRASE: 'not the passphrase' },
    });
    assert.equal(run.code, 1);
    assert.equal(run.stderr, 'comity: wrong passphrase, or the backup file was altered\n');
    assert.equal(existsSync(path.join(target, 'identity')), false);
  });

  it('refuses a data directory that already holds a node', async () => {
    const run = await runComity(source, ['restore', archive], {
      env: { COMITY_BACKUP_PASSPHRASE: PASSPHRASE },
    });
    assert.equal(run.code, 1);
    assert.match(
      run.stderr,
      /^comity: the data directory .* already holds a node \(identity, evidence, pglite\): restore into a new, empty data directory\n$/,
    );
  });

  it('refuses a damaged or foreign file with one line', async () => {
    const bytes = await readFile(archive);
    const flipped = Buffer.from(bytes);
    flipped[flipped.length - 40] = (flipped[flipped.length - 40] ?? 0) ^ 0xff;
    const damaged = path.join(root, 'damaged.backup');
    await writeFile(damaged, flipped);
    const foreign = path.join(root, 'foreign.backup');
    await writeFile(foreign, 'hello');
    const env = { COMITY_BACKUP_PASSPHRASE: PASSPHRASE };
    const onDamaged = await runComity(path.join(root, 'd1'), ['restore', damaged], { env });
    assert.equal(onDamaged.code, 1);
    assert.equal(onDamaged.stderr, 'comity: wrong passphrase, or the backup file was altered\n');
    const onForeign = await runComity(path.join(root, 'd2'), ['restore', foreign], { env });
    assert.equal(onForeign.code, 1);
    assert.equal(onForeign.stderr, 'comity: this file is not a Comity backup\n');
  });

  it('asks for a passphrase when none is given', async () => {
    const run = await runComity(path.join(root, 'd3'), ['backup', path.join(root, 'x.backup')]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /give the backup passphrase: set COMITY_BACKUP_PASSPHRASE/);
  });

  it('names a file it cannot write in words, on one line', async () => {
    const into = path.join(root, 'no-such-directory', 'node.backup');
    const run = await runComity(source, ['backup', into], { env: { COMITY_BACKUP_PASSPHRASE: PASSPHRASE } });
    assert.equal(run.code, 1);
    assert.equal(run.stderr, `comity: cannot open ${into}: no such file or directory\n`);
    assert.equal(existsSync(path.dirname(into)), false);
  });
});
