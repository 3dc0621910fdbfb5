/**
 * Account management for administrators (`user:manage`): list, create, change roles, display
 * name or disabled flag; role requests (grants waiting for a second administrator, and the record
 * of every role change). Contract: docs/api.md, "Authentication".
 */
import { z } from 'zod';
import { ROLES } from '../../core/roles.ts';
import { MINIMUM_PASSWORD_LENGTH } from '../../services/password-hashing.ts';
import { approveRoleRequest, listRoleRequests } from '../../services/role-requests.service.ts';
import { listEveryApiToken, revokeApiToken } from '../../services/api-tokens.service.ts';
import {
  createUserAs,
  listUsers,
  resetPasswordAs,
  type UserChangeResult,
  updateUserAs,
} from '../../services/users.service.ts';
import { actorOf } from '../auth.ts';
import type { ComityApp } from '../app.ts';
import type { AppContext } from '../../app-context.ts';
import { ApiTokenSchema, UserSchema } from './auth.routes.ts';

const NewUserSchema = z
  .object({
    username: z.string().min(2).max(64),
    displayName: z.string().trim().min(1).max(200).optional(),
    password: z
      .string()
      .min(MINIMUM_PASSWORD_LENGTH)
      .max(1000)
      .optional()
      .describe(
        'a one-time password (the user changes it at the first sign-in); without it the node generates one and returns it once as oneTimePassword',
      ),
    roles: z.array(z.enum(ROLES)).min(1),
    locale: z.enum(['ar', 'zh', 'en', 'fr', 'ru', 'es']).optional(),
    /** Where e-mail alerts go (checked by the service: a malformed address is invalid-input). */
    email: z.string().max(254).nullable().optional(),
  })
  .strict();

const UserChangesSchema = z
  .object({
    roles: z.array(z.enum(ROLES)).min(1).optional(),
    isDisabled: z.boolean().optional(),
    displayName: z.string().trim().min(1).max(200).optional(),
    /** A new address, or null / "" to remove it. */
    email: z.string().max(254).nullable().optional(),
  })
  .strict();

const PartySchema = z
  .object({ userId: z.string(), username: z.string() })
  .nullable()
  .describe("null: the node's operator (the command line on the server)");

export const RoleRequestSchema = z
  .object({
    id: z.string(),
    userId: z.string(),
    username: z.string(),
    rolesAdded: z.array(z.enum(ROLES)),
    rolesRemoved: z.array(z.enum(ROLES)),
    status: z
      .enum(['pending', 'approved', 'applied', 'superseded'])
      .describe(
        "pending: waits for a second administrator; approved: by one; applied: needed no approval; superseded: a later change of the user's roles replaced it before anyone approved it",
      ),
    requestedBy: PartySchema,
    requestedAt: z.string(),
    decidedBy: PartySchema.describe(
      "who approved (for 'applied': the requester; for 'superseded': who made the later change); null with decidedAt null: nobody yet",
    ),
    decidedAt: z.string().nullable(),
  })
  .meta({ id: 'RoleRequest' });

/** A user after an administrator's change, with the grant that waits for a second administrator. */
const ChangedUserSchema = UserSchema.extend({
  pendingRoleRequest: RoleRequestSchema.nullable().describe(
    'roles that read case content or administer the node, granted only once a second administrator approves',
  ),
});

function changedUser(result: UserChangeResult) {
  return { ...result.user, pendingRoleRequest: result.pendingRoleRequest };
}

const CreatedUserSchema = ChangedUserSchema.extend({
  oneTimePassword: z
    .string()
    .nullable()
    .describe('the generated one-time password, shown this once (null when the request gave one)'),
});

const OwnedApiTokenSchema = ApiTokenSchema.extend({ userId: z.string(), username: z.string() });

export async function usersRoutes(app: ComityApp, context: AppContext): Promise<void> {
  app.get(
    '/api/v1/users',
    {
      config: { permission: 'user:manage' },
      schema: {
        tags: ['users'],
        summary: "The node's user accounts",
        response: { 200: z.object({ items: z.array(UserSchema) }) },
      },
    },
    async () => ({ items: await listUsers(context) }),
  );

  app.post(
    '/api/v1/users',
    {
      config: { permission: 'user:manage' },
      schema: {
        tags: ['users'],
        summary: 'Create a user account (roles that read case content wait for a second administrator)',
        body: NewUserSchema,
        response: { 201: CreatedUserSchema },
      },
    },
    async (request, reply) => {
      const created = await createUserAs(context, actorOf(request), request.body);
      return reply.status(201).send({ ...changedUser(created), oneTimePassword: created.oneTimePassword });
    },
  );

  app.post(
    '/api/v1/users/:id/password-reset',
    {
      config: { permission: 'user:manage' },
      schema: {
        tags: ['users'],
        summary:
          "Reset another user's password: a one-time password, shown once, that they change at their next sign-in; their sessions end and tokens are revoked",
        params: z.object({ id: z.string() }),
        response: { 200: z.object({ user: UserSchema, oneTimePassword: z.string() }) },
      },
    },
    async (request) => resetPasswordAs(context, actorOf(request), request.params.id),
  );

  app.get(
    '/api/v1/api-tokens',
    {
      config: { permission: 'user:manage' },
      schema: {
        tags: ['users'],
        summary: "Every user's API tokens with their owner, newest first (never the secrets)",
        response: { 200: z.object({ items: z.array(OwnedApiTokenSchema) }) },
      },
    },
    async () => ({ items: await listEveryApiToken(context) }),
  );

  app.delete(
    '/api/v1/api-tokens/:id',
    {
      config: { permission: 'user:manage' },
      schema: {
        tags: ['users'],
        summary: "Revoke any user's API token (only its owner creates tokens)",
        params: z.object({ id: z.string() }),
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await revokeApiToken(context, request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.patch(
    '/api/v1/users/:id',
    {
      config: { permission: 'user:manage' },
      schema: {
        tags: ['users'],
        summary: "Change a user's roles, display name or e-mail address, or disable / re-enable the account",
        params: z.object({ id: z.string() }),
        body: UserChangesSchema,
        response: { 200: ChangedUserSchema },
      },
    },
    async (request) =>
      changedUser(await updateUserAs(context, actorOf(request), request.params.id, request.body)),
  );

  app.get(
    '/api/v1/role-requests',
    {
      config: { permission: 'user:manage' },
      schema: {
        tags: ['users'],
        summary: 'Every change of roles (who asked, who approved, when), newest first',
        querystring: z.object({ status: z.literal('pending').optional() }),
        response: { 200: z.object({ items: z.array(RoleRequestSchema) }) },
      },
    },
    async (request) => ({
      items: await listRoleRequests(context, { isPendingOnly: request.query.status === 'pending' }),
    }),
  );

  app.post(
    '/api/v1/role-requests/:id/approve',
    {
      config: { permission: 'user:manage' },
      schema: {
        tags: ['users'],
        summary:
          'Approve a pending grant of roles: by an administrator other than the one who asked and the grantee',
        params: z.object({ id: z.string().max(100) }),
        response: { 200: RoleRequestSchema },
      },
    },
    async (request) => approveRoleRequest(context, request.params.id, actorOf(request)),
  );
}
