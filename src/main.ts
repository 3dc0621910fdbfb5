/**
 * Composition root of a node: configuration, database, migrations, reference data, HTTP.
 * `comity serve` (and `npm start`) call `startNode`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import v8 from 'node:v8';
import vm from 'node:vm';
import { type Config, loadConfig } from './config.ts';
import { isRole, ROLES } from './core/roles.ts';
import { startDeliveryWorker } from './federation/delivery/delivery-worker.ts';
import { createFederationLog } from './federation/federation-log.ts';
import type { MessageRegistry } from './federation/messages/registry.ts';
import { startFederation } from './federation/runtime.ts';
import { requestRedeliveryIfRestored } from './services/restored-resync.service.ts';
import { buildApp } from './http/app.ts';
import type { AppContext } from './app-context.ts';
import { openNodeContext } from './node-context.ts';
import { startAlertTimers } from './services/alert-timers.service.ts';
import { startAlertDeliveryWorker } from './services/alert-delivery.service.ts';
import { startEvidenceTransferWorker } from './services/evidence-transfer.service.ts';
import { closeAuditLog, reportAuditFoldErrors, startAuditTreeHeadSigner } from './services/audit.service.ts';
import { bootstrapNode, type BootstrapReport } from './services/bootstrap.service.ts';
import {
  type DatabaseMaintenance,
  startDatabaseMaintenance,
} from './services/database-maintenance.service.ts';
import { createNodeMetrics } from './services/metrics.service.ts';
import { runAtQuietMoment } from './services/quiet-moment.ts';
import { renewDirectoryIfDue } from './services/secretariat.service.ts';

export type RunningNode = Readonly<{
  url: string;
  /** The port it listens on (the one the system chose when COMITY_PORT is 0). */
  port: number;
  /** The port of the metrics listener (COMITY_METRICS_ADDRESS), if any. */
  metricsPort: number | undefined;
  context: AppContext;
  bootstrap: BootstrapReport;
  stop: () => Promise<void>;
}>;

export type StartNodeOptions = Readonly<{
  logger?: boolean;
  /** The message types the node speaks; default: those Comity ships (a program embedding a node may add one). */
  messages?: MessageRegistry;
}>;

export async function startNode(
  config: Config = loadConfig(),
  options: StartNodeOptions = {},
): Promise<RunningNode> {
  if (!isRole(config.approval.intrusiveApproverRole)) {
    throw new Error(
      `COMITY_INTRUSIVE_APPROVER_ROLE: ${config.approval.intrusiveApproverRole} is not a role (${ROLES.join(', ')})`,
    );
  }
  const opened = await openNodeContext(config, { shouldWaitForDatabase: true });
  const { database } = opened;
  if (opened.madePrivate > 0) {
    createFederationLog(config.logLevel, undefined, 'database').info(
      'data directory made private to the node user',
      { entries: opened.madePrivate },
    );
  }
  const baseContext: AppContext = { ...opened.context, metrics: createNodeMetrics(opened.context) };
  let federation: Awaited<ReturnType<typeof startFederation>>;
  let metricsListener: Server | undefined;
  let alertDelivery: ReturnType<typeof startAlertDeliveryWorker> | undefined;
  try {
    const bootstrap = await bootstrapNode(baseContext);
    // Undefined until `comity init` has given the node an identity.
    federation = await startFederation(baseContext, {
      startWorkers: (federationContext, runtime) => startDeliveryWorker(federationContext, runtime),
      ...(options.messages ? { messages: options.messages } : {}),
      ...(config.federation.mode === 'secretariat'
        ? { renewOwnDirectory: () => renewDirectoryIfDue(baseContext) }
        : {}),
    });
    const context: AppContext = federation ? { ...baseContext, federation: federation.runtime } : baseContext;
    // Restored from a backup: ask each peer for what was received after it (before serving).
    const resync = await requestRedeliveryIfRestored(context);
    if (resync) {
      createFederationLog(config.logLevel, undefined, 'restore').info(
        'restored from a backup: asked the peers to deliver again what arrived since',
        { asked: resync.asked, skipped: resync.skipped },
      );
    }
    // E-mails and webhook calls of alerts, retried until delivered or given up (and listed).
    alertDelivery = startAlertDeliveryWorker(context);
    const app = await buildApp(context, { logger: options.logger ?? false });
    const address = await app.listen({ port: config.http.port, host: config.http.host });
    const port = Number(new URL(address).port);
    const url = config.http.port === 0 ? `http://localhost:${port}` : config.http.publicUrl;
    if (config.metrics.address) metricsListener = await listenForMetrics(context, config.metrics.address);
    const timersLog = createFederationLog(config.logLevel, undefined, 'alert-timers');
    // Who is told, and when: arrivals, deadlines, escalation (services/alert-timers.service.ts).
    const alertTimers = startAlertTimers(context, {
      intervalMs: config.duty.alertTimersIntervalMs,
      onError: (error) => timersLog.warn('alert timers round failed', { error: String(error) }),
    });
    // Evidence packages offered to this node: fetched, verified, stored; verdicts recorded.
    const evidenceLog = createFederationLog(config.logLevel, undefined, 'evidence-transfer');
    const evidenceTransfer = startEvidenceTransferWorker(context, {
      intervalMs: config.evidence.transferIntervalMs,
      onError: (error) => evidenceLog.warn('evidence transfer round failed', { error: String(error) }),
    });
    const auditLog = createFederationLog(config.logLevel, undefined, 'audit');
    reportAuditFoldErrors(context.db, (error) =>
      auditLog.warn('numbering the audit events into the log failed; they wait in the intake', {
        error: String(error),
      }),
    );
    // The audit log's signed tree heads (services/audit.service.ts).
    const treeHeads = startAuditTreeHeadSigner(context, config.audit.treeHeadIntervalMs, (error) =>
      timersLog.warn('signing the audit tree head failed', { error: String(error) }),
    );
    // PGlite runs no autovacuum: the node vacuums and analyzes its tables at quiet moments.
    const maintenance = startMaintenanceOfEmbeddedDatabase(context, config);
    return {
      url,
      port,
      metricsPort: (metricsListener?.address() as AddressInfo | null)?.port,
      context,
      bootstrap,
      stop: async () => {
        await closeListener(metricsListener);
        await alertTimers.stop();
        await evidenceTransfer.stop();
        treeHeads.stop();
        await maintenance?.stop();
        await app.close();
        await alertDelivery?.stop();
        await federation?.stop();
        // The audit events recorded last are numbered into the tree before the database closes.
        await closeAuditLog(context.db).catch(() => undefined);
        await database.close();
      },
    };
  } catch (error) {
    await closeListener(metricsListener);
    await alertDelivery?.stop();
    await federation?.stop();
    await database.close();
    throw error;
  }
}

/** The routine maintenance of a PGlite database (none on a PostgreSQL server, whose autovacuum does it). */
function startMaintenanceOfEmbeddedDatabase(
  context: AppContext,
  config: Config,
): DatabaseMaintenance | undefined {
  if (config.database.kind !== 'pglite') return undefined;
  const intervalMs = config.database.maintenanceIntervalMs ?? 0;
  if (intervalMs <= 0) return undefined;
  const log = createFederationLog(config.logLevel, undefined, 'database');
  return startDatabaseMaintenance(context.db, {
    intervalMs,
    onMaintained: (work, durationMs) =>
      log.debug('table maintained', {
        table: work.table,
        vacuum: work.vacuum,
        analyze: work.analyze,
        durationMs: Math.round(durationMs),
      }),
    onError: (error) => log.warn('maintenance of the embedded database failed', { error: String(error) }),
  });
}

/** The listener of COMITY_METRICS_ADDRESS: GET /metrics and nothing else, no authentication (bind it where only monitoring reaches). */
async function listenForMetrics(
  context: AppContext,
  address: Readonly<{ host: string; port: number }>,
): Promise<Server> {
  const server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('only GET /metrics is served here\n');
      return;
    }
    context.metrics
      ?.exposition()
      .then(({ contentType, body }) => response.writeHead(200, { 'content-type': contentType }).end(body))
      .catch((error: unknown) => {
        response
          .writeHead(503, { 'content-type': 'text/plain' })
          .end(`metrics unavailable: ${String(error)}\n`);
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(address.port, address.host, () => resolve());
  });
  return server;
}

async function closeListener(server: Server | undefined): Promise<void> {
  if (!server) return;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/**
 * Giving back the memory a node's start-up took once it is over (issue 12, light nodes).
 *
 * Starting a node allocates a lot that it does not keep (module sources compiled, migrations
 * checked, the catalogue and directory read, PGlite started): V8 grows its young generation to
 * 64 MiB for that and keeps it, and the old generation holds the garbage until a full collection.
 * One garbage collection of the kind V8 runs before it gives up on memory ("last resort": it
 * shrinks the young generation and releases free pages) a moment after start-up brings an idle
 * node's resident memory down by about 60 MiB (docs/benchmarks.md, "Idle memory"). Under load the
 * young generation grows again as V8 sees fit, so throughput is not touched.
 *
 * It is a pause of 0.1 to 0.5 s, once, so it waits for a quiet moment: from
 * START_UP_COLLECTION_DELAY_MS after the node is ready (long enough for its first background work
 * to end), it runs at the first second in which the node's event loop was busy less than
 * QUIET_LOOP_UTILIZATION (services/quiet-moment.ts) of the time. A node that is sent requests (or
 * a backlog of messages after a restart) as soon as it is up serves them first
 * (docs/benchmarks.md, "The start-up collection waits for a quiet moment").
 */
export const START_UP_COLLECTION_DELAY_MS = 2000;

type CollectGarbage = (options: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void;

/** V8's `gc`, reached without starting Node with --expose-gc (as Node's documentation of v8.setFlagsFromString shows). */
function collectGarbageFunction(): CollectGarbage | undefined {
  try {
    v8.setFlagsFromString('--expose-gc');
    const collect = vm.runInNewContext('gc') as CollectGarbage | undefined;
    return typeof collect === 'function' ? collect : undefined;
  } catch {
    return undefined;
  } finally {
    v8.setFlagsFromString('--no-expose-gc');
  }
}

/** Collects garbage once, returning unused heap to the system; does nothing where V8 does not allow it. */
export function releaseStartUpMemory(): void {
  collectGarbageFunction()?.({ type: 'major', execution: 'sync', flavor: 'last-resort' });
}

/**
 * How much V8 lets the old generation grow past what its last full collection kept before the
 * next one: 100 % (a factor of 2). V8 otherwise picks the factor from how fast it collects against
 * how fast the node allocates, and on a node it picked about 1.1: the receiving node ran a full
 * collection for every 4 to 6 MiB it allocated over its some 50 MiB of live objects, one every
 * 1 to 2 s at 50 messages a second, each a pause of 6 to 11 ms, and the slowest messages were those
 * that met one (docs/benchmarks.md, "Fewer full collections"). With a factor of 2 they come several
 * times less often, at the price of a heap under load that may grow to twice its live size before
 * it is collected; an idle node holds no more (V8's memory reducer collects when it rests).
 */
export const HEAP_GROWING_PERCENT = 100;

/** Sets HEAP_GROWING_PERCENT for this process (`comity serve` calls it before the node starts). */
export function growHeapInLargerSteps(): void {
  v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}

export type StartUpCollectionOptions = Readonly<{
  /** The first moment it may run (default START_UP_COLLECTION_DELAY_MS). */
  delayMs?: number;
  /** How long the event loop is watched before each decision (default 1 s). */
  windowMs?: number;
  /** The event loop's busy share under which a window counts as quiet (default QUIET_LOOP_UTILIZATION). */
  quietBelow?: number;
  /** What runs at the quiet moment (default releaseStartUpMemory). */
  collect?: () => void;
}>;

/**
 * Runs releaseStartUpMemory once, at the first quiet window from `delayMs` on (see above); its
 * timers do not keep the process alive. Returns a function that cancels it.
 */
export function releaseStartUpMemoryWhenQuiet(options: StartUpCollectionOptions = {}): () => void {
  return runAtQuietMoment(options.collect ?? releaseStartUpMemory, {
    ...options,
    delayMs: options.delayMs ?? START_UP_COLLECTION_DELAY_MS,
  });
}
