/**
 * The duty roster as the node keeps it (migration 2026-12-05T12-00-00_duty-roster): shifts as
 * instants, handover notes; and what the alert timers scan (the requests whose case is open, the
 * case events received from the other node lately).
 */
import { type Kysely, sql } from 'kysely';
import { compiledOnce, type ValueOf } from './compiled-once.ts';
import type { Database } from './schema.ts';

export type StoredShift = Readonly<{
  id: string;
  userId: string;
  username: string;
  displayName: string;
  startsAt: Date;
  endsAt: Date;
}>;

export type StoredHandoverNote = Readonly<{
  id: string;
  author: Readonly<{ id: string; username: string; displayName: string }>;
  forUserId: string | null;
  body: string;
  writtenAt: Date;
}>;

// Every round of the alert timers reads who is on duty (compiled-once.ts).
const selectShifts = compiledOnce((db, value: ValueOf<{ from: Date; to: Date }>) =>
  db
    .selectFrom('duty_shifts')
    .innerJoin('users', 'users.id', 'duty_shifts.user_id')
    .select([
      'duty_shifts.id',
      'duty_shifts.user_id',
      'users.username',
      'users.display_name',
      'duty_shifts.starts_at',
      'duty_shifts.ends_at',
    ])
    .where('duty_shifts.ends_at', '>', value('from'))
    .where('duty_shifts.starts_at', '<', value('to'))
    .where('users.is_disabled', '=', false)
    .orderBy('duty_shifts.starts_at')
    .orderBy('duty_shifts.id'),
);

/** The shifts that end after `from` and start before `to`, by start. */
export async function listShifts(db: Kysely<Database>, from: Date, to: Date): Promise<StoredShift[]> {
  const rows = await selectShifts(db, { from, to });
  return rows.map((row) => ({
    id: row.id,
    userId: row.user_id,
    username: row.username,
    displayName: row.display_name,
    startsAt: new Date(row.starts_at),
    endsAt: new Date(row.ends_at),
  }));
}

export async function insertShift(
  db: Kysely<Database>,
  shift: Readonly<{ userId: string; startsAt: Date; endsAt: Date; createdBy: string | null }>,
): Promise<string> {
  const row = await db
    .insertInto('duty_shifts')
    .values({
      user_id: shift.userId,
      starts_at: shift.startsAt,
      ends_at: shift.endsAt,
      created_by: shift.createdBy,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** True when a shift was removed. */
export async function deleteShift(db: Kysely<Database>, id: string): Promise<boolean> {
  const result = await db.deleteFrom('duty_shifts').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function insertHandoverNote(
  db: Kysely<Database>,
  note: Readonly<{ authorId: string; forUserId: string | null; body: string; writtenAt: Date }>,
): Promise<string> {
  const row = await db
    .insertInto('handover_notes')
    .values({
      author_id: note.authorId,
      for_user_id: note.forUserId,
      body: note.body,
      written_at: note.writtenAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** The latest handover notes, newest first. */
export async function listHandoverNotes(db: Kysely<Database>, limit: number): Promise<StoredHandoverNote[]> {
  const rows = await db
    .selectFrom('handover_notes')
    .innerJoin('users', 'users.id', 'handover_notes.author_id')
    .select([
      'handover_notes.id',
      'handover_notes.author_id',
      'users.username',
      'users.display_name',
      'handover_notes.for_user_id',
      'handover_notes.body',
      'handover_notes.written_at',
    ])
    .orderBy('handover_notes.written_at', 'desc')
    .orderBy('handover_notes.id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    id: row.id,
    author: { id: row.author_id, username: row.username, displayName: row.display_name },
    forUserId: row.for_user_id,
    body: row.body,
    writtenAt: new Date(row.written_at),
  }));
}

const selectEnabledUsersWithRoles = compiledOnce((db, value: ValueOf<{ roles: string[] }>) =>
  db
    .selectFrom('users')
    .select(['id', 'roles'])
    .where('is_disabled', '=', false)
    .where(sql<boolean>`roles && ${value('roles')}::text[]`)
    .orderBy('username'),
);

/** Enabled users holding each of the roles (one read for all of them), by username. */
export async function listEnabledUserIdsWithRoles<Role extends string>(
  db: Kysely<Database>,
  roles: readonly Role[],
): Promise<Record<Role, string[]>> {
  const rows = await selectEnabledUsersWithRoles(db, { roles: [...roles] });
  const byRole = Object.fromEntries(roles.map((role) => [role, [] as string[]])) as Record<Role, string[]>;
  for (const row of rows) {
    for (const role of roles) if (row.roles.includes(role)) byRole[role].push(row.id);
  }
  return byRole;
}

/**
 * Whether a request's case is open, for the alert timers: incoming, or outgoing and sent (it has
 * a delivery state), and not in a terminal status.
 */
export function isOpenCaseRequest(
  request: Readonly<{ direction: string; deliveryState: string | null; caseStatus: string | null }>,
  terminalStatuses: readonly string[],
): boolean {
  const isCase = request.direction === 'incoming' || request.deliveryState !== null;
  return isCase && (request.caseStatus === null || !terminalStatuses.includes(request.caseStatus));
}

export type ReceivedCaseEvent = Readonly<{
  requestId: string;
  sequence: number;
  transition: string;
  occurredAt: Date;
}>;

/** The events received since `since` (the alert timers run it every round; compiled-once.ts). */
function caseEventsReceivedSince(db: Kysely<Database>, since: Date) {
  return db
    .selectFrom('case_events')
    .select(['request_id', 'sequence', 'transition', 'occurred_at'])
    .where('received_message_id', 'is not', null)
    .where('recorded_at', '>=', since)
    .orderBy('recorded_at')
    .orderBy('sequence');
}

const selectCaseEventsReceivedSince = compiledOnce((db, value: ValueOf<{ since: Date }>) =>
  caseEventsReceivedSince(db, value('since')),
);

// One statement text whatever the number of ids (an array, not a list of parameters).
const selectCaseEventsOfReceivedSince = compiledOnce(
  (db, value: ValueOf<{ since: Date; requestIds: string[] }>) =>
    caseEventsReceivedSince(db, value('since')).where(
      sql<boolean>`request_id = any(${value('requestIds')}::uuid[])`,
    ),
);

/**
 * The case events the other node made, recorded here since `since`, oldest first: of every case,
 * or only of the cases `requestIds` names.
 */
export async function listCaseEventsReceivedSince(
  db: Kysely<Database>,
  since: Date,
  requestIds?: string | readonly string[],
): Promise<ReceivedCaseEvent[]> {
  const ids = requestIds === undefined || typeof requestIds !== 'string' ? requestIds : [requestIds];
  if (ids?.length === 0) return [];
  const rows = await (ids === undefined
    ? selectCaseEventsReceivedSince(db, { since })
    : selectCaseEventsOfReceivedSince(db, { since, requestIds: [...ids] }));
  return rows.map((row) => ({
    requestId: row.request_id,
    sequence: Number(row.sequence),
    transition: row.transition,
    occurredAt: new Date(row.occurred_at),
  }));
}

export type StoredPeerDutyStatus = Readonly<{
  nodeId: string;
  isOnDuty: boolean;
  asOf: Date;
  receivedAt: Date;
}>;

/** The latest duty status each peer announced (duty.status). */
export async function listPeerDutyStatus(db: Kysely<Database>): Promise<StoredPeerDutyStatus[]> {
  const rows = await db
    .selectFrom('peer_duty_status')
    .select(['node_id', 'is_on_duty', 'as_of', 'received_at'])
    .orderBy('node_id')
    .execute();
  return rows.map((row) => ({
    nodeId: row.node_id,
    isOnDuty: row.is_on_duty,
    asOf: new Date(row.as_of),
    receivedAt: new Date(row.received_at),
  }));
}
