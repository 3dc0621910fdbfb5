/**
 * The data directory and every database file are the node user's only, however the directory was
 * made: one made by hand with 0777 and files at 0666 before the first start ends 0700 / 0600,
 * the embedded database's files (write-ahead log included) too. And only the node's: a data
 * directory that is a file, or a directory of other things (a mistyped COMITY_DATA_DIR: a home
 * directory, /etc), is refused before anything in it changes.
 */
import assert from 'node:assert/strict';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { loadConfig } from '../../src/config.ts';
import { openNodeContext } from '../../src/node-context.ts';
import {
  claimDataDirectory,
  DATA_DIRECTORY_MARK,
  DataDirectoryRefusedError,
  restrictToOwner,
} from '../../src/storage/private-files.ts';

const root = mkdtempSync(path.join(os.tmpdir(), 'comity-private-files-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** Every entry under `directory` with its permission bits, as "relative/path 700". */
function modesUnder(directory: string): string[] {
  const entries: string[] = [];
  const visit = (entry: string) => {
    const stats = lstatSync(entry);
    entries.push(`${path.relative(directory, entry) || '.'} ${(stats.mode & 0o777).toString(8)}`);
    if (stats.isDirectory()) for (const name of readdirSync(entry)) visit(path.join(entry, name));
  };
  visit(directory);
  return entries;
}

describe('private files of a node', () => {
  it('makes a data directory created by hand with 0777 / 0666 private: 0700 directories, 0600 files', async () => {
    const dataDirectory = path.join(root, 'made-by-hand');
    for (const directory of [
      dataDirectory,
      path.join(dataDirectory, 'pglite'),
      path.join(dataDirectory, 'identity'),
    ]) {
      mkdirSync(directory);
      chmodSync(directory, 0o777);
    }
    const looseFile = path.join(dataDirectory, 'identity', 'notes.txt');
    writeFileSync(looseFile, 'left here by an operator');
    chmodSync(looseFile, 0o666);

    const { database } = await openNodeContext(
      loadConfig({ COMITY_DATA_DIR: dataDirectory, COMITY_LOG_LEVEL: 'silent' }),
    );
    await database.close();

    const modes = modesUnder(dataDirectory);
    assert.ok(modes.length > 100, `the embedded database made its files (${modes.length} entries)`);
    assert.ok(
      modes.some((entry) => entry.startsWith('pglite/pg_wal/')),
      'the write-ahead log is among them',
    );
    const directories = modes.filter((entry) =>
      lstatSync(path.join(dataDirectory, entry.split(' ')[0]!)).isDirectory(),
    );
    assert.deepEqual(
      modes.filter((entry) => !entry.endsWith(directories.includes(entry) ? ' 700' : ' 600')),
      [],
      'every directory 0700 and every file 0600',
    );
  });

  it("refuses a data directory that is a file, or holds what is not a node's, changing no mode", async () => {
    const file = path.join(root, 'passwd');
    writeFileSync(file, 'root:x:0:0::/root:/bin/sh\n');
    chmodSync(file, 0o644);
    const others = path.join(root, 'someone-elses');
    mkdirSync(path.join(others, 'projects'), { recursive: true });
    // An investigator's home that happens to hold an `evidence` folder is not a node's either.
    mkdirSync(path.join(others, 'evidence'), { recursive: true });
    writeFileSync(path.join(others, 'notes.txt'), 'mine');
    chmodSync(path.join(others, 'notes.txt'), 0o644);
    chmodSync(others, 0o755);
    const before = modesUnder(others);
    for (const dataDirectory of [file, others]) {
      await assert.rejects(
        openNodeContext(loadConfig({ COMITY_DATA_DIR: dataDirectory, COMITY_LOG_LEVEL: 'silent' })),
        (error: unknown) =>
          error instanceof DataDirectoryRefusedError && /nothing was changed/.test(error.message),
      );
    }
    assert.equal(statSync(file).mode & 0o777, 0o644);
    assert.deepEqual(modesUnder(others), before);
    assert.equal(existsSync(path.join(others, DATA_DIRECTORY_MARK)), false);
  });

  it("claims a new, an empty (lost+found aside) or an earlier release's data directory, and marks it", () => {
    const fresh = path.join(root, 'fresh', 'node');
    const empty = path.join(root, 'empty');
    mkdirSync(path.join(empty, 'lost+found'), { recursive: true });
    const earlier = path.join(root, 'earlier');
    mkdirSync(path.join(earlier, 'pglite'), { recursive: true });
    writeFileSync(path.join(earlier, 'initial-admin-password'), 'x');
    for (const directory of [fresh, empty, earlier]) {
      claimDataDirectory(directory);
      assert.ok(existsSync(path.join(directory, DATA_DIRECTORY_MARK)), directory);
      // Marked: what the node adds later does not make it refuse its own directory.
      writeFileSync(path.join(directory, 'something-later'), '');
      claimDataDirectory(directory);
    }
    assert.equal(statSync(fresh).mode & 0o777, 0o700);
  });

  it("takes a data directory reached through a symbolic link, and leaves a volume's lost+found as it is", () => {
    const target = path.join(root, 'volume');
    mkdirSync(path.join(target, 'lost+found'), { recursive: true });
    chmodSync(path.join(target, 'lost+found'), 0o755);
    const link = path.join(root, 'linked-data');
    symlinkSync(target, link);
    claimDataDirectory(link);
    assert.ok(existsSync(path.join(target, DATA_DIRECTORY_MARK)));
    restrictToOwner(target);
    assert.equal(statSync(path.join(target, 'lost+found')).mode & 0o777, 0o755, "the system's, untouched");
    assert.equal(statSync(target).mode & 0o777, 0o700);
  });
});
