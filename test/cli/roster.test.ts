/**
 * `comity roster` on the node's database (PGlite): the operator puts a person on duty with times
 * in the node's time zone (COMITY_NODE_STATE=DE: Europe/Berlin), lists the roster, removes a
 * shift; a bad time or an unknown account is one readable line and a non-zero exit, and stores nothing.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type CliRun, runComity as runCli } from '../helpers/cli.ts';

describe('comity roster (on the node database, PGlite)', () => {
  let dataDirectory: string;
  before(async () => {
    dataDirectory = await mkdtemp(path.join(os.tmpdir(), 'comity-cli-roster-'));
  });
  after(async () => rm(dataDirectory, { recursive: true, force: true }));

  function runComity(args: string[], input?: string): Promise<CliRun> {
    return runCli(dataDirectory, args, {
      env: { COMITY_NODE_STATE: 'DE' },
      ...(input === undefined ? {} : { input }),
    });
  }

  const RANGE = ['--from', '2040-01-09T00:00:00Z', '--to', '2040-01-12T00:00:00Z'];

  async function listJson(): Promise<{ timeZone: string; shifts: { id: string; startsAt: string }[] }> {
    const listed = await runComity(['roster', 'list', ...RANGE, '--json']);
    assert.equal(listed.code, 0, listed.stderr);
    return JSON.parse(listed.stdout) as { timeZone: string; shifts: { id: string; startsAt: string }[] };
  }

  it('adds, lists and removes shifts in the node time zone; refuses bad input with one line', async () => {
    const user = await runComity(
      ['user', 'add', 'greta', '--role', 'duty-officer', '--password-stdin'],
      'a long enough password\n',
    );
    assert.equal(user.code, 0, user.stderr);

    const added = await runComity(['roster', 'add', 'greta', '2040-01-10T08:00', '2040-01-10T20:00']);
    assert.equal(added.code, 0, added.stderr);
    assert.match(added.stdout, /greta on duty from 2040-01-10T08:00 to 2040-01-10T20:00/);
    const id = added.stdout.split('\t')[0] ?? '';

    const view = await listJson();
    assert.equal(view.timeZone, 'Europe/Berlin');
    assert.deepEqual(
      view.shifts.map((shift) => [shift.id, shift.startsAt]),
      [[id, '2040-01-10T07:00:00.000Z']],
    );

    for (const args of [
      ['roster', 'add', 'greta', '10/01/2040 08:00', '2040-01-10T20:00'],
      ['roster', 'add', 'nobody', '2040-01-11T08:00', '2040-01-11T20:00'],
      ['roster', 'add', 'greta', '2040-01-10T12:00', '2040-01-10T22:00'],
    ]) {
      const refused = await runComity(args);
      assert.notEqual(refused.code, 0, args.join(' '));
      assert.equal(refused.stderr.trim().split('\n').length, 1, refused.stderr);
    }
    assert.equal((await listJson()).shifts.length, 1);

    const removed = await runComity(['roster', 'remove', id]);
    assert.equal(removed.code, 0, removed.stderr);
    const empty = await runComity(['roster', 'list', ...RANGE]);
    assert.match(empty.stdout, /no shifts/);
  });
});
