import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config.ts';
import { isAppError } from '../../src/core/errors.ts';
import { loadCatalogue } from '../../src/data/catalogue/index.ts';
import type { AppContext } from '../../src/app-context.ts';
import type { Actor } from '../../src/policies/access.ts';
import { seedDirectory } from '../../src/services/directory-seed.service.ts';
import {
  getState,
  listStates,
  loadDirectoryView,
  updateStateProfile,
} from '../../src/services/directory.service.ts';
import { json, startTestApp, type TestApp } from '../helpers/app.ts';
import { type ActingAs, asRole, bearerAs, createUser } from '../helpers/auth.ts';
import { DATABASE_TARGETS } from '../helpers/database.ts';
import { createLiveHub } from '../../src/core/live-updates.ts';
import { createClock, createStaticDirectory, planNode, startFederatedNode } from './delivery-fixture.ts';

type StateSummary = {
  code: string;
  kind: string;
  isUnMember: boolean;
  names: Record<string, string>;
  designations: Record<string, string>;
  timeZone?: string;
  nodes: { nodeId: string; authority: string }[];
};
type StateDetail = StateSummary & {
  profile: Record<string, unknown> & { timeZone?: string; acceptedLanguages?: string[] };
  updatedBy: { id: string; username: string } | null;
};
type Problem = { type: string; errors?: { path?: string }[] };

const NEW_PROFILE = {
  centralAuthority: {
    name: 'Ministry of Justice, International Legal Cooperation',
    email: 'mla@justice.example',
    source: 'Notification at deposit (test)',
    evidence: 'primary',
  },
  acceptedLanguages: ['fr', 'en'],
  acceptedLanguagesSource: 'Notification at deposit (test)',
  timeZone: 'Europe/Paris',
  declarations: [
    { article: 40, paragraph: '14', kind: 'notification', summary: 'French or English', source: 'test' },
  ],
  serviceLevel: { acknowledgeWithinHours: 8 },
};

for (const target of DATABASE_TARGETS) {
  describe(`directory of States API [${target.name}]`, { skip: target.skip }, () => {
    let subject: TestApp;
    let administrator: ActingAs;
    let officer: ActingAs;

    before(async () => {
      subject = await startTestApp(target);
      administrator = await asRole(subject, 'administrator');
      officer = await bearerAs(subject, 'officer');
    });
    after(async () => subject?.close());

    async function readState(code: string, as: ActingAs = officer): Promise<StateDetail> {
      const response = await subject.app.inject({
        method: 'GET',
        url: `/api/v1/states/${code}`,
        headers: as.headers,
      });
      assert.equal(response.statusCode, 200, response.body);
      return json<StateDetail>(response);
    }

    it('lists the 193 UN Member States, the two observer States and the European Union', async () => {
      const response = await subject.app.inject({
        method: 'GET',
        url: '/api/v1/states',
        headers: officer.headers,
      });
      assert.equal(response.statusCode, 200, response.body);
      const { items } = json<{ items: StateSummary[] }>(response);
      assert.equal(items.length, 196);
      assert.equal(items.filter((item) => item.isUnMember).length, 193);
      const europeanUnion = items.find((item) => item.code === 'EU');
      assert.equal(europeanUnion?.kind, 'organization');
      const azerbaijan = items.find((item) => item.code === 'AZ');
      assert.match(azerbaijan?.designations.centralAuthority ?? '', /State Security Service/);
      assert.equal(azerbaijan?.names.ru, 'Азербайджан');
      assert.deepEqual(items.find((item) => item.code === 'FR')?.designations, {});
      assert.ok(
        items.every((item) => item.nodes.length === 0),
        'a node without federation knows no node',
      );
    });

    it("lists each State's nodes of the federation directory beside what it notified", async () => {
      const clock = createClock();
      const plans = [
        await planNode('fr-ca', 'FR', 'central-authority'),
        await planNode('de-247', 'DE', 'point-of-contact'),
        await planNode('de-ca', 'DE', 'central-authority'),
      ];
      const node = await startFederatedNode(target, {
        plan: plans[0],
        directory: createStaticDirectory(plans, clock.now),
        clock,
      });
      try {
        const reader = await bearerAs(node, 'officer');
        const response = await node.app.inject({
          method: 'GET',
          url: '/api/v1/states',
          headers: reader.headers,
        });
        assert.equal(response.statusCode, 200, response.body);
        const { items } = json<{ items: StateSummary[] }>(response);
        const nodesOf = (code: string) => items.find((item) => item.code === code)?.nodes;
        // With the languages each node declares it reads (the fixture's nodes read English).
        assert.deepEqual(nodesOf('FR'), [
          { nodeId: 'fr-ca', authority: 'central-authority', acceptedLanguages: ['en'] },
        ]);
        assert.deepEqual(nodesOf('DE'), [
          { nodeId: 'de-247', authority: 'point-of-contact', acceptedLanguages: ['en'] },
          { nodeId: 'de-ca', authority: 'central-authority', acceptedLanguages: ['en'] },
        ]);
        assert.deepEqual(nodesOf('IT'), []);
        // The depositary's notifications stay as they were: a node is not a notification.
        assert.deepEqual(items.find((item) => item.code === 'DE')?.designations, {});
      } finally {
        await node.close();
      }
    });

    it('reads one State with its full profile, whatever the case of the code', async () => {
      const state = await readState('az');
      assert.equal(state.code, 'AZ');
      assert.equal(state.profile.timeZone, 'Asia/Baku');
      assert.equal(state.profile.acceptedLanguages, undefined);
      assert.match(JSON.stringify(state.profile.extraditionAuthority), /Ministry of Justice/);
      assert.equal(state.updatedBy, null);
    });

    it('lets the administrator replace a profile, and the change persists', async () => {
      const response = await subject.app.inject({
        method: 'PUT',
        url: '/api/v1/states/FR/profile',
        headers: administrator.headers,
        payload: NEW_PROFILE,
      });
      assert.equal(response.statusCode, 200, response.body);
      assert.equal(json<StateDetail>(response).updatedBy?.id, administrator.userId);
      const state = await readState('FR');
      assert.deepEqual(state.profile.acceptedLanguages, ['fr', 'en']);
      assert.equal(state.profile.timeZone, 'Europe/Paris');
      assert.equal(state.designations.centralAuthority, NEW_PROFILE.centralAuthority.name);
      assert.equal(state.updatedBy?.id, administrator.userId);
    });

    it('refuses an officer with 403 and changes nothing', async () => {
      const before = await readState('DE');
      const response = await subject.app.inject({
        method: 'PUT',
        url: '/api/v1/states/DE/profile',
        headers: officer.headers,
        payload: NEW_PROFILE,
      });
      assert.equal(response.statusCode, 403);
      assert.equal(json<Problem>(response).type, 'urn:comity:problem:forbidden');
      assert.deepEqual(await readState('DE'), before);
    });

    it('refuses an invalid time zone with 400 invalid-input and changes nothing', async () => {
      const before = await readState('AZ');
      const response = await subject.app.inject({
        method: 'PUT',
        url: '/api/v1/states/AZ/profile',
        headers: administrator.headers,
        payload: { ...NEW_PROFILE, timeZone: 'Mars/Olympus' },
      });
      assert.equal(response.statusCode, 400);
      const problem = json<Problem>(response);
      assert.equal(problem.type, 'urn:comity:problem:invalid-input');
      assert.ok(
        problem.errors?.some((error) => error.path?.includes('timeZone')),
        response.body,
      );
      assert.deepEqual(await readState('AZ'), before);
    });

    it('answers 404 for a code the directory does not have', async () => {
      const read = await subject.app.inject({
        method: 'GET',
        url: '/api/v1/states/XX',
        headers: officer.headers,
      });
      assert.equal(read.statusCode, 404);
      assert.equal(json<Problem>(read).type, 'urn:comity:problem:not-found');
      const write = await subject.app.inject({
        method: 'PUT',
        url: '/api/v1/states/XX/profile',
        headers: administrator.headers,
        payload: NEW_PROFILE,
      });
      assert.equal(write.statusCode, 404);
    });

    it('answers 401 to an anonymous caller', async () => {
      for (const [method, url] of [
        ['GET', '/api/v1/states'],
        ['GET', '/api/v1/states/AZ'],
        ['PUT', '/api/v1/states/AZ/profile'],
      ] as const) {
        const response = await subject.app.inject({
          method,
          url,
          ...(method === 'PUT' ? { payload: NEW_PROFILE } : {}),
        });
        assert.equal(response.statusCode, 401, `${method} ${url}`);
        assert.equal(json<Problem>(response).type, 'urn:comity:problem:unauthenticated');
      }
    });

    it('documents the routes in the OpenAPI document under the directory tag', async () => {
      const response = await subject.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
      const document = json<{ paths: Record<string, Record<string, { tags?: string[] }>> }>(response);
      assert.deepEqual(document.paths['/api/v1/states/{code}/profile']?.put?.tags, ['directory']);
    });
  });
}

for (const target of DATABASE_TARGETS) {
  describe(`directory service and seeding [${target.name}]`, { skip: target.skip }, () => {
    let subject: TestApp;
    let administrator: Actor;

    before(async () => {
      subject = await startTestApp(target);
      const admin = await createUser(subject, { roles: ['administrator'] });
      administrator = {
        userId: admin.id,
        username: admin.username,
        roles: ['administrator'],
        authenticatedBy: 'session',
      };
    });
    after(async () => subject?.close());

    function rejectsWith(code: string) {
      return (error: unknown) => isAppError(error) && error.code === code;
    }

    it('seeds an empty database with the whole directory, then inserts nothing more', async () => {
      const handle = await target.open();
      try {
        const context: AppContext = {
          config: loadConfig({
            COMITY_PORT: '0',
            COMITY_DATA_DIR: '/tmp/comity-test-unused',
            COMITY_LOG_LEVEL: 'silent',
          }),
          db: handle.db,
          databaseKind: handle.kind,
          catalogue: loadCatalogue(),
          live: createLiveHub(),
          now: () => new Date(),
        };
        assert.equal(await seedDirectory(context), 196);
        assert.equal(await seedDirectory(context), 0);
        assert.equal((await listStates(context)).length, 196);
      } finally {
        await handle.close();
      }
    });

    it("never overwrites an administrator's edit when seeding again", async () => {
      await updateStateProfile(subject.context, administrator, 'AZ', {
        timeZone: 'Asia/Tbilisi',
        note: 'edited',
      });
      assert.equal(await seedDirectory(subject.context), 0);
      const state = await getState(subject.context, 'AZ');
      assert.deepEqual(state.profile, { timeZone: 'Asia/Tbilisi', note: 'edited', declarations: [] });
      assert.equal(state.designations.centralAuthority, undefined);
    });

    // Who may change a profile is the route's declared permission (directory:edit), tested over HTTP above.
    it('refuses an invalid profile and an unknown code, changing nothing', async () => {
      const before = await getState(subject.context, 'JP');
      await assert.rejects(
        updateStateProfile(subject.context, administrator, 'JP', { timeZone: 'Tokyo' }),
        (error: unknown) =>
          isAppError(error) &&
          error.code === 'invalid-input' &&
          error.details.some((detail) => detail.path === 'profile.timeZone'),
      );
      await assert.rejects(
        updateStateProfile(subject.context, administrator, 'JP', { acceptedLanguages: 'ja' }),
        rejectsWith('invalid-input'),
      );
      assert.deepEqual(await getState(subject.context, 'JP'), before);
      await assert.rejects(
        updateStateProfile(subject.context, administrator, 'QQ', {}),
        rejectsWith('not-found'),
      );
      await assert.rejects(getState(subject.context, 'QQ'), rejectsWith('not-found'));
    });

    it('gives validation the accepted languages and time zone the administrator recorded', async () => {
      assert.equal((await loadDirectoryView(subject.context)).findState('BR')?.acceptedLanguages, undefined);
      await updateStateProfile(subject.context, administrator, 'BR', {
        acceptedLanguages: ['pt', 'en'],
        acceptedLanguagesSource: 'test',
        timeZone: 'America/Sao_Paulo',
      });
      const entry = (await loadDirectoryView(subject.context)).findState('br');
      assert.deepEqual(entry?.acceptedLanguages, ['pt', 'en']);
      assert.equal(entry?.timeZone, 'America/Sao_Paulo');
      assert.equal(entry?.names.en, 'Brazil');
    });
  });
}
