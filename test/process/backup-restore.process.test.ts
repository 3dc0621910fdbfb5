/**
 * Process test: DE is backed up (`comity backup`), then FR sends it 100 requests and withdraws 10
 * of them (lifecycle messages); DE is restored from the backup on a new data directory (PGlite) or
 * an empty database (PostgreSQL) and started. At its start it asks FR to deliver again what it
 * received after the backup (sync.redeliver-request): afterwards DE holds every request once, every
 * withdrawal, every message id it had held, and FR's outbox shows every message delivered with the
 * receipts it held before the restore.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import pg from 'pg';
import { listIncomingRequests, makeTransition, readCase } from '../../src/demo/federation-api.ts';
import {
  type ApiClient,
  countReceived,
  draftMany,
  type Federation,
  type FederationNode,
  POSTGRES_SKIP,
  readInbox,
  runComity,
  sendMany,
  startFederation,
  temporaryDirectory,
  waitFor,
  waitUntilAllDelivered,
  withNodeDatabase,
} from '../helpers/node-process.ts';

const PASSPHRASE = 'a backup passphrase long enough';
const REQUESTS = 100;
const WITHDRAWN = 10;

async function receiptsOf(node: FederationNode, peer: string): Promise<Map<string, string | null>> {
  return withNodeDatabase(node.process, async (db) => {
    const { rows } = await sql<{ id: string; status: string; receipt: string | null }>`
      select id, status, receipt from outbox_messages where peer_node_id = ${peer}`.execute(db);
    return new Map(rows.map((row) => [row.id, row.status === 'delivered' ? row.receipt : null]));
  });
}

/** Empties DE's place: its data directory, and on PostgreSQL its database (dropped and created again). */
async function wipe(node: FederationNode): Promise<void> {
  await node.process.stop();
  rmSync(node.process.dataDirectory, { recursive: true, force: true });
  const url = node.process.env.DATABASE_URL;
  if (url === undefined) return;
  const name = new URL(url).pathname.slice(1);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`drop database ${name}`);
    await client.query(`create database ${name}`);
  } finally {
    await client.end();
  }
}

for (const database of ['pglite', 'postgres'] as const) {
  describe(`backup, restore and re-sync of a receiving node [${database}]`, {
    timeout: 300_000,
    skip: database === 'postgres' ? POSTGRES_SKIP : false,
  }, () => {
    let federation: Federation;
    before(async () => {
      federation = await startFederation({ states: ['FR', 'DE'], database, shouldKeepLogs: false });
    });
    after(async () => {
      await federation?.stop();
    });

    it('loses nothing FR delivered after the backup: every request once, every withdrawal, the same receipts', async () => {
      const fr = federation.node('FR');
      const de = federation.node('DE');
      const officer = await fr.userClient('officer');
      const duty: ApiClient = await de.userClient('duty-officer');
      const [early] = await draftMany(officer, 'FR', 'DE', 1);
      await sendMany(officer, [early!]);
      await waitUntilAllDelivered(officer, [early!], 60_000);

      const backupFile = path.join(temporaryDirectory('comity-backup-'), 'de.backup');
      const env = { ...de.process.env, COMITY_BACKUP_PASSPHRASE: PASSPHRASE };
      // A PGlite directory is held by its one process: the node is stopped for the backup.
      if (database === 'pglite') await de.process.stop();
      const backup = await runComity(['backup', backupFile], { env });
      assert.equal(backup.code, 0, backup.stderr);
      if (!de.process.isRunning()) await de.process.start();

      const ids = await draftMany(officer, 'FR', 'DE', REQUESTS);
      const burst = await sendMany(officer, ids);
      assert.equal(burst.failed.size, 0);
      await waitUntilAllDelivered(officer, ids, 120_000);
      const withdrawn = ids.slice(0, WITHDRAWN);
      for (const id of withdrawn)
        await makeTransition(officer, id, 'withdraw', { reasons: 'No longer needed.' });
      const withdrawnAtDe = async () => {
        const incoming = await listIncomingRequests(duty);
        const wanted = new Set(withdrawn);
        const statuses = await Promise.all(
          incoming
            .filter((item) => wanted.has(item.remoteRequestId ?? ''))
            .map(async (item) => (await readCase(duty, item.id)).status),
        );
        return statuses.length === WITHDRAWN && statuses.every((status) => status === 'withdrawn')
          ? true
          : undefined;
      };
      await waitFor('DE shows the withdrawals', withdrawnAtDe, { timeoutMs: 60_000, intervalMs: 300 });

      const receiptsBefore = await receiptsOf(fr, 'de-poc');
      if (!fr.process.isRunning()) await fr.process.start();
      const inboxBefore = await withNodeDatabase(de.process, (db) => readInbox(db, 'fr-poc'));
      assert.ok([...receiptsBefore.values()].every((receipt) => receipt !== null));

      await wipe(de);
      const restore = await runComity(['restore', backupFile], { env });
      assert.equal(restore.code, 0, restore.stderr);
      const held = await withNodeDatabase(de.process, (db) => countReceived(db, 'fr-poc'));
      assert.equal(held.incomingRequests, 1, 'the backup holds only what arrived before it');
      await de.process.start();

      await waitFor(
        `DE holds all ${REQUESTS + 1} requests again`,
        async () => ((await listIncomingRequests(duty)).length === REQUESTS + 1 ? true : undefined),
        { timeoutMs: 120_000, intervalMs: 500 },
      );
      await waitFor('DE shows the withdrawals again', withdrawnAtDe, { timeoutMs: 60_000, intervalMs: 300 });
      // FR finishes recording the re-deliveries (nothing pending toward DE).
      await waitFor(
        'FR has nothing pending for DE',
        async () => {
          const receipts = await receiptsOf(fr, 'de-poc');
          if (!fr.process.isRunning()) await fr.process.start();
          return [...receipts.values()].every((receipt) => receipt !== null) ? receipts : undefined;
        },
        { timeoutMs: 60_000, intervalMs: 1000 },
      );

      const received = await withNodeDatabase(de.process, (db) => countReceived(db, 'fr-poc'));
      assert.deepEqual(received.duplicates, []);
      assert.equal(received.incomingRequests, REQUESTS + 1);
      assert.equal(received.distinctRemoteRequests, REQUESTS + 1);
      const inboxAfter = await withNodeDatabase(de.process, (db) => readInbox(db, 'fr-poc'));
      const lost = [...inboxBefore.keys()].filter((id) => !inboxAfter.has(id));
      assert.deepEqual(lost, [], 'every message id DE held before the restore is held again');
      const events = await withNodeDatabase(de.process, async (db) => {
        const { rows } = await sql<{ count: number }>`
            select count(*)::int as count from case_events e join requests r on r.id = e.request_id
             where r.direction = 'incoming' and e.received_message_id is not null`.execute(db);
        return Number(rows[0]?.count);
      });
      assert.equal(events, WITHDRAWN, 'each withdrawal recorded once');

      const receiptsAfter = await receiptsOf(fr, 'de-poc');
      for (const [id, receipt] of receiptsBefore) {
        assert.equal(receiptsAfter.get(id), receipt, `FR keeps the receipt of ${id}`);
      }
    });
  });
}
