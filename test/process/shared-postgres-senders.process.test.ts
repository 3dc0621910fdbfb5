/**
 * Process test: three processes of FR's node share one PostgreSQL database (and one identity) and
 * all deliver FR's outbox to DE at the same time. Every message must be delivered exactly once:
 * claimed by one process at a time (FOR UPDATE SKIP LOCKED and a lease), processed once at DE.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { apiClient } from '../../src/demo/node-api.ts';
import {
  countReceived,
  createNodeProcess,
  draftMany,
  type Federation,
  type NodeProcess,
  POSTGRES_SKIP,
  readOutbox,
  sendMany,
  approveAtWith,
  startFederation,
  waitUntilAllDelivered,
  withNodeDatabase,
} from '../helpers/node-process.ts';

const MESSAGES = 500;

describe('several sender processes on one PostgreSQL', { timeout: 180_000, skip: POSTGRES_SKIP }, () => {
  let federation: Federation;
  const extraSenders: NodeProcess[] = [];

  before(async () => {
    federation = await startFederation({ states: ['FR', 'DE'], database: 'postgres', shouldKeepLogs: false });
    const fr = federation.node('FR').process;
    for (const index of [2, 3]) {
      const extra = createNodeProcess({
        name: `fr-poc-${index}`,
        dataDirectory: fr.dataDirectory,
        databaseUrl: fr.env.DATABASE_URL!,
        env: { COMITY_DIRECTORY_REFRESH_SECONDS: '1', COMITY_DELIVERY_POLL_MS: '200' },
      });
      extraSenders.push(extra);
    }
    await Promise.all(extraSenders.map((extra) => extra.start()));
    // Another process on FR's database approves as FR's supervisor, with the supervisor's token.
    const frNode = federation.node('FR');
    for (const extra of extraSenders) {
      approveAtWith(extra.url, async () =>
        apiClient(extra.url, (await frNode.userClient('supervisor')).credentials),
      );
    }
  });
  after(async () => {
    await Promise.all(extraSenders.map((extra) => extra.stop()));
    await federation?.stop();
  });

  it('delivers each message once when three processes deliver the same outbox', async () => {
    const fr = federation.node('FR');
    const de = federation.node('DE');
    const officer = await fr.userClient('officer');
    const ids = await draftMany(officer, 'FR', 'DE', MESSAGES);

    // Sends are spread over the three processes, so each one's worker is woken with new messages.
    const urls = [fr.url, ...extraSenders.map((extra) => extra.url)];
    const token = officer.credentials;
    const batches = urls.map((url, index) => ({
      client: apiClient(url, token),
      ids: ids.filter((_, position) => position % urls.length === index),
    }));
    const results = await Promise.all(
      batches.map((batch) => sendMany(batch.client, batch.ids, { concurrency: 4 })),
    );
    for (const result of results) assert.equal(result.failed.size, 0, [...result.failed.values()].join('; '));

    await waitUntilAllDelivered(officer, ids, 120_000);

    const received = await withNodeDatabase(de.process, (db) => countReceived(db, 'fr-poc'));
    assert.deepEqual(received.duplicates, []);
    assert.equal(received.incomingRequests, MESSAGES);
    assert.equal(received.inboxMessages, MESSAGES);

    const outbox = await withNodeDatabase(fr.process, (db) => readOutbox(db, 'de-poc'));
    assert.equal(outbox.length, MESSAGES);
    assert.equal(outbox.filter((row) => row.status === 'delivered' && row.hasReceipt).length, MESSAGES);
    const attempts = outbox.reduce((sum, row) => sum + row.attempts, 0);
    assert.equal(attempts, MESSAGES, 'each message was posted once, by one process');
  });
});
