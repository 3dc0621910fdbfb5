/**
 * A migrated, empty embedded database kept as a data directory in the cache directory. Creating a
 * PGlite database (initdb) costs seconds of CPU and a WebAssembly instance of its own; a node
 * starting on an empty data directory copies this one instead when it is there (database.ts):
 * the same database initdb and the migrations would make, and a copy of files needs no PGlite.
 * `comity demo` makes it once and every node of the demo starts from it. The directory's name
 * carries PGlite's version and a hash of the migrations, so a release never copies another
 * release's template. No process ever opens the template once it is made.
 */
import { createHash, randomBytes } from 'node:crypto';
import { cpSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PGliteDialect } from 'kysely';
import { MIGRATIONS_DIRECTORY, migrateToLatest } from './migrate.ts';
import { restrictToOwner } from './private-files.ts';
import type { Database } from './schema.ts';

function pgliteVersion(): string {
  const entry = fileURLToPath(import.meta.resolve('@electric-sql/pglite'));
  const manifest = path.join(entry, '..', '..', 'package.json');
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

/** The template's directory in `directory` for this release: PGlite's version and the migrations' hash. */
export function templateIn(directory: string): string {
  const hash = createHash('sha256');
  for (const file of readdirSync(MIGRATIONS_DIRECTORY).sort()) {
    hash.update(file).update(readFileSync(path.join(MIGRATIONS_DIRECTORY, file)));
  }
  return path.join(directory, `pglite-${pgliteVersion()}-${hash.digest('hex').slice(0, 16)}`);
}

/**
 * Makes this release's template in `directory` unless it is there already; returns its path.
 * Made under a temporary name, closed, then renamed: a reader never sees half a database, and
 * when two processes make it at once the first rename wins and the other's copy is removed.
 */
export async function ensureTemplate(directory: string, onMaking: () => void = () => {}): Promise<string> {
  const template = templateIn(directory);
  if (existsSync(template)) return template;
  onMaking();
  await mkdir(directory, { recursive: true });
  // Templates of the earlier format (a tar dump) are never read again.
  for (const name of readdirSync(directory)) {
    if (/^pglite-.*\.tar$/.test(name)) await rm(path.join(directory, name), { force: true });
  }
  // A name no other process uses: two processes may make the template at once.
  const temporary = `${template}.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    const pglite = await PGlite.create(temporary);
    const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) });
    try {
      await migrateToLatest(db);
    } finally {
      await db.destroy();
    }
    await rename(temporary, template).catch((error: unknown) => {
      if (!existsSync(template)) throw error;
    });
  } finally {
    await rm(temporary, { recursive: true, force: true });
  }
  return template;
}

/**
 * Creates the database of the empty data directory `target` as a copy of `template`: copied
 * beside it, then renamed into place, so an interrupted copy never leaves half a database.
 */
export async function copyTemplate(template: string, target: string): Promise<void> {
  // One process at a time creates a data directory (the caller holds its lock): a fixed name, so
  // an interrupted copy is replaced by the next one rather than left behind.
  const temporary = `${target}.copying`;
  await rm(temporary, { recursive: true, force: true });
  try {
    // Synchronously: Node copies the tree in native code, some ten times faster than the
    // promise-based cp (which awaits a stat and a copy per file, for about 1,200 files); nothing
    // else runs while a node creates its database.
    cpSync(template, temporary, { recursive: true, errorOnExist: true });
    // The copy's modes are the template's: the node's own are 0700 and 0600 (private-files.ts).
    restrictToOwner(temporary);
    await rm(target, { recursive: true, force: true });
    await rename(temporary, target);
  } finally {
    await rm(temporary, { recursive: true, force: true });
  }
}

// `node src/storage/pglite-template.ts <directory>`: makes the template there (`comity demo` runs
// it as a process of its own before its nodes start, so initdb's memory leaves with it). Prints
// `making` first when the template is not made yet, then the template's path.
if (import.meta.main) {
  const [directory] = process.argv.slice(2);
  if (directory === undefined) {
    process.stderr.write('usage: pglite-template.ts <cache directory>\n');
    process.exit(2);
  }
  const template = await ensureTemplate(directory, () => process.stdout.write('making\n'));
  process.stdout.write(`${template}\n`);
}
