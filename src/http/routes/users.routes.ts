/**
 * Account management for administrators (`user:manage`): list, create, change roles, display
 * name or disabled flag. Contract: docs/api.md, "Authentication".
 */
import { z } from 'zod';
import { ROLES } from '../../core/roles.ts';
import { MINIMUM_PASSWORD_LENGTH } from '../../services/password-hashing.ts';
import { createUser, listUsers, updateUser } from '../../services/users.service.ts';
import type { ComityApp } from '../app.ts';
import type { AppContext } from '../../app-context.ts';
import { UserSchema } from './auth.routes.ts';

const NewUserSchema = z.object({
  username: z.string().min(2).max(64),
  displayName: z.string().trim().min(1).max(200).optional(),
  password: z.string().min(MINIMUM_PASSWORD_LENGTH).max(1000),
  roles: z.array(z.enum(ROLES)).min(1),
  locale: z.enum(['ar', 'zh', 'en', 'fr', 'ru', 'es']).optional(),
  /** Where e-mail alerts go (checked by the service: a malformed address is invalid-input). */
  email: z.string().max(254).nullable().optional(),
});

const UserChangesSchema = z.object({
  roles: z.array(z.enum(ROLES)).min(1).optional(),
  isDisabled: z.boolean().optional(),
  displayName: z.string().trim().min(1).max(200).optional(),
  /** A new address, or null / "" to remove it. */
  email: z.string().max(254).nullable().optional(),
});

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
        summary: 'Create a user account',
        body: NewUserSchema,
        response: { 201: UserSchema },
      },
    },
    async (request, reply) => reply.status(201).send(await createUser(context, request.body)),
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
        response: { 200: UserSchema },
      },
    },
    async (request) => updateUser(context, request.params.id, request.body),
  );
}
