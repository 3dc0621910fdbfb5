/**
 * `comity backup` and `comity restore`: a node's database (one consistent snapshot, see
 * storage/database-dump.ts), its identity and keys (<data dir>/identity) and its evidence files
 * (<data dir>/evidence, when present), in one archive encrypted with a passphrase
 * (backup-archive.ts). A restore rebuilds the node on a fresh data directory or an empty database
 * and marks it restored, so at its next start it asks each peer to deliver again what it received
 * after the backup (restored-resync.service.ts).
 */
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config.ts';
import { AppError } from '../core/errors.ts';
import type { AppContext } from '../app-context.ts';
import { claimDataDirectory, makeNewFilesPrivate, restrictToOwner } from '../storage/private-files.ts';
import { openDatabase } from '../storage/database.ts';
import { EmbeddedDatabaseInUseError } from '../storage/embedded-lock.ts';
import { MINIMUM_PASSPHRASE_LENGTH } from '../federation/identity/identity-store.ts';
import {
  type DatabaseDump,
  dumpDatabase,
  isDatabaseBlank,
  restoreDatabase,
} from '../storage/database-dump.ts';
import { migrateToLatest } from '../storage/migrate.ts';
import { BackupArchiveError, openArchive, sealArchive } from './backup-archive.ts';

/** The folders of the data directory a backup carries (the embedded database travels as rows). */
const FILE_FOLDERS = ['identity', 'evidence'] as const;

type BackupPayload = Readonly<{
  format: 'comity-backup';
  createdAt: string;
  databaseKind: 'pglite' | 'postgres';
  database: DatabaseDump;
  /** Paths relative to the data directory, with their mode and content (base64). */
  files: ReadonlyArray<Readonly<{ path: string; mode: number; content: string }>>;
}>;

export type BackupSummary = Readonly<{
  bytes: number;
  tables: number;
  rows: number;
  files: number;
  createdAt: string;
}>;

export { BackupArchiveError };

async function listFiles(root: string, folder: string): Promise<string[]> {
  const directory = path.join(root, folder);
  if (!existsSync(directory)) return [];
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)))
    .sort();
}

function countRows(dump: DatabaseDump): number {
  return Object.values(dump.tables).reduce(
    (total, rows) => total + (JSON.parse(rows) as unknown[]).length,
    0,
  );
}

/** Whether `error` says that a running node holds the embedded database (its lock). */
export function isDatabaseHeldByAnotherProcess(error: unknown): boolean {
  return error instanceof EmbeddedDatabaseInUseError;
}

/** Writes an encrypted backup of the node `config` describes to `file` (the node stopped, or on PostgreSQL). */
export async function createBackup(
  config: Config,
  passphrase: string,
  file: string,
  now: Date = new Date(),
): Promise<BackupSummary> {
  const database = await openDatabase(config.database);
  let sealed: SealedBackup;
  try {
    await migrateToLatest(database.db);
    sealed = await sealBackup(database.db, database.kind, config.node.dataDirectory, passphrase, now);
  } finally {
    await database.close();
  }
  await writeFile(file, sealed.archive, { mode: 0o600 });
  return sealed.summary;
}

/**
 * The backup of the running node `context` describes, taken through its own database connection
 * (POST /api/v1/backup): how `comity backup` copies a node whose embedded database it holds.
 */
export async function backupRunningNode(context: AppContext, passphrase: string): Promise<SealedBackup> {
  if (passphrase.length < MINIMUM_PASSPHRASE_LENGTH) {
    throw new AppError(
      'invalid-input',
      `the backup passphrase must have at least ${MINIMUM_PASSPHRASE_LENGTH} characters`,
      [{ path: 'passphrase', message: `at least ${MINIMUM_PASSPHRASE_LENGTH} characters` }],
    );
  }
  return sealBackup(
    context.db,
    context.databaseKind,
    context.config.node.dataDirectory,
    passphrase,
    context.now(),
  );
}

export type SealedBackup = Readonly<{ archive: Buffer; summary: BackupSummary }>;

/** The encrypted archive of a database (one consistent snapshot) and the data directory's files. */
async function sealBackup(
  db: AppContext['db'],
  databaseKind: 'pglite' | 'postgres',
  root: string,
  passphrase: string,
  now: Date,
): Promise<SealedBackup> {
  const dump = await dumpDatabase(db);
  const files = [];
  for (const folder of FILE_FOLDERS) {
    for (const relative of await listFiles(root, folder)) {
      const absolute = path.join(root, relative);
      files.push({
        path: relative,
        mode: (await stat(absolute)).mode & 0o777,
        content: (await readFile(absolute)).toString('base64'),
      });
    }
  }
  const payload: BackupPayload = {
    format: 'comity-backup',
    createdAt: now.toISOString(),
    databaseKind,
    database: dump,
    files,
  };
  const archive = await sealArchive(Buffer.from(JSON.stringify(payload), 'utf8'), passphrase);
  return {
    archive,
    summary: {
      bytes: archive.length,
      tables: Object.keys(dump.tables).length,
      rows: countRows(dump),
      files: files.length,
      createdAt: payload.createdAt,
    },
  };
}

/** A folder of the data directory that holds something already. */
function isNonEmptyDirectory(directory: string): boolean {
  return existsSync(directory) && readdirSync(directory).length > 0;
}

/** Refuses a target that holds a node already (a restore never overwrites). */
function assertFreshDataDirectory(config: Config): void {
  const root = config.node.dataDirectory;
  const occupied = [
    ...FILE_FOLDERS.map((folder) => path.join(root, folder)),
    ...(config.database.kind === 'pglite' ? [config.database.directory] : []),
  ].filter(isNonEmptyDirectory);
  if (occupied.length > 0) {
    throw new AppError(
      'invalid-state',
      `the data directory ${root} already holds a node (${occupied.map((item) => path.relative(root, item)).join(', ')}): restore into a new, empty data directory`,
    );
  }
}

export type RestoreSummary = Readonly<{ backupCreatedAt: string; rows: number; files: number }>;

/** Rebuilds a node from `file` on a fresh data directory and an empty database. */
export async function restoreBackup(
  config: Config,
  passphrase: string,
  file: string,
  now: Date = new Date(),
): Promise<RestoreSummary> {
  assertFreshDataDirectory(config);
  // What the restore writes (the database's files hold password hashes) is the node user's only,
  // as the node's own files are (storage/private-files.ts), in a directory that is the node's.
  makeNewFilesPrivate();
  let archive: Buffer;
  try {
    archive = await readFile(file);
  } catch (error) {
    throw new AppError('invalid-input', `cannot read ${file}: ${(error as Error).message}`);
  }
  const payload = JSON.parse((await openArchive(archive, passphrase)).toString('utf8')) as BackupPayload;
  if (payload.format !== 'comity-backup') throw new BackupArchiveError('this file is not a Comity backup');
  claimDataDirectory(config.node.dataDirectory);

  // A new embedded database is created empty here, never from the cached migrated template: a
  // restore needs a database without tables, and migrates it itself.
  const database = await openDatabase(
    config.database.kind === 'pglite'
      ? {
          kind: 'pglite',
          directory: config.database.directory,
          isBlank: true,
          ...sharedBuffersOf(config.database),
        }
      : config.database,
  );
  try {
    if (!(await isDatabaseBlank(database.db))) {
      throw new AppError(
        'invalid-state',
        'the database already holds tables: restore into a new, empty database (DATABASE_URL)',
      );
    }
    await migrateToLatest(database.db);
    await restoreDatabase(database.db, payload.database, {
      restoredAt: now,
      backupCreatedAt: payload.createdAt,
    });
  } finally {
    await database.close();
  }
  const root = config.node.dataDirectory;
  for (const entry of payload.files) {
    const target = path.resolve(root, entry.path);
    if (!target.startsWith(`${path.resolve(root)}${path.sep}`)) {
      throw new BackupArchiveError(`this backup names a file outside the data directory: ${entry.path}`);
    }
    await mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
    await writeFile(target, Buffer.from(entry.content, 'base64'), { mode: entry.mode });
  }
  restrictToOwner(root);
  return {
    backupCreatedAt: payload.createdAt,
    rows: countRows(payload.database),
    files: payload.files.length,
  };
}

function sharedBuffersOf(database: Readonly<{ sharedBuffersMb?: number }>): { sharedBuffersMb?: number } {
  return database.sharedBuffersMb === undefined ? {} : { sharedBuffersMb: database.sharedBuffersMb };
}
