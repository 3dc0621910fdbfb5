/**
 * `comity request new|show|list|delete` against a stand-in node: a local HTTP server that
 * records what the CLI sends and answers as docs/api.md describes.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { ConfigError, loadClientConfig } from '../../src/config.ts';

const root = path.resolve(import.meta.dirname, '..', '..');
const cli = path.join(root, 'src', 'cli', 'main.ts');
const run = promisify(execFile);

type Outcome = { code: number; stdout: string; stderr: string };
type Recorded = { method: string; url: string; authorization: string | undefined; body: string };
type Reply = { status: number; body?: unknown; contentType?: string };

async function comity(environment: Record<string, string>, ...args: string[]): Promise<Outcome> {
  const env = { ...process.env, COMITY_API_TOKEN: '', COMITY_API_URL: '', ...environment };
  try {
    const { stdout, stderr } = await run(process.execPath, [cli, ...args], { cwd: root, env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const storedRequest = {
  id: '0193a1b2-0000-7000-8000-000000000001',
  type: 'preservation',
  status: 'draft',
  revision: 1,
  caseReference: 'NCA-2026-0042',
  requestedState: 'FR',
  content: { type: 'preservation' },
  createdBy: { id: 'u1', username: 'officer' },
  createdAt: '2026-11-28T10:00:00.000Z',
  updatedAt: '2026-11-28T10:00:00.000Z',
};
const finding = {
  severity: 'blocking',
  element: 'custodian',
  article: 'Art. 42(3)(d)',
  message: 'The custodian is missing.',
  rule: 'required-element-missing',
};

describe('comity request new, show, list and delete', () => {
  let server: Server;
  let apiUrl: string;
  let recorded: Recorded[] = [];
  let reply: Reply = { status: 200, body: {} };
  let directory: string;
  const withToken = () => ({ COMITY_API_URL: apiUrl, COMITY_API_TOKEN: 'test-token' });

  before(async () => {
    directory = mkdtempSync(path.join(tmpdir(), 'comity-request-client-'));
    server = createServer(async (request, response) => {
      recorded.push({
        method: request.method ?? '',
        url: request.url ?? '',
        authorization: request.headers.authorization,
        body: await readBody(request),
      });
      response.statusCode = reply.status;
      if (reply.body !== undefined) {
        response.setHeader('content-type', reply.contentType ?? 'application/json');
        response.end(JSON.stringify(reply.body));
      } else {
        response.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(directory, { recursive: true, force: true });
  });
  beforeEach(() => {
    recorded = [];
  });

  it('creates a draft from a file with the bearer token and prints its findings', async () => {
    reply = { status: 201, body: { request: storedRequest, findings: [finding], isReady: false } };
    const file = path.join(directory, 'draft.json');
    writeFileSync(file, JSON.stringify({ type: 'preservation', caseReference: 'NCA-2026-0042' }));
    const result = await comity(
      withToken(),
      'request',
      'new',
      '--type',
      'preservation',
      '--file',
      file,
      '--lang',
      'fr',
    );
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(
      recorded.map((entry) => [entry.method, entry.url, entry.authorization]),
      [['POST', '/api/v1/requests?lang=fr', 'Bearer test-token']],
    );
    assert.deepEqual(JSON.parse(recorded[0]?.body ?? ''), {
      type: 'preservation',
      caseReference: 'NCA-2026-0042',
    });
    assert.match(
      result.stdout,
      /^created request 0193a1b2-0000-7000-8000-000000000001 \(preservation, revision 1\)$/m,
    );
    assert.match(
      result.stdout,
      /^BLOCKING {2}Art\. 42\(3\)\(d\) {2}custodian {2}The custodian is missing\.$/m,
    );
    // Asked in French: the summary line is in French too.
    assert.match(result.stdout, /^bloquants : 1, avertissements : 0 — pas prête à l’envoi$/m);
  });

  it('creates an empty draft of the given type', async () => {
    reply = { status: 201, body: { request: storedRequest, findings: [], isReady: true } };
    const result = await comity(withToken(), 'request', 'new', '--type', 'mla');
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(recorded[0]?.body ?? ''), { type: 'mla' });
  });

  it('refuses a --type that contradicts the file, without calling the node', async () => {
    const file = path.join(directory, 'typed.json');
    writeFileSync(file, '{"type":"extradition"}');
    const result = await comity(withToken(), 'request', 'new', '--type', 'preservation', '--file', file);
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      /^comity: .*typed\.json: the draft is of type extradition, not preservation\n$/,
    );
    assert.equal(recorded.length, 0);
  });

  it('shows a request with its findings', async () => {
    reply = { status: 200, body: { request: storedRequest, findings: [finding], isReady: false } };
    const result = await comity(withToken(), 'request', 'show', storedRequest.id);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(recorded[0]?.url, `/api/v1/requests/${storedRequest.id}?lang=en`);
    assert.match(result.stdout, /^status +draft \(revision 1\)$/m);
    assert.match(result.stdout, /^requested +FR$/m);
    assert.match(result.stdout, /custodian {2}The custodian is missing\./);
  });

  it('lists requests as a table: the draft, and one received with the node and State it came from', async () => {
    const received = {
      ...storedRequest,
      id: '0193a1b2-0000-7000-8000-000000000002',
      status: 'received',
      caseReference: 'DE-2026-0007',
      requestedState: 'FR',
      direction: 'incoming',
      peerNodeId: 'de-poc',
      peerState: 'DE',
    };
    const draft = { ...storedRequest, direction: 'outgoing', peerNodeId: null, peerState: null };
    reply = { status: 200, body: { items: [draft, received] } };
    const result = await comity(withToken(), 'request', 'list');
    assert.equal(result.code, 0, result.stderr);
    assert.equal(recorded[0]?.url, '/api/v1/requests');
    const [header, row, incoming] = result.stdout.trimEnd().split('\n');
    assert.match(header ?? '', /^ID +TYPE +DIRECTION +STATUS +CASE +REQUESTED +PEER +PEER-STATE +UPDATED$/);
    assert.match(
      row ?? '',
      /^0193a1b2-\S+ +preservation +outgoing +draft +NCA-2026-0042 +FR +- +- +2026-11-28T10:00:00\.000Z$/,
    );
    assert.match(
      incoming ?? '',
      /^0193a1b2-\S+ +preservation +incoming +received +DE-2026-0007 +FR +de-poc +DE +2026-11-28T10:00:00\.000Z$/,
    );
  });

  it('lists one direction when asked, and refuses a direction it does not know in one line', async () => {
    reply = { status: 200, body: { items: [] } };
    const result = await comity(withToken(), 'request', 'list', '--direction', 'incoming');
    assert.equal(result.code, 0, result.stderr);
    assert.equal(recorded[0]?.url, '/api/v1/requests?direction=incoming');
    assert.equal(result.stdout, 'no requests\n');
    recorded = [];
    const refused = await comity(withToken(), 'request', 'list', '--direction', 'sideways');
    assert.notEqual(refused.code, 0);
    assert.equal(recorded.length, 0, 'nothing was asked of the node');
    assert.equal(refused.stderr.trimEnd().split('\n').length, 1, refused.stderr);
    assert.match(refused.stderr, /sideways/);
  });

  it('asks for a search, the open or ended cases and a page, and says how to read the next page', async () => {
    const item = {
      ...storedRequest,
      direction: 'outgoing',
      peerNodeId: null,
      peerState: null,
    };
    reply = { status: 200, body: { items: [item], nextCursor: 'WyJuZXh0Il0', openCount: 12 } };
    const result = await comity(
      withToken(),
      'request',
      'list',
      '--search',
      'NCA 2026',
      '--cases',
      'open',
      '--limit',
      '1',
      '--cursor',
      'WyJwcmV2Il0',
    );
    assert.equal(result.code, 0, result.stderr);
    assert.equal(recorded[0]?.url, '/api/v1/requests?q=NCA%202026&open=true&limit=1&cursor=WyJwcmV2Il0');
    assert.equal(
      result.stdout.trimEnd().split('\n').at(-1),
      'more requests: run it again with --cursor WyJuZXh0Il0',
    );
    recorded = [];
    for (const limit of ['0', '501', 'ten']) {
      const refused = await comity(withToken(), 'request', 'list', '--limit', limit);
      assert.notEqual(refused.code, 0);
      assert.equal(refused.stderr.trimEnd().split('\n').length, 1, refused.stderr);
      assert.match(refused.stderr, /1 to 500/);
    }
    assert.equal(recorded.length, 0, 'nothing was asked of the node');
  });

  it('deletes a request', async () => {
    reply = { status: 204 };
    const result = await comity(withToken(), 'request', 'delete', storedRequest.id);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(
      recorded.map((entry) => [entry.method, entry.url]),
      [['DELETE', `/api/v1/requests/${storedRequest.id}`]],
    );
    assert.equal(result.stdout, `deleted request ${storedRequest.id}\n`);
  });

  it('prints a problem answer as one line and exits 1', async () => {
    reply = {
      status: 404,
      contentType: 'application/problem+json',
      body: {
        type: 'urn:comity:problem:not-found',
        title: 'Not found',
        status: 404,
        detail: 'No such request.',
      },
    };
    const result = await comity(withToken(), 'request', 'show', 'nope');
    assert.equal(result.code, 1);
    assert.equal(result.stderr, 'comity: Not found: No such request.\n');
    assert.equal(result.stdout, '');
  });

  it('says the node is not reachable when nothing listens at the URL', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((resolve) => closed.close(resolve));
    const result = await comity({ COMITY_API_URL: url, COMITY_API_TOKEN: 't' }, 'request', 'list');
    assert.equal(result.code, 1);
    assert.equal(result.stderr.split('\n').filter(Boolean).length, 1);
    assert.match(
      result.stderr,
      new RegExp(`^comity: the node is not reachable at ${url.replaceAll('.', '\\.')} \\(ECONNREFUSED\\)`),
    );
  });

  it('asks for a token before calling the node', async () => {
    const result = await comity({ COMITY_API_URL: apiUrl }, 'request', 'list');
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^comity: no API token: set COMITY_API_TOKEN/);
    assert.equal(recorded.length, 0);
  });
});

describe('loadClientConfig', () => {
  it('defaults to the node on this machine and no token', () => {
    assert.deepEqual(loadClientConfig({}), { apiUrl: 'http://localhost:8080', apiToken: undefined });
  });

  it('reads the URL without its trailing slash, and the token', () => {
    const config = loadClientConfig({
      COMITY_API_URL: 'https://comity.example.org/',
      COMITY_API_TOKEN: 'abc',
    });
    assert.deepEqual(config, { apiUrl: 'https://comity.example.org', apiToken: 'abc' });
  });

  it('treats empty variables as unset', () => {
    assert.deepEqual(loadClientConfig({ COMITY_API_URL: '', COMITY_API_TOKEN: '' }), {
      apiUrl: 'http://localhost:8080',
      apiToken: undefined,
    });
  });

  it('rejects a URL that is not one', () => {
    assert.throws(() => loadClientConfig({ COMITY_API_URL: 'localhost 8080' }), ConfigError);
  });
});
