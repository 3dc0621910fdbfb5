/**
 * Routine maintenance of the embedded database (PGlite runs no autovacuum; the node vacuums and
 * analyzes its own tables: src/services/database-maintenance.service.ts). A sending node's outbox
 * after many messages, with the node's maintenance and, as the same run's baseline, without it:
 *
 *   each message    written as the sending node writes it: queued (INSERT of a 4 KB sealed
 *                   message), leased by a claim (UPDATE ... RETURNING of up to 32), delivered
 *                   (UPDATE with the receipt); 32 at a time, one claim for each 32
 *   maintenance     every 2,048 messages, the tables then due (listMaintenanceDue) each maintained
 *                   in turn (maintainTable): the work the node does at its quiet moments
 *
 * Figures: time per message over the last 2,048 messages; the outbox on disk at the end (table,
 * its TOAST table and its indexes); the longest single table's maintenance (the pause a request
 * arriving then would wait) and all of it; the transaction IDs a message uses (on PGlite, only the
 * node's VACUUM freezes them before PostgreSQL's limit of about two billion).
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { type DatabaseHandle, openDatabase } from '../src/storage/database.ts';
import {
  listMaintenanceDue,
  maintainTable,
  transactionIdAge,
} from '../src/storage/maintenance.repository.ts';
import { migrateToLatest } from '../src/storage/migrate.ts';
import { claimDueMessages, insertOutboxMessage, recordDelivered } from '../src/storage/outbox.repository.ts';
import type { Figure } from './foundation.bench.ts';
import { formatMs } from './statistics.ts';

export const MAINTENANCE_METHOD =
  'PGlite in this process; each message queued (INSERT, 4 KB), leased by a claim of up to 32 and delivered ' +
  '(UPDATE), 32 at a time. Comity: every 2,048 messages the tables then due (autovacuum rules) are each ' +
  'vacuumed and/or analyzed in turn; baseline: the same messages without maintenance (as before it existed).';

const ROUND = 32;
const MAINTENANCE_EVERY = 2048;
const SEALED_MESSAGE = 'x'.repeat(4096);

type Outcome = Readonly<{
  lastMicrosPerMessage: number;
  outboxBytes: number;
  longestPauseMs: number;
  maintenanceMs: number;
  transactionIds: number;
}>;

async function sendMessages(handle: DatabaseHandle, count: number, isMaintained: boolean): Promise<Outcome> {
  const { db } = handle;
  const startAge = await transactionIdAge(db);
  let windowStart = performance.now();
  let lastMicrosPerMessage = 0;
  let longestPauseMs = 0;
  let maintenanceMs = 0;
  for (let sent = 0; sent < count; sent += ROUND) {
    const now = new Date();
    for (let index = 0; index < ROUND; index += 1) {
      await insertOutboxMessage(db, {
        id: randomUUID(),
        caseId: randomUUID(),
        peerNodeId: 'peer',
        type: 'request.submit',
        message: SEALED_MESSAGE,
        digest: 'digest',
        now,
      });
    }
    const claimed = await claimDueMessages(db, {
      now: new Date(),
      leaseUntil: new Date(Date.now() + 60_000),
      limit: ROUND,
      excludedPeers: [],
      trialPeers: [],
    });
    for (const message of claimed) {
      await recordDelivered(db, message.id, {
        receipt: 'receipt',
        receiptReceivedAt: new Date(),
        now: new Date(),
        statusCode: 202,
      });
    }
    if ((sent + ROUND) % MAINTENANCE_EVERY === 0) {
      lastMicrosPerMessage = ((performance.now() - windowStart) / MAINTENANCE_EVERY) * 1000;
      if (isMaintained) {
        for (const work of await listMaintenanceDue(db)) {
          const start = performance.now();
          await maintainTable(db, work);
          const ms = performance.now() - start;
          longestPauseMs = Math.max(longestPauseMs, ms);
          maintenanceMs += ms;
        }
      }
      windowStart = performance.now();
    }
  }
  const size = await sql<{
    bytes: string;
  }>`select pg_total_relation_size('outbox_messages') as bytes`.execute(db);
  return {
    lastMicrosPerMessage,
    outboxBytes: Number(size.rows[0]?.bytes ?? 0),
    longestPauseMs,
    maintenanceMs,
    transactionIds: (await transactionIdAge(db)) - startAge,
  };
}

async function run(count: number, isMaintained: boolean): Promise<Outcome> {
  const handle = await openDatabase({ kind: 'pglite', directory: 'memory://' });
  try {
    await migrateToLatest(handle.db);
    return await sendMessages(handle, count, isMaintained);
  } finally {
    await handle.close();
  }
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

export async function runMaintenanceBenchmarks(options: {
  messages: number;
  log: (line: string) => void;
}): Promise<Figure[]> {
  const count = Math.ceil(options.messages / MAINTENANCE_EVERY) * MAINTENANCE_EVERY;
  options.log(`${count} messages without maintenance (baseline)`);
  const bare = await run(count, false);
  options.log(`${count} messages with the node's maintenance`);
  const maintained = await run(count, true);
  const ratio = (value: number, baseline: number) => `${(value / baseline).toFixed(2)}×`;
  return [
    {
      name: `time per message, last ${MAINTENANCE_EVERY.toLocaleString('en')} of ${count.toLocaleString('en')}`,
      value: `${Math.round(maintained.lastMicrosPerMessage)} µs`,
      baseline: `${Math.round(bare.lastMicrosPerMessage)} µs`,
      ratio: ratio(maintained.lastMicrosPerMessage, bare.lastMicrosPerMessage),
    },
    {
      name: 'outbox on disk (table, TOAST, indexes)',
      value: mib(maintained.outboxBytes),
      baseline: mib(bare.outboxBytes),
      ratio: ratio(maintained.outboxBytes, bare.outboxBytes),
    },
    {
      name: "longest table's maintenance (a pause)",
      value: formatMs(maintained.longestPauseMs),
      baseline: '–',
      ratio: '–',
    },
    {
      name: `all maintenance, per 1,000 messages`,
      value: formatMs((maintained.maintenanceMs / count) * 1000),
      baseline: '–',
      ratio: '–',
    },
    {
      name: 'transaction IDs used per message (what freezing must keep up with)',
      value: (maintained.transactionIds / count).toFixed(2),
      baseline: (bare.transactionIds / count).toFixed(2),
      ratio: ratio(maintained.transactionIds, bare.transactionIds),
    },
  ];
}
