/**
 * Authorization, in one place. Deny by default: a role has exactly the permissions listed here,
 * and a permission not listed for any of an actor's roles is refused. Routes call
 * `requirePermission` (src/http/auth.ts) or `assertCan`; nothing else decides who may do what.
 */
import { AppError } from '../core/errors.ts';

export const ROLES = [
  'officer',
  'supervisor',
  'duty-officer',
  'legal-reviewer',
  'evidence-custodian',
  'auditor',
  'administrator',
] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  /** Create, edit, validate and delete one's own drafts. */
  'request:draft',
  /** Read every request of the node, not only one's own. */
  'request:read-all',
  /** Read the requests other States' nodes sent to this node (incoming). */
  'request:read-incoming',
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
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  officer: ['request:draft', 'reference:read', 'token:own'],
  supervisor: ['request:draft', 'request:read-all', 'request:read-incoming', 'reference:read', 'token:own'],
  'duty-officer': ['request:draft', 'request:read-incoming', 'reference:read', 'token:own'],
  'legal-reviewer': ['request:read-all', 'request:read-incoming', 'reference:read', 'token:own'],
  'evidence-custodian': ['reference:read', 'token:own'],
  auditor: ['request:read-all', 'request:read-incoming', 'reference:read', 'token:own'],
  administrator: [
    'reference:read',
    'directory:edit',
    'treaty:edit',
    'user:manage',
    'token:own',
    'federation:operate',
  ],
};

/** Who is acting: a signed-in user (session cookie) or a national system (bearer API token). */
export type Actor = Readonly<{
  userId: string;
  username: string;
  roles: readonly Role[];
  authenticatedBy: 'session' | 'token';
}>;

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

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
 * Whether the actor may see a request created by `ownerId`. A request the actor may not see is
 * reported as not found, never as forbidden, so its existence does not leak. An incoming request
 * (sent by another State's node) is read by those who handle them (request:read-incoming:
 * supervisors, duty officers, legal reviewers, auditors) and by request:read-all.
 */
export function canReadRequest(actor: Actor, ownerId: string, direction: string = 'outgoing'): boolean {
  if (direction === 'incoming') return can(actor, 'request:read-incoming') || can(actor, 'request:read-all');
  return (can(actor, 'request:draft') && actor.userId === ownerId) || can(actor, 'request:read-all');
}

export function canEditRequest(actor: Actor, ownerId: string): boolean {
  return can(actor, 'request:draft') && actor.userId === ownerId;
}
