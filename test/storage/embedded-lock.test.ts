/**
 * The lock on an embedded (PGlite) database directory: a second holder is refused with the line an
 * operator sees, a lock left by a killed process is taken over, and closing the database releases
 * it. The other holder is a real process (a child holding the lock until it is killed).
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { openDatabase } from '../../src/storage/database.ts';
import {
  acquireEmbeddedLock,
  EmbeddedDatabaseInUseError,
  type EmbeddedLockHolder,
  lockFileOf,
} from '../../src/storage/embedded-lock.ts';

const LOCK_MODULE = path.resolve(import.meta.dirname, '../../src/storage/embedded-lock.ts');

const root = mkdtempSync(path.join(os.tmpdir(), 'comity-embedded-lock-'));
after(() => rmSync(root, { recursive: true, force: true }));

let directoryCount = 0;
/** A new database directory, created (openDatabase creates it before taking the lock). */
function newDatabaseDirectory(): string {
  directoryCount += 1;
  const directory = path.join(root, `node-${directoryCount}`, 'pglite');
  mkdirSync(directory, { recursive: true });
  return directory;
}

/** A separate process that takes the lock as `comity serve` would and holds it until killed. */
async function holdLockInChild(directory: string): Promise<ChildProcess> {
  const script = `
    import { acquireEmbeddedLock } from ${JSON.stringify(LOCK_MODULE)};
    acquireEmbeddedLock(${JSON.stringify(directory)}, 'comity serve');
    process.stdout.write('held\\n');
    setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('held')) resolve();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code) => reject(new Error(`the lock holder exited with ${code}: ${output}`)));
  });
  return child;
}

function killAndWait(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

function readHolder(directory: string): EmbeddedLockHolder {
  return JSON.parse(readFileSync(lockFileOf(directory), 'utf8')) as EmbeddedLockHolder;
}

describe('lock on an embedded database directory', () => {
  it('refuses a second process while the holder runs, then takes over once it was killed', async () => {
    const directory = newDatabaseDirectory();
    const holder = await holdLockInChild(directory);
    try {
      assert.throws(
        () => acquireEmbeddedLock(directory, 'comity user add'),
        (error: unknown) => {
          assert.ok(error instanceof EmbeddedDatabaseInUseError);
          assert.equal(error.holder.pid, holder.pid);
          assert.equal(
            error.message,
            `the node database in ${directory} is in use by process ${holder.pid} (comity serve); ` +
              "stop it first, or run this command through the running node's API",
          );
          return true;
        },
      );
      // Opening the database is refused before PGlite touches the directory.
      await assert.rejects(openDatabase({ kind: 'pglite', directory }), EmbeddedDatabaseInUseError);
      assert.deepEqual(readdirSync(directory), []);
      assert.equal(readHolder(directory).pid, holder.pid, 'the refused attempts left the lock as it was');
    } finally {
      await killAndWait(holder);
    }

    // The killed holder left its lock file behind: the next process takes it over.
    assert.equal(readHolder(directory).pid, holder.pid);
    const lock = acquireEmbeddedLock(directory, 'comity user add');
    assert.equal(readHolder(directory).pid, process.pid);
    assert.equal(readHolder(directory).command, 'comity user add');
    lock.release();
    assert.equal(existsSync(lockFileOf(directory)), false);
  });

  it('refuses a second open of the same database in one process, and releases the lock at close', async () => {
    const directory = newDatabaseDirectory();
    const first = await openDatabase({ kind: 'pglite', directory });
    try {
      await assert.rejects(openDatabase({ kind: 'pglite', directory }), (error: unknown) => {
        assert.ok(error instanceof EmbeddedDatabaseInUseError);
        assert.equal(error.holder.pid, process.pid);
        return true;
      });
    } finally {
      await first.close();
    }
    assert.equal(existsSync(lockFileOf(directory)), false);
    // (A second PGlite in the same process would keep it from exiting: the lock alone shows it.)
    acquireEmbeddedLock(directory, 'comity serve').release();
  });

  it('takes over a lock file left unreadable (emptied by a power cut)', async () => {
    const directory = newDatabaseDirectory();
    writeFileSync(lockFileOf(directory), '');
    const lock = acquireEmbeddedLock(directory, 'comity serve');
    assert.equal(readHolder(directory).token, lock.holder.token);
    lock.release();
  });

  it('takes over a lock naming a live pid that now belongs to another process', {
    skip: existsSync('/proc/self/stat') ? false : 'needs /proc to tell a reused pid',
  }, async () => {
    const directory = newDatabaseDirectory();
    const reused: EmbeddedLockHolder = {
      pid: process.ppid,
      command: 'comity serve',
      hostname: os.hostname(),
      startedAt: '2026-01-01T00:00:00.000Z',
      processStart: '1',
      token: 'an-earlier-lock',
    };
    writeFileSync(lockFileOf(directory), JSON.stringify(reused));
    const lock = acquireEmbeddedLock(directory, 'comity serve');
    assert.equal(readHolder(directory).pid, process.pid);
    lock.release();
  });
});
