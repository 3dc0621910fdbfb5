/**
 * TLS as deployed: a secretariat and two State nodes, each behind Debian's nginx terminating TLS
 * with deploy/nginx/comity.conf and a certificate this test makes (its own CA, trusted by the node
 * processes through NODE_EXTRA_CA_CERTS). The directory lists https endpoints only; the web UI, the
 * API and federation work through the proxy; cookies are Secure and HSTS is sent.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { createServer } from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { preservationDraft } from '../../src/demo/demo-drafts.ts';
import { draftRequest, listIncomingRequests, readDelivery } from '../../src/demo/federation-api.ts';
import { closedPort } from '../helpers/closed-port.ts';
import {
  type Federation,
  startFederation,
  submitAndApprove,
  temporaryDirectory,
  waitFor,
} from '../helpers/node-process.ts';

const NGINX = process.env.COMITY_TEST_NGINX;
const TEMPLATE = path.resolve(import.meta.dirname, '../../deploy/nginx/comity.conf');
const NAMES = ['secretariat', 'fr-poc', 'de-poc'] as const;

/** `count` consecutive loopback ports nothing listens on (the federation's secretariat and nodes). */
async function freePortRange(count: number): Promise<number> {
  const isFree = (port: number) =>
    new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const base = await closedPort();
    if (base + count >= 65_535) continue;
    const ports = Array.from({ length: count }, (_, index) => base + index);
    if ((await Promise.all(ports.map(isFree))).every(Boolean)) return base;
  }
  throw new Error(`no ${count} consecutive free ports`);
}

/** A CA and a certificate for 127.0.0.1 and localhost signed by it (openssl, as an operator would). */
function makeCertificates(directory: string): { ca: string; certificate: string; key: string } {
  const file = (name: string) => path.join(directory, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  openssl(
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=Comity test CA',
    '-keyout',
    file('ca.key'),
    '-out',
    file('ca.pem'),
  );
  openssl(
    'req',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-subj',
    '/CN=127.0.0.1',
    '-keyout',
    file('node.key'),
    '-out',
    file('node.csr'),
  );
  writeFileSync(file('san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  openssl(
    'x509',
    '-req',
    '-in',
    file('node.csr'),
    '-CA',
    file('ca.pem'),
    '-CAkey',
    file('ca.key'),
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    file('san.ext'),
    '-out',
    file('node.pem'),
  );
  return { ca: file('ca.pem'), certificate: file('node.pem'), key: file('node.key') };
}

type Answer = { status: number; headers: Record<string, string | string[] | undefined>; body: string };

/** An HTTPS call that trusts the test CA only. */
function call(ca: Buffer, url: string, options: { method?: string; body?: unknown } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const request = https.request(
      url,
      {
        ca,
        method: options.method ?? 'GET',
        headers: body ? { 'content-type': 'application/json', accept: 'application/json' } : {},
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        );
      },
    );
    request.once('error', reject);
    request.end(body);
  });
}

describe('behind a TLS-terminating nginx', {
  skip: NGINX ? false : 'nginx not found (apt-get install nginx)',
}, () => {
  let directory: string;
  let nginx: ChildProcess | undefined;
  let federation: Federation;
  let ca: Buffer;
  const proxyPorts = new Map<string, number>();
  const publicUrl = (name: string) => `https://127.0.0.1:${proxyPorts.get(name)}`;

  before(async () => {
    directory = temporaryDirectory('comity-tls-');
    const files = makeCertificates(directory);
    ca = readFileSync(files.ca);
    const portBase = await freePortRange(NAMES.length);
    mkdirSync(path.join(directory, 'sites'));
    const template = readFileSync(TEMPLATE, 'utf8');
    for (const [index, name] of NAMES.entries()) {
      proxyPorts.set(name, await closedPort());
      const site = template
        .replaceAll('{{listen}}', `127.0.0.1:${proxyPorts.get(name)}`)
        .replaceAll('{{server_name}}', '127.0.0.1')
        .replaceAll('{{certificate}}', files.certificate)
        .replaceAll('{{certificate_key}}', files.key)
        .replaceAll('{{upstream}}', `127.0.0.1:${portBase + index}`);
      assert.doesNotMatch(site, /\{\{/, 'every value of the template is replaced');
      writeFileSync(path.join(directory, 'sites', `${name}.conf`), site);
    }
    const temporary = (name: string) => path.join(directory, name);
    writeFileSync(
      path.join(directory, 'nginx.conf'),
      [
        'worker_processes 1;',
        'daemon off;',
        `pid ${temporary('nginx.pid')};`,
        `error_log ${temporary('error.log')} warn;`,
        'events { worker_connections 256; }',
        'http {',
        `  access_log ${temporary('access.log')};`,
        ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(
          (kind) => `  ${kind}_temp_path ${temporary(`${kind}-temp`)};`,
        ),
        `  include ${temporary('sites')}/*.conf;`,
        '}',
      ].join('\n'),
    );
    execFileSync(NGINX!, ['-t', '-q', '-p', directory, '-c', path.join(directory, 'nginx.conf')], {
      stdio: 'pipe',
    });
    nginx = spawn(NGINX!, ['-p', directory, '-c', path.join(directory, 'nginx.conf')], { stdio: 'ignore' });
    await waitFor(
      'nginx listening',
      async () => {
        try {
          return await call(ca, `${publicUrl('secretariat')}/`);
        } catch {
          return undefined;
        }
      },
      { timeoutMs: 10_000 },
    );
    federation = await startFederation({
      states: ['FR', 'DE'],
      portBase,
      publicUrlFor: (name) => publicUrl(name),
      env: { NODE_EXTRA_CA_CERTS: files.ca },
    });
  });

  after(async () => {
    await federation?.stop();
    nginx?.kill('SIGQUIT');
  });

  it("the directory lists the nodes, the secretariat's own too, at their https addresses", async () => {
    const answer = await call(ca, `${publicUrl('secretariat')}/federation/v1/directory`);
    assert.equal(answer.status, 200, answer.body);
    // A compact JWS: the payload is the directory document.
    const document = JSON.parse(Buffer.from(answer.body.split('.')[1] ?? '', 'base64url').toString()) as {
      nodes: { nodeId: string; endpoint: string }[];
    };
    // The secretariat too: it lists itself, as every node's default witness.
    assert.deepEqual(document.nodes.map((node) => [node.nodeId, node.endpoint]).sort(), [
      ['de-poc', publicUrl('de-poc')],
      ['fr-poc', publicUrl('fr-poc')],
      ['secretariat', publicUrl('secretariat')],
    ]);
  });

  it('the web UI and the API answer through the proxy, with HSTS and Secure cookies', async () => {
    const page = await call(ca, `${publicUrl('fr-poc')}/`);
    assert.equal(page.status, 200);
    assert.match(String(page.headers['content-type']), /text\/html/);
    assert.match(String(page.headers['strict-transport-security']), /max-age=\d+/);

    const fr = federation.node('FR');
    const session = await call(ca, `${publicUrl('fr-poc')}/api/v1/session`, {
      method: 'POST',
      body: { username: 'admin', password: fr.adminPassword },
    });
    assert.equal(session.status, 200, session.body);
    const cookies = [session.headers['set-cookie'] ?? []].flat();
    assert.ok(cookies.length > 0);
    for (const cookie of cookies) assert.match(cookie, /;\s*Secure/i, cookie);
    assert.match(String(session.headers['strict-transport-security']), /max-age=\d+/);
  });

  it('a request goes from FR to DE through DE’s proxy and FR gets the signed receipt', async () => {
    const officer = await federation.node('FR').userClient('officer');
    const duty = await federation.node('DE').userClient('duty-officer');
    const drafted = await draftRequest(officer, preservationDraft('FR', 'DE', 1));
    assert.ok(drafted.isReady, drafted.blocking.join('; '));
    await submitAndApprove(officer, drafted.id);
    await waitFor('the receipt at FR', async () => (await readDelivery(officer, drafted.id)).receipt, {
      timeoutMs: 30_000,
    });
    const incoming = await listIncomingRequests(duty);
    assert.ok(incoming.some((request) => request.remoteRequestId === drafted.id));
    const log = readFileSync(path.join(directory, 'access.log'), 'utf8');
    assert.match(
      log,
      /"POST \/federation\/v1\/messages HTTP\/1\.1" 200/,
      'the message went through the proxy',
    );
  });

  it('the certificate is checked: a client without the CA is refused', async () => {
    await assert.rejects(
      new Promise((resolve, reject) => {
        const request = https.request(`${publicUrl('de-poc')}/`, (response) => resolve(response.statusCode));
        request.once('error', reject);
        request.end();
      }),
      /self[- ]signed|unable to verify|certificate/i,
    );
  });
});
