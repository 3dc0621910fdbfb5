/**
 * COMITY_FIRST_START_FILE (src/services/first-start.service.ts): the accounts a node creates at its
 * first start instead of a generated administrator, and on a secretariat the nodes it registers
 * before it publishes the directory; never applied again once accounts exist.
 */
import assert from 'node:assert/strict';
import { randomBytes, scryptSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { AppContext } from '../../src/app-context.ts';
import { loadConfig } from '../../src/config.ts';
import { isAppError } from '../../src/core/errors.ts';
import { createLiveHub } from '../../src/core/live-updates.ts';
import { loadCatalogue } from '../../src/data/catalogue/index.ts';
import { bootstrapNode } from '../../src/services/bootstrap.service.ts';
import { hashPassword } from '../../src/services/password-hashing.ts';
import type { FirstStart } from '../../src/services/first-start.service.ts';
import { describeLatestPublication, listRegisteredNodes } from '../../src/services/secretariat.service.ts';
import { signIn } from '../../src/services/sessions.service.ts';
import type { DatabaseHandle } from '../../src/storage/database.ts';
import { DATABASE_TARGETS, type DatabaseTarget } from '../helpers/database.ts';
import { createNodeBundle, startTestSecretariat } from '../helpers/secretariat-fixture.ts';

const PASSWORD = 'first-start-password-1';

function contextOn(handle: DatabaseHandle, root: string): AppContext {
  return {
    config: loadConfig({ COMITY_DATA_DIR: root, COMITY_LOG_LEVEL: 'silent' }),
    db: handle.db,
    databaseKind: handle.kind,
    catalogue: loadCatalogue(),
    live: createLiveHub(),
    now: () => new Date(),
  };
}

/** Runs `work` on a new database of `target` with a data directory of its own, then removes both. */
async function onFreshNode(
  target: DatabaseTarget,
  work: (handle: DatabaseHandle, root: string) => Promise<void>,
): Promise<void> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'comity-first-start-'));
  const handle = await target.open();
  try {
    await work(handle, root);
  } finally {
    await handle.close();
    await rm(root, { recursive: true, force: true });
  }
}

function withFirstStartFile(context: AppContext, file: string): AppContext {
  return {
    ...context,
    config: { ...context.config, node: { ...context.config.node, firstStartFile: file } },
  };
}

for (const target of DATABASE_TARGETS) {
  describe(`COMITY_FIRST_START_FILE (${target.name})`, { skip: target.skip }, () => {
    it('reads COMITY_FIRST_START_FILE into the configuration', () => {
      assert.equal(
        loadConfig({ COMITY_FIRST_START_FILE: '/x/first.json' }).node.firstStartFile,
        '/x/first.json',
      );
      assert.equal(loadConfig({}).node.firstStartFile, undefined);
    });

    it('creates its accounts, with their passwords and roles, instead of a generated administrator, once', async () => {
      await onFreshNode(target, async (handle, root) => {
        const file = path.join(root, 'first-start.json');
        const plan: FirstStart = {
          users: [
            { username: 'admin', displayName: 'Administrator', password: PASSWORD, roles: ['administrator'] },
            { username: 'fr.officer', password: `${PASSWORD}-officer`, roles: ['officer'] },
          ],
        };
        await writeFile(file, JSON.stringify(plan));
        const context = withFirstStartFile(contextOn(handle, root), file);
        const first = await bootstrapNode(context);
        assert.equal(first.createdAdministrator, undefined);
        const admin = await signIn(context, { username: 'admin', password: PASSWORD }, '127.0.0.1');
        assert.deepEqual(admin.user.roles, ['administrator']);
        assert.equal(admin.user.mustChangePassword, false);
        const officer = await signIn(
          context,
          { username: 'fr.officer', password: `${PASSWORD}-officer` },
          '127.0.0.1',
        );
        assert.deepEqual(officer.user.roles, ['officer']);

        // Accounts exist: a later start reads no file (an unreadable one is no error) and adds no one.
        await writeFile(file, 'not json');
        const second = await bootstrapNode(context);
        assert.equal(second.createdAdministrator, undefined);
        const users = await handle.db.selectFrom('users').select('username').orderBy('username').execute();
        assert.deepEqual(
          users.map((user) => user.username),
          ['admin', 'fr.officer'],
        );
      });
    });

    it('refuses to start on an unreadable file, naming it, and creates no account', async () => {
      await onFreshNode(target, async (handle, root) => {
        const context = withFirstStartFile(contextOn(handle, root), path.join(root, 'first-start.json'));
        for (const content of ['not json', JSON.stringify({ users: [] })]) {
          await writeFile(path.join(root, 'first-start.json'), content);
          await assert.rejects(
            bootstrapNode(context),
            (error: unknown) =>
              isAppError(error) && error.code === 'invalid-input' && /first-start\.json/.test(error.message),
            content,
          );
        }
        const users = await handle.db.selectFrom('users').select('username').execute();
        assert.deepEqual(users, []);
      });
    });

    it('creates an account given by its password hash, which signs in with the password', async () => {
      await onFreshNode(target, async (handle, root) => {
        const file = path.join(root, 'first-start.json');
        const plan: FirstStart = {
          users: [
            { username: 'admin', passwordHash: await hashPassword(PASSWORD), roles: ['administrator'] },
          ],
        };
        await writeFile(file, JSON.stringify(plan));
        const context = withFirstStartFile(contextOn(handle, root), file);
        assert.equal((await bootstrapNode(context)).createdAdministrator, undefined);
        const admin = await signIn(context, { username: 'admin', password: PASSWORD }, '127.0.0.1');
        assert.deepEqual(admin.user.roles, ['administrator']);
        await assert.rejects(
          signIn(context, { username: 'admin', password: `${PASSWORD}-not` }, '127.0.0.1'),
        );
      });
    });

    it('refuses a hash weaker than its own, or both or neither of password and hash, and creates no account', async () => {
      await onFreshNode(target, async (handle, root) => {
        const file = path.join(root, 'first-start.json');
        const context = withFirstStartFile(contextOn(handle, root), file);
        const salt = randomBytes(16);
        const weak = `scrypt$1024$8$1$${salt.toString('base64url')}$${scryptSync(PASSWORD, salt, 32, { N: 1024 }).toString('base64url')}`;
        const strong = await hashPassword(PASSWORD);
        const cases: ReadonlyArray<readonly [string, Record<string, unknown>, RegExp]> = [
          ['a weaker hash', { passwordHash: weak }, /users\.1\.passwordHash: .*N at least 32768/],
          ['not a hash', { passwordHash: 'first-start-password-1' }, /users\.1\.passwordHash/],
          ['both', { password: PASSWORD, passwordHash: strong }, /either password or passwordHash/],
          ['neither', {}, /either password or passwordHash/],
        ];
        for (const [label, credential, message] of cases) {
          await writeFile(
            file,
            JSON.stringify({
              users: [
                { username: 'admin', password: PASSWORD, roles: ['administrator'] },
                { username: 'fr.officer', roles: ['officer'], ...credential },
              ],
            }),
          );
          await assert.rejects(
            bootstrapNode(context),
            (error: unknown) =>
              isAppError(error) &&
              error.code === 'invalid-input' &&
              error.message.includes(file) &&
              message.test(error.message),
            label,
          );
          assert.deepEqual(await handle.db.selectFrom('users').select('username').execute(), [], label);
        }
      });
    });

    it('on a secretariat, registers the nodes and publishes the directory before its accounts', async () => {
      const secretariat = await startTestSecretariat(target, { now: new Date() });
      try {
        const fr = await createNodeBundle(secretariat.root, {
          nodeId: 'fr-poc',
          state: 'FR',
          authority: 'point-of-contact',
        });
        const de = await createNodeBundle(secretariat.root, {
          nodeId: 'de-poc',
          state: 'DE',
          authority: 'point-of-contact',
        });
        const file = path.join(secretariat.root, 'first-start.json');
        const plan: FirstStart = {
          users: [{ username: 'admin', password: PASSWORD, roles: ['administrator'] }],
          register: { entries: [fr.bundle, de.bundle], languages: ['en'], acknowledgeWithinHours: 1 },
        };
        await writeFile(file, JSON.stringify(plan));
        const context = withFirstStartFile(secretariat.context, file);
        await bootstrapNode(context);
        const nodes = await listRegisteredNodes(context);
        assert.deepEqual(nodes.map((node) => node.nodeId).sort(), ['de-poc', 'fr-poc']);
        for (const node of nodes) {
          assert.deepEqual(node.acceptedLanguages, ['en']);
          assert.equal(node.keys.length, fr.bundle.keys.length);
        }
        const latest = await describeLatestPublication(context);
        assert.equal(latest?.serial, 1);
      } finally {
        await secretariat.close();
      }
    });
  });
}
