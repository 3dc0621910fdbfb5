/**
 * The signed-in user's own account: changing the password (required first after a one-time
 * password) and TOTP multi-factor sign-in (enrol, confirm with a first code, turn off).
 * These routes stay open while the account has a pending step (auth.ts, PENDING_STEP_ROUTES).
 */
import { z } from 'zod';
import {
  confirmEnrolment,
  disableTotp,
  mfaStatusOf,
  RECOVERY_CODE_COUNT,
  startEnrolment,
} from '../../services/mfa.service.ts';
import { MINIMUM_PASSWORD_LENGTH } from '../../services/password-hashing.ts';
import { changeOwnPassword } from '../../services/users.service.ts';
import type { ComityApp } from '../app.ts';
import { actorOf, sessionOf } from '../auth.ts';
import type { AppContext } from '../../app-context.ts';
import { UserSchema } from './auth.routes.ts';

const MfaStatusSchema = z.object({
  isEnrolled: z.boolean(),
  isRequired: z.boolean().describe("this node requires TOTP of one of the account's roles"),
  recoveryCodesLeft: z.number().int(),
});

export async function accountRoutes(app: ComityApp, context: AppContext): Promise<void> {
  app.post(
    '/api/v1/account/password',
    {
      config: { permission: 'signed-in' },
      schema: {
        tags: ['authentication'],
        summary:
          'Change your password with the current one: your other sessions end and your API tokens are revoked',
        body: z
          .object({
            currentPassword: z.string().min(1).max(1000),
            newPassword: z.string().min(MINIMUM_PASSWORD_LENGTH).max(1000),
          })
          .strict(),
        response: { 200: UserSchema },
      },
    },
    async (request) =>
      changeOwnPassword(context, actorOf(request).userId, request.body, {
        clientAddress: request.ip,
        sessionIdHash: sessionOf(request)?.idHash,
      }),
  );

  app.get(
    '/api/v1/account/totp',
    {
      config: { permission: 'signed-in' },
      schema: {
        tags: ['authentication'],
        summary: 'Whether you sign in with TOTP, whether the node requires it, recovery codes left',
        response: { 200: MfaStatusSchema },
      },
    },
    async (request) => mfaStatusOf(context, actorOf(request).userId),
  );

  app.post(
    '/api/v1/account/totp',
    {
      config: { permission: 'signed-in' },
      schema: {
        tags: ['authentication'],
        summary:
          'Start TOTP enrolment: a new secret for your authenticator app (confirm it with a first code)',
        response: {
          201: z.object({
            secret: z.string().describe('base32, to type into the app'),
            uri: z.string().describe('otpauth:// URI, for apps that read it (or a QR code of it)'),
          }),
        },
      },
    },
    async (request, reply) => reply.status(201).send(await startEnrolment(context, actorOf(request).userId)),
  );

  app.post(
    '/api/v1/account/totp/confirm',
    {
      config: { permission: 'signed-in' },
      schema: {
        tags: ['authentication'],
        summary: `Confirm TOTP enrolment with a first code; returns ${RECOVERY_CODE_COUNT} recovery codes, shown once`,
        body: z.object({ code: z.string().min(1).max(20) }).strict(),
        response: { 200: z.object({ recoveryCodes: z.array(z.string()) }) },
      },
    },
    async (request) => confirmEnrolment(context, actorOf(request).userId, request.body.code),
  );

  app.post(
    '/api/v1/account/totp/disable',
    {
      config: { permission: 'signed-in' },
      schema: {
        tags: ['authentication'],
        summary: 'Stop signing in with TOTP: needs your password and a current code (or a recovery code)',
        body: z.object({ password: z.string().min(1).max(1000), code: z.string().min(1).max(100) }).strict(),
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await disableTotp(context, actorOf(request).userId, request.body, request.ip);
      return reply.status(204).send(null);
    },
  );
}
