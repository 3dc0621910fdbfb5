/**
 * Opens what every part of a node works on: the database (migrated to the latest schema) and the
 * reference data, as an AppContext. The server (src/main.ts) and the operator commands of the CLI
 * (src/cli/commands/node-context.ts) both start here.
 */
import { type Config, databaseTimeoutsOf } from './config.ts';
import { loadCatalogue } from './data/catalogue/index.ts';
import type { AppContext } from './app-context.ts';
import { createFederationLog } from './federation/federation-log.ts';
import { isConnectionFault, reconnectDelayMs } from './storage/connection-faults.ts';
import { type DatabaseHandle, openDatabase } from './storage/database.ts';
import { migrateToLatest } from './storage/migrate.ts';
import { claimDataDirectory, makeNewFilesPrivate, restrictToOwner } from './storage/private-files.ts';
import { createLiveHub } from './core/live-updates.ts';

export type OpenNodeContext = Readonly<{
  context: AppContext;
  database: DatabaseHandle;
  /** How many entries of the data directory were made private to the node's user (0: none needed). */
  madePrivate: number;
}>;

export type OpenNodeContextOptions = Readonly<{
  /**
   * The server waits for an unreachable PostgreSQL, trying again with back-off (one log line per
   * attempt); a command (default) fails at once with database-unavailable.
   */
  shouldWaitForDatabase?: boolean;
}>;

function describe(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  return cause instanceof Error ? cause.message || cause.name : String(cause);
}

/**
 * Makes sure the node's data directory is its own before something is written there outside
 * openNodeContext (`comity init` writes the identity): see claimDataDirectory.
 */
export function claimNodeDataDirectory(config: Config): void {
  claimDataDirectory(config.node.dataDirectory);
}

/** The database is closed again if migrating fails; otherwise the caller closes `database`. */
export async function openNodeContext(
  config: Config,
  options: OpenNodeContextOptions = {},
): Promise<OpenNodeContext> {
  const log = createFederationLog(config.logLevel, undefined, 'database');
  // The node's files are its user's only (src/storage/private-files.ts): before the database makes
  // any, and the whole data directory again once it is open.
  makeNewFilesPrivate();
  claimDataDirectory(config.node.dataDirectory);
  const restrictedBefore = restrictToOwner(config.node.dataDirectory);
  const database = await openDatabase(config.database, {
    onConnectionError: (error) => log.warn('database connection lost', { error: describe(error) }),
  });
  const { retryMaxMs } = databaseTimeoutsOf(config.database);
  for (let attempt = 1; ; attempt += 1) {
    try {
      await migrateToLatest(database.db);
      if (attempt > 1) log.info('database reachable', { attempt });
      break;
    } catch (error) {
      if (!(options.shouldWaitForDatabase && isConnectionFault(error))) {
        await database.close();
        throw error;
      }
      const delayMs = reconnectDelayMs(attempt, retryMaxMs);
      log.warn('waiting for the database', { attempt, nextAttemptInMs: delayMs, error: describe(error) });
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
  const madePrivate = restrictedBefore + restrictToOwner(config.node.dataDirectory);
  const context: AppContext = {
    config,
    db: database.db,
    databaseKind: database.kind,
    catalogue: loadCatalogue(),
    live: createLiveHub(),
    now: () => new Date(),
  };
  return { context, database, madePrivate };
}
