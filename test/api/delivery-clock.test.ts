/**
 * The sender's clock ran ahead, then was corrected (injected clocks, two nodes over loopback HTTP):
 * a message signed meanwhile carries a createdAt in the future and is signed again at its next
 * attempt, and a retry scheduled meanwhile is made due by the current clock instead of waiting
 * for the wrong one.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createDeliveryWorker } from '../../src/federation/delivery/delivery-worker.ts';
import { pingMessage } from '../../src/federation/messages/ping.message.ts';
import { sealForPeer } from '../../src/federation/messages/seal-for-peer.ts';
import { findInboxMessage } from '../../src/storage/inbox.repository.ts';
import { findOutboxMessage, insertOutboxMessage } from '../../src/storage/outbox.repository.ts';
import { DATABASE_TARGETS } from '../helpers/database.ts';
import {
  closedPort,
  createClock,
  createStaticDirectory,
  type FederatedNode,
  planNode,
  type StaticDirectory,
  startFederatedNode,
  type TestClock,
} from './delivery-fixture.ts';

const HOUR_MS = 60 * 60 * 1000;
const YEAR_MS = 365 * 24 * HOUR_MS;

for (const target of DATABASE_TARGETS) {
  describe(`delivery after the sender's clock ran ahead [${target.name}]`, { skip: target.skip }, () => {
    const start = Date.parse('2026-12-01T09:00:00.000Z');
    const senderClock = createClock(start);
    const receiverClock = createClock(start);
    let directory: StaticDirectory;
    let sender: FederatedNode;
    let receiver: FederatedNode;
    let receiverUrl: string;

    before(async () => {
      const fr = await planNode('fr-ca', 'FR', 'central-authority');
      const de = await planNode('de-247', 'DE');
      directory = createStaticDirectory([fr, de], receiverClock.now);
      sender = await startFederatedNode(target, { plan: fr, directory, clock: senderClock });
      receiver = await startFederatedNode(target, { plan: de, directory, clock: receiverClock });
      receiverUrl = await receiver.app.listen({ port: 0, host: '127.0.0.1' });
      directory.setEndpoint('de-247', receiverUrl);
    });
    after(async () => {
      await sender?.close();
      await receiver?.close();
    });

    /** A ping sealed by the sender at `clock`'s time, queued (due) at `queuedAt`. */
    async function queuePing(caseId: string, clock: TestClock, queuedAt = clock.now()): Promise<string> {
      const runtime = sender.runtime;
      assert.ok(runtime);
      const to = runtime.directory.findNode('de-247');
      assert.ok(to);
      const sealed = await sealForPeer(runtime, pingMessage, { to, caseId, body: {}, now: clock.now() });
      await insertOutboxMessage(sender.context.db, {
        ...sealed,
        caseId,
        peerNodeId: 'de-247',
        now: queuedAt,
      });
      return sealed.id;
    }

    it('signs again a message whose createdAt lies in the future beyond the skew', async () => {
      const runtime = sender.runtime;
      assert.ok(runtime);
      const ahead = createClock(start + HOUR_MS);
      // Signed an hour ahead, due now by the corrected clock.
      const id = await queuePing('case-future', ahead, senderClock.now());
      const worker = createDeliveryWorker(sender.context, runtime, { random: () => 0.5 });
      try {
        const report = await worker.runOnce();
        assert.deepEqual(report, { attempted: 1, delivered: 1, failed: 0, retrying: 0 });
      } finally {
        await worker.stop();
      }
      const delivered = await findOutboxMessage(sender.context.db, id);
      assert.equal(delivered?.status, 'delivered');
      assert.equal(delivered?.previousDigests.length, 1, 'signed again once');
      assert.ok(await findInboxMessage(receiver.context.db, id));
    });

    it('makes a retry scheduled by a clock that ran ahead due by the corrected clock', async () => {
      const runtime = sender.runtime;
      assert.ok(runtime);
      directory.setEndpoint('de-247', `http://127.0.0.1:${await closedPort()}`);
      senderClock.advance(YEAR_MS);
      const id = await queuePing('case-retry', senderClock);
      const worker = createDeliveryWorker(sender.context, runtime, { random: () => 0.5 });
      try {
        const failed = await worker.runOnce();
        assert.deepEqual(failed, { attempted: 1, delivered: 0, failed: 0, retrying: 1 });
        const scheduled = await findOutboxMessage(sender.context.db, id);
        assert.ok((scheduled?.nextAttemptAt.getTime() ?? 0) > start + YEAR_MS - HOUR_MS, 'a year ahead');

        // The clock is corrected and the peer is back.
        senderClock.advance(-YEAR_MS);
        directory.setEndpoint('de-247', receiverUrl);
        const resumed = await worker.runOnce();
        assert.deepEqual(resumed, { attempted: 1, delivered: 1, failed: 0, retrying: 0 });
      } finally {
        await worker.stop();
      }
      assert.equal((await findOutboxMessage(sender.context.db, id))?.status, 'delivered');
      assert.ok(await findInboxMessage(receiver.context.db, id));
    });
  });
}
