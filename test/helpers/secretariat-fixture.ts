/**
 * A secretariat under test: a migrated database of the given target, an identity made with the
 * same code as `comity init --secretariat`, the app built in secretariat mode and a settable
 * clock. Also makes State nodes' identities and their `comity keys public` bundles.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config.ts';
import { loadCatalogue } from '../../src/data/catalogue/index.ts';
import type { NodeIdentity } from '../../src/federation/context.ts';
import {
  initNodeIdentity,
  loadNodeIdentity,
  readPublicKeyBundle,
} from '../../src/federation/identity/identity-store.ts';
import type { PublicKeyBundle } from '../../src/federation/identity/public-key-bundle.ts';
import type { AuthorityKind } from '../../src/federation/protocol/types.ts';
import { buildApp } from '../../src/http/app.ts';
import type { AppContext } from '../../src/app-context.ts';
import type { DatabaseHandle } from '../../src/storage/database.ts';
import type { DatabaseTarget } from './database.ts';
import { createLiveHub } from '../../src/core/live-updates.ts';

export type Clock = { now: Date };

export type TestSecretariat = Readonly<{
  app: Awaited<ReturnType<typeof buildApp>>;
  context: AppContext;
  identity: NodeIdentity;
  handle: DatabaseHandle;
  clock: Clock;
  root: string;
  close: () => Promise<void>;
}>;

/** A secretariat app (not listening; call app.listen for a real socket). */
export async function startTestSecretariat(target: DatabaseTarget, clock: Clock): Promise<TestSecretariat> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'comity-secretariat-'));
  const handle = await target.open();
  const config = loadConfig({
    COMITY_PORT: '0',
    COMITY_DATA_DIR: root,
    COMITY_LOG_LEVEL: 'silent',
    COMITY_MODE: 'secretariat',
  });
  await initNodeIdentity(
    config.federation.identityDirectory,
    {
      nodeId: 'secretariat',
      state: 'UN',
      authority: 'central-authority',
      endpoint: 'http://127.0.0.1:1',
      secretariat: null,
    },
    { now: clock.now },
  );
  const identity = await loadNodeIdentity(config);
  if (!identity) throw new Error('no secretariat identity');
  const context: AppContext = {
    config,
    db: handle.db,
    databaseKind: handle.kind,
    catalogue: loadCatalogue(),
    live: createLiveHub(),
    now: () => clock.now,
  };
  const app = await buildApp(context);
  await app.ready();
  return {
    app,
    context,
    identity,
    handle,
    clock,
    root,
    close: async () => {
      await app.close();
      await handle.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** A State node's identity in `root`, and the bundle its `comity keys public` prints. */
export async function createNodeBundle(
  root: string,
  node: Readonly<{ nodeId: string; state: string; authority: AuthorityKind }>,
): Promise<Readonly<{ directory: string; bundle: PublicKeyBundle }>> {
  const directory = path.join(root, node.nodeId, 'identity');
  await initNodeIdentity(
    directory,
    { ...node, endpoint: `https://${node.nodeId}.example`, secretariat: null },
    { now: new Date() },
  );
  return { directory, bundle: await readPublicKeyBundle(directory) };
}
