/**
 * bin/comity, the `comity` command as users run it: Node's compile cache goes to Comity's cache
 * directory (so a second start neither strips the TypeScript again nor loads the stripper), none
 * with COMITY_CACHE_DIR=none, and a NODE_COMPILE_CACHE already set is kept.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';

const LAUNCHER = path.resolve(import.meta.dirname, '../../bin/comity');

async function runLauncher(environment: Record<string, string>): Promise<string> {
  const { NODE_COMPILE_CACHE: _ignored, ...inherited } = process.env;
  const { stdout } = await promisify(execFile)('sh', [LAUNCHER, '--version'], {
    env: { ...inherited, ...environment },
  });
  return stdout.trim();
}

/** Every file under `directory`, recursively (the compile cache keeps one folder per Node build). */
function filesUnder(directory: string): string[] {
  if (!existsSync(directory)) return [];
  return readdirSync(directory, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => entry.name);
}

describe('the comity command (bin/comity)', () => {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'comity-launcher-'));
  after(() => rmSync(scratch, { recursive: true, force: true }));

  it("keeps Node's compiled modules in Comity's cache directory", async () => {
    const cache = path.join(scratch, 'cache');
    const version = await runLauncher({ COMITY_CACHE_DIR: cache });
    assert.match(version, /\d+\.\d+\.\d+/);
    assert.ok(filesUnder(path.join(cache, 'node-compile-cache')).length > 0, 'the compile cache was written');
  });

  it('keeps none with COMITY_CACHE_DIR=none, and honours a NODE_COMPILE_CACHE already set', async () => {
    const home = path.join(scratch, 'home');
    await runLauncher({ COMITY_CACHE_DIR: 'none', HOME: home, XDG_CACHE_HOME: path.join(home, 'xdg') });
    assert.deepEqual(filesUnder(home), [], 'nothing cached anywhere under the home directory');
    const chosen = path.join(scratch, 'chosen');
    await runLauncher({ COMITY_CACHE_DIR: path.join(scratch, 'unused'), NODE_COMPILE_CACHE: chosen });
    assert.ok(filesUnder(chosen).length > 0);
    assert.deepEqual(filesUnder(path.join(scratch, 'unused')), []);
  });
});
