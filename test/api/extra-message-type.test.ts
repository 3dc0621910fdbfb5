/**
 * A message type is one module: a type Comity does not ship (test/fixtures/witness-message.ts),
 * registered only in this test's registry, travels from one node to another over real loopback
 * HTTP (queue, deliver, receive, receipt) and its sender's hooks run, with no change anywhere else
 * in Comity. test/process/extra-message-type.process.test.ts does the same between node processes. A node whose registry lacks the
 * type refuses it for good (unsupported-message-type), and the sender's hook records the failure.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { preservationDraft } from '../../src/demo/demo-drafts.ts';
import { createDeliveryWorker } from '../../src/federation/delivery/delivery-worker.ts';
import { announcedAccepts } from '../../src/federation/messages/registry.ts';
import { countInboxMessages } from '../../src/storage/inbox.repository.ts';
import { findOutboxMessage } from '../../src/storage/outbox.repository.ts';
import { json } from '../helpers/app.ts';
import { asRole } from '../helpers/auth.ts';
import { DATABASE_TARGETS } from '../helpers/database.ts';
import { queueWitness as queueWitnessAt, registryWithWitness } from '../fixtures/witness-message.ts';
import {
  createClock,
  createStaticDirectory,
  type FederatedNode,
  planNode,
  startFederatedNode,
} from './delivery-fixture.ts';

type RequestAnswer = { request: { id: string; deliveryState: string | null; caseReference: string | null } };

for (const target of DATABASE_TARGETS) {
  describe(`a message type registered by a test only [${target.name}]`, { skip: target.skip }, () => {
    const clock = createClock();
    let sender: FederatedNode;
    let speaker: FederatedNode;
    let stranger: FederatedNode;

    before(async () => {
      const withWitness = announcedAccepts(registryWithWitness);
      const plans = {
        fr: await planNode('fr-ca', 'FR'),
        // Speaks the type and announces it.
        de: { ...(await planNode('de-247', 'DE')), accepts: withWitness },
        // Listed as reading it (a directory entry out of step with the node), but does not speak it.
        it: { ...(await planNode('it-247', 'IT')), accepts: withWitness },
        // Announces nothing: the v1 baseline, which does not include the type.
        pt: await planNode('pt-247', 'PT'),
      };
      const directory = createStaticDirectory([plans.fr, plans.de, plans.it, plans.pt], clock.now);
      sender = await startFederatedNode(target, {
        plan: plans.fr,
        directory,
        clock,
        messages: registryWithWitness,
      });
      speaker = await startFederatedNode(target, {
        plan: plans.de,
        directory,
        clock,
        messages: registryWithWitness,
      });
      stranger = await startFederatedNode(target, { plan: plans.it, directory, clock });
      directory.setEndpoint('de-247', await speaker.app.listen({ port: 0, host: '127.0.0.1' }));
      directory.setEndpoint('it-247', await stranger.app.listen({ port: 0, host: '127.0.0.1' }));
    });

    after(async () => {
      await sender?.close();
      await speaker?.close();
      await stranger?.close();
    });

    /** A draft at the sender (the case the message belongs to), and the witness message queued for `to`. */
    async function queueWitness(
      to: string,
      statement: string,
    ): Promise<{ caseId: string; messageId: string }> {
      const officer = await asRole(sender, 'officer');
      const drafted = await sender.app.inject({
        method: 'POST',
        url: '/api/v1/requests',
        headers: officer.headers,
        payload: preservationDraft('FR', 'DE'),
      });
      assert.equal(drafted.statusCode, 201, drafted.body);
      const caseId = json<RequestAnswer>(drafted).request.id;
      const messageId = await queueWitnessAt(sender.context.db, sender.runtime!, {
        to,
        caseId,
        now: clock.now(),
        body: { request: preservationDraft('FR', 'DE'), statement },
      });
      return { caseId, messageId };
    }

    async function deliveryStateOf(caseId: string): Promise<string | null> {
      const admin = await asRole(sender, 'supervisor');
      const read = await sender.app.inject({
        method: 'GET',
        url: `/api/v1/requests/${caseId}`,
        headers: admin.headers,
      });
      assert.equal(read.statusCode, 200, read.body);
      return json<RequestAnswer>(read).request.deliveryState;
    }

    it('is queued, delivered with a verified receipt, received once, and its sender hook runs', async () => {
      const { caseId, messageId } = await queueWitness('de-247', 'statement W-1');
      const worker = createDeliveryWorker(sender.context, sender.runtime!);
      const report = await worker.runOnce();
      assert.equal(report.delivered, 1);
      const stored = await findOutboxMessage(sender.context.db, messageId);
      assert.equal(stored?.status, 'delivered');
      assert.ok(stored?.receipt);
      assert.equal(await deliveryStateOf(caseId), 'delivered');

      assert.equal(await countInboxMessages(speaker.context.db), 1);
      const reviewer = await asRole(speaker, 'supervisor');
      const incoming = await speaker.app.inject({
        method: 'GET',
        url: '/api/v1/requests?direction=incoming',
        headers: reviewer.headers,
      });
      assert.equal(incoming.statusCode, 200, incoming.body);
      const items = json<{ items: { caseReference: string | null; remoteRequestId: string | null }[] }>(
        incoming,
      ).items;
      assert.deepEqual(
        items.map((item) => [item.caseReference, item.remoteRequestId]),
        [['statement W-1', caseId]],
      );
    });

    it('is not queued for a node whose directory entry does not list it: the sender refuses first', async () => {
      await assert.rejects(queueWitness('pt-247', 'statement W-0'), (error: unknown) => {
        assert.equal((error as { code?: string }).code, 'unsupported-by-peer');
        assert.match(String(error), /pt-247.*message type test\.witness-offered/);
        return true;
      });
      const queued = await sender.context.db
        .selectFrom('outbox_messages')
        .select('id')
        .where('peer_node_id', '=', 'pt-247')
        .execute();
      assert.equal(queued.length, 0);
    });

    it('is refused for good by a node that does not speak it, and the sender hook records the failure', async () => {
      const { caseId, messageId } = await queueWitness('it-247', 'statement W-2');
      const worker = createDeliveryWorker(sender.context, sender.runtime!);
      const report = await worker.runOnce();
      assert.equal(report.failed, 1);
      const stored = await findOutboxMessage(sender.context.db, messageId);
      assert.equal(stored?.status, 'failed');
      assert.match(
        stored?.lastError ?? '',
        /unsupported-message-type|does not accept messages of type test\.witness-offered/,
      );
      assert.equal(await deliveryStateOf(caseId), 'failed');
      assert.equal(await countInboxMessages(stranger.context.db), 0);
    });
  });
}
