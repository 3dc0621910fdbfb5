import assert from 'node:assert/strict';
import type { InjectOptions } from 'fastify';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config.ts';
import { loadCatalogue } from '../../src/data/catalogue/index.ts';
import type { AppContext } from '../../src/app-context.ts';
import { bootstrapNode } from '../../src/services/bootstrap.service.ts';
import { signIn as openSession } from '../../src/services/sessions.service.ts';
import { ensureAdministrator } from '../../src/services/users.service.ts';
import { json, startTestApp, type TestApp } from '../helpers/app.ts';
import { asRole, bearerAs, createUser, signIn } from '../helpers/auth.ts';
import { DATABASE_TARGETS } from '../helpers/database.ts';
import { createLiveHub } from '../../src/core/live-updates.ts';

type Problem = { type: string; status: number };
type User = {
  id: string;
  username: string;
  displayName: string;
  roles: string[];
  permissions: string[];
  isDisabled: boolean;
};

type RoleRequest = {
  id: string;
  userId: string;
  rolesAdded: string[];
  status: string;
  requestedBy: { userId: string; username: string } | null;
  decidedBy: { userId: string; username: string } | null;
  decidedAt: string | null;
};

for (const target of DATABASE_TARGETS) {
  describe(`user accounts [${target.name}]`, { skip: target.skip }, () => {
    let subject: TestApp;
    let admin: Awaited<ReturnType<typeof asRole>>;
    /** Approves the grants `admin` asks for. */
    let secondAdmin: Awaited<ReturnType<typeof asRole>>;
    before(async () => {
      subject = await startTestApp(target);
      admin = await asRole(subject, 'administrator');
      secondAdmin = await asRole(subject, 'administrator');
    });
    after(async () => subject?.close());

    const inject = (options: InjectOptions) => subject.app.inject(options);
    const userCount = async () =>
      (await subject.context.db.selectFrom('users').select('id').execute()).length;

    it('refuses /api/v1/users to anonymous callers (401) and to roles without user:manage (403)', async () => {
      const officer = await asRole(subject, 'officer');
      const supervisorToken = await bearerAs(subject, 'supervisor');
      const before = await userCount();
      const anonymous = await inject({ method: 'GET', url: '/api/v1/users' });
      assert.equal(anonymous.statusCode, 401);
      for (const headers of [officer.headers, supervisorToken.headers]) {
        const list = await inject({ method: 'GET', url: '/api/v1/users', headers });
        const create = await inject({
          method: 'POST',
          url: '/api/v1/users',
          headers,
          payload: { username: 'sneaky', password: 'a long enough password', roles: ['administrator'] },
        });
        const patch = await inject({
          method: 'PATCH',
          url: `/api/v1/users/${officer.userId}`,
          headers,
          payload: { roles: ['administrator'] },
        });
        for (const response of [list, create, patch]) {
          assert.equal(response.statusCode, 403);
          assert.equal(json<Problem>(response).type, 'urn:comity:problem:forbidden');
        }
      }
      assert.equal(await userCount(), before);
      const me = json<{ user: User }>(
        await inject({ method: 'GET', url: '/api/v1/session', headers: { cookie: officer.headers.cookie! } }),
      );
      assert.deepEqual(me.user.roles, ['officer']);
    });

    it('lets an administrator create a user who can then sign in; no password hash in any response', async () => {
      const response = await inject({
        method: 'POST',
        url: '/api/v1/users',
        headers: admin.headers,
        payload: {
          username: 'prosecutor.dupont',
          displayName: 'Camille Dupont',
          password: 'a long enough password',
          roles: ['officer', 'duty-officer'],
        },
      });
      assert.equal(response.statusCode, 201);
      const created = json<User & { pendingRoleRequest: RoleRequest | null } & Record<string, unknown>>(
        response,
      );
      assert.equal(created.username, 'prosecutor.dupont');
      assert.equal(created.displayName, 'Camille Dupont');
      assert.deepEqual(created.roles, [], 'roles that read case content wait for a second administrator');
      assert.deepEqual(created.pendingRoleRequest?.rolesAdded, ['officer', 'duty-officer']);
      assert.equal(created.isDisabled, false);
      assert.ok(!created.permissions.includes('request:draft'));
      assert.equal(created.passwordHash, undefined);
      assert.doesNotMatch(response.body, /scrypt|passwordHash|password_hash|a long enough password/i);

      const session = await signIn(subject, 'prosecutor.dupont', 'a long enough password');
      assert.ok(session.csrfToken);
      const approved = await inject({
        method: 'POST',
        url: `/api/v1/role-requests/${created.pendingRoleRequest?.id}/approve`,
        headers: secondAdmin.headers,
      });
      assert.equal(approved.statusCode, 200, approved.body);
      const me = json<{ user: User }>(
        await inject({ method: 'GET', url: '/api/v1/session', headers: { cookie: session.cookie } }),
      );
      assert.deepEqual(me.user.roles, ['officer', 'duty-officer']);
      assert.ok(me.user.permissions.includes('request:draft'));

      const list = await inject({ method: 'GET', url: '/api/v1/users', headers: admin.headers });
      assert.equal(list.statusCode, 200);
      assert.doesNotMatch(list.body, /scrypt|passwordHash|password_hash|a long enough password/i);
      const items = json<{ items: User[] }>(list).items;
      assert.ok(items.some((user) => user.id === created.id));
    });

    it('refuses a taken username (409), a short password, a bad username or an unknown role (400), creating nothing', async () => {
      const existing = await createUser(subject, { roles: ['officer'] });
      const before = await userCount();
      const attempts: Array<[Record<string, unknown>, number, string]> = [
        [
          { username: existing.username, password: 'a long enough password', roles: ['officer'] },
          409,
          'conflict',
        ],
        [{ username: 'shorty', password: 'elevenchars', roles: ['officer'] }, 400, 'invalid-input'],
        [
          { username: 'Bad Name', password: 'a long enough password', roles: ['officer'] },
          400,
          'invalid-input',
        ],
        [{ username: 'noroles', password: 'a long enough password', roles: [] }, 400, 'invalid-input'],
        [{ username: 'badrole', password: 'a long enough password', roles: ['judge'] }, 400, 'invalid-input'],
        [
          { username: 'misspelt', password: 'a long enough password', roles: ['officer'], role: 'auditor' },
          400,
          'invalid-input',
        ],
      ];
      for (const [payload, status, code] of attempts) {
        const response = await inject({
          method: 'POST',
          url: '/api/v1/users',
          headers: admin.headers,
          payload,
        });
        assert.equal(response.statusCode, status, JSON.stringify(payload));
        assert.equal(json<Problem>(response).type, `urn:comity:problem:${code}`);
      }
      assert.equal(await userCount(), before);
    });

    it('changes roles and display name: a removal at once, a grant once approved, then its permissions apply', async () => {
      const user = await createUser(subject, { roles: ['officer'] });
      const session = await signIn(subject, user.username, user.password);
      const response = await inject({
        method: 'PATCH',
        url: `/api/v1/users/${user.id}`,
        headers: admin.headers,
        payload: { roles: ['legal-reviewer'], displayName: 'Reviewer' },
      });
      assert.equal(response.statusCode, 200);
      const updated = json<User & { pendingRoleRequest: RoleRequest }>(response);
      assert.deepEqual(updated.roles, []);
      assert.equal(updated.displayName, 'Reviewer');
      assert.ok(!updated.permissions.includes('request:draft'));
      assert.deepEqual(updated.pendingRoleRequest.rolesAdded, ['legal-reviewer']);
      const approve = (headers: Record<string, string>) =>
        inject({
          method: 'POST',
          url: `/api/v1/role-requests/${updated.pendingRoleRequest.id}/approve`,
          headers,
        });
      assert.equal((await approve(secondAdmin.headers)).statusCode, 200);
      const me = json<{ user: User }>(
        await inject({ method: 'GET', url: '/api/v1/session', headers: { cookie: session.cookie } }),
      );
      assert.deepEqual(me.user.roles, ['legal-reviewer']);
      assert.ok(me.user.permissions.includes('request:read-incoming'));

      const unknown = await inject({
        method: 'PATCH',
        url: '/api/v1/users/00000000-0000-4000-8000-000000000000',
        headers: admin.headers,
        payload: { displayName: 'x' },
      });
      assert.equal(unknown.statusCode, 404);
      const notAnId = await inject({
        method: 'PATCH',
        url: '/api/v1/users/42',
        headers: admin.headers,
        payload: { displayName: 'x' },
      });
      assert.equal(notAnId.statusCode, 404);
    });

    it('lets no administrator give itself a role that reads case content without a second one', async () => {
      const self = await createUser(subject, { roles: ['administrator'] });
      const selfSession = await signIn(subject, self.username, self.password);
      const asked = await inject({
        method: 'PATCH',
        url: `/api/v1/users/${self.id}`,
        headers: selfSession.headers,
        payload: { roles: ['administrator', 'auditor'] },
      });
      assert.equal(asked.statusCode, 200);
      const pending = json<User & { pendingRoleRequest: RoleRequest }>(asked).pendingRoleRequest;
      assert.equal(pending.status, 'pending');
      assert.deepEqual(json<User>(asked).roles, ['administrator']);
      const approve = (headers: Record<string, string>) =>
        inject({ method: 'POST', url: `/api/v1/role-requests/${pending.id}/approve`, headers });

      const own = await approve(selfSession.headers);
      assert.equal(own.statusCode, 403, 'the requester cannot approve');
      assert.equal(json<Problem>(own).type, 'urn:comity:problem:forbidden');
      const waiting = json<{ items: RoleRequest[] }>(
        await inject({ method: 'GET', url: '/api/v1/role-requests?status=pending', headers: admin.headers }),
      ).items;
      assert.ok(waiting.some((request) => request.id === pending.id));

      const approved = await approve(admin.headers);
      assert.equal(approved.statusCode, 200);
      const decided = json<RoleRequest>(approved);
      assert.equal(decided.status, 'approved');
      assert.equal(decided.requestedBy?.username, self.username);
      assert.equal(decided.decidedBy?.userId, admin.userId);
      assert.ok(decided.decidedAt);
      assert.equal((await approve(secondAdmin.headers)).statusCode, 409, 'approved once');

      const all = json<{ items: RoleRequest[] }>(
        await inject({ method: 'GET', url: '/api/v1/role-requests', headers: admin.headers }),
      ).items.filter((request) => request.userId === self.id);
      // Created by the operator (applied, asked by nobody: null), then the grant approved by another.
      assert.deepEqual(
        all.map((request) => [
          request.status,
          request.requestedBy?.username ?? 'operator',
          request.rolesAdded,
        ]),
        [
          ['approved', self.username, ['auditor']],
          ['applied', 'operator', ['administrator']],
        ],
      );
    });

    it('makes a new administrator wait too, lets the grantee not approve its own grant, and applies removals at once', async () => {
      const other = await createUser(subject, { roles: ['administrator', 'officer'] });
      const otherSession = await signIn(subject, other.username, other.password);
      const user = await createUser(subject, { roles: ['officer'] });
      const asked = json<User & { pendingRoleRequest: RoleRequest }>(
        await inject({
          method: 'PATCH',
          url: `/api/v1/users/${other.id}`,
          headers: admin.headers,
          payload: { roles: ['administrator', 'supervisor'] },
        }),
      );
      assert.deepEqual(asked.roles, ['administrator'], 'officer removed at once');
      const byGrantee = await inject({
        method: 'POST',
        url: `/api/v1/role-requests/${asked.pendingRoleRequest.id}/approve`,
        headers: otherSession.headers,
      });
      assert.equal(byGrantee.statusCode, 403);
      const newAdministrator = json<User & { pendingRoleRequest: RoleRequest | null }>(
        await inject({
          method: 'PATCH',
          url: `/api/v1/users/${user.id}`,
          headers: admin.headers,
          payload: { roles: ['officer', 'administrator'] },
        }),
      );
      assert.deepEqual(newAdministrator.roles, ['officer']);
      assert.deepEqual(newAdministrator.pendingRoleRequest?.rolesAdded, ['administrator']);
      const unknown = await inject({
        method: 'POST',
        url: '/api/v1/role-requests/not-an-id/approve',
        headers: admin.headers,
      });
      assert.equal(unknown.statusCode, 404);
    });

    it('supersedes a pending grant a later change no longer wants: it cannot be approved; one still wanted waits on', async () => {
      const second = await createUser(subject, { roles: ['administrator'] });
      const secondSession = await signIn(subject, second.username, second.password);
      const user = await createUser(subject, { roles: ['officer'] });
      const changeRoles = async (userId: string, roles: string[]) =>
        json<User & { pendingRoleRequest: RoleRequest | null }>(
          await inject({
            method: 'PATCH',
            url: `/api/v1/users/${userId}`,
            headers: admin.headers,
            payload: { roles },
          }),
        );
      const change = (roles: string[]) => changeRoles(user.id, roles);
      const first = await change(['officer', 'auditor']);
      const latest = await change(['officer', 'supervisor']);
      assert.ok(first.pendingRoleRequest && latest.pendingRoleRequest);
      const approveFirst = await inject({
        method: 'POST',
        url: `/api/v1/role-requests/${first.pendingRoleRequest.id}/approve`,
        headers: secondSession.headers,
      });
      assert.equal(approveFirst.statusCode, 409, approveFirst.body);
      assert.equal(json<Problem>(approveFirst).type, 'urn:comity:problem:invalid-state');
      const requests = json<{ items: RoleRequest[] }>(
        await inject({ method: 'GET', url: '/api/v1/role-requests', headers: admin.headers }),
      ).items;
      const firstNow = requests.find((request) => request.id === first.pendingRoleRequest?.id);
      assert.equal(firstNow?.status, 'superseded');
      assert.equal(firstNow?.decidedBy?.userId, admin.userId);
      const pending = json<{ items: RoleRequest[] }>(
        await inject({ method: 'GET', url: '/api/v1/role-requests?status=pending', headers: admin.headers }),
      ).items.filter((request) => request.userId === user.id);
      assert.deepEqual(
        pending.map((request) => request.id),
        [latest.pendingRoleRequest.id],
      );
      const approveLatest = await inject({
        method: 'POST',
        url: `/api/v1/role-requests/${latest.pendingRoleRequest.id}/approve`,
        headers: secondSession.headers,
      });
      assert.equal(approveLatest.statusCode, 200, approveLatest.body);
      const roles = json<{ items: User[] }>(
        await inject({ method: 'GET', url: '/api/v1/users', headers: admin.headers }),
      ).items.find((listed) => listed.id === user.id)?.roles;
      assert.deepEqual(roles, ['officer', 'supervisor']);

      // A change that still names a waiting role keeps its grant, and asks only for the new one.
      const keeps = await createUser(subject, { roles: ['officer'] });
      const changeKeeps = (wanted: string[]) => changeRoles(keeps.id, wanted);
      const waiting = await changeKeeps(['officer', 'auditor']);
      const more = await changeKeeps(['officer', 'auditor', 'supervisor']);
      assert.deepEqual(more.roles, ['officer'], 'neither waiting role is given yet');
      assert.deepEqual(more.pendingRoleRequest?.rolesAdded, ['supervisor']);
      const stillPending = json<{ items: RoleRequest[] }>(
        await inject({ method: 'GET', url: '/api/v1/role-requests?status=pending', headers: admin.headers }),
      ).items.filter((request) => request.userId === keeps.id);
      assert.deepEqual(
        stillPending.map((request) => request.id).sort(),
        [waiting.pendingRoleRequest?.id, more.pendingRoleRequest?.id].sort(),
      );
    });

    it('disables and re-enables an account; disabling ends its sessions', async () => {
      const user = await createUser(subject, { roles: ['officer'] });
      const session = await signIn(subject, user.username, user.password);
      const disable = await inject({
        method: 'PATCH',
        url: `/api/v1/users/${user.id}`,
        headers: admin.headers,
        payload: { isDisabled: true },
      });
      assert.equal(json<User>(disable).isDisabled, true);
      const sessions = await subject.context.db
        .selectFrom('sessions')
        .where('user_id', '=', user.id)
        .select('id_hash')
        .execute();
      assert.equal(sessions.length, 0);
      assert.equal(
        (await inject({ method: 'GET', url: '/api/v1/session', headers: session.headers })).statusCode,
        401,
      );

      await inject({
        method: 'PATCH',
        url: `/api/v1/users/${user.id}`,
        headers: admin.headers,
        payload: { isDisabled: false },
      });
      await signIn(subject, user.username, user.password);
    });

    it('refuses a change with a member it does not know (a misspelt `disabled`), changing nothing', async () => {
      const user = await createUser(subject, { roles: ['officer'] });
      const read = async () =>
        json<{ items: User[] }>(
          await inject({ method: 'GET', url: '/api/v1/users', headers: admin.headers }),
        ).items.find((listed) => listed.id === user.id);
      const before = await read();
      for (const payload of [{ disabled: true }, { role: 'auditor' }, { isDisabled: true, extra: 1 }]) {
        const response = await inject({
          method: 'PATCH',
          url: `/api/v1/users/${user.id}`,
          headers: admin.headers,
          payload,
        });
        assert.equal(response.statusCode, 400, JSON.stringify(payload));
        const problem = json<Problem & { errors: { code: string }[] }>(response);
        assert.equal(problem.type, 'urn:comity:problem:invalid-input');
        assert.equal(problem.errors[0]?.code, 'unrecognized-keys');
      }
      assert.deepEqual(await read(), before);
    });

    it('keeps at least one enabled administrator', async () => {
      const fresh = await startTestApp(target);
      try {
        const first = await asRole(fresh, 'administrator');
        const users = json<{ items: User[] }>(
          await fresh.app.inject({ method: 'GET', url: '/api/v1/users', headers: first.headers }),
        ).items;
        const bootstrapAdmin = users.find((user) => user.username === 'admin')!;
        const disableOther = await fresh.app.inject({
          method: 'PATCH',
          url: `/api/v1/users/${bootstrapAdmin.id}`,
          headers: first.headers,
          payload: { isDisabled: true },
        });
        assert.equal(disableOther.statusCode, 200);
        for (const payload of [{ isDisabled: true }, { roles: ['officer'] }]) {
          const response = await fresh.app.inject({
            method: 'PATCH',
            url: `/api/v1/users/${first.userId}`,
            headers: first.headers,
            payload,
          });
          assert.equal(response.statusCode, 409, JSON.stringify(payload));
          assert.equal(json<Problem>(response).type, 'urn:comity:problem:invalid-state');
        }
      } finally {
        await fresh.close();
      }
    });

    it('creates the first administrator once, with a one-time password that signs in', async () => {
      const handle = await target.open();
      try {
        const context: AppContext = {
          config: loadConfig({ COMITY_DATA_DIR: '/tmp/comity-test-unused', COMITY_LOG_LEVEL: 'silent' }),
          db: handle.db,
          databaseKind: handle.kind,
          catalogue: loadCatalogue(),
          live: createLiveHub(),
          now: () => new Date(),
        };
        const first = await bootstrapNode(context);
        assert.equal(first.createdAdministrator?.username, 'admin');
        const password = first.createdAdministrator!.password;
        assert.equal(password.length, 20);
        const signedIn = await openSession(context, { username: 'admin', password }, '127.0.0.1');
        assert.deepEqual(signedIn.user.roles, ['administrator', 'supervisor', 'officer']);
        assert.ok(signedIn.user.permissions.includes('user:manage'));
        assert.ok(signedIn.user.permissions.includes('request:draft'));

        const second = await bootstrapNode(context);
        assert.equal(second.createdAdministrator, undefined);
        assert.equal(await ensureAdministrator(context), undefined);
        const users = await handle.db.selectFrom('users').select('username').execute();
        assert.deepEqual(users, [{ username: 'admin' }]);
      } finally {
        await handle.close();
      }
    });
  });
}
