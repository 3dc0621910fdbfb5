/**
 * A migrated, empty embedded database kept as a tar dump in the cache directory. Creating a PGlite
 * database (initdb) costs seconds of CPU and holds its own WebAssembly instance while it runs; a
 * node starting on an empty data directory loads this dump instead when it is there
 * (src/storage/create-embedded-database.ts): the same database initdb and the migrations would
 * make. `comity demo` makes it once and every node of the demo starts from it. The file name carries PGlite's version and a hash of the
 * migrations, so a release never loads another release's template.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PGliteDialect } from 'kysely';
import { MIGRATIONS_DIRECTORY, migrateToLatest } from './migrate.ts';
import type { Database } from './schema.ts';

function pgliteVersion(): string {
  const entry = fileURLToPath(import.meta.resolve('@electric-sql/pglite'));
  const manifest = path.join(entry, '..', '..', 'package.json');
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

/** The template's file in `directory` for this release: PGlite's version and the migrations' hash. */
export function templateFileIn(directory: string): string {
  const hash = createHash('sha256');
  for (const file of readdirSync(MIGRATIONS_DIRECTORY).sort()) {
    hash.update(file).update(readFileSync(path.join(MIGRATIONS_DIRECTORY, file)));
  }
  return path.join(directory, `pglite-${pgliteVersion()}-${hash.digest('hex').slice(0, 16)}.tar`);
}

/**
 * Makes this release's template in `directory` unless it is there already; returns its file.
 * Written to a temporary name and renamed, so a reader never sees half a file.
 */
export async function ensureTemplate(directory: string): Promise<string> {
  const file = templateFileIn(directory);
  if (existsSync(file)) return file;
  const pglite = await PGlite.create('memory://');
  const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) });
  try {
    await migrateToLatest(db);
    const dump = await pglite.dumpDataDir('none');
    await mkdir(directory, { recursive: true });
    const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    await writeFile(temporary, Buffer.from(await dump.arrayBuffer()));
    await rename(temporary, file);
  } finally {
    await db.destroy();
  }
  return file;
}

// `node src/storage/pglite-template.ts <directory>`: makes the template there (`comity demo` runs
// it as a process of its own before its nodes start, so initdb's memory leaves with it).
if (import.meta.main) {
  const [directory] = process.argv.slice(2);
  if (directory === undefined) {
    process.stderr.write('usage: pglite-template.ts <cache directory>\n');
    process.exit(2);
  }
  process.stdout.write(`${await ensureTemplate(directory)}\n`);
}
