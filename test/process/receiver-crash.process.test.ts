/**
 * Process test: the receiving node is killed with SIGKILL in the middle of a burst of 500 requests
 * from FR to DE, then started again on the same data. Every request must be processed exactly once
 * at DE (500 incoming requests, none twice for one sender's request id, 500 inbox messages) and
 * every receipt recorded at FR.
 *
 * The burst goes through the API: 500 complete drafts are created first, then sent with
 * POST /api/v1/requests/{id}/send by 8 concurrent clients. DE is killed once 150 sends were
 * accepted and the first request was delivered, so messages are in flight when it dies.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  countReceived,
  delay,
  draftMany,
  type Federation,
  readOutbox,
  sendBurstUnderWay,
  startFederation,
  waitUntilAllDelivered,
  withNodeDatabase,
} from '../helpers/node-process.ts';

const BURST = 500;

describe('kill -9 of the receiver mid-burst', { timeout: 180_000 }, () => {
  let federation: Federation;

  before(async () => {
    federation = await startFederation({ states: ['FR', 'DE'], shouldKeepLogs: false });
  });
  after(async () => {
    await federation?.stop();
  });

  it('processes each of 500 messages exactly once at the receiver and records every receipt', async () => {
    const fr = federation.node('FR');
    const de = federation.node('DE');
    const officer = await fr.userClient('officer');
    const ids = await draftMany(officer, 'FR', 'DE', BURST);

    const { burst, sentSoFar } = await sendBurstUnderWay(officer, ids);
    await de.process.kill();
    const sentAtKill = sentSoFar();
    const result = await burst;
    assert.equal(
      result.failed.size,
      0,
      `sends failed: ${[...result.failed.values()].slice(0, 3).join('; ')}`,
    );
    assert.ok(sentAtKill < BURST, 'the receiver died before the burst ended');

    await delay(2000);
    await de.process.start();
    await waitUntilAllDelivered(officer, ids, 120_000);

    const received = await withNodeDatabase(de.process, (db) => countReceived(db, 'fr-poc'));
    assert.deepEqual(received.duplicates, []);
    assert.equal(received.incomingRequests, BURST);
    assert.equal(received.distinctRemoteRequests, BURST);
    assert.equal(received.inboxMessages, BURST);

    const outbox = await withNodeDatabase(fr.process, (db) => readOutbox(db, 'de-poc'));
    assert.equal(outbox.length, BURST);
    assert.equal(outbox.filter((row) => row.status === 'delivered' && row.hasReceipt).length, BURST);
    assert.deepEqual(new Set(outbox.map((row) => row.caseId)), new Set(ids));
  });
});
