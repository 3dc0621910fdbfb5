/**
 * Signing in and out (the web UI's session cookie) and the signed-in user's own API tokens.
 * Contract: docs/api.md, "Authentication".
 */
import { z } from 'zod';
import { SIGNED_IN_HINT_COOKIE } from '../../api-client/session-hint.ts';
import { AppError } from '../../core/errors.ts';
import { ROLES } from '../../core/roles.ts';
import { PERMISSIONS } from '../../policies/access.ts';
import {
  createApiToken,
  listApiTokens,
  MAXIMUM_TOKEN_DAYS,
  revokeApiToken,
} from '../../services/api-tokens.service.ts';
import { describeSessionUser, extendSession, signIn, signOut } from '../../services/sessions.service.ts';
import type { ComityApp } from '../app.ts';
import { actorOf, SESSION_COOKIE, SESSION_EXPIRES_HEADER, sessionOf, tokenExpiryOf } from '../auth.ts';
import type { AppContext } from '../../app-context.ts';

/** A user as the API shows it (never a password hash). */
export const UserSchema = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  roles: z.array(z.enum(ROLES)),
  permissions: z.array(z.enum(PERMISSIONS)),
  locale: z.string().nullable(),
  /** Where e-mail alerts go; null: none. */
  email: z.string().nullable(),
  isDisabled: z.boolean(),
  mustChangePassword: z
    .boolean()
    .describe('signed in with a one-time password, to change at the next sign-in before anything else'),
  isTotpEnrolled: z.boolean().describe('signs in with a TOTP code as a second factor'),
});

const SessionSchema = z.object({
  user: UserSchema,
  csrfToken: z.string(),
  pendingStep: z
    .enum(['change-password', 'enrol-mfa'])
    .nullable()
    .describe(
      'what the user must do before anything else (other calls answer password-change-required or mfa-enrolment-required); null: nothing',
    ),
  expiresAt: z
    .string()
    .describe(
      'when the session ends if nothing more happens (idle time, within its maximum); every answer to a cookie-authenticated call repeats it in the comity-session-expires header',
    ),
  warningSeconds: z
    .number()
    .int()
    .describe(
      'how long before expiresAt the web UI warns and offers to extend the session (COMITY_SESSION_WARNING_SECONDS)',
    ),
});

const ExtendedSessionSchema = z.object({ expiresAt: z.string() });

const SignInSchema = z
  .object({
    username: z.string().min(1).max(200),
    password: z.string().min(1).max(1000),
    code: z
      .string()
      .max(100)
      .optional()
      .describe(
        'for an account with TOTP: the 6-digit code of the authenticator app, or a recovery code (without it: mfa-code-required)',
      ),
  })
  .strict();

export const ApiTokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
});

const NewApiTokenSchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    expiresInDays: z
      .number()
      .int()
      .min(1)
      .max(MAXIMUM_TOKEN_DAYS)
      .optional()
      .describe(
        "the token's life in days: at most the node's COMITY_TOKEN_MAX_DAYS, and when a token creates it, no longer than that token's; default 90 (or less, within those bounds)",
      ),
  })
  .strict();

const CreatedApiTokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  token: z.string().describe('the secret: shown this once, then only its hash is kept'),
  expiresAt: z.string().nullable().describe('always set for a new token'),
});

export async function authRoutes(app: ComityApp, context: AppContext): Promise<void> {
  const cookieOptions = {
    httpOnly: true,
    sameSite: 'strict' as const,
    path: '/',
    secure: context.config.session.isCookieSecure,
  };
  /** The signed-in hint (session-hint.ts): readable by the web UI's scripts, with no secret in it. */
  const hintCookieOptions = { ...cookieOptions, httpOnly: false };

  app.post(
    '/api/v1/session',
    {
      config: { permission: 'public' },
      schema: {
        tags: ['authentication'],
        summary:
          'Sign in: sets the comity_session cookie (and comity_signed_in, a hint the web UI reads) and returns the CSRF token',
        security: [],
        body: SignInSchema,
        response: { 200: SessionSchema },
      },
    },
    async (request, reply) => {
      const signedIn = await signIn(context, request.body, request.ip);
      const previous = sessionOf(request);
      if (previous) await signOut(context, previous.idHash);
      reply.setCookie(SESSION_COOKIE, signedIn.sessionToken, cookieOptions);
      reply.setCookie(SIGNED_IN_HINT_COOKIE, '1', hintCookieOptions);
      reply.header(SESSION_EXPIRES_HEADER, signedIn.expiresAt.toISOString());
      return {
        user: signedIn.user,
        csrfToken: signedIn.csrfToken,
        pendingStep: signedIn.pendingStep,
        expiresAt: signedIn.expiresAt.toISOString(),
        warningSeconds: context.config.session.warningSeconds,
      };
    },
  );

  app.get(
    '/api/v1/session',
    {
      config: { permission: 'signed-in' },
      schema: {
        tags: ['authentication'],
        summary: 'The signed-in user and the CSRF token of the session',
        security: [{ sessionCookie: [] }],
        response: { 200: SessionSchema },
      },
    },
    async (request) => {
      const session = sessionOf(request);
      if (!session) throw new AppError('unauthenticated', 'not signed in');
      return {
        ...(await describeSessionUser(context, session.actor.userId)),
        csrfToken: session.csrfToken,
        expiresAt: session.expiresAt.toISOString(),
        warningSeconds: context.config.session.warningSeconds,
      };
    },
  );

  app.post(
    '/api/v1/session/extend',
    {
      config: { permission: 'signed-in' },
      schema: {
        tags: ['authentication'],
        summary: 'Extend the session: its idle time starts again (its maximum stays)',
        security: [{ sessionCookie: [] }],
        response: { 200: ExtendedSessionSchema },
      },
    },
    async (request, reply) => {
      const session = sessionOf(request);
      if (!session) throw new AppError('unauthenticated', 'not signed in');
      const expiresAt = (await extendSession(context, session)).toISOString();
      reply.header(SESSION_EXPIRES_HEADER, expiresAt);
      return { expiresAt };
    },
  );

  app.delete(
    '/api/v1/session',
    {
      config: { permission: 'signed-in' },
      schema: {
        tags: ['authentication'],
        summary: 'Sign out: ends the session and clears its cookies',
        security: [{ sessionCookie: [] }],
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      const session = sessionOf(request);
      if (!session) throw new AppError('unauthenticated', 'not signed in');
      await signOut(context, session.idHash);
      reply.clearCookie(SESSION_COOKIE, cookieOptions);
      reply.clearCookie(SIGNED_IN_HINT_COOKIE, hintCookieOptions);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/tokens',
    {
      config: { permission: 'token:own' },
      schema: {
        tags: ['authentication'],
        summary: "The signed-in user's API tokens (never the secrets)",
        response: { 200: z.object({ items: z.array(ApiTokenSchema) }) },
      },
    },
    async (request) => ({ items: await listApiTokens(context, actorOf(request).userId) }),
  );

  app.post(
    '/api/v1/tokens',
    {
      config: { permission: 'token:own' },
      schema: {
        tags: ['authentication'],
        summary: 'Create an API token acting with your roles; the token is shown once',
        body: NewApiTokenSchema,
        response: { 201: CreatedApiTokenSchema },
      },
    },
    async (request, reply) => {
      const created = await createApiToken(context, actorOf(request).userId, {
        ...request.body,
        creatorExpiresAt: tokenExpiryOf(request),
      });
      return reply.status(201).send(created);
    },
  );

  app.delete(
    '/api/v1/tokens/:id',
    {
      config: { permission: 'token:own' },
      schema: {
        tags: ['authentication'],
        summary: 'Revoke one of your API tokens',
        params: z.object({ id: z.string() }),
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await revokeApiToken(context, request.params.id, actorOf(request).userId);
      return reply.status(204).send(null);
    },
  );
}
