/**
 * All SQL about the outbox: the messages this node must deliver to peers, with their attempts and
 * receipts. A message row is written in the same transaction as the change it announces
 * (transactional outbox), so a change is never committed without its message, nor the reverse.
 *
 * Claiming is safe with several processes on one PostgreSQL: due rows are selected with
 * `FOR UPDATE SKIP LOCKED` and leased (`claimed_until`) in the same transaction, so no other
 * process posts a message while its lease runs; the lease is released when the attempt is
 * recorded, and expires by itself if the process dies. Only the oldest undelivered message of a
 * case is ever claimable, so the messages of a case leave in order.
 */
import { type Kysely, sql } from 'kysely';
import { compiledOnce, type ValueOf } from './compiled-once.ts';
import type { SenderEffect } from './message-effects.ts';
import { notifyChannel } from './notifications.ts';
import type { Database } from './schema.ts';
import { UUID_PATTERN } from '../core/ids.ts';

/** The PostgreSQL NOTIFY channel a commit that queues messages signals on (delivery workers LISTEN). */
export const OUTBOX_CHANNEL = 'comity_outbox';

/** Wakes the delivery workers of every process of the node (PostgreSQL only; a no-op on PGlite). */
export async function notifyOutboxWorkers(
  db: Kysely<Database>,
  databaseKind: 'pglite' | 'postgres',
): Promise<void> {
  if (databaseKind === 'postgres') await notifyChannel(db, OUTBOX_CHANNEL);
}

export type OutboxStatus = 'pending' | 'delivered' | 'failed' | 'cancelled';
export const OUTBOX_STATUSES: readonly OutboxStatus[] = ['pending', 'delivered', 'failed', 'cancelled'];

/**
 * `'pending'` written into the statement's text, not passed as a parameter, in the statements that
 * look for the few pending messages among the many delivered ones. On PostgreSQL the node's
 * statements are prepared once per connection (database.ts), and a prepared statement may run on
 * a generic plan, made without its parameters' values: with `status = $1` that plan cannot use
 * the partial index on pending messages and reads the whole outbox (32 ms per claim once it held
 * 1,500 messages). With the literal, every plan knows it looks for pending messages.
 */
const PENDING = sql.lit<OutboxStatus>('pending');

/** An outbox message as the services see it. */
export type StoredOutboxMessage = Readonly<{
  id: string;
  sequence: number;
  caseId: string;
  peerNodeId: string;
  type: string;
  message: string;
  digest: string;
  previousDigests: readonly string[];
  status: OutboxStatus;
  attempts: number;
  nextAttemptAt: Date;
  claimedUntil: Date | null;
  lastAttemptAt: Date | null;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: Date;
  deliveredAt: Date | null;
  receipt: string | null;
  receiptReceivedAt: Date | null;
}>;

export type NewOutboxMessage = Readonly<{
  id: string;
  caseId: string;
  peerNodeId: string;
  type: string;
  message: string;
  digest: string;
  now: Date;
}>;

type OutboxRow = Readonly<{
  id: string;
  sequence: number | string;
  case_id: string;
  peer_node_id: string;
  type: string;
  message: string;
  digest: string;
  previous_digests: unknown;
  status: string;
  attempts: number;
  next_attempt_at: Date | string;
  claimed_until: Date | string | null;
  last_attempt_at: Date | string | null;
  last_status_code: number | null;
  last_error: string | null;
  created_at: Date | string;
  delivered_at: Date | string | null;
  receipt: string | null;
  receipt_received_at: Date | string | null;
}>;

function dateOrNull(value: Date | string | null): Date | null {
  return value === null ? null : new Date(value);
}

function parseDigests(value: unknown): string[] {
  const parsed = typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
  return Array.isArray(parsed) ? parsed.filter((item): item is string => typeof item === 'string') : [];
}

function toStoredMessage(row: OutboxRow): StoredOutboxMessage {
  return {
    id: row.id,
    sequence: Number(row.sequence),
    caseId: row.case_id,
    peerNodeId: row.peer_node_id,
    type: row.type,
    message: row.message,
    digest: row.digest,
    previousDigests: parseDigests(row.previous_digests),
    status: row.status as OutboxStatus,
    attempts: Number(row.attempts),
    nextAttemptAt: new Date(row.next_attempt_at),
    claimedUntil: dateOrNull(row.claimed_until),
    lastAttemptAt: dateOrNull(row.last_attempt_at),
    lastStatusCode: row.last_status_code === null ? null : Number(row.last_status_code),
    lastError: row.last_error,
    createdAt: new Date(row.created_at),
    deliveredAt: dateOrNull(row.delivered_at),
    receipt: row.receipt,
    receiptReceivedAt: dateOrNull(row.receipt_received_at),
  };
}

/**
 * The row a statement inserted leased to this process (QueuedMessage.leaseUntil in
 * federation-requests.repository.ts), as a claim would have read it.
 */
export function leasedOutboxMessage(
  message: NewOutboxMessage & Readonly<{ sequence: number; leaseUntil: Date }>,
): StoredOutboxMessage {
  return {
    id: message.id,
    sequence: message.sequence,
    caseId: message.caseId,
    peerNodeId: message.peerNodeId,
    type: message.type,
    message: message.message,
    digest: message.digest,
    previousDigests: [],
    status: 'pending',
    attempts: 0,
    nextAttemptAt: message.now,
    claimedUntil: message.leaseUntil,
    lastAttemptAt: null,
    lastStatusCode: null,
    lastError: null,
    createdAt: message.now,
    deliveredAt: null,
    receipt: null,
    receiptReceivedAt: null,
  };
}

export async function insertOutboxMessage(db: Kysely<Database>, message: NewOutboxMessage): Promise<void> {
  await db
    .insertInto('outbox_messages')
    .values({
      id: message.id,
      case_id: message.caseId,
      peer_node_id: message.peerNodeId,
      type: message.type,
      message: message.message,
      digest: message.digest,
      status: 'pending',
      next_attempt_at: message.now,
      created_at: message.now,
    })
    .execute();
}

export async function findOutboxMessage(
  db: Kysely<Database>,
  id: string,
): Promise<StoredOutboxMessage | undefined> {
  const row = await db.selectFrom('outbox_messages').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toStoredMessage(row) : undefined;
}

/**
 * The first message this node sent for a case: for a request drafted here, the message that
 * carried the request (the case's later messages carry its transitions).
 */
export async function findFirstMessageOfCase(
  db: Kysely<Database>,
  caseId: string,
): Promise<StoredOutboxMessage | undefined> {
  const row = await db
    .selectFrom('outbox_messages')
    .selectAll()
    .where('case_id', '=', caseId)
    .orderBy('sequence', 'asc')
    .limit(1)
    .executeTakeFirst();
  return row ? toStoredMessage(row) : undefined;
}

export type OutboxListFilter = Readonly<{ status?: OutboxStatus; peerNodeId?: string; limit: number }>;

/** Oldest first (the order they leave in). */
export async function listOutboxMessages(
  db: Kysely<Database>,
  filter: OutboxListFilter,
): Promise<StoredOutboxMessage[]> {
  let query = db.selectFrom('outbox_messages').selectAll();
  if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  if (filter.peerNodeId !== undefined) query = query.where('peer_node_id', '=', filter.peerNodeId);
  const rows = await query.orderBy('sequence').limit(filter.limit).execute();
  return rows.map(toStoredMessage);
}

export type ClaimRequest = Readonly<{
  now: Date;
  /** The lease: no other process claims the messages before this time. */
  leaseUntil: Date;
  /** Most messages to claim. */
  limit: number;
  /** Peers whose circuit is open: none of their messages is claimed. */
  excludedPeers: readonly string[];
  /** Peers whose circuit is half-open: at most one message each (the trial). */
  trialPeers: readonly string[];
}>;

/**
 * The due messages a claim may take, oldest first, locked with SKIP LOCKED: pending, due, not
 * leased by another process, not to an excluded peer, and the oldest undelivered (pending or
 * failed) message of their case.
 */
function selectClaimable(
  db: Kysely<Database>,
  request: Pick<ClaimRequest, 'now' | 'excludedPeers'>,
  limit: number,
) {
  let query = db
    .selectFrom('outbox_messages as o')
    .where('o.status', '=', PENDING)
    .where('o.next_attempt_at', '<=', request.now)
    .where((eb) => eb.or([eb('o.claimed_until', 'is', null), eb('o.claimed_until', '<=', request.now)]))
    // The oldest undelivered message of its case, asked as a scalar subquery: PostgreSQL runs it
    // once per candidate through the partial index of undelivered messages by case (one index
    // probe). Written as NOT EXISTS, the planner could join it as a scan of every undelivered
    // message per candidate: quadratic in the backlog.
    .where(
      'o.sequence',
      '=',
      sql<number>`(select min(earlier.sequence) from outbox_messages earlier
        where earlier.case_id = o.case_id and earlier.status in ('pending', 'failed'))`,
    );
  if (request.excludedPeers.length > 0) {
    query = query.where('o.peer_node_id', 'not in', [...request.excludedPeers]);
  }
  return query.orderBy('o.sequence').limit(limit).forUpdate().skipLocked();
}

/** A claimed message, and whether a later message of its case waits undelivered behind it. */
export type ClaimedOutboxMessage = StoredOutboxMessage & Readonly<{ hasLaterInCase: boolean }>;

/** Whether a later undelivered message of the same case exists (an index probe: undelivered by case). */
function hasLaterInCase(table: 'o' | 'outbox_messages') {
  return sql<boolean>`exists (select 1 from outbox_messages later
    where later.case_id = ${sql.ref(`${table}.case_id`)} and later.status in ('pending', 'failed')
      and later.sequence > ${sql.ref(`${table}.sequence`)})`.as('has_later_in_case');
}

/** The claim of one statement: the claimable messages leased and returned. */
function claimFrom(
  db: Kysely<Database>,
  request: Pick<ClaimRequest, 'now' | 'leaseUntil' | 'limit'>,
  excludedPeers: readonly string[],
) {
  return db
    .updateTable('outbox_messages')
    .set({ claimed_until: request.leaseUntil })
    .where('id', 'in', selectClaimable(db, { now: request.now, excludedPeers }, request.limit).select('o.id'))
    .returningAll()
    .returning(hasLaterInCase('outbox_messages'));
}

// The claim when every peer's circuit is closed, as it is most of the time (compiled-once.ts).
const claimFromEveryPeer = compiledOnce(
  (db, value: ValueOf<Pick<ClaimRequest, 'now' | 'leaseUntil' | 'limit'>>) =>
    claimFrom(db, { now: value('now'), leaseUntil: value('leaseUntil'), limit: value('limit') }, []),
);

/**
 * Claims due messages for posting (see selectClaimable), oldest first. The rows are locked with
 * SKIP LOCKED while they are leased, so two processes never claim the same message. Without a
 * half-open peer this is ONE statement (UPDATE ... WHERE id IN (SELECT ... FOR UPDATE SKIP
 * LOCKED) RETURNING): claims run all the time under load, and a transaction would cost three
 * more round trips. With half-open peers (one trial message each), candidates are read, filtered
 * and leased in a transaction.
 */
export async function claimDueMessages(
  db: Kysely<Database>,
  request: ClaimRequest,
): Promise<ClaimedOutboxMessage[]> {
  if (request.limit <= 0) return [];
  const claimedOf = (row: OutboxRow & { has_later_in_case: boolean }): ClaimedOutboxMessage => ({
    ...toStoredMessage(row),
    hasLaterInCase: row.has_later_in_case,
  });
  if (request.trialPeers.length === 0) {
    const rows =
      request.excludedPeers.length === 0
        ? await claimFromEveryPeer(db, request)
        : await claimFrom(db, request, request.excludedPeers).execute();
    return rows.map(claimedOf).sort((a, b) => a.sequence - b.sequence);
  }
  return db.transaction().execute(async (trx) => {
    const candidates = await selectClaimable(trx, request, request.limit)
      .selectAll('o')
      .select(hasLaterInCase('o'))
      .execute();
    const trialPeers = new Set(request.trialPeers);
    const trialTaken = new Set<string>();
    const chosen = candidates.filter((row) => {
      if (!trialPeers.has(row.peer_node_id)) return true;
      if (trialTaken.has(row.peer_node_id)) return false;
      trialTaken.add(row.peer_node_id);
      return true;
    });
    if (chosen.length === 0) return [];
    await trx
      .updateTable('outbox_messages')
      .set({ claimed_until: request.leaseUntil })
      .where(
        'id',
        'in',
        chosen.map((row) => row.id),
      )
      .execute();
    return chosen.map((row) => claimedOf({ ...row, claimed_until: request.leaseUntil }));
  });
}

/**
 * Replaces the posted bytes of a pending message (signed afresh), remembering the old digest so a
 * receipt for the earlier signing still proves delivery.
 */
export async function replaceMessageSigning(
  db: Kysely<Database>,
  id: string,
  signing: Readonly<{ message: string; digest: string; previousDigests: readonly string[] }>,
): Promise<void> {
  await db
    .updateTable('outbox_messages')
    .set({
      message: signing.message,
      digest: signing.digest,
      previous_digests: JSON.stringify(signing.previousDigests),
    })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .execute();
}

/**
 * Records a verified receipt: the message is delivered (whatever its status was: a receipt is
 * proof, even for a message cancelled while it was in flight). Returns the case id.
 */
export async function recordDelivered(
  db: Kysely<Database>,
  id: string,
  delivery: Readonly<{ receipt: string; receiptReceivedAt: Date; now: Date; statusCode: number }>,
): Promise<void> {
  await db
    .updateTable('outbox_messages')
    .set((eb) => ({
      status: 'delivered',
      attempts: eb('attempts', '+', 1),
      // A message delivered again (a restored peer asked for it) keeps its first receipt.
      receipt: eb.fn.coalesce('receipt', eb.val(delivery.receipt)),
      receipt_received_at: eb.fn.coalesce('receipt_received_at', eb.val(delivery.receiptReceivedAt)),
      delivered_at: eb.fn.coalesce('delivered_at', eb.val(delivery.now)),
      last_attempt_at: delivery.now,
      last_status_code: delivery.statusCode,
      last_error: null,
      claimed_until: null,
    }))
    .where('id', '=', id)
    .where('status', '!=', 'delivered')
    .execute();
}

/** A verified receipt to record (see recordDeliveries). */
export type Delivery = Readonly<{
  id: string;
  receipt: string;
  receiptReceivedAt: Date;
  now: Date;
  statusCode: number;
  /** What the message's module says follows its delivery (the request it carries shows 'delivered'...). */
  effect?: SenderEffect | undefined;
}>;

/** The request a sender effect changes, when it names one that can exist (a UUID). */
function requestIdOf(effect: SenderEffect | undefined): string | null {
  return effect !== undefined && UUID_PATTERN.test(effect.requestId) ? effect.requestId : null;
}

/**
 * Records several verified receipts in ONE statement: each message becomes delivered as
 * recordDelivered says (a message delivered again keeps its first receipt), and its effect is written (the outgoing request it carried shows 'delivered'). Both updates are
 * parts of a single statement, hence of a single transaction. The delivery worker records the
 * receipts that arrive while a previous batch is being written together (group commit).
 */
export async function recordDeliveries(db: Kysely<Database>, deliveries: readonly Delivery[]): Promise<void> {
  if (deliveries.length === 0) return;
  const rows = sql.join(
    deliveries.map(
      (delivery) =>
        sql`(${delivery.id}::uuid, ${delivery.receipt}::text, ${delivery.receiptReceivedAt}::timestamptz,
             ${delivery.now}::timestamptz, ${delivery.statusCode}::integer,
             ${requestIdOf(delivery.effect)}::uuid, ${delivery.effect?.state ?? null}::text)`,
    ),
  );
  await sql`
    with batch (id, receipt, receipt_received_at, now, status_code, request_id, request_state) as (values ${rows}),
    delivered as (
      update outbox_messages o
         set status = 'delivered', attempts = o.attempts + 1, receipt = coalesce(o.receipt, batch.receipt),
             receipt_received_at = coalesce(o.receipt_received_at, batch.receipt_received_at),
             delivered_at = coalesce(o.delivered_at, batch.now),
             last_attempt_at = batch.now, last_status_code = batch.status_code, last_error = null,
             claimed_until = null
        from batch
       where o.id = batch.id and o.status <> 'delivered'
      returning o.id
    ), requests_delivered as (
      update requests r
         set delivery_state = batch.request_state, updated_at = batch.now
        from batch
       where r.id = batch.request_id and r.direction = 'outgoing'
      returning r.id
    )
    select (select count(*) from delivered) as delivered,
           (select count(*) from requests_delivered) as requests`.execute(db);
}

/**
 * Records a failed attempt of a message still pending: retried at `nextAttemptAt`, or failed for
 * good when it is null. A message cancelled meanwhile stays cancelled. Returns whether it changed.
 */
export async function recordAttemptFailure(
  db: Kysely<Database>,
  id: string,
  failure: Readonly<{ now: Date; nextAttemptAt: Date | null; statusCode: number | null; error: string }>,
): Promise<boolean> {
  const result = await db
    .updateTable('outbox_messages')
    .set((eb) => ({
      status: failure.nextAttemptAt === null ? 'failed' : 'pending',
      attempts: eb('attempts', '+', 1),
      ...(failure.nextAttemptAt === null ? {} : { next_attempt_at: failure.nextAttemptAt }),
      last_attempt_at: failure.now,
      last_status_code: failure.statusCode,
      last_error: failure.error.slice(0, 2000),
      claimed_until: null,
    }))
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Ends the lease without recording an attempt (the attempt did not happen, e.g. on shut-down). */
export async function releaseClaim(db: Kysely<Database>, id: string): Promise<void> {
  await db.updateTable('outbox_messages').set({ claimed_until: null }).where('id', '=', id).execute();
}

/** A failed or pending message becomes due now. False when it is delivered, cancelled or unknown. */
export async function requeueMessage(db: Kysely<Database>, id: string, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('outbox_messages')
    .set({ status: 'pending', next_attempt_at: now })
    .where('id', '=', id)
    .where('status', 'in', ['pending', 'failed'])
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** A failed or pending message is given up. False when it is delivered, cancelled or unknown. */
export async function cancelMessage(db: Kysely<Database>, id: string): Promise<boolean> {
  const result = await db
    .updateTable('outbox_messages')
    .set({ status: 'cancelled', claimed_until: null })
    .where('id', '=', id)
    .where('status', 'in', ['pending', 'failed'])
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Per peer: messages waiting (pending), failed for good, and the time of the last delivery. */
export type PeerQueueSummary = Readonly<{
  peerNodeId: string;
  pending: number;
  failed: number;
  delivered: number;
  lastDeliveredAt: Date | null;
  /** When the oldest message still waiting was queued (its age is what an operator watches). */
  oldestPendingAt: Date | null;
}>;

export async function summarizeQueuesByPeer(db: Kysely<Database>): Promise<PeerQueueSummary[]> {
  const rows = await db
    .selectFrom('outbox_messages')
    .select((eb) => [
      'peer_node_id',
      eb.fn.countAll<number>().filterWhere('status', '=', 'pending').as('pending'),
      eb.fn.countAll<number>().filterWhere('status', '=', 'failed').as('failed'),
      eb.fn.countAll<number>().filterWhere('status', '=', 'delivered').as('delivered'),
      eb.fn.max('delivered_at').as('last_delivered_at'),
      eb.fn.min('created_at').filterWhere('status', '=', 'pending').as('oldest_pending_at'),
    ])
    .groupBy('peer_node_id')
    .execute();
  return rows.map((row) => ({
    peerNodeId: row.peer_node_id,
    pending: Number(row.pending),
    failed: Number(row.failed),
    delivered: Number(row.delivered),
    lastDeliveredAt: row.last_delivered_at === null ? null : new Date(row.last_delivered_at),
    oldestPendingAt: row.oldest_pending_at === null ? null : new Date(row.oldest_pending_at),
  }));
}

/**
 * Pending messages due later than `latest` (no retry delay is that long: they were scheduled while
 * this node's clock ran ahead, since corrected) become due at `now`, so their retries follow the
 * current clock. Returns how many were moved.
 */
export async function pullInFutureRetries(db: Kysely<Database>, now: Date, latest: Date): Promise<number> {
  const result = await db
    .updateTable('outbox_messages')
    .set({ next_attempt_at: now })
    .where('status', '=', PENDING)
    .where('next_attempt_at', '>', latest)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * Every pending message whose next attempt lies after `now` is due at `now` (the directory is
 * usable again after an outage: waiting out each back-off would only delay them). Returns how many.
 */
export async function makePendingMessagesDue(db: Kysely<Database>, now: Date): Promise<number> {
  const result = await db
    .updateTable('outbox_messages')
    .set({ next_attempt_at: now })
    .where('status', '=', PENDING)
    .where('next_attempt_at', '>', now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * The soonest time a pending message becomes due, for the worker's sleep; only times after
 * `after` when given (the messages due already are waited for otherwise); undefined when none.
 */
export async function findNextDueTime(db: Kysely<Database>, after?: Date): Promise<Date | undefined> {
  let query = db
    .selectFrom('outbox_messages')
    .select((eb) => eb.fn.min('next_attempt_at').as('next'))
    .where('status', '=', PENDING);
  if (after !== undefined) query = query.where('next_attempt_at', '>', after);
  const row = await query.executeTakeFirst();
  return row?.next ? new Date(row.next) : undefined;
}

/** Counts messages by status (for tests and the health screen). */
export async function countOutboxMessages(db: Kysely<Database>, status?: OutboxStatus): Promise<number> {
  let query = db.selectFrom('outbox_messages').select((eb) => eb.fn.countAll<number>().as('count'));
  if (status !== undefined) query = query.where('status', '=', status);
  const row = await query.executeTakeFirstOrThrow();
  return Number(row.count);
}
