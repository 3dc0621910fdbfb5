/**
 * SQL for role requests: every change of a user's roles, with who asked and who approved.
 * requested_by / decided_by null stand for the node's operator (the command line on the server).
 */
import type { Kysely } from 'kysely';
import type { Role } from '../core/roles.ts';
import type { Database } from './schema.ts';

export type RoleRequestStatus = 'pending' | 'approved' | 'applied' | 'superseded';

export type StoredRoleRequest = Readonly<{
  id: string;
  userId: string;
  username: string;
  rolesAdded: readonly Role[];
  rolesRemoved: readonly Role[];
  status: RoleRequestStatus;
  requestedBy: string | null;
  requestedByUsername: string | null;
  requestedAt: Date;
  decidedBy: string | null;
  decidedByUsername: string | null;
  decidedAt: Date | null;
}>;

export async function insertRoleRequest(
  db: Kysely<Database>,
  request: {
    userId: string;
    rolesAdded: readonly Role[];
    rolesRemoved: readonly Role[];
    status: RoleRequestStatus;
    requestedBy: string | null;
    requestedAt: Date;
    decidedBy: string | null;
    decidedAt: Date | null;
  },
): Promise<string> {
  const row = await db
    .insertInto('role_requests')
    .values({
      user_id: request.userId,
      roles_added: [...request.rolesAdded],
      roles_removed: [...request.rolesRemoved],
      status: request.status,
      requested_by: request.requestedBy,
      requested_at: request.requestedAt,
      decided_by: request.decidedBy,
      decided_at: request.decidedAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

function selectRoleRequests(db: Kysely<Database>) {
  return db
    .selectFrom('role_requests')
    .innerJoin('users as subject', 'subject.id', 'role_requests.user_id')
    .leftJoin('users as requester', 'requester.id', 'role_requests.requested_by')
    .leftJoin('users as decider', 'decider.id', 'role_requests.decided_by')
    .select([
      'role_requests.id',
      'role_requests.user_id',
      'subject.username',
      'role_requests.roles_added',
      'role_requests.roles_removed',
      'role_requests.status',
      'role_requests.requested_by',
      'requester.username as requested_by_username',
      'role_requests.requested_at',
      'role_requests.decided_by',
      'decider.username as decided_by_username',
      'role_requests.decided_at',
    ]);
}

type RoleRequestRow = Awaited<ReturnType<ReturnType<typeof selectRoleRequests>['executeTakeFirstOrThrow']>>;

function toStoredRoleRequest(row: RoleRequestRow): StoredRoleRequest {
  return {
    id: row.id,
    userId: row.user_id,
    username: row.username,
    rolesAdded: row.roles_added as Role[],
    rolesRemoved: row.roles_removed as Role[],
    status: row.status,
    requestedBy: row.requested_by,
    requestedByUsername: row.requested_by_username,
    requestedAt: new Date(row.requested_at),
    decidedBy: row.decided_by,
    decidedByUsername: row.decided_by_username,
    decidedAt: row.decided_at === null ? null : new Date(row.decided_at),
  };
}

/** Every role request, newest first; only the pending ones with `isPendingOnly`. */
export async function listRoleRequests(
  db: Kysely<Database>,
  options: { isPendingOnly?: boolean } = {},
): Promise<StoredRoleRequest[]> {
  let query = selectRoleRequests(db);
  if (options.isPendingOnly) query = query.where('role_requests.status', '=', 'pending');
  const rows = await query
    .orderBy('role_requests.requested_at', 'desc')
    .orderBy('role_requests.id')
    .execute();
  return rows.map(toStoredRoleRequest);
}

export async function findRoleRequest(
  db: Kysely<Database>,
  id: string,
): Promise<StoredRoleRequest | undefined> {
  const row = await selectRoleRequests(db).where('role_requests.id', '=', id).executeTakeFirst();
  return row ? toStoredRoleRequest(row) : undefined;
}

/** Marks a pending request approved; false when it is no longer pending (approved meanwhile). */
export async function markRoleRequestApproved(
  db: Kysely<Database>,
  id: string,
  decision: { decidedBy: string | null; decidedAt: Date },
): Promise<boolean> {
  const result = await db
    .updateTable('role_requests')
    .set({ status: 'approved', decided_by: decision.decidedBy, decided_at: decision.decidedAt })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Marks the user's pending requests, but those in `keptIds`, superseded by a later change of its
 * roles (made by `decision.decidedBy`, null: the operator): they can no longer be approved.
 */
export async function markPendingRoleRequestsSuperseded(
  db: Kysely<Database>,
  userId: string,
  keptIds: readonly string[],
  decision: { decidedBy: string | null; decidedAt: Date },
): Promise<void> {
  let query = db
    .updateTable('role_requests')
    .set({ status: 'superseded', decided_by: decision.decidedBy, decided_at: decision.decidedAt })
    .where('user_id', '=', userId)
    .where('status', '=', 'pending');
  if (keptIds.length > 0) query = query.where('id', 'not in', [...keptIds]);
  await query.execute();
}

/** A user's pending role requests, oldest first. */
export async function listPendingRoleRequestsOf(
  db: Kysely<Database>,
  userId: string,
): Promise<StoredRoleRequest[]> {
  const rows = await selectRoleRequests(db)
    .where('role_requests.user_id', '=', userId)
    .where('role_requests.status', '=', 'pending')
    .orderBy('role_requests.requested_at')
    .orderBy('role_requests.id')
    .execute();
  return rows.map(toStoredRoleRequest);
}
