import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import { sql } from 'kysely';
import { createUuidV7 } from '../../src/federation/protocol/uuid-v7.ts';
import type { DatabaseHandle } from '../../src/storage/database.ts';
import { openDatabase } from '../../src/storage/database.ts';
import {
  cancelMessage,
  claimDueMessages,
  findOutboxMessage,
  insertOutboxMessage,
  recordAttemptFailure,
  recordDelivered,
  requeueMessage,
  summarizeQueuesByPeer,
} from '../../src/storage/outbox.repository.ts';
import { DATABASE_TARGETS } from '../helpers/database.ts';

const T0 = new Date('2026-11-28T12:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const LEASE = at(60_000);

for (const target of DATABASE_TARGETS) {
  describe(`outbox claiming [${target.name}]`, { skip: target.skip }, () => {
    let handle: DatabaseHandle;
    before(async () => {
      handle = await target.open();
    });
    after(async () => handle?.close());
    beforeEach(async () => {
      await sql`delete from outbox_messages`.execute(handle.db);
    });

    async function queue(caseId: string, peer = 'de-247', now = T0): Promise<string> {
      const id = createUuidV7();
      await insertOutboxMessage(handle.db, {
        id,
        caseId,
        peerNodeId: peer,
        type: 'ping',
        message: `jws-${id}`,
        digest: `digest-${id}`,
        now,
      });
      return id;
    }

    const claim = (overrides: Partial<Parameters<typeof claimDueMessages>[1]> = {}) =>
      claimDueMessages(handle.db, {
        now: T0,
        leaseUntil: LEASE,
        limit: 10,
        excludedPeers: [],
        trialPeers: [],
        ...overrides,
      });

    it('claims only the oldest undelivered message of each case, oldest first', async () => {
      const a1 = await queue('case-a');
      const b1 = await queue('case-b');
      await queue('case-a');
      const claimed = await claim();
      assert.deepEqual(
        claimed.map((message) => message.id),
        [a1, b1],
      );
    });

    it('does not claim a leased message again until its lease expires', async () => {
      const a1 = await queue('case-a');
      assert.equal((await claim()).length, 1);
      assert.equal((await claim({ now: at(59_999) })).length, 0);
      const reclaimed = await claim({ now: at(60_000), leaseUntil: at(120_000) });
      assert.deepEqual(
        reclaimed.map((message) => message.id),
        [a1],
      );
    });

    it('a failed message blocks the later messages of its case until retried or cancelled', async () => {
      const a1 = await queue('case-a');
      const a2 = await queue('case-a');
      await claim();
      assert.equal(
        await recordAttemptFailure(handle.db, a1, {
          now: T0,
          nextAttemptAt: null,
          statusCode: 403,
          error: 'x',
        }),
        true,
      );
      assert.equal((await findOutboxMessage(handle.db, a1))?.status, 'failed');
      assert.equal((await claim()).length, 0);
      assert.equal(await cancelMessage(handle.db, a1), true);
      assert.deepEqual(
        (await claim()).map((message) => message.id),
        [a2],
      );
    });

    it('a transient failure schedules the message and releases the lease', async () => {
      const a1 = await queue('case-a');
      await claim();
      await recordAttemptFailure(handle.db, a1, {
        now: T0,
        nextAttemptAt: at(5000),
        statusCode: null,
        error: 'refused',
      });
      const stored = await findOutboxMessage(handle.db, a1);
      assert.equal(stored?.status, 'pending');
      assert.equal(stored?.attempts, 1);
      assert.equal(stored?.claimedUntil, null);
      assert.equal(stored?.nextAttemptAt.toISOString(), at(5000).toISOString());
      assert.equal((await claim({ now: at(4999) })).length, 0);
      assert.equal((await claim({ now: at(5000) })).length, 1);
    });

    it('skips peers whose circuit is open and lets one trial through to a half-open peer', async () => {
      await queue('case-a', 'de-247');
      await queue('case-b', 'de-247');
      await queue('case-c', 'it-ca');
      await queue('case-d', 'es-ca');
      const claimed = await claim({ excludedPeers: ['it-ca'], trialPeers: ['de-247'] });
      assert.deepEqual(claimed.map((message) => message.caseId).sort(), ['case-a', 'case-d']);
    });

    it('retry makes a failed message due now; delivered and cancelled ones cannot be retried or cancelled', async () => {
      const a1 = await queue('case-a');
      await claim();
      await recordAttemptFailure(handle.db, a1, {
        now: T0,
        nextAttemptAt: null,
        statusCode: 403,
        error: 'x',
      });
      assert.equal(await requeueMessage(handle.db, a1, at(1000)), true);
      assert.equal((await findOutboxMessage(handle.db, a1))?.status, 'pending');
      await claim({ now: at(1000) });
      await recordDelivered(handle.db, a1, {
        receipt: 'r',
        receiptReceivedAt: at(1000),
        now: at(1000),
        statusCode: 200,
      });
      assert.equal(await requeueMessage(handle.db, a1, at(2000)), false);
      assert.equal(await cancelMessage(handle.db, a1), false);
      assert.equal(await requeueMessage(handle.db, randomUUID(), at(2000)), false);
      const [summary] = await summarizeQueuesByPeer(handle.db);
      assert.equal(summary?.delivered, 1);
      assert.equal(summary?.lastDeliveredAt?.toISOString(), at(1000).toISOString());
    });

    it('a failure recorded after a cancellation leaves the message cancelled', async () => {
      const a1 = await queue('case-a');
      await claim();
      await cancelMessage(handle.db, a1);
      assert.equal(
        await recordAttemptFailure(handle.db, a1, {
          now: T0,
          nextAttemptAt: at(1),
          statusCode: null,
          error: 'x',
        }),
        false,
      );
      assert.equal((await findOutboxMessage(handle.db, a1))?.status, 'cancelled');
    });

    it('concurrent claimers never get the same message', async () => {
      for (let index = 0; index < 40; index += 1) await queue(`case-${index}`);
      const claimers = target.name === 'postgres' ? await openSecondConnections(handle, 3) : [];
      try {
        const dbs = [handle.db, ...claimers.map((other) => other.db)];
        const results = await Promise.all(
          Array.from({ length: 8 }, (_, index) =>
            claimDueMessages(dbs[index % dbs.length]!, {
              now: T0,
              leaseUntil: LEASE,
              limit: 7,
              excludedPeers: [],
              trialPeers: [],
            }),
          ),
        );
        const ids = results.flat().map((message) => message.id);
        assert.equal(new Set(ids).size, ids.length);
        assert.equal(ids.length, 40);
      } finally {
        for (const other of claimers) await other.close();
      }
    });
  });
}

/** More connection pools to the same PostgreSQL database (as other node processes would have). */
async function openSecondConnections(handle: DatabaseHandle, count: number): Promise<DatabaseHandle[]> {
  const row = await sql<{ name: string }>`select current_database() as name`.execute(handle.db);
  const url = new URL(process.env.COMITY_TEST_POSTGRES_URL!);
  url.pathname = `/${row.rows[0]!.name}`;
  return Promise.all(
    Array.from({ length: count }, () => openDatabase({ kind: 'postgres', url: url.toString() })),
  );
}
