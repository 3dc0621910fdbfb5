/**
 * Live updates over real HTTP (Server-Sent Events, GET /api/v1/live) between two nodes in one
 * process: a request FR sends appears on the open stream of DE's duty officer as it arrives; the
 * acknowledgement DE's duty officer makes appears on FR's officer's stream when it is delivered;
 * a person who may not read a request hears nothing about it; a stream needs a signed-in person.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { preservationDraft } from '../../src/demo/demo-drafts.ts';
import type { DeliveryWorker } from '../../src/federation/delivery/delivery-worker.ts';
import { type ActingAs, asRole } from '../helpers/auth.ts';
import { DATABASE_TARGETS } from '../helpers/database.ts';
import { openEventStream } from '../../src/demo/live-stream.ts';
import { type FederatedNode, type NodePair, startNodePair } from './delivery-fixture.ts';

type Update = { kind: string; requestId: string; status?: string; transition?: string; at: string };

for (const target of DATABASE_TARGETS) {
  describe(`live updates [${target.name}]`, { skip: target.skip }, () => {
    let pair: NodePair;
    let fr: FederatedNode;
    let de: FederatedNode;
    let frUrl: string;
    let deUrl: string;
    let deWorker: DeliveryWorker;

    before(async () => {
      pair = await startNodePair(target, { requesting: ['fr-live', 'FR'], requested: ['de-live', 'DE'] });
      ({ requesting: fr, requested: de, requestingUrl: frUrl, requestedUrl: deUrl } = pair);
      deWorker = pair.requestedWorker;
    });

    after(async () => {
      await pair?.close();
    });

    it('an arrival reaches the duty officer, the acknowledgement reaches the requesting officer, and nobody else', async () => {
      const officer: ActingAs = await asRole(fr, 'officer');
      const duty: ActingAs = await asRole(de, 'duty-officer');
      const bystander: ActingAs = await asRole(de, 'officer');
      const atFr = await openEventStream(`${frUrl}/api/v1/live`, officer.headers);
      const atDe = await openEventStream(`${deUrl}/api/v1/live`, duty.headers);
      const elsewhere = await openEventStream(`${deUrl}/api/v1/live`, bystander.headers);
      try {
        const { requestingId: frId } = await pair.deliverRequest(
          officer,
          duty,
          preservationDraft('FR', 'DE', 1),
        );
        const arrived = (await atDe.next((event) => event.name === 'request-arrived')).data as Update;
        const delivered = (await atFr.next((event) => (event.data as Update).requestId === frId))
          .data as Update;
        assert.equal(delivered.kind, 'case-changed');

        const acknowledged = await de.app.inject({
          method: 'POST',
          url: `/api/v1/requests/${arrived.requestId}/transitions`,
          headers: duty.headers,
          payload: { name: 'acknowledge', payload: {} },
        });
        assert.equal(acknowledged.statusCode, 200, acknowledged.body);
        const madeAtDe = (await atDe.next((event) => (event.data as Update).transition === 'acknowledge'))
          .data as Update;
        assert.deepEqual(
          { kind: madeAtDe.kind, requestId: madeAtDe.requestId, status: madeAtDe.status },
          { kind: 'case-changed', requestId: arrived.requestId, status: 'acknowledged' },
        );
        assert.equal((await deWorker.runOnce()).delivered, 1);
        const heardAtFr = (await atFr.next((event) => (event.data as Update).transition === 'acknowledge'))
          .data as Update;
        assert.deepEqual(
          { kind: heardAtFr.kind, requestId: heardAtFr.requestId, status: heardAtFr.status },
          { kind: 'case-changed', requestId: frId, status: 'acknowledged' },
        );
      } finally {
        await atFr.close();
        await atDe.close();
        await elsewhere.close();
      }
      // An officer of DE may not read incoming requests: the stream said nothing about them.
      assert.deepEqual(elsewhere.events, []);
    });

    it('a stream needs a signed-in person', async () => {
      const response = await fetch(`${deUrl}/api/v1/live`);
      assert.equal(response.status, 401);
      assert.match(String(response.headers.get('content-type')), /application\/problem\+json/);
    });
  });
}
