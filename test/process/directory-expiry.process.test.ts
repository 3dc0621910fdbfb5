/**
 * Process test: the secretariat is down long enough for the nodes' directory to expire (real node
 * processes; the secretariat publishes directories valid 20 s, COMITY_DIRECTORY_VALIDITY_SECONDS,
 * and the nodes refresh every second). FR queues two requests while DE is down, then the
 * secretariat stops. Once FR's health says the directory expired: a new send is refused with
 * 503 directory-expired and stays a draft, a message from DE is answered 503
 * federation-directory-expired, and the queued messages stay pending (tried again, waiting for a
 * fresh directory), none failed. The secretariat and DE come back: every queued message is
 * delivered exactly once with its receipt, without a manual retry, health is ok again and the
 * refused request goes at the next send.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readDelivery } from '../../src/demo/federation-api.ts';
import type { ApiClient } from '../../src/demo/node-api.ts';
import {
  countReceived,
  draftMany,
  type Federation,
  pingSealer,
  sendMany,
  startFederation,
  submitAndApprove,
  waitFor,
  waitUntilAllDelivered,
  withNodeDatabase,
} from '../helpers/node-process.ts';

type OutboxItem = { id: string; status: string; attempts: number; lastError: string | null };
type Health = { status: string; dependencies: { directory?: string }; problems: string[] };
type Problem = { type: string; status: number; detail: string };

const EXPIRED_ERROR = /the directory of nodes expired at /;

function readHealth(client: ApiClient): Promise<Health> {
  return client.expect<Health>('GET', '/api/v1/health');
}

describe('the directory expires while the secretariat is down', { timeout: 300_000 }, () => {
  let federation: Federation;

  before(async () => {
    federation = await startFederation({
      states: ['FR', 'DE'],
      shouldKeepLogs: false,
      env: { COMITY_DIRECTORY_VALIDITY_SECONDS: '20' },
    });
  });
  after(async () => {
    await federation?.stop();
  });

  it('keeps queued messages pending, refuses sends and incoming messages, and delivers everything once it is back', async () => {
    const fr = federation.node('FR');
    const de = federation.node('DE');
    const { secretariat } = federation;
    const officer = await fr.userClient('officer');
    const [first, second, refusedId] = await draftMany(officer, 'FR', 'DE', 3);
    assert.ok(first && second && refusedId);
    const queuedIds = [first, second];
    const outbox = () =>
      fr.admin
        .expect<{ items: OutboxItem[] }>('GET', '/api/v1/outbox?peer=de-poc&limit=100')
        .then((answer) => answer.items);

    // Queued while the directory is valid and DE is down.
    await de.process.stop();
    const sent = await sendMany(officer, queuedIds, { concurrency: 1 });
    assert.equal(sent.failed.size, 0, [...sent.failed.values()].join('; '));
    await secretariat.stop();

    const expired = await waitFor(
      "FR's health to report the expired directory",
      async () => {
        const health = await readHealth(fr.admin);
        return health.dependencies.directory === 'expired' ? health : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    assert.equal(expired.status, 'degraded');
    assert.ok(
      expired.problems.some((problem) => /directory expired since /.test(problem)),
      expired.problems.join('; '),
    );

    // A new send is refused at its submission, and the request stays a draft.
    const refused = await officer.call<Problem>('POST', `/api/v1/requests/${refusedId}/submit`);
    assert.equal(refused.status, 503, refused.text);
    assert.equal(refused.body.type, 'urn:comity:problem:directory-expired');
    const reread = await officer.expect<{ request: { status: string } }>(
      'GET',
      `/api/v1/requests/${refusedId}`,
    );
    assert.equal(reread.request.status, 'draft');

    // A message from DE cannot be checked: a transient refusal, which DE would retry.
    const sealFromDe = await pingSealer(de.process, fr.process);
    const incoming = await sealFromDe('expiry-case', new Date());
    const answer = await fetch(`${fr.url}/federation/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/jose' },
      body: incoming.message,
    });
    const problem = (await answer.json()) as Problem;
    assert.equal(answer.status, 503, JSON.stringify(problem));
    assert.equal(problem.type, 'urn:comity:problem:federation-directory-expired');

    // FR tries the queued messages again meanwhile: they wait for a fresh directory, pending.
    const waiting = await waitFor(
      'FR to try the queued messages with its expired directory',
      async () => {
        const items = await outbox();
        return items.length === 2 && items.every((item) => EXPIRED_ERROR.test(item.lastError ?? ''))
          ? items
          : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 500 },
    );
    assert.deepEqual(
      waiting.map((item) => item.status),
      ['pending', 'pending'],
    );

    await secretariat.start();
    await de.process.start();
    await waitUntilAllDelivered(officer, queuedIds, 150_000);
    await waitFor(
      "FR's health to be ok again",
      async () => ((await readHealth(fr.admin)).status === 'ok' ? true : undefined),
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    const health = await readHealth(fr.admin);
    assert.equal(health.dependencies.directory, 'available');
    assert.deepEqual(health.problems, []);

    // The refused request goes at the next send, now that the directory is fresh.
    await submitAndApprove(officer, refusedId);
    const allIds = [...queuedIds, refusedId];
    await waitUntilAllDelivered(officer, allIds, 60_000);
    for (const id of allIds) {
      const delivery = await readDelivery(officer, id);
      assert.equal(delivery.state, 'delivered');
      assert.ok(delivery.receipt, `request ${id} has its receipt`);
    }
    const items = await outbox();
    assert.equal(items.length, 3, 'one message per sent request, none for the refused send');
    assert.deepEqual(
      items.map((item) => item.status),
      ['delivered', 'delivered', 'delivered'],
    );

    const received = await withNodeDatabase(de.process, (db) => countReceived(db, 'fr-poc'));
    assert.equal(received.incomingRequests, 3);
    assert.equal(received.distinctRemoteRequests, 3);
    assert.deepEqual(received.duplicates, []);
  });
});
