import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { InjectOptions } from 'fastify';
import { after, before, describe, it } from 'node:test';
import { buildApp } from '../../src/http/app.ts';
import { createApiToken, listApiTokens } from '../../src/services/api-tokens.service.ts';
import { changePassword } from '../../src/services/users.service.ts';
import { json, startTestApp, type TestApp } from '../helpers/app.ts';
import { asRole, bearerAs, createUser, signIn } from '../helpers/auth.ts';
import { DATABASE_TARGETS } from '../helpers/database.ts';

type Problem = {
  type: string;
  status: number;
  detail: string;
  errors?: { pointer?: string; code?: string; limit?: number; unit?: string }[];
};
type SessionBody = {
  user: { id: string; username: string; roles: string[]; permissions: string[] };
  csrfToken: string;
};

const MINUTE = 60_000;

for (const target of DATABASE_TARGETS) {
  describe(`authentication: sessions, CSRF, API tokens [${target.name}]`, { skip: target.skip }, () => {
    let subject: TestApp;
    /** The node's clock: tests move it forward. */
    let clock = Date.parse('2026-06-01T08:00:00Z');
    const advanceMinutes = (minutes: number) => {
      clock += minutes * MINUTE;
    };

    before(async () => {
      subject = await startTestApp(target, { now: () => new Date(clock) });
    });
    after(async () => subject?.close());

    const inject = (options: InjectOptions) => subject.app.inject(options);
    const sessionCount = async (userId: string) =>
      (
        await subject.context.db
          .selectFrom('sessions')
          .select('id_hash')
          .where('user_id', '=', userId)
          .execute()
      ).length;

    it('signs in with the right password: user, CSRF token and a HttpOnly SameSite=Strict cookie', async () => {
      const user = await createUser(subject, { roles: ['officer'] });
      const response = await inject({
        method: 'POST',
        url: '/api/v1/session',
        payload: { username: user.username, password: user.password },
      });
      assert.equal(response.statusCode, 200);
      const body = json<SessionBody & { user: Record<string, unknown> }>(response);
      assert.deepEqual(Object.keys(body.user).sort(), [
        'displayName',
        'email',
        'id',
        'isDisabled',
        'isTotpEnrolled',
        'locale',
        'mustChangePassword',
        'permissions',
        'roles',
        'username',
      ]);
      assert.equal(body.user.username, user.username);
      assert.deepEqual(body.user.roles, ['officer']);
      assert.ok(body.user.permissions.includes('request:draft'));
      assert.match(body.csrfToken, /^[A-Za-z0-9_-]{43}$/);

      const setCookie = String(response.headers['set-cookie']);
      assert.match(setCookie, /^comity_session=[A-Za-z0-9_-]{43};/);
      assert.match(setCookie, /; HttpOnly/);
      assert.match(setCookie, /; SameSite=Strict/);
      assert.match(setCookie, /; Path=\//);
      assert.doesNotMatch(setCookie, /; Secure/, 'no Secure flag on an http:// node');
      // Beside it, the signed-in hint the web UI reads (no secret, so no HttpOnly).
      const hint = response.cookies.find((cookie) => cookie.name === 'comity_signed_in');
      assert.deepEqual(
        { value: hint?.value, httpOnly: hint?.httpOnly, sameSite: hint?.sameSite, path: hint?.path },
        { value: '1', httpOnly: undefined, sameSite: 'Strict', path: '/' },
      );

      // Only the SHA-256 of the cookie is stored.
      const token = setCookie.slice('comity_session='.length, setCookie.indexOf(';'));
      const rows = await subject.context.db
        .selectFrom('sessions')
        .selectAll()
        .where('user_id', '=', user.id)
        .execute();
      assert.equal(rows.length, 1);
      assert.equal(rows[0]!.id_hash, createHash('sha256').update(token).digest('hex'));
      assert.ok(!JSON.stringify(rows).includes(token));
    });

    it('sets the Secure flag when the configuration asks for it', async () => {
      const context = {
        ...subject.context,
        config: {
          ...subject.context.config,
          session: { ...subject.context.config.session, isCookieSecure: true },
        },
      };
      const secureApp = await buildApp(context);
      try {
        const user = await createUser(subject, { roles: ['officer'] });
        const response = await secureApp.inject({
          method: 'POST',
          url: '/api/v1/session',
          payload: { username: user.username, password: user.password },
        });
        assert.equal(response.statusCode, 200);
        assert.match(String(response.headers['set-cookie']), /; Secure/);
      } finally {
        await secureApp.close();
      }
    });

    it('answers an unknown username and a wrong password with the same problem and no cookie', async () => {
      const user = await createUser(subject, { roles: ['officer'] });
      // From an address of its own, so these failures do not throttle the other tests' sign-ins.
      const wrongPassword = await inject({
        method: 'POST',
        url: '/api/v1/session',
        remoteAddress: '127.0.0.4',
        payload: { username: user.username, password: 'not the password at all' },
      });
      const unknownUser = await inject({
        method: 'POST',
        url: '/api/v1/session',
        remoteAddress: '127.0.0.4',
        payload: { username: 'nobody-by-that-name', password: 'not the password at all' },
      });
      for (const response of [wrongPassword, unknownUser]) {
        assert.equal(response.statusCode, 401);
        assert.equal(response.headers['set-cookie'], undefined);
      }
      const [first, second] = [json<Problem>(wrongPassword), json<Problem>(unknownUser)];
      assert.equal(first.type, 'urn:comity:problem:invalid-credentials');
      assert.deepEqual({ ...first, instance: '' }, { ...second, instance: '' });
      assert.equal(await sessionCount(user.id), 0);
    });

    it('returns the signed-in user and the same CSRF token on GET /api/v1/session; 401 without a session', async () => {
      const user = await createUser(subject, { roles: ['supervisor'] });
      const session = await signIn(subject, user.username, user.password);
      const response = await inject({
        method: 'GET',
        url: '/api/v1/session',
        headers: { cookie: session.cookie },
      });
      assert.equal(response.statusCode, 200);
      const body = json<SessionBody>(response);
      assert.equal(body.user.id, user.id);
      assert.equal(body.csrfToken, session.csrfToken);

      const anonymous = await inject({ method: 'GET', url: '/api/v1/session' });
      assert.equal(anonymous.statusCode, 401);
      assert.equal(json<Problem>(anonymous).type, 'urn:comity:problem:unauthenticated');
      const forged = await inject({
        method: 'GET',
        url: '/api/v1/session',
        headers: { cookie: 'comity_session=forged' },
      });
      assert.equal(forged.statusCode, 401);
    });

    it('refuses a cookie-authenticated unsafe request with a missing or wrong CSRF token, changing nothing', async () => {
      const officer = await asRole(subject, 'officer');
      const cookie = officer.headers.cookie!;
      const missing = await inject({
        method: 'POST',
        url: '/api/v1/tokens',
        headers: { cookie },
        payload: { name: 'a' },
      });
      const wrong = await inject({
        method: 'POST',
        url: '/api/v1/tokens',
        headers: { cookie, 'x-csrf-token': `${officer.headers['x-csrf-token']!.slice(0, -1)}x` },
        payload: { name: 'b' },
      });
      for (const response of [missing, wrong]) {
        assert.equal(response.statusCode, 403);
        assert.equal(json<Problem>(response).type, 'urn:comity:problem:csrf-token-invalid');
      }
      const list = await inject({ method: 'GET', url: '/api/v1/tokens', headers: { cookie } });
      assert.equal(list.statusCode, 200, 'safe methods need no CSRF token');
      assert.deepEqual(json<{ items: unknown[] }>(list).items, []);

      const right = await inject({
        method: 'POST',
        url: '/api/v1/tokens',
        headers: officer.headers,
        payload: { name: 'c' },
      });
      assert.equal(right.statusCode, 201);
    });

    it('does not ask for a CSRF token to sign in, even with a session cookie, and replaces the old session', async () => {
      const user = await createUser(subject, { roles: ['officer'] });
      const first = await signIn(subject, user.username, user.password);
      const response = await inject({
        method: 'POST',
        url: '/api/v1/session',
        headers: { cookie: first.cookie },
        payload: { username: user.username, password: user.password },
      });
      assert.equal(response.statusCode, 200);
      assert.equal(await sessionCount(user.id), 1);
      const old = await inject({ method: 'GET', url: '/api/v1/session', headers: { cookie: first.cookie } });
      assert.equal(old.statusCode, 401);
    });

    it('signs out: DELETE /api/v1/session ends the session and clears the cookie', async () => {
      const user = await createUser(subject, { roles: ['officer'] });
      const session = await signIn(subject, user.username, user.password);
      const withoutCsrf = await inject({
        method: 'DELETE',
        url: '/api/v1/session',
        headers: { cookie: session.cookie },
      });
      assert.equal(withoutCsrf.statusCode, 403);
      assert.equal(await sessionCount(user.id), 1);

      const response = await inject({ method: 'DELETE', url: '/api/v1/session', headers: session.headers });
      assert.equal(response.statusCode, 204);
      assert.match(String(response.headers['set-cookie']), /^comity_session=;.*Expires=Thu, 01 Jan 1970/);
      assert.deepEqual(
        response.cookies.map((cookie) => [cookie.name, cookie.value, cookie.expires?.getTime()]),
        [
          ['comity_session', '', 0],
          ['comity_signed_in', '', 0],
        ],
      );
      assert.equal(await sessionCount(user.id), 0);
      const after = await inject({
        method: 'GET',
        url: '/api/v1/session',
        headers: { cookie: session.cookie },
      });
      assert.equal(after.statusCode, 401);
    });

    it('ends a session after the idle time, and activity slides the idle deadline', async () => {
      const { idleMinutes, maxHours } = subject.context.config.session;
      const user = await createUser(subject, { roles: ['officer'] });
      const session = await signIn(subject, user.username, user.password);
      const check = async () =>
        (await inject({ method: 'GET', url: '/api/v1/session', headers: { cookie: session.cookie } }))
          .statusCode;

      // Two steps that together exceed the idle time but stay within the absolute expiry.
      const step = Math.ceil((idleMinutes * 5) / 8);
      assert.ok(step < idleMinutes && 2 * step > idleMinutes && 2 * step < maxHours * 60);
      advanceMinutes(step);
      assert.equal(await check(), 200);
      advanceMinutes(step);
      assert.equal(await check(), 200, 'the previous request moved the idle deadline');
      advanceMinutes(idleMinutes + 1);
      assert.equal(await check(), 401);
      assert.equal(await sessionCount(user.id), 0, 'an expired session is deleted');
    });

    it('ends a session at its absolute expiry however active it is', async () => {
      const { idleMinutes, maxHours } = subject.context.config.session;
      const user = await createUser(subject, { roles: ['officer'] });
      const session = await signIn(subject, user.username, user.password);
      const check = async () =>
        (await inject({ method: 'GET', url: '/api/v1/session', headers: { cookie: session.cookie } }))
          .statusCode;
      const step = Math.min(idleMinutes - 1, 60);
      let elapsed = 0;
      while (elapsed + step < maxHours * 60) {
        advanceMinutes(step);
        elapsed += step;
        assert.equal(await check(), 200);
      }
      advanceMinutes(maxHours * 60 - elapsed);
      assert.equal(await check(), 401);
    });

    it('accepts an API token without CSRF token and never shows a token hash', async () => {
      const bearer = await bearerAs(subject, 'officer');
      const created = await inject({
        method: 'POST',
        url: '/api/v1/tokens',
        headers: bearer.headers,
        payload: { name: 'second', expiresInDays: 30 },
      });
      assert.equal(created.statusCode, 201);
      const body = json<{ id: string; name: string; token: string; expiresAt: string }>(created);
      assert.match(body.token, /^comity_[A-Za-z0-9_-]{43}$/);
      assert.equal(body.expiresAt, new Date(clock + 30 * 24 * 60 * MINUTE).toISOString());

      const list = await inject({ method: 'GET', url: '/api/v1/tokens', headers: bearer.headers });
      assert.equal(list.statusCode, 200);
      const items = json<{ items: Array<Record<string, unknown>> }>(list).items;
      assert.equal(items.length, 2);
      assert.ok(!list.body.includes('comity_'), 'no secret in the list');
      const hashes = await subject.context.db.selectFrom('api_tokens').select('token_hash').execute();
      for (const { token_hash } of hashes) assert.ok(!list.body.includes(token_hash));
      assert.equal(
        hashes.some((row) => row.token_hash === createHash('sha256').update(body.token).digest('hex')),
        true,
      );
      assert.ok(items.every((item) => !('token' in item) && !('tokenHash' in item)));
      assert.ok(items.find((item) => item.name === 'test token')?.lastUsedAt, 'the token in use records it');
      assert.equal(items.find((item) => item.name === 'second')?.lastUsedAt, null);
    });

    it('refuses a malformed or unknown bearer token with 401, without falling back to the cookie', async () => {
      const officer = await asRole(subject, 'officer');
      for (const authorization of ['Bearer nonsense', 'Bearer', `Bearer comity_${'A'.repeat(43)}`]) {
        const response = await inject({
          method: 'GET',
          url: '/api/v1/session',
          headers: { ...officer.headers, authorization },
        });
        assert.equal(response.statusCode, 401, authorization);
        assert.equal(json<Problem>(response).type, 'urn:comity:problem:unauthenticated');
      }
      const health = await inject({
        method: 'GET',
        url: '/api/v1/health',
        headers: { authorization: 'Bearer x' },
      });
      assert.equal(health.statusCode, 401, 'a bad token is refused even where no sign-in is needed');
    });

    it('refuses a revoked token and lets only its owner revoke it', async () => {
      const owner = await asRole(subject, 'officer');
      const created = json<{ id: string; token: string }>(
        await inject({
          method: 'POST',
          url: '/api/v1/tokens',
          headers: owner.headers,
          payload: { name: 'to revoke' },
        }),
      );
      const bearer = { authorization: `Bearer ${created.token}` };
      assert.equal((await inject({ method: 'GET', url: '/api/v1/tokens', headers: bearer })).statusCode, 200);

      const stranger = await bearerAs(subject, 'officer');
      const byStranger = await inject({
        method: 'DELETE',
        url: `/api/v1/tokens/${created.id}`,
        headers: stranger.headers,
      });
      assert.equal(byStranger.statusCode, 404);
      assert.equal((await inject({ method: 'GET', url: '/api/v1/tokens', headers: bearer })).statusCode, 200);

      const revoked = await inject({
        method: 'DELETE',
        url: `/api/v1/tokens/${created.id}`,
        headers: owner.headers,
      });
      assert.equal(revoked.statusCode, 204);
      assert.equal((await inject({ method: 'GET', url: '/api/v1/tokens', headers: bearer })).statusCode, 401);
      const list = json<{ items: Array<{ id: string; revokedAt: string | null }> }>(
        await inject({ method: 'GET', url: '/api/v1/tokens', headers: owner.headers }),
      );
      const revokedAt = list.items.find((item) => item.id === created.id)?.revokedAt;
      assert.ok(revokedAt);
      // A second revocation is refused: nothing changes, and the audit log records no revocation.
      const again = await inject({
        method: 'DELETE',
        url: `/api/v1/tokens/${created.id}`,
        headers: owner.headers,
      });
      assert.equal(again.statusCode, 409);
      assert.equal(json<{ type: string }>(again).type, 'urn:comity:problem:invalid-state');
      const listedAgain = json<{ items: Array<{ id: string; revokedAt: string | null }> }>(
        await inject({ method: 'GET', url: '/api/v1/tokens', headers: owner.headers }),
      );
      assert.equal(listedAgain.items.find((item) => item.id === created.id)?.revokedAt, revokedAt);
      const notAnId = await inject({
        method: 'DELETE',
        url: '/api/v1/tokens/not-an-id',
        headers: owner.headers,
      });
      assert.equal(notAnId.statusCode, 404);
    });

    it('refuses an expired token', async () => {
      const owner = await asRole(subject, 'officer');
      const created = json<{ token: string }>(
        await inject({
          method: 'POST',
          url: '/api/v1/tokens',
          headers: owner.headers,
          payload: { name: 'one day', expiresInDays: 1 },
        }),
      );
      const bearer = { authorization: `Bearer ${created.token}` };
      assert.equal((await inject({ method: 'GET', url: '/api/v1/tokens', headers: bearer })).statusCode, 200);
      advanceMinutes(24 * 60);
      assert.equal((await inject({ method: 'GET', url: '/api/v1/tokens', headers: bearer })).statusCode, 401);
    });

    it('rejects a token request with a bad expiry', async () => {
      const bearer = await bearerAs(subject, 'officer');
      const response = await inject({
        method: 'POST',
        url: '/api/v1/tokens',
        headers: bearer.headers,
        payload: { name: 'x', expiresInDays: 0 },
      });
      assert.equal(response.statusCode, 400);
      assert.equal(json<Problem>(response).type, 'urn:comity:problem:invalid-input');
      // The field is named, with a code the web UI words in its user's language.
      assert.deepEqual(
        json<Problem>(response).errors?.map(({ pointer, code }) => ({ pointer, code })),
        [{ pointer: '/expiresInDays', code: 'too-small' }],
      );
    });

    it('gives every token a life: 90 days by default, at most the maximum the State sets', async () => {
      const owner = await asRole(subject, 'officer');
      const create = (app: typeof subject.app, payload: object) =>
        app.inject({ method: 'POST', url: '/api/v1/tokens', headers: owner.headers, payload });
      const byDefault = await create(subject.app, { name: 'default life' });
      assert.equal(byDefault.statusCode, 201);
      assert.equal(
        json<{ expiresAt: string }>(byDefault).expiresAt,
        new Date(clock + 90 * 24 * 60 * MINUTE).toISOString(),
      );
      const strictApp = await buildApp({
        ...subject.context,
        config: {
          ...subject.context.config,
          session: { ...subject.context.config.session, tokenMaxDays: 30 },
        },
      });
      try {
        const tooLong = await create(strictApp, { name: 'too long', expiresInDays: 31 });
        assert.equal(tooLong.statusCode, 400);
        assert.equal(json<Problem>(tooLong).type, 'urn:comity:problem:invalid-input');
        assert.match(json<Problem>(tooLong).detail, /1 to 30/);
        assert.deepEqual(
          json<Problem>(tooLong).errors?.map(({ pointer, code, limit, unit }) => ({ pointer, code, limit, unit })),
          [{ pointer: '/expiresInDays', code: 'too-big', limit: 30, unit: 'value' }],
        );
        const capped = await create(strictApp, { name: 'within the maximum' });
        assert.equal(
          json<{ expiresAt: string }>(capped).expiresAt,
          new Date(clock + 30 * 24 * 60 * MINUTE).toISOString(),
        );
      } finally {
        await strictApp.close();
      }
    });

    it('lets no token create a token that outlives it', async () => {
      const owner = await createUser(subject, { roles: ['officer'] });
      const parent = await createApiToken(subject.context, owner.id, { name: 'parent', expiresInDays: 10 });
      const headers = { authorization: `Bearer ${parent.token}` };
      const create = (payload: object) => inject({ method: 'POST', url: '/api/v1/tokens', headers, payload });
      const longer = await create({ name: 'longer', expiresInDays: 11 });
      assert.equal(longer.statusCode, 400);
      assert.equal(json<Problem>(longer).type, 'urn:comity:problem:invalid-input');
      assert.match(json<Problem>(longer).detail, /cannot create a token that outlives it/);
      assert.deepEqual(
        json<Problem>(longer).errors?.map(({ pointer, code, limit }) => ({ pointer, code, limit })),
        [{ pointer: '/expiresInDays', code: 'too-big', limit: 10 }],
      );
      const unstated = await create({ name: 'unstated' });
      assert.equal(unstated.statusCode, 201);
      assert.equal(
        json<{ expiresAt: string }>(unstated).expiresAt,
        parent.expiresAt,
        'the default ends with the parent',
      );
      assert.equal((await create({ name: 'shorter', expiresInDays: 9 })).statusCode, 201);
      const list = await inject({ method: 'GET', url: '/api/v1/tokens', headers });
      assert.deepEqual(
        json<{ items: Array<{ name: string }> }>(list)
          .items.map((item) => item.name)
          .sort(),
        ['parent', 'shorter', 'unstated'],
      );
    });

    it("revokes a user's tokens when the password changes", async () => {
      const owner = await createUser(subject, { roles: ['officer'] });
      const token = await createApiToken(subject.context, owner.id, { name: 'before the change' });
      const headers = { authorization: `Bearer ${token.token}` };
      assert.equal((await inject({ method: 'GET', url: '/api/v1/tokens', headers })).statusCode, 200);
      await changePassword(subject.context, owner.username, 'a brand new long password');
      assert.equal((await inject({ method: 'GET', url: '/api/v1/tokens', headers })).statusCode, 401);
      const [row] = await listApiTokens(subject.context, owner.id);
      assert.equal(row?.revokedAt, new Date(clock).toISOString());
    });

    it('refuses a disabled user: no sign-in, and existing sessions and tokens stop working', async () => {
      const user = await createUser(subject, { roles: ['officer'] });
      const session = await signIn(subject, user.username, user.password);
      const bearer = await bearerAs(subject, 'officer');
      const admin = await asRole(subject, 'administrator');
      for (const userId of [user.id, bearer.userId]) {
        const response = await inject({
          method: 'PATCH',
          url: `/api/v1/users/${userId}`,
          headers: admin.headers,
          payload: { isDisabled: true },
        });
        assert.equal(response.statusCode, 200);
      }
      const signInAgain = await inject({
        method: 'POST',
        url: '/api/v1/session',
        payload: { username: user.username, password: user.password },
      });
      assert.equal(signInAgain.statusCode, 401);
      assert.equal(json<Problem>(signInAgain).type, 'urn:comity:problem:invalid-credentials');
      const old = await inject({
        method: 'GET',
        url: '/api/v1/session',
        headers: { cookie: session.cookie },
      });
      assert.equal(old.statusCode, 401);
      assert.equal(
        (await inject({ method: 'GET', url: '/api/v1/tokens', headers: bearer.headers })).statusCode,
        401,
      );
      // The tokens are revoked, not paused: enabling the account again does not bring them back.
      const enabled = await inject({
        method: 'PATCH',
        url: `/api/v1/users/${bearer.userId}`,
        headers: admin.headers,
        payload: { isDisabled: false },
      });
      assert.equal(enabled.statusCode, 200);
      assert.equal(
        (await inject({ method: 'GET', url: '/api/v1/tokens', headers: bearer.headers })).statusCode,
        401,
      );
    });

    it('slows a sprayer down by its address while real users, even the sprayed ones, sign in at once', async () => {
      const victim = await createUser(subject, { roles: ['administrator'] });
      const bystander = await createUser(subject, { roles: ['officer'] });
      const attempt = (remoteAddress: string, username: string, password: string) =>
        inject({ method: 'POST', url: '/api/v1/session', remoteAddress, payload: { username, password } });
      const sprayer = '127.0.0.9';
      const sprayed = [victim.username, 'nobody-1', bystander.username, 'nobody-2'];
      const answers = [];
      for (const username of sprayed)
        answers.push((await attempt(sprayer, username, 'Summer2026!Summer')).statusCode);
      // Three free failures, then the address waits before its next password check.
      assert.deepEqual(answers, [401, 401, 401, 429]);
      const refused = await attempt(sprayer, victim.username, victim.password);
      assert.equal(
        refused.statusCode,
        429,
        'even a right password waits: the address is refused before checking',
      );
      assert.equal(refused.headers['content-type'], 'application/problem+json; charset=utf-8');
      assert.equal(json<Problem>(refused).type, 'urn:comity:problem:too-many-requests');
      assert.equal(refused.headers['retry-after'], '1');

      // From another address, the sprayed administrator and anyone else sign in at once.
      assert.equal((await attempt('127.0.0.2', victim.username, victim.password)).statusCode, 200);
      assert.equal((await attempt('127.0.0.3', bystander.username, bystander.password)).statusCode, 200);

      // Back-off: once the wait is over, one more check; a new failure doubles the wait.
      clock += 1000;
      assert.equal((await attempt(sprayer, 'nobody-3', 'Summer2026!Summer')).statusCode, 401);
      const longer = await attempt(sprayer, 'nobody-4', 'Summer2026!Summer');
      assert.equal(longer.statusCode, 429);
      assert.equal(longer.headers['retry-after'], '2');
    });

    it('keeps a node-wide budget of password checks for addresses that failed, never for clean ones', async () => {
      const context = {
        ...subject.context,
        config: {
          ...subject.context.config,
          session: { ...subject.context.config.session, signInChecksPerSecond: 2 },
        },
      };
      const budgetApp = await buildApp(context);
      try {
        const user = await createUser(subject, { roles: ['officer'] });
        const attempt = (remoteAddress: string, password: string) =>
          budgetApp.inject({
            method: 'POST',
            url: '/api/v1/session',
            remoteAddress,
            payload: { username: user.username, password },
          });
        // Two addresses fail once each: the budget of two checks is spent.
        assert.equal((await attempt('10.0.0.1', 'wrong password one')).statusCode, 401);
        assert.equal((await attempt('10.0.0.2', 'wrong password two')).statusCode, 401);
        const spent = await attempt('10.0.0.1', user.password);
        assert.equal(spent.statusCode, 429);
        assert.ok(Number(spent.headers['retry-after']) >= 1);
        // An address with no failure is served whatever the budget.
        assert.equal((await attempt('10.0.0.3', user.password)).statusCode, 200);
        clock += 2000;
        assert.equal((await attempt('10.0.0.1', user.password)).statusCode, 200);
      } finally {
        await budgetApp.close();
      }
    });

    it('counts the client address from X-Forwarded-For only behind a trusted proxy', async () => {
      const context = {
        ...subject.context,
        config: {
          ...subject.context.config,
          http: { ...subject.context.config.http, trustedProxies: ['127.0.0.1'] },
        },
      };
      const proxiedApp = await buildApp(context);
      try {
        const user = await createUser(subject, { roles: ['officer'] });
        const attempt = (forwardedFor: string, password: string) =>
          proxiedApp.inject({
            method: 'POST',
            url: '/api/v1/session',
            remoteAddress: '127.0.0.1',
            headers: { 'x-forwarded-for': forwardedFor },
            payload: { username: user.username, password },
          });
        for (let index = 0; index < 3; index += 1) {
          assert.equal((await attempt('203.0.113.7', 'wrong password here')).statusCode, 401);
        }
        assert.equal((await attempt('203.0.113.7', user.password)).statusCode, 429);
        assert.equal((await attempt('198.51.100.4', user.password)).statusCode, 200);
      } finally {
        await proxiedApp.close();
      }
    });
  });
}
