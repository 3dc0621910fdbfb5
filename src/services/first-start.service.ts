/**
 * The first-start file (COMITY_FIRST_START_FILE): what a node's operator would otherwise do with
 * commands on the stopped node before serving (`comity user add` for each account; on a
 * secretariat `comity secretariat add-node` for each node's `comity keys public` entry, then
 * `comity secretariat publish`), applied by the node itself at its first start, while its database
 * has no account. A node then starts once, ready: `comity demo` starts every node of its
 * federation this way, in parallel. At later starts (accounts exist) the file is not read.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { AppContext } from '../app-context.ts';
import { AppError } from '../core/errors.ts';
import { PublicKeyBundleSchema } from '../federation/identity/public-key-bundle.ts';
import { countUsers } from '../storage/users.repository.ts';
import { publishDirectory, registerNode } from './secretariat.service.ts';
import { assertPasswordHashAcceptable } from './password-hashing.ts';
import { createUser } from './users.service.ts';

export const FirstStartSchema = z.object({
  /**
   * The accounts, each with the password it signs in with (not one-time) or that password's hash as
   * the node stores it (`scrypt$N$r$p$salt$hash`, at least the node's own cost), so that the file
   * need not hold the password itself.
   */
  users: z
    .array(
      z
        .object({
          username: z.string(),
          displayName: z.string().optional(),
          password: z.string().optional(),
          passwordHash: z.string().optional(),
          roles: z.array(z.string()).min(1),
        })
        .refine((user) => (user.password === undefined) !== (user.passwordHash === undefined), {
          message: 'give either password or passwordHash',
        }),
    )
    .min(1),
  /** On a secretariat: the nodes to register (each its `comity keys public` output), then publish. */
  register: z
    .object({
      entries: z.array(PublicKeyBundleSchema).min(1),
      languages: z.array(z.string()).default([]),
      acknowledgeWithinHours: z.number().nonnegative().optional(),
    })
    .optional(),
});

export type FirstStart = z.input<typeof FirstStartSchema>;

function readFirstStartFile(file: string): z.output<typeof FirstStartSchema> {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new AppError('invalid-input', `COMITY_FIRST_START_FILE ${file}: ${(error as Error).message}`);
  }
  const parsed = FirstStartSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AppError(
      'invalid-input',
      `COMITY_FIRST_START_FILE ${file}: ${issue?.path.join('.') || 'file'}: ${issue?.message}`,
    );
  }
  // Every hash checked before any account is made: a refused file creates none.
  for (const [index, user] of parsed.data.users.entries()) {
    if (user.passwordHash === undefined) continue;
    try {
      assertPasswordHashAcceptable(user.passwordHash);
    } catch (error) {
      throw new AppError(
        'invalid-input',
        `COMITY_FIRST_START_FILE ${file}: users.${index}.passwordHash: ${(error as Error).message}`,
      );
    }
  }
  return parsed.data;
}

/**
 * Applies the first-start file when there is one and the database has no account yet; answers
 * whether it did (then no administrator is generated).
 */
export async function applyFirstStartFile(context: AppContext): Promise<boolean> {
  const file = context.config.node.firstStartFile;
  if (file === undefined || (await countUsers(context.db)) > 0) return false;
  const plan = readFirstStartFile(file);
  if (plan.register) {
    const { entries, languages, acknowledgeWithinHours } = plan.register;
    for (const entry of entries) {
      await registerNode(context, {
        nodeId: entry.nodeId,
        state: entry.state,
        authority: entry.authority,
        endpoint: entry.endpoint,
        keys: entry.keys,
        ...(entry.accepts ? { accepts: entry.accepts } : {}),
        acceptedLanguages: languages,
        ...(acknowledgeWithinHours !== undefined ? { serviceLevel: { acknowledgeWithinHours } } : {}),
      });
    }
    await publishDirectory(context);
  }
  // The accounts last: a start that failed before them applies the whole file again.
  for (const { password, passwordHash, ...user } of plan.users) {
    await createUser(context, {
      ...user,
      ...(passwordHash !== undefined ? { passwordHash } : { password: password ?? '' }),
      mustChangePassword: false,
    });
  }
  return true;
}
