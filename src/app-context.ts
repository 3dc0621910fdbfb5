/**
 * What route handlers and services receive: the configuration, the database and the loaded
 * reference data. Built once by the composition root (src/main.ts) or by a test.
 */
import type { Kysely } from 'kysely';
import type { Config } from './config.ts';
import type { Catalogue } from './core/catalogue/catalogue.ts';
import type { LiveHub } from './core/live-updates.ts';
import type { NodeMetrics } from './core/node-metrics.ts';
import type { FederationRuntime } from './federation/context.ts';
import type { Database } from './storage/schema.ts';

export type AppContext = Readonly<{
  config: Config;
  db: Kysely<Database>;
  databaseKind: 'pglite' | 'postgres';
  catalogue: Catalogue;
  /** The current time; tests pass a fixed clock. */
  now: () => Date;
  /** Updates for open screens (SSE) and in-process listeners, published after each commit. */
  live: LiveHub;
  /** What the node counts for monitoring (docs/operations.md); absent: nothing is counted. */
  metrics?: NodeMetrics;
  /** Federation (identity, directory, delivery); undefined until `comity init` has run. */
  federation?: FederationRuntime;
}>;
