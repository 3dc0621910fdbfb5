/**
 * Opens the node's database: PGlite (PostgreSQL compiled to WebAssembly, on local disk) by
 * default, or a PostgreSQL server when DATABASE_URL is set. Both speak the same SQL; the
 * migrations are written for the PostgreSQL 15 subset so they run on both.
 */
import { mkdir } from 'node:fs/promises';
import { PGlite, types as pgliteTypes } from '@electric-sql/pglite';
import { Kysely, PGliteDialect, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Config } from '../config.ts';
import { acquireEmbeddedLock } from './embedded-lock.ts';
import type { Database } from './schema.ts';

export type DatabaseHandle = Readonly<{
  db: Kysely<Database>;
  kind: 'pglite' | 'postgres';
  /** The embedded database itself, when the node runs on PGlite. */
  pglite?: PGlite;
  close: () => Promise<void>;
}>;

const INT8_OID = 20;
const NUMERIC_OID = 1700;
const DATE_OID = 1082;

/** int8 and numeric as numbers, dates as 'YYYY-MM-DD' strings, the same on both drivers. */
const parsers = {
  [INT8_OID]: (value: string) => Number(value),
  [NUMERIC_OID]: (value: string) => Number(value),
  [DATE_OID]: (value: string) => value,
};

export type OpenOptions = Readonly<{
  /** Start an in-memory PGlite from this data-directory dump (tests use a migrated template). */
  pgliteDataDump?: Blob;
}>;

export async function openDatabase(
  config: Config['database'],
  options: OpenOptions = {},
): Promise<DatabaseHandle> {
  if (config.kind === 'postgres') {
    const pool = new pg.Pool({
      connectionString: config.url,
      max: 10,
      types: {
        getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
          oid in parsers
            ? parsers[oid as keyof typeof parsers]
            : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
      },
    });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, kind: 'postgres', close: () => db.destroy() };
  }
  const isOnDisk = !config.directory.startsWith('memory://');
  if (isOnDisk) await mkdir(config.directory, { recursive: true });
  // One process at a time on an embedded database (src/storage/embedded-lock.ts).
  const lock = isOnDisk ? acquireEmbeddedLock(config.directory) : undefined;
  const pglite = await PGlite.create(config.directory, {
    ...(options.pgliteDataDump ? { loadDataDir: options.pgliteDataDump } : {}),
    parsers: {
      [pgliteTypes.INT8]: parsers[INT8_OID],
      [pgliteTypes.NUMERIC]: parsers[NUMERIC_OID],
      [pgliteTypes.DATE]: parsers[DATE_OID],
    },
  }).catch((error: unknown) => {
    lock?.release();
    throw error;
  });
  const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) });
  const close = async () => {
    try {
      await db.destroy();
    } finally {
      lock?.release();
    }
  };
  return { db, kind: 'pglite', pglite, close };
}
