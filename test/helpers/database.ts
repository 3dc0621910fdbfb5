/**
 * Databases for tests: every storage and API suite runs once per target. PGlite (in memory) is
 * always there; PostgreSQL 15 is there when `npm test` started a cluster (or
 * COMITY_TEST_POSTGRES_URL names a server), and each call gets a fresh database of its own.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
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

const MIGRATIONS_DIRECTORY = path.resolve(import.meta.dirname, '../../src/storage/migrations');

/**
 * Creating and migrating a PGlite database costs seconds; loading a dump of one costs a fraction.
 * The first test process to need it writes a migrated template, keyed by the migrations' content,
 * to the temporary directory; every later open starts from that dump.
 */
async function migratedTemplateDump(): Promise<Blob> {
  const hash = createHash('sha256');
  for (const file of readdirSync(MIGRATIONS_DIRECTORY).sort()) {
    hash.update(file).update(readFileSync(path.join(MIGRATIONS_DIRECTORY, file)));
  }
  const templatePath = path.join(os.tmpdir(), `comity-pglite-template-${hash.digest('hex').slice(0, 16)}.tar`);
  if (!existsSync(templatePath)) {
    const handle = await openDatabase({ kind: 'pglite', directory: 'memory://' });
    await migrateToLatest(handle.db);
    const pglite = handle.pglite!;
    const dump = await pglite.dumpDataDir('none');
    await handle.close();
    const temporary = `${templatePath}.${process.pid}.${randomBytes(4).toString('hex')}`;
    writeFileSync(temporary, Buffer.from(await dump.arrayBuffer()));
    renameSync(temporary, templatePath);
  }
  return new Blob([readFileSync(templatePath)]);
}

export const PGLITE_TARGET: DatabaseTarget = {
  name: 'pglite',
  skip: false,
  config: async () => ({ kind: 'pglite', directory: 'memory://' }),
  open: async () => {
    const handle = await openDatabase(
      { kind: 'pglite', directory: 'memory://' },
      { pgliteDataDump: await migratedTemplateDump() },
    );
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
