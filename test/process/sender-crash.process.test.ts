/**
 * Process test: the sending node is killed with SIGKILL in the middle of a burst of 500 requests
 * from FR to DE, then started again on the same data. Sends that were cut off are sent again
 * (a request already sent is refused, so nothing goes twice). Every request must be processed
 * exactly once at DE and every receipt recorded at FR.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  countReceived,
  draftMany,
  type Federation,
  readOutbox,
  sendBurstUnderWay,
  startFederation,
  supervisorFor,
  waitUntilAllDelivered,
  withNodeDatabase,
} from '../helpers/node-process.ts';

const BURST = 500;

describe('kill -9 of the sender mid-burst', { timeout: 180_000 }, () => {
  let federation: Federation;

  before(async () => {
    federation = await startFederation({ states: ['FR', 'DE'], shouldKeepLogs: false });
  });
  after(async () => {
    await federation?.stop();
  });

  it('delivers each of 500 messages exactly once after the sender restarts', async () => {
    const fr = federation.node('FR');
    const de = federation.node('DE');
    const officer = await fr.userClient('officer');
    const ids = await draftMany(officer, 'FR', 'DE', BURST);

    const { burst } = await sendBurstUnderWay(officer, ids);
    await fr.process.kill();
    const result = await burst;
    assert.ok(result.failed.size > 0, 'some sends were cut off by the kill');

    await fr.process.start();
    // A send cut off by the kill either committed (the request is sent: a second approval is
    // refused) or did not (it is still a draft, or awaiting approval: submitting and approving
    // it again sends it). Either way it goes once.
    const supervisor = await supervisorFor(officer);
    for (const id of result.failed.keys()) {
      const submitted = await officer.call('POST', `/api/v1/requests/${id}/submit`);
      assert.ok(
        (submitted.status >= 200 && submitted.status < 300) || submitted.status === 409,
        `re-submission of ${id} answered ${submitted.status}: ${submitted.text}`,
      );
      const approved = await supervisor.call('POST', `/api/v1/requests/${id}/approve`, {});
      assert.ok(
        (approved.status >= 200 && approved.status < 300) || approved.status === 409,
        `re-approval of ${id} answered ${approved.status}: ${approved.text}`,
      );
    }
    await waitUntilAllDelivered(officer, ids, 120_000);
    // A request sent twice would have been refused above; approving one more time is refused too.
    const again = await supervisor.call('POST', `/api/v1/requests/${ids[0]}/approve`, {});
    assert.equal(again.status, 409, again.text);

    const received = await withNodeDatabase(de.process, (db) => countReceived(db, 'fr-poc'));
    assert.deepEqual(received.duplicates, []);
    assert.equal(received.incomingRequests, BURST);
    assert.equal(received.distinctRemoteRequests, BURST);
    assert.equal(received.inboxMessages, BURST);

    const outbox = await withNodeDatabase(fr.process, (db) => readOutbox(db, 'de-poc'));
    assert.equal(outbox.length, BURST, 'one outbox message per request, none twice');
    assert.equal(outbox.filter((row) => row.status === 'delivered' && row.hasReceipt).length, BURST);
  });
});
