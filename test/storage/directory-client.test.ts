import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config.ts';
import { loadCatalogue } from '../../src/data/catalogue/index.ts';
import {
  createDirectoryClient,
  retryDelayMs,
  type DirectoryClient,
} from '../../src/federation/directory/directory-client.ts';
import { createFederationLog } from '../../src/federation/federation-log.ts';
import { initNodeIdentity, loadNodeIdentity } from '../../src/federation/identity/identity-store.ts';
import { generateSigningKeyPair } from '../../src/federation/protocol/keys.ts';
import { startFederation } from '../../src/federation/runtime.ts';
import type { AppContext } from '../../src/app-context.ts';
import { publishDirectory, registerNode } from '../../src/services/secretariat.service.ts';
import type { DatabaseHandle } from '../../src/storage/database.ts';
import {
  readDirectoryCache,
  readDirectoryRefresh,
  writeDirectoryCache,
} from '../../src/storage/federation-directory.repository.ts';
import { DATABASE_TARGETS, type DatabaseTarget } from '../helpers/database.ts';
import {
  type Clock,
  createNodeBundle,
  startTestSecretariat,
  type TestSecretariat,
} from '../helpers/secretariat-fixture.ts';
import { createLiveHub } from '../../src/core/live-updates.ts';

const silent = createFederationLog('silent');
const DAY_MS = 24 * 60 * 60 * 1000;

type TestNode = Readonly<{ context: AppContext; handle: DatabaseHandle; dataDirectory: string }>;

/** A State node's context on its own database, with an identity pinning `pinned` as the secretariat key. */
async function createTestNode(
  target: DatabaseTarget,
  root: string,
  name: string,
  clock: Clock,
  secretariat: Readonly<{ url: string; publicJwks: import('jose').JWK[] }>,
  handle?: DatabaseHandle,
): Promise<TestNode> {
  const dataDirectory = path.join(root, name);
  const config = loadConfig({
    COMITY_DATA_DIR: dataDirectory,
    COMITY_LOG_LEVEL: 'silent',
    COMITY_DIRECTORY_REFRESH_SECONDS: '3600',
  });
  await initNodeIdentity(
    config.federation.identityDirectory,
    {
      nodeId: name,
      state: 'FR',
      authority: 'central-authority',
      endpoint: `https://${name}.example`,
      secretariat,
    },
    { now: clock.now, isForced: true },
  );
  const database = handle ?? (await target.open());
  return {
    context: {
      config,
      db: database.db,
      databaseKind: database.kind,
      catalogue: loadCatalogue(),
      live: createLiveHub(),
      now: () => clock.now,
    },
    handle: database,
    dataDirectory,
  };
}

async function clientFor(node: TestNode): Promise<DirectoryClient> {
  const identity = await loadNodeIdentity(node.context.config);
  assert.ok(identity);
  return createDirectoryClient({ context: node.context, identity, log: silent, timeoutMs: 2000 });
}

for (const target of DATABASE_TARGETS) {
  describe(`directory client on a node [${target.name}]`, { skip: target.skip }, () => {
    const clock: Clock = { now: new Date('2026-12-01T09:00:00.000Z') };
    let secretariat: TestSecretariat;
    let root: string;
    let url: string;
    let pin: { url: string; publicJwks: import('jose').JWK[] };
    const handles: DatabaseHandle[] = [];
    const clients: DirectoryClient[] = [];

    before(async () => {
      root = await mkdtemp(path.join(os.tmpdir(), 'comity-directory-client-'));
      secretariat = await startTestSecretariat(target, clock);
      for (const node of [
        { nodeId: 'fr-ca', state: 'FR', authority: 'central-authority' as const },
        { nodeId: 'de-247', state: 'DE', authority: 'point-of-contact' as const },
      ]) {
        const { bundle } = await createNodeBundle(secretariat.root, node);
        await registerNode(secretariat.context, { ...node, endpoint: bundle.endpoint, keys: bundle.keys });
      }
      await publishDirectory(secretariat.context);
      const address = await secretariat.app.listen({ port: 0, host: '127.0.0.1' });
      url = address;
      pin = { url, publicJwks: [secretariat.identity.keys.signing.publicJwk] };
    });
    after(async () => {
      for (const client of clients) await client.stop();
      for (const handle of handles) await handle.close();
      await secretariat?.close();
      await rm(root, { recursive: true, force: true });
    });

    let node: TestNode;

    it('fetches the directory over HTTP, verifies it with the pinned key, caches it and answers lookups', async () => {
      node = await createTestNode(target, root, 'fr-node', clock, pin);
      handles.push(node.handle);
      const client = await clientFor(node);
      clients.push(client);
      assert.equal(client.describe(), undefined);
      await client.start();
      assert.deepEqual(client.lastOutcome(), {
        ok: true,
        serial: 1,
        isNew: true,
        at: clock.now.toISOString(),
      });
      assert.equal(client.describe()?.serial, 1);
      assert.equal(client.findNode('fr-ca')?.endpoint, 'https://fr-ca.example');
      assert.equal(client.findNodeFor('DE', 'point-of-contact')?.nodeId, 'de-247');
      assert.equal(client.findNodeFor('DE', 'central-authority'), undefined);
      assert.deepEqual(
        client
          .listNodes()
          .map((node) => node.nodeId)
          .sort(),
        ['de-247', 'fr-ca'],
        'every node is listed, for the peers screen and the duty-status announcement',
      );
      const key = client.findNode('de-247')?.keys[0];
      assert.ok(key);
      assert.deepEqual(client.findKey('de-247', key.kid), key);
      assert.equal(client.findKey('fr-ca', key.kid), undefined, 'a key belongs to its node only');
      assert.equal((await readDirectoryCache(node.context.db))?.serial, 1);
    });

    it('refuses a directory that does not verify with the pinned key, and caches nothing', async () => {
      const stranger = await generateSigningKeyPair();
      const other = await createTestNode(target, root, 'xx-node', clock, {
        url,
        publicJwks: [stranger.publicJwk],
      });
      handles.push(other.handle);
      const client = await clientFor(other);
      clients.push(client);
      await client.start();
      const outcome = client.lastOutcome();
      assert.equal(outcome?.ok, false);
      assert.equal(outcome && !outcome.ok && outcome.reason, 'unknown-key');
      assert.equal(client.describe(), undefined);
      assert.equal(client.findNode('fr-ca'), undefined);
      assert.equal(await readDirectoryCache(other.context.db), undefined);
    });

    it('retries within seconds, not after the refresh interval, when the secretariat was unreachable at start', async () => {
      const late = await createTestNode(target, root, 'late-node', clock, pin);
      handles.push(late.handle);
      const identity = await loadNodeIdentity(late.context.config);
      assert.ok(identity);
      let calls = 0;
      const flakyFetch: typeof globalThis.fetch = async (input, init) => {
        calls += 1;
        if (calls === 1) throw new TypeError('fetch failed (connection refused)');
        return globalThis.fetch(input, init);
      };
      const client = createDirectoryClient({
        context: late.context,
        identity,
        log: silent,
        timeoutMs: 2000,
        fetch: flakyFetch,
      });
      clients.push(client);
      await client.start();
      assert.equal(client.describe(), undefined, 'the first fetch failed');
      assert.ok(late.context.config.federation.directoryRefreshSeconds >= 60, 'the interval itself is long');
      const deadline = Date.now() + 5000;
      while (client.describe() === undefined && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.equal(client.describe()?.serial, 1);
    });

    it('asks again every 0.25 s for two seconds, then twice as long each time, up to the interval', () => {
      const waits = Array.from({ length: 14 }, (_, index) => retryDelayMs(index + 1, 10_000));
      assert.deepEqual(waits, [250, 250, 250, 250, 250, 250, 250, 250, 500, 1000, 2000, 4000, 8000, 10_000]);
      assert.equal(retryDelayMs(1_000, 300_000), 300_000, 'never longer than the interval');
    });

    it('takes a newer serial and refuses to go back to an older one, even after a restart', async () => {
      const client = clients[0]!;
      clock.now = new Date(clock.now.getTime() + 60_000);
      await publishDirectory(secretariat.context);
      await client.refresh();
      assert.equal(client.describe()?.serial, 2);

      // The secretariat (or someone between) serves serial 1 again.
      await secretariat.handle.db.deleteFrom('directory_publications').where('serial', '=', 2).execute();
      await client.refresh();
      const outcome = client.lastOutcome();
      assert.equal(outcome && !outcome.ok && outcome.reason, 'rolled-back');
      assert.equal(client.describe()?.serial, 2);

      const restarted = await clientFor(node);
      clients.push(restarted);
      await restarted.start();
      await restarted.refresh();
      assert.equal(restarted.describe()?.serial, 2, 'the cached serial bounds a restarted node too');
      const restartedOutcome = restarted.lastOutcome();
      assert.equal(restartedOutcome && !restartedOutcome.ok && restartedOutcome.reason, 'rolled-back');

      const cached = await readDirectoryCache(node.context.db);
      assert.equal(cached?.serial, 2);
      assert.equal(
        await writeDirectoryCache(node.context.db, { document: 'x', serial: 1, fetchedAt: clock.now }),
        false,
        'the database refuses a lower serial',
      );
      assert.equal((await readDirectoryCache(node.context.db))?.serial, 2);
    });

    it('keeps using the cached directory while the secretariat is down, also after a restart', async () => {
      await secretariat.app.close();
      const client = clients[0]!;
      await client.refresh();
      const outcome = client.lastOutcome();
      assert.equal(outcome && !outcome.ok && outcome.reason, 'unreachable');
      assert.equal(client.findNode('de-247')?.nodeId, 'de-247');

      const restarted = await clientFor(node);
      clients.push(restarted);
      await restarted.start();
      await restarted.refresh();
      assert.equal(restarted.describe()?.serial, 2);
      assert.equal(restarted.findNodeFor('FR', 'central-authority')?.nodeId, 'fr-ca');
    });

    it('trusts no node once the directory has expired (fails closed), and says since when, also after a restart', async () => {
      const client = clients[0]!;
      const expiresAt = client.describe()?.expiresAt;
      assert.ok(expiresAt);
      assert.equal(client.expiredSince(), undefined);
      clock.now = new Date(clock.now.getTime() + 8 * DAY_MS);
      try {
        assert.equal(client.findNode('de-247'), undefined);
        assert.equal(client.findNodeFor('DE', 'point-of-contact'), undefined);
        assert.equal(client.describe()?.serial, 2, 'still described for the peers screen');
        assert.ok(client.listNodes().length > 0, 'and still listed there');
        assert.equal(client.expiredSince(), expiresAt);

        // Restarted while the secretariat is still down: the cached directory is known as expired, not absent.
        const restarted = await clientFor(node);
        clients.push(restarted);
        await restarted.start();
        await restarted.refresh();
        assert.equal(restarted.describe()?.serial, 2);
        assert.equal(restarted.expiredSince(), expiresAt);
        assert.equal(restarted.findNode('de-247'), undefined);
        const outcome = restarted.lastOutcome();
        assert.equal(outcome && !outcome.ok && outcome.reason, 'unreachable');
        const recorded = await readDirectoryRefresh(node.context.db);
        assert.deepEqual(
          { isOk: recorded?.isOk, reason: recorded?.reason, at: recorded?.attemptedAt.toISOString() },
          { isOk: false, reason: 'unreachable', at: clock.now.toISOString() },
        );
      } finally {
        clock.now = new Date(clock.now.getTime() - 8 * DAY_MS);
      }
    });

    it('starts federation on a node with an identity, and wakes its workers', async () => {
      const woken: string[] = [];
      let isStopped = false;
      const running = await startFederation(node.context, {
        log: silent,
        startWorkers: (context, runtime) => {
          assert.equal(context.federation, runtime);
          return {
            wake: () => woken.push('worker'),
            stop: async () => {
              isStopped = true;
            },
          };
        },
      });
      assert.ok(running);
      assert.equal(running.runtime.identity.nodeId, 'fr-node');
      assert.equal(
        running.runtime.directory.findNode('fr-ca')?.nodeId,
        'fr-ca',
        'from the cache: secretariat down',
      );
      const remove = running.onWake(() => woken.push('listener'));
      running.runtime.wakeDelivery();
      remove();
      running.runtime.wakeDelivery();
      assert.deepEqual(woken, ['worker', 'listener', 'worker']);
      await running.stop();
      assert.ok(isStopped);

      const bare = loadConfig({
        COMITY_DATA_DIR: path.join(root, 'no-identity'),
        COMITY_LOG_LEVEL: 'silent',
      });
      assert.equal(await startFederation({ ...node.context, config: bare }, { log: silent }), undefined);
    });
  });

  describe(`directory on the secretariat itself [${target.name}]`, { skip: target.skip }, () => {
    it('uses its own latest publication', async () => {
      const clock: Clock = { now: new Date('2026-12-01T09:00:00.000Z') };
      const secretariat = await startTestSecretariat(target, clock);
      try {
        const { bundle } = await createNodeBundle(secretariat.root, {
          nodeId: 'es-poc',
          state: 'ES',
          authority: 'point-of-contact',
        });
        await registerNode(secretariat.context, {
          nodeId: bundle.nodeId,
          state: bundle.state,
          authority: bundle.authority,
          endpoint: bundle.endpoint,
          keys: bundle.keys,
        });
        const running = await startFederation(secretariat.context, { log: silent });
        assert.ok(running);
        assert.equal(running.directory.lastOutcome()?.ok, false, 'nothing published yet');
        await publishDirectory(secretariat.context);
        await running.runtime.directory.refresh();
        assert.equal(running.runtime.directory.describe()?.serial, 1);
        assert.equal(running.runtime.directory.findNodeFor('ES', 'point-of-contact')?.nodeId, 'es-poc');
        await running.stop();
      } finally {
        await secretariat.close();
      }
    });
  });
}
