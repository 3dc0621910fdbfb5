/**
 * All SQL about the inbox: one row per message this node accepted, keyed by the envelope id. The
 * primary key is the replay guard: the row is inserted in the same transaction as the message's
 * effect (an incoming request...), so a message is processed exactly once however often it
 * arrives, and a replay is answered with the receipt stored here.
 */
import { type Kysely, sql } from 'kysely';
import { CASE_EVENT_COLUMNS, type CaseEventWrite, caseEventValues } from './case-events.repository.ts';
import { consentAnswerUpdate, consentAskInsert } from './evidence-consents.repository.ts';
import { offeredPackageInsert, packageVerdictUpdate } from './evidence-packages.repository.ts';
import type {
  PeerDutyStatusWrite,
  ReceiveEffect,
  RedeliveryWrite,
  WitnessedHeadWrite,
} from './message-effects.ts';
import type { AuditIntakeRow } from './audit.repository.ts';
import type { Database } from './schema.ts';

export type NewInboxMessage = Readonly<{
  id: string;
  fromNodeId: string;
  type: string;
  caseId: string;
  digest: string;
  message: string;
  receipt: string;
  receivedAt: Date;
}>;

export type StoredInboxMessage = Readonly<{
  id: string;
  fromNodeId: string;
  type: string;
  caseId: string;
  digest: string;
  receipt: string;
  receivedAt: Date;
}>;

/**
 * Reception in ONE statement: inserts the message unless one with the same id exists and, only
 * if it was inserted, its effect (message-effects.ts; today: the incoming request it carries). Both
 * inserts are parts of a single statement, hence of a single transaction: the request exists
 * exactly when its inbox row does. True when inserted (processed now); false for a replay, and
 * then nothing is written. With two concurrent receptions of one id, the second waits for the
 * first's transaction and then answers false (or true if the first rolled back).
 */
export async function insertInboxMessageWithEffect(
  db: Kysely<Database>,
  message: NewInboxMessage,
  effect: ReceiveEffect | undefined,
  options: Readonly<{ redeliveryNotBefore?: Date }> = {},
): Promise<boolean> {
  return (await receiveIntoInbox(db, message, effect, options)).isProcessed;
}

/** What receiveIntoInbox wrote. */
export type InboxWrite = Readonly<{
  /** True when the message was inserted (processed now); false for a replay (nothing written). */
  isProcessed: boolean;
  /** True when the audit record given was written with it (a message processed now). */
  isAudited: boolean;
  /** The id of the incoming request the statement inserted, when its effect was one. */
  incomingRequestId?: string;
}>;

/**
 * insertInboxMessageWithEffect, also answering the id of the incoming request it inserted (read
 * from the same statement, so the receiver tells open screens about it without another query).
 */
export async function receiveIntoInbox(
  db: Kysely<Database>,
  message: NewInboxMessage,
  effect: ReceiveEffect | undefined,
  options: Readonly<{
    redeliveryNotBefore?: Date;
    /** The audit log's record of the reception, written in the same statement if the row is inserted. */
    audit?: AuditIntakeRow;
  }> = {},
): Promise<InboxWrite> {
  const isAudited = options.audit !== undefined;
  const processed = (isProcessed: boolean): InboxWrite => ({
    isProcessed,
    isAudited: isProcessed && isAudited,
  });
  // The statement's CTEs that every variant starts with: the inbox row, and the audit record
  // made from it (only if it was inserted: a replay is audited by its caller, with its outcome).
  const audited = options.audit
    ? sql`, audited as (
        insert into audit_intake (event, recorded_at)
        select ${options.audit.event}::text, ${options.audit.recordedAt}::timestamptz from inbox
      )`
    : sql``;
  const withInbox = sql`with inbox as (
      insert into inbox_messages
             (id, from_node_id, type, case_id, digest, message, receipt, received_at, processed_at)
      values (${message.id}::uuid, ${message.fromNodeId}, ${message.type}, ${message.caseId},
              ${message.digest}, ${message.message}, ${message.receipt}, ${message.receivedAt}::timestamptz,
              ${message.receivedAt}::timestamptz)
      on conflict (id) do nothing
      returning id
    )${audited}`;
  if (effect === undefined) {
    const { rows } = await sql<{ id: string }>`${withInbox} select id from inbox`.execute(db);
    return processed(rows.length === 1);
  }
  if (effect.kind === 'case-event') {
    return processed(await insertWithCaseEvent(db, withInbox, message.id, effect.event));
  }
  if (effect.kind === 'peer-duty-status') {
    return processed(await insertWithPeerDutyStatus(db, withInbox, effect.status));
  }
  if (effect.kind === 'audit-witnessed-head') {
    return processed(await insertWithWitnessedHead(db, withInbox, effect.head));
  }
  if (effect.kind === 'redelivery-requested') {
    return processed(
      await insertWithRedelivery(db, withInbox, effect.redelivery, options.redeliveryNotBefore ?? null),
    );
  }
  if (effect.kind === 'evidence-package-offered') {
    return processed(await insertWithPart(db, withInbox, offeredPackageInsert(effect.offer)));
  }
  if (effect.kind === 'evidence-package-received') {
    return processed(await insertWithPart(db, withInbox, packageVerdictUpdate(effect.verdict)));
  }
  if (effect.kind === 'evidence-consent-requested') {
    return processed(await insertWithPart(db, withInbox, consentAskInsert(effect.ask)));
  }
  if (effect.kind === 'evidence-consent-answered') {
    return processed(await insertWithPart(db, withInbox, consentAnswerUpdate(effect.answer)));
  }
  const { request } = effect;
  const { rows } = await sql<{ inserted: number; request_id: string | null }>`
    ${withInbox}, incoming as (
      insert into requests
             (type, status, content, case_reference, requested_state, created_by, created_at,
              updated_at, direction, peer_node_id, remote_request_id, received_at, remote_submitted_by,
              remote_approved_by)
      select ${request.type}::text, 'received', ${JSON.stringify(request.content)}::jsonb,
             ${request.caseReference}::text, ${request.requestedState}::text, ${request.createdBy}::uuid,
             ${request.receivedAt}::timestamptz, ${request.receivedAt}::timestamptz, 'incoming',
             ${request.peerNodeId}::text, ${request.remoteRequestId}::text, ${request.receivedAt}::timestamptz,
             ${request.submittedBy}::text, ${request.approvedBy}::text
        from inbox
      on conflict do nothing
      returning id
    )
    select (select count(*) from inbox)::int as inserted, (select id from incoming) as request_id`.execute(
    db,
  );
  const requestId = rows[0]?.request_id;
  return {
    ...processed(Number(rows[0]?.inserted ?? 0) === 1),
    ...(requestId ? { incomingRequestId: String(requestId) } : {}),
  };
}

/** The effects receiveManyIntoInbox writes: none, or a request that arrives. */
export type EffectWrittenTogether = Extract<ReceiveEffect, { kind: 'incoming-request' }> | undefined;

/** Whether receiveManyIntoInbox writes this effect (the others are written one message at a time). */
export function isWrittenTogether(effect: ReceiveEffect | undefined): effect is EffectWrittenTogether {
  return effect === undefined || effect.kind === 'incoming-request';
}

/** One message of receiveManyIntoInbox. */
export type InboxReception = Readonly<{
  message: NewInboxMessage;
  effect: EffectWrittenTogether;
  /** Its audit record, written only if its row is. */
  audit?: AuditIntakeRow;
}>;

/**
 * receiveIntoInbox for several messages in ONE statement (a batch from a peer under load): each
 * message's inbox row unless one with its id exists and, only for the rows inserted, its audit
 * record and the request it carries (an id given twice: the first). What each message wrote, in
 * the order given. The messages must be about distinct cases (receiveMessages writes a batch's
 * later messages about a case after it): two requests of one case would be one incoming request.
 */
export async function receiveManyIntoInbox(
  db: Kysely<Database>,
  receptions: readonly InboxReception[],
): Promise<InboxWrite[]> {
  if (receptions.length === 0) return [];
  const input = JSON.stringify(
    receptions.map(({ message, effect, audit }, position) => ({
      position,
      id: message.id,
      from_node_id: message.fromNodeId,
      type: message.type,
      case_id: message.caseId,
      digest: message.digest,
      message: message.message,
      receipt: message.receipt,
      received_at: message.receivedAt.toISOString(),
      audit_event: audit?.event ?? null,
      audit_recorded_at: audit?.recordedAt.toISOString() ?? null,
      request: effect && {
        type: effect.request.type,
        content: effect.request.content,
        case_reference: effect.request.caseReference,
        requested_state: effect.request.requestedState,
        created_by: effect.request.createdBy,
        peer_node_id: effect.request.peerNodeId,
        remote_request_id: effect.request.remoteRequestId,
        received_at: effect.request.receivedAt.toISOString(),
        remote_submitted_by: effect.request.submittedBy,
        remote_approved_by: effect.request.approvedBy,
      },
    })),
  );
  const { rows } = await sql<{ position: number; request_id: string | null }>`
    with input as (
      -- An id given twice is written once, with what came first (the others are not processed).
      select distinct on (id) *
        from jsonb_to_recordset(${input}::jsonb) as message(position int, id uuid, from_node_id text, type text,
             case_id text, digest text, message text, receipt text, received_at timestamptz, audit_event text,
             audit_recorded_at timestamptz, request jsonb)
       order by id, position
    ), inbox as (
      -- In id order: two batches carrying the same messages take their locks in one order (no deadlock).
      insert into inbox_messages
             (id, from_node_id, type, case_id, digest, message, receipt, received_at, processed_at)
      select id, from_node_id, type, case_id, digest, message, receipt, received_at, received_at
        from input order by id
      on conflict (id) do nothing
      returning id
    ), written as (
      -- The messages whose rows this statement inserted.
      select input.* from input join inbox on inbox.id = input.id
    ), audited as (
      insert into audit_intake (event, recorded_at)
      select audit_event, audit_recorded_at from written where audit_event is not null order by position
    ), incoming as (
      insert into requests
             (type, status, content, case_reference, requested_state, created_by, created_at,
              updated_at, direction, peer_node_id, remote_request_id, received_at, remote_submitted_by,
              remote_approved_by)
      select request->>'type', 'received', request->'content', request->>'case_reference',
             request->>'requested_state', (request->>'created_by')::uuid, (request->>'received_at')::timestamptz,
             (request->>'received_at')::timestamptz, 'incoming', request->>'peer_node_id',
             request->>'remote_request_id', (request->>'received_at')::timestamptz,
             request->>'remote_submitted_by', request->>'remote_approved_by'
        from written where request is not null
       order by request->>'peer_node_id', request->>'remote_request_id'
      on conflict do nothing
      returning id, peer_node_id, remote_request_id
    )
    select written.position, incoming.id as request_id
      from written
      left join incoming on incoming.peer_node_id = written.request->>'peer_node_id'
            and incoming.remote_request_id = written.request->>'remote_request_id'
     order by written.position`.execute(db);
  // One row per message written; the others (replays, an id given twice) were not processed.
  const writtenAt = new Map(rows.map((row) => [Number(row.position), row.request_id]));
  return receptions.map(({ audit }, position) => {
    const isProcessed = writtenAt.has(position);
    const requestId = writtenAt.get(position);
    return {
      isProcessed,
      isAudited: isProcessed && audit !== undefined,
      ...(requestId ? { incomingRequestId: String(requestId) } : {}),
    };
  });
}

/**
 * The inbox row and, only if it was inserted, the event it carries with the request's new case
 * status. A sequence taken meanwhile by a transition made here fails the whole statement (nothing
 * is stored; the sender retries and the receiver checks the event again against the new history).
 */
async function insertWithCaseEvent(
  db: Kysely<Database>,
  withInbox: ReturnType<typeof sql>,
  messageId: string,
  event: CaseEventWrite,
): Promise<boolean> {
  const { rows } = await sql<{ inserted: number }>`
    ${withInbox}, event as (
      insert into case_events (${CASE_EVENT_COLUMNS}, received_message_id)
      select ${caseEventValues(event)}, ${messageId}::uuid
        from inbox
      returning request_id
    ), status as (
      update requests
         set case_status = ${event.status}::text, updated_at = ${event.recordedAt}::timestamptz
       where id in (select request_id from event)
      returning id
    )
    select count(*)::int as inserted from inbox`.execute(db);
  return Number(rows[0]?.inserted ?? 0) === 1;
}

/** The inbox row and, only if it was inserted, a part that reads `inbox` (evidence packages). */
async function insertWithPart(
  db: Kysely<Database>,
  withInbox: ReturnType<typeof sql>,
  part: ReturnType<typeof sql>,
): Promise<boolean> {
  const { rows } = await sql<{ inserted: number }>`
    ${withInbox}, part as (${part})
    select count(*)::int as inserted from inbox`.execute(db);
  return Number(rows[0]?.inserted ?? 0) === 1;
}

/** The inbox row and, only if it was inserted, the peer's duty status unless a later one is stored. */
async function insertWithPeerDutyStatus(
  db: Kysely<Database>,
  withInbox: ReturnType<typeof sql>,
  status: PeerDutyStatusWrite,
): Promise<boolean> {
  const { rows } = await sql<{ inserted: number }>`
    ${withInbox}, status as (
      insert into peer_duty_status (node_id, is_on_duty, as_of, received_at)
      select ${status.nodeId}::text, ${status.isOnDuty}::boolean, ${status.asOf}::timestamptz,
             ${status.receivedAt}::timestamptz
        from inbox
      on conflict (node_id) do update
         set is_on_duty = excluded.is_on_duty, as_of = excluded.as_of, received_at = excluded.received_at
       where peer_duty_status.as_of <= excluded.as_of
      returning node_id
    )
    select count(*)::int as inserted from inbox`.execute(db);
  return Number(rows[0]?.inserted ?? 0) === 1;
}

/**
 * The inbox row and, only if it was inserted, the peer's audit tree head, flagged against the
 * previous head this node holds from that peer: `smaller` (the log shrank) or `forked` (same size,
 * another root).
 */
async function insertWithWitnessedHead(
  db: Kysely<Database>,
  withInbox: ReturnType<typeof sql>,
  head: WitnessedHeadWrite,
): Promise<boolean> {
  const root = new Uint8Array(Buffer.from(head.rootHash, 'hex'));
  const { rows } = await sql<{ inserted: number }>`
    ${withInbox}, previous as (
      select tree_size, root_hash from audit_witnessed_heads
       where node_id = ${head.nodeId}::text order by tree_size desc, received_at desc limit 1
    ), head as (
      insert into audit_witnessed_heads
             (node_id, tree_size, root_hash, signed_at, key_id, signature, received_at, flag)
      select ${head.nodeId}::text, ${head.treeSize}::bigint, ${root}::bytea, ${head.signedAt}::timestamptz,
             ${head.keyId}::text, ${head.signature}::text, ${head.receivedAt}::timestamptz,
             (select case when p.tree_size > ${head.treeSize}::bigint then 'smaller'
                          when p.tree_size = ${head.treeSize}::bigint and p.root_hash <> ${root}::bytea then 'forked'
                     end from previous p)
        from inbox
      returning id
    )
    select count(*)::int as inserted from inbox`.execute(db);
  return Number(rows[0]?.inserted ?? 0) === 1;
}

/**
 * The inbox row and, only if it was inserted, the messages delivered to the peer since the point it
 * names (and not before `notBefore`, the retention window) pending again and due now. Their receipts
 * stay: recordDeliveries keeps a message's first receipt.
 */
async function insertWithRedelivery(
  db: Kysely<Database>,
  withInbox: ReturnType<typeof sql>,
  redelivery: RedeliveryWrite,
  notBefore: Date | null,
): Promise<boolean> {
  const { rows } = await sql<{ inserted: number }>`
    ${withInbox}, requeued as (
      update outbox_messages
         set status = 'pending', next_attempt_at = ${redelivery.requestedAt}::timestamptz, claimed_until = null
       where exists (select 1 from inbox)
         and peer_node_id = ${redelivery.peerNodeId}
         and status = 'delivered'
         and delivered_at >= coalesce(${redelivery.deliveredSince}::timestamptz, '-infinity'::timestamptz)
         and delivered_at >= coalesce(${notBefore}::timestamptz, '-infinity'::timestamptz)
      returning id
    )
    select count(*)::int as inserted from inbox`.execute(db);
  return Number(rows[0]?.inserted ?? 0) === 1;
}

const STORED_COLUMNS = ['id', 'from_node_id', 'type', 'case_id', 'digest', 'receipt', 'received_at'] as const;

function toStoredInboxMessage(row: {
  id: string;
  from_node_id: string;
  type: string;
  case_id: string;
  digest: string;
  receipt: string;
  received_at: Date | string;
}): StoredInboxMessage {
  return {
    id: row.id,
    fromNodeId: row.from_node_id,
    type: row.type,
    caseId: row.case_id,
    digest: row.digest,
    receipt: row.receipt,
    receivedAt: new Date(row.received_at),
  };
}

export async function findInboxMessage(
  db: Kysely<Database>,
  id: string,
): Promise<StoredInboxMessage | undefined> {
  const row = await db
    .selectFrom('inbox_messages')
    .select(STORED_COLUMNS)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toStoredInboxMessage(row) : undefined;
}

/** The compact JWS of a received message as it arrived (its signed envelope says when it was made). */
export async function findInboxMessageText(db: Kysely<Database>, id: string): Promise<string | undefined> {
  const row = await db.selectFrom('inbox_messages').select('message').where('id', '=', id).executeTakeFirst();
  return row?.message;
}

/** The first message received for a sender's case (the request.submitted of an incoming request). */
export async function findFirstInboxMessageOfCase(
  db: Kysely<Database>,
  fromNodeId: string,
  caseId: string,
): Promise<StoredInboxMessage | undefined> {
  const row = await db
    .selectFrom('inbox_messages')
    .select(STORED_COLUMNS)
    .where('from_node_id', '=', fromNodeId)
    .where('case_id', '=', caseId)
    .orderBy('received_at')
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  return row ? toStoredInboxMessage(row) : undefined;
}

export async function countInboxMessages(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('inbox_messages')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}
