/**
 * Runs `comity` as a user does: a separate process on the node's data directory (PGlite), with
 * the operator's own database settings removed so a developer's environment cannot leak in.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { loadConfig } from '../../src/config.ts';
import { openDatabase } from '../../src/storage/database.ts';
import { migrateToLatest } from '../../src/storage/migrate.ts';
import type { Database } from '../../src/storage/schema.ts';

const root = path.resolve(import.meta.dirname, '../..');

export type CliRun = Readonly<{ code: number; stdout: string; stderr: string }>;

export function runComity(
  dataDirectory: string,
  args: readonly string[],
  options: Readonly<{
    input?: string;
    env?: Record<string, string>;
    /** Called with the process once started (e.g. to kill it when something happens). */
    onSpawn?: (child: ChildProcess) => void;
  }> = {},
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const environment: Record<string, string | undefined> = {
      ...process.env,
      COMITY_DATA_DIR: dataDirectory,
      COMITY_LOG_LEVEL: 'silent',
      ...options.env,
    };
    if (!options.env?.DATABASE_URL) delete environment.DATABASE_URL;
    if (!options.env?.COMITY_KEY_PASSPHRASE) delete environment.COMITY_KEY_PASSPHRASE;
    const child = spawn(process.execPath, [path.join(root, 'src/cli/main.ts'), ...args], {
      cwd: root,
      env: environment,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    options.onSpawn?.(child);
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/**
 * Opens the embedded database of a node's data directory in this process (after, or beside, a
 * CLI run), migrated, for `work`; closes it afterwards.
 */
export async function withDataDirectoryDatabase<T>(
  dataDirectory: string,
  work: (db: Kysely<Database>) => Promise<T>,
): Promise<T> {
  const config = loadConfig({ COMITY_DATA_DIR: dataDirectory, COMITY_LOG_LEVEL: 'silent' });
  const handle = await openDatabase(config.database);
  try {
    await migrateToLatest(handle.db);
    return await work(handle.db);
  } finally {
    await handle.close();
  }
}
