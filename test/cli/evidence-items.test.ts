/**
 * `comity evidence upload` and `list` against a real node on loopback (PGlite): the CLI process is
 * killed once the node has received part of the file (a proxy counts the bytes), run again, resumes
 * the upload where the node stopped, and the stored item's SHA-256 is the file's.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { preservationDraft } from '../../src/demo/demo-drafts.ts';
import { type NodePair, startNodePair } from '../api/delivery-fixture.ts';
import { asRole, bearerAs } from '../helpers/auth.ts';
import { runComity } from '../helpers/cli.ts';
import { DATABASE_TARGETS } from '../helpers/database.ts';

const target = DATABASE_TARGETS.find((each) => each.name === 'pglite') ?? DATABASE_TARGETS[0];

/** A loopback proxy to the node that calls `onBytes` with the bytes forwarded to it so far. */
async function startCountingProxy(
  port: number,
  onBytes: (total: number) => void,
): Promise<{ url: string; server: Server }> {
  let total = 0;
  const server = createServer((client) => {
    const upstream = connect(port, '127.0.0.1');
    client.on('data', (chunk) => {
      total += chunk.length;
      upstream.write(chunk);
      onBytes(total);
    });
    upstream.on('data', (chunk) => client.write(chunk));
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    for (const socket of [client, upstream]) {
      socket.on('error', close);
      socket.on('close', close);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address !== 'object') throw new Error('no port');
  return { url: `http://127.0.0.1:${address.port}`, server };
}

describe('comity evidence', { skip: target?.skip }, () => {
  let pair: NodePair;
  let workDirectory: string;
  let requestId: string;
  let token: string;
  let cliDirectory: string;

  before(async () => {
    workDirectory = mkdtempSync(path.join(os.tmpdir(), 'comity-evidence-cli-'));
    cliDirectory = path.join(workDirectory, 'cli');
    if (!target) throw new Error('no database target');
    pair = await startNodePair(target, {
      requesting: ['fr-cli', 'FR'],
      requested: ['de-cli', 'DE'],
      environment: { COMITY_DATA_DIR: path.join(workDirectory, 'node') },
    });
    const author = await asRole(pair.requesting, 'officer');
    const supervisor = await asRole(pair.requested, 'supervisor');
    ({ requestedId: requestId } = await pair.deliverRequest(
      author,
      supervisor,
      preservationDraft('FR', 'DE', 1),
    ));
    token =
      (await bearerAs(pair.requested, 'evidence-custodian')).headers.authorization?.replace('Bearer ', '') ??
      '';
  });

  after(async () => {
    await pair?.close();
    if (workDirectory) rmSync(workDirectory, { recursive: true, force: true });
  });

  it('uploads a file, resuming after the process was killed mid-way, and lists it', async () => {
    const file = path.join(workDirectory, 'server-logs.tar');
    const bytes = randomBytes(8 * 1024 * 1024);
    writeFileSync(file, bytes);
    let child: ChildProcess | undefined;
    let isCut = false;
    const proxy = await startCountingProxy(Number(new URL(pair.requestedUrl).port), (total) => {
      if (!isCut && total > 3 * 1024 * 1024) {
        isCut = true;
        child?.kill('SIGKILL');
      }
    });
    try {
      const env = { COMITY_API_URL: proxy.url, COMITY_API_TOKEN: token };
      const args = [
        'evidence',
        'upload',
        '--request',
        requestId,
        '--description',
        'Web server logs, March 2026',
        '--resume-file',
        path.join(workDirectory, 'uploads.json'),
        file,
      ];
      const killed = await runComity(cliDirectory, args, {
        env,
        onSpawn: (spawned) => {
          child = spawned;
        },
      });
      assert.notEqual(killed.code, 0, 'the first run was killed');
      assert.ok(isCut);

      const resumed = await runComity(cliDirectory, args, { env });
      assert.equal(resumed.code, 0, resumed.stderr);
      assert.match(resumed.stderr, /^resuming the upload of .*server-logs\.tar/m);
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      assert.match(
        resumed.stdout,
        new RegExp(`uploaded .* as evidence item [0-9a-f-]{36}: ${bytes.length} bytes, sha256 ${sha256}`),
      );

      const listed = await runComity(cliDirectory, ['evidence', 'list', '--request', requestId], { env });
      assert.equal(listed.code, 0, listed.stderr);
      const lines = listed.stdout.trim().split('\n');
      assert.equal(lines.length, 1);
      assert.match(lines[0] ?? '', /stored {2}server-logs\.tar {2}8388608 bytes/);
      assert.match(lines[0] ?? '', /2 events, last sealed, chain intact/);
    } finally {
      proxy.server.close();
    }
  });

  it("lists the node's register of evidence, filtered, and says in one line what it cannot list", async () => {
    const env = { COMITY_API_URL: pair.requestedUrl, COMITY_API_TOKEN: token };
    const file = path.join(workDirectory, 'register.txt');
    writeFileSync(file, 'a line of a log\n');
    pair.clock.advance(1000); // the nodes' clock stands still: this upload comes later than the first
    const uploaded = await runComity(
      cliDirectory,
      [
        'evidence',
        'upload',
        '--request',
        requestId,
        '--resume-file',
        path.join(workDirectory, 'reg.json'),
        file,
      ],
      { env },
    );
    assert.equal(uploaded.code, 0, uploaded.stderr);

    const held = await runComity(cliDirectory, ['evidence', 'list'], { env });
    assert.equal(held.code, 0, held.stderr);
    const [newest] = held.stdout.trim().split('\n');
    assert.match(newest ?? '', /stored {2}register\.txt {2}16 bytes/);
    assert.match(newest ?? '', new RegExp(`request ${requestId} \\(incoming`));

    const json = await runComity(
      cliDirectory,
      ['evidence', 'list', '--status', 'stored', '--limit', '1', '--json'],
      {
        env,
      },
    );
    assert.equal(json.code, 0, json.stderr);
    const page = JSON.parse(json.stdout) as { items: { fileName: string }[]; nextCursor: string | null };
    assert.deepEqual(
      page.items.map((item) => item.fileName),
      ['register.txt'],
    );
    assert.notEqual(page.nextCursor, null, 'the earlier upload is on the next page');
    const first = await runComity(cliDirectory, ['evidence', 'list', '--limit', '1'], { env });
    assert.match(
      first.stdout,
      new RegExp(`^more items: run it again with --cursor ${page.nextCursor}$`, 'm'),
    );
    // --before, the older name of --cursor, still reads the next page.
    for (const flag of ['--cursor', '--before']) {
      const next = await runComity(
        cliDirectory,
        ['evidence', 'list', '--limit', '1', flag, page.nextCursor ?? ''],
        { env },
      );
      assert.equal(next.code, 0, next.stderr);
      assert.match(next.stdout, /stored {2}server-logs\.tar/);
    }
    const found = await runComity(cliDirectory, ['evidence', 'list', '--search', 'SERVER-LOGS'], { env });
    assert.equal(found.code, 0, found.stderr);
    assert.deepEqual(
      found.stdout
        .trim()
        .split('\n')
        .map((line) => /server-logs\.tar/.test(line)),
      [true],
    );
    const unknown = await runComity(
      cliDirectory,
      ['evidence', 'list', '--cursor', '00000000-0000-4000-8000-000000000000'],
      { env },
    );
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /no evidence item 00000000-0000-4000-8000-000000000000/);
    const due = await runComity(cliDirectory, ['evidence', 'list', '--due'], { env });
    assert.equal(due.stdout.trim(), 'no evidence items');

    for (const args of [
      ['evidence', 'list', '--status', 'lost'],
      ['evidence', 'list', '--limit', '0'],
      ['evidence', 'list', '--request', requestId, '--due'],
    ]) {
      const refused = await runComity(cliDirectory, args, { env });
      assert.equal(refused.code, 2, `${args.join(' ')}: ${refused.stderr}`);
      assert.equal(refused.stderr.trim().split('\n').length, 1, refused.stderr);
    }
  });

  it('says in one line why the node refused an upload', async () => {
    const file = path.join(workDirectory, 'note.txt');
    writeFileSync(file, 'x');
    const refused = await runComity(
      cliDirectory,
      [
        'evidence',
        'upload',
        '--request',
        '00000000-0000-4000-8000-000000000000',
        '--resume-file',
        path.join(workDirectory, 'r.json'),
        file,
      ],
      { env: { COMITY_API_URL: pair.requestedUrl, COMITY_API_TOKEN: token } },
    );
    assert.equal(refused.code, 1);
    assert.equal(refused.stderr.trim().split('\n').length, 1, refused.stderr);
    assert.match(refused.stderr, /no request 00000000-0000-4000-8000-000000000000/);
  });
});
