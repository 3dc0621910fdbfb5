/**
 * bin/comity, the `comity` command as users run it: the environment it gives the node. Node's
 * compile cache goes to Comity's cache directory, in a folder of the user's own (so a second
 * start neither strips the TypeScript again nor loads the stripper); none with
 * COMITY_CACHE_DIR=none or without any cache directory or home (never a shared folder); a
 * NODE_COMPILE_CACHE already set is kept; glibc's malloc settings are set unless set already.
 * A preloaded probe (NODE_OPTIONS=--require) writes what the node process received.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';

const LAUNCHER = path.resolve(import.meta.dirname, '../../bin/comity');
const PROBED = ['NODE_COMPILE_CACHE', 'MALLOC_ARENA_MAX', 'MALLOC_MMAP_THRESHOLD_'] as const;

type Probed = Partial<Record<(typeof PROBED)[number], string>>;

describe('the comity command (bin/comity)', () => {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'comity-launcher-'));
  after(() => rmSync(scratch, { recursive: true, force: true }));
  const probe = path.join(scratch, 'probe.cjs');
  writeFileSync(
    probe,
    `require('node:fs').writeFileSync(process.env.PROBE_OUTPUT, JSON.stringify({${PROBED.map(
      (name) => `${name}: process.env.${name}`,
    ).join(', ')}}));\n`,
  );
  let runs = 0;

  /** Runs `comity --version` through the launcher with exactly `environment` (and PATH); what the node got. */
  async function launch(environment: Record<string, string>): Promise<Probed> {
    runs += 1;
    const output = path.join(scratch, `probed-${runs}.json`);
    const { stdout } = await promisify(execFile)('sh', [LAUNCHER, '--version'], {
      cwd: scratch,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        NODE_OPTIONS: `--require ${probe}`,
        PROBE_OUTPUT: output,
        ...environment,
      },
    });
    assert.match(stdout, /\d+\.\d+\.\d+/);
    return JSON.parse(readFileSync(output, 'utf8')) as Probed;
  }

  it("keeps Node's compiled modules in Comity's cache directory, in a folder of the user's own", async () => {
    const cache = path.join(scratch, 'cache');
    const probed = await launch({ COMITY_CACHE_DIR: cache });
    const folder = path.join(cache, 'node-compile-cache');
    assert.equal(probed.NODE_COMPILE_CACHE, folder);
    assert.ok(readdirSync(folder, { recursive: true }).length > 0, 'the compile cache was written');
    assert.equal(statSync(folder).mode & 0o777, 0o700);
    const home = path.join(scratch, 'home');
    assert.equal(
      (await launch({ HOME: home })).NODE_COMPILE_CACHE,
      path.join(home, '.cache/comity/node-compile-cache'),
    );
    const xdg = path.join(scratch, 'xdg');
    assert.equal(
      (await launch({ HOME: home, XDG_CACHE_HOME: xdg })).NODE_COMPILE_CACHE,
      path.join(xdg, 'comity/node-compile-cache'),
    );
  });

  it('keeps none with COMITY_CACHE_DIR=none, nor without a cache directory or home; keeps one already set', async () => {
    assert.equal(
      (await launch({ COMITY_CACHE_DIR: 'none', HOME: path.join(scratch, 'home') })).NODE_COMPILE_CACHE,
      undefined,
    );
    assert.equal(
      (await launch({})).NODE_COMPILE_CACHE,
      undefined,
      'a bare service gets no cache in a shared folder',
    );
    const chosen = path.join(scratch, 'chosen');
    assert.equal(
      (await launch({ COMITY_CACHE_DIR: path.join(scratch, 'unused'), NODE_COMPILE_CACHE: chosen }))
        .NODE_COMPILE_CACHE,
      chosen,
    );
  });

  it("sets glibc's malloc settings unless they are set", async () => {
    assert.deepEqual(
      { ...(await launch({ COMITY_CACHE_DIR: 'none' })), NODE_COMPILE_CACHE: undefined },
      { MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '131072', NODE_COMPILE_CACHE: undefined },
    );
    const own = await launch({
      COMITY_CACHE_DIR: 'none',
      MALLOC_ARENA_MAX: '4',
      MALLOC_MMAP_THRESHOLD_: '65536',
    });
    assert.equal(own.MALLOC_ARENA_MAX, '4');
    assert.equal(own.MALLOC_MMAP_THRESHOLD_, '65536');
  });
});
