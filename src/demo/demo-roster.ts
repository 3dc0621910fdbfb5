/**
 * The demo's 24/7 desks staffed: each State node's duty officer is put on its roster for the next
 * 24 hours, in the node's own time zone, so that the desk, the alerts and the peers' duty status
 * show someone on duty, as a State's 24/7 point of contact would (Art. 41).
 */
import { answer } from '../api-client/client.ts';
import type { Federation } from './federation-setup.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

/** A wall-clock time ("YYYY-MM-DDTHH:mm") `ms` later on the same clocks. */
function wallClockAfter(local: string, ms: number): string {
  return new Date(Date.parse(`${local.slice(0, 16)}:00Z`) + ms).toISOString().slice(0, 16);
}

/**
 * Puts every node's duty officer on its roster from now for a day; answers each as "username
 * (node id)": a State with several nodes has a duty officer of the same name on each.
 */
export async function staffTheDesks(federation: Federation): Promise<string[]> {
  const staffed = await Promise.all(
    federation.nodes.map(async (node) => {
      const duty = node.accounts?.['duty-officer'];
      if (!duty) return undefined;
      const roster = await answer(node.admin.api.GET('/api/v1/roster'));
      const start = roster.nowLocal.slice(0, 16);
      await answer(
        node.admin.api.POST('/api/v1/roster/shifts', {
          body: { username: duty.username, start, end: wallClockAfter(start, DAY_MS) },
        }),
      );
      return `${duty.username} (${node.spec.nodeId})`;
    }),
  );
  return staffed.filter((username) => username !== undefined);
}
