/**
 * The typed API client (src/api-client) against a real node app on loopback: bearer tokens,
 * the session cookie with its CSRF token, and problem+json answers turned into ApiError.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { answer, createApiClient, isApiError } from '../../src/api-client/client.ts';
import { createApiToken } from '../../src/services/api-tokens.service.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { createUser } from '../helpers/auth.ts';
import { PGLITE_TARGET } from '../helpers/database.ts';

async function rejection(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (isApiError(error)) return error;
    throw error;
  }
  throw new Error('the call succeeded');
}

describe('the typed API client', () => {
  let subject: TestApp;
  let baseUrl: string;
  let officer: { username: string; password: string; token: string };

  before(async () => {
    subject = await startTestApp(PGLITE_TARGET);
    baseUrl = await subject.app.listen({ host: '127.0.0.1', port: 0 });
    const user = await createUser(subject, { roles: ['officer'] });
    const token = await createApiToken(subject.context, user.id, { name: 'client test' });
    officer = { username: user.username, password: user.password, token: token.token };
  });
  after(async () => subject?.close());

  it('calls with a bearer token and answers the typed body', async () => {
    const api = createApiClient({ baseUrl: `${baseUrl}/`, token: officer.token });
    const created = await answer(api.POST('/api/v1/requests', { body: { type: 'preservation' } }));
    assert.equal(created.request.type, 'preservation');
    const listed = await answer(
      api.GET('/api/v1/requests', { params: { query: { direction: 'outgoing' } } }),
    );
    assert.deepEqual(
      listed.items.map((item) => item.id),
      [created.request.id],
    );
  });

  it('turns a problem answer into an ApiError carrying the problem', async () => {
    const api = createApiClient({ baseUrl, token: officer.token });
    const missing = await rejection(
      api.GET('/api/v1/requests/{id}', { params: { path: { id: '00000000-0000-7000-8000-000000000000' } } }),
    );
    assert.equal(missing.code, 'not-found');
    assert.equal(missing.status, 404);
    assert.equal(missing.problem.type, 'urn:comity:problem:not-found');

    const invalid = await rejection(
      api.POST('/api/v1/requests', { body: { type: 'no-such-type' } as unknown as { type: 'preservation' } }),
    );
    assert.equal(invalid.code, 'invalid-input');
    assert.ok((invalid.problem.errors ?? []).some((error) => error.path === 'body.type'));
  });

  it('reports a 401 to onUnauthenticated before rejecting', async () => {
    let reported = 0;
    const api = createApiClient({
      baseUrl,
      token: 'comity_not-a-token',
      onUnauthenticated: () => reported++,
    });
    const refused = await rejection(api.GET('/api/v1/requests'));
    assert.equal(refused.status, 401);
    assert.equal(reported, 1);
  });

  it('acts with a session cookie, whose unsafe calls need the CSRF token', async () => {
    const anonymous = createApiClient({ baseUrl });
    const { data, response } = await anonymous.POST('/api/v1/session', {
      body: { username: officer.username, password: officer.password },
    });
    const sessionCookie = (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const withoutCsrf = createApiClient({ baseUrl, sessionCookie });
    assert.equal(
      (await rejection(withoutCsrf.POST('/api/v1/validate', { body: { type: 'mla' } }))).code,
      'csrf-token-invalid',
    );
    const session = createApiClient({ baseUrl, sessionCookie, csrfToken: () => data?.csrfToken });
    const report = await answer(session.POST('/api/v1/validate', { body: { type: 'mla' } }));
    assert.equal(report.isReady, false);
    assert.equal((await answer(withoutCsrf.GET('/api/v1/session'))).user.username, officer.username);
  });

  it('says `network` when no node answers at the URL', async () => {
    const api = createApiClient({ baseUrl: 'http://127.0.0.1:9', token: officer.token });
    const unreachable = await rejection(api.GET('/api/v1/health'));
    assert.equal(unreachable.code, 'network');
    assert.equal(unreachable.status, 0);
  });
});
