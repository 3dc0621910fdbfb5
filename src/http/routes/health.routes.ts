import { z } from 'zod';
import type { ComityApp } from '../app.ts';
import type { AppContext } from '../../app-context.ts';
import { PROCESS_INSTANCE } from '../../ready-file.ts';
import { isDatabaseReachable } from '../../storage/database.ts';

/** How long the health check waits for the database: a hung database makes it answer 503, not hang. */
const DATABASE_PROBE_TIMEOUT_MS = 2000;

const DependencyStatusSchema = z.enum(['available', 'unavailable']);

const HealthSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  version: z.string(),
  database: z.object({ kind: z.enum(['pglite', 'postgres']), isReachable: z.boolean() }),
  /**
   * What the node depends on, and whether each answers now; any 'unavailable' makes the answer 503.
   * `directory` (a node with a federation identity only): 'expired' when the directory of nodes
   * expired (the secretariat unreachable too long): the node serves its users but exchanges no
   * message until a fresh one arrives, so the status is degraded while the answer stays 200.
   */
  dependencies: z.object({
    database: DependencyStatusSchema,
    directory: z.enum(['available', 'expired', 'not-fetched']).optional(),
  }),
  /** What is degraded, in words: "directory expired since 2026-12-05T06:00:00Z"... */
  problems: z.array(z.string()),
  catalogueVersion: z.string(),
  node: z.object({
    /** The State this node serves (COMITY_NODE_STATE or its federation identity), if set. */
    state: z.string().nullable(),
    /** The federation node id, once `comity init` has run. */
    nodeId: z.string().nullable(),
    mode: z.enum(['node', 'secretariat']),
    /** A random id of this run of the node process (changes at every start): tells processes apart. */
    instance: z.string(),
  }),
  time: z.string(),
});

/** The directory of nodes as a dependency of a node with federation (none on a secretariat: it publishes it). */
function directoryHealth(
  context: AppContext,
): Readonly<{ status: 'available' | 'expired' | 'not-fetched'; problem?: string }> | undefined {
  const directory = context.federation?.directory;
  if (!directory || context.config.federation.mode === 'secretariat') return undefined;
  const expiredSince = directory.expiredSince();
  if (expiredSince) return { status: 'expired', problem: `directory expired since ${expiredSince}` };
  if (!directory.describe()) return { status: 'not-fetched', problem: 'directory not fetched yet' };
  return { status: 'available' };
}

export async function healthRoutes(app: ComityApp, context: AppContext): Promise<void> {
  app.get(
    '/api/v1/health',
    {
      config: { permission: 'public' },
      schema: {
        tags: ['node'],
        summary: 'Liveness and readiness of the node',
        security: [],
        response: { 200: HealthSchema, 503: HealthSchema },
      },
    },
    async (_request, reply) => {
      const isReachable = await isDatabaseReachable(context.db, DATABASE_PROBE_TIMEOUT_MS);
      const directory = directoryHealth(context);
      const problems = [
        ...(isReachable ? [] : ['database unreachable']),
        ...(directory?.problem ? [directory.problem] : []),
      ];
      const body = {
        status: problems.length === 0 ? ('ok' as const) : ('degraded' as const),
        version: '0.1.0',
        database: { kind: context.databaseKind, isReachable },
        dependencies: {
          database: isReachable ? ('available' as const) : ('unavailable' as const),
          ...(directory ? { directory: directory.status } : {}),
        },
        problems,
        catalogueVersion: context.catalogue.version,
        node: {
          state: context.federation?.identity.state ?? context.config.node.state ?? null,
          nodeId: context.federation?.identity.nodeId ?? null,
          mode: context.config.federation.mode,
          instance: PROCESS_INSTANCE,
        },
        time: context.now().toISOString(),
      };
      return reply.status(isReachable ? 200 : 503).send(body);
    },
  );
}
