/**
 * What a node does once its database is migrated, before it serves: load the reference data
 * (directory of States, treaty-status seed) and make sure an administrator exists (the accounts of
 * the first-start file, else a generated one). Every step is
 * idempotent, so it runs at every start.
 */
import type { AppContext } from '../app-context.ts';
import { seedDirectory } from './directory-seed.service.ts';
import { applyFirstStartFile } from './first-start.service.ts';
import { seedTreatyRecords } from './treaty-seed.service.ts';
import { assertMfaRolesKnown } from './mfa.service.ts';
import { ensureAdministrator } from './users.service.ts';

export type BootstrapReport = Readonly<{
  /** Set when this start created the first administrator: print it once. */
  createdAdministrator?: Readonly<{ username: string; password: string }>;
}>;

export async function bootstrapNode(context: AppContext): Promise<BootstrapReport> {
  assertMfaRolesKnown(context);
  await seedDirectory(context);
  await seedTreatyRecords(context);
  // The operator's first-start file (COMITY_FIRST_START_FILE) names the accounts: none is generated.
  if (await applyFirstStartFile(context)) return {};
  const createdAdministrator = await ensureAdministrator(context);
  return createdAdministrator ? { createdAdministrator } : {};
}
