/**
 * Text PostgreSQL cannot store (a NUL character, an unpaired surrogate) is valid JSON and valid
 * percent-encoding: anywhere in a body or a query string it is refused as invalid-input naming
 * the place, before any route writes, and never answered as a database error (500).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { findUnstorableTexts } from '../../src/core/storable-text.ts';
import { type ActingAs, asRole, bearerAs } from '../helpers/auth.ts';
import { json, startTestApp, type TestApp } from '../helpers/app.ts';
import { DATABASE_TARGETS } from '../helpers/database.ts';

type Problem = { type: string; status: number; errors?: { path?: string; message: string }[] };

function assertRefused(response: LightMyRequestResponse, paths: readonly string[]): void {
  assert.equal(response.statusCode, 400, response.body);
  assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
  const problem = json<Problem>(response);
  assert.equal(problem.type, 'urn:comity:problem:invalid-input');
  assert.deepEqual(
    problem.errors?.map((error) => error.path),
    paths,
  );
}

describe('findUnstorableTexts', () => {
  it('names strings and keys with a NUL or an unpaired surrogate, in arrays and objects', () => {
    assert.deepEqual(
      findUnstorableTexts(
        { fine: 'é 中 😀', a: ['ok', 'x\u0000y'], b: { c: 'lone \ud800' }, 'k\u0000': 1 },
        'body',
      ),
      ['body.a.1', 'body.b.c', 'body.k\u0000(key)'],
    );
    assert.deepEqual(findUnstorableTexts('\udc00 alone', 'body'), ['body']);
    assert.deepEqual(findUnstorableTexts({ text: 'a well-formed pair 😀', n: 1, z: null }, 'body'), []);
  });

  it('does not look into a Buffer', () => {
    assert.deepEqual(findUnstorableTexts(Buffer.from([0, 0, 0]), 'body'), []);
  });
});

for (const target of DATABASE_TARGETS) {
  describe(`Unstorable text in a body or a query string [${target.name}]`, { skip: target.skip }, () => {
    let subject: TestApp;
    before(async () => {
      subject = await startTestApp(target);
    });
    after(async () => {
      await subject?.close();
    });

    it('refuses a sign-in whose username has a NUL, before any account is looked up', async () => {
      const response = await subject.app.inject({
        method: 'POST',
        url: '/api/v1/session',
        payload: { username: 'a\u0000b', password: 'whatever-password' },
      });
      assertRefused(response, ['body.username']);
    });

    it('refuses an API token, an account and a handover note with such text, and writes nothing', async () => {
      const read = async (as: ActingAs, url: string) =>
        json(await subject.app.inject({ method: 'GET', url, headers: as.headers }));
      const post = (as: ActingAs, url: string, payload: Record<string, unknown>) =>
        subject.app.inject({ method: 'POST', url, headers: as.headers, payload });
      const officer = await bearerAs(subject, 'officer');
      const tokensBefore = await read(officer, '/api/v1/tokens');
      assertRefused(await post(officer, '/api/v1/tokens', { name: 'scripts\u0000' }), ['body.name']);
      assert.deepEqual(await read(officer, '/api/v1/tokens'), tokensBefore);

      const administrator = await asRole(subject, 'administrator');
      const usersBefore = await read(administrator, '/api/v1/users');
      assertRefused(
        await post(administrator, '/api/v1/users', { username: 'amina', displayName: 'Amina \ud800' }),
        ['body.displayName'],
      );
      assert.deepEqual(await read(administrator, '/api/v1/users'), usersBefore);

      const duty = await bearerAs(subject, 'duty-officer');
      assertRefused(await post(duty, '/api/v1/roster/handover-notes', { body: 'watch the \u0000 queue' }), [
        'body.body',
      ]);
    });

    it('refuses a query string with a NUL, percent-encoded, in a list filter', async () => {
      const officer = await bearerAs(subject, 'officer');
      assertRefused(
        await subject.app.inject({
          method: 'GET',
          url: '/api/v1/requests?status=%00',
          headers: officer.headers,
        }),
        ['querystring.status'],
      );
    });

    it('still answers 401 first to a caller without a token', async () => {
      const response = await subject.app.inject({
        method: 'POST',
        url: '/api/v1/tokens',
        payload: { name: 'scripts\u0000' },
      });
      assert.equal(response.statusCode, 401);
    });
  });
}
