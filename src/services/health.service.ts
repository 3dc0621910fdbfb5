/**
 * The node's health as operators and the node starter read it (GET /api/v1/health): its database
 * and, on a node with federation, its directory of nodes; what is degraded, in words; and who
 * this node is (State, node id, mode, and the random instance id of this process).
 */
import type { AuthorityKind } from '../federation/protocol/types.ts';
import type { AppContext } from '../app-context.ts';
import { PROCESS_INSTANCE } from '../ready-file.ts';
import { isDatabaseReachable } from '../storage/database.ts';

/** How long the health check waits for the database: a hung database makes it answer 503, not hang. */
const DATABASE_PROBE_TIMEOUT_MS = 2000;

/** The version this node reports. */
const NODE_VERSION = '0.1.0';

export type DirectoryHealth = 'available' | 'expired' | 'not-fetched';

export type HealthReport = Readonly<{
  status: 'ok' | 'degraded';
  version: string;
  database: Readonly<{ kind: 'pglite' | 'postgres'; isReachable: boolean }>;
  dependencies: Readonly<{ database: 'available' | 'unavailable'; directory?: DirectoryHealth }>;
  problems: string[];
  catalogueVersion: string;
  node: Readonly<{
    state: string | null;
    nodeId: string | null;
    /** The authority of its State this node is (its federation identity), once `comity init` has run. */
    authority: AuthorityKind | null;
    mode: 'node' | 'secretariat';
    instance: string;
  }>;
  time: string;
}>;

/** The directory of nodes as a dependency of a node with federation (none on a secretariat: it publishes it). */
function directoryHealth(
  context: AppContext,
): Readonly<{ status: DirectoryHealth; problem?: string }> | undefined {
  const directory = context.federation?.directory;
  if (!directory || context.config.federation.mode === 'secretariat') return undefined;
  const expiredSince = directory.expiredSince();
  if (expiredSince) return { status: 'expired', problem: `directory expired since ${expiredSince}` };
  if (!directory.describe()) return { status: 'not-fetched', problem: 'directory not fetched yet' };
  return { status: 'available' };
}

/**
 * The report, and whether the node can serve at all (false while its database is unreachable: the
 * API answers 503 then; an expired directory leaves the node serving its users, degraded).
 */
export async function checkHealth(
  context: AppContext,
): Promise<Readonly<{ report: HealthReport; isServing: boolean }>> {
  const isReachable = await isDatabaseReachable(context.db, DATABASE_PROBE_TIMEOUT_MS);
  const directory = directoryHealth(context);
  const problems = [
    ...(isReachable ? [] : ['database unreachable']),
    ...(directory?.problem ? [directory.problem] : []),
  ];
  return {
    isServing: isReachable,
    report: {
      status: problems.length === 0 ? 'ok' : 'degraded',
      version: NODE_VERSION,
      database: { kind: context.databaseKind, isReachable },
      dependencies: {
        database: isReachable ? 'available' : 'unavailable',
        ...(directory ? { directory: directory.status } : {}),
      },
      problems,
      catalogueVersion: context.catalogue.version,
      node: {
        state: context.federation?.identity.state ?? context.config.node.state ?? null,
        nodeId: context.federation?.identity.nodeId ?? null,
        // A secretariat is no State's authority (its identity says central-authority of UN).
        authority:
          context.config.federation.mode === 'secretariat'
            ? null
            : (context.federation?.identity.authority ?? null),
        mode: context.config.federation.mode,
        instance: PROCESS_INSTANCE,
      },
      time: context.now().toISOString(),
    },
  };
}
