/**
 * The embedded database's memory setting and the migrated template: a node on an empty data
 * directory copies this release's template (already migrated, on disk, there after a restart), a
 * directory that holds a database is never overwritten by it, and without a template the node
 * creates its database itself.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { sql } from 'kysely';
import { openDatabase } from '../../src/storage/database.ts';
import { migrateToLatest } from '../../src/storage/migrate.ts';
import { PGlite } from '@electric-sql/pglite';
import { ensureTemplate, templateIn } from '../../src/storage/pglite-template.ts';

const root = mkdtempSync(path.join(os.tmpdir(), 'comity-pglite-template-'));
after(() => rmSync(root, { recursive: true, force: true }));

async function sharedBuffersOf(handle: Awaited<ReturnType<typeof openDatabase>>): Promise<string> {
  const { rows } = await sql<{ shared_buffers: string }>`show shared_buffers`.execute(handle.db);
  return rows[0]!.shared_buffers;
}

describe('embedded database settings and template', () => {
  it('runs with the shared buffers it is given (16 MB unless told otherwise)', async () => {
    const directory = path.join(root, 'settings');
    const first = await openDatabase({ kind: 'pglite', directory });
    try {
      assert.equal(await sharedBuffersOf(first), '16MB');
    } finally {
      await first.close();
    }
    const second = await openDatabase({ kind: 'pglite', directory, sharedBuffersMb: 48 });
    try {
      assert.equal(await sharedBuffersOf(second), '48MB');
    } finally {
      await second.close();
    }
  });

  it('starts an empty data directory from the template, migrated and durable across a restart', async () => {
    const cache = path.join(root, 'cache');
    const template = await ensureTemplate(cache);
    assert.equal(template, templateIn(cache));
    assert.ok(existsSync(template));
    assert.equal(await ensureTemplate(cache), template, 'an existing template is kept');
    // A mark in the template, to tell a copy of it from a database made afresh.
    const marking = await PGlite.create(template);
    await marking.exec('create table template_mark (id integer)');
    await marking.close();

    const directory = path.join(root, 'from-template');
    const config = { kind: 'pglite' as const, directory, templateDirectory: cache };
    const first = await openDatabase(config);
    try {
      const { rows } = await sql<{
        name: string | null;
      }>`select to_regclass('template_mark')::text as name`.execute(first.db);
      assert.equal(rows[0]?.name, 'template_mark', 'the database is a copy of the template');
      assert.deepEqual(await migrateToLatest(first.db), [], 'the template is already migrated');
      await sql`insert into kysely_migration (name, timestamp) values ('zz-marker', '2026-12-12T10:00:00Z')`.execute(
        first.db,
      );
    } finally {
      await first.close();
    }
    // Started again: the directory holds a database, so the template must not replace it.
    const second = await openDatabase(config);
    try {
      const { rows } = await sql<{
        name: string;
      }>`select name from kysely_migration where name = 'zz-marker'`.execute(second.db);
      assert.equal(rows.length, 1);
    } finally {
      await second.close();
    }
  });

  it('creates the database itself, migrated, when no template was made', async () => {
    const directory = path.join(root, 'no-template');
    const handle = await openDatabase({
      kind: 'pglite',
      directory,
      templateDirectory: path.join(root, 'empty-cache'),
    });
    try {
      // The child process that creates it migrates it too, so that the node does not keep that memory.
      const { rows } = await sql<{
        count: number;
      }>`select count(*)::int as count from kysely_migration`.execute(handle.db);
      assert.ok(rows[0]!.count > 0, 'the new database holds every migration');
      assert.deepEqual(await migrateToLatest(handle.db), [], 'nothing left to migrate');
    } finally {
      await handle.close();
    }
  });
});
