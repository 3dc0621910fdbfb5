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

/** The migrations this release knows, by name (the file name without `.ts`), in order. */
async function knownMigrationNames(): Promise<string[]> {
  return (await readdir(MIGRATIONS_DIRECTORY))
    .filter((file) => file.endsWith('.ts'))
    .sort()
    .map((file) => file.replace(/\.ts$/, ''));
}

class DirectoryMigrationProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    const entries = await Promise.all(
      (await knownMigrationNames()).map(async (name) => {
        const module = (await import(
          pathToFileURL(path.join(MIGRATIONS_DIRECTORY, `${name}.ts`)).href
        )) as Migration;
        return [name, module] as const;
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
  const known = await knownMigrationNames();
  const applied = await appliedMigrations(db);
  const unknown = applied.filter((name) => !known.includes(name));
  if (unknown.length > 0) throw new DatabaseNewerThanCodeError(unknown);
  // Every start of a node that is up to date: nothing to apply, so neither the migrations' modules
  // nor the migrator's lock are needed (a migrator elsewhere has nothing to apply either).
  if (applied.length === known.length) return [];
  const migrator = new Migrator({ db, provider: new DirectoryMigrationProvider() });
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
