/**
 * Process test: the receiving node is down for a while. FR queues 20 messages in two cases (ten
 * each, interleaved) and sends 4 requests through the API while DE is stopped; its attempts fail
 * and back off. DE starts again a few seconds later: everything is delivered once it is back, and
 * within each case in the order it was queued (DE received message n+1 only after FR had stored
 * the receipt of message n).
 *
 * The 20 messages use the bulk internal path of test/helpers/node-process.ts (enqueuePings): the
 * API sends one message per request, so it cannot put several messages in one case yet.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  delay,
  draftMany,
  enqueuePings,
  type Federation,
  readInbox,
  readReceiptTimes,
  sendMany,
  startFederation,
  waitFor,
  withNodeDatabase,
} from '../helpers/node-process.ts';

type OutboxItem = { id: string; status: string; attempts: number };

describe('receiver down for a while', { timeout: 180_000 }, () => {
  let federation: Federation;

  before(async () => {
    federation = await startFederation({ states: ['FR', 'DE'], shouldKeepLogs: false });
  });
  after(async () => {
    await federation?.stop();
  });

  it('delivers everything after the receiver returns, in order within each case', async () => {
    const fr = federation.node('FR');
    const de = federation.node('DE');
    const officer = await fr.userClient('officer');
    const requestIds = await draftMany(officer, 'FR', 'DE', 4);

    await de.process.stop();
    const stoppedAt = Date.now();
    const cases = Array.from({ length: 20 }, (_, index) =>
      index % 2 === 0 ? 'outage-case-a' : 'outage-case-b',
    );
    const queued = await enqueuePings(fr.process, de.process, cases);
    await fr.process.start();
    const sent = await sendMany(officer, requestIds, { concurrency: 2 });
    assert.equal(sent.failed.size, 0, [...sent.failed.values()].join('; '));

    const outbox = () =>
      fr.admin
        .expect<{ items: OutboxItem[] }>('GET', '/api/v1/outbox?peer=de-poc&limit=1000')
        .then((answer) => answer.items);
    await waitFor(
      'FR to try and fail while DE is down',
      async () =>
        (await outbox()).some((item) => item.status === 'pending' && item.attempts > 0) ? true : undefined,
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    await delay(Math.max(0, 4000 - (Date.now() - stoppedAt)));
    assert.equal(
      (await outbox()).filter((item) => item.status === 'delivered').length,
      0,
      'nothing delivered while DE is down',
    );

    await de.process.start();
    const restartedAt = Date.now();
    await waitFor(
      'all 24 messages delivered after DE returned',
      async () => {
        const items = await outbox();
        return items.length === 24 && items.every((item) => item.status === 'delivered') ? true : undefined;
      },
      { timeoutMs: 100_000, intervalMs: 500 },
    );

    const inbox = await withNodeDatabase(de.process, (db) => readInbox(db, 'fr-poc'));
    const receipts = await withNodeDatabase(fr.process, (db) => readReceiptTimes(db, 'de-poc'));
    assert.equal(inbox.size, 24, 'every message processed once at DE');
    for (const caseId of ['outage-case-a', 'outage-case-b']) {
      const inCase = queued.filter((message) => message.caseId === caseId);
      assert.equal(inCase.length, 10);
      for (const [index, message] of inCase.entries()) {
        const received = inbox.get(message.id);
        assert.ok(received, `message ${index} of ${caseId} reached DE`);
        assert.equal(received.caseId, caseId);
        assert.ok(received.receivedAt >= restartedAt - 1000, 'received after DE returned');
        const next = inCase[index + 1];
        if (!next) continue;
        const receiptOfThis = receipts.get(message.id);
        const nextReceived = inbox.get(next.id);
        assert.ok(receiptOfThis !== undefined && nextReceived !== undefined);
        assert.ok(
          receiptOfThis <= nextReceived.receivedAt,
          `${caseId}: message ${index + 1} arrived before the receipt of message ${index} was stored`,
        );
      }
    }
  });
});
