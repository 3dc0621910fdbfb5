import { sql } from 'kysely';
import { z } from 'zod';
import type { ComityApp } from '../app.ts';
import type { AppContext } from '../context.ts';

const HealthSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  version: z.string(),
  database: z.object({ kind: z.enum(['pglite', 'postgres']), isReachable: z.boolean() }),
  catalogueVersion: z.string(),
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
        time: context.now().toISOString(),
      };
      return reply.status(isReachable ? 200 : 503).send(body);
    },
  );
}
