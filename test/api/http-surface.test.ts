/**
 * The node's HTTP surface over a real socket on loopback: the security headers on every answer
 * (UI, API, documents, errors), and what plugins refuse (a path leaving its directory however
 * encoded, a malformed URL, an over-long id) answered as their own 4xx problem+json, never a 500.
 */
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { buildApp } from '../../src/http/app.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { bearerAs } from '../helpers/auth.ts';
import { DATABASE_TARGETS } from '../helpers/database.ts';

type Answer = { status: number; headers: Record<string, string | string[] | undefined>; body: string };

/** A GET with the path sent byte for byte (fetch would normalise `..` away). */
function rawGet(port: number, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest({ host: '127.0.0.1', port, path, method: 'GET', headers }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
      );
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

const target = DATABASE_TARGETS[0]!;

describe(`HTTP surface: security headers and refused paths [${target.name}]`, { skip: target.skip }, () => {
  let subject: TestApp;
  let port: number;
  let errorsLogged: string[];
  let app: Awaited<ReturnType<typeof buildApp>>;

  before(async () => {
    subject = await startTestApp(target);
    errorsLogged = [];
    app = await buildApp(subject.context);
    app.addHook('onError', async (_request, _reply, error) => {
      errorsLogged.push(error.message);
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    port = (app.server.address() as AddressInfo).port;
  });
  after(async () => {
    await app?.close();
    await subject?.close();
  });

  function assertSecurityHeaders(answer: Answer, what: string): void {
    const policy = String(answer.headers['content-security-policy']);
    assert.match(policy, /script-src 'self'(;|$)/, `${what}: scripts from the node only`);
    assert.doesNotMatch(policy, /script-src[^;]*unsafe-inline/, what);
    assert.match(policy, /frame-ancestors 'none'/, what);
    assert.equal(answer.headers['x-content-type-options'], 'nosniff', what);
    assert.equal(answer.headers['referrer-policy'], 'no-referrer', what);
  }

  it('sends the security headers on the UI, the API, a document, the reference and errors', async () => {
    const bearer = await bearerAs(subject, 'officer');
    const answers: Array<[string, Answer]> = [
      ['the UI', await rawGet(port, '/requests')],
      ['the API', await rawGet(port, '/api/v1/health')],
      ['an authenticated API call', await rawGet(port, '/api/v1/requests', bearer.headers)],
      ['the API reference', await rawGet(port, '/api/v1/reference/static/index.html')],
      [
        'a missing document',
        await rawGet(
          port,
          '/api/v1/requests/00000000-0000-4000-8000-000000000000/document.pdf',
          bearer.headers,
        ),
      ],
      ['an unknown endpoint', await rawGet(port, '/api/v1/nothing-here')],
    ];
    for (const [what, answer] of answers) assertSecurityHeaders(answer, what);
    assert.equal(answers[0]![1].headers['strict-transport-security'], undefined, 'no HSTS over http');
  });

  it('adds HSTS when the public URL is https', async () => {
    const httpsApp = await buildApp({
      ...subject.context,
      config: {
        ...subject.context.config,
        http: { ...subject.context.config.http, publicUrl: 'https://comity.example.org' },
      },
    });
    try {
      const answer = await httpsApp.inject({ method: 'GET', url: '/api/v1/health' });
      assert.equal(answer.headers['strict-transport-security'], 'max-age=31536000');
    } finally {
      await httpsApp.close();
    }
  });

  it('answers paths that leave their directory, malformed URLs and over-long ids with their own 4xx problem', async () => {
    const cases: Array<[string, number, string]> = [
      ['/../etc/passwd', 400, 'malformed-url'],
      ['/%2e%2e/%2e%2e/etc/passwd', 400, 'malformed-url'],
      ['/assets/..%2f..%2fpackage.json', 400, 'malformed-url'],
      ['/assets/%2E%2E%5C%2E%2E%5Cpackage.json', 400, 'malformed-url'],
      ['/index.html%00', 400, 'malformed-url'],
      ['/%zz', 400, 'malformed-url'],
      ['/api/v1/requests/%zz', 400, 'malformed-url'],
      [`/api/v1/requests/${'a'.repeat(5000)}`, 414, 'uri-too-long'],
    ];
    for (const [path, status, code] of cases) {
      const answer = await rawGet(port, path);
      assert.equal(answer.status, status, `${path.slice(0, 60)}: ${answer.body.slice(0, 200)}`);
      assert.match(String(answer.headers['content-type']), /^application\/problem\+json/, path.slice(0, 60));
      assert.equal(JSON.parse(answer.body).type, `urn:comity:problem:${code}`, path.slice(0, 60));
      assert.doesNotMatch(answer.body, /\bat \S+:\d+:\d+/, 'no stack trace');
      assertSecurityHeaders(answer, path.slice(0, 60));
    }
    assert.deepEqual(
      errorsLogged.filter((message) => /internal|unexpected/i.test(message)),
      [],
    );
  });
});
