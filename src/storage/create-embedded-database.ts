/**
 * `node create-embedded-database.ts <directory> [template.tar]`: creates an embedded database in
 * an empty directory, from the template when one is given (else with initdb), and exits. A node
 * runs it as a child process at its first start (src/storage/database.ts) so that initdb's, or the
 * template's unpacking, memory leaves with the child instead of staying in the node for its whole
 * life. It works in `<directory>.creating` and renames it into place once complete: an interrupted
 * creation never leaves a half-made database behind. A database made by initdb it also brings to
 * the latest schema (a template is migrated already): migrating grows the WebAssembly heap too,
 * which a process never gives back.
 */
import { readFileSync, renameSync, rmSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';

const [directory, ...rest] = process.argv.slice(2);
/** --blank: initdb only, no tables (a restore migrates and fills the database itself). */
const isBlank = rest.includes('--blank');
const template = rest.find((argument) => argument !== '--blank');
if (directory === undefined) {
  process.stderr.write('usage: create-embedded-database.ts <directory> [--blank | template.tar]\n');
  process.exit(2);
}
const creating = `${directory}.creating`;
rmSync(creating, { recursive: true, force: true });
const pglite = await PGlite.create(creating, {
  ...(template === undefined ? {} : { loadDataDir: new Blob([readFileSync(template)]) }),
});
if (template === undefined && !isBlank) {
  // A template is this release's migrated database already: only initdb's needs migrating.
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
