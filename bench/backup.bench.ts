/**
 * Backup benchmarks: a node holding 10,000 requests (1,000 with --quick), each with the message
 * that carried it in the outbox and its receipt, backed up with `comity backup` and restored with
 * `comity restore` into a new data directory (PGlite) or an empty database (PostgreSQL), as an
 * operator runs them (separate processes). Baselines from the same run: a plain copy of the data
 * directory (PGlite, the node stopped) and `pg_dump -Fc` / `pg_restore` (PostgreSQL).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { loadConfig } from '../src/config.ts';
import { runComityOrThrow } from '../src/demo/node-process.ts';
import { openDatabase } from '../src/storage/database.ts';
import { migrateToLatest } from '../src/storage/migrate.ts';
import type { Figure } from './foundation.bench.ts';

const PASSPHRASE = 'a benchmark passphrase';
const draft = readFileSync(
  path.join(import.meta.dirname, 'fixtures', 'full-preservation-draft.json'),
  'utf8',
);

export const BACKUP_METHOD =
  "Method: the node's database is filled with N outgoing requests (the full preservation draft as content), each with a delivered outbox message of 4 KiB and a receipt of 608 bytes (random hex, which compresses about as a JWS does), through SQL; then `comity backup` and `comity restore` run as processes (Node start-up and the scrypt key derivation, about 0.3 s, included). Baselines in the same run: `cp -r` of the stopped node's data directory (PGlite) and `pg_dump -Fc` / `pg_restore` of its database (PostgreSQL 15).";

async function seed(environment: Record<string, string>, count: number): Promise<void> {
  const config = loadConfig(environment);
  const handle = await openDatabase(config.database);
  try {
    await migrateToLatest(handle.db);
    const { rows } = await sql<{ id: string }>`
      insert into users (username, display_name, password_hash, roles)
      values ('bench', 'Bench', 'x', '{officer}'::text[]) returning id`.execute(handle.db);
    const userId = rows[0]?.id;
    await sql`
      with made as (
        insert into requests (type, status, content, created_by, direction, peer_node_id, delivery_state)
        select 'preservation', 'sent', ${draft}::jsonb, ${userId}::uuid, 'outgoing', 'de-poc', 'delivered'
          from generate_series(1, ${count}::int)
        returning id
      )
      insert into outbox_messages (id, case_id, peer_node_id, type, message, digest, status, next_attempt_at,
                                   created_at, delivered_at, receipt, receipt_received_at)
      select gen_random_uuid(), made.id::text, 'de-poc', 'request.submitted',
             (select string_agg(md5(random()::text || g::text || made.id::text), '') from generate_series(1, 128) g),
             md5(made.id::text),
             'delivered', now(), now(), now(),
             (select string_agg(md5(random()::text || g::text || made.id::text), '') from generate_series(1, 19) g), now()
        from made`.execute(handle.db);
  } finally {
    await handle.close();
  }
}

function timed(work: () => unknown): number {
  const started = performance.now();
  work();
  return performance.now() - started;
}

async function timedAsync(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

function directorySize(directory: string): number {
  return Number(execFileSync('du', ['-sb', directory], { encoding: 'utf8' }).split('\t')[0]);
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mebibytes = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;

export async function runBackupBenchmarks(options: {
  quick?: boolean;
  createDatabase?: () => Promise<string>;
  postgresBin?: string;
}): Promise<Figure[]> {
  const count = options.quick ? 1000 : 10_000;
  const root = mkdtempSync(path.join(os.tmpdir(), 'comity-bench-backup-'));
  try {
    const source = path.join(root, 'source');
    const urls = options.createDatabase
      ? { source: await options.createDatabase(), target: await options.createDatabase() }
      : undefined;
    const base = { COMITY_LOG_LEVEL: 'silent', COMITY_BACKUP_PASSPHRASE: PASSPHRASE };
    const sourceEnv = { ...base, COMITY_DATA_DIR: source, ...(urls ? { DATABASE_URL: urls.source } : {}) };
    const targetEnv = {
      ...base,
      COMITY_DATA_DIR: path.join(root, 'target'),
      ...(urls ? { DATABASE_URL: urls.target } : {}),
    };
    await seed(sourceEnv, count);
    const archive = path.join(root, 'node.comity-backup');
    const backupMs = await timedAsync(() =>
      runComityOrThrow(['backup', archive], { env: sourceEnv, timeoutMs: 600_000 }),
    );
    const restoreMs = await timedAsync(() =>
      runComityOrThrow(['restore', archive], { env: targetEnv, timeoutMs: 600_000 }),
    );
    const backupBytes = statSync(archive).size;
    const label = `${count.toLocaleString('en')} requests`;
    if (!urls) {
      const copyMs = timed(() => cpSync(source, path.join(root, 'copy'), { recursive: true }));
      const copyBytes = directorySize(source);
      return [
        {
          name: `backup, ${label}`,
          value: seconds(backupMs),
          baseline: `cp -r ${seconds(copyMs)}`,
          ratio: ratio(backupMs, copyMs),
        },
        {
          name: `restore, ${label}`,
          value: seconds(restoreMs),
          baseline: `cp -r ${seconds(copyMs)}`,
          ratio: ratio(restoreMs, copyMs),
        },
        {
          name: `size, ${label}`,
          value: mebibytes(backupBytes),
          baseline: `data directory ${mebibytes(copyBytes)}`,
          ratio: ratio(backupBytes, copyBytes),
        },
      ];
    }
    const bin = options.postgresBin ?? '/usr/lib/postgresql/15/bin';
    const dumpFile = path.join(root, 'node.pgdump');
    const dumpMs = timed(() => execFileSync(path.join(bin, 'pg_dump'), ['-Fc', '-f', dumpFile, urls.source]));
    const restoreTarget = options.createDatabase ? await options.createDatabase() : urls.target;
    const pgRestoreMs = timed(() =>
      execFileSync(path.join(bin, 'pg_restore'), ['-d', restoreTarget, dumpFile]),
    );
    const dumpBytes = statSync(dumpFile).size;
    return [
      {
        name: `backup, ${label}`,
        value: seconds(backupMs),
        baseline: `pg_dump -Fc ${seconds(dumpMs)}`,
        ratio: ratio(backupMs, dumpMs),
      },
      {
        name: `restore, ${label}`,
        value: seconds(restoreMs),
        baseline: `pg_restore ${seconds(pgRestoreMs)}`,
        ratio: ratio(restoreMs, pgRestoreMs),
      },
      {
        name: `size, ${label}`,
        value: mebibytes(backupBytes),
        baseline: `pg_dump -Fc ${mebibytes(dumpBytes)}`,
        ratio: ratio(backupBytes, dumpBytes),
      },
    ];
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
