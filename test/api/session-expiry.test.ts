/**
 * A session says when it ends, so the web UI can warn before it does (WCAG 2.2.1): expiresAt and
 * warningSeconds on the session, the comity-session-expires header on every answer to a
 * cookie-authenticated call, and POST /api/v1/session/extend that starts the idle time again
 * within the session's maximum. Field errors of a schema validation carry pointer, in, code, limit.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { createUser, signIn } from '../helpers/auth.ts';
import { DATABASE_TARGETS } from '../helpers/database.ts';

const MINUTE = 60_000;

for (const target of DATABASE_TARGETS) {
  describe(`session expiry and extension [${target.name}]`, { skip: target.skip }, () => {
    let subject: TestApp;
    let clock = Date.parse('2026-06-01T08:00:00Z');

    before(async () => {
      subject = await startTestApp(target, { now: () => new Date(clock) });
    });
    after(async () => subject?.close());

    it('tells the expiry at sign-in and on each call, and extends it until the maximum', async () => {
      const { idleMinutes, maxHours, warningSeconds } = subject.context.config.session;
      const user = await createUser(subject, { roles: ['officer'] });
      const signedIn = await subject.app.inject({
        method: 'POST',
        url: '/api/v1/session',
        payload: { username: user.username, password: user.password },
      });
      const created = JSON.parse(signedIn.body) as { expiresAt: string; warningSeconds: number };
      assert.equal(created.expiresAt, new Date(clock + idleMinutes * MINUTE).toISOString());
      assert.equal(created.warningSeconds, warningSeconds);
      assert.equal(signedIn.headers['comity-session-expires'], created.expiresAt);

      const session = await signIn(subject, user.username, user.password);
      const signInTime = clock;
      clock += 30 * MINUTE;
      const read = await subject.app.inject({
        method: 'GET',
        url: '/api/v1/session',
        headers: session.headers,
      });
      assert.equal(read.statusCode, 200);
      const now = new Date(clock + idleMinutes * MINUTE).toISOString();
      // Reading the session is activity: its idle time starts again (touched at most once a minute).
      assert.equal((JSON.parse(read.body) as { expiresAt: string }).expiresAt, now);
      assert.equal(read.headers['comity-session-expires'], now);

      clock += 10 * MINUTE;
      const extended = await subject.app.inject({
        method: 'POST',
        url: '/api/v1/session/extend',
        headers: session.headers,
      });
      assert.equal(extended.statusCode, 200);
      assert.equal(
        (JSON.parse(extended.body) as { expiresAt: string }).expiresAt,
        new Date(clock + idleMinutes * MINUTE).toISOString(),
      );

      // Extending near the maximum reaches the maximum and no further.
      clock = signInTime + 7 * 60 * MINUTE;
      const nearMaximum = await subject.app.inject({
        method: 'POST',
        url: '/api/v1/session/extend',
        headers: session.headers,
      });
      assert.equal(nearMaximum.statusCode, 200);
      const limited = new Date(Math.min(clock + idleMinutes * MINUTE, signInTime + maxHours * 60 * MINUTE));
      assert.equal((JSON.parse(nearMaximum.body) as { expiresAt: string }).expiresAt, limited.toISOString());
    });

    it('refuses to extend without a session or without the CSRF token', async () => {
      const anonymous = await subject.app.inject({ method: 'POST', url: '/api/v1/session/extend' });
      assert.equal(anonymous.statusCode, 401);
      const user = await createUser(subject, { roles: ['officer'] });
      const session = await signIn(subject, user.username, user.password);
      const withoutCsrf = await subject.app.inject({
        method: 'POST',
        url: '/api/v1/session/extend',
        headers: { cookie: session.cookie },
      });
      assert.equal(withoutCsrf.statusCode, 403);
    });

    it('lists each invalid field with a JSON pointer, the part of the request, a stable code and its limit', async () => {
      const response = await subject.app.inject({
        method: 'POST',
        url: '/api/v1/session',
        payload: { username: '', password: 'x'.repeat(1001) },
      });
      assert.equal(response.statusCode, 400);
      const problem = JSON.parse(response.body) as {
        errors: {
          pointer?: string;
          in?: string;
          code?: string;
          limit?: number;
          unit?: string;
          path?: string;
        }[];
      };
      const byPointer = new Map(problem.errors.map((error) => [error.pointer, error]));
      assert.deepEqual(
        {
          in: byPointer.get('/username')?.in,
          code: byPointer.get('/username')?.code,
          path: byPointer.get('/username')?.path,
        },
        { in: 'body', code: 'required', path: 'body.username' },
      );
      assert.deepEqual(
        {
          code: byPointer.get('/password')?.code,
          limit: byPointer.get('/password')?.limit,
          unit: byPointer.get('/password')?.unit,
        },
        { code: 'too-big', limit: 1000, unit: 'characters' },
      );
    });
  });
}
