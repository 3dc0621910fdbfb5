/**
 * Sets up a small federation on this machine, the way operators of real nodes would: a secretariat
 * node and one node per State, each its own process, data directory (or PostgreSQL database) and
 * port. Every node first starts once to take its port (any free one, or `portBase`, +1, ...) and
 * create its database and administrator; then it gets its identity with `comity init` at that
 * address (pinning the secretariat's key), the secretariat registers each node's public entry
 * (`comity keys public` → `comity secretariat add-node`) and publishes the signed directory
 * (`comity secretariat publish`) while it is stopped (its commands open its database), and every
 * process starts again on its port, now with its identity, and fetches the directory. Used by
 * `comity demo`, the process tests and the benchmark.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { AuthorityKind } from '../federation/protocol/types.ts';
import {
  type ApiClient,
  apiClient,
  type CreatedAccount,
  createAccount,
  generateDemoPassword,
  createTokenFor,
  signIn,
} from './node-api.ts';
import {
  createNodeProcess,
  type NodeProcess,
  PROJECT_ROOT,
  runComityOrThrow,
  waitFor,
} from './node-process.ts';

/** One State's node in the federation. */
/** The people each State node of the demo federation has, by role. */
export type DemoRole = 'officer' | 'duty-officer' | 'legal-reviewer' | 'supervisor';

export type NodeSpec = Readonly<{
  /** The node id, e.g. fr-poc (slug, 3 to 64 characters). */
  nodeId: string;
  /** ISO 3166-1 alpha-2 code. */
  state: string;
  authority: AuthorityKind;
}>;

export type FederationOptions = Readonly<{
  /** Where every node's data directory, published files and logs go. */
  directory: string;
  /** Shorthand: one 24/7 point-of-contact node per State code, with node id `<state>-poc`. */
  states?: readonly string[];
  /** The nodes, when more than `states` says is needed. */
  nodes?: readonly NodeSpec[];
  /**
   * A PostgreSQL database for a node (called once per node, and for the secretariat); without it,
   * every node runs on PGlite in its data directory.
   */
  databaseUrlFor?: (name: string) => Promise<string>;
  /** The secretariat listens on this port and the nodes on the next ones; default: any free ports. */
  portBase?: number;
  /** Extra environment for every node process (refresh interval, delivery settings...). */
  env?: Record<string, string | undefined>;
  /**
   * Where users and peers reach a process (by name: `secretariat` or a node id) listening on `port`:
   * its endpoint in the directory and COMITY_PUBLIC_URL, e.g. a TLS reverse proxy; default the port itself.
   */
  publicUrlFor?: (name: string, port: number) => string;
  /** What the State nodes run instead of `comity serve` (see NodeProcessOptions.program); the secretariat runs `comity serve`. */
  program?: readonly string[];
  /** The hours within which every State node declares it acknowledges urgent requests (default: none). */
  acknowledgeWithinHours?: number;
  /** Creates an officer, a duty officer and a legal reviewer on every node (default true). */
  shouldCreateUsers?: boolean;
  /** Writes each node's output to <directory>/<name>.log (default true). */
  shouldKeepLogs?: boolean;
  /** Called with a line of progress ("secretariat started in 2.1 s"), one per process as it starts. */
  onProgress?: (line: string) => void;
  /**
   * Without `databaseUrlFor`: a cache directory where this release's migrated template database is
   * made once (src/storage/pglite-template.ts) and from which every node creates its database,
   * instead of each running initdb. Default: none (each node creates its own).
   */
  templateDirectory?: string;
}>;

/** A running node of the federation, with an administrator session and its demo users. */
export type FederationNode = Readonly<{
  spec: NodeSpec;
  process: NodeProcess;
  url: string;
  /** The administrator, signed in through the API. */
  admin: ApiClient;
  adminPassword: string;
  /**
   * A second administrator (added by the node's operator on the command line) who approves the
   * grants of roles that read case content the first one asks for (separation of duties).
   */
  approver: ApiClient;
  /**
   * The demo accounts: `officer` drafts and submits, `supervisor` approves what leaves the node
   * (the two-person rule), `duty-officer` receives on the 24/7 desk, `legal-reviewer` decides on
   * refusals.
   */
  accounts: Readonly<Record<DemoRole, CreatedAccount>> | undefined;
  /** An API client acting as one of the demo accounts (with an API token, created once). */
  userClient: (role: DemoRole) => Promise<ApiClient>;
}>;

export type Federation = Readonly<{
  secretariat: NodeProcess;
  nodes: readonly FederationNode[];
  /** A node by State code or node id; throws when there is none. */
  node: (stateOrNodeId: string) => FederationNode;
  /** Stops every process (nodes first, then the secretariat). */
  stop: () => Promise<void>;
}>;

const SECRETARIAT_ID = 'secretariat';
/** Makes this release's template database in the directory it is given (src/storage/pglite-template.ts). */
const TEMPLATE_SCRIPT = path.join(PROJECT_ROOT, 'src', 'storage', 'pglite-template.ts');

/** The nodes the options describe: explicit nodes, else one point of contact per State. */
export function nodeSpecsOf(options: Pick<FederationOptions, 'states' | 'nodes'>): NodeSpec[] {
  if (options.nodes && options.nodes.length > 0) return [...options.nodes];
  return (options.states ?? []).map((state) => ({
    nodeId: `${state.toLowerCase()}-poc`,
    state: state.toUpperCase(),
    authority: 'point-of-contact' as const,
  }));
}

export async function startFederation(options: FederationOptions): Promise<Federation> {
  const specs = nodeSpecsOf(options);
  if (specs.length === 0) throw new Error('a federation needs at least one node');
  const progress = options.onProgress ?? (() => {});
  const shouldKeepLogs = options.shouldKeepLogs ?? true;
  mkdirSync(options.directory, { recursive: true });

  const prepare = async (name: string, mode: 'node' | 'secretariat', index: number): Promise<NodeProcess> =>
    createNodeProcess({
      name,
      mode,
      dataDirectory: path.join(options.directory, name),
      ...(options.portBase !== undefined ? { port: options.portBase + index } : {}),
      ...(options.databaseUrlFor ? { databaseUrl: await options.databaseUrlFor(name) } : {}),
      ...(options.publicUrlFor ? { publicUrlFor: (port: number) => options.publicUrlFor!(name, port) } : {}),
      env: {
        ...options.env,
        ...(options.templateDirectory && !options.databaseUrlFor
          ? { COMITY_CACHE_DIR: options.templateDirectory }
          : {}),
      },
      ...(options.program && mode === 'node' ? { program: options.program } : {}),
      ...(shouldKeepLogs ? { logFile: path.join(options.directory, `${name}.log`) } : {}),
    });

  const secretariat = await prepare(SECRETARIAT_ID, 'secretariat', 0);
  const processes = new Map<string, NodeProcess>();
  for (const [index, spec] of specs.entries()) {
    processes.set(spec.nodeId, await prepare(spec.nodeId, 'node', index + 1));
  }
  const stopAll = async () => {
    await Promise.all([...processes.values()].map((node) => node.stop()));
    await secretariat.stop();
  };

  try {
    // 1. Every process starts once: it takes its port, creates its database and administrator,
    // from the template when there is one (made here once, rather than initdb in every process).
    let started = performance.now();
    if (options.templateDirectory && !options.databaseUrlFor) {
      // A process of its own, as the nodes are: the harness reaches the storage through processes only.
      await promisify(execFile)(process.execPath, [TEMPLATE_SCRIPT, options.templateDirectory]);
      progress(`template database ready in ${seconds(started)}`);
    }
    const startReporting = async (node: NodeProcess, what: string) => {
      const since = performance.now();
      await node.start();
      progress(`${node.name} ${what} on port ${node.port} in ${seconds(since)}`);
    };
    await settleAll([secretariat, ...processes.values()].map((node) => startReporting(node, 'started')));
    progress(
      `secretariat and ${specs.length} nodes started (ports ${[secretariat, ...processes.values()].map((node) => node.port).join(', ')}) in ${seconds(started)}`,
    );

    // 2. Identities at those addresses: the secretariat first, so every node can pin its key.
    // `comity init` and `comity keys public` touch only the identity files: the nodes keep running.
    started = performance.now();
    await initSecretariat(secretariat);
    const secretariatKey = await exportPublicEntry(
      secretariat,
      path.join(options.directory, 'secretariat.public.json'),
    );
    const entries = await Promise.all(
      specs.map(async (spec) => {
        const node = processes.get(spec.nodeId)!;
        await initNode(node, spec, secretariat, secretariatKey);
        return exportPublicEntry(node, path.join(options.directory, `${spec.nodeId}.public.json`));
      }),
    );
    progress(`identities created with comity init in ${seconds(started)}`);

    // 3. The nodes restart with their identity (their first directory fetch may fail: they retry
    // every refresh interval) while the stopped secretariat registers them one command at a time,
    // publishes the signed directory and starts serving it again.
    started = performance.now();
    const approverPasswords = new Map<string, string>();
    const restart = async (node: NodeProcess, nodeId: string | undefined) => {
      await node.stop();
      if (nodeId !== undefined) approverPasswords.set(nodeId, await addApprover(node));
      await startReporting(node, 'restarted with its identity');
    };
    const secretariatReady = (async () => {
      await secretariat.stop();
      await addNodesToSecretariat(secretariat, entries, options.acknowledgeWithinHours);
      await publishDirectory(secretariat);
      progress(`${specs.length} nodes registered and the directory published in ${seconds(started)}`);
      await startReporting(secretariat, 'restarted with the directory');
    })();
    await settleAll([...[...processes].map(([nodeId, node]) => restart(node, nodeId)), secretariatReady]);
    progress(`secretariat and ${specs.length} nodes healthy in ${seconds(started)}`);

    started = performance.now();
    const nodes: FederationNode[] = [];
    for (const spec of specs) {
      nodes.push(
        await prepareNode(
          spec,
          processes.get(spec.nodeId)!,
          approverPasswords.get(spec.nodeId)!,
          options.shouldCreateUsers ?? true,
        ),
      );
    }
    await Promise.all(nodes.map((node) => waitForDirectory(node, specs)));
    progress(`every node has the directory and its users in ${seconds(started)}`);

    return {
      secretariat,
      nodes,
      node: (key) => {
        const found = nodes.find((node) => node.spec.nodeId === key || node.spec.state === key.toUpperCase());
        if (!found) throw new Error(`no node for ${key} in this federation`);
        return found;
      },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** Waits for every start to end (none left running unawaited), then throws the first failure. */
async function settleAll(starts: readonly Promise<void>[]): Promise<void> {
  const results = await Promise.allSettled(starts);
  const failure = results.find((result) => result.status === 'rejected');
  if (failure) throw failure.reason;
}

function seconds(since: number): string {
  return `${((performance.now() - since) / 1000).toFixed(1)} s`;
}

// --- The operator commands, as an operator runs them ---------------------------------------------

async function initSecretariat(secretariat: NodeProcess): Promise<void> {
  await runComityOrThrow(
    [
      'init',
      '--node-id',
      SECRETARIAT_ID,
      '--state',
      'UN',
      '--endpoint',
      secretariat.publicUrl,
      '--secretariat',
    ],
    { env: secretariat.env },
  );
}

async function initNode(
  node: NodeProcess,
  spec: NodeSpec,
  secretariat: NodeProcess,
  secretariatKeyFile: string,
): Promise<void> {
  await runComityOrThrow(
    [
      'init',
      '--node-id',
      spec.nodeId,
      '--state',
      spec.state,
      '--authority',
      spec.authority,
      '--endpoint',
      node.publicUrl,
      '--secretariat-url',
      secretariat.publicUrl,
      '--secretariat-key',
      secretariatKeyFile,
    ],
    { env: node.env },
  );
}

/** `comity keys public` of a node, written to `file` (what an operator sends to the secretariat). */
async function exportPublicEntry(node: NodeProcess, file: string): Promise<string> {
  const { stdout } = await runComityOrThrow(['keys', 'public'], { env: node.env });
  writeFileSync(file, stdout);
  return file;
}

/** One `comity secretariat add-node` for every node's keys file: the secretariat's database opens once. */
async function addNodesToSecretariat(
  secretariat: NodeProcess,
  entryFiles: readonly string[],
  acknowledgeWithinHours: number | undefined,
): Promise<void> {
  const serviceLevel =
    acknowledgeWithinHours === undefined ? [] : ['--ack-hours', String(acknowledgeWithinHours)];
  await runComityOrThrow(['secretariat', 'add-node', ...entryFiles, '--languages', 'en', ...serviceLevel], {
    env: secretariat.env,
  });
}

async function publishDirectory(secretariat: NodeProcess): Promise<void> {
  await runComityOrThrow(['secretariat', 'publish'], { env: secretariat.env });
}

// --- Users and readiness ---------------------------------------------------------------------------

/** The second administrator's username on every demo node. */
const APPROVER_USERNAME = 'approver';

/**
 * `comity user add approver --role administrator` on a stopped node: the node's operator adds a
 * second administrator, who approves the first one's grants. Returns its password.
 */
async function addApprover(node: NodeProcess): Promise<string> {
  const password = generateDemoPassword();
  await runComityOrThrow(
    [
      'user',
      'add',
      APPROVER_USERNAME,
      '--role',
      'administrator',
      '--display-name',
      'Approver',
      '--password-stdin',
    ],
    { env: node.env, input: `${password}\n` },
  );
  return password;
}

async function prepareNode(
  spec: NodeSpec,
  node: NodeProcess,
  approverPassword: string,
  shouldCreateUsers: boolean,
): Promise<FederationNode> {
  const adminPassword = node.adminPassword;
  if (!adminPassword) throw new Error(`${spec.nodeId} printed no administrator password at its first start`);
  const admin = apiClient(node.url, await signIn(node.url, 'admin', adminPassword));
  const approver = apiClient(node.url, await signIn(node.url, APPROVER_USERNAME, approverPassword));
  let accounts: Record<DemoRole, CreatedAccount> | undefined;
  if (shouldCreateUsers) {
    const prefix = spec.state.toLowerCase();
    accounts = {
      officer: await createAccount(
        { admin, approver },
        {
          username: `${prefix}.officer`,
          displayName: `${spec.state} officer`,
          roles: ['officer'],
        },
      ),
      'duty-officer': await createAccount(
        { admin, approver },
        {
          username: `${prefix}.duty`,
          displayName: `${spec.state} duty officer`,
          roles: ['duty-officer'],
        },
      ),
      'legal-reviewer': await createAccount(
        { admin, approver },
        {
          username: `${prefix}.legal`,
          displayName: `${spec.state} legal reviewer`,
          roles: ['legal-reviewer'],
        },
      ),
      supervisor: await createAccount(
        { admin, approver },
        {
          username: `${prefix}.supervisor`,
          displayName: `${spec.state} supervisor`,
          roles: ['supervisor'],
        },
      ),
    };
  }
  const clients = new Map<string, Promise<ApiClient>>();
  return {
    spec,
    process: node,
    url: node.url,
    admin,
    adminPassword,
    approver,
    accounts,
    userClient: (role) => {
      const account = accounts?.[role];
      if (!account) return Promise.reject(new Error(`${spec.nodeId} has no ${role} account`));
      let client = clients.get(role);
      if (!client) {
        client = createTokenFor(node.url, account.username, account.password).then((credentials) =>
          apiClient(node.url, credentials),
        );
        clients.set(role, client);
      }
      return client;
    },
  };
}

/** Waits until the node lists every other node of the federation as a peer (it has the directory). */
async function waitForDirectory(node: FederationNode, specs: readonly NodeSpec[]): Promise<void> {
  const others = specs.filter((spec) => spec.nodeId !== node.spec.nodeId).map((spec) => spec.nodeId);
  await waitFor(
    `${node.spec.nodeId} to fetch the directory listing ${others.join(', ')}`,
    async () => {
      const { data: report } = await node.admin.api.GET('/api/v1/peers').catch(() => ({ data: undefined }));
      if (!report) return undefined;
      const known = new Set(report.items.map((item) => item.nodeId));
      return others.every((other) => known.has(other)) ? true : undefined;
    },
    { timeoutMs: 30_000, intervalMs: 200 },
  );
}
