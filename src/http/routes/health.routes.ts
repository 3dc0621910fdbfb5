import { sql } from 'kysely';
import { z } from 'zod';
import type { ComityApp } from '../app.ts';
import type { AppContext } from '../../app-context.ts';
import { PROCESS_INSTANCE } from '../../ready-file.ts';

const HealthSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  version: z.string(),
  database: z.object({ kind: z.enum(['pglite', 'postgres']), isReachable: z.boolean() }),
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

export async function healthRoutes(app: ComityApp, context: AppContext): Promise<void> {
  app.get(
    '/api/v1/health',
    {
      schema: {
        tags: ['node'],
        summary: 'Liveness and readiness of the node',
        security: [],
        response: { 200: HealthSchema, 503: HealthSchema },
      },
    },
    async (_request, reply) => {
      let isReachable = true;
      try {
        await sql`select 1`.execute(context.db);
      } catch {
        isReachable = false;
      }
      const body = {
        status: isReachable ? ('ok' as const) : ('degraded' as const),
        version: '0.1.0',
        database: { kind: context.databaseKind, isReachable },
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
