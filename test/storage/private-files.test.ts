/**
 * The data directory and every database file are the node user's only, however the directory was
 * made: one made by hand with 0777 and files at 0666 before the first start ends 0700 / 0600,
 * the embedded database's files (write-ahead log included) too.
 */
import assert from 'node:assert/strict';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { loadConfig } from '../../src/config.ts';
import { openNodeContext } from '../../src/node-context.ts';

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
});
