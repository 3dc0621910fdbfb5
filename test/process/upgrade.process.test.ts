/**
 * Upgrades: today's code starts on the databases a previous release made (test/fixtures/upgrade/
 * <release>/, written by scripts/make-upgrade-fixture.ts from that release's checkout), migrates
 * them forward at start and shows every request and every case event the release held, on PGlite
 * (the node's data directory as it was) and on PostgreSQL (a pg_dump loaded into a new database).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { POSTGRES_BIN } from '../../scripts/postgres-cluster.ts';
import { openDatabase } from '../../src/storage/database.ts';
import type { Config } from '../../src/config.ts';
import { type NodeSnapshot, snapshotRequests } from '../fixtures/upgrade/snapshot.ts';
import {
  apiClient,
  createNodeProcess,
  createPostgresDatabase,
  POSTGRES_SKIP,
  signIn,
  temporaryDirectory,
} from '../helpers/node-process.ts';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/upgrade');
const MIGRATIONS = path.resolve(import.meta.dirname, '../../src/storage/migrations');
const KNOWN_MIGRATIONS = readdirSync(MIGRATIONS)
  .filter((file) => file.endsWith('.ts'))
  .map((file) => file.replace(/\.ts$/, ''))
  .sort();

type Expected = Readonly<{ release: string } & Record<'pglite' | 'postgres', Record<string, NodeSnapshot>>>;

const releases = readdirSync(FIXTURES, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

async function appliedMigrations(database: Config['database']): Promise<string[]> {
  const handle = await openDatabase(database);
  try {
    const rows = await handle.db
      .selectFrom('kysely_migration' as never)
      .select('name' as never)
      .execute();
    return rows.map((row) => (row as { name: string }).name).sort();
  } finally {
    await handle.close();
  }
}

test('the fixtures include at least one earlier release', () => {
  assert.ok(releases.length > 0, `no release under ${FIXTURES}`);
});

for (const release of releases) {
  const directory = path.join(FIXTURES, release);
  const expected = JSON.parse(readFileSync(path.join(directory, 'expected.json'), 'utf8')) as Expected;

  for (const kind of ['pglite', 'postgres'] as const) {
    describe(`upgrade from ${release} on ${kind === 'pglite' ? 'PGlite' : 'PostgreSQL'}`, {
      skip: kind === 'postgres' && POSTGRES_SKIP,
    }, () => {
      for (const [nodeId, before] of Object.entries(expected[kind])) {
        test(`${nodeId}: migrated at start, every request and case event kept, the same people sign in`, async () => {
          const dataDirectory = temporaryDirectory(`comity-upgrade-${nodeId}-`);
          execFileSync('tar', ['-xJf', path.join(directory, kind, `${nodeId}.tar.xz`), '-C', dataDirectory]);
          let databaseUrl: string | undefined;
          if (kind === 'postgres') {
            databaseUrl = await createPostgresDatabase();
            execFileSync(
              path.join(POSTGRES_BIN, 'psql'),
              ['-q', '-v', 'ON_ERROR_STOP=1', '-f', path.join(directory, kind, `${nodeId}.sql`), databaseUrl],
              {
                stdio: ['ignore', 'ignore', 'pipe'],
              },
            );
          }
          const database: Config['database'] = databaseUrl
            ? { kind: 'postgres', url: databaseUrl }
            : { kind: 'pglite', directory: path.join(dataDirectory, 'pglite') };
          const migrationsBefore = await appliedMigrations(database);
          assert.ok(migrationsBefore.length > 0, 'the fixture holds a migrated database');

          const node = createNodeProcess({
            name: nodeId,
            dataDirectory,
            ...(databaseUrl ? { databaseUrl } : {}),
          });
          await node.start();
          try {
            const readers = [before.officerToken, before.dutyOfficerToken].map((credentials) =>
              apiClient(node.url, credentials),
            );
            assert.deepEqual(await snapshotRequests(readers), before.requests);
            assert.ok(
              before.requests.some((request) => request.events.length > 0),
              'the fixture holds case events',
            );
            await signIn(node.url, 'admin', before.adminPassword ?? '');
          } finally {
            await node.stop();
          }
          assert.deepEqual(await appliedMigrations(database), KNOWN_MIGRATIONS);
        });
      }
    });
  }
}
