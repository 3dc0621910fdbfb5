/**
 * Finding the key a received message is signed with, when the directory cannot say yes at once.
 * Two faults must not become final refusals (docs/federation.md, sections 6.1 and 8):
 *
 * - The directory held has expired (the secretariat has been unreachable too long): the node
 *   trusts no sender, but that says nothing about the sender. The message is refused with the
 *   transient `directory-expired` (503), and the sender retries.
 * - A node the directory lists signs with a key it does not list: most likely the node has just
 *   activated a rotated key that the secretariat published after this node's last refresh. The
 *   receiver refreshes its directory once (at most every UNKNOWN_KEY_REFRESH_INTERVAL_MS per
 *   node and ANY_UNKNOWN_KEY_REFRESH_INTERVAL_MS for all nodes; messages meanwhile wait for the
 *   same refresh) and looks again. Still unknown, the
 *   message is refused with the transient `unknown-sender-key` (503) during
 *   UNKNOWN_KEY_GRACE_MS from the first time this node met that key, then with the final
 *   `unknown-sender` (403): a key the secretariat never publishes is not retried for ever.
 *
 * A node the directory does not list at all is refused at once with `unknown-sender`. A node that
 * has no directory yet (started while its secretariat was unreachable) answers 503 `unavailable`.
 */
import { AppError } from '../../core/errors.ts';
import type { DirectoryLookup } from '../context.ts';
import type { DirectoryKey } from '../protocol/types.ts';

/** Least time between two refreshes of the directory caused by unknown keys of one node. */
export const UNKNOWN_KEY_REFRESH_INTERVAL_MS = 30_000;

/**
 * Least time between two such refreshes for any nodes: unknown key ids cost nothing to forge, so
 * a flood naming every listed node makes at most one directory fetch per this interval.
 */
export const ANY_UNKNOWN_KEY_REFRESH_INTERVAL_MS = 5_000;

/** How long an unknown key of a listed node is answered as transient, from its first message. */
export const UNKNOWN_KEY_GRACE_MS = 24 * 60 * 60 * 1000;

/** Unknown keys remembered at most (the oldest are forgotten first). */
const MAX_REMEMBERED_KEYS = 10_000;

/** Why the sender cannot be checked now; the receiver answers it as a transient refusal. */
export class SenderNotVerifiableError extends Error {
  readonly reason: 'directory-expired' | 'unknown-sender-key';
  constructor(reason: 'directory-expired' | 'unknown-sender-key', detail: string) {
    super(detail);
    this.name = 'SenderNotVerifiableError';
    this.reason = reason;
  }
}

type Refresh = { atMs: number; done: Promise<void> };

type Memory = {
  /** Per node: when its unknown key last caused a refresh, and that refresh. */
  refreshes: Map<string, Refresh>;
  /** The latest refresh caused by any node's unknown key. */
  latest: Refresh | undefined;
  /** Per `node kid`: when this node first met the key. */
  firstSeen: Map<string, number>;
};

const memories = new WeakMap<DirectoryLookup, Memory>();

function memoryOf(directory: DirectoryLookup): Memory {
  let memory = memories.get(directory);
  if (!memory) {
    memory = { refreshes: new Map(), latest: undefined, firstSeen: new Map() };
    memories.set(directory, memory);
  }
  return memory;
}

function isRecent(refresh: Refresh | undefined, nowMs: number, intervalMs: number): refresh is Refresh {
  return refresh !== undefined && nowMs >= refresh.atMs && nowMs - refresh.atMs < intervalMs;
}

/**
 * Refreshes the directory for `nodeId`, unless one was done for it less than the per-node interval
 * ago, or for any node less than the global interval ago: then waits for that one.
 */
async function refreshForNode(directory: DirectoryLookup, memory: Memory, nodeId: string, nowMs: number) {
  const last = memory.refreshes.get(nodeId);
  if (isRecent(last, nowMs, UNKNOWN_KEY_REFRESH_INTERVAL_MS)) return last.done;
  if (isRecent(memory.latest, nowMs, ANY_UNKNOWN_KEY_REFRESH_INTERVAL_MS)) return memory.latest.done;
  const refresh = { atMs: nowMs, done: directory.refresh() };
  memory.refreshes.set(nodeId, refresh);
  memory.latest = refresh;
  return refresh.done;
}

function firstSeenMs(memory: Memory, id: string, nowMs: number): number {
  const known = memory.firstSeen.get(id);
  if (known !== undefined && known <= nowMs) return known;
  if (memory.firstSeen.size >= MAX_REMEMBERED_KEYS) {
    const oldest = memory.firstSeen.keys().next().value;
    if (oldest !== undefined) memory.firstSeen.delete(oldest);
  }
  memory.firstSeen.set(id, nowMs);
  return nowMs;
}

function expiredError(expiredSince: string, nodeId: string): SenderNotVerifiableError {
  return new SenderNotVerifiableError(
    'directory-expired',
    `this node's directory of nodes expired at ${expiredSince}, so it cannot check the signature of ${nodeId} until its secretariat answers again; retry later`,
  );
}

/**
 * The directory key `kid` of `nodeId`, refreshing the directory first for a listed node's unknown
 * key; undefined for a final `unknown-sender`. Throws SenderNotVerifiableError for the transient
 * cases (see the module comment).
 */
export async function findSenderKey(
  directory: DirectoryLookup,
  nodeId: string,
  kid: string,
  now: Date,
): Promise<DirectoryKey | undefined> {
  if (directory.describe() === undefined) {
    // Not fetched yet (start-up with the secretariat unreachable): 503, retried by the sender.
    throw new AppError(
      'unavailable',
      'this node has not obtained its directory of nodes from its secretariat yet; retry later',
    );
  }
  const expiredSince = directory.expiredSince();
  if (expiredSince) throw expiredError(expiredSince, nodeId);
  const key = directory.findKey(nodeId, kid);
  if (key || !directory.findNode(nodeId)) return key;

  const memory = memoryOf(directory);
  const nowMs = now.getTime();
  await refreshForNode(directory, memory, nodeId, nowMs);
  const refreshed = directory.findKey(nodeId, kid);
  if (refreshed) return refreshed;
  const expiredAfter = directory.expiredSince();
  if (expiredAfter) throw expiredError(expiredAfter, nodeId);
  const firstSeen = firstSeenMs(memory, `${nodeId} ${kid}`, nowMs);
  if (nowMs - firstSeen < UNKNOWN_KEY_GRACE_MS) {
    const serial = directory.describe()?.serial;
    throw new SenderNotVerifiableError(
      'unknown-sender-key',
      `node ${nodeId} is in this node's directory (serial ${serial ?? '?'}) but its key ${kid} is not, even after a refresh; if ${nodeId} has just rotated its keys, retry once the secretariat has published them`,
    );
  }
  return undefined;
}
