/**
 * Separation of duties for roles: an administrator's grant of a role that reads case content (or
 * administers the node) waits until a second administrator approves it; every change of roles is
 * recorded with who asked, who approved and when. The node's operator (the command line on the
 * server: `comity user add`, `comity init`, the first administrator) grants and approves directly.
 */
import type { Kysely } from 'kysely';
import { AppError } from '../core/errors.ts';
import { UUID_PATTERN } from '../core/ids.ts';
import type { Role } from '../core/roles.ts';
import type { AppContext } from '../app-context.ts';
import { type Actor, isGrantNeedingApproval } from '../policies/access.ts';
import {
  findRoleRequest,
  insertRoleRequest,
  listPendingRoleRequestsOf,
  listRoleRequests as listRoleRequestRows,
  markPendingRoleRequestsSuperseded,
  markRoleRequestApproved,
  type RoleRequestStatus,
  type StoredRoleRequest,
} from '../storage/role-requests.repository.ts';
import type { Database } from '../storage/schema.ts';
import { findUserById, updateUserRow } from '../storage/users.repository.ts';

/** Someone who asked for or approved a change; null in a view: the node's operator. */
export type RoleRequestParty = Readonly<{ userId: string; username: string }>;

/** A role request as the API and the CLI show it. */
export type RoleRequestView = Readonly<{
  id: string;
  userId: string;
  username: string;
  rolesAdded: Role[];
  rolesRemoved: Role[];
  /**
   * pending: waits for a second administrator; approved: by one; applied: needed no approval;
   * superseded: a later change of the user's roles replaced it before anyone approved it.
   */
  status: RoleRequestStatus;
  /** null: the node's operator. */
  requestedBy: RoleRequestParty | null;
  requestedAt: string;
  /**
   * Who approved (for 'applied': the requester; for 'superseded': who made the later change);
   * null: the operator, or nobody yet when decidedAt is null.
   */
  decidedBy: RoleRequestParty | null;
  decidedAt: string | null;
}>;

function partyOf(id: string | null, username: string | null): RoleRequestParty | null {
  return id === null || username === null ? null : { userId: id, username };
}

function toRoleRequestView(request: StoredRoleRequest): RoleRequestView {
  return {
    id: request.id,
    userId: request.userId,
    username: request.username,
    rolesAdded: [...request.rolesAdded],
    rolesRemoved: [...request.rolesRemoved],
    status: request.status,
    requestedBy: partyOf(request.requestedBy, request.requestedByUsername),
    requestedAt: request.requestedAt.toISOString(),
    decidedBy: partyOf(request.decidedBy, request.decidedByUsername),
    decidedAt: request.decidedAt?.toISOString() ?? null,
  };
}

/** How a change of roles divides: what applies now and what waits for a second administrator. */
export type RoleChangePlan = Readonly<{
  /** Pending grants the change keeps (keptPendingGrants); every other pending grant is superseded. */
  keptGrantIds?: readonly string[];
  /** The roles the user holds once the immediate part is applied. */
  rolesNow: Role[];
  added: Role[];
  removed: Role[];
  /** Added roles that wait for approval (none when the operator asks). */
  pending: Role[];
}>;

/**
 * Divides a change from `current` to `wanted` roles asked by `requester` (undefined: the
 * operator). `stillPending`: roles of grants already waiting that this change keeps (they are in
 * `wanted`): they keep waiting in their own request, neither granted now nor asked again.
 */
export function planRoleChange(
  current: readonly Role[],
  wanted: readonly Role[],
  requester: Actor | undefined,
  stillPending: readonly Role[] = [],
): RoleChangePlan {
  const removed = current.filter((role) => !wanted.includes(role));
  const added = wanted.filter((role) => !current.includes(role) && !stillPending.includes(role));
  const pending = requester === undefined ? [] : added.filter(isGrantNeedingApproval);
  // A role the user holds stays, whatever grant still names it; one only waiting keeps waiting.
  const rolesNow = wanted.filter(
    (role) => !pending.includes(role) && (current.includes(role) || !stillPending.includes(role)),
  );
  return { rolesNow, added: added.filter((role) => !pending.includes(role)), removed, pending };
}

/**
 * The plan of a change of an existing user's roles to `wanted`: its pending grants that the change
 * keeps go on waiting (keptPendingGrants), the others are superseded when it is recorded.
 */
export async function planRoleChangeOf(
  db: Kysely<Database>,
  user: Readonly<{ id: string; roles: readonly Role[] }>,
  wanted: readonly Role[],
  requester: Actor | undefined,
): Promise<RoleChangePlan> {
  const kept = keptPendingGrants(await listPendingRoleRequestsOf(db, user.id), user.roles, wanted, requester);
  return {
    ...planRoleChange(
      user.roles,
      wanted,
      requester,
      kept.flatMap((grant) => grant.rolesAdded),
    ),
    keptGrantIds: kept.map((grant) => grant.id),
  };
}

/**
 * Which of a user's pending grants a change to `wanted` roles keeps: those whose roles it still
 * wants and that would still give something the user does not hold, when an administrator asks
 * (the operator's change grants what it wants itself, and replaces them all). The others are
 * superseded by the change.
 */
function keptPendingGrants(
  pendingGrants: readonly StoredRoleRequest[],
  held: readonly Role[],
  wanted: readonly Role[],
  requester: Actor | undefined,
): StoredRoleRequest[] {
  if (requester === undefined) return [];
  return pendingGrants.filter(
    (grant) =>
      grant.rolesAdded.every((role) => wanted.includes(role)) &&
      grant.rolesAdded.some((role) => !held.includes(role)),
  );
}

/**
 * Records a planned change in the same transaction as the account change: one applied row for
 * what changed now (if anything), one pending row for what waits. Returns the pending row's id.
 * The user's grants still pending from an earlier change that this change does not keep are
 * superseded: a role it no longer wants cannot come back by approving an old grant.
 */
export async function recordRoleChange(
  db: Kysely<Database>,
  userId: string,
  plan: RoleChangePlan,
  requester: Actor | undefined,
  now: Date,
): Promise<string | undefined> {
  const requestedBy = requester?.userId ?? null;
  await markPendingRoleRequestsSuperseded(db, userId, plan.keptGrantIds ?? [], {
    decidedBy: requestedBy,
    decidedAt: now,
  });
  if (plan.added.length > 0 || plan.removed.length > 0) {
    await insertRoleRequest(db, {
      userId,
      rolesAdded: plan.added,
      rolesRemoved: plan.removed,
      status: 'applied',
      requestedBy,
      requestedAt: now,
      decidedBy: requestedBy,
      decidedAt: now,
    });
  }
  if (plan.pending.length === 0) return undefined;
  return insertRoleRequest(db, {
    userId,
    rolesAdded: plan.pending,
    rolesRemoved: [],
    status: 'pending',
    requestedBy,
    requestedAt: now,
    decidedBy: null,
    decidedAt: null,
  });
}

/** Every recorded change of roles, newest first (only those waiting with `isPendingOnly`). */
export async function listRoleRequests(
  context: AppContext,
  options: { isPendingOnly?: boolean } = {},
): Promise<RoleRequestView[]> {
  return (await listRoleRequestRows(context.db, options)).map(toRoleRequestView);
}

/** One role request; not-found for an unknown id. */
export async function getRoleRequest(context: AppContext, id: string): Promise<RoleRequestView> {
  const request = UUID_PATTERN.test(id) ? await findRoleRequest(context.db, id) : undefined;
  if (!request) throw new AppError('not-found', 'no such role request');
  return toRoleRequestView(request);
}

/**
 * Approves a pending grant and gives the user its roles. `approver` undefined: the node's
 * operator. An administrator may approve neither its own request nor a grant to itself
 * (forbidden); a request no longer pending is invalid-state.
 */
export async function approveRoleRequest(
  context: AppContext,
  id: string,
  approver: Actor | undefined,
): Promise<RoleRequestView> {
  const request = UUID_PATTERN.test(id) ? await findRoleRequest(context.db, id) : undefined;
  if (!request) throw new AppError('not-found', 'no such role request');
  if (request.status === 'superseded') {
    throw new AppError(
      'invalid-state',
      "a later change of this user's roles replaced this request: approve the pending one, if any",
    );
  }
  if (request.status !== 'pending')
    throw new AppError('invalid-state', `this role request is already ${request.status}`);
  if (approver && approver.userId === request.requestedBy) {
    throw new AppError('forbidden', 'a second administrator must approve: you asked for this grant');
  }
  if (approver && approver.userId === request.userId) {
    throw new AppError('forbidden', 'another administrator must approve a grant of roles to you');
  }
  const now = context.now();
  await context.db.transaction().execute(async (transaction) => {
    const decided = await markRoleRequestApproved(transaction, request.id, {
      decidedBy: approver?.userId ?? null,
      decidedAt: now,
    });
    if (!decided) throw new AppError('invalid-state', 'this role request was decided meanwhile');
    const user = await findUserById(transaction, request.userId);
    if (!user) throw new AppError('not-found', 'no such user');
    const roles = [...new Set([...user.roles, ...request.rolesAdded])];
    await updateUserRow(transaction, user.id, { roles }, now);
  });
  return getRoleRequest(context, request.id);
}
