/**
 * Starts federation on a node that has an identity (`comity init`): loads the identity and keys,
 * starts the directory client, and lets background workers (the delivery worker) plug in, so that
 * `runtime.wakeDelivery()` reaches them. Returns undefined on a node without identity: it serves
 * its UI and API, and its federation routes answer 503 until `comity init` has run.
 */
import { counted } from '../core/counted.ts';
import type { AppContext } from '../app-context.ts';
import type { FederationRuntime } from './context.ts';
import { createDirectoryClient, type DirectoryClient } from './directory/directory-client.ts';
import { createFederationLog, type FederationLog } from './federation-log.ts';
import { loadNodeIdentity } from './identity/identity-store.ts';
import { makePendingMessagesDue, notifyOutboxWorkers } from '../storage/outbox.repository.ts';
import { DEFAULT_MESSAGE_REGISTRY, type MessageRegistry } from './messages/registry.ts';

/** A background worker started with the runtime: woken after outbox commits, stopped at shut-down. */
export type FederationWorker = Readonly<{
  wake?: () => void;
  offerHandOff?: FederationRuntime['offerHandOff'];
  stop: () => Promise<void>;
}>;

export type StartFederationOptions = Readonly<{
  /** Starts the workers (e.g. the delivery worker) once the runtime exists; the context carries it. */
  startWorkers?: (
    context: AppContext & { federation: FederationRuntime },
    runtime: FederationRuntime,
  ) => FederationWorker | Promise<FederationWorker>;
  /** Replaces the global fetch of the directory client (tests). */
  fetch?: typeof globalThis.fetch;
  log?: FederationLog;
  /** The message types the node speaks; default: those Comity ships (a test may add one). */
  messages?: MessageRegistry;
  /** On a secretariat: renews its own directory when due (see DirectoryClientOptions). */
  renewOwnDirectory?: () => Promise<Readonly<{ serial: number }> | undefined>;
}>;

export type RunningFederation = Readonly<{
  runtime: FederationRuntime;
  /** The directory client behind runtime.directory (refresh outcome, current document). */
  directory: DirectoryClient;
  /** Adds a listener to runtime.wakeDelivery(); returns a function that removes it. */
  onWake: (listener: () => void) => () => void;
  /** Stops the workers, then the directory refresh. */
  stop: () => Promise<void>;
}>;

export async function startFederation(
  context: AppContext,
  options: StartFederationOptions = {},
): Promise<RunningFederation | undefined> {
  const log = options.log ?? createFederationLog(context.config.logLevel);
  const identity = await loadNodeIdentity(context.config);
  if (!identity) {
    log.info('no federation identity: run comity init to exchange requests with other nodes');
    return undefined;
  }
  const directory = createDirectoryClient({
    context,
    identity,
    log,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.renewOwnDirectory ? { renewOwnDirectory: options.renewOwnDirectory } : {}),
    // Messages held back while the directory was expired leave as soon as it is usable again.
    onUsableAgain: async () => {
      const count = await makePendingMessagesDue(context.db, context.now());
      if (count > 0)
        log.info(`directory usable again: ${counted(count, 'waiting message')} due now`, { count });
      wakeDelivery();
      await notifyOutboxWorkers(context.db, context.databaseKind);
    },
  });

  // Declared before the directory starts: its first refresh may already end an expiry.
  const listeners = new Set<() => void>();
  const onWake = (listener: () => void): (() => void) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  };
  const wakeDelivery = (): void => {
    for (const listener of listeners) listener();
  };
  await directory.start();
  let worker: FederationWorker | undefined;
  const runtime: FederationRuntime = {
    identity,
    directory,
    messages: options.messages ?? DEFAULT_MESSAGE_REGISTRY,
    wakeDelivery,
    offerHandOff: async (peerNodeId) => worker?.offerHandOff?.(peerNodeId),
    allowsPlainHttpPeers: context.config.federation.allowsPlainHttpPeers,
  };

  try {
    worker = options.startWorkers
      ? await options.startWorkers({ ...context, federation: runtime }, runtime)
      : undefined;
  } catch (error) {
    await directory.stop();
    throw error;
  }
  if (worker?.wake) onWake(worker.wake);
  log.info(`federation started as node ${identity.nodeId} (${context.config.federation.mode})`, {
    nodeId: identity.nodeId,
    directorySerial: directory.describe()?.serial,
  });

  return {
    runtime,
    directory,
    onWake,
    stop: async () => {
      listeners.clear();
      await worker?.stop();
      await directory.stop();
    },
  };
}
