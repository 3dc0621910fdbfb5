/**
 * The delivery worker: takes due messages from the outbox and posts them to their peers, records
 * each outcome, and schedules retries. One per node process; several processes of one node on one
 * PostgreSQL share the outbox safely (claims use FOR UPDATE SKIP LOCKED and a lease, see
 * outbox.repository.ts), and the receiver's inbox makes a rare double post (after a crash) harmless.
 *
 * - Wake-ups: in-process (`wake()` after a commit), from other processes through PostgreSQL
 *   LISTEN/NOTIFY on channel `comity_outbox`, and otherwise a poll every deliveryPollMs (and at the
 *   next due retry). The end of an attempt claims again when the claim before may have left due
 *   messages behind (see `mayHaveLeftSome`), or when the attempt did not deliver.
 * - Hand-offs: while nothing is in flight, a statement of this process that queues a message may
 *   insert it leased to this worker (offerHandOff, messages/queue-for-peer.ts), which posts it at
 *   commit with no claim: the claim's statement, and its wait, are off the path of a message sent
 *   alone. Only to a peer whose circuit is closed, and only as the oldest undelivered message of
 *   its case (the statement checks). Under load the claim takes the messages instead, a peer's
 *   together (see Batches).
 * - Order: only the oldest undelivered message of a case is claimed, so a case's messages arrive
 *   in order; different cases and peers go in parallel, up to deliveryConcurrency at once.
 * - Batches: the messages of one claim for one peer go in one exchange
 *   (/federation/v1/message-batches, message-batch.ts) and each is answered as it would be alone.
 *   A peer that does not serve batches (404) is sent its messages one by one, and asked again
 *   after an hour.
 * - Outcome: a receipt that verifies (signature by the peer's key in the directory, message id,
 *   digest) marks the message delivered, as does a 409 replayed-message carrying such a receipt.
 *   A permanent refusal marks it failed (shown to a person, not retried); anything transient is
 *   retried per retry-policy.ts. Each peer has a circuit breaker (circuit-breaker.ts).
 */
import { counted } from '../../core/counted.ts';
import type { AppContext } from '../../app-context.ts';
import { databaseTimeoutsOf } from '../../config.ts';
import { reconnectDelayMs } from '../../storage/connection-faults.ts';
import { applySenderEffect } from '../../storage/federation-requests.repository.ts';
import {
  claimDueMessages,
  type Delivery,
  findNextDueTime,
  OUTBOX_CHANNEL,
  pullInFutureRetries,
  recordAttemptFailure,
  recordDeliveries,
  releaseClaim,
  replaceMessageSigning,
  type StoredOutboxMessage,
} from '../../storage/outbox.repository.ts';
import { listenForNotifications, type NotificationListener } from '../../storage/notifications.ts';
import {
  listPeerStates,
  recordPeerFailure,
  recordPeerSuccess,
  type StoredPeerState,
} from '../../storage/peer-states.repository.ts';
import type { DeliveryHandOff, FederationRuntime } from '../context.ts';
import { createFederationLog } from '../federation-log.ts';
import { messageDigest } from '../protocol/digest.ts';
import { verifyReceipt } from '../protocol/receipt.ts';
import { signEnvelope } from '../protocol/seal.ts';
import type { DirectoryKey, DirectoryNode } from '../protocol/types.ts';
import {
  type CircuitBreakerPolicy,
  type CircuitState,
  circuitAt,
  DEFAULT_CIRCUIT_POLICY,
  parseCircuitState,
  recordFailure,
  recordSuccess,
} from './circuit-breaker.ts';
import { classifyBatchAnswer, classifyFailure, federationReasonOf } from './failure-classification.ts';
import { createFetchPoster, createHttpPoster } from './message-poster.ts';
import { MESSAGE_BATCHES_PATH, MESSAGES_PATH, splitIntoBatches } from '../protocol/message-batch.ts';
import { unverifiedPayloadOf } from '../protocol/compact-jws.ts';
import { refusedEndpointReason } from '../protocol/endpoint-policy.ts';
import { DEFAULT_RETRY_POLICY, nextRetryDelay, type RetryPolicy } from './retry-policy.ts';

export { OUTBOX_CHANNEL };

/** How many of the ids it claimed lately a worker keeps, to recognise the NOTIFY of its own commits. */
const RECENTLY_CLAIMED_KEPT = 1024;
/** How old the cached circuit states of the peers may be before a claim reads them again. */
const PEER_STATES_MAX_AGE_MS = 1000;

/** How often the worker looks for retries scheduled by a clock that ran ahead (pullInFutureRetries). */
const FUTURE_RETRIES_CHECK_MS = 60_000;

/** Most receipts recorded in one statement. */
const MAX_RECEIPTS_PER_WRITE = 64;

/** Largest answer body read from a peer (a receipt or a problem is a few KiB; a batch's, 32 of them). */
const MAX_ANSWER_BYTES = 1024 * 1024;

/** How long a peer that does not serve batches is sent messages one by one before it is asked again. */
const BATCHLESS_RECHECK_MS = 3_600_000;

export type DeliveryWorkerOptions = Readonly<{
  /** An HTTP client to post with (tests record or fail posts with it); default node:http (message-poster.ts). */
  fetch?: typeof fetch;
  /** Randomness of the retry jitter, in [0, 1); default Math.random. */
  random?: () => number;
  retryPolicy?: RetryPolicy;
  circuitPolicy?: CircuitBreakerPolicy;
  /** Called with errors of the loop itself (database unreachable...); default: the federation log. */
  onError?: (error: unknown) => void;
}>;

/** What one `runOnce` did. */
export type DeliveryRoundReport = {
  attempted: number;
  delivered: number;
  failed: number;
  retrying: number;
};

export type DeliveryWorker = Readonly<{
  /** Look at the outbox now (call after committing new messages). */
  wake: () => void;
  /** A hand-off of a message about to be queued, when this worker is idle (see the module's comment). */
  offerHandOff: (peerNodeId: string) => Promise<DeliveryHandOff | undefined>;
  /** Stops the loop, waits for the attempts in flight, closes the LISTEN connection. */
  stop: () => Promise<void>;
  /**
   * Delivers everything due now, round after round until nothing due is left, and returns what
   * happened. For tests and tools: it does not need (and should not run beside) the loop.
   */
  runOnce: () => Promise<DeliveryRoundReport>;
}>;

type AttemptResult = 'delivered' | 'failed' | 'retrying' | 'released';

/** A claimed message that passed the checks before posting, signed afresh if need be. */
type ReadyMessage = Readonly<{ message: StoredOutboxMessage; peer: DirectoryNode; endpoint: string }>;

/** A peer's answer about one message: the answer to its own post, or its item of a batch's. */
type MessageAnswer = Readonly<{ status: number; text: string; json: unknown }>;

/** The items of a batch's answer, one per message posted, or undefined if it is not that. */
function batchItemsOf(json: unknown, count: number): MessageAnswer[] | undefined {
  if (json === null || typeof json !== 'object') return undefined;
  const results = (json as Record<string, unknown>).results;
  if (!Array.isArray(results) || results.length !== count) return undefined;
  const items: MessageAnswer[] = [];
  for (const item of results as unknown[]) {
    if (item === null || typeof item !== 'object') return undefined;
    const status = (item as Record<string, unknown>).status;
    if (typeof status !== 'number' || !Number.isInteger(status)) return undefined;
    items.push({ status, text: JSON.stringify(item), json: item });
  }
  return items;
}

function describeError(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    if (error.name === 'TimeoutError') return 'no answer before the delivery timeout';
    return `${error.message}${cause}`;
  }
  return String(error);
}

function parseAnswer(text: string): { text: string; json: unknown } {
  try {
    return { text, json: JSON.parse(text) as unknown };
  } catch {
    return { text, json: undefined };
  }
}

function memberOf(json: unknown, name: string): string | undefined {
  if (json === null || typeof json !== 'object') return undefined;
  const value = (json as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

/** The peer's signing keys from the directory (several during a rotation). */
function signingKeysOf(node: DirectoryNode): DirectoryKey[] {
  return node.keys.filter((key) => key.use === 'sig');
}

/**
 * Creates a worker without starting its loop (tests drive it with `runOnce`); startDeliveryWorker
 * also starts the loop.
 */
export function createDeliveryWorker(
  context: AppContext,
  runtime: FederationRuntime,
  options: DeliveryWorkerOptions = {},
): DeliveryWorker & { start: () => Promise<void> } {
  const settings = context.config.federation;
  const poster = options.fetch
    ? createFetchPoster(options.fetch, { maxAnswerBytes: MAX_ANSWER_BYTES })
    : createHttpPoster({ maxSockets: settings.deliveryConcurrency, maxAnswerBytes: MAX_ANSWER_BYTES });
  const random = options.random ?? Math.random;
  const retryPolicy = options.retryPolicy ?? DEFAULT_RETRY_POLICY;
  const circuitPolicy = options.circuitPolicy ?? DEFAULT_CIRCUIT_POLICY;
  const log = createFederationLog(context.config.logLevel);
  const onError =
    options.onError ??
    ((error: unknown) => log.warn('delivery worker error', { error: describeError(error) }));
  // The lease outlives the attempt with a margin: a batch the peer does not serve, then the
  // message's own post, each up to the timeout. A dead process's lease then expires.
  const leaseMs = settings.deliveryTimeoutMs * 3 + 5_000;
  // A message older than half the freshness window is signed again before it is posted, so a
  // message that waited out an outage is not refused as stale.
  const resignAfterMs = (settings.clockSkewSeconds * 1000) / 2;

  const minimumBatch = Math.max(1, Math.floor(settings.deliveryConcurrency / 4));
  const inFlight = new Map<string, Promise<AttemptResult>>();
  // Hand-offs offered and not yet delivered or released: each holds a slot.
  let handOffsOffered = 0;
  const peersInFlight = new Map<string, number>();
  const peerStates = new Map<string, StoredPeerState>();
  let isStopped = false;
  let isStarted = false;
  let isWakeRequested = false;
  let wakeWaiter: (() => void) | undefined;
  let loop: Promise<void> | undefined;
  let listener: NotificationListener | undefined;
  // Rounds in a row that failed (database unavailable...): the loop waits longer after each.
  let failedRounds = 0;

  // Wake-ups from outside the loop (a commit, a notification): each may bring a message to claim.
  let wakeUps = 0;
  // Whether the last claim may have left due messages behind: it took as many as it could, it ran
  // while attempts were in flight (a case's next message waits for the one in flight), it took a
  // message with a later one of its case waiting, it had a half-open peer (whose others wait for
  // the trial), or a wake-up came while it ran. Until then, an attempt that ends
  // delivered needs no new claim: one at a time, that claim found nothing, and then the loop asked
  // for the next due time, two statements a message for nothing.
  let mayHaveLeftSome = true;

  function wakeLoop(): void {
    isWakeRequested = true;
    const waiter = wakeWaiter;
    wakeWaiter = undefined;
    waiter?.();
  }

  function wake(): void {
    wakeUps += 1;
    // Whether or not the loop claims now (it may wait for free slots), the end of an attempt does.
    mayHaveLeftSome = true;
    wakeLoop();
  }

  // The messages this worker claimed lately. On PostgreSQL a commit that queues a message NOTIFYs
  // with the message's id, and this process hears its own commits too, after their in-process
  // wake-up, often once the message is claimed: such a notification is no news.
  const recentlyClaimed = new Set<string>();
  // Notifications about messages not claimed yet: the next claim (it starts after their commit)
  // judges them, news only if it did not take their message.
  let heard: string[] = [];
  // The soonest a message this worker knows of becomes due (the context's clock, ms): a retry it
  // scheduled, or what the outbox said when nothing was in flight. The loop wakes for it even
  // when the attempts in flight end without a new claim.
  let knownDueAtMs: number | undefined;
  // When the last claim ran, if it took nothing: a message due by then waits on something else.
  let emptyClaimAt: Date | undefined;

  function expectDueAt(at: Date): void {
    if (knownDueAtMs === undefined || at.getTime() < knownDueAtMs) knownDueAtMs = at.getTime();
  }

  /**
   * A due time reached is no longer waited for: the claim at or after it takes that message, or
   * the message waits on something else (the one before it in its case, its peer's circuit, a lease).
   */
  function forgetPassedDueTime(now: Date): void {
    if (knownDueAtMs !== undefined && knownDueAtMs <= now.getTime()) knownDueAtMs = undefined;
  }

  function onNotification(messageId: string): void {
    if (messageId === '') {
      wake();
      return;
    }
    if (recentlyClaimed.has(messageId)) return;
    heard.push(messageId);
    // A sleeping loop claims now; an awake one claims before it sleeps again (see sleep()).
    if (wakeWaiter !== undefined) wakeLoop();
  }

  function rememberClaimed(messages: readonly StoredOutboxMessage[]): void {
    for (const message of messages) {
      recentlyClaimed.delete(message.id);
      recentlyClaimed.add(message.id);
    }
    // Oldest first out: a notification comes within moments of its claim, if ever.
    for (const id of recentlyClaimed) {
      if (recentlyClaimed.size <= RECENTLY_CLAIMED_KEPT) break;
      recentlyClaimed.delete(id);
    }
  }

  function circuitOf(peerNodeId: string): CircuitState {
    return parseCircuitState(peerStates.get(peerNodeId)?.circuit);
  }

  let peerStatesReadAt = Number.NEGATIVE_INFINITY;

  /**
   * Reads the peers' circuits (other processes of the node change them too), at most once a
   * second: this process keeps its own changes in the cache as it makes them.
   */
  async function refreshPeerStates(): Promise<void> {
    if (performance.now() - peerStatesReadAt < PEER_STATES_MAX_AGE_MS) return;
    const states = await listPeerStates(context.db);
    peerStates.clear();
    for (const state of states) peerStates.set(state.peerNodeId, state);
    peerStatesReadAt = performance.now();
  }

  let futureRetriesCheckedAtMs: number | undefined;

  /**
   * Retry times come from the clock of the moment they were scheduled: one scheduled while the
   * clock ran ahead would wait that much longer once it is corrected. Any due later than the
   * longest retry delay is made due now (looked for at the first claim, then once a minute of the
   * node's clock, and at once when that clock went back).
   */
  async function followCurrentClock(now: Date): Promise<void> {
    const nowMs = now.getTime();
    const last = futureRetriesCheckedAtMs;
    if (last !== undefined && nowMs >= last && nowMs - last < FUTURE_RETRIES_CHECK_MS) return;
    futureRetriesCheckedAtMs = nowMs;
    const moved = await pullInFutureRetries(context.db, now, new Date(now.getTime() + retryPolicy.capMs));
    if (moved > 0)
      log.warn(
        `${counted(moved, 'message')} had retries scheduled beyond the longest delay (a clock that ran ahead): due now`,
      );
  }

  async function claim(limit: number): Promise<StoredOutboxMessage[]> {
    if (limit <= 0) return [];
    await refreshPeerStates();
    const now = context.now();
    await followCurrentClock(now);
    const excludedPeers: string[] = [];
    const trialPeers: string[] = [];
    for (const peerNodeId of peerStates.keys()) {
      const status = circuitAt(circuitOf(peerNodeId), now, circuitPolicy).status;
      // Half-open: one trial at a time, across rounds too.
      if (status === 'open' || (status === 'half-open' && (peersInFlight.get(peerNodeId) ?? 0) > 0)) {
        excludedPeers.push(peerNodeId);
      } else if (status === 'half-open') {
        trialPeers.push(peerNodeId);
      }
    }
    const wakeUpsBefore = wakeUps;
    const wasInFlight = inFlight.size > 0;
    forgetPassedDueTime(now);
    const claimed = await claimDueMessages(context.db, {
      now,
      leaseUntil: new Date(now.getTime() + leaseMs),
      limit,
      excludedPeers,
      trialPeers,
    });
    rememberClaimed(claimed);
    emptyClaimAt = claimed.length === 0 ? now : undefined;
    const judged = heard;
    heard = [];
    const isNewsHeard = judged.some((id) => !recentlyClaimed.has(id));
    mayHaveLeftSome =
      claimed.length >= limit ||
      wasInFlight ||
      // A case's later message waits for this one; a half-open peer's others wait for its trial.
      claimed.some((message) => message.hasLaterInCase) ||
      trialPeers.length > 0 ||
      wakeUps !== wakeUpsBefore ||
      isNewsHeard;
    if (isNewsHeard) wake();
    return claimed;
  }

  /**
   * The loop does not claim now (it waits for free slots, or the claim failed): what it heard is
   * news, and the attempts' ends claim.
   */
  function leaveClaimToAttemptsEnds(): void {
    heard = [];
    mayHaveLeftSome = true;
    forgetPassedDueTime(context.now());
  }

  /**
   * Signs the envelope again with a fresh createdAt when the stored signing is getting old, or lies
   * in the future (signed while this node's clock ran ahead, since corrected): either way the
   * receiver would refuse it as stale.
   */
  async function freshSigning(message: StoredOutboxMessage, now: Date): Promise<StoredOutboxMessage> {
    const envelope = unverifiedPayloadOf(message.message);
    if (envelope === undefined) return message;
    const createdAt = typeof envelope.createdAt === 'string' ? Date.parse(envelope.createdAt) : Number.NaN;
    const age = now.getTime() - createdAt;
    if (!Number.isNaN(createdAt) && age <= resignAfterMs && -age <= resignAfterMs) return message;
    const resigned = await signEnvelope(
      { ...envelope, createdAt: now.toISOString() },
      runtime.identity.keys.signing,
    );
    const previousDigests = [...message.previousDigests, message.digest];
    const digest = messageDigest(resigned);
    await replaceMessageSigning(context.db, message.id, { message: resigned, digest, previousDigests });
    return { ...message, message: resigned, digest, previousDigests };
  }

  /** Whether the receipt verifies for this message (any of its signings). */
  async function isReceiptValid(
    receipt: string,
    message: StoredOutboxMessage,
    peer: DirectoryNode,
  ): Promise<boolean> {
    const receiverKey = signingKeysOf(peer);
    if (receiverKey.length === 0) return false;
    for (const expectedDigest of [message.digest, ...message.previousDigests].reverse()) {
      const verified = await verifyReceipt(receipt, {
        receiverKey,
        expectedMessageId: message.id,
        expectedDigest,
        expectedFrom: peer.nodeId,
        expectedTo: runtime.identity.nodeId,
        now: context.now(),
      });
      if (verified.ok) return true;
      if (verified.reason !== 'wrong-digest') return false;
    }
    return false;
  }

  /** Receipts verified and waiting to be written, each with the attempt waiting for it. */
  const receiptsToRecord: { delivery: Delivery; resolve: () => void; reject: (error: unknown) => void }[] =
    [];
  let isRecordingReceipts = false;

  /**
   * Group commit: the receipts verified while a write is running are written together by the
   * next one (one statement for all of them). An idle worker writes a receipt at once, so this
   * adds no delay; under load it saves a statement per message. Resolves once this receipt is
   * committed.
   */
  function recordReceipt(delivery: Delivery): Promise<void> {
    return new Promise((resolve, reject) => {
      receiptsToRecord.push({ delivery, resolve, reject });
      if (!isRecordingReceipts) void writeReceipts();
    });
  }

  async function writeReceipts(): Promise<void> {
    isRecordingReceipts = true;
    try {
      while (receiptsToRecord.length > 0) {
        const batch = receiptsToRecord.splice(0, MAX_RECEIPTS_PER_WRITE);
        try {
          await recordDeliveries(
            context.db,
            batch.map((item) => item.delivery),
          );
          for (const item of batch) item.resolve();
        } catch (error) {
          for (const item of batch) item.reject(error);
        }
      }
    } finally {
      isRecordingReceipts = false;
    }
  }

  async function markDelivered(
    message: StoredOutboxMessage,
    receipt: string,
    statusCode: number,
  ): Promise<void> {
    const now = context.now();
    const definition = runtime.messages.find(message.type);
    await recordReceipt({
      id: message.id,
      receipt,
      receiptReceivedAt: now,
      now,
      statusCode,
      effect: definition?.onOutcome('delivered', message),
    });
    // A request's screens show its delivery; a queue of its own (duty.status) is no request's.
    if (definition?.isAboutRequest !== false) {
      context.live.publish({ kind: 'case-changed', requestId: message.caseId, at: now.toISOString() });
    }
    context.metrics?.messageDelivered(
      message.peerNodeId,
      (now.getTime() - message.createdAt.getTime()) / 1000,
    );
    const previous = peerStates.get(message.peerNodeId);
    const isAlreadyHealthy =
      previous !== undefined &&
      circuitOf(message.peerNodeId).status === 'closed' &&
      previous.consecutiveFailures === 0 &&
      previous.lastSuccessAt !== null &&
      now.getTime() - previous.lastSuccessAt.getTime() < 1000;
    if (!isAlreadyHealthy) {
      await recordPeerSuccess(context.db, message.peerNodeId, {
        circuit: recordSuccess(circuitOf(message.peerNodeId)),
        now,
      });
      peerStates.set(message.peerNodeId, {
        peerNodeId: message.peerNodeId,
        circuit: recordSuccess(circuitOf(message.peerNodeId)),
        consecutiveFailures: 0,
        totalFailures: previous?.totalFailures ?? 0,
        lastSuccessAt: now,
        lastFailureAt: previous?.lastFailureAt ?? null,
        lastError: previous?.lastError ?? null,
      });
    }
  }

  async function markFailure(
    message: StoredOutboxMessage,
    kind: 'transient' | 'permanent',
    statusCode: number | null,
    error: string,
    isPeerReachable: boolean,
  ): Promise<AttemptResult> {
    const now = context.now();
    const attempt = message.attempts + 1;
    const delay = nextRetryDelay(
      { attempt, elapsedMs: now.getTime() - message.createdAt.getTime(), random: random(), failure: kind },
      retryPolicy,
    );
    const nextAttemptAt = delay === null ? null : new Date(now.getTime() + delay);
    await context.db.transaction().execute(async (trx) => {
      const isRecorded = await recordAttemptFailure(trx, message.id, {
        now,
        nextAttemptAt,
        statusCode,
        error,
      });
      if (isRecorded && nextAttemptAt !== null) expectDueAt(nextAttemptAt);
      if (isRecorded && nextAttemptAt === null) {
        await applySenderEffect(trx, runtime.messages.find(message.type)?.onOutcome('failed', message), now);
      }
    });
    context.metrics?.deliveryFailed(message.peerNodeId);
    // Circuit: only "cannot reach / failing" counts; a refusal of one message shows the peer is up.
    const current = circuitOf(message.peerNodeId);
    const circuit = isPeerReachable ? recordSuccess(current) : recordFailure(current, now, circuitPolicy);
    await recordPeerFailure(context.db, message.peerNodeId, {
      circuit,
      consecutiveFailures: circuit.consecutiveFailures,
      now,
      error,
    });
    const previous = peerStates.get(message.peerNodeId);
    peerStates.set(message.peerNodeId, {
      peerNodeId: message.peerNodeId,
      circuit,
      consecutiveFailures: circuit.consecutiveFailures,
      totalFailures: (previous?.totalFailures ?? 0) + 1,
      lastSuccessAt: previous?.lastSuccessAt ?? null,
      lastFailureAt: now,
      lastError: error,
    });
    return nextAttemptAt === null ? 'failed' : 'retrying';
  }

  /**
   * The checks before a message is posted (a peer in the directory, an endpoint it may be sent
   * to) and a fresh signing if need be; the attempt's result when it cannot be posted now.
   */
  async function prepareAttempt(claimed: StoredOutboxMessage): Promise<AttemptResult | ReadyMessage> {
    if (isStopped) {
      await releaseClaim(context.db, claimed.id);
      return 'released';
    }
    const peer = runtime.directory.findNode(claimed.peerNodeId);
    if (!peer) {
      // Without a usable directory (start-up, or expired while the secretariat is unreachable) this
      // says nothing about the peer: wait for a fresh directory.
      if (runtime.directory.describe() === undefined) {
        return markFailure(claimed, 'transient', null, 'the directory of nodes is not available yet', true);
      }
      const expiredSince = runtime.directory.expiredSince();
      if (expiredSince) {
        return markFailure(
          claimed,
          'transient',
          null,
          `the directory of nodes expired at ${expiredSince}; waiting for a fresh one from the secretariat`,
          true,
        );
      }
      return markFailure(
        claimed,
        'permanent',
        null,
        `node ${claimed.peerNodeId} is not in the directory (unknown recipient)`,
        true,
      );
    }
    const refusedEndpoint = refusedEndpointReason(
      peer.endpoint,
      context.config.federation.allowsPlainHttpPeers,
    );
    if (refusedEndpoint) {
      // Queued before the directory changed the endpoint: it waits for an https one, never goes out in clear.
      return markFailure(claimed, 'transient', null, refusedEndpoint, true);
    }
    const message = await freshSigning(claimed, context.now());
    return { message, peer, endpoint: peer.endpoint.replace(/\/+$/, '') };
  }

  /** What the peer's answer about a message means: delivered, failed, or a retry. */
  async function settleAnswer(ready: ReadyMessage, answer: MessageAnswer): Promise<AttemptResult> {
    const { message, peer } = ready;
    const receipt = memberOf(answer.json, 'receipt');
    const hasValidReceipt = receipt !== undefined && (await isReceiptValid(receipt, message, peer));
    if (answer.status === 200 && hasValidReceipt) {
      await markDelivered(message, receipt, answer.status);
      return 'delivered';
    }
    const problemType = memberOf(answer.json, 'type');
    const kind = classifyFailure({
      kind: 'response',
      status: answer.status,
      ...(problemType ? { problemType } : {}),
      hasValidReceipt,
    });
    if (kind === 'duplicate-delivered' && receipt !== undefined) {
      await markDelivered(message, receipt, answer.status);
      return 'delivered';
    }
    const reason = federationReasonOf(problemType);
    const detail = memberOf(answer.json, 'detail') ?? answer.text.slice(0, 300);
    const error =
      answer.status === 200
        ? `${peer.nodeId} answered 200 without a receipt that verifies`
        : `${peer.nodeId} answered ${answer.status}${reason ? ` ${reason}` : ''}: ${detail}`;
    const isPeerReachable = !(answer.status >= 500 || answer.status === 429 || answer.status === 408);
    return markFailure(
      message,
      kind === 'permanent' ? 'permanent' : 'transient',
      answer.status,
      error,
      isPeerReachable,
    );
  }

  /** Posts one message to its peer's /federation/v1/messages. */
  async function postAlone(ready: ReadyMessage): Promise<AttemptResult> {
    const url = `${ready.endpoint}${MESSAGES_PATH}`;
    let posted: { status: number; text: string };
    try {
      posted = await poster.post(url, ready.message.message, settings.deliveryTimeoutMs);
    } catch (error) {
      // No answer (refused, reset, timeout): always transient (failure-classification.ts).
      return markFailure(ready.message, 'transient', null, `${url}: ${describeError(error)}`, false);
    }
    return settleAnswer(ready, { status: posted.status, ...parseAnswer(posted.text) });
  }

  /** Peers that answered that they serve no batches, until when they are sent messages one by one. */
  const batchlessUntil = new Map<string, number>();

  function takesBatches(peerNodeId: string): boolean {
    const until = batchlessUntil.get(peerNodeId);
    return until === undefined || performance.now() >= until;
  }

  /** What one exchange of a batch brought back: an answer, or none (refused, reset, timeout). */
  type BatchExchange =
    | Readonly<{ kind: 'answer'; answer: MessageAnswer; items: MessageAnswer[] | undefined }>
    | Readonly<{ kind: 'no-answer'; failure: string }>;

  /** Posts a batch; never rejects (no answer is an outcome). */
  async function exchangeBatch(readies: readonly ReadyMessage[], url: string): Promise<BatchExchange> {
    const body = JSON.stringify({ messages: readies.map((ready) => ready.message.message) });
    try {
      const posted = await poster.post(url, body, settings.deliveryTimeoutMs, 'application/json');
      const answer = { status: posted.status, ...parseAnswer(posted.text) };
      return { kind: 'answer', answer, items: batchItemsOf(answer.json, readies.length) };
    } catch (error) {
      return { kind: 'no-answer', failure: `${url}: ${describeError(error)}` };
    }
  }

  /**
   * Posts messages for one peer in one exchange; each is answered as it would be alone. One
   * promise per message, each settled on its own: a failure while recording one message's outcome
   * touches no other.
   */
  function postBatch(readies: readonly ReadyMessage[]): Promise<AttemptResult>[] {
    const first = readies[0];
    if (first === undefined) return [];
    if (readies.length === 1) return [postAlone(first)];
    const exchange = exchangeBatch(readies, `${first.endpoint}${MESSAGE_BATCHES_PATH}`);
    return readies.map(async (ready, index) => {
      const outcome = await exchange;
      if (outcome.kind === 'no-answer') {
        return markFailure(ready.message, 'transient', null, outcome.failure, false);
      }
      switch (classifyBatchAnswer(outcome.answer.status)) {
        case 'transient':
          return settleAnswer(ready, outcome.answer);
        case 'not-served':
          batchlessUntil.set(ready.peer.nodeId, performance.now() + BATCHLESS_RECHECK_MS);
          return postAlone(ready);
        case 'refused':
          return postAlone(ready);
        case 'answered':
          // An answer that is not one item per message: as a 200 without a receipt, for each.
          return settleAnswer(ready, outcome.items?.[index] ?? outcome.answer);
      }
    });
  }

  /**
   * Delivers claimed messages for one peer: checked and signed each, then posted in batches when
   * the peer takes them (one by one otherwise). One promise per message, in the order given, each
   * settled on its own: a message whose checks fail waits for no post, and fails no other.
   */
  function deliverTogether(messages: readonly StoredOutboxMessage[]): Promise<AttemptResult>[] {
    const prepared = messages.map((message) => prepareAttempt(message));
    const posts = Promise.allSettled(prepared).then((settled) => {
      const readies = settled.flatMap((outcome) =>
        outcome.status === 'fulfilled' && typeof outcome.value !== 'string' ? [outcome.value] : [],
      );
      const running = new Map<string, Promise<AttemptResult>>();
      const peerNodeId = readies[0]?.peer.nodeId;
      if (peerNodeId !== undefined && readies.length > 1 && takesBatches(peerNodeId)) {
        const { batches, alone } = splitIntoBatches(readies, (ready) => ready.message.message);
        for (const batch of batches) {
          const results = postBatch(batch);
          for (const [index, ready] of batch.entries()) running.set(ready.message.id, results[index]!);
        }
        for (const ready of alone) running.set(ready.message.id, postAlone(ready));
      } else {
        for (const ready of readies) running.set(ready.message.id, postAlone(ready));
      }
      return running;
    });
    return prepared.map(async (preparation) => {
      const ready = await preparation;
      if (typeof ready === 'string') return ready;
      return (await posts).get(ready.message.id) ?? 'released';
    });
  }

  /** Counts an attempt in flight until it ends; a failure of its own releases the claim. */
  function track(message: StoredOutboxMessage, work: Promise<AttemptResult>): Promise<AttemptResult> {
    peersInFlight.set(message.peerNodeId, (peersInFlight.get(message.peerNodeId) ?? 0) + 1);
    const running = work
      .catch(async (error: unknown): Promise<AttemptResult> => {
        onError(error);
        // The lease expires by itself if even this fails.
        await releaseClaim(context.db, message.id).catch(() => undefined);
        return 'released';
      })
      .then((result) => {
        inFlight.delete(message.id);
        const count = (peersInFlight.get(message.peerNodeId) ?? 1) - 1;
        if (count <= 0) peersInFlight.delete(message.peerNodeId);
        else peersInFlight.set(message.peerNodeId, count);
        // A slot is free and the next message of the case may now be due; a message not delivered
        // has a retry to wait for (the loop reads the next due time once nothing is in flight).
        if (mayHaveLeftSome || result !== 'delivered') wakeLoop();
        return result;
      });
    inFlight.set(message.id, running);
    return running;
  }

  /** Starts the attempts of claimed messages, a peer's together; results in the order given. */
  function launch(messages: readonly StoredOutboxMessage[]): Promise<AttemptResult>[] {
    const byPeer = new Map<string, StoredOutboxMessage[]>();
    for (const message of messages) {
      const group = byPeer.get(message.peerNodeId);
      if (group) group.push(message);
      else byPeer.set(message.peerNodeId, [message]);
    }
    const running = new Map<string, Promise<AttemptResult>>();
    for (const group of byPeer.values()) {
      const attempts = deliverTogether(group);
      for (const [index, message] of group.entries())
        running.set(message.id, track(message, attempts[index]!));
    }
    return messages.map((message) => running.get(message.id) ?? Promise.resolve('released'));
  }

  /**
   * Offers to post at commit a message this process is queuing (the module's "Hand-offs"): only
   * when the loop runs, nothing is in flight or offered, and the peer's circuit is closed (the
   * peers' states read again if the last reading is a second old, as a claim does).
   */
  async function offerHandOff(peerNodeId: string): Promise<DeliveryHandOff | undefined> {
    const isIdle = () => isStarted && !isStopped && inFlight.size === 0 && handOffsOffered === 0;
    if (!isIdle()) return undefined;
    try {
      await refreshPeerStates();
    } catch {
      return undefined;
    }
    const now = context.now();
    if (!isIdle() || circuitAt(circuitOf(peerNodeId), now, circuitPolicy).status !== 'closed') {
      return undefined;
    }
    handOffsOffered += 1;
    let isSettled = false;
    const settle = (): boolean => {
      if (isSettled) return false;
      isSettled = true;
      handOffsOffered -= 1;
      return true;
    };
    return {
      leaseUntil: new Date(now.getTime() + leaseMs),
      deliver: (message) => {
        if (!settle()) return;
        // Its NOTIFY, if any, is no news; a stopped worker releases it (prepareAttempt).
        rememberClaimed([message]);
        void launch([message]);
      },
      release: () => {
        settle();
      },
    };
  }

  async function runOnce(): Promise<DeliveryRoundReport> {
    const report: DeliveryRoundReport = { attempted: 0, delivered: 0, failed: 0, retrying: 0 };
    const attempted = new Set<string>();
    for (;;) {
      const claimed = await claim(settings.deliveryConcurrency);
      const fresh = claimed.filter((message) => !attempted.has(message.id));
      // A message already tried in this run (its retry is due at once): leave it for the next run.
      for (const message of claimed)
        if (attempted.has(message.id)) await releaseClaim(context.db, message.id);
      if (fresh.length === 0) return report;
      for (const message of fresh) attempted.add(message.id);
      const results = await Promise.all(launch(fresh));
      for (const result of results) {
        if (result === 'released') continue;
        report.attempted += 1;
        report[result] += 1;
      }
    }
  }

  async function sleep(): Promise<void> {
    if (isWakeRequested || isStopped || heard.length > 0) return;
    let timeoutMs =
      failedRounds === 0
        ? settings.deliveryPollMs
        : Math.max(
            settings.deliveryPollMs,
            reconnectDelayMs(failedRounds, databaseTimeoutsOf(context.config.database).retryMaxMs),
          );
    // While attempts are in flight, no need to ask for the next due time (a query per finished
    // attempt under load): the loop keeps the one it knows; the poll interval bounds the wait anyway.
    if (inFlight.size === 0) {
      // Messages due by the time of a claim that took nothing wait on something else (the message
      // before them in their case, their peer's circuit, another process's lease), whose end or
      // the poll brings them: the time to wait for is the next one after that claim (waiting 0 ms
      // would claim nothing again and again).
      const nextDue = await findNextDueTime(context.db, emptyClaimAt).catch(() => undefined);
      knownDueAtMs = nextDue?.getTime();
    }
    if (knownDueAtMs !== undefined) {
      timeoutMs = Math.max(0, Math.min(timeoutMs, knownDueAtMs - context.now().getTime()));
    }
    if (isWakeRequested || isStopped || heard.length > 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      wakeWaiter = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    wakeWaiter = undefined;
  }

  async function runLoop(): Promise<void> {
    while (!isStopped) {
      isWakeRequested = false;
      try {
        // Under load, claim in batches (a quarter of the slots at least) rather than one message per
        // finished attempt; when idle, claim at once so a new message leaves without delay.
        const free = settings.deliveryConcurrency - inFlight.size - handOffsOffered;
        if (inFlight.size === 0 || free >= minimumBatch) {
          const claimed = await claim(free);
          void launch(claimed);
        } else {
          leaveClaimToAttemptsEnds();
        }
        failedRounds = 0;
      } catch (error) {
        failedRounds += 1;
        onError(error);
        // Not again at once: the back-off below applies.
        leaveClaimToAttemptsEnds();
      }
      // A wake-up, the end of an attempt that leaves a claim to make, a due time or the poll.
      await sleep();
    }
  }

  function listen(): Promise<void> {
    const database = context.config.database;
    if (database.kind !== 'postgres' || isStopped) return Promise.resolve();
    // Other processes of the node notify after queuing messages; after each (re)connection the
    // outbox is looked at, since notifications sent meanwhile were lost. Polling goes on anyway.
    listener = listenForNotifications({
      url: database.url,
      channel: OUTBOX_CHANNEL,
      timeouts: databaseTimeoutsOf(database),
      onNotification,
      onConnected: wake,
      onError,
    });
    return listener.ready;
  }

  return {
    wake,
    offerHandOff,
    runOnce,
    /** Starts the loop; resolves once LISTEN is in place on PostgreSQL (polling works meanwhile). */
    start: async () => {
      if (isStarted) return;
      isStarted = true;
      loop = runLoop();
      await listen();
    },
    stop: async () => {
      isStopped = true;
      wakeLoop();
      await loop;
      await Promise.allSettled([...inFlight.values()]);
      poster.close();
      await listener?.close();
      listener = undefined;
    },
  };
}

/**
 * Starts the delivery worker of this process: `wake()` after committing outbox messages, `stop()`
 * at shut-down (it waits for the attempts in flight).
 */
export function startDeliveryWorker(
  context: AppContext,
  runtime: FederationRuntime,
  options: DeliveryWorkerOptions = {},
): DeliveryWorker {
  const worker = createDeliveryWorker(context, runtime, options);
  void worker.start();
  return worker;
}
