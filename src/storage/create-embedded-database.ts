/**
 * `node create-embedded-database.ts <directory> [--blank]`: creates an embedded database in an
 * empty directory with initdb, brings it to the latest schema (unless `--blank`), and exits. A
 * node runs it as a child process at its first start when no template is cached
 * (src/storage/database.ts; with one, the node copies it), so that initdb's and the migrations'
 * memory leaves with the child instead of staying in the node for its whole life: migrating grows
 * the WebAssembly heap, which a process never gives back. It works in `<directory>.creating` and
 * renames it into place once complete: an interrupted creation never leaves a half-made database.
 */
import { renameSync, rmSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';

const [directory, ...rest] = process.argv.slice(2);
/** --blank: initdb only, no tables (a restore migrates and fills the database itself). */
const isBlank = rest.includes('--blank');
if (directory === undefined) {
  process.stderr.write('usage: create-embedded-database.ts <directory> [--blank]\n');
  process.exit(2);
}
const creating = `${directory}.creating`;
rmSync(creating, { recursive: true, force: true });
const pglite = await PGlite.create(creating);
if (!isBlank) {
  const [{ Kysely, PGliteDialect }, { migrateToLatest }] = await Promise.all([
    import('kysely'),
    import('./migrate.ts'),
  ]);
  const db = new Kysely({ dialect: new PGliteDialect({ pglite }) });
  await migrateToLatest(db);
  await db.destroy();
} else {
  await pglite.close();
}
rmSync(directory, { recursive: true, force: true });
renameSync(creating, directory);
