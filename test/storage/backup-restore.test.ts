import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { createUuidV7 } from '../../src/federation/protocol/uuid-v7.ts';
import type { DatabaseHandle } from '../../src/storage/database.ts';
import { dumpDatabase, restoreDatabase } from '../../src/storage/database-dump.ts';
import { insertInboxMessageWithEffect } from '../../src/storage/inbox.repository.ts';
import {
  findOutboxMessage,
  insertOutboxMessage,
  recordDeliveries,
} from '../../src/storage/outbox.repository.ts';
import { findRestoration } from '../../src/storage/restoration.repository.ts';
import { DATABASE_TARGETS } from '../helpers/database.ts';

const T0 = new Date('2026-11-28T12:00:00.000Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

for (const target of DATABASE_TARGETS) {
  describe(`backup dump and re-delivery [${target.name}]`, { skip: target.skip }, () => {
    let source: DatabaseHandle;
    before(async () => {
      source = await target.open();
    });
    after(async () => source?.close());

    async function deliveredMessage(peer: string, deliveredAt: Date): Promise<string> {
      const id = createUuidV7();
      await insertOutboxMessage(source.db, {
        id,
        caseId: `case-${id}`,
        peerNodeId: peer,
        type: 'ping',
        message: `jws-${id}`,
        digest: `digest-${id}`,
        now: deliveredAt,
      });
      await recordDeliveries(source.db, [
        {
          id,
          receipt: `first-receipt-${id}`,
          receiptReceivedAt: deliveredAt,
          now: deliveredAt,
          statusCode: 200,
        },
      ]);
      return id;
    }

    it('restores every row into a new database, sequences continuing, and marks it restored', async () => {
      await deliveredMessage('de-247', at(0));
      await deliveredMessage('de-247', at(1));
      const dump = await dumpDatabase(source.db);
      const copy = await target.open();
      try {
        await restoreDatabase(copy.db, dump, { restoredAt: at(10), backupCreatedAt: at(5).toISOString() });
        const restored = await dumpDatabase(copy.db);
        const { node_settings: _, ...restoredTables } = restored.tables;
        const { node_settings: __, ...sourceTables } = dump.tables;
        assert.deepEqual(restoredTables, sourceTables);
        assert.deepEqual(await findRestoration(copy.db), {
          restoredAt: at(10).toISOString(),
          backupCreatedAt: at(5).toISOString(),
          isResyncPending: true,
        });
        const { rows } = await sql<{ sequence: number }>`
          insert into outbox_messages (id, case_id, peer_node_id, type, message, digest, status, next_attempt_at, created_at)
          values (${createUuidV7()}, 'c', 'de-247', 'ping', 'm', 'd', 'pending', now(), now()) returning sequence`.execute(
          copy.db,
        );
        const { rows: max } = await sql<{
          max: number;
        }>`select max(sequence)::int as max from outbox_messages where status = 'delivered'`.execute(copy.db);
        assert.ok(Number(rows[0]?.sequence) > Number(max[0]?.max));
      } finally {
        await copy.close();
      }
    });

    it('a re-delivery request makes pending again what was delivered to that peer since the point, within retention; the first receipts stay', async () => {
      await sql`delete from outbox_messages`.execute(source.db);
      const tooOld = await deliveredMessage('de-247', at(-60 * 24 * 40));
      const before = await deliveredMessage('de-247', at(0));
      const since1 = await deliveredMessage('de-247', at(30));
      const since2 = await deliveredMessage('de-247', at(31));
      const otherPeer = await deliveredMessage('it-247', at(32));
      const requestId = createUuidV7();
      const isProcessed = await insertInboxMessageWithEffect(
        source.db,
        {
          id: requestId,
          fromNodeId: 'de-247',
          type: 'sync.redeliver-request',
          caseId: 'sync:fr-ca',
          digest: 'd',
          message: 'm',
          receipt: 'r',
          receivedAt: at(40),
        },
        {
          kind: 'redelivery-requested',
          redelivery: { peerNodeId: 'de-247', deliveredSince: at(20), requestedAt: at(40) },
        },
        { redeliveryNotBefore: at(-60 * 24 * 30) },
      );
      assert.equal(isProcessed, true);
      const statusOf = async (id: string) => (await findOutboxMessage(source.db, id))?.status;
      assert.deepEqual(await Promise.all([tooOld, before, since1, since2, otherPeer].map(statusOf)), [
        'delivered',
        'delivered',
        'pending',
        'pending',
        'delivered',
      ]);
      await recordDeliveries(source.db, [
        { id: since1, receipt: 'second-receipt', receiptReceivedAt: at(41), now: at(41), statusCode: 200 },
      ]);
      const redelivered = await findOutboxMessage(source.db, since1);
      assert.equal(redelivered?.status, 'delivered');
      assert.equal(redelivered?.receipt, `first-receipt-${since1}`);
      assert.deepEqual(redelivered?.deliveredAt, at(30));
    });
  });
}
