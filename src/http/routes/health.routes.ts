import { z } from 'zod';
import type { ComityApp } from '../app.ts';
import type { AppContext } from '../../app-context.ts';
import { checkHealth } from '../../services/health.service.ts';

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
    /** The authority of its State this node is (central authority, 24/7 point of contact, extradition authority); null on a secretariat. */
    authority: z.enum(['central-authority', 'point-of-contact', 'extradition-authority']).nullable(),
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
      config: { permission: 'public' },
      schema: {
        tags: ['node'],
        summary: 'Liveness and readiness of the node',
        security: [],
        response: { 200: HealthSchema, 503: HealthSchema },
      },
    },
    async (_request, reply) => {
      const { report, isServing } = await checkHealth(context);
      return reply.status(isServing ? 200 : 503).send(report);
    },
  );
}
