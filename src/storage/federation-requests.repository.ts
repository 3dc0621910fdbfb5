/**
 * SQL for the federation side of requests: sending a draft (it becomes 'sent' with a delivery
 * state), following its delivery, and storing a request received from a peer node. Reading
 * requests stays in requests.repository.ts.
 *
 * Incoming requests are created by a system account (FEDERATION_USERNAME): disabled, no roles,
 * no usable password, and a name that no person's account can have (usernames start with a
 * letter or digit), so nobody signs in as it nor edits its requests.
 */
import { type Kysely, sql } from 'kysely';
import type { Database } from './schema.ts';
import { UUID_PATTERN } from '../core/ids.ts';

/**
 * Author of incoming requests. Not a valid username for accounts people create: a system account
 * (src/core/system-accounts.ts), which the node never lets anyone change.
 */
export const FEDERATION_USERNAME = '@federation';

import type { DeliveryState, SenderEffect } from './message-effects.ts';

export type { DeliveryState };

/** The outgoing message that carries a request being sent (see markRequestSentAndQueue). */
export type QueuedMessage = Readonly<{
  id: string;
  type: string;
  message: string;
  digest: string;
  /** When set, NOTIFY on this channel at commit (PostgreSQL: wakes the workers of other processes). */
  notifyChannel?: string;
  /**
   * A lease for this process's delivery worker (a hand-off, delivery-worker.ts): the message is
   * inserted already claimed until then, unless an earlier message of its case is undelivered
   * (the case's messages leave in order), and no NOTIFY is sent for it.
   */
  leaseUntil?: Date;
}>;

/** What a statement that queues a message wrote. */
export type QueueOutcome = Readonly<{
  isQueued: boolean;
  /** The message's place in the outbox (order of queuing), when queued. */
  sequence: number | undefined;
  /** Whether it was inserted leased to this process (see QueuedMessage.leaseUntil). */
  isLeased: boolean;
}>;

export type QueueRow = { queued: number; sequence: number | string | null; leased: boolean | null };

export function queueOutcomeOf(rows: readonly QueueRow[]): QueueOutcome {
  const row = rows[0];
  const isQueued = Number(row?.queued ?? 0) === 1;
  return {
    isQueued,
    sequence: isQueued && row?.sequence != null ? Number(row.sequence) : undefined,
    isLeased: isQueued && row?.leased === true,
  };
}

/**
 * The transactional outbox of sending, in ONE statement: marks a draft still at
 * `expectedRevision` as sent to `peerNodeId` and queues its outgoing message, or does neither.
 * Both writes are data-modifying parts of a single statement, hence of a single transaction; the
 * message is inserted from the updated row, so it exists only if the request changed. One
 * statement instead of BEGIN, UPDATE, INSERT, NOTIFY, COMMIT: sending is on the hot path, and
 * each round trip to the database costs more than the statement itself. False (and nothing
 * written) when the request is no longer that draft.
 */
export async function markRequestSentAndQueue(
  db: Kysely<Database>,
  change: Readonly<{ id: string; expectedRevision: number; peerNodeId: string; now: Date }>,
  queued: QueuedMessage,
): Promise<boolean> {
  const { rows } = await sql<QueueRow>`
    with marked as (
      update requests
         set status = 'sent', direction = 'outgoing', delivery_state = 'pending',
             peer_node_id = ${change.peerNodeId}, revision = revision + 1, updated_at = ${change.now}
       where id = ${change.id} and status = 'draft' and revision = ${change.expectedRevision}
      returning id::text as case_id
    ), ${queueAfter('marked', queued, change.peerNodeId, change.now)}`.execute(db);
  return queueOutcomeOf(rows).isQueued;
}

/**
 * The two-person rule's send, in ONE statement: a second person's approval of a request awaiting
 * approval at `expectedRevision` is recorded, the request is marked sent to `peerNodeId` and its
 * outgoing message is queued, or none of the three happens (the approval was decided meanwhile,
 * the request changed). Every write to a request awaiting approval goes through its approval row
 * first, so that row orders concurrent decisions.
 */
export async function approveAndQueueRequest(
  db: Kysely<Database>,
  change: Readonly<{
    approvalId: string;
    id: string;
    expectedRevision: number;
    peerNodeId: string;
    decidedBy: string;
    decisionReference: string | null;
    now: Date;
  }>,
  queued: QueuedMessage,
): Promise<QueueOutcome> {
  const { rows } = await sql<QueueRow>`
    with decided as (
      update approvals
         set decision = 'approve', decided_by = ${change.decidedBy}::uuid, decided_at = ${change.now},
             decision_reference = ${change.decisionReference}
       where id = ${change.approvalId}::uuid and decision is null
         and exists (select 1 from requests where id = ${change.id}::uuid
                     and status = 'awaiting-approval' and revision = ${change.expectedRevision})
      returning id
    ), marked as (
      update requests
         set status = 'sent', direction = 'outgoing', delivery_state = 'pending',
             peer_node_id = ${change.peerNodeId}, revision = revision + 1, updated_at = ${change.now}
       where id = ${change.id}::uuid and status = 'awaiting-approval' and revision = ${change.expectedRevision}
         and exists (select 1 from decided)
      returning id::text as case_id
    ), ${queueAfter('marked', queued, change.peerNodeId, change.now)}`.execute(db);
  return queueOutcomeOf(rows);
}

/**
 * The end of a statement that queues `queued` for `peerNodeId` once per row of the CTE `source`
 * (which returns the message's `case_id`), so the message exists only if that write happened, and
 * NOTIFYs `notifyChannel` at commit when it was queued, with the message's id as the payload (the
 * worker that has already claimed it takes that as no news). Selects `queued` (0 or 1).
 */
export function queueAfter(source: string, queued: QueuedMessage, peerNodeId: string, now: Date) {
  const notifyChannel = queued.notifyChannel ?? null;
  const leaseUntil = queued.leaseUntil ?? null;
  const caseId = sql.ref(`${source}.case_id`);
  // The statement's snapshot does not see the row it inserts: "no undelivered message of the case"
  // is about the messages queued before (the claim's rule, outbox.repository.ts).
  return sql`queued as (
      insert into outbox_messages
             (id, case_id, peer_node_id, type, message, digest, status, next_attempt_at, created_at,
              claimed_until)
      select ${queued.id}::uuid, ${caseId}, ${peerNodeId}::text, ${queued.type}::text,
             ${queued.message}::text, ${queued.digest}::text, 'pending', ${now}::timestamptz,
             ${now}::timestamptz,
             case when ${leaseUntil}::timestamptz is not null
                   and not exists (select 1 from outbox_messages earlier
                                    where earlier.case_id = ${caseId}
                                      and earlier.status in ('pending', 'failed'))
                  then ${leaseUntil}::timestamptz end
        from ${sql.table(source)}
      returning id, sequence, claimed_until
    )
    select count(*)::int as queued, min(sequence) as sequence,
           bool_or(claimed_until is not null) as leased,
           case when count(*) > 0 and ${notifyChannel}::text is not null
                 and not bool_or(claimed_until is not null)
                then pg_notify(${notifyChannel}::text, ${queued.id}::text) end as notified
      from queued`;
}

/** Sets the delivery state of the outgoing request a message belongs to (its case id). */
export async function setRequestDeliveryState(
  db: Kysely<Database>,
  requestId: string,
  state: DeliveryState,
  now: Date,
): Promise<void> {
  if (!UUID_PATTERN.test(requestId)) return;
  await db
    .updateTable('requests')
    .set({ delivery_state: state, updated_at: now })
    .where('id', '=', requestId)
    .where('direction', '=', 'outgoing')
    .execute();
}

/** Writes what a message's module says follows its outcome at the sender (message-effects.ts). */
export async function applySenderEffect(
  db: Kysely<Database>,
  effect: SenderEffect | undefined,
  now: Date,
): Promise<void> {
  if (effect === undefined) return;
  await setRequestDeliveryState(db, effect.requestId, effect.state, now);
}

/** The id of the system account that creates incoming requests, if it exists. */
export async function findFederationUser(db: Kysely<Database>): Promise<string | undefined> {
  const existing = await db
    .selectFrom('users')
    .select('id')
    .where('username', '=', FEDERATION_USERNAME)
    .executeTakeFirst();
  return existing?.id;
}

/** The id of the system account that creates incoming requests; created on first use. */
export async function ensureFederationUser(db: Kysely<Database>): Promise<string> {
  const existing = await findFederationUser(db);
  if (existing) return existing;
  await db
    .insertInto('users')
    .values({
      username: FEDERATION_USERNAME,
      display_name: 'Federation (received from other nodes)',
      // Not a scrypt hash: verifies no password.
      password_hash: '!',
      roles: [],
      is_disabled: true,
    })
    .onConflict((conflict) => conflict.column('username').doNothing())
    .execute();
  const created = await db
    .selectFrom('users')
    .select('id')
    .where('username', '=', FEDERATION_USERNAME)
    .executeTakeFirstOrThrow();
  return created.id;
}

export type IncomingRequestWrite = Readonly<{
  type: string;
  content: unknown;
  caseReference: string | null;
  requestedState: string | null;
  createdBy: string;
  peerNodeId: string;
  remoteRequestId: string;
  receivedAt: Date;
  /** Who the sending node says submitted it, and approved its sending (null: not said). */
  submittedBy: string | null;
  approvedBy: string | null;
}>;
