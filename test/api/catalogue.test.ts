import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CatalogueSchema, RequestTypeEntrySchema } from '../../src/core/catalogue/catalogue.ts';
import { REQUEST_TYPE_IDS } from '../../src/core/request/draft.ts';
import { json, startTestApp, type TestApp } from '../helpers/app.ts';
import { DATABASE_TARGETS } from '../helpers/database.ts';

for (const target of DATABASE_TARGETS) {
  describe(`catalogue API [${target.name}]`, { skip: target.skip }, () => {
    let subject: TestApp;
    before(async () => {
      subject = await startTestApp(target);
    });
    after(async () => subject?.close());

    it('serves the whole catalogue to an anonymous caller', async () => {
      const response = await subject.app.inject({ method: 'GET', url: '/api/v1/catalogue' });
      assert.equal(response.statusCode, 200);
      const body = CatalogueSchema.parse(json(response));
      assert.deepEqual(body, subject.context.catalogue);
      assert.equal(body.requestTypes.length, REQUEST_TYPE_IDS.length);
    });

    it('serves one request type with its cited elements', async () => {
      const response = await subject.app.inject({
        method: 'GET',
        url: '/api/v1/catalogue/request-types/preservation',
      });
      assert.equal(response.statusCode, 200);
      const entry = RequestTypeEntrySchema.parse(json(response));
      assert.equal(entry.id, 'preservation');
      assert.equal(entry.article, 42);
      assert.deepEqual(
        entry.elements.find((e) => e.element === 'preservation-period'),
        { element: 'preservation-period', article: 42, paragraph: '8', requirement: 'required' },
      );
    });

    it('answers an unknown request type with a not-found problem', async () => {
      const response = await subject.app.inject({
        method: 'GET',
        url: '/api/v1/catalogue/request-types/no-such-type',
      });
      assert.equal(response.statusCode, 404);
      assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
      const problem = json<{ type: string; detail: string }>(response);
      assert.equal(problem.type, 'urn:comity:problem:not-found');
      assert.match(problem.detail, /no-such-type/);
    });

    it('lists both catalogue routes in the OpenAPI document as public', async () => {
      const response = await subject.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
      const document = json<{ paths: Record<string, { get?: { security?: unknown[] } }> }>(response);
      assert.deepEqual(document.paths['/api/v1/catalogue']?.get?.security, []);
      assert.deepEqual(document.paths['/api/v1/catalogue/request-types/{id}']?.get?.security, []);
    });
  });
}
