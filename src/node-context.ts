/**
 * Opens what every part of a node works on: the database (migrated to the latest schema) and the
 * reference data, as an AppContext. The server (src/main.ts) and the operator commands of the CLI
 * (src/cli/commands/node-context.ts) both start here.
 */
import type { Config } from './config.ts';
import { loadCatalogue } from './data/catalogue/index.ts';
import type { AppContext } from './app-context.ts';
import { type DatabaseHandle, openDatabase } from './storage/database.ts';
import { migrateToLatest } from './storage/migrate.ts';

export type OpenNodeContext = Readonly<{ context: AppContext; database: DatabaseHandle }>;

/** The database is closed again if migrating fails; otherwise the caller closes `database`. */
export async function openNodeContext(config: Config): Promise<OpenNodeContext> {
  const database = await openDatabase(config.database);
  try {
    await migrateToLatest(database.db);
  } catch (error) {
    await database.close();
    throw error;
  }
  const context: AppContext = {
    config,
    db: database.db,
    databaseKind: database.kind,
    catalogue: loadCatalogue(),
    now: () => new Date(),
  };
  return { context, database };
}
