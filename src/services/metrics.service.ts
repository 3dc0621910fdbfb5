/**
 * The node's metrics for its operator's monitoring, in the Prometheus text format (prom-client):
 * what the node observes as it works (NodeMetrics: deliveries with their latency, failed attempts,
 * refused incoming messages, refused sign-ins) and, read from the database at each scrape, the
 * outbox per peer (depth, age of the oldest waiting message, failed messages), each peer's
 * circuit, the alert deliveries waiting or failed, and the age of the database's oldest unfrozen
 * transaction ID (routine maintenance keeps it far from PostgreSQL's limit). Served on a separate
 * address or behind a token (docs/operations.md, Monitoring); never with case content, and labels
 * are node ids and protocol reasons only.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { AppContext } from '../app-context.ts';
import type { NodeMetrics } from '../core/node-metrics.ts';
import { type CircuitStatus, circuitAt, parseCircuitState } from '../federation/delivery/circuit-breaker.ts';
import { countAlertDeliveriesByStatus } from '../storage/alert-deliveries.repository.ts';
import { transactionIdAge } from '../storage/maintenance.repository.ts';
import { summarizeQueuesByPeer } from '../storage/outbox.repository.ts';
import { listPeerStates } from '../storage/peer-states.repository.ts';

const CIRCUIT_STATUSES: readonly CircuitStatus[] = ['closed', 'open', 'half-open'];

/** Seconds: from a loopback hop to an hour-long outage. */
const LATENCY_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 3600];

/** A registry of its own per node (a test process may run several nodes). */
export function createNodeMetrics(context: Pick<AppContext, 'db' | 'now'>): NodeMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'comity_' });

  const delivered = new Histogram({
    name: 'comity_delivery_latency_seconds',
    help: 'Time from queueing a federation message to storing the verified receipt of its peer',
    labelNames: ['peer'],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const deliveryFailures = new Counter({
    name: 'comity_delivery_failures_total',
    help: 'Failed attempts to deliver a federation message (retried, or failed for good)',
    labelNames: ['peer'],
    registers: [registry],
  });
  const refused = new Counter({
    name: 'comity_incoming_messages_refused_total',
    help: 'Messages from other nodes refused, by the protocol reason (docs/federation.md 6.1)',
    labelNames: ['reason'],
    registers: [registry],
  });
  const signInFailures = new Counter({
    name: 'comity_sign_in_failures_total',
    help: 'Refused sign-ins (wrong name or password, disabled or throttled account)',
    registers: [registry],
  });

  const queues = () => summarizeQueuesByPeer(context.db);
  new Gauge({
    name: 'comity_outbox_pending_messages',
    help: 'Federation messages waiting to be delivered, per peer',
    labelNames: ['peer'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const queue of await queues()) this.set({ peer: queue.peerNodeId }, queue.pending);
    },
  });
  new Gauge({
    name: 'comity_outbox_oldest_pending_age_seconds',
    help: 'Age of the oldest federation message still waiting, per peer (0 when none waits)',
    labelNames: ['peer'],
    registers: [registry],
    async collect() {
      this.reset();
      const now = context.now().getTime();
      for (const queue of await queues()) {
        const age = queue.oldestPendingAt ? Math.max(0, (now - queue.oldestPendingAt.getTime()) / 1000) : 0;
        this.set({ peer: queue.peerNodeId }, age);
      }
    },
  });
  new Gauge({
    name: 'comity_outbox_failed_messages',
    help: 'Federation messages that failed for good and wait for an administrator, per peer',
    labelNames: ['peer'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const queue of await queues()) this.set({ peer: queue.peerNodeId }, queue.failed);
    },
  });
  new Gauge({
    name: 'comity_alert_deliveries',
    help: 'Alert deliveries (e-mail, webhook) waiting to be sent (pending) or given up (failed), per channel',
    labelNames: ['channel', 'status'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const channel of ['email', 'webhook']) {
        for (const status of ['pending', 'failed']) this.set({ channel, status }, 0);
      }
      for (const row of await countAlertDeliveriesByStatus(context.db)) {
        this.set({ channel: row.channel, status: row.status }, row.count);
      }
    },
  });
  new Gauge({
    name: 'comity_peer_circuit_state',
    help: "Each peer's circuit breaker: 1 for its current state (closed, open, half-open), 0 for the others",
    labelNames: ['peer', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      const now = context.now();
      for (const stored of await listPeerStates(context.db)) {
        const circuit = circuitAt(parseCircuitState(stored.circuit), now);
        for (const state of CIRCUIT_STATUSES) {
          this.set({ peer: stored.peerNodeId, state }, circuit.status === state ? 1 : 0);
        }
      }
    },
  });

  new Gauge({
    name: 'comity_database_transaction_id_age',
    help: "Age in transactions of the database's oldest unfrozen transaction ID; PostgreSQL stops accepting writes near 2^31 (VACUUM brings it down)",
    registers: [registry],
    async collect() {
      this.set(await transactionIdAge(context.db));
    },
  });

  return Object.freeze({
    messageDelivered: (peer: string, seconds: number) => delivered.observe({ peer }, seconds),
    deliveryFailed: (peer: string) => deliveryFailures.inc({ peer }),
    messageRefused: (reason: string) => refused.inc({ reason }),
    signInFailed: () => signInFailures.inc(),
    exposition: async () => ({ contentType: registry.contentType, body: await registry.metrics() }),
  });
}
