/**
 * State nodes whose directory comes from a test secretariat over loopback HTTP, through the real
 * directory client (fetch, verify against the pinned key, cache, refresh): each node its own
 * database, identity (`comity init` code), app listening on loopback, and delivery worker driven
 * with runOnce. One settable clock for all, so a directory expires by moving the clock, not by
 * waiting. The refresh timers are stopped: the test refreshes when it means to.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { AppContext } from '../../src/app-context.ts';
import { loadConfig } from '../../src/config.ts';
import { loadCatalogue } from '../../src/data/catalogue/index.ts';
import type { FederationRuntime } from '../../src/federation/context.ts';
import { createDeliveryWorker } from '../../src/federation/delivery/delivery-worker.ts';
import type { DirectoryClient } from '../../src/federation/directory/directory-client.ts';
import { createFederationLog } from '../../src/federation/federation-log.ts';
import {
  initNodeIdentity,
  loadNodeIdentity,
  readPublicKeyBundle,
} from '../../src/federation/identity/identity-store.ts';
import type { AuthorityKind } from '../../src/federation/protocol/types.ts';
import { startFederation } from '../../src/federation/runtime.ts';
import { buildApp } from '../../src/http/app.ts';
import { bootstrapNode } from '../../src/services/bootstrap.service.ts';
import { publishDirectory, registerNode } from '../../src/services/secretariat.service.ts';
import type { TestApp } from '../helpers/app.ts';
import type { DatabaseTarget } from '../helpers/database.ts';
import { type Clock, startTestSecretariat, type TestSecretariat } from '../helpers/secretariat-fixture.ts';
import { createLiveHub } from '../../src/core/live-updates.ts';

const silent = createFederationLog('silent');

export type NodeUnderTest = TestApp &
  Readonly<{
    nodeId: string;
    url: string;
    identityDirectory: string;
    directory: DirectoryClient;
    /** GETs of the secretariat's directory this node made. */
    directoryFetches: () => number;
    runtime: () => FederationRuntime;
    /** Loads the identity again (after `keys activate`), as a restart does; the directory stays. */
    reloadIdentity: () => Promise<void>;
    worker: () => ReturnType<typeof createDeliveryWorker>;
  }>;

export type SecretariatFederation = Readonly<{
  secretariat: TestSecretariat;
  node: (nodeId: string) => NodeUnderTest;
  /** Publishes the register as a new directory (valid 7 days from the clock). */
  publish: () => Promise<void>;
  close: () => Promise<void>;
}>;

export type NodeSpec = Readonly<{ nodeId: string; state: string; authority: AuthorityKind }>;

export async function startSecretariatFederation(
  target: DatabaseTarget,
  clock: Clock,
  specs: readonly NodeSpec[],
): Promise<SecretariatFederation> {
  const secretariat = await startTestSecretariat(target, clock);
  const secretariatUrl = await secretariat.app.listen({ port: 0, host: '127.0.0.1' });
  const root = await mkdtemp(path.join(os.tmpdir(), 'comity-secretariat-federation-'));
  const nodes = new Map<string, NodeUnderTest>();
  const closers: (() => Promise<void>)[] = [];

  for (const spec of specs) {
    const config = loadConfig({
      COMITY_PORT: '0',
      COMITY_DATA_DIR: path.join(root, spec.nodeId),
      COMITY_LOG_LEVEL: 'silent',
      COMITY_DIRECTORY_REFRESH_SECONDS: '3600',
      COMITY_DELIVERY_TIMEOUT_MS: '3000',
      COMITY_DELIVERY_CONCURRENCY: '4',
    });
    const identityDirectory = config.federation.identityDirectory;
    await initNodeIdentity(
      identityDirectory,
      {
        ...spec,
        endpoint: 'http://127.0.0.1:9',
        secretariat: { url: secretariatUrl, publicJwks: [secretariat.identity.keys.signing.publicJwk] },
      },
      { now: clock.now, isForced: true },
    );
    const handle = await target.open();
    const base: AppContext = {
      config,
      db: handle.db,
      databaseKind: handle.kind,
      catalogue: loadCatalogue(),
      live: createLiveHub(),
      now: () => clock.now,
    };
    await bootstrapNode(base);
    let fetches = 0;
    const countingFetch: typeof fetch = (input, init) => {
      fetches += 1;
      return fetch(input, init);
    };
    const running = await startFederation(base, { log: silent, fetch: countingFetch });
    if (!running) throw new Error(`no federation for ${spec.nodeId}`);
    await running.directory.stop();
    let runtime = running.runtime;
    const context: AppContext = { ...base, federation: runtime };
    const app = await buildApp(context);
    await app.ready();
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    let worker = createDeliveryWorker(context, runtime, { random: () => 0.5 });
    const bundle = await readPublicKeyBundle(identityDirectory);
    await registerNode(secretariat.context, { ...spec, endpoint: url, keys: bundle.keys });
    const node: NodeUnderTest = {
      app,
      // The context the routes read: federation is swapped in place when the identity is reloaded.
      context,
      nodeId: spec.nodeId,
      url,
      identityDirectory,
      directory: running.directory,
      directoryFetches: () => fetches,
      runtime: () => runtime,
      reloadIdentity: async () => {
        const identity = await loadNodeIdentity(config);
        if (!identity) throw new Error('identity vanished');
        runtime = { ...runtime, identity };
        (context as { federation?: FederationRuntime }).federation = runtime;
        await worker.stop();
        worker = createDeliveryWorker(context, runtime, { random: () => 0.5 });
      },
      worker: () => worker,
      close: async () => {
        await worker.stop();
        await app.close();
        await running.stop();
        await handle.close();
      },
    };
    nodes.set(spec.nodeId, node);
    closers.push(node.close);
  }

  const publish = async (): Promise<void> => {
    await publishDirectory(secretariat.context);
  };
  await publish();
  for (const node of nodes.values()) await node.directory.refresh();

  return {
    secretariat,
    node: (nodeId) => {
      const node = nodes.get(nodeId);
      if (!node) throw new Error(`no node ${nodeId}`);
      return node;
    },
    publish,
    close: async () => {
      for (const close of closers) await close();
      await secretariat.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}
