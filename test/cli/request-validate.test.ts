import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';

const root = path.resolve(import.meta.dirname, '..', '..');
const cli = path.join(root, 'src', 'cli', 'main.ts');
const run = promisify(execFile);

type Outcome = { code: number; stdout: string; stderr: string };

async function comity(...args: string[]): Promise<Outcome> {
  try {
    const { stdout, stderr } = await run(process.execPath, [cli, ...args], { cwd: root });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

function lines(text: string): string[] {
  return text.split('\n').filter((line) => line.trim() !== '');
}

describe('comity request validate', () => {
  let directory: string;
  const write = (name: string, content: string): string => {
    const file = path.join(directory, name);
    writeFileSync(file, content);
    return file;
  };

  before(() => {
    directory = mkdtempSync(path.join(tmpdir(), 'comity-request-validate-'));
  });
  after(() => rmSync(directory, { recursive: true, force: true }));

  it('lists the blocking findings of a bare preservation draft and exits 1', async () => {
    const result = await comity('request', 'validate', write('bare.json', '{"type":"preservation"}'));
    assert.equal(result.code, 1);
    const output = lines(result.stdout);
    assert.match(output[0] ?? '', /^BLOCKING {2}Art\. 42\(3\)\(a\)/);
    assert.ok(
      output.some((line) => /^BLOCKING {2}Art\. 42\(3\)\(d\) +custodian +\S/.test(line)),
      result.stdout,
    );
    assert.match(output.at(-1) ?? '', /^\d+ blocking, \d+ warnings?: not ready to send$/);
    assert.equal(result.stderr, '');
  });

  it('accepts the complete example draft and exits 0', async () => {
    const result = await comity(
      'request',
      'validate',
      path.join(root, 'docs', 'examples', 'preservation-draft.json'),
    );
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.ok(!result.stdout.includes('BLOCKING'));
    assert.match(lines(result.stdout).at(-1) ?? '', /^0 blocking, \d+ warnings?: ready to send$/);
  });

  it('says its summary in the language asked for, as it says the findings', async () => {
    const bare = write('bare-fr.json', '{"type":"preservation"}');
    const french = await comity('request', 'validate', bare, '--lang', 'fr');
    assert.equal(french.code, 1);
    assert.match(
      lines(french.stdout).at(-1) ?? '',
      /^bloquants : \d+, avertissements : \d+ — pas prête à l’envoi$/,
    );
    const complete = path.join(root, 'docs', 'examples', 'preservation-draft.json');
    const russian = await comity('request', 'validate', complete, '--lang', 'ru');
    assert.equal(russian.code, 0);
    assert.match(
      lines(russian.stdout).at(-1) ?? '',
      /^блокирующих: 0, предупреждений: \d+ — готов к отправке$/,
    );
  });

  it('prints the findings as JSON with --json, in the language asked for', async () => {
    const file = path.join(root, 'docs', 'examples', 'preservation-incomplete.json');
    const english = await comity('request', 'validate', file, '--json');
    const french = await comity('request', 'validate', file, '--json', '--lang', 'fr');
    assert.equal(english.code, 1);
    const body = JSON.parse(english.stdout) as {
      findings: Array<{ rule: string; message: string }>;
      isReady: boolean;
    };
    const frenchBody = JSON.parse(french.stdout) as typeof body;
    assert.equal(body.isReady, false);
    assert.ok(body.findings.some((finding) => finding.rule === 'preservation-period-too-short'));
    assert.deepEqual(
      frenchBody.findings.map((finding) => finding.rule),
      body.findings.map((finding) => finding.rule),
    );
    assert.notEqual(frenchBody.findings[0]?.message, body.findings[0]?.message);
  });

  it('rejects malformed JSON in one line and exits 1', async () => {
    const file = write('broken.json', '{"type": "preservation",');
    const result = await comity('request', 'validate', file);
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    assert.equal(lines(result.stderr).length, 1);
    assert.match(result.stderr, /^comity: .*broken\.json: not valid JSON/);
  });

  it('rejects a draft that does not match the schema in one line naming the field', async () => {
    const file = write('wrong.json', '{"type":"preservation","offences":[{"maximumPenaltyYears":"ten"}]}');
    const result = await comity('request', 'validate', file);
    assert.equal(result.code, 1);
    assert.equal(lines(result.stderr).length, 1);
    assert.match(
      result.stderr,
      /^comity: .*wrong\.json: offences\[0\]\.maximumPenaltyYears: expected number/,
    );
  });

  it('reports a missing file in one line and exits 1', async () => {
    const result = await comity('request', 'validate', path.join(directory, 'absent.json'));
    assert.equal(result.code, 1);
    assert.equal(lines(result.stderr).length, 1);
    assert.match(result.stderr, /^comity: .*absent\.json: no such file$/m);
  });

  it('refuses a language that is not one of the six', async () => {
    const result = await comity('request', 'validate', '--lang', 'de', write('any.json', '{"type":"mla"}'));
    assert.equal(result.code, 2);
    assert.match(result.stderr, /Allowed choices are ar, zh, en, fr, ru, es/);
  });
});
