/**
 * The case view (GET /api/v1/requests/{id}/history) on both nodes: the request flow's steps before
 * the stored events (drafted, sent, delivered), each step and event with the message that carried
 * it, its delivery state and its signed receipt verified against the directory, and the figures
 * (time to deliver, acknowledge...) once the steps happen.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { preservationDraft } from '../../src/demo/demo-drafts.ts';
import { json } from '../helpers/app.ts';
import { type ActingAs, asRole } from '../helpers/auth.ts';
import { DATABASE_TARGETS } from '../helpers/database.ts';
import { type NodePair, startNodePair } from './delivery-fixture.ts';

type Receipt = { messageId: string; from: string; to: string; verified: boolean; problem: string | null };
type Message = { id: string; direction: string; state: string; receipt: Receipt | null };
type CaseBody = {
  case: {
    status: string;
    flow: {
      step: string;
      side: string;
      origin: string;
      at: string;
      actor: { displayName: string; roles: string[] } | null;
      approvedBy: { displayName: string } | null;
      message: Message | null;
    }[];
    events: { transition: string; origin: string; message: Message | null }[];
    figures: Record<string, number | null>;
    otherSide: { status: string; lastMessage: { id: string; state: string } | null };
  };
};

const HOUR = 3_600_000;

for (const target of DATABASE_TARGETS) {
  describe(`case view: steps, messages, receipts, figures [${target.name}]`, { skip: target.skip }, () => {
    let pair: NodePair;
    let officer: ActingAs;
    let duty: ActingAs;

    before(async () => {
      pair = await startNodePair(target, {
        requesting: ['fr-caseview', 'FR'],
        requested: ['de-caseview', 'DE'],
      });
      officer = await asRole(pair.requesting, 'officer');
      duty = await asRole(pair.requested, 'duty-officer');
    });

    after(async () => {
      await pair?.close();
    });

    async function caseAt(node: NodePair['requesting'], as: ActingAs, id: string): Promise<CaseBody['case']> {
      const response = await node.app.inject({
        method: 'GET',
        url: `/api/v1/requests/${id}/history`,
        headers: as.headers,
      });
      assert.equal(response.statusCode, 200, response.body);
      return json<CaseBody>(response).case;
    }

    it('shows sent and delivered on both nodes, each message with its state and a receipt that verifies', async () => {
      const { requesting: fr, requested: de, clock } = pair;
      const { requestingId: frId, requestedId: deId } = await pair.deliverRequest(
        officer,
        duty,
        preservationDraft('FR', 'DE', 7),
      );

      const atFr = await caseAt(fr, officer, frId);
      assert.deepEqual(
        atFr.flow.map((step) => [step.step, step.side, step.origin]),
        [
          ['drafted', 'requesting', 'this-node'],
          ['sent', 'requesting', 'this-node'],
          ['delivered', 'requested', 'other-node'],
        ],
      );
      // Drafted by the officer; sent as the officer submitted it and the supervisor approved it (the
      // two-person rule), both named.
      assert.ok(atFr.flow[0]?.actor?.roles.includes('officer'));
      assert.ok(atFr.flow[1]?.actor?.roles.includes('officer'), JSON.stringify(atFr.flow[1]?.actor));
      const carried = atFr.flow[1]?.message;
      assert.equal(carried?.direction, 'sent');
      assert.equal(carried?.state, 'delivered');
      assert.equal(carried?.receipt?.messageId, carried?.id);
      assert.equal(carried?.receipt?.from, 'de-caseview');
      assert.equal(carried?.receipt?.to, 'fr-caseview');
      assert.equal(carried?.receipt?.verified, true, carried?.receipt?.problem ?? '');
      assert.equal(typeof atFr.figures.deliverSeconds, 'number');
      assert.equal(atFr.figures.acknowledgeSeconds, null);
      assert.deepEqual(atFr.otherSide, {
        status: 'delivered',
        lastMessage: { id: carried.id, state: 'delivered' },
      });

      const atDe = await caseAt(de, duty, deId);
      assert.deepEqual(
        atDe.flow.map((step) => [step.step, step.side, step.origin]),
        [
          ['sent', 'requesting', 'other-node'],
          ['delivered', 'requested', 'this-node'],
        ],
      );
      // Germany reads who submitted the request at France and who approved its sending, by name,
      // as France reads its own "sent" step: its author, approved by the second person.
      const sentAtFr = atFr.flow.find((step) => step.step === 'sent');
      assert.equal(sentAtFr?.actor?.displayName, atFr.flow[0]?.actor?.displayName);
      assert.ok(sentAtFr?.approvedBy?.displayName);
      assert.notEqual(sentAtFr?.approvedBy?.displayName, sentAtFr?.actor?.displayName);
      assert.deepEqual(
        atDe.flow.map((step) => [step.actor?.displayName ?? null, step.approvedBy?.displayName ?? null]),
        [
          [sentAtFr?.actor?.displayName, sentAtFr?.approvedBy?.displayName],
          [null, null],
        ],
      );
      assert.deepEqual(atDe.flow[0]?.actor?.roles, []);
      assert.deepEqual(
        atFr.flow.map((step) => step.approvedBy?.displayName ?? null),
        [null, sentAtFr?.approvedBy?.displayName, null],
      );
      const received = atDe.flow[0]?.message;
      assert.equal(received?.id, carried.id);
      assert.equal(received?.direction, 'received');
      assert.equal(received?.receipt?.verified, true, received?.receipt?.problem ?? '');
      assert.equal(typeof atDe.figures.deliverSeconds, 'number');

      // Two hours later Germany acknowledges: its message is pending until the worker delivers it.
      clock.advance(2 * HOUR);
      const acknowledged = await de.app.inject({
        method: 'POST',
        url: `/api/v1/requests/${deId}/transitions`,
        headers: duty.headers,
        payload: { name: 'acknowledge', payload: { note: 'Received by the duty desk.' } },
      });
      assert.equal(acknowledged.statusCode, 200, acknowledged.body);
      const pending = json<CaseBody>(acknowledged).case;
      assert.equal(pending.events[0]?.message?.state, 'pending');
      assert.equal(pending.events[0]?.message?.receipt, null);
      assert.equal(pending.otherSide.lastMessage?.state, 'pending');
      assert.equal(pending.figures.acknowledgeSeconds, 2 * 3600);

      assert.equal((await pair.requestedWorker.runOnce()).delivered, 1);
      const sentByDe = (await caseAt(de, duty, deId)).events[0]?.message;
      assert.equal(sentByDe?.state, 'delivered');
      assert.equal(sentByDe?.receipt?.from, 'fr-caseview');
      assert.equal(sentByDe?.receipt?.verified, true, sentByDe?.receipt?.problem ?? '');

      const frAfter = await caseAt(fr, officer, frId);
      const event = frAfter.events[0];
      assert.equal(event?.transition, 'acknowledge');
      assert.equal(event?.origin, 'other-node');
      assert.equal(event?.message?.id, sentByDe.id);
      assert.equal(event?.message?.direction, 'received');
      assert.equal(event?.message?.receipt?.verified, true, event?.message?.receipt?.problem ?? '');
      assert.equal(frAfter.figures.acknowledgeSeconds, 2 * 3600);
      assert.equal(frAfter.figures.decideSeconds, null);
    });
  });
}
