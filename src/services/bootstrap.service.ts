/**
 * What a node does once its database is migrated, before it serves: load reference data the
 * node needs (directory of States, treaty-status seed) and make sure an administrator exists.
 * Every step is idempotent, so it runs at every start.
 */
import type { AppContext } from '../http/context.ts';

export type BootstrapReport = Readonly<{
  /** Set when this start created the first administrator: print it once. */
  createdAdministrator?: Readonly<{ username: string; password: string }>;
}>;

export async function bootstrapNode(_context: AppContext): Promise<BootstrapReport> {
  // TODO(directory, treaty, auth): seed the directory and treaty records; create the administrator.
  return {};
}
