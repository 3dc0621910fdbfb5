/**
 * Authorization is declared once per route (`config.permission`) and enforced by one onRequest
 * hook (src/http/auth.ts), before the body is parsed. These tests walk the OpenAPI document the
 * node serves, so an operation added later is covered without editing this file.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Fastify from 'fastify';
import { ROLES, type Role } from '../../src/core/roles.ts';
import { registerAuthorization, routeKey } from '../../src/http/auth.ts';
import {
  type Actor,
  can,
  isRouteAccess,
  type Permission,
  type RouteAccess,
} from '../../src/policies/access.ts';
import { json, startTestApp, type TestApp } from '../helpers/app.ts';
import { type ActingAs, asRole, createUser, signIn } from '../helpers/auth.ts';
import { DATABASE_TARGETS } from '../helpers/database.ts';

type Problem = { type: string; status: number };
type Operation = Readonly<{
  name: string;
  method: string;
  /** The path with every parameter filled (a UUID: the check must come before params are validated). */
  url: string;
  declared: RouteAccess | undefined;
  inDocument: unknown;
  security: unknown;
}>;

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'] as const;
const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const SOME_ID = '0190a6b8-7c4e-7d1a-9f3b-2a1c5e8d4b60';
/** Not JSON: a route that parsed its body before checking the caller would answer 400. */
const MALFORMED_BODY = '{"content": [unclosed';

/** A role none of whose permissions is `permission`; none when every role holds it. */
function roleLacking(permission: Permission): Role | undefined {
  return ROLES.find((candidate) => {
    const actor: Actor = { userId: 'x', username: 'x', roles: [candidate], authenticatedBy: 'session' };
    return !can(actor, permission);
  });
}

function isPermission(access: RouteAccess | undefined): access is Permission {
  return access !== undefined && access !== 'public' && access !== 'signed-in';
}

for (const target of DATABASE_TARGETS) {
  describe(`authorization declared once per route [${target.name}]`, { skip: target.skip }, () => {
    let subject: TestApp;
    let operations: Operation[];
    const callers = new Map<Role | 'no role', ActingAs>();

    /** A signed-in caller lacking the permission: a role without it, else an account with no role. */
    async function callerLacking(permission: Permission): Promise<ActingAs> {
      const role = roleLacking(permission) ?? 'no role';
      const known = callers.get(role);
      if (known) return known;
      let caller: ActingAs;
      if (role === 'no role') {
        const user = await createUser(subject, { roles: ['officer'] });
        await subject.context.db.updateTable('users').set({ roles: [] }).where('id', '=', user.id).execute();
        caller = { headers: (await signIn(subject, user.username, user.password)).headers, userId: user.id };
      } else {
        caller = await asRole(subject, role);
      }
      callers.set(role, caller);
      return caller;
    }

    function call(operation: Operation, headers: Record<string, string>) {
      const hasBody = METHODS_WITH_BODY.has(operation.method);
      return subject.app.inject({
        method: operation.method as 'GET',
        url: operation.url,
        headers: hasBody ? { ...headers, 'content-type': 'application/json' } : headers,
        ...(hasBody ? { payload: MALFORMED_BODY } : {}),
      });
    }

    before(async () => {
      subject = await startTestApp(target);
      const response = await subject.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
      assert.equal(response.statusCode, 200);
      const document = json<{ paths: Record<string, Record<string, Record<string, unknown>>> }>(response);
      operations = Object.entries(document.paths).flatMap(([path, item]) =>
        HTTP_METHODS.filter((method) => item[method] !== undefined).map((method) => {
          const operation = item[method] ?? {};
          const fastifyPath = path.replace(/\{[^}]+\}/g, (name) => `:${name.slice(1, -1)}`);
          return {
            name: `${method.toUpperCase()} ${path}`,
            method: method.toUpperCase(),
            url: path.replace(/\{[^}]+\}/g, SOME_ID),
            declared: subject.app.routePermissions.get(routeKey(method, fastifyPath)),
            inDocument: operation['x-comity-permission'],
            security: operation.security,
          };
        }),
      );
    });
    after(async () => subject?.close());

    it('finds a declared permission for every operation of the OpenAPI document, and shows it there', () => {
      assert.ok(operations.length > 30, `only ${operations.length} operations in the document`);
      const undeclared = operations.filter((operation) => !isRouteAccess(operation.declared));
      assert.deepEqual(
        undeclared.map((operation) => operation.name),
        [],
        'these operations declare no permission',
      );
      for (const operation of operations) {
        assert.equal(operation.inDocument, operation.declared, `x-comity-permission of ${operation.name}`);
      }
    });

    it('marks exactly the public operations as needing no credentials (security: [])', () => {
      for (const operation of operations) {
        const isDocumentedPublic = Array.isArray(operation.security) && operation.security.length === 0;
        assert.equal(isDocumentedPublic, operation.declared === 'public', operation.name);
      }
    });

    it('answers 401 to an anonymous caller of every operation that is not public, before reading the body', async () => {
      const guarded = operations.filter((operation) => operation.declared !== 'public');
      assert.ok(guarded.length > 20);
      for (const operation of guarded) {
        const response = await call(operation, {});
        assert.equal(response.statusCode, 401, `${operation.name}: ${response.body}`);
        // A HEAD answer has the headers of the problem and no body (tus uploads use HEAD).
        if (operation.method === 'HEAD') continue;
        assert.equal(json<Problem>(response).type, 'urn:comity:problem:unauthenticated', operation.name);
        assert.match(String(response.headers['content-type']), /^application\/problem\+json/, operation.name);
      }
    });

    it('answers 403 to a signed-in caller who lacks the permission, even with a malformed body', async () => {
      const withPermission = operations.filter((operation) => isPermission(operation.declared));
      assert.ok(withPermission.length > 15);
      for (const operation of withPermission) {
        const permission = operation.declared as Permission;
        const caller = await callerLacking(permission);
        const response = await call(operation, caller.headers);
        assert.equal(response.statusCode, 403, `${operation.name} (${permission}): ${response.body}`);
        if (operation.method === 'HEAD') continue;
        assert.equal(json<Problem>(response).type, 'urn:comity:problem:forbidden', operation.name);
        assert.match(String(response.headers['content-type']), /^application\/problem\+json/, operation.name);
      }
    });

    it('lets a caller with the permission past the check: the malformed body is then refused as invalid', async () => {
      const operation = operations.find((candidate) => candidate.name === 'POST /api/v1/requests');
      assert.ok(operation);
      const response = await call(operation, (await asRole(subject, 'officer')).headers);
      assert.equal(response.statusCode, 400, response.body);
    });
  });
}

describe('a route that declares no permission', () => {
  async function appWith(config: Record<string, unknown>) {
    const app = Fastify();
    await app.register(async (api) => {
      registerAuthorization(api, new Map());
      api.get('/api/v1/forgotten', { config }, async () => ({ ok: true }));
    });
    return app;
  }

  it('stops the app from starting, naming the route', async () => {
    await assert.rejects(appWith({}), /GET \/api\/v1\/forgotten declares no permission/);
  });

  it('stops the app from starting when the declaration is not a known permission', async () => {
    await assert.rejects(appWith({ permission: 'request:everything' }), /declares no permission/);
  });

  it('starts when the route declares one', async () => {
    const app = await appWith({ permission: 'public' });
    const response = await app.inject({ method: 'GET', url: '/api/v1/forgotten' });
    assert.equal(response.statusCode, 200);
    await app.close();
  });
});
