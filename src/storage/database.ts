/**
 * Opens the node's database: PGlite (PostgreSQL compiled to WebAssembly, on local disk) by
 * default, or a PostgreSQL server when DATABASE_URL is set. Both speak the same SQL; the
 * migrations are written for the PostgreSQL 15 subset so they run on both.
 *
 * On PostgreSQL the node outlives its server: a connection that dies (server stopped or
 * restarted, session terminated) is dropped and the next query opens a new one; every connection
 * attempt and every query has a timeout (COMITY_DATABASE_*); and such faults reach the caller as
 * AppError('database-unavailable') (connection-faults.ts), never as an unhandled 'error' event.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import {
  CompiledQuery,
  Kysely,
  PostgresDialect,
  type PostgresPool,
  type PostgresPoolClient,
  sql,
} from 'kysely';
import pg from 'pg';
import { type Config, databaseTimeoutsOf, PGLITE_SHARED_BUFFERS_DEFAULT_MB } from '../config.ts';
import { databaseUnavailable, isConnectFault, isConnectionFault } from './connection-faults.ts';
import { acquireEmbeddedLock } from './embedded-lock.ts';
import { copyTemplate, templateIn } from './pglite-template.ts';
import { pgliteConnectionConfig } from './pglite-socket.ts';
import { dialectInTurns } from './pglite-turns.ts';
import type { Database } from './schema.ts';
import { createStatementNamer, type StatementNamer } from './statement-names.ts';

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

/** int8 and numeric as numbers, dates as 'YYYY-MM-DD' strings, the same on both databases. */
const parsers = {
  [INT8_OID]: (value: string) => Number(value),
  [NUMERIC_OID]: (value: string) => Number(value),
  [DATE_OID]: (value: string) => value,
};

/** node-postgres's text parsers, with `parsers` above in place of its own for those types. */
const TYPES = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid in parsers
      ? parsers[oid as keyof typeof parsers]
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

export type OpenOptions = Readonly<{
  /** Start an in-memory PGlite from this data-directory dump (tests use a migrated template). */
  pgliteDataDump?: Blob;
  /** Told when a connection fails outside a query (an idle PostgreSQL connection dies; PGlite fails while a client is out); default: nothing. */
  onConnectionError?: (error: unknown) => void;
}>;

/** PostgreSQL's refusal to run a prepared statement whose result's shape changed (0A000). */
function isStalePreparedStatement(error: unknown): boolean {
  return (
    error instanceof Error &&
    (error as { code?: unknown }).code === '0A000' &&
    error.message.includes('cached plan must not change result type')
  );
}

/**
 * The pool as Kysely sees it: a failure to connect, or a query whose connection died or did not
 * answer in time, throws database-unavailable, and that connection is discarded rather than
 * returned to the pool (a frozen connection would otherwise hang the next query too).
 */
function faultTolerantPool(pool: pg.Pool, nameOf: StatementNamer): PostgresPool {
  const unavailableOrSame = (error: unknown): never => {
    throw isConnectionFault(error) ? databaseUnavailable(error) : error;
  };
  return {
    options: pool.options,
    connect: async () => {
      const client = await pool.connect().catch((error: unknown) => {
        throw isConnectFault(error) ? databaseUnavailable(error) : error;
      });
      let isBroken = false;
      // A statement the node runs again and again is prepared once per connection (statement-names.ts).
      // When another process changed a table under a prepared statement so that its rows changed
      // shape (a newer release's `comity backup` migrates the database it reads), PostgreSQL refuses
      // to run it: the statement runs again unnamed, and the connection, whose prepared statements
      // are stale, is dropped at its release.
      const query = (text: string, parameters: ReadonlyArray<unknown>) => {
        const name = nameOf(text);
        return client
          .query({ name, text, values: [...parameters] })
          .catch((error: unknown) => {
            if (name === undefined || !isStalePreparedStatement(error)) throw error;
            isBroken = true;
            return client.query({ text, values: [...parameters] });
          })
          .catch((error: unknown) => {
            if (isConnectionFault(error)) isBroken = true;
            return unavailableOrSame(error);
          });
      };
      // Kysely calls query(sql, parameters) only: no cursor is configured.
      return {
        query: query as unknown as PostgresPoolClient['query'],
        release: (destroy?: boolean) => client.release(destroy === true || isBroken),
      };
    },
    end: () => pool.end(),
  };
}

export async function openDatabase(
  config: Config['database'],
  options: OpenOptions = {},
): Promise<DatabaseHandle> {
  if (config.kind === 'postgres') {
    const timeouts = databaseTimeoutsOf(config);
    const pool = new pg.Pool({
      connectionString: config.url,
      max: 10,
      connectionTimeoutMillis: timeouts.connectTimeoutMs,
      statement_timeout: timeouts.statementTimeoutMs,
      query_timeout: timeouts.queryTimeoutMs,
      keepAlive: true,
      types: TYPES,
    });
    // Without these listeners a connection that dies would end the process ("Unhandled 'error'
    // event"). An idle one is reported here and dropped by the pool; one in use is reported by its
    // failing query.
    pool.on('error', (error) => options.onConnectionError?.(error));
    pool.on('connect', (client) => client.on('error', () => undefined));
    const db = new Kysely<Database>({
      dialect: new PostgresDialect({ pool: faultTolerantPool(pool, createStatementNamer()) }),
    });
    return { db, kind: 'postgres', close: () => db.destroy() };
  }
  const isOnDisk = !config.directory.startsWith('memory://');
  if (isOnDisk) await mkdir(config.directory, { recursive: true });
  // One process at a time on an embedded database (src/storage/embedded-lock.ts).
  const lock = isOnDisk ? acquireEmbeddedLock(config.directory) : undefined;
  // An empty data directory gets its database as a copy of this release's migrated template when
  // one is cached; else from a child process (initdb), so that the memory creating it takes is
  // not kept.
  if (isOnDisk && !options.pgliteDataDump && readdirSync(config.directory).length === 0) {
    const template =
      config.isBlank === true || config.templateDirectory === undefined
        ? undefined
        : templateIn(config.templateDirectory);
    await (template !== undefined && existsSync(template)
      ? copyTemplate(template, config.directory)
      : createEmbeddedDatabase(config.directory, config.isBlank === true)
    ).catch((error: unknown) => {
      lock?.release();
      throw error;
    });
  }
  const sharedBuffersMb = config.sharedBuffersMb ?? PGLITE_SHARED_BUFFERS_DEFAULT_MB;
  const pglite = await PGlite.create(config.directory, {
    ...(options.pgliteDataDump ? { loadDataDir: options.pgliteDataDump } : {}),
    // PGlite's own parameters (it runs PostgreSQL in single-user mode), plus the page cache size
    // and the statistics target of ANALYZE: the node's routine maintenance (maintenance.repository.ts)
    // analyzes its tables on the one connection, and a sample of 3,000 rows rather than 30,000 makes
    // that pause about eight times shorter on a table of 50,000 rows (docs/benchmarks.md, "Routine
    // maintenance of the embedded database"); the node's statements find their rows through indexes
    // and need no finer histograms.
    startParams: [
      ...PGlite.defaultStartParams,
      '-c',
      `shared_buffers=${sharedBuffersMb}MB`,
      '-c',
      `default_statistics_target=${PGLITE_STATISTICS_TARGET}`,
    ],
  }).catch((error: unknown) => {
    lock?.release();
    throw error;
  });
  // The node reaches PGlite as it reaches a PostgreSQL server: through node-postgres, over a
  // stand-in for its socket (pglite-socket.ts), so that the statements it runs again and again are
  // prepared once and planned once, as on a server (statement-names.ts). PGlite's own query()
  // parses, analyses and plans each statement anew: about a third of the statements' time
  // (docs/benchmarks.md). One connection, kept for the node's life and handed out in turns
  // (pglite-turns.ts).
  const pool = new pg.Pool({
    ...pgliteConnectionConfig(pglite),
    max: 1,
    idleTimeoutMillis: 0,
    types: TYPES,
  });
  pool.on('error', (error) => options.onConnectionError?.(error));
  // A failure inside PGlite while a client is checked out is reported, not thrown (as on PostgreSQL).
  pool.on('connect', (client) => client.on('error', (error) => options.onConnectionError?.(error)));
  const db = new Kysely<Database>({
    dialect: dialectInTurns(
      new PostgresDialect({
        pool: faultTolerantPool(pool, createStatementNamer()),
        // One session for the node's life: a transaction that a failure left open (its rollback
        // failed, its client was dropped) is rolled back before anyone else uses the session, so
        // that no later commit takes its writes along.
        onReserveConnection: async (connection) => {
          if (pglite.isInTransaction()) await connection.executeQuery(CompiledQuery.raw('rollback'));
        },
      }),
    ),
  });
  // Once, however many times it is asked (SIGINT and SIGTERM both stop the node): Kysely's pool,
  // then PGlite itself, then the data directory's lock, each whatever the one before did.
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      try {
        await db.destroy();
      } finally {
        try {
          await pglite.close();
        } finally {
          lock?.release();
        }
      }
    })();
    return closing;
  };
  return { db, kind: 'pglite', pglite, close };
}

/** The statistics target of ANALYZE on PGlite (PostgreSQL's default is 100): see openDatabase. */
export const PGLITE_STATISTICS_TARGET = 10;

const CREATE_SCRIPT = path.join(import.meta.dirname, 'create-embedded-database.ts');

/**
 * Runs create-embedded-database.ts on `directory` (`isBlank`: a database without tables; otherwise
 * initdb and the migrations); rejects with its error output when it fails.
 */
async function createEmbeddedDatabase(directory: string, isBlank: boolean): Promise<void> {
  // V8's baseline WebAssembly compiler only: optimising PGlite's hot functions costs more CPU than
  // a one-off initdb and migration save by it (2.7 s of CPU rather than 3.3, and no slower).
  const args = ['--liftoff-only', CREATE_SCRIPT, directory, ...(isBlank ? ['--blank'] : [])];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let errors = '';
  child.stderr.on('data', (chunk: Buffer) => {
    errors += chunk.toString();
  });
  const [code] = (await once(child, 'close')) as [number | null];
  if (code !== 0) throw new Error(`could not create the embedded database in ${directory}: ${errors.trim()}`);
}

/**
 * Whether the database answers a trivial query within `timeoutMs` (the health check). Never
 * throws; a query still running when the time is up ends by its own timeout.
 */
export async function isDatabaseReachable(db: Kysely<Database>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeUp = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([sql`select 1`.execute(db).then(() => true), timeUp]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
