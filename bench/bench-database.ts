/**
 * A migrated database for a benchmark that runs in its own process: on the PostgreSQL server at
 * `databaseUrl`, or else PGlite in a new temporary directory, removed by `cleanup`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type DatabaseHandle, openDatabase } from '../src/storage/database.ts';
import { migrateToLatest } from '../src/storage/migrate.ts';

export async function openBenchDatabase(
  databaseUrl: string | undefined,
  name: string,
): Promise<{ handle: DatabaseHandle; cleanup: () => Promise<void> }> {
  if (databaseUrl) {
    const handle = await openDatabase({ kind: 'postgres', url: databaseUrl });
    await migrateToLatest(handle.db);
    return { handle, cleanup: () => handle.close() };
  }
  const directory = await mkdtemp(path.join(os.tmpdir(), `comity-bench-${name}-`));
  const handle = await openDatabase({ kind: 'pglite', directory: path.join(directory, 'pglite') });
  await migrateToLatest(handle.db);
  return {
    handle,
    cleanup: async () => {
      await handle.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
