/**
 * Authorization, in one place. Deny by default: a role has exactly the permissions listed here,
 * and a permission not listed for any of an actor's roles is refused.
 *
 * Two questions, two answers:
 * - may this actor call this operation at all? Every route declares a `RouteAccess`
 *   (`config.permission`), and one onRequest hook (src/http/auth.ts) calls `assertMayCall` before
 *   the body is read;
 * - may this actor see or change this record? `requestAccessOf` (one request) and
 *   `requestScopeOf` (which requests a list shows), called by the services.
 */
import { AppError } from '../core/errors.ts';
import type { Role } from '../core/roles.ts';

export const PERMISSIONS = [
  /** Create, edit, validate and delete one's own drafts. */
  'request:draft',
  /**
   * Approve or return what another person submitted to leave the node (a request, a response, an
   * evidence package): the two-person rule, src/core/approval.
   */
  'request:approve',
  /** Make the transitions of a case the lifecycle gives one's roles (docs/case-lifecycle.md). */
  'case:transition',
  /** Read every request of the node, not only one's own. */
  'request:read-all',
  /** Read the requests other States' nodes sent to this node (incoming). */
  'request:read-incoming',
  /**
   * Read, and follow up, the requests this node sent through the 24/7 network (Art. 41: the
   * point-of-contact channel), whoever drafted them: the duty officer on shift answers the other
   * State's questions at night on a colleague's urgent request. Drafts stay their author's.
   */
  'request:read-point-of-contact',
  /** Read the catalogue, the directory and the node's own profile. */
  'reference:read',
  /** Edit the directory of States and their designations. */
  'directory:edit',
  /** Add and import treaty-status records. */
  'treaty:edit',
  /** Create users, change roles. */
  'user:manage',
  /** Create and revoke one's own API tokens. */
  'token:own',
  /** See the peers' health and the outbox; retry or cancel a stuck message. */
  'federation:operate',
  /** Take an encrypted backup of the running node (database, identity and keys, evidence files). */
  'node:backup',
  /** Read the duty roster (who is on duty, who comes next) and its handover notes. */
  'roster:read',
  /**
   * Write a handover note to the next person on the roster: those who take shifts and those who
   * run them, not an auditor, who reads the roster and changes nothing.
   */
  'roster:handover',
  /** Put people on the duty roster and take shifts off it. */
  'roster:manage',
  /** Register webhook endpoints for alerts; see and retry the alert deliveries that failed. */
  'alerts:manage',
  /** Attach evidence to a request received here (the executing side): upload items. */
  'evidence:upload',
  /** List the evidence items of a request received here, read their chain of custody, download them. */
  'evidence:read',
  /** Download items flagged as child sexual abuse material (each access logged with its reason). */
  'evidence:read-sensitive',
  /** Delete an evidence item (recorded in its chain of custody, with the reason). */
  'evidence:delete',
  /**
   * Requesting side: ask the sending State's consent to a use of received evidence that its
   * conditions of use block, and record a use (onward transfer, other case, disclosure).
   */
  'evidence:consent-ask',
  /** Executing side: grant or refuse an ask for consent to use evidence this node sent. */
  'evidence:consent-answer',
  /** Read the audit log, its signed tree heads and proofs (docs/operations.md, "Verifying the audit log"). */
  'audit:read',
  /**
   * Read the screening checklist of a request received here: the legal assessment (grounds for
   * refusal, safeguards), its flags and the requesting State's record. Not an evidence
   * custodian's: they execute a request, they do not judge it.
   */
  'screening:read',
  /** Answer the screening checklist of a request received here (grounds for refusal, safeguards, flags). */
  'screening:review',
  /** Add, import and remove the domestic provisions of the node's law map. */
  'law-map:edit',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  officer: ['request:draft', 'case:transition', 'reference:read', 'token:own'],
  supervisor: [
    'request:draft',
    'request:approve',
    'case:transition',
    'request:read-all',
    'request:read-incoming',
    'reference:read',
    'token:own',
    'roster:read',
    'roster:handover',
    'roster:manage',
    'evidence:upload',
    'evidence:read',
    'evidence:delete',
    'screening:read',
    'screening:review',
    'evidence:consent-ask',
    'evidence:consent-answer',
  ],
  'duty-officer': [
    'request:draft',
    'case:transition',
    'request:read-incoming',
    'request:read-point-of-contact',
    'reference:read',
    'token:own',
    'roster:read',
    'roster:handover',
    'evidence:upload',
    'evidence:read',
    'evidence:consent-ask',
    'screening:read',
  ],
  'legal-reviewer': [
    'case:transition',
    'request:read-all',
    'request:read-incoming',
    'reference:read',
    'token:own',
    'roster:read',
    'roster:handover',
    'screening:read',
    'screening:review',
    'law-map:edit',
    'evidence:consent-ask',
    'evidence:consent-answer',
  ],
  // A custodian executes what a request received here asks (collects, seals and sends the
  // evidence, records preservation): they read those requests, and change none.
  'evidence-custodian': [
    'case:transition',
    'request:read-incoming',
    'reference:read',
    'token:own',
    'evidence:upload',
    'evidence:read',
    'evidence:read-sensitive',
    'evidence:delete',
    'evidence:consent-ask',
  ],
  auditor: [
    'request:read-all',
    'request:read-incoming',
    'reference:read',
    'token:own',
    'roster:read',
    'evidence:read',
    'audit:read',
    'screening:read',
  ],
  administrator: [
    'reference:read',
    'directory:edit',
    'treaty:edit',
    'user:manage',
    'token:own',
    'federation:operate',
    'roster:read',
    'roster:handover',
    'roster:manage',
    'alerts:manage',
    'node:backup',
    'law-map:edit',
  ],
};

/** Permissions that read case content (requests, cases, their history). */
const CASE_CONTENT_PERMISSIONS: readonly Permission[] = [
  'request:draft',
  'request:approve',
  'request:read-all',
  'request:read-incoming',
  'request:read-point-of-contact',
  'case:transition',
];

/**
 * Whether an administrator's grant of the role waits for a second administrator's approval
 * (separation of duties): the role reads case content, or it manages accounts (else one
 * administrator could make an accomplice administrator approve its grants).
 */
export function isGrantNeedingApproval(role: Role): boolean {
  const permissions = ROLE_PERMISSIONS[role] ?? [];
  return permissions.includes('user:manage') || permissions.some((p) => CASE_CONTENT_PERMISSIONS.includes(p));
}

/** Who is acting: a signed-in user (session cookie) or a national system (bearer API token). */
export type Actor = Readonly<{
  userId: string;
  username: string;
  roles: readonly Role[];
  authenticatedBy: 'session' | 'token';
}>;

export function can(actor: Actor | undefined, permission: Permission): boolean {
  if (!actor) return false;
  return actor.roles.some((role) => ROLE_PERMISSIONS[role]?.includes(permission) ?? false);
}

export function permissionsOf(actor: Actor): Permission[] {
  return PERMISSIONS.filter((permission) => can(actor, permission));
}

/** Throws unauthenticated (no actor) or forbidden (actor without the permission). */
export function assertCan(actor: Actor | undefined, permission: Permission): asserts actor is Actor {
  if (!actor) throw new AppError('unauthenticated', 'sign in or present an API token');
  if (!can(actor, permission)) throw new AppError('forbidden', `your roles do not allow ${permission}`);
}

/**
 * What a route requires of its caller: `public` (anyone, signed in or not), `signed-in` (any
 * actor, whatever the roles: the service then shows only what the actor may see) or a permission.
 */
export type RouteAccess = 'public' | 'signed-in' | Permission;

const ROUTE_ACCESS_LEVELS: readonly RouteAccess[] = ['public', 'signed-in', ...PERMISSIONS];

export function isRouteAccess(value: unknown): value is RouteAccess {
  return (ROUTE_ACCESS_LEVELS as readonly unknown[]).includes(value);
}

/** Throws unauthenticated or forbidden unless the actor may call an operation declaring `access`. */
export function assertMayCall(actor: Actor | undefined, access: RouteAccess): void {
  if (access === 'public') return;
  if (!actor) throw new AppError('unauthenticated', 'sign in or present an API token');
  if (access !== 'signed-in') assertCan(actor, access);
}

/**
 * A request as authorization sees it: who created it, whether another State's node sent it, its
 * status (a draft is its author's alone) and the channel its type goes through (the catalogue's
 * `channel`; null for a type the catalogue does not know).
 */
export type RequestRecord = Readonly<{
  createdBy: Readonly<{ id: string }>;
  direction: string;
  status: string;
  channel: string | null;
}>;

/** Whether a request left, or is on its way to leave, through the 24/7 network (Art. 41). */
function isPointOfContactRequest(request: RequestRecord): boolean {
  return (
    request.direction === 'outgoing' && request.status !== 'draft' && request.channel === 'point-of-contact'
  );
}

/**
 * What the actor may do with one request: `change` (edit, delete, send), `read`, or `none` (then it
 * is reported as not found, never as forbidden, so its existence does not leak).
 *
 * - An outgoing request: its author changes it while drafting (request:draft); request:read-all
 *   reads every one; request:read-point-of-contact (duty officers) reads every one that is not a
 *   draft and goes through the 24/7 network.
 * - An incoming request (created by the federation account for a request another State's node
 *   sent) is read by those who handle them (request:read-incoming: supervisors, duty officers,
 *   legal reviewers, evidence custodians, auditors) and by request:read-all; nobody here changes it.
 */
export function requestAccessOf(actor: Actor, request: RequestRecord): 'change' | 'read' | 'none' {
  if (request.direction === 'incoming') {
    return can(actor, 'request:read-incoming') || can(actor, 'request:read-all') ? 'read' : 'none';
  }
  if (can(actor, 'request:draft') && actor.userId === request.createdBy.id) return 'change';
  if (can(actor, 'request:read-all')) return 'read';
  return isPointOfContactRequest(request) && can(actor, 'request:read-point-of-contact') ? 'read' : 'none';
}

/**
 * Which requests a list shows the actor, as a filter storage applies: `all`, `none`, every
 * incoming one (request:read-incoming without drafting: an evidence custodian), or the actor's
 * own (and, with request:read-incoming, every incoming one; with request:read-point-of-contact,
 * every outgoing one of the 24/7 network that is not a draft). Agrees with `requestAccessOf` on
 * every request.
 */
export type RequestScope =
  | Readonly<{ kind: 'all' }>
  | Readonly<{ kind: 'none' }>
  | Readonly<{ kind: 'incoming' }>
  | Readonly<{
      kind: 'own';
      createdBy: string;
      isIncludingIncoming: boolean;
      isIncludingPointOfContact: boolean;
    }>;

export function requestScopeOf(actor: Actor): RequestScope {
  if (can(actor, 'request:read-all')) return { kind: 'all' };
  const isIncludingIncoming = can(actor, 'request:read-incoming');
  if (!can(actor, 'request:draft')) return isIncludingIncoming ? { kind: 'incoming' } : { kind: 'none' };
  return {
    kind: 'own',
    createdBy: actor.userId,
    isIncludingIncoming,
    isIncludingPointOfContact: can(actor, 'request:read-point-of-contact'),
  };
}

/**
 * What the actor may do with the evidence of one request: evidence is attached by the executing
 * side, so only to a request received here (incoming); on a request sent from here, the items the
 * executing node sent in packages are read (evidence:read), and by the officer who drafted the
 * request: what came back is the answer to their request. `none` is reported as not found.
 */
export function evidenceAccessOf(
  actor: Actor,
  request: Pick<RequestRecord, 'createdBy' | 'direction'>,
): 'upload' | 'read' | 'none' {
  // A request sent from here: the evidence packages the executing node sent back, read only.
  if (request.direction !== 'incoming') {
    const isAuthor = can(actor, 'request:draft') && actor.userId === request.createdBy.id;
    return can(actor, 'evidence:read') || isAuthor ? 'read' : 'none';
  }
  if (can(actor, 'evidence:upload')) return 'upload';
  return can(actor, 'evidence:read') ? 'read' : 'none';
}
