import type { AppContext } from '../http/context.ts';

/** Creates the first administrator when the node has no user; returns its one-time password. */
export async function ensureAdministrator(
  _context: AppContext,
): Promise<{ username: string; password: string } | undefined> {
  // TODO(auth)
  return undefined;
}
