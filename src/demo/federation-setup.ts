/**
 * Sets up a small federation on this machine, the way operators of real nodes would: a secretariat
 * node and one node per State, each its own process, data directory (or PostgreSQL database) and
 * port. The ports come first (`portBase`, +1, ..., or free ones), so every node gets its identity
 * at its address before it ever starts (what `comity init` does; the nodes pin the secretariat's
 * key). What each operator would then do on the stopped node goes in its first-start file
 * (COMITY_FIRST_START_FILE, src/services/first-start.service.ts), which the node applies at its
 * first start: the accounts (`comity user add`: two administrators and the demo's people on each
 * State node) and, on the secretariat, every node's public entry (`comity keys public` → `comity
 * secretariat add-node`) before it publishes the signed directory (`comity secretariat publish`).
 * Every process then starts once, all in parallel; the nodes fetch the directory (again within
 * seconds if they ask before the secretariat serves it). Used by
 * `comity demo`, the process tests and the benchmarks.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { flushCompileCache, getCompileCacheDir } from 'node:module';
import { type AddressInfo, createServer, type Server } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import type { JWK } from 'jose';
import {
  initNodeIdentity,
  parseSecretariatKeys,
  readPublicKeyBundle,
} from '../federation/identity/identity-store.ts';
import type { PublicKeyBundle } from '../federation/identity/public-key-bundle.ts';
import type { AuthorityKind } from '../federation/protocol/types.ts';
import {
  type ApiClient,
  apiClient,
  type CreatedAccount,
  generateDemoPassword,
  createTokenFor,
  signIn,
} from './node-api.ts';
import { CLI_ENTRY, createNodeProcess, type NodeProcess, waitFor } from './node-process.ts';
import { startTemplateMaker, type TemplateMaker } from './template-maker.ts';

/**
 * The people each State node of the demo federation has: by their one role, and the magistrate,
 * a supervisor who also holds the role that approves intrusive measures.
 */
export type DemoRole =
  | 'officer'
  | 'duty-officer'
  | 'legal-reviewer'
  | 'supervisor'
  | 'evidence-custodian'
  | 'auditor'
  | 'magistrate';

/** One State's node in the federation. */
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
  /**
   * Shorthand: one node per State code and authority in `authorities` (default: the 24/7 point of
   * contact alone), with node ids `<state>-poc`, `<state>-ca` and `<state>-extradition`.
   */
  states?: readonly string[];
  /** The authorities each State of `states` runs a node for, in this order (default: point of contact). */
  authorities?: readonly AuthorityKind[];
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
  /** How long each process may take to become ready (default 180 s: they all start at once). */
  startTimeoutMs?: number;
  /**
   * Where users and peers reach a process (by name: `secretariat` or a node id) listening on `port`:
   * its endpoint in the directory and COMITY_PUBLIC_URL, e.g. a TLS reverse proxy; default the port itself.
   */
  publicUrlFor?: (name: string, port: number) => string;
  /** What the State nodes run instead of `comity serve` (see NodeProcessOptions.program); the secretariat runs `comity serve`. */
  program?: readonly string[];
  /** Node's own options for every process, the secretariat's too (see NodeProcessOptions.nodeArguments). */
  nodeArguments?: readonly string[];
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
   * instead of each running initdb; Node's compile cache for every process goes there too
   * (NODE_COMPILE_CACHE). Default: none (each node creates its own database).
   */
  templateDirectory?: string;
  /**
   * The hash a node stores for a password (src/services/password-hashing.ts). Given, the
   * first-start files hold the accounts' hashes rather than their passwords, made by this process
   * while the template database is made, and the nodes hash nothing as they start.
   */
  hashPassword?: (password: string) => Promise<string>;
  /**
   * The template maker already started in `templateDirectory` (`comity demo` starts it before it
   * loads the rest of itself); default: started here.
   */
  templateMaker?: TemplateMaker;
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
  /** The second administrator's password (`approver`), for a person trying the grant of a role. */
  approverPassword: string;
  /**
   * The demo accounts: `officer` drafts and submits, `supervisor` approves what leaves the node
   * (the two-person rule), `duty-officer` receives on the 24/7 desk, `legal-reviewer` decides on
   * refusals, `evidence-custodian` executes what a request received asks and keeps its evidence,
   * `auditor` reads the audit log and every case for an oversight body.
   */
  accounts: Readonly<Record<DemoRole, CreatedAccount>> | undefined;
  /** An API client acting as one of the demo accounts (with an API token, created once). */
  userClient: (role: DemoRole) => Promise<ApiClient>;
}>;

export type Federation = Readonly<{
  secretariat: NodeProcess;
  /**
   * The secretariat's auditor (with the demo's people): reads its audit log and the tree heads it
   * witnesses for every node (docs/operations.md, "Verifying the audit log").
   */
  secretariatAuditor: Readonly<{ username: string; password: string }> | undefined;
  nodes: readonly FederationNode[];
  /** A node by State code or node id; throws when there is none. */
  node: (stateOrNodeId: string) => FederationNode;
  /** Stops every process (nodes first, then the secretariat). */
  stop: () => Promise<void>;
}>;

const SECRETARIAT_ID = 'secretariat';
/** The secretariat's auditor's username. */
const SECRETARIAT_AUDITOR = 'un.auditor';
/** Each node's first-start file (COMITY_FIRST_START_FILE), in its data directory. */
const FIRST_START_FILE = 'first-start.json';
/** How long each process may take to start when `startTimeoutMs` does not say. */
const FEDERATION_START_TIMEOUT_MS = 180_000;

/** The end of a node id made from its State and authority (`fr-poc`, `de-ca`, `br-extradition`). */
const NODE_ID_SUFFIX: Readonly<Record<AuthorityKind, string>> = {
  'point-of-contact': 'poc',
  'central-authority': 'ca',
  'extradition-authority': 'extradition',
};

/**
 * The nodes the options describe: explicit nodes, else one per State and authority, authority by
 * authority (every State's first authority, then every State's second...), so that the first
 * authority's nodes keep their places (and ports) whatever others are added.
 */
export function nodeSpecsOf(
  options: Pick<FederationOptions, 'states' | 'nodes' | 'authorities'>,
): NodeSpec[] {
  if (options.nodes && options.nodes.length > 0) return [...options.nodes];
  const authorities = options.authorities ?? ['point-of-contact'];
  return authorities.flatMap((authority) =>
    (options.states ?? []).map((state) => ({
      nodeId: `${state.toLowerCase()}-${NODE_ID_SUFFIX[authority]}`,
      state: state.toUpperCase(),
      authority,
    })),
  );
}

export async function startFederation(options: FederationOptions): Promise<Federation> {
  const specs = nodeSpecsOf(options);
  if (specs.length === 0) throw new Error('a federation needs at least one node');
  const progress = options.onProgress ?? (() => {});
  const shouldKeepLogs = options.shouldKeepLogs ?? true;
  const shouldCreateUsers = options.shouldCreateUsers ?? true;
  mkdirSync(options.directory, { recursive: true });

  // 1. The ports first (`portBase`, +1, ..., or free ones), so that every identity names its address.
  let started = performance.now();
  const ports =
    options.portBase !== undefined
      ? specs.map((_, index) => options.portBase! + index + 1)
      : await freePorts(specs.length + 1);
  const secretariatPort = options.portBase ?? ports.pop()!;
  const prepare = async (name: string, mode: 'node' | 'secretariat', port: number): Promise<NodeProcess> => {
    const dataDirectory = path.join(options.directory, name);
    return createNodeProcess({
      name,
      mode,
      dataDirectory,
      port,
      // Every process starts at once, sharing the cores: twice a lone node's default wait.
      startTimeoutMs: options.startTimeoutMs ?? FEDERATION_START_TIMEOUT_MS,
      ...(options.databaseUrlFor ? { databaseUrl: await options.databaseUrlFor(name) } : {}),
      ...(options.publicUrlFor ? { publicUrlFor: (port: number) => options.publicUrlFor!(name, port) } : {}),
      env: {
        ...options.env,
        COMITY_FIRST_START_FILE: path.join(dataDirectory, FIRST_START_FILE),
        ...(options.templateDirectory && !options.databaseUrlFor
          ? { COMITY_CACHE_DIR: options.templateDirectory }
          : {}),
        // Node's own cache of compiled modules: the first process compiles the application, the
        // others (and the next demo) load it compiled, about half the CPU of loading it.
        ...(options.templateDirectory
          ? { NODE_COMPILE_CACHE: path.join(options.templateDirectory, 'node-compile-cache') }
          : {}),
      },
      ...(options.program && mode === 'node' ? { program: options.program } : {}),
      ...(options.nodeArguments ? { nodeArguments: options.nodeArguments } : {}),
      ...(shouldKeepLogs ? { logFile: path.join(options.directory, `${name}.log`) } : {}),
    });
  };

  const secretariat = await prepare(SECRETARIAT_ID, 'secretariat', secretariatPort);
  const processes = new Map<string, NodeProcess>();
  for (const [index, spec] of specs.entries()) {
    processes.set(spec.nodeId, await prepare(spec.nodeId, 'node', ports[index]!));
  }
  const stopAll = async () => {
    await Promise.all([...processes.values()].map((node) => node.stop()));
    await secretariat.stop();
  };

  try {
    // 2. Identities at those addresses, as `comity init` makes them (the secretariat first, so every
    // node pins its key), and each node's public entry, as `comity keys public` prints it.
    const secretariatEntry = await createIdentity(secretariat, {
      nodeId: SECRETARIAT_ID,
      state: 'UN',
      authority: 'central-authority',
      endpoint: secretariat.publicUrl,
      secretariat: null,
    });
    writeFileSync(path.join(options.directory, 'secretariat.public.json'), JSON.stringify(secretariatEntry));
    const pin = {
      url: secretariat.publicUrl,
      publicJwks: parseSecretariatKeys(JSON.stringify(secretariatEntry)),
    };
    const entries: PublicKeyBundle[] = [];
    for (const spec of specs) {
      const node = processes.get(spec.nodeId)!;
      const entry = await createIdentity(node, { ...spec, endpoint: node.publicUrl, secretariat: pin });
      writeFileSync(path.join(options.directory, `${spec.nodeId}.public.json`), JSON.stringify(entry));
      entries.push(entry);
    }

    // 3. What each operator would do on the stopped node before serving, in its first-start file
    // (COMITY_FIRST_START_FILE), which the node applies itself: its accounts (two administrators and
    // the demo's people on each State node) and, on the secretariat, every node's public entry to
    // register before it publishes the signed directory.
    const accounts = new Map<string, PlannedUser[]>();
    const planFirstStart = (node: NodeProcess, spec: NodeSpec | undefined) => {
      const users: PlannedUser[] = [
        // The roles a node's first administrator gets when it generates one (FIRST_ADMINISTRATOR_ROLES).
        {
          username: 'admin',
          displayName: 'Administrator',
          password: generateDemoPassword(),
          roles: ['administrator', 'supervisor', 'officer'],
        },
      ];
      if (spec) {
        users.push({
          username: APPROVER_USERNAME,
          displayName: 'Approver',
          password: generateDemoPassword(),
          roles: ['administrator'],
        });
        if (shouldCreateUsers) users.push(...demoUsersOf(spec));
      } else if (shouldCreateUsers) {
        users.push({
          username: SECRETARIAT_AUDITOR,
          displayName: 'Secretariat auditor',
          password: generateDemoPassword(),
          roles: ['auditor'],
        });
      }
      accounts.set(node.name, users);
      node.adminPassword = users[0]!.password;
      const register = spec
        ? undefined
        : {
            // The secretariat lists itself too: it is every node's witness by default, the node at
            // its address in the directory, which keeps each node's signed audit tree heads.
            entries: [secretariatEntry, ...entries],
            languages: ['en'],
            ...(options.acknowledgeWithinHours !== undefined
              ? { acknowledgeWithinHours: options.acknowledgeWithinHours }
              : {}),
          };
      return { node, users, register };
    };
    const plans = [
      planFirstStart(secretariat, undefined),
      ...specs.map((spec) => planFirstStart(processes.get(spec.nodeId)!, spec)),
    ];
    progress(
      `identities written for ports ${[secretariat, ...processes.values()].map((node) => node.port).join(', ')} in ${seconds(started)}`,
    );

    // 4. This process has loaded part of what a node loads (the federation's protocol, the core):
    // when it keeps Node's compile cache (bin/comity sets one, in the same cache directory as the
    // nodes'), it writes it now rather than at exit; step 5 compiles the rest on a first run.
    if (getCompileCacheDir() !== undefined) flushCompileCache();

    // 5. The template database, made once (rather than initdb in every process) in a process of
    // its own, as the nodes are (the harness reaches the storage through processes only); beside
    // it, the first-start files, with the passwords' hashes when this process makes them. While the
    // template is made (a first run), it is the step every node waits for: it keeps a core to
    // itself, and on the other one the hashes are made one at a time, then a process compiles the
    // modules a node loads into Node's cache (so that no node compiles them). Otherwise the hashes
    // take both cores.
    const templateDirectory = options.databaseUrlFor ? undefined : options.templateDirectory;
    const maker =
      templateDirectory === undefined
        ? undefined
        : options.templateMaker?.directory === templateDirectory
          ? options.templateMaker
          : startTemplateMaker(templateDirectory);
    const isMakingTemplate = maker !== undefined && (await maker.isMaking);
    const hash = oneAtATime(options.hashPassword, isMakingTemplate);
    const writeFirstStartFiles = async () => {
      const since = performance.now();
      await Promise.all(
        plans.map(async ({ node, users, register }) => {
          // Who a person is among the demo's people is the demo's own word, not the node's.
          const accounts = users.map(({ person: _person, ...user }) => user);
          const stored = hash
            ? await Promise.all(
                accounts.map(async ({ password, ...user }) => ({
                  ...user,
                  passwordHash: await hash(password),
                })),
              )
            : accounts;
          // It holds passwords, or their hashes: readable by this user only, as the node's other files are.
          const file = path.join(node.dataDirectory, FIRST_START_FILE);
          writeFileSync(file, JSON.stringify({ users: stored, register }), { mode: 0o600 });
        }),
      );
      progress(`first-start files written${hash ? ', passwords hashed,' : ''} in ${seconds(since)}`);
    };
    const makeTemplate = async () => {
      if (maker === undefined) return;
      await maker.done;
      progress(`template database ready in ${seconds(maker.startedAt)}`);
    };
    await Promise.all([
      makeTemplate(),
      isMakingTemplate && maker
        ? writeFirstStartFiles().then(() =>
            compileNodeModules(path.join(maker.directory, 'node-compile-cache')),
          )
        : writeFirstStartFiles(),
    ]);

    // 6. Every process starts once, all in parallel, with its identity, accounts and (the
    // secretariat) the published directory; a node that asks before the secretariat serves it
    // asks again within seconds.
    started = performance.now();
    const startReporting = async (node: NodeProcess) => {
      const since = performance.now();
      await node.start();
      progress(`${node.name} started on port ${node.port} in ${seconds(since)}`);
    };
    await settleAll([secretariat, ...processes.values()].map((node) => startReporting(node)));
    progress(`secretariat and ${specs.length} nodes healthy in ${seconds(started)}`);

    started = performance.now();
    const nodes = await Promise.all(
      specs.map((spec) => prepareNode(spec, processes.get(spec.nodeId)!, accounts.get(spec.nodeId)!)),
    );
    await Promise.all(nodes.map((node) => waitForDirectory(node, specs)));
    progress(`every node signed in and has the directory in ${seconds(started)}`);

    const auditor = accounts.get(SECRETARIAT_ID)?.find((user) => user.username === SECRETARIAT_AUDITOR);
    return {
      secretariat,
      secretariatAuditor: auditor ? { username: auditor.username, password: auditor.password } : undefined,
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

/** `hash`, made to run one call at a time when `isOneAtATime` (each waits for the one before). */
function oneAtATime(
  hash: ((password: string) => Promise<string>) | undefined,
  isOneAtATime: boolean,
): ((password: string) => Promise<string>) | undefined {
  if (hash === undefined || !isOneAtATime) return hash;
  let previous: Promise<unknown> = Promise.resolve();
  return (password) => {
    const next = previous.then(() => hash(password));
    previous = next.catch(() => undefined);
    return next;
  };
}

/**
 * Loads every module `comity serve` loads (its help: nothing starts) in a process whose compile
 * cache is the nodes': the cache then holds them compiled, and no node compiles them. A failure
 * only costs the nodes that work.
 */
async function compileNodeModules(compileCache: string): Promise<void> {
  await promisify(execFile)(process.execPath, [CLI_ENTRY, 'serve', '--help'], {
    env: { ...process.env, NODE_COMPILE_CACHE: compileCache },
  }).catch(() => undefined);
}

/**
 * `count` ports free on loopback now, all different (each held open until every one is found).
 * A node binds its port seconds later, once its identity names it: the ports are drawn below the
 * system's ephemeral range where it is known (Linux), so that the local end of an outgoing
 * connection (the kernel takes those from that range) cannot take one meanwhile; elsewhere, and
 * when no port below the range is free, the system chooses.
 */
async function freePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  const below = ephemeralRangeStart();
  try {
    for (let index = 0; index < count; index += 1) {
      servers.push(await listenBelow(below));
    }
    return servers.map((server) => (server.address() as AddressInfo).port);
  } finally {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  }
}

/** The first port of the kernel's ephemeral range, when it can be read and leaves room below it. */
function ephemeralRangeStart(): number | undefined {
  try {
    const first = Number(
      readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0],
    );
    return Number.isInteger(first) && first > LOWEST_CHOSEN_PORT + 1000 ? first : undefined;
  } catch {
    return undefined;
  }
}

const LOWEST_CHOSEN_PORT = 20_000;

/** A server listening on loopback: on a random free port below `below` when given, else on one the system chooses. */
async function listenBelow(below: number | undefined): Promise<Server> {
  const listen = (port: number) =>
    new Promise<Server>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve(server));
    });
  if (below !== undefined) {
    for (let attempt = 0; attempt < 50; attempt += 1) {
      const port = LOWEST_CHOSEN_PORT + Math.floor(Math.random() * (below - LOWEST_CHOSEN_PORT));
      const server = await listen(port).catch(() => undefined);
      if (server) return server;
    }
  }
  return listen(0);
}

/** `comity init` for a node that has not started yet, then its `comity keys public` entry. */
async function createIdentity(
  node: NodeProcess,
  input: Readonly<{
    nodeId: string;
    state: string;
    authority: AuthorityKind;
    endpoint: string;
    secretariat: { url: string; publicJwks: JWK[] } | null;
  }>,
): Promise<PublicKeyBundle> {
  const directory = path.join(node.dataDirectory, 'identity');
  await initNodeIdentity(directory, input, { now: new Date(), isForced: false });
  return readPublicKeyBundle(directory);
}

type PlannedUser = {
  username: string;
  displayName: string;
  password: string;
  roles: string[];
  /** Who the person is among the demo's people; their first role when not given. */
  person?: DemoRole;
};

/** The demo's people on a State node, with their passwords. */
function demoUsersOf(spec: NodeSpec): PlannedUser[] {
  const prefix = spec.state.toLowerCase();
  const user = (suffix: string, title: string, role: DemoRole): PlannedUser => ({
    username: `${prefix}.${suffix}`,
    displayName: `${spec.state} ${title}`,
    password: generateDemoPassword(),
    roles: [role],
  });
  return [
    user('officer', 'officer', 'officer'),
    user('duty', 'duty officer', 'duty-officer'),
    user('legal', 'legal reviewer', 'legal-reviewer'),
    user('supervisor', 'supervisor', 'supervisor'),
    user('custodian', 'evidence custodian', 'evidence-custodian'),
    // An oversight body's reader: the audit log, every case, nothing changed.
    user('auditor', 'auditor', 'auditor'),
    // An intrusive measure (extradition, interception, real-time collection) is approved by a
    // supervisor who also holds the role the State designates (COMITY_INTRUSIVE_APPROVER_ROLE,
    // by default the legal reviewer's), with the reference of the authorising decision.
    {
      ...user('magistrate', 'magistrate', 'supervisor'),
      roles: ['supervisor', 'legal-reviewer'],
      person: 'magistrate',
    },
  ];
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

// --- Users and readiness ---------------------------------------------------------------------------

/** The second administrator's username on every demo node. */
const APPROVER_USERNAME = 'approver';

/** Signs the node's administrators in; the demo's accounts were made before it started. */
async function prepareNode(
  spec: NodeSpec,
  node: NodeProcess,
  users: readonly PlannedUser[],
): Promise<FederationNode> {
  const passwordOf = (username: string): string => {
    const user = users.find((candidate) => candidate.username === username);
    if (!user) throw new Error(`${spec.nodeId} has no ${username} account`);
    return user.password;
  };
  const adminPassword = passwordOf('admin');
  const [admin, approver] = await Promise.all([
    signIn(node.url, 'admin', adminPassword).then((credentials) => apiClient(node.url, credentials)),
    signIn(node.url, APPROVER_USERNAME, passwordOf(APPROVER_USERNAME)).then((credentials) =>
      apiClient(node.url, credentials),
    ),
  ]);
  const roleAccounts = users.filter(
    (user) => user.username !== 'admin' && user.username !== APPROVER_USERNAME,
  );
  let accounts: Record<DemoRole, CreatedAccount> | undefined;
  if (roleAccounts.length > 0) {
    accounts = Object.fromEntries(
      roleAccounts.map((user) => [
        user.person ?? (user.roles[0] as DemoRole),
        {
          username: user.username,
          password: user.password,
          displayName: user.displayName,
          roles: user.roles as CreatedAccount['roles'],
        },
      ]),
    ) as Record<DemoRole, CreatedAccount>;
  }
  const clients = new Map<string, Promise<ApiClient>>();
  return {
    spec,
    process: node,
    url: node.url,
    admin,
    adminPassword,
    approver,
    approverPassword: passwordOf(APPROVER_USERNAME),
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
    { timeoutMs: 30_000, intervalMs: 50 },
  );
}
