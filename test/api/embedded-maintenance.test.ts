/**
 * A node on PGlite vacuums and analyzes its own tables once it is quiet (PGlite runs no
 * autovacuum: src/services/database-maintenance.service.ts), and not when
 * COMITY_PGLITE_MAINTENANCE_INTERVAL_SECONDS is 0.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { sql } from 'kysely';
import { loadConfig } from '../../src/config.ts';
import { waitFor } from '../../src/demo/node-process.ts';
import { type RunningNode, startNode } from '../../src/main.ts';

/** The node's tables with rows that the planner has never counted (reltuples -1: never vacuumed nor analyzed). */
async function uncountedTables(node: RunningNode): Promise<string[]> {
  const result = await sql<{ relname: string }>`
    select relname from pg_class
    where relnamespace = current_schema()::regnamespace and relkind = 'r' and reltuples < 0
      and pg_relation_size(oid) > 0
  `.execute(node.context.db);
  return result.rows.map((row) => row.relname);
}

describe('a node on PGlite maintaining its database', () => {
  const directories: string[] = [];
  const nodes: RunningNode[] = [];
  const start = async (intervalSeconds: string) => {
    const directory = mkdtempSync(path.join(os.tmpdir(), 'comity-maintained-'));
    directories.push(directory);
    const node = await startNode(
      loadConfig({
        COMITY_PORT: '0',
        COMITY_DATA_DIR: directory,
        COMITY_LOG_LEVEL: 'silent',
        COMITY_PGLITE_MAINTENANCE_INTERVAL_SECONDS: intervalSeconds,
      }),
    );
    nodes.push(node);
    return node;
  };
  after(async () => {
    for (const node of nodes) await node.stop();
    for (const directory of directories) rmSync(directory, { recursive: true, force: true });
  });

  it('counts every one of its tables at the quiet moments after it starts', async () => {
    const node = await start('1');
    assert.notDeepEqual(await uncountedTables(node), [], 'a new database is already counted');
    await waitFor(
      'every table with rows counted',
      async () => (await uncountedTables(node)).length === 0 || undefined,
      {
        timeoutMs: 30_000,
        intervalMs: 200,
      },
    );
  });

  it('leaves them alone when told to (interval 0)', async () => {
    const node = await start('0');
    const before = await uncountedTables(node);
    // Longer than a node told to look every second takes to count its first tables.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    assert.deepEqual(await uncountedTables(node), before);
    assert.notDeepEqual(before, []);
  });
});
