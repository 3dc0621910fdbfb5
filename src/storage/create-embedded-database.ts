/**
 * `node create-embedded-database.ts <directory> [template.tar]`: creates an embedded database in
 * an empty directory, from the template when one is given (else with initdb), and exits. A node
 * runs it as a child process at its first start (src/storage/database.ts) so that initdb's, or the
 * template's unpacking, memory leaves with the child instead of staying in the node for its whole
 * life. It works in `<directory>.creating` and renames it into place once complete: an interrupted
 * creation never leaves a half-made database behind. It also brings the schema to the latest
 * version (nothing to do on a template of this release): migrating grows the WebAssembly heap too,
 * which a process never gives back.
 */
import { readFileSync, renameSync, rmSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PGliteDialect } from 'kysely';
import { migrateToLatest } from './migrate.ts';

const [directory, template] = process.argv.slice(2);
if (directory === undefined) {
  process.stderr.write('usage: create-embedded-database.ts <directory> [template.tar]\n');
  process.exit(2);
}
const creating = `${directory}.creating`;
rmSync(creating, { recursive: true, force: true });
const pglite = await PGlite.create(creating, {
  ...(template === undefined ? {} : { loadDataDir: new Blob([readFileSync(template)]) }),
});
const db = new Kysely({ dialect: new PGliteDialect({ pglite }) });
await migrateToLatest(db);
await db.destroy();
rmSync(directory, { recursive: true, force: true });
renameSync(creating, directory);
