/**
 * `comity law` on the node's database (PGlite): the operator adds domestic provisions linked to
 * Convention offences, lists them, imports a CSV and a JSON file (all or none), removes one, and
 * prints the compliance view as text, JSON and CSV; bad input is one readable line and a non-zero
 * exit, and stores nothing.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type CliRun, runComity as runCli } from '../helpers/cli.ts';

describe('comity law (on the node database, PGlite)', () => {
  let dataDirectory: string;
  before(async () => {
    dataDirectory = await mkdtemp(path.join(os.tmpdir(), 'comity-cli-law-'));
  });
  after(async () => rm(dataDirectory, { recursive: true, force: true }));

  function runComity(args: string[]): Promise<CliRun> {
    return runCli(dataDirectory, args, { env: { COMITY_NODE_STATE: 'DE' } });
  }

  async function listed(): Promise<Array<{ citation: string; offences: string[] }>> {
    const run = await runComity(['law', 'list', '--json']);
    assert.equal(run.code, 0, run.stderr);
    return (JSON.parse(run.stdout) as { items: Array<{ citation: string; offences: string[] }> }).items;
  }

  it('adds, imports, lists and removes provisions; prints the compliance view; refuses bad input with one line', async () => {
    const added = await runComity([
      'law',
      'add',
      'StGB § 202a',
      '--title',
      'Data espionage',
      '--max-penalty',
      '3 years',
      '--offence',
      'art-7',
    ]);
    assert.equal(added.code, 0, added.stderr);
    assert.match(added.stdout, /StGB § 202a\tart-7/);

    const csv = path.join(dataDirectory, 'law.csv');
    await writeFile(
      csv,
      'citation,title,maximum_penalty,offences\n"StGB § 303a",Data alteration,2 years,art-9\n"StGB § 303b",Computer sabotage,5 years,art-10;art-9\n',
    );
    const imported = await runComity(['law', 'import', csv]);
    assert.equal(imported.code, 0, imported.stderr);
    assert.match(imported.stdout, /2 provisions imported/);

    const json = path.join(dataDirectory, 'law.json');
    await writeFile(
      json,
      JSON.stringify([{ citation: 'StGB § 263a', title: 'Computer fraud', offences: ['art-13'] }]),
    );
    assert.equal((await runComity(['law', 'import', json])).code, 0);
    assert.deepEqual(
      (await listed()).map((p) => [p.citation, p.offences]),
      [
        ['StGB § 202a', ['art-7']],
        ['StGB § 263a', ['art-13']],
        ['StGB § 303a', ['art-9']],
        ['StGB § 303b', ['art-10', 'art-9']],
      ],
    );

    // All or none: a file with one bad offence id stores nothing.
    const bad = path.join(dataDirectory, 'bad.csv');
    await writeFile(
      bad,
      'citation,title,maximum_penalty,offences\nA,Fine,1 year,art-8\nB,Wrong,1 year,art-99\n',
    );
    // The refused import names each problem where it is, then its one-line error.
    const badImport = await runComity(['law', 'import', bad]);
    assert.notEqual(badImport.code, 0);
    const badLines = badImport.stderr.trim().split('\n');
    assert.match(badLines[0] ?? '', /bad\.csv:3: .*art-99/);
    assert.match(badLines.at(-1) ?? '', /^comity: the file has errors; nothing was imported$/);
    const missingFile = await runComity(['law', 'import', path.join(dataDirectory, 'no-such-file.json')]);
    assert.match(
      missingFile.stderr,
      /^comity: cannot read .*no-such-file\.json: no such file or directory\n$/,
    );
    for (const args of [
      ['law', 'add', 'X', '--title', 'Wrong', '--offence', 'art-3'],
      ['law', 'remove', 'no such provision'],
      ['law', 'compliance', '--format', 'xml'],
    ]) {
      const refused = await runComity(args);
      assert.notEqual(refused.code, 0, args.join(' '));
      assert.equal(refused.stderr.trim().split('\n').length, 1, refused.stderr);
    }
    assert.equal((await listed()).length, 4);

    const text = await runComity(['law', 'compliance']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /art-8\tMISSING\tIllegal interception/);
    assert.match(text.stdout, /art-7\timplemented\tIllegal access\tStGB § 202a/);
    assert.match(text.stdout, /7 of 11 Convention offences lack a domestic provision/);
    const asJson = await runComity(['law', 'compliance', '--format', 'json']);
    assert.deepEqual((JSON.parse(asJson.stdout) as { missing: string[] }).missing, [
      'art-8',
      'art-11',
      'art-12',
      'art-14',
      'art-15',
      'art-16',
      'art-17',
    ]);
    const asCsv = await runComity(['law', 'compliance', '--format', 'csv']);
    assert.match(asCsv.stdout, /^offence,article,title,implemented,provisions\r\n/);
    assert.match(asCsv.stdout, /art-10,10,Interference with an ICT system,yes,StGB § 303b/);

    const removed = await runComity(['law', 'remove', 'StGB § 263a']);
    assert.equal(removed.code, 0, removed.stderr);
    assert.equal((await listed()).length, 3);
  });
});
