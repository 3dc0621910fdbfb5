/**
 * User accounts: the first administrator, creation by an administrator or the node's operator,
 * role changes, disabling, password changes. Authorization (who may call these) is decided by
 * the caller through src/policies/access.ts; this module keeps accounts consistent.
 */
import { AppError } from '../core/errors.ts';
import type { AppContext } from '../app-context.ts';
import { isRole, ROLES, type Role } from '../core/roles.ts';
import { type Actor, type Permission, permissionsOf } from '../policies/access.ts';
import { revokeApiTokensOfUser } from '../storage/api-tokens.repository.ts';
import { deleteSessionsOfUser } from '../storage/sessions.repository.ts';
import {
  countEnabledUsersWithRole,
  countUsers,
  findPasswordHash,
  findUserById,
  findUserByUsername,
  insertUser,
  listAllUsers,
  type StoredUser,
  updateUserRow,
} from '../storage/users.repository.ts';
import {
  assertPasswordAcceptable,
  assertPasswordHashAcceptable,
  generatePassword,
  hashPassword,
  verifyPasswordTimed,
} from './password-hashing.ts';
import { admitSecretAttempt, recordSecretFailure } from './sessions.service.ts';
import {
  getRoleRequest,
  planRoleChange,
  planRoleChangeOf,
  type RoleRequestView,
  recordRoleChange,
} from './role-requests.service.ts';
import { UUID_PATTERN } from '../core/ids.ts';
import { isSystemAccount } from '../core/system-accounts.ts';

/** A user as the API and the CLI show it: never a password hash. */
export type UserView = Readonly<{
  id: string;
  username: string;
  displayName: string;
  roles: Role[];
  permissions: Permission[];
  locale: string | null;
  /** Where e-mail alerts go; null: none. */
  email: string | null;
  isDisabled: boolean;
  /** Signed in with a one-time password that must be changed at the next sign-in. */
  mustChangePassword: boolean;
  /** Signs in with TOTP as a second factor. */
  isTotpEnrolled: boolean;
}>;

/**
 * An e-mail address as alerts need it: one mailbox, no display name, no spaces or angle brackets
 * (which could smuggle headers), at most 254 characters (RFC 5321).
 */
const EMAIL_PATTERN =
  /^[^\s@<>()",;:\\[\]]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;

/** The address trimmed, null for none (undefined or empty); throws invalid-input for a malformed one. */
export function parseEmail(value: string | null | undefined): string | null {
  const email = value?.trim() ?? '';
  if (email === '') return null;
  if (email.length > 254 || !EMAIL_PATTERN.test(email)) {
    throw new AppError('invalid-input', `'${email.slice(0, 100)}' is not an e-mail address`, [
      { path: 'email', message: 'an e-mail address such as duty@example.org' },
    ]);
  }
  return email;
}

/** Usernames: lowercase letters, digits, dot, dash and underscore; 2 to 64 characters. */
const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{1,63}$/;
/** The roles of the account created at first start: it can administer and also draft at once. */
export const FIRST_ADMINISTRATOR_ROLES: readonly Role[] = ['administrator', 'supervisor', 'officer'];

/** The permissions that a set of roles grants. */
export function permissionsOfRoles(roles: readonly Role[]): Permission[] {
  return permissionsOf({ userId: '', username: '', roles, authenticatedBy: 'session' });
}

export function toUserView(user: StoredUser): UserView {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    roles: [...user.roles],
    permissions: permissionsOfRoles(user.roles),
    locale: user.locale,
    email: user.email,
    isDisabled: user.isDisabled,
    mustChangePassword: user.mustChangePassword,
    isTotpEnrolled: user.isTotpEnrolled,
  };
}

/** Throws invalid-input naming every unknown role and the valid ones. */
export function parseRoles(values: readonly string[]): Role[] {
  const unknown = values.filter((value) => !isRole(value));
  if (unknown.length > 0) {
    throw new AppError(
      'invalid-input',
      `unknown role ${unknown.map((value) => `'${value}'`).join(', ')}; valid roles: ${ROLES.join(', ')}`,
      [{ path: 'roles', message: `valid roles: ${ROLES.join(', ')}` }],
    );
  }
  if (values.length === 0) {
    throw new AppError('invalid-input', `give at least one role; valid roles: ${ROLES.join(', ')}`, [
      { path: 'roles', message: 'at least one role' },
    ]);
  }
  return [...new Set(values as Role[])];
}

function assertUsernameValid(username: string): void {
  if (!USERNAME_PATTERN.test(username)) {
    throw new AppError(
      'invalid-input',
      'a username has 2 to 64 characters: lowercase letters, digits, dot, dash or underscore, starting with a letter or digit',
      [{ path: 'username', message: 'lowercase letters, digits, ".", "-", "_"; 2 to 64 characters' }],
    );
  }
}

/** Throws not-found for an id that is not a user's (including ids that are not UUIDs). */
async function requireUser(context: AppContext, id: string): Promise<StoredUser> {
  const user = UUID_PATTERN.test(id) ? await findUserById(context.db, id) : undefined;
  if (!user) throw new AppError('not-found', 'no such user');
  return user;
}

/** Throws not-found when no account has that username. */
export async function requireUserByUsername(context: AppContext, username: string): Promise<StoredUser> {
  const user = await findUserByUsername(context.db, username);
  if (!user) throw new AppError('not-found', `no user named '${username}'`);
  return user;
}

export type NewUser = Readonly<{
  username: string;
  displayName?: string;
  password: string;
  roles: readonly string[];
  locale?: string | null;
  /** Where e-mail alerts go (optional). */
  email?: string | null;
  /** The password is one-time: the first sign-in must change it. */
  mustChangePassword?: boolean;
}>;

/** A user after an administrator's change, and the grant that waits for a second administrator, if any. */
export type UserChangeResult = Readonly<{ user: UserView; pendingRoleRequest: RoleRequestView | null }>;

/**
 * An account given with its password's hash rather than the password (the first-start file): the
 * hash must be one the node would make, or costlier (password-hashing.ts).
 */
export type NewUserWithHash = Omit<NewUser, 'password'> & Readonly<{ passwordHash: string }>;

/**
 * Creates an account as the node's operator (command line, tests, first administrator): every
 * role applies at once, and the grant is recorded. Conflict when the username is taken;
 * invalid-input for a bad name, role, password or password hash.
 */
export async function createUser(context: AppContext, input: NewUser | NewUserWithHash): Promise<UserView> {
  return (await createAccount(context, input, undefined)).user;
}

/**
 * Creates an account as an administrator: roles that read case content (or administer) wait
 * for a second administrator's approval (role-requests.service.ts); the others apply at once.
 * The password is one-time (the user changes it at the first sign-in); without one, the node
 * generates it and returns it this once as `oneTimePassword`.
 */
export async function createUserAs(
  context: AppContext,
  actor: Actor,
  input: Omit<NewUser, 'password' | 'mustChangePassword'> & { password?: string | undefined },
): Promise<UserChangeResult & { oneTimePassword: string | null }> {
  const oneTimePassword = input.password === undefined ? generatePassword(20) : null;
  const password = input.password ?? oneTimePassword ?? '';
  const created = await createAccount(context, { ...input, password, mustChangePassword: true }, actor);
  return { ...created, oneTimePassword };
}

async function createAccount(
  context: AppContext,
  input: NewUser | NewUserWithHash,
  requester: Actor | undefined,
): Promise<UserChangeResult> {
  assertUsernameValid(input.username);
  const plan = planRoleChange([], parseRoles(input.roles), requester);
  const email = parseEmail(input.email);
  let passwordHash: string;
  if ('passwordHash' in input) {
    assertPasswordHashAcceptable(input.passwordHash);
    passwordHash = input.passwordHash;
  } else {
    passwordHash = await hashPassword(input.password);
  }
  if (await findUserByUsername(context.db, input.username)) {
    throw new AppError('conflict', `the username '${input.username}' is already taken`);
  }
  try {
    const { user, pendingId } = await context.db.transaction().execute(async (transaction) => {
      const inserted = await insertUser(transaction, {
        username: input.username,
        displayName: input.displayName?.trim() || input.username,
        passwordHash,
        roles: plan.rolesNow,
        locale: input.locale ?? null,
        email,
        mustChangePassword: input.mustChangePassword ?? false,
      });
      const id = await recordRoleChange(transaction, inserted.id, plan, requester, context.now());
      return { user: inserted, pendingId: id };
    });
    return {
      user: toUserView(user),
      pendingRoleRequest: pendingId === undefined ? null : await getRoleRequest(context, pendingId),
    };
  } catch (error) {
    // Two creations of the same name at once: the unique index decides.
    if ((error as { code?: string }).code === '23505') {
      throw new AppError('conflict', `the username '${input.username}' is already taken`);
    }
    throw error;
  }
}

/**
 * Creates the first administrator ("admin") when the node has no user at all, with a random
 * one-time password (changed at the first sign-in) to show once. Returns undefined when any user
 * exists, so it is safe at every start.
 */
export async function ensureAdministrator(
  context: AppContext,
): Promise<{ username: string; password: string } | undefined> {
  if ((await countUsers(context.db)) > 0) return undefined;
  const password = generatePassword(20);
  try {
    await createUser(context, {
      username: 'admin',
      displayName: 'Administrator',
      password,
      roles: FIRST_ADMINISTRATOR_ROLES,
      mustChangePassword: true,
    });
  } catch (error) {
    // Another process created it first.
    if (error instanceof AppError && error.code === 'conflict') return undefined;
    throw error;
  }
  return { username: 'admin', password };
}

export async function listUsers(context: AppContext): Promise<UserView[]> {
  return (await listAllUsers(context.db)).map(toUserView);
}

export type UserChanges = Readonly<{
  roles?: readonly string[];
  isDisabled?: boolean;
  displayName?: string;
  /** A new address, or null / empty to remove it. */
  email?: string | null;
}>;

/** Changes an account as the node's operator: role changes apply at once (and are recorded); see updateAccount. */
export async function updateUser(context: AppContext, id: string, changes: UserChanges): Promise<UserView> {
  return (await updateAccount(context, id, changes, undefined)).user;
}

/** Changes an account as an administrator: added roles that read case content wait for a second administrator. */
export async function updateUserAs(
  context: AppContext,
  actor: Actor,
  id: string,
  changes: UserChanges,
): Promise<UserChangeResult> {
  return updateAccount(context, id, changes, actor);
}

/**
 * Changes roles, display name or the disabled flag. Disabling ends the user's sessions and
 * revokes their API tokens (enabling the account again does not bring them back). The last enabled administrator can be neither disabled nor
 * demoted, so the node always keeps someone who can manage accounts.
 */
async function updateAccount(
  context: AppContext,
  id: string,
  changes: UserChanges,
  requester: Actor | undefined,
): Promise<UserChangeResult> {
  const user = await requireUser(context, id);
  refuseSystemAccount(user);
  const plan =
    changes.roles === undefined
      ? undefined
      : await planRoleChangeOf(context.db, user, parseRoles(changes.roles), requester);
  const roles = plan?.rolesNow;
  const displayName = changes.displayName?.trim();
  const email = changes.email === undefined ? undefined : parseEmail(changes.email);
  if (displayName === '') {
    throw new AppError('invalid-input', 'the display name cannot be empty', [
      { path: 'displayName', message: 'cannot be empty' },
    ]);
  }
  const isLosingAdministration =
    user.roles.includes('administrator') &&
    !user.isDisabled &&
    (changes.isDisabled === true || (roles !== undefined && !roles.includes('administrator')));
  if (isLosingAdministration && (await countEnabledUsersWithRole(context.db, 'administrator')) <= 1) {
    throw new AppError(
      'invalid-state',
      'this is the last enabled administrator: give another user the administrator role first',
    );
  }
  const { updated, pendingId } = await context.db.transaction().execute(async (transaction) => {
    const row = await updateUserRow(
      transaction,
      user.id,
      {
        ...(roles ? { roles } : {}),
        ...(changes.isDisabled === undefined ? {} : { isDisabled: changes.isDisabled }),
        ...(displayName === undefined ? {} : { displayName }),
        ...(email === undefined ? {} : { email }),
      },
      context.now(),
    );
    if (changes.isDisabled === true) {
      await deleteSessionsOfUser(transaction, user.id);
      await revokeApiTokensOfUser(transaction, user.id, context.now());
    }
    const id = plan
      ? await recordRoleChange(transaction, user.id, plan, requester, context.now())
      : undefined;
    return { updated: row, pendingId: id };
  });
  if (!updated) throw new AppError('not-found', 'no such user');
  return {
    user: toUserView(updated),
    pendingRoleRequest: pendingId === undefined ? null : await getRoleRequest(context, pendingId),
  };
}

/** Disables an account by username (CLI); see updateUser. */
export async function disableUser(context: AppContext, username: string): Promise<UserView> {
  const user = await requireUserByUsername(context, username);
  return updateUser(context, user.id, { isDisabled: true });
}

/** Sets or removes (null) a user's e-mail address by username (CLI); see updateUser. */
export async function setUserEmail(
  context: AppContext,
  username: string,
  email: string | null,
): Promise<UserView> {
  const user = await requireUserByUsername(context, username);
  return updateUser(context, user.id, { email });
}

/**
 * Sets a new password (the node's operator, CLI), ends the user's sessions and revokes their API
 * tokens, so neither a leaked password nor a token made with it keeps working. With
 * `isOneTime`, the user must change it at the next sign-in.
 */
export async function changePassword(
  context: AppContext,
  username: string,
  password: string,
  options: Readonly<{ isOneTime?: boolean }> = {},
): Promise<UserView> {
  const user = await requireUserByUsername(context, username);
  refuseSystemAccount(user);
  return setPassword(context, user.id, password, { mustChangePassword: options.isOneTime ?? false });
}

async function setPassword(
  context: AppContext,
  userId: string,
  password: string,
  options: Readonly<{
    mustChangePassword: boolean;
    keepSessionIdHash?: string;
    isKeepingApiTokens?: boolean;
  }>,
): Promise<UserView> {
  const passwordHash = await hashPassword(password);
  const updated = await context.db.transaction().execute(async (transaction) => {
    const row = await updateUserRow(
      transaction,
      userId,
      { passwordHash, mustChangePassword: options.mustChangePassword },
      context.now(),
    );
    await deleteSessionsOfUser(transaction, userId, options.keepSessionIdHash);
    if (!options.isKeepingApiTokens) await revokeApiTokensOfUser(transaction, userId, context.now());
    return row;
  });
  if (!updated) throw new AppError('not-found', 'no such user');
  return toUserView(updated);
}

/**
 * A user changes their own password with the current one (a wrong one counts as a failed sign-in
 * from the caller's address). The other sessions end and every API token is revoked; the session
 * that made the change stays signed in. Clears the one-time mark.
 *
 * Replacing a one-time password keeps the account's API tokens: a session with a one-time
 * password can make none (it may only change the password), so the tokens there are the node
 * operator's (`comity token create --user`, for a national system), and an administrator's reset
 * revoked any older ones already.
 */
export async function changeOwnPassword(
  context: AppContext,
  userId: string,
  input: Readonly<{ currentPassword: string; newPassword: string }>,
  caller: Readonly<{ clientAddress: string; sessionIdHash?: string | undefined }>,
): Promise<UserView> {
  assertPasswordAcceptable(input.newPassword);
  admitSecretAttempt(context, caller.clientAddress);
  const passwordHash = await findPasswordHash(context.db, userId);
  if (passwordHash === undefined || !(await verifyPasswordTimed(input.currentPassword, passwordHash))) {
    recordSecretFailure(context, caller.clientAddress);
    throw new AppError('invalid-credentials', 'the current password is wrong');
  }
  if (input.newPassword === input.currentPassword) {
    throw new AppError('invalid-input', 'choose a password different from the current one', [
      { path: 'newPassword', message: 'different from the current password' },
    ]);
  }
  const isReplacingOneTime = (await findUserById(context.db, userId))?.mustChangePassword === true;
  return setPassword(context, userId, input.newPassword, {
    mustChangePassword: false,
    isKeepingApiTokens: isReplacingOneTime,
    ...(caller.sessionIdHash === undefined ? {} : { keepSessionIdHash: caller.sessionIdHash }),
  });
}

/** A system account is changed by the node alone: no password, no roles, never enabled. */
function refuseSystemAccount(user: Readonly<{ username: string }>): void {
  if (isSystemAccount(user.username)) {
    throw new AppError(
      'forbidden',
      `${user.username} is the node's own account (requests received from other nodes are created by it): it cannot be changed`,
    );
  }
}

/**
 * An administrator resets another user's password: a generated one-time password, returned this
 * once, that the user must change at the next sign-in. The user's sessions end and tokens are
 * revoked; TOTP stays, so the administrator cannot sign in as a user who has it. An administrator
 * changes their own password with changeOwnPassword instead; another administrator's password is
 * reset by the node's operator (`comity user password`), and the node's own account has none.
 */
export async function resetPasswordAs(
  context: AppContext,
  actor: Actor,
  userId: string,
): Promise<{ user: UserView; oneTimePassword: string }> {
  const user = await requireUser(context, userId);
  if (user.id === actor.userId) {
    throw new AppError(
      'invalid-state',
      'change your own password with your current one (your account screen)',
    );
  }
  refuseSystemAccount(user);
  if (user.roles.includes('administrator')) {
    // The one-time password would let one administrator sign in as another and be the second
    // administrator of their own grants: the node's operator resets it on the host.
    throw new AppError(
      'forbidden',
      `an administrator's password is reset by the node's operator, on its host: comity user password ${user.username}`,
    );
  }
  const oneTimePassword = generatePassword(20);
  const updated = await setPassword(context, user.id, oneTimePassword, { mustChangePassword: true });
  return { user: updated, oneTimePassword };
}
