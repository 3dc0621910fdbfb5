/**
 * All SQL about case histories (docs/case-lifecycle.md): the events of a request in the order this
 * node stored them (both nodes fold them in one order: src/core/case/concurrent-steps.ts), and the transition made here, written in ONE statement with the request's new
 * case status and the federation message that carries the event to the other node (transactional
 * outbox). Events that arrive from the other node are written by the inbox (inbox.repository.ts),
 * in the statement that stores the message.
 */
import { type Kysely, type Selectable, sql } from 'kysely';
import {
  type QueuedMessage,
  type QueueOutcome,
  type QueueRow,
  queueAfter,
  queueOutcomeOf,
} from './federation-requests.repository.ts';
import { UUID_PATTERN } from '../core/ids.ts';
import { findRequestById, type StoredRequest } from './requests.repository.ts';
import { compiledOnce, type ValueOf } from './compiled-once.ts';
import type { CaseEventsTable, Database } from './schema.ts';

/** Who made a transition: a user id of the node that made it, the name it showed, the roles held. */
export type CaseEventActor = Readonly<{ id: string; displayName: string; roles: readonly string[] }>;

/**
 * Who approved a transition before it was made (a response: the two-person rule), as the node that
 * made it names them: the second person, where the actor is the first.
 */
export type CaseEventApprover = Readonly<{ id: string; displayName: string }>;

/** What every event holds, stored or to store. */
type CaseEventFields = Readonly<{
  sequence: number;
  transition: string;
  side: string;
  actor: CaseEventActor;
  /** Null when the transition needed no second person (or was recorded before approvers were). */
  approvedBy: CaseEventApprover | null;
  payload: unknown;
  occurredAt: Date;
  /**
   * How many of the other side's events its node held when it was made: both nodes fold steps made
   * at the same moment in one order (src/core/case/concurrent-steps.ts). Null when not recorded.
   */
  seenOther: number | null;
}>;

/** One event as stored. */
export type StoredCaseEvent = CaseEventFields &
  Readonly<{
    /** The message that carried the event from the other node; null when made here. */
    receivedMessageId: string | null;
    /** The message that carries the event to the other node; null when received. */
    sentMessageId: string | null;
  }>;

/** An event to append: the next sequence of its request and the status the case reaches. */
export type CaseEventWrite = CaseEventFields &
  Readonly<{
    requestId: string;
    /** The case status after the event. */
    status: string;
    recordedAt: Date;
  }>;

function parsedJson(value: unknown): unknown {
  // pg and PGlite both parse jsonb; a driver configured otherwise would hand back text.
  return typeof value === 'string' ? JSON.parse(value) : value;
}

/** The history of a request, oldest first. */
const selectCaseEvents = compiledOnce((db, value: ValueOf<{ requestId: string }>) =>
  db.selectFrom('case_events').selectAll().where('request_id', '=', value('requestId')).orderBy('sequence'),
);

export async function listCaseEvents(db: Kysely<Database>, requestId: string): Promise<StoredCaseEvent[]> {
  const rows = await selectCaseEvents(db, { requestId });
  return rows.map(toStoredCaseEvent);
}

const selectCaseEventsOf = compiledOnce((db, value: ValueOf<{ requestIds: string[] }>) =>
  db
    .selectFrom('case_events')
    .selectAll()
    // One statement text whatever the number of ids (an array, not a list of parameters).
    .where(sql<boolean>`request_id = any(${value('requestIds')}::uuid[])`)
    .orderBy('request_id')
    .orderBy('sequence'),
);

/** The histories of many requests in one read, oldest first, by request id (none: absent). */
export async function listCaseEventsOf(
  db: Kysely<Database>,
  requestIds: readonly string[],
): Promise<Map<string, StoredCaseEvent[]>> {
  const byRequest = new Map<string, StoredCaseEvent[]>();
  if (requestIds.length === 0) return byRequest;
  const rows = await selectCaseEventsOf(db, { requestIds: [...requestIds] });
  for (const row of rows) {
    const events = byRequest.get(row.request_id) ?? [];
    events.push(toStoredCaseEvent(row));
    byRequest.set(row.request_id, events);
  }
  return byRequest;
}

function toStoredCaseEvent(row: Selectable<CaseEventsTable>): StoredCaseEvent {
  return {
    sequence: Number(row.sequence),
    transition: row.transition,
    side: row.side,
    actor: {
      id: row.actor_id,
      displayName: row.actor_display_name,
      roles: parsedJson(row.actor_roles) as string[],
    },
    approvedBy: row.approved_by === null ? null : (parsedJson(row.approved_by) as CaseEventApprover),
    payload: parsedJson(row.payload),
    occurredAt: new Date(row.occurred_at),
    seenOther: row.seen_other === null ? null : Number(row.seen_other),
    receivedMessageId: row.received_message_id,
    sentMessageId: row.sent_message_id,
  };
}

/** This node's id of the request a peer node sent with its id `remoteRequestId` (an incoming request). */
export async function findIncomingRequestId(
  db: Kysely<Database>,
  peerNodeId: string,
  remoteRequestId: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('requests')
    .select('id')
    .where('direction', '=', 'incoming')
    .where('peer_node_id', '=', peerNodeId)
    .where('remote_request_id', '=', remoteRequestId)
    .executeTakeFirst();
  return row?.id;
}

/** The values of a case_events row, for the INSERT ... SELECT of both writers. */
export function caseEventValues(event: CaseEventWrite) {
  return sql`${event.requestId}::uuid, ${event.sequence}::int, ${event.transition}::text, ${event.side}::text,
             ${event.actor.id}::text, ${event.actor.displayName}::text,
             ${JSON.stringify(event.actor.roles)}::jsonb, ${JSON.stringify(event.payload ?? {})}::jsonb,
             ${event.occurredAt}::timestamptz, ${event.recordedAt}::timestamptz,
             ${event.approvedBy === null ? null : JSON.stringify(event.approvedBy)}::jsonb,
             ${event.seenOther}::int`;
}

export const CASE_EVENT_COLUMNS = sql`request_id, sequence, transition, side, actor_id, actor_display_name,
             actor_roles, payload, occurred_at, recorded_at, approved_by, seen_other`;

/**
 * A transition made here, in ONE statement: appends the event (unless another transition took
 * its sequence meanwhile), sets the request's case status, and queues the message that carries
 * the event to `peerNodeId` (transactional outbox). False, and nothing written, when the sequence
 * was taken: the case changed since it was read.
 */
export async function insertCaseEventAndQueue(
  db: Kysely<Database>,
  event: CaseEventWrite,
  queued: QueuedMessage & Readonly<{ peerNodeId: string }>,
): Promise<QueueOutcome> {
  const { rows } = await sql<QueueRow>`
    with event as (
      insert into case_events (${CASE_EVENT_COLUMNS}, sent_message_id)
      values (${caseEventValues(event)}, ${queued.id}::uuid)
      on conflict (request_id, sequence) do nothing
      returning request_id, request_id::text as case_id
    ), status as (
      update requests
         set case_status = ${event.status}::text, updated_at = ${event.recordedAt}::timestamptz
       where id in (select request_id from event)
      returning id
    ), ${queueAfter('event', queued, queued.peerNodeId, event.recordedAt)}`.execute(db);
  return queueOutcomeOf(rows);
}

/** A request with its case history, as a node holds it. */
export type CaseRecord = Readonly<{ request: StoredRequest; events: readonly StoredCaseEvent[] }>;

/**
 * Where to find the case a message is about: this node's request id (the sender knew it), or the
 * sender's id of a request it sent here (an incoming request).
 */
export type CaseLookup =
  | Readonly<{ requestId: string }>
  | Readonly<{ peerNodeId: string; remoteRequestId: string }>;

/** The request and its history, or undefined when there is no such request. */
export async function findCaseRecord(
  db: Kysely<Database>,
  lookup: CaseLookup,
): Promise<CaseRecord | undefined> {
  const id =
    'requestId' in lookup
      ? lookup.requestId
      : await findIncomingRequestId(db, lookup.peerNodeId, lookup.remoteRequestId);
  if (id === undefined || !UUID_PATTERN.test(id)) return undefined;
  const request = await findRequestById(db, id);
  if (!request) return undefined;
  return { request, events: await listCaseEvents(db, id) };
}
