/**
 * Two (or more) federated nodes in one test process: each its own database, identity (fresh keys)
 * and app; a static in-memory directory listing them (endpoints can be changed to simulate an
 * outage, nodes hidden from one node's view to simulate "unknown sender"); one clock that the test
 * advances. Receivers listen on a loopback port so the sender's worker posts over real HTTP.
 */
import assert from 'node:assert/strict';
import { loadConfig } from '../../src/config.ts';
import { loadCatalogue } from '../../src/data/catalogue/index.ts';
import type { DirectoryLookup, FederationRuntime, NodeIdentity } from '../../src/federation/context.ts';
import { DEFAULT_MESSAGE_REGISTRY, type MessageRegistry } from '../../src/federation/messages/registry.ts';
import { generateNodeKeys } from '../../src/federation/protocol/keys.ts';
import type {
  AuthorityKind,
  DirectoryKey,
  DirectoryNode,
  NodeAccepts,
  NodeKeys,
} from '../../src/federation/protocol/types.ts';
import { buildApp } from '../../src/http/app.ts';
import type { AppContext } from '../../src/app-context.ts';
import { bootstrapNode } from '../../src/services/bootstrap.service.ts';
import { json, type TestApp } from '../helpers/app.ts';
import { submitAndApprove } from '../helpers/approval.ts';
import { asRole } from '../helpers/auth.ts';
import { STEPS_TO_EXECUTION } from '../../src/demo/federation-api.ts';
import type { DatabaseTarget } from '../helpers/database.ts';
import { createLiveHub } from '../../src/core/live-updates.ts';
import { createDeliveryWorker, type DeliveryWorker } from '../../src/federation/delivery/delivery-worker.ts';
import { announcedAccepts } from '../../src/federation/messages/registry.ts';
import type { RequestContent } from '../../src/core/request/draft.ts';
import { createNodeMetrics } from '../../src/services/metrics.service.ts';

export const KEY_WINDOW = {
  notBefore: '2020-01-01T00:00:00.000Z',
  notAfter: '2100-01-01T00:00:00.000Z',
} as const;

export type TestClock = { now: () => Date; advance: (ms: number) => void };

export function createClock(start = Date.now()): TestClock {
  let nowMs = start;
  return {
    now: () => new Date(nowMs),
    advance: (ms) => {
      nowMs += ms;
    },
  };
}

export type NodePlan = Readonly<{
  nodeId: string;
  state: string;
  authority: AuthorityKind;
  keys: NodeKeys;
  /** Validity of the signing key in the directory (default: 2020 to 2100). */
  signingWindow?: Readonly<{ notBefore: string; notAfter: string }>;
  /** What the node announces it reads in the directory (default: not announced, the v1 baseline). */
  accepts?: NodeAccepts;
  /** The service level the node declares in the directory (default: none). */
  serviceLevel?: DirectoryNode['serviceLevel'];
}>;

export async function planNode(
  nodeId: string,
  state: string,
  authority: AuthorityKind = 'point-of-contact',
  signingWindow?: NodePlan['signingWindow'],
): Promise<NodePlan> {
  return {
    nodeId,
    state,
    authority,
    keys: await generateNodeKeys(),
    ...(signingWindow ? { signingWindow } : {}),
  };
}

export function directoryNodeOf(plan: NodePlan, endpoint: string): DirectoryNode {
  const keys: DirectoryKey[] = [
    {
      kid: plan.keys.signing.kid,
      use: 'sig',
      jwk: plan.keys.signing.publicJwk,
      ...(plan.signingWindow ?? KEY_WINDOW),
    },
    { kid: plan.keys.encryption.kid, use: 'enc', jwk: plan.keys.encryption.publicJwk, ...KEY_WINDOW },
  ];
  return {
    nodeId: plan.nodeId,
    state: plan.state,
    authority: plan.authority,
    endpoint,
    keys,
    acceptedLanguages: ['en'],
    serviceLevel: plan.serviceLevel ?? {},
    ...(plan.accepts ? { accepts: plan.accepts } : {}),
  };
}

/** The directory every test node reads, with a per-node list of nodes it pretends not to know. */
export type StaticDirectory = Readonly<{
  setEndpoint: (nodeId: string, endpoint: string) => void;
  /** The lookup node `viewer` uses; nodes in `hiddenFrom(viewer)` are unknown to it. */
  lookupFor: (viewer: string) => DirectoryLookup;
  hiddenFrom: (viewer: string) => Set<string>;
}>;

export function createStaticDirectory(plans: readonly NodePlan[], now: () => Date): StaticDirectory {
  const nodes = new Map(plans.map((plan) => [plan.nodeId, directoryNodeOf(plan, 'http://127.0.0.1:9')]));
  const hidden = new Map<string, Set<string>>();
  const hiddenFrom = (viewer: string): Set<string> => {
    let set = hidden.get(viewer);
    if (!set) {
      set = new Set();
      hidden.set(viewer, set);
    }
    return set;
  };
  const issuedAt = now().toISOString();
  return {
    setEndpoint: (nodeId, endpoint) => {
      const node = nodes.get(nodeId);
      if (node) nodes.set(nodeId, { ...node, endpoint });
    },
    hiddenFrom,
    lookupFor: (viewer) => {
      const visible = () => [...nodes.values()].filter((node) => !hiddenFrom(viewer).has(node.nodeId));
      const findNode = (nodeId: string) => visible().find((node) => node.nodeId === nodeId);
      return {
        findNode,
        findNodeFor: (state, authority) =>
          visible().find((node) => node.state === state && node.authority === authority),
        findKey: (nodeId, kid) => findNode(nodeId)?.keys.find((key) => key.kid === kid),
        listNodes: visible,
        describe: () => ({ serial: 1, issuedAt, expiresAt: '2100-01-01T00:00:00.000Z', fetchedAt: issuedAt }),
        expiredSince: () => undefined,
        refresh: async () => undefined,
      };
    },
  };
}

export type FederatedNode = TestApp & Readonly<{ plan: NodePlan; runtime: FederationRuntime | undefined }>;

/** A node app on a fresh database of `target`, with federation when `plan` is given. */
export async function startFederatedNode(
  target: DatabaseTarget,
  options: Readonly<{
    plan?: NodePlan;
    directory?: StaticDirectory;
    clock: TestClock;
    wake?: () => void;
    /** What the runtime's offerHandOff asks (a running worker's, in the hand-off tests); none by default. */
    offerHandOff?: FederationRuntime['offerHandOff'];
    /** The message types the node speaks (default: Comity's). */
    messages?: MessageRegistry;
    /** Settings beside the fixture's own (e.g. COMITY_PRESERVATION_REMINDER_DAYS). */
    environment?: Readonly<Record<string, string>>;
  }>,
): Promise<FederatedNode> {
  const handle = await target.open();
  const config = loadConfig({
    COMITY_PORT: '0',
    COMITY_DATA_DIR: '/tmp/comity-test-unused',
    COMITY_LOG_LEVEL: 'silent',
    COMITY_FEDERATION_MAX_MESSAGE_BYTES: String(64 * 1024),
    COMITY_DELIVERY_TIMEOUT_MS: '3000',
    COMITY_DELIVERY_CONCURRENCY: '4',
    ...options.environment,
  });
  const { plan, directory } = options;
  const identity: NodeIdentity | undefined = plan
    ? {
        nodeId: plan.nodeId,
        state: plan.state,
        authority: plan.authority,
        endpoint: 'http://127.0.0.1:9',
        keys: plan.keys,
        secretariat: undefined,
      }
    : undefined;
  const runtime: FederationRuntime | undefined =
    identity && directory
      ? {
          identity,
          directory: directory.lookupFor(identity.nodeId),
          messages: options.messages ?? DEFAULT_MESSAGE_REGISTRY,
          wakeDelivery: options.wake ?? (() => undefined),
          offerHandOff: options.offerHandOff ?? (async () => undefined),
          allowsPlainHttpPeers: config.federation.allowsPlainHttpPeers,
        }
      : undefined;
  const context: AppContext = {
    config,
    db: handle.db,
    databaseKind: handle.kind,
    catalogue: loadCatalogue(),
    live: createLiveHub(),
    metrics: createNodeMetrics({ db: handle.db, now: options.clock.now }),
    now: options.clock.now,
    ...(runtime ? { federation: runtime } : {}),
  };
  await bootstrapNode(context);
  const app = await buildApp(context);
  await app.ready();
  return {
    app,
    context,
    plan: plan as NodePlan,
    runtime,
    close: async () => {
      await app.close();
      await handle.close();
    },
  };
}

/** Two federated nodes that speak every built-in message type, listening on loopback, with their delivery workers. */
export type NodePair = Readonly<{
  clock: TestClock;
  requesting: FederatedNode;
  requested: FederatedNode;
  /** Base URLs (http://127.0.0.1:port) of each node. */
  requestingUrl: string;
  requestedUrl: string;
  requestingWorker: DeliveryWorker;
  requestedWorker: DeliveryWorker;
  /** The directory both nodes read (a test may move a node's endpoint). */
  directory: StaticDirectory;
  /**
   * Drafts `content` at the requesting node as `author`, sends it and delivers it; answers the
   * request's id on each node (the requested node's read by `reader`, who may read incoming requests).
   */
  deliverRequest: (
    author: Readonly<{ headers: Record<string, string> }>,
    reader: Readonly<{ headers: Record<string, string> }>,
    content: RequestContent,
  ) => Promise<Readonly<{ requestingId: string; requestedId: string }>>;
  /**
   * Brings the case of a request received at the requested node to execution, as its people do
   * (acknowledged and assessed by a duty officer, accepted by a legal reviewer, execution begun),
   * and delivers those steps: evidence answers only a request in execution.
   */
  bringToExecution: (requestedId: string) => Promise<void>;
  close: () => Promise<void>;
}>;

/** Starts a pair of nodes (e.g. FR requesting, DE requested) on fresh databases of `target`. */
export async function startNodePair(
  target: DatabaseTarget,
  nodes: Readonly<{
    requesting: [nodeId: string, state: string];
    requested: [nodeId: string, state: string];
    /** What the requested node declares in the directory (e.g. acknowledge within 1 hour). */
    requestedServiceLevel?: DirectoryNode['serviceLevel'];
    /** The requested node's authority (default: the 24/7 point of contact). */
    requestedAuthority?: AuthorityKind;
    /** Settings of both nodes beside the fixture's own. */
    environment?: Readonly<Record<string, string>>;
    /** Settings of one node only (e.g. each its own COMITY_DATA_DIR). */
    requestingEnvironment?: Readonly<Record<string, string>>;
    requestedEnvironment?: Readonly<Record<string, string>>;
  }>,
  clock: TestClock = createClock(),
): Promise<NodePair> {
  const accepts = announcedAccepts();
  const requestingPlan = { ...(await planNode(...nodes.requesting)), accepts };
  const requestedPlan = {
    ...(await planNode(...nodes.requested, nodes.requestedAuthority)),
    accepts,
    ...(nodes.requestedServiceLevel ? { serviceLevel: nodes.requestedServiceLevel } : {}),
  };
  const directory = createStaticDirectory([requestingPlan, requestedPlan], clock.now);
  const environment = nodes.environment ?? {};
  const requesting = await startFederatedNode(target, {
    plan: requestingPlan,
    directory,
    clock,
    environment: { ...environment, ...nodes.requestingEnvironment },
  });
  const requested = await startFederatedNode(target, {
    plan: requestedPlan,
    directory,
    clock,
    environment: { ...environment, ...nodes.requestedEnvironment },
  });
  const requestingUrl = await requesting.app.listen({ port: 0, host: '127.0.0.1' });
  const requestedUrl = await requested.app.listen({ port: 0, host: '127.0.0.1' });
  directory.setEndpoint(requestingPlan.nodeId, requestingUrl);
  directory.setEndpoint(requestedPlan.nodeId, requestedUrl);
  const requestingWorker = createDeliveryWorker(requesting.context, requesting.runtime!);
  const requestedWorker = createDeliveryWorker(requested.context, requested.runtime!);
  const deliverRequest: NodePair['deliverRequest'] = async (author, reader, content) => {
    const drafted = await requesting.app.inject({
      method: 'POST',
      url: '/api/v1/requests',
      headers: author.headers,
      payload: content,
    });
    if (drafted.statusCode !== 201) throw new Error(`draft refused: ${drafted.statusCode} ${drafted.body}`);
    const requestingId = (JSON.parse(drafted.body) as { request: { id: string } }).request.id;
    // The two-person rule: the author submits, the node's supervisor approves (which sends).
    const sent = await submitAndApprove(requesting, requestingId, author);
    if (sent.statusCode !== 202) throw new Error(`send refused: ${sent.statusCode} ${sent.body}`);
    await requestingWorker.runOnce();
    const listed = await requested.app.inject({
      method: 'GET',
      url: '/api/v1/requests?direction=incoming',
      headers: reader.headers,
    });
    const items =
      (JSON.parse(listed.body) as { items?: { id: string; remoteRequestId: string }[] }).items ?? [];
    const requestedId = items.find((item) => item.remoteRequestId === requestingId)?.id;
    if (!requestedId) throw new Error(`request ${requestingId} did not arrive: ${listed.body}`);
    return { requestingId, requestedId };
  };
  const bringToExecution: NodePair['bringToExecution'] = async (requestedId) => {
    const duty = await asRole(requested, 'duty-officer');
    const reviewer = await asRole(requested, 'legal-reviewer');
    for (const [who, name] of STEPS_TO_EXECUTION) {
      const made = await requested.app.inject({
        method: 'POST',
        url: `/api/v1/requests/${requestedId}/transitions`,
        headers: (who === 'reviewer' ? reviewer : duty).headers,
        payload: { name, payload: {} },
      });
      if (made.statusCode !== 200) throw new Error(`${name} refused: ${made.statusCode} ${made.body}`);
    }
    while ((await requestedWorker.runOnce()).delivered > 0) {
      // every step delivered to the requesting node before the test goes on
    }
  };
  return {
    deliverRequest,
    bringToExecution,
    clock,
    requesting,
    requested,
    requestingUrl,
    requestedUrl,
    requestingWorker,
    requestedWorker,
    directory,
    close: async () => {
      await requestingWorker.stop();
      await requestedWorker.stop();
      await requesting.close();
      await requested.close();
    },
  };
}

/** GET /api/v1/requests/{id}/history on `node` as `as`: the case as that node's reader sees it. */
export async function readCaseView<View>(
  node: TestApp,
  as: Readonly<{ headers: Record<string, string> }>,
  id: string,
): Promise<View> {
  const response = await node.app.inject({
    method: 'GET',
    url: `/api/v1/requests/${id}/history`,
    headers: as.headers,
  });
  assert.equal(response.statusCode, 200, response.body);
  return json<{ case: View }>(response).case;
}

/** POST /api/v1/requests/{id}/transitions on `node` as `as`; asserts it was made (200). */
export async function makeTransition(
  node: TestApp,
  as: Readonly<{ headers: Record<string, string> }>,
  id: string,
  name: string,
  payload: object,
): Promise<void> {
  const made = await node.app.inject({
    method: 'POST',
    url: `/api/v1/requests/${id}/transitions`,
    headers: as.headers,
    payload: { name, payload },
  });
  assert.equal(made.statusCode, 200, made.body);
}

export { closedPort } from '../helpers/closed-port.ts';
