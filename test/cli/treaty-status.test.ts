/**
 * `comity treaty status` offline from src/data/treaty, and `comity treaty add|import` on a node
 * database (embedded PGlite in a temporary data directory).
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { decodeAuditEntry } from '../../src/services/audit.service.ts';
import { withDataDirectoryDatabase } from '../helpers/cli.ts';

const root = path.resolve(import.meta.dirname, '..', '..');
const cli = path.join(root, 'src', 'cli', 'main.ts');
const run = promisify(execFile);

type Outcome = { code: number; stdout: string; stderr: string };

async function comity(environment: Record<string, string>, ...args: string[]): Promise<Outcome> {
  // No DATABASE_URL: status must not need one, and add/import use the embedded database.
  const { DATABASE_URL: _ignored, ...inherited } = process.env;
  const env = { ...inherited, COMITY_LOG_LEVEL: 'silent', ...environment };
  try {
    const { stdout, stderr } = await run(process.execPath, [cli, ...args], { cwd: root, env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

describe('comity treaty status (offline)', () => {
  // A data directory that does not exist: the command must not open a database.
  const offline = { COMITY_DATA_DIR: path.join(tmpdir(), 'comity-treaty-status-no-node') };

  it('ends quietly, exit 0, when its reader has closed the pipe (`| true`)', async () => {
    const child = spawn(process.execPath, [cli, 'treaty', 'status'], {
      cwd: root,
      env: { ...process.env, ...offline, COMITY_LOG_LEVEL: 'silent' },
    });
    // The reader goes away before the command writes: each line it prints meets a closed pipe.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(stderr, '', 'no stack trace for a closed pipe');
    assert.equal(code, 0);
  });

  it('prints the API status JSON from the seed data and exits 0', async () => {
    const outcome = await comity(offline, 'treaty', 'status', '--as-of', '2026-11-28', '--json');
    assert.equal(outcome.code, 0, outcome.stderr);
    const status = JSON.parse(outcome.stdout);
    assert.equal(status.asOf, '2026-11-28');
    assert.equal(status.signatories.count, 61);
    assert.equal(status.signatories.depositaryCount, 72);
    assert.equal(status.countedInstruments, 0);
    assert.equal(status.stillNeeded, 40);
    assert.equal(status.entryIntoForce, null);
    assert.equal(status.reportedNotDeposited.length, 4);
    assert.equal(existsSync(offline.COMITY_DATA_DIR), false, 'no database was created');
  });

  it('counts no signatory the day before the signing ceremony, and says the depositary count does not apply yet', async () => {
    const outcome = await comity(offline, 'treaty', 'status', '--as-of', '2025-10-24');
    assert.equal(outcome.code, 0, outcome.stderr);
    assert.match(
      outcome.stdout,
      /Signatories: 0 recorded\. The depositary's count \(S1\) applies from 2025-10-26, after this day\./,
    );
  });

  it('prints a readable summary with the data date, the gap and the reports not deposited', async () => {
    const outcome = await comity(offline, 'treaty', 'status', '--as-of', '2026-11-28');
    assert.equal(outcome.code, 0, outcome.stderr);
    assert.match(outcome.stdout, /research as of 2026-11-28/);
    assert.match(
      outcome.stdout,
      /Records: the bundled research records \(src\/data\/treaty\) only, not a node's database/,
    );
    assert.match(outcome.stdout, /Signatories: 61 recorded\. The depositary lists 72/);
    assert.match(outcome.stdout, /Counted towards Art\. 65\(1\): 0 of 40/);
    assert.match(outcome.stdout, /Not in force: 40 more counted instruments needed/);
    assert.match(outcome.stdout, /Azerbaijan: domestic approval 2026-02-10; evidence: secondary/);
    assert.match(outcome.stdout, /Qatar: reported ratification \(no date\); evidence: weak/);
    assert.match(outcome.stdout, /S1 {2}UN Treaty Collection/);
  });

  it('refuses a bad --as-of, or a day to come, with one line and exit code 1', async () => {
    const outcome = await comity(offline, 'treaty', 'status', '--as-of', '28/11/2026');
    assert.equal(outcome.code, 1);
    assert.equal(outcome.stdout, '');
    assert.equal(outcome.stderr.trim().split('\n').length, 1);
    assert.match(outcome.stderr, /--as-of "28\/11\/2026" is not a calendar date/);
    const future = await comity(offline, 'treaty', 'status', '--as-of', '2999-12-31');
    assert.equal(future.code, 1);
    assert.equal(future.stderr.trim().split('\n').length, 1);
    assert.match(future.stderr, /--as-of 2999-12-31 is after today/);
  });
});

describe('comity treaty add and import (node database)', () => {
  let directory: string;
  let environment: Record<string, string>;

  before(() => {
    directory = mkdtempSync(path.join(tmpdir(), 'comity-treaty-cli-'));
    environment = { COMITY_DATA_DIR: path.join(directory, 'node') };
  });
  after(() => rmSync(directory, { recursive: true, force: true }));

  it('adds a record as the operator', async () => {
    const outcome = await comity(
      environment,
      'treaty',
      'add',
      '--state',
      'CA',
      '--action',
      'signature',
      '--date',
      '2026-07-15',
      '--source',
      'UNTC status page',
      '--evidence',
      'primary (depositary)',
    );
    assert.equal(outcome.code, 0, outcome.stderr);
    assert.match(outcome.stdout, /added signature of CA on 2026-07-15/);
  });

  it('retracts a record as the operator, once, saying why in one line when it cannot', async () => {
    const added = await comity(
      environment,
      'treaty',
      'add',
      '--state',
      'NZ',
      '--action',
      'signature',
      '--date',
      '2026-07-16',
      '--source',
      'UNTC status page',
      '--evidence',
      'primary (depositary)',
    );
    const id = /\(id ([0-9a-f-]{36})\)/.exec(added.stdout)?.[1];
    assert.ok(id, added.stdout + added.stderr);
    const retract = () =>
      comity(environment, 'treaty', 'retract', id, '--reason', 'Entered for the wrong State.');
    const outcome = await retract();
    assert.equal(outcome.code, 0, outcome.stderr);
    assert.match(outcome.stdout, /^retracted signature of NZ on 2026-07-16 \(id /);
    const again = await retract();
    assert.notEqual(again.code, 0);
    assert.match(
      again.stderr.trim(),
      /^comity: .*already retracted on \d{4}-\d{2}-\d{2}: Entered for the wrong State\.$/,
    );
    const unexplained = await comity(environment, 'treaty', 'retract', id, '--reason', ' ');
    assert.notEqual(unexplained.code, 0);
    assert.equal(unexplained.stderr.trim().split('\n').length, 1);
    assert.match(unexplained.stderr, /say why the record is retracted/);
    // The audit log names the record each command acted on, with its outcome (never the reason).
    const entries = await withDataDirectoryDatabase(environment.COMITY_DATA_DIR as string, async (db) => {
      const rows = await db.selectFrom('audit_entries').select('entry').orderBy('seq').execute();
      return rows
        .map((row) => decodeAuditEntry(row.entry))
        .filter((entry) => entry?.action.startsWith('cli:treaty'))
        .map((entry) => [entry?.action, entry?.resource, entry?.outcome]);
    });
    assert.deepEqual(entries.slice(-4), [
      ['cli:treaty add', id, 'success'],
      ['cli:treaty retract', id, 'success'],
      ['cli:treaty retract', id, 'failure'],
      ['cli:treaty retract', id, 'failure'],
    ]);
  });

  it('refuses, in one line, a ratification by a State that never signed', async () => {
    const outcome = await comity(
      environment,
      'treaty',
      'add',
      '--state',
      'IN',
      '--action',
      'ratification',
      '--date',
      '2026-09-01',
      '--source',
      'UNTC status page',
      '--evidence',
      'primary (depositary)',
    );
    assert.notEqual(outcome.code, 0);
    assert.equal(outcome.stdout, '');
    assert.match(
      outcome.stderr.trim(),
      /^comity: .*IN has no signature recorded by 2026-09-01.*accession \(Art\. 64\(4\)\)$/,
    );
  });

  it('rejects a CSV with bad rows: one line per error with its line number, exit 1, nothing imported', async () => {
    const file = path.join(directory, 'records.csv');
    writeFileSync(
      file,
      [
        'state_code,action,date,source,evidence,note',
        'DE,accession,2026-06-01,UNTC,primary (depositary),',
        'ZZ,ratification,2026-06-01,UNTC,primary (depositary),',
        'ES,accession,,UNTC,primary (depositary),',
        // The record added above: a duplicate of what the node already has.
        'CA,signature,2026-07-15,UNTC status page,primary (depositary),',
      ].join('\n'),
    );
    const outcome = await comity(environment, 'treaty', 'import', file);
    assert.equal(outcome.code, 1);
    const lines = outcome.stderr.trim().split('\n');
    assert.match(lines[0] ?? '', /records\.csv:3: stateCode: ZZ is not a State/);
    assert.match(lines[1] ?? '', /records\.csv:4: date: .*give its date/);
    assert.match(lines[2] ?? '', /records\.csv:5: the same record is already on this node/);
    assert.match(lines.at(-1) ?? '', /^comity: 3 problems in the CSV; nothing was imported$/);
    assert.equal(outcome.stdout, '');

    // Line 2 was valid but was not imported: importing it alone now succeeds.
    writeFileSync(
      file,
      'state_code,action,date,source,evidence,note\nDE,accession,2026-06-01,UNTC,primary (depositary),\n',
    );
    const retry = await comity(environment, 'treaty', 'import', file);
    assert.equal(retry.code, 0, retry.stderr);
    assert.match(retry.stdout, /imported 1 record from/);
  });
});
