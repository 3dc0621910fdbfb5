/**
 * What an administrator sees and does about delivery to other nodes: every peer of the directory
 * with its health (last success, last failure and error, circuit breaker state), its queue depth
 * and last delivery; the outbox (e.g. the messages that failed for good); and retrying or
 * cancelling one stuck message.
 *
 * Works on a running node (the directory in memory) and from the command line (the directory
 * this node cached, verified when it was fetched).
 */
import { AppError } from '../core/errors.ts';
import type { LocalizedText } from '../core/i18n.ts';
import { type MessageRegistry, messageRegistryOf } from '../federation/messages/registry.ts';
import { circuitAt, CLOSED_CIRCUIT, parseCircuitState } from '../federation/delivery/circuit-breaker.ts';
import { JWS_TYPES, parseCompactJws } from '../federation/protocol/compact-jws.ts';
import { DirectoryDocumentSchema } from '../federation/protocol/envelope.ts';
import type { DirectoryNode } from '../federation/protocol/types.ts';
import type { AppContext } from '../app-context.ts';
import {
  findLatestPublication,
  readDirectoryCache,
  readDirectoryRefresh,
} from '../storage/federation-directory.repository.ts';
import { applySenderEffect } from '../storage/federation-requests.repository.ts';
import type { DeliveryOutcome, SenderEffect } from '../storage/message-effects.ts';
import {
  cancelMessage,
  notifyOutboxWorkers,
  findOutboxMessage,
  listOutboxMessages,
  OUTBOX_STATUSES,
  type OutboxStatus,
  requeueMessage,
  type StoredOutboxMessage,
  summarizeQueuesByPeer,
} from '../storage/outbox.repository.ts';
import { listPeerStates, resetPeerCircuit } from '../storage/peer-states.repository.ts';
import { UUID_PATTERN } from '../core/ids.ts';

/** The states of an outgoing message, for filters in the API and the CLI. */
export { OUTBOX_STATUSES, type OutboxStatus };

export type PeerHealth = 'healthy' | 'failing' | 'unreachable' | 'unknown';

export type PeerView = Readonly<{
  nodeId: string;
  /** From the directory; null for a node that has messages here but is no longer listed. */
  state: string | null;
  authority: string | null;
  endpoint: string | null;
  isListed: boolean;
  /** unknown: never contacted; unreachable: circuit open; failing: recent consecutive failures. */
  health: PeerHealth;
  circuit: Readonly<{ status: string; consecutiveFailures: number; openedAt: string | null }>;
  /** Messages waiting to be delivered. */
  queueDepth: number;
  failedMessages: number;
  deliveredMessages: number;
  lastDeliveredAt: string | null;
  lastSuccessAt: string | null;
  lastFailureAt: string | null;
  lastError: string | null;
  totalFailures: number;
}>;

/** The directory this node holds: its serial, when it was issued and fetched, when it expires. */
export type DirectoryDescription = Readonly<{
  serial: number;
  issuedAt: string;
  expiresAt: string;
  fetchedAt: string | null;
  /** Past expiresAt: the node trusts no peer until a fresh directory arrives. */
  isExpired: boolean;
}>;

/** The latest attempt to refresh the directory (from the secretariat; on a secretariat, its own publication). */
export type DirectoryRefreshView = Readonly<{
  at: string;
  isOk: boolean;
  /** Why it failed (unreachable, secretariat-error, expired, rolled-back...); null when it worked. */
  reason: string | null;
  detail: string | null;
}>;

export type PeersReport = Readonly<{
  /** This node's id; null before `comity init`. */
  nodeId: string | null;
  directory: DirectoryDescription | null;
  lastRefresh: DirectoryRefreshView | null;
  items: PeerView[];
}>;

export type OutboxMessageView = Readonly<{
  id: string;
  caseId: string;
  peerNodeId: string;
  type: string;
  /** The type's name in each UI language (from its message module); the type itself for a type this node does not know. */
  typeLabel: LocalizedText;
  status: OutboxStatus;
  attempts: number;
  createdAt: string;
  nextAttemptAt: string | null;
  lastAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  deliveredAt: string | null;
  digest: string;
  hasReceipt: boolean;
}>;

type KnownDirectory = Readonly<{
  nodes: readonly DirectoryNode[];
  description: Omit<DirectoryDescription, 'isExpired'> | null;
}>;

function labelOf(registry: MessageRegistry, type: string): LocalizedText {
  return registry.find(type)?.label ?? { ar: type, en: type, es: type, fr: type, ru: type, zh: type };
}

function toOutboxView(message: StoredOutboxMessage, registry: MessageRegistry): OutboxMessageView {
  return {
    id: message.id,
    caseId: message.caseId,
    peerNodeId: message.peerNodeId,
    type: message.type,
    typeLabel: labelOf(registry, message.type),
    status: message.status,
    attempts: message.attempts,
    createdAt: message.createdAt.toISOString(),
    nextAttemptAt: message.status === 'pending' ? message.nextAttemptAt.toISOString() : null,
    lastAttemptAt: message.lastAttemptAt?.toISOString() ?? null,
    lastStatusCode: message.lastStatusCode,
    lastError: message.lastError,
    deliveredAt: message.deliveredAt?.toISOString() ?? null,
    digest: message.digest,
    hasReceipt: message.receipt !== null,
  };
}

/** The directory the node has: in memory when running, else the one it cached or published. */
export async function knownDirectory(context: AppContext): Promise<KnownDirectory> {
  const lookup = context.federation?.directory;
  if (lookup) {
    const described = lookup.describe();
    return {
      nodes: lookup.listNodes(),
      description: described
        ? {
            serial: described.serial,
            issuedAt: described.issuedAt,
            expiresAt: described.expiresAt,
            fetchedAt: described.fetchedAt,
          }
        : null,
    };
  }
  // From the command line: the document this node verified when it fetched (or published) it.
  const cached = await readDirectoryCache(context.db);
  const compact = cached?.document ?? (await findLatestPublication(context.db))?.document;
  if (!compact) return { nodes: [], description: null };
  const parsed = parseCompactJws(compact, JWS_TYPES.directory);
  const document = parsed.ok ? DirectoryDocumentSchema.safeParse(parsed.payload) : undefined;
  if (!document?.success) return { nodes: [], description: null };
  return {
    nodes: document.data.nodes,
    description: {
      serial: document.data.serial,
      issuedAt: document.data.issuedAt,
      expiresAt: document.data.expiresAt,
      fetchedAt: cached?.fetchedAt.toISOString() ?? null,
    },
  };
}

/**
 * healthy only when the latest contact succeeded: an administrator's retry resets the failure
 * count and closes the circuit, but the peer is not healthy until a delivery has gone through.
 */
function healthOf(
  status: string,
  consecutiveFailures: number,
  lastSuccessAt: Date | null | undefined,
  lastFailureAt: Date | null | undefined,
): PeerHealth {
  if (status === 'open') return 'unreachable';
  if (consecutiveFailures > 0 || status === 'half-open') return 'failing';
  if (!lastSuccessAt && !lastFailureAt) return 'unknown';
  if (lastFailureAt && (!lastSuccessAt || lastFailureAt > lastSuccessAt)) return 'failing';
  return 'healthy';
}

/**
 * Every peer of the directory (and any other node with messages here), with health and queue.
 * `selfNodeId` names this node when no runtime is there to say it (the command line).
 */
export async function listPeers(
  context: AppContext,
  options: Readonly<{ selfNodeId?: string }> = {},
): Promise<PeersReport> {
  const selfId = context.federation?.identity.nodeId ?? options.selfNodeId ?? null;
  const directory = await knownDirectory(context);
  const queues = new Map((await summarizeQueuesByPeer(context.db)).map((queue) => [queue.peerNodeId, queue]));
  const states = new Map((await listPeerStates(context.db)).map((state) => [state.peerNodeId, state]));
  const listed = new Map(directory.nodes.map((node) => [node.nodeId, node]));
  const nodeIds = new Set([...listed.keys(), ...queues.keys(), ...states.keys()]);
  if (selfId) nodeIds.delete(selfId);
  const now = context.now();
  const items = [...nodeIds].sort().map((nodeId): PeerView => {
    const node = listed.get(nodeId);
    const queue = queues.get(nodeId);
    const state = states.get(nodeId);
    const circuit = circuitAt(state ? parseCircuitState(state.circuit) : CLOSED_CIRCUIT, now);
    return {
      nodeId,
      state: node?.state ?? null,
      authority: node?.authority ?? null,
      endpoint: node?.endpoint ?? null,
      isListed: node !== undefined,
      health: healthOf(
        circuit.status,
        circuit.consecutiveFailures,
        state?.lastSuccessAt,
        state?.lastFailureAt,
      ),
      circuit: {
        status: circuit.status,
        consecutiveFailures: circuit.consecutiveFailures,
        openedAt: circuit.status === 'closed' ? null : circuit.openedAt,
      },
      queueDepth: queue?.pending ?? 0,
      failedMessages: queue?.failed ?? 0,
      deliveredMessages: queue?.delivered ?? 0,
      lastDeliveredAt: queue?.lastDeliveredAt?.toISOString() ?? null,
      lastSuccessAt: state?.lastSuccessAt?.toISOString() ?? null,
      lastFailureAt: state?.lastFailureAt?.toISOString() ?? null,
      lastError: state?.lastError ?? null,
      totalFailures: state?.totalFailures ?? 0,
    };
  });
  const refresh = await readDirectoryRefresh(context.db);
  const description = directory.description;
  return {
    nodeId: selfId,
    directory: description
      ? { ...description, isExpired: now.getTime() > Date.parse(description.expiresAt) }
      : null,
    lastRefresh: refresh
      ? {
          at: refresh.attemptedAt.toISOString(),
          isOk: refresh.isOk,
          reason: refresh.reason,
          detail: refresh.detail,
        }
      : null,
    items,
  };
}

export type OutboxQuery = Readonly<{ status?: OutboxStatus; peerNodeId?: string; limit?: number }>;

/** Outbox messages, oldest first (e.g. `status: 'failed'`: what needs a person). */
export async function listOutbox(context: AppContext, query: OutboxQuery = {}): Promise<OutboxMessageView[]> {
  const messages = await listOutboxMessages(context.db, {
    ...(query.status ? { status: query.status } : {}),
    ...(query.peerNodeId ? { peerNodeId: query.peerNodeId } : {}),
    limit: Math.min(Math.max(query.limit ?? 100, 1), 1000),
  });
  const registry = messageRegistryOf(context.federation);
  return messages.map((message) => toOutboxView(message, registry));
}

async function findMessageOrThrow(context: AppContext, id: string): Promise<StoredOutboxMessage> {
  const message = UUID_PATTERN.test(id) ? await findOutboxMessage(context.db, id) : undefined;
  if (!message) throw new AppError('not-found', `no outbox message ${id}`);
  return message;
}

/** What the message's module says follows this outcome at this node (its request's delivery state...). */
function outcomeEffect(
  context: AppContext,
  message: StoredOutboxMessage,
  outcome: DeliveryOutcome,
): SenderEffect | undefined {
  return messageRegistryOf(context.federation).find(message.type)?.onOutcome(outcome, message);
}

/** Wakes this process's delivery worker and, on PostgreSQL, those of the node's other processes. */
async function wakeDelivery(context: AppContext): Promise<void> {
  context.federation?.wakeDelivery();
  await notifyOutboxWorkers(context.db, context.databaseKind);
}

/**
 * Changes an outgoing message a person decided about, with what its module says follows that
 * outcome (its request shows pending again, or cancelled), in one transaction; refused unless the
 * message is failed or pending. Wakes the delivery workers: the message, or the case's next, may
 * now be due.
 */
async function decideOnOutboxMessage(
  context: AppContext,
  id: string,
  decision: Readonly<{
    outcome: 'pending' | 'cancelled';
    verb: string;
    change: (trx: AppContext['db'], message: StoredOutboxMessage, now: Date) => Promise<boolean>;
  }>,
): Promise<OutboxMessageView> {
  const message = await findMessageOrThrow(context, id);
  const now = context.now();
  const isChanged = await context.db.transaction().execute(async (trx) => {
    if (!(await decision.change(trx, message, now))) return false;
    await applySenderEffect(trx, outcomeEffect(context, message, decision.outcome), now);
    return true;
  });
  if (!isChanged) {
    throw new AppError(
      'invalid-state',
      `message ${id} is ${message.status}; only failed or pending messages can be ${decision.verb}`,
    );
  }
  await wakeDelivery(context);
  return toOutboxView(await findMessageOrThrow(context, id), messageRegistryOf(context.federation));
}

/**
 * A failed (or waiting) message is tried again now, and its peer's circuit closed: a person
 * decided the peer is worth trying. Delivered or cancelled messages cannot be retried.
 */
export function retryOutboxMessage(context: AppContext, id: string): Promise<OutboxMessageView> {
  return decideOnOutboxMessage(context, id, {
    outcome: 'pending',
    verb: 'retried',
    change: async (trx, message, now) => {
      if (!(await requeueMessage(trx, id, now))) return false;
      await resetPeerCircuit(trx, message.peerNodeId, { circuit: CLOSED_CIRCUIT, now });
      return true;
    },
  });
}

/** A failed or waiting message is given up: it will not be delivered; its request says cancelled. */
export function cancelOutboxMessage(context: AppContext, id: string): Promise<OutboxMessageView> {
  return decideOnOutboxMessage(context, id, {
    outcome: 'cancelled',
    verb: 'cancelled',
    change: (trx) => cancelMessage(trx, id),
  });
}
