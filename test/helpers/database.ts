/**
 * Databases for tests: every storage and API suite runs once per target. PGlite (in memory) is
 * always there; PostgreSQL 15 is there when `npm test` started a cluster (or
 * COMITY_TEST_POSTGRES_URL names a server), and each call gets a fresh database of its own.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Config } from '../../src/config.ts';
import { type DatabaseHandle, openDatabase } from '../../src/storage/database.ts';
import { migrateToLatest } from '../../src/storage/migrate.ts';

export type DatabaseTarget = Readonly<{
  name: 'pglite' | 'postgres';
  /** A reason to skip the target's tests, or false. */
  skip: string | false;
  /** Opens a new, empty, migrated database. */
  open: () => Promise<DatabaseHandle>;
  /** The configuration that opens the same kind of database (for node processes). */
  config: () => Promise<Config['database']>;
}>;

const postgresUrl = process.env.COMITY_TEST_POSTGRES_URL;

async function createPostgresDatabase(): Promise<string> {
  if (!postgresUrl) throw new Error('COMITY_TEST_POSTGRES_URL is not set');
  const name = `comity_test_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    await client.query(`create database ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(postgresUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export const PGLITE_TARGET: DatabaseTarget = {
  name: 'pglite',
  skip: false,
  config: async () => ({ kind: 'pglite', directory: 'memory://' }),
  open: async () => {
    const handle = await openDatabase({ kind: 'pglite', directory: 'memory://' });
    await migrateToLatest(handle.db);
    return handle;
  },
};

export const POSTGRES_TARGET: DatabaseTarget = {
  name: 'postgres',
  skip: postgresUrl
    ? false
    : 'PostgreSQL not available (npm test starts one when Debian postgresql is installed)',
  config: async () => ({ kind: 'postgres', url: await createPostgresDatabase() }),
  open: async () => {
    const handle = await openDatabase({ kind: 'postgres', url: await createPostgresDatabase() });
    await migrateToLatest(handle.db);
    return handle;
  },
};

export const DATABASE_TARGETS: readonly DatabaseTarget[] = [PGLITE_TARGET, POSTGRES_TARGET];
