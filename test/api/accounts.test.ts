/**
 * Accounts a security officer would sign off: one-time passwords changed at the first sign-in
 * before anything else (first administrator, new accounts, resets), an administrator never
 * minting another user's credentials, every user's tokens for administrators, and TOTP
 * multi-factor sign-in (enrolment, recovery codes, throttled failures, COMITY_MFA_REQUIRED_ROLES).
 */
import assert from 'node:assert/strict';
import type { InjectOptions } from 'fastify';
import { after, before, describe, it } from 'node:test';
import { Secret, TOTP } from 'otpauth';
import { loadConfig } from '../../src/config.ts';
import { createApiToken } from '../../src/services/api-tokens.service.ts';
import { assertMfaRolesKnown } from '../../src/services/mfa.service.ts';
import { changePassword, ensureAdministrator } from '../../src/services/users.service.ts';
import { ensureFederationUser } from '../../src/storage/federation-requests.repository.ts';
import { json, startTestApp, type TestApp } from '../helpers/app.ts';
import { asRole, createUser, signIn } from '../helpers/auth.ts';
import { DATABASE_TARGETS } from '../helpers/database.ts';

type Problem = {
  type: string;
  status: number;
  detail: string;
  errors?: { pointer?: string; code?: string }[];
};

/** A clock the tests move: each TOTP code below is taken in a time step of its own. */
function movableClock() {
  let now = Date.parse('2026-12-11T10:00:00Z');
  return { now: () => new Date(now), advance: (ms: number) => (now += ms) };
}

function codeAt(secret: string, timestamp: number): string {
  return TOTP.generate({
    secret: Secret.fromBase32(secret),
    timestamp,
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
  });
}

let addressCounter = 0;
/** A client address of its own, so failures counted by one test do not throttle another. */
function freshAddress(): string {
  addressCounter += 1;
  return `10.9.${Math.floor(addressCounter / 250)}.${addressCounter % 250}`;
}

for (const target of DATABASE_TARGETS) {
  describe(`accounts and sign-in security [${target.name}]`, { skip: target.skip }, () => {
    let subject: TestApp;
    const clock = movableClock();
    let admin: Awaited<ReturnType<typeof asRole>>;
    before(async () => {
      subject = await startTestApp(target, { now: clock.now });
      admin = await asRole(subject, 'administrator');
    });
    after(async () => subject?.close());

    const inject = (options: InjectOptions) => subject.app.inject(options);

    async function sessionOf(username: string, password: string, extra: Record<string, string> = {}) {
      const response = await inject({
        method: 'POST',
        url: '/api/v1/session',
        payload: { username, password, ...extra },
        remoteAddress: freshAddress(),
      });
      return response;
    }

    function headersOf(response: Awaited<ReturnType<typeof inject>>): Record<string, string> {
      const cookie = response.cookies.find((entry) => entry.name === 'comity_session');
      assert.ok(cookie, `a session cookie (${response.statusCode} ${response.body})`);
      return {
        cookie: `comity_session=${cookie.value}`,
        'x-csrf-token': json<{ csrfToken: string }>(response).csrfToken,
      };
    }

    it('creates the first administrator of a new node with a one-time password', async () => {
      const fresh = await startTestApp(target, { now: clock.now });
      try {
        const created = await fresh.context.db
          .selectFrom('users')
          .select(['username', 'must_change_password'])
          .execute();
        assert.deepEqual(created, [{ username: 'admin', must_change_password: true }]);
      } finally {
        await fresh.close();
      }
    });

    it('refuses every other call until a one-time password is changed, then works with the new one', async () => {
      const created = json<{ id: string; oneTimePassword: string; mustChangePassword: boolean }>(
        await inject({
          method: 'POST',
          url: '/api/v1/users',
          headers: admin.headers,
          payload: { username: `new-${Date.now()}`, roles: ['auditor'] },
        }),
      );
      assert.equal(typeof created.oneTimePassword, 'string');
      assert.equal(created.mustChangePassword, true);
      const username = json<{ items: { id: string; username: string }[] }>(
        await inject({ method: 'GET', url: '/api/v1/users', headers: admin.headers }),
      ).items.find((user) => user.id === created.id)?.username;
      assert.ok(username);
      // The node's operator made a token for a national system before the person's first sign-in.
      const operatorToken = await createApiToken(subject.context, created.id, { name: 'case system' });
      const bearer = { authorization: `Bearer ${operatorToken.token}` };
      const signedIn = await sessionOf(username, created.oneTimePassword);
      assert.equal(signedIn.statusCode, 200);
      assert.equal(json<{ pendingStep: string }>(signedIn).pendingStep, 'change-password');
      const headers = headersOf(signedIn);
      const session = await inject({ method: 'GET', url: '/api/v1/session', headers });
      assert.equal(json<{ pendingStep: string }>(session).pendingStep, 'change-password');
      const blocked = await inject({ method: 'GET', url: '/api/v1/requests', headers });
      assert.equal(blocked.statusCode, 403);
      assert.equal(json<Problem>(blocked).type, 'urn:comity:problem:password-change-required');
      const users = await inject({ method: 'GET', url: '/api/v1/desk', headers });
      assert.equal(json<Problem>(users).type, 'urn:comity:problem:password-change-required');

      const wrong = await inject({
        method: 'POST',
        url: '/api/v1/account/password',
        headers,
        payload: { currentPassword: 'not the password', newPassword: 'a brand new password' },
        remoteAddress: freshAddress(),
      });
      assert.equal(json<Problem>(wrong).type, 'urn:comity:problem:invalid-credentials');
      const same = await inject({
        method: 'POST',
        url: '/api/v1/account/password',
        headers,
        payload: { currentPassword: created.oneTimePassword, newPassword: created.oneTimePassword },
      });
      assert.equal(json<Problem>(same).type, 'urn:comity:problem:invalid-input');
      const changed = await inject({
        method: 'POST',
        url: '/api/v1/account/password',
        headers,
        payload: { currentPassword: created.oneTimePassword, newPassword: 'a brand new password' },
      });
      assert.equal(changed.statusCode, 200, changed.body);
      assert.equal(json<{ mustChangePassword: boolean }>(changed).mustChangePassword, false);
      // The session that changed it stays signed in and is no longer held back.
      const open = await inject({ method: 'GET', url: '/api/v1/requests', headers });
      assert.equal(open.statusCode, 200);
      assert.equal((await sessionOf(username, created.oneTimePassword)).statusCode, 401);
      const again = await sessionOf(username, 'a brand new password');
      assert.equal(json<{ pendingStep: string | null }>(again).pendingStep, null);
      // Replacing the one-time password kept the operator's token; a later change revokes it.
      assert.equal(
        (await inject({ method: 'GET', url: '/api/v1/requests', headers: bearer })).statusCode,
        200,
      );
      const changedAgain = await inject({
        method: 'POST',
        url: '/api/v1/account/password',
        headers: headersOf(again),
        payload: { currentPassword: 'a brand new password', newPassword: 'a second new password' },
      });
      assert.equal(changedAgain.statusCode, 200, changedAgain.body);
      assert.equal(
        (await inject({ method: 'GET', url: '/api/v1/requests', headers: bearer })).statusCode,
        401,
      );
    });

    it("lets an administrator reset another user's password only to a one-time one, ending sessions and tokens", async () => {
      const user = await createUser(subject, { roles: ['officer'] });
      const userSession = await signIn(subject, user.username, user.password);
      const token = json<{ token: string; id: string }>(
        await inject({
          method: 'POST',
          url: '/api/v1/tokens',
          headers: userSession.headers,
          payload: { name: 'cms' },
        }),
      );
      const officer = await asRole(subject, 'officer');
      const refused = await inject({
        method: 'POST',
        url: `/api/v1/users/${user.id}/password-reset`,
        headers: officer.headers,
      });
      assert.equal(refused.statusCode, 403);
      const reset = await inject({
        method: 'POST',
        url: `/api/v1/users/${user.id}/password-reset`,
        headers: admin.headers,
      });
      assert.equal(reset.statusCode, 200, reset.body);
      const { oneTimePassword, user: view } = json<{
        oneTimePassword: string;
        user: { mustChangePassword: boolean };
      }>(reset);
      assert.equal(view.mustChangePassword, true);
      // The user's session and token no longer work; the old password neither.
      assert.equal(
        (await inject({ method: 'GET', url: '/api/v1/session', headers: userSession.headers })).statusCode,
        401,
      );
      const byToken = await inject({
        method: 'GET',
        url: '/api/v1/requests',
        headers: { authorization: `Bearer ${token.token}` },
      });
      assert.equal(byToken.statusCode, 401);
      assert.equal((await sessionOf(user.username, user.password)).statusCode, 401);
      const withOneTime = await sessionOf(user.username, oneTimePassword);
      assert.equal(json<{ pendingStep: string }>(withOneTime).pendingStep, 'change-password');
      // One's own password is changed with the current one, not reset.
      const own = await inject({
        method: 'POST',
        url: `/api/v1/users/${admin.userId}/password-reset`,
        headers: admin.headers,
      });
      assert.equal(json<Problem>(own).type, 'urn:comity:problem:invalid-state');
    });

    it("leaves another administrator's password to the node's operator, and the node's own account unchanged", async () => {
      // An administrator holding another's one-time password could be the second administrator of
      // their own grants: refused, naming the operator's command; nothing changes.
      const other = await createUser(subject, { roles: ['administrator'] });
      const refused = await inject({
        method: 'POST',
        url: `/api/v1/users/${other.id}/password-reset`,
        headers: admin.headers,
      });
      assert.equal(refused.statusCode, 403, refused.body);
      assert.match(json<Problem>(refused).detail, /node's operator.*comity user password /);
      assert.equal((await sessionOf(other.username, other.password)).statusCode, 200);
      // The account incoming requests are created by has no password, no roles and stays disabled.
      const system = await ensureFederationUser(subject.context.db);
      for (const change of [
        { method: 'POST' as const, url: `/api/v1/users/${system}/password-reset` },
        { method: 'PATCH' as const, url: `/api/v1/users/${system}`, payload: { isDisabled: false } },
        { method: 'PATCH' as const, url: `/api/v1/users/${system}`, payload: { roles: ['officer'] } },
      ]) {
        const answer = await inject({ ...change, headers: admin.headers });
        assert.equal(answer.statusCode, 403, `${change.method} ${JSON.stringify(change)}: ${answer.body}`);
        assert.match(json<Problem>(answer).detail, /@federation is the node's own account/);
      }
      await assert.rejects(
        changePassword(subject.context, '@federation', 'a password for it', {}),
        /node's own account/,
      );
      const stored = await subject.context.db
        .selectFrom('users')
        .select(['is_disabled', 'roles', 'password_hash'])
        .where('id', '=', system)
        .executeTakeFirstOrThrow();
      assert.deepEqual(stored, { is_disabled: true, roles: [], password_hash: '!' });
    });

    it('shows administrators every token and lets them revoke one, but tokens are created only for oneself', async () => {
      const user = await createUser(subject, { roles: ['officer'] });
      const userSession = await signIn(subject, user.username, user.password);
      const created = json<{ id: string; token: string }>(
        await inject({
          method: 'POST',
          url: '/api/v1/tokens',
          headers: userSession.headers,
          payload: { name: 'national system', expiresInDays: 30 },
        }),
      );
      const officer = await asRole(subject, 'officer');
      assert.equal(
        (await inject({ method: 'GET', url: '/api/v1/api-tokens', headers: officer.headers })).statusCode,
        403,
      );
      assert.equal(
        (
          await inject({
            method: 'DELETE',
            url: `/api/v1/api-tokens/${created.id}`,
            headers: officer.headers,
          })
        ).statusCode,
        403,
      );
      const all = json<{ items: { id: string; username: string; revokedAt: string | null }[] }>(
        await inject({ method: 'GET', url: '/api/v1/api-tokens', headers: admin.headers }),
      );
      const listed = all.items.find((token) => token.id === created.id);
      assert.equal(listed?.username, user.username);
      assert.equal(listed?.revokedAt, null);
      assert.ok(!JSON.stringify(all).includes(created.token), 'never the secret');
      // The administrator's POST /api/v1/tokens makes the administrator's own token: there is no
      // field for another user, and a body naming one is refused rather than read as one's own.
      const tokensBefore = json<{ items: unknown[] }>(
        await inject({ method: 'GET', url: '/api/v1/api-tokens', headers: admin.headers }),
      ).items.length;
      const forOther = await inject({
        method: 'POST',
        url: '/api/v1/tokens',
        headers: admin.headers,
        payload: { name: 'for someone', userId: user.id },
      });
      assert.equal(forOther.statusCode, 400, 'a member the body does not have is refused');
      assert.equal(json<{ errors: { code: string }[] }>(forOther).errors[0]?.code, 'unrecognized-keys');
      assert.equal(
        json<{ items: unknown[] }>(
          await inject({ method: 'GET', url: '/api/v1/api-tokens', headers: admin.headers }),
        ).items.length,
        tokensBefore,
      );
      const revoked = await inject({
        method: 'DELETE',
        url: `/api/v1/api-tokens/${created.id}`,
        headers: admin.headers,
      });
      assert.equal(revoked.statusCode, 204);
      const byToken = await inject({
        method: 'GET',
        url: '/api/v1/requests',
        headers: { authorization: `Bearer ${created.token}` },
      });
      assert.equal(byToken.statusCode, 401);
    });

    it('enrols TOTP with a first code and signs in with codes and recovery codes, each once', async () => {
      const user = await createUser(subject, { roles: ['officer'] });
      const headers = (await signIn(subject, user.username, user.password)).headers;
      const started = await inject({ method: 'POST', url: '/api/v1/account/totp', headers });
      assert.equal(started.statusCode, 201);
      const { secret, uri } = json<{ secret: string; uri: string }>(started);
      assert.match(uri, /^otpauth:\/\/totp\//);
      assert.ok(uri.includes(`secret=${secret}`));
      const wrongFirst = await inject({
        method: 'POST',
        url: '/api/v1/account/totp/confirm',
        headers,
        payload: { code: '000000' === codeAt(secret, clock.now().getTime()) ? '111111' : '000000' },
      });
      assert.equal(json<Problem>(wrongFirst).type, 'urn:comity:problem:invalid-input');
      // The code field is named, for the web UI to mark it.
      assert.deepEqual(
        json<Problem>(wrongFirst).errors?.map(({ pointer, code }) => ({ pointer, code })),
        [{ pointer: '/code', code: 'invalid' }],
      );
      const confirmed = await inject({
        method: 'POST',
        url: '/api/v1/account/totp/confirm',
        headers,
        payload: { code: codeAt(secret, clock.now().getTime()) },
      });
      assert.equal(confirmed.statusCode, 200, confirmed.body);
      const { recoveryCodes } = json<{ recoveryCodes: string[] }>(confirmed);
      assert.equal(recoveryCodes.length, 10);
      assert.equal(new Set(recoveryCodes).size, 10);
      const stored = await subject.context.db
        .selectFrom('users')
        .select('recovery_code_hashes')
        .where('id', '=', user.id)
        .executeTakeFirstOrThrow();
      for (const code of recoveryCodes)
        assert.ok(!stored.recovery_code_hashes.includes(code), 'stored hashed');
      const again = await inject({ method: 'POST', url: '/api/v1/account/totp', headers });
      assert.equal(json<Problem>(again).type, 'urn:comity:problem:conflict');

      const withoutCode = await sessionOf(user.username, user.password);
      assert.equal(withoutCode.statusCode, 401);
      assert.equal(json<Problem>(withoutCode).type, 'urn:comity:problem:mfa-code-required');
      clock.advance(30_000);
      const code = codeAt(secret, clock.now().getTime());
      const withCode = await sessionOf(user.username, user.password, { code });
      assert.equal(withCode.statusCode, 200, withCode.body);
      const replayed = await sessionOf(user.username, user.password, { code });
      assert.equal(json<Problem>(replayed).type, 'urn:comity:problem:invalid-credentials');
      const withRecovery = await sessionOf(user.username, user.password, { code: recoveryCodes[0] ?? '' });
      assert.equal(withRecovery.statusCode, 200);
      const recoveryAgain = await sessionOf(user.username, user.password, { code: recoveryCodes[0] ?? '' });
      assert.equal(json<Problem>(recoveryAgain).type, 'urn:comity:problem:invalid-credentials');
      const status = json<{ isEnrolled: boolean; recoveryCodesLeft: number }>(
        await inject({ method: 'GET', url: '/api/v1/account/totp', headers: headersOf(withCode) }),
      );
      assert.deepEqual(status, { isEnrolled: true, isRequired: false, recoveryCodesLeft: 9 });

      // Turning it off needs the password and a code.
      clock.advance(30_000);
      const wrongDisable = await inject({
        method: 'POST',
        url: '/api/v1/account/totp/disable',
        headers: headersOf(withCode),
        payload: { password: 'not the password', code: codeAt(secret, clock.now().getTime()) },
        remoteAddress: freshAddress(),
      });
      assert.equal(json<Problem>(wrongDisable).type, 'urn:comity:problem:invalid-credentials');
      const disabled = await inject({
        method: 'POST',
        url: '/api/v1/account/totp/disable',
        headers: headersOf(withCode),
        payload: { password: user.password, code: codeAt(secret, clock.now().getTime()) },
      });
      assert.equal(disabled.statusCode, 204, disabled.body);
      assert.equal((await sessionOf(user.username, user.password)).statusCode, 200);
    });

    it('counts wrong TOTP and recovery codes in the sign-in throttle of the address', async () => {
      const user = await createUser(subject, { roles: ['officer'] });
      const headers = (await signIn(subject, user.username, user.password)).headers;
      const { secret } = json<{ secret: string }>(
        await inject({ method: 'POST', url: '/api/v1/account/totp', headers }),
      );
      await inject({
        method: 'POST',
        url: '/api/v1/account/totp/confirm',
        headers,
        payload: { code: codeAt(secret, clock.now().getTime()) },
      });
      const address = freshAddress();
      const attempt = (code: string) =>
        inject({
          method: 'POST',
          url: '/api/v1/session',
          payload: { username: user.username, password: user.password, code },
          remoteAddress: address,
        });
      const statuses: number[] = [];
      for (const code of ['abcde-fghij', '12345', 'wrong-code', 'zzzzz-zzzzz'])
        statuses.push((await attempt(code)).statusCode);
      assert.deepEqual(statuses, [401, 401, 401, 429]);
      clock.advance(60_000);
      // After the wait, the right code from that address works (no account is locked).
      assert.equal((await attempt(codeAt(secret, clock.now().getTime()))).statusCode, 200);
    });
  });

  describe(`the authenticator app's entry [${target.name}]`, { skip: target.skip }, () => {
    let subject: TestApp;
    before(async () => {
      subject = await startTestApp(target, { environment: { COMITY_NODE_STATE: 'FR' } });
    });
    after(async () => subject?.close());

    it("names the node's State, so that accounts on several nodes are told apart", async () => {
      const user = await createUser(subject, { roles: ['officer'] });
      const { headers } = await signIn(subject, user.username, user.password);
      const started = await subject.app.inject({ method: 'POST', url: '/api/v1/account/totp', headers });
      assert.equal(started.statusCode, 201, started.body);
      const uri = new URL(json<{ uri: string }>(started).uri);
      assert.equal(uri.searchParams.get('issuer'), 'Comity FR');
      assert.equal(uri.host, 'totp');
      assert.equal(decodeURIComponent(uri.pathname), `/Comity FR:${user.username}`);
    });
  });

  describe(`COMITY_MFA_REQUIRED_ROLES [${target.name}]`, { skip: target.skip }, () => {
    let subject: TestApp;
    const clock = movableClock();
    before(async () => {
      subject = await startTestApp(target, {
        now: clock.now,
        environment: { COMITY_MFA_REQUIRED_ROLES: 'administrator, evidence-custodian' },
      });
    });
    after(async () => subject?.close());

    it('makes a holder of a required role enrol TOTP before anything else, and keeps it on', async () => {
      const user = await createUser(subject, { roles: ['evidence-custodian'] });
      const signedIn = await signIn(subject, user.username, user.password);
      const session = json<{ pendingStep: string }>(
        await subject.app.inject({ method: 'GET', url: '/api/v1/session', headers: signedIn.headers }),
      );
      assert.equal(session.pendingStep, 'enrol-mfa');
      const blocked = await subject.app.inject({
        method: 'GET',
        url: '/api/v1/requests',
        headers: signedIn.headers,
      });
      assert.equal(json<Problem>(blocked).type, 'urn:comity:problem:mfa-enrolment-required');
      const started = await subject.app.inject({
        method: 'POST',
        url: '/api/v1/account/totp',
        headers: signedIn.headers,
      });
      const { secret } = json<{ secret: string }>(started);
      const confirmed = await subject.app.inject({
        method: 'POST',
        url: '/api/v1/account/totp/confirm',
        headers: signedIn.headers,
        payload: { code: codeAt(secret, clock.now().getTime()) },
      });
      assert.equal(confirmed.statusCode, 200);
      const open = await subject.app.inject({
        method: 'GET',
        url: '/api/v1/requests',
        headers: signedIn.headers,
      });
      assert.equal(open.statusCode, 200);
      clock.advance(30_000);
      const off = await subject.app.inject({
        method: 'POST',
        url: '/api/v1/account/totp/disable',
        headers: signedIn.headers,
        payload: { password: user.password, code: codeAt(secret, clock.now().getTime()) },
      });
      assert.equal(json<Problem>(off).type, 'urn:comity:problem:invalid-state');
      // A user without a required role is not held back.
      const officer = await asRole(subject, 'officer');
      assert.equal(
        (await subject.app.inject({ method: 'GET', url: '/api/v1/requests', headers: officer.headers }))
          .statusCode,
        200,
      );
    });

    it('refuses to start with an unknown role in the setting', () => {
      const config = loadConfig({
        COMITY_DATA_DIR: '/tmp/comity-test-unused',
        COMITY_MFA_REQUIRED_ROLES: 'administrator,janitor',
      });
      assert.throws(() => assertMfaRolesKnown({ ...subject.context, config }), /unknown roles: janitor/);
      assert.throws(() => loadConfig({ COMITY_MFA_REQUIRED_ROLES: 'administrator;officer' }));
    });

    it('creates the first administrator with a one-time password', async () => {
      assert.equal(await ensureAdministrator(subject.context), undefined);
    });
  });
}
