/**
 * Multi-factor sign-in with TOTP (RFC 6238, the `otpauth` library): enrolment from the account
 * screen (a secret and an otpauth:// URI, confirmed by a first code, then 10 one-time recovery
 * codes shown once and stored as SHA-256), the check at sign-in (a code is accepted once: the
 * last time step used is kept), and disabling with password + code. Which step a signed-in user
 * must take before anything else (a one-time password to change, TOTP to enrol because a role
 * requires it: COMITY_MFA_REQUIRED_ROLES) is decided here too.
 */
import { randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import { AppError } from '../core/errors.ts';
import { isRole, type Role } from '../core/roles.ts';
import type { AppContext } from '../app-context.ts';
import {
  acceptTotpStep,
  clearTotp,
  confirmTotpEnrolment,
  consumeRecoveryCode,
  countRecoveryCodes,
  findPasswordHash,
  findTotp,
  findUserById,
  findUserByUsername,
  startTotpEnrolment,
} from '../storage/users.repository.ts';
import { deleteSessionsOfUser } from '../storage/sessions.repository.ts';
import { verifyPasswordTimed } from './password-hashing.ts';
import { admitSecretAttempt, hashToken, recordSecretFailure } from './sessions.service.ts';

/** Codes accepted one period either side of now (clock drift between the phone and the node). */
const TOTP_WINDOW = 1;
const TOTP_PERIOD_SECONDS = 30;
export const RECOVERY_CODE_COUNT = 10;
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
const TOTP_CODE_PATTERN = /^\d{6}$/;

/** What a signed-in user must do before anything else; null: nothing. */
export type PendingStep = 'change-password' | 'enrol-mfa';

/** Throws at start when COMITY_MFA_REQUIRED_ROLES names a role that does not exist. */
export function assertMfaRolesKnown(context: AppContext): void {
  const unknown = context.config.session.mfaRequiredRoles.filter((role) => !isRole(role));
  if (unknown.length > 0) {
    throw new Error(`COMITY_MFA_REQUIRED_ROLES names unknown roles: ${unknown.join(', ')}`);
  }
}

/** Whether the node requires TOTP of a holder of these roles. */
export function isMfaRequiredFor(context: AppContext, roles: readonly Role[]): boolean {
  const required = context.config.session.mfaRequiredRoles;
  return roles.some((role) => required.includes(role));
}

export function pendingStepOf(
  context: AppContext,
  user: Readonly<{ mustChangePassword: boolean; isTotpEnrolled: boolean; roles: readonly Role[] }>,
): PendingStep | null {
  if (user.mustChangePassword) return 'change-password';
  if (!user.isTotpEnrolled && isMfaRequiredFor(context, user.roles)) return 'enrol-mfa';
  return null;
}

function totpOf(secret: string, label: string): TOTP {
  return new TOTP({
    issuer: 'Comity',
    label,
    algorithm: 'SHA1',
    digits: 6,
    period: TOTP_PERIOD_SECONDS,
    secret: Secret.fromBase32(secret),
  });
}

/** The time step a code belongs to, or undefined when it is not valid now (within the window). */
function stepOfCode(context: AppContext, secret: string, code: string): number | undefined {
  if (!TOTP_CODE_PATTERN.test(code)) return undefined;
  const timestamp = context.now().getTime();
  const delta = totpOf(secret, '').validate({ token: code, timestamp, window: TOTP_WINDOW });
  if (delta === null) return undefined;
  return Math.floor(timestamp / 1000 / TOTP_PERIOD_SECONDS) + delta;
}

export type TotpEnrolment = Readonly<{ secret: string; uri: string }>;

/** Starts (or restarts) an enrolment: a new secret to type or scan; conflict when already enrolled. */
export async function startEnrolment(context: AppContext, userId: string): Promise<TotpEnrolment> {
  const user = await findUserById(context.db, userId);
  if (!user) throw new AppError('not-found', 'no such user');
  const secret = new Secret({ size: 20 }).base32;
  if (!(await startTotpEnrolment(context.db, userId, secret))) {
    throw new AppError(
      'conflict',
      'this account already signs in with TOTP: disable it first to enrol again',
    );
  }
  // The app's entry names the node's State, so that accounts on several nodes are told apart.
  const state = context.federation?.identity.state ?? context.config.node.state;
  const nodeName = state ? `Comity ${state}` : 'Comity';
  const totp = new TOTP({
    issuer: nodeName,
    label: user.username,
    algorithm: 'SHA1',
    digits: 6,
    period: TOTP_PERIOD_SECONDS,
    secret: Secret.fromBase32(secret),
  });
  return { secret, uri: totp.toString() };
}

function newRecoveryCode(): string {
  const bytes = randomBytes(10);
  const characters = [...bytes].map((byte) => RECOVERY_ALPHABET[byte % RECOVERY_ALPHABET.length]);
  return `${characters.slice(0, 5).join('')}-${characters.slice(5).join('')}`;
}

function normalizeRecoveryCode(code: string): string {
  return code.trim().toLowerCase().replace(/\s+/g, '');
}

/**
 * Confirms an enrolment with a first code: from now on sign-in asks for a code. Returns the 10
 * recovery codes, shown this once (only their hashes are kept).
 */
export async function confirmEnrolment(
  context: AppContext,
  userId: string,
  code: string,
): Promise<{ recoveryCodes: string[] }> {
  const totp = await findTotp(context.db, userId);
  if (!totp?.secret || totp.isConfirmed) {
    throw new AppError('invalid-state', 'start an enrolment first (POST /api/v1/account/totp)');
  }
  const step = stepOfCode(context, totp.secret, code.trim());
  if (step === undefined) {
    throw new AppError('invalid-input', 'the code does not match: check the clock of your device', [
      { path: 'code', message: 'the 6-digit code your app shows now', pointer: '/code', code: 'invalid' },
    ]);
  }
  const recoveryCodes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  const isConfirmed = await confirmTotpEnrolment(context.db, userId, {
    step,
    recoveryCodeHashes: recoveryCodes.map((recovery) => hashToken(recovery)),
    now: context.now(),
  });
  if (!isConfirmed) throw new AppError('conflict', 'the enrolment changed meanwhile: start again');
  return { recoveryCodes };
}

/**
 * Checks a second factor at sign-in: a 6-digit TOTP code (each accepted once) or an unused
 * recovery code (used up). False for anything else.
 */
export async function verifySecondFactor(
  context: AppContext,
  userId: string,
  code: string,
): Promise<boolean> {
  const given = code.trim();
  const totp = await findTotp(context.db, userId);
  if (!totp?.secret || !totp.isConfirmed) return false;
  if (TOTP_CODE_PATTERN.test(given)) {
    const step = stepOfCode(context, totp.secret, given);
    return step !== undefined && (await acceptTotpStep(context.db, userId, step));
  }
  const recovery = normalizeRecoveryCode(given);
  if (recovery.length > 20) return false;
  return consumeRecoveryCode(context.db, userId, hashToken(recovery));
}

export type MfaStatus = Readonly<{
  isEnrolled: boolean;
  isRequired: boolean;
  recoveryCodesLeft: number;
}>;

export async function mfaStatusOf(context: AppContext, userId: string): Promise<MfaStatus> {
  const user = await findUserById(context.db, userId);
  if (!user) throw new AppError('not-found', 'no such user');
  return {
    isEnrolled: user.isTotpEnrolled,
    isRequired: isMfaRequiredFor(context, user.roles),
    recoveryCodesLeft: user.isTotpEnrolled ? await countRecoveryCodes(context.db, userId) : 0,
  };
}

/**
 * Turns TOTP off with the password and a current code (or a recovery code). invalid-state when
 * the user's roles require it; invalid-credentials for a wrong password or code.
 */
export async function disableTotp(
  context: AppContext,
  userId: string,
  input: Readonly<{ password: string; code: string }>,
  clientAddress: string,
): Promise<void> {
  const user = await findUserById(context.db, userId);
  if (!user) throw new AppError('not-found', 'no such user');
  if (!user.isTotpEnrolled) throw new AppError('invalid-state', 'this account does not sign in with TOTP');
  if (isMfaRequiredFor(context, user.roles)) {
    throw new AppError(
      'invalid-state',
      "this node requires TOTP of this account's roles: it cannot be turned off",
    );
  }
  admitSecretAttempt(context, clientAddress);
  const passwordHash = await findPasswordHash(context.db, userId);
  const isPasswordRight =
    passwordHash !== undefined && (await verifyPasswordTimed(input.password, passwordHash));
  if (!isPasswordRight || !(await verifySecondFactor(context, userId, input.code))) {
    recordSecretFailure(context, clientAddress);
    throw new AppError('invalid-credentials', 'wrong password or code');
  }
  await clearTotp(context.db, userId);
}

/**
 * The node's operator turns off a user's TOTP (command line, on the server): for a user who lost
 * the authenticator and the recovery codes. Their sessions end; they enrol again (at the next
 * sign-in if a role requires it). not-found for an unknown username.
 */
export async function removeTotpOf(context: AppContext, username: string): Promise<void> {
  const user = await findUserByUsername(context.db, username);
  if (!user) throw new AppError('not-found', `no user named '${username}'`);
  await context.db.transaction().execute(async (transaction) => {
    await clearTotp(transaction, user.id);
    await deleteSessionsOfUser(transaction, user.id);
  });
}
