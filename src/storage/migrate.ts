/**
 * Applies the versioned migrations in src/storage/migrations, in name order, at start-up.
 * Migration files never import application code: they are frozen in time.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Kysely, sql } from 'kysely';
import { DEFAULT_MIGRATION_TABLE, type Migration, type MigrationProvider, Migrator } from 'kysely/migration';

export const MIGRATIONS_DIRECTORY = path.join(import.meta.dirname, 'migrations');

class DirectoryMigrationProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    const files = (await readdir(MIGRATIONS_DIRECTORY)).filter((file) => file.endsWith('.ts')).sort();
    const entries = await Promise.all(
      files.map(async (file) => {
        const module = (await import(pathToFileURL(path.join(MIGRATIONS_DIRECTORY, file)).href)) as Migration;
        return [file.replace(/\.ts$/, ''), module] as const;
      }),
    );
    return Object.fromEntries(entries);
  }
}

/**
 * A database that a newer release of Comity migrated: this code does not know all of its
 * migrations, so it must not run on it (it would misread what it does not know).
 */
export class DatabaseNewerThanCodeError extends Error {
  readonly unknownMigrations: readonly string[];
  constructor(unknownMigrations: readonly string[]) {
    super(
      `the database was migrated by a newer release of Comity (${unknownMigrations.length} migration${unknownMigrations.length === 1 ? '' : 's'} this release does not know, the latest ${unknownMigrations.at(-1)}): start that release, or restore a backup made by this one`,
    );
    this.name = 'DatabaseNewerThanCodeError';
    this.unknownMigrations = unknownMigrations;
  }
}

// biome-ignore lint/suspicious/noExplicitAny: the migrator works on any schema
async function appliedMigrations(db: Kysely<any>): Promise<string[]> {
  const { rows } = await sql<{ exists: boolean }>`
    select to_regclass(${DEFAULT_MIGRATION_TABLE}) is not null as exists`.execute(db);
  if (!rows[0]?.exists) return [];
  const applied = await db.selectFrom(DEFAULT_MIGRATION_TABLE).select('name').orderBy('name').execute();
  return applied.map((row: { name: string }) => row.name);
}

/**
 * Brings the schema to the latest version; throws with the failing migration's name, or
 * DatabaseNewerThanCodeError (changing nothing) when a newer release migrated the database.
 */
// biome-ignore lint/suspicious/noExplicitAny: the migrator works on any schema
export async function migrateToLatest(db: Kysely<any>): Promise<readonly string[]> {
  const provider = new DirectoryMigrationProvider();
  const known = new Set(Object.keys(await provider.getMigrations()));
  const unknown = (await appliedMigrations(db)).filter((name) => !known.has(name));
  if (unknown.length > 0) throw new DatabaseNewerThanCodeError(unknown);
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((result) => result.status === 'Error');
  if (error || failed) {
    const name = failed ? ` (${failed.migrationName})` : '';
    throw new Error(
      `database migration failed${name}: ${error instanceof Error ? error.message : String(error)}`,
      {
        cause: error,
      },
    );
  }
  return (results ?? []).map((result) => result.migrationName);
}
