import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PROCESS_INSTANCE } from '../../src/ready-file.ts';
import { DATABASE_TARGETS } from '../helpers/database.ts';
import { json, startTestApp, type TestApp } from '../helpers/app.ts';

for (const target of DATABASE_TARGETS) {
  describe(`health and errors [${target.name}]`, { skip: target.skip }, () => {
    let subject: TestApp;
    before(async () => {
      subject = await startTestApp(target);
    });
    after(async () => subject?.close());

    it('reports the node healthy with its database kind', async () => {
      const response = await subject.app.inject({ method: 'GET', url: '/api/v1/health' });
      assert.equal(response.statusCode, 200);
      const body = json<{ status: string; database: { kind: string; isReachable: boolean } }>(response);
      assert.equal(body.status, 'ok');
      assert.deepEqual(body.database, { kind: target.name, isReachable: true });
      assert.deepEqual((body as unknown as { dependencies: unknown }).dependencies, {
        database: 'available',
      });
      assert.deepEqual((body as unknown as { node: unknown }).node, {
        state: null,
        nodeId: null,
        authority: null,
        mode: 'node',
        instance: PROCESS_INSTANCE,
      });
    });

    it('answers an unknown API route with a problem+json naming the route', async () => {
      const response = await subject.app.inject({ method: 'GET', url: '/api/v1/nothing-here' });
      assert.equal(response.statusCode, 404);
      assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
      assert.equal(json<{ type: string }>(response).type, 'urn:comity:problem:route-not-found');
    });

    it('answers a method a route does not serve with 405 and the methods it does in Allow', async () => {
      const id = '00000000-0000-4000-8000-000000000000';
      for (const [method, url, allow] of [
        ['PATCH', `/api/v1/requests/${id}`, 'DELETE, GET, HEAD, PUT'],
        ['GET', `/api/v1/requests/${id}/submit`, 'POST'],
        ['PUT', '/api/v1/session', 'DELETE, GET, HEAD, POST'],
      ] as const) {
        const response = await subject.app.inject({ method, url });
        assert.equal(response.statusCode, 405, `${method} ${url}`);
        assert.equal(response.headers.allow, allow, `${method} ${url}`);
        assert.equal(json<{ type: string }>(response).type, 'urn:comity:problem:method-not-allowed');
      }
    });

    it('serves an OpenAPI 3 document that lists the health route', async () => {
      const response = await subject.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
      assert.equal(response.statusCode, 200);
      const document = json<{ openapi: string; paths: Record<string, unknown> }>(response);
      assert.match(document.openapi, /^3\./);
      assert.ok(document.paths['/api/v1/health']);
    });
  });
}

describe('API reference page', () => {
  it('is served as HTML from the node itself (no outside resources needed)', async () => {
    const subject = await startTestApp(DATABASE_TARGETS[0]!);
    try {
      const page = await subject.app.inject({ method: 'GET', url: '/api/v1/reference/' });
      assert.equal(page.statusCode, 200);
      assert.match(String(page.headers['content-type']), /text\/html/);
      assert.doesNotMatch(
        page.body,
        /https?:\/\/(?!localhost)[a-z0-9.-]+\/[^"']*\.js/i,
        'no script from another host',
      );
      const spec = await subject.app.inject({ method: 'GET', url: '/api/v1/reference/json' });
      assert.equal(spec.statusCode, 200);
      assert.ok(json<{ paths: Record<string, unknown> }>(spec).paths['/api/v1/requests']);
    } finally {
      await subject.close();
    }
  });
});
