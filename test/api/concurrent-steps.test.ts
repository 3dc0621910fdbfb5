/**
 * Steps made at the same moment on both nodes of a case (src/core/case/concurrent-steps.ts): each
 * node makes its step before the other's message arrives, then both messages are delivered. Both
 * nodes end with the same history in the same order, the same status and the same superseded
 * steps; neither message is refused, so neither shows as failed on its sender's peers screen. Two
 * nodes in one process over loopback HTTP, on each database.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { addDays, calendarDateOf } from '../../src/core/treaty/calendar-date.ts';
import { preservationDraft } from '../../src/demo/demo-drafts.ts';
import { createAlertTimers } from '../../src/services/alert-timers.service.ts';
import { listAlertsOfRequest } from '../../src/storage/alerts.repository.ts';
import { type ActingAs, asRole } from '../helpers/auth.ts';
import { DATABASE_TARGETS } from '../helpers/database.ts';
import { makeTransition, type NodePair, readCaseView, startNodePair } from './delivery-fixture.ts';

type CaseEvent = {
  sequence: number;
  transition: string;
  side: string;
  payload: unknown;
  origin: string;
  isSuperseded: boolean;
  message?: { id: string; state: string } | null;
};
type CaseView = { status: string; events: CaseEvent[] };

for (const target of DATABASE_TARGETS) {
  describe(`steps made at the same moment on both nodes [${target.name}]`, { skip: target.skip }, () => {
    let pair: NodePair;
    let frOfficer: ActingAs;
    let deDuty: ActingAs;
    let sequence = 0;

    before(async () => {
      pair = await startNodePair(target, {
        requesting: ['fr-crossing', 'FR'],
        requested: ['de-crossing', 'DE'],
      });
      frOfficer = await asRole(pair.requesting, 'officer');
      deDuty = await asRole(pair.requested, 'duty-officer');
    });
    after(async () => {
      await pair?.close();
    });

    const today = () => calendarDateOf(pair.clock.now());

    const view = (node: NodePair['requesting'], as: ActingAs, id: string) =>
      readCaseView<CaseView>(node, as, id);

    const make = makeTransition;

    /** A preservation request delivered to DE, acknowledged and preserved there, both nodes told. */
    async function preservedCase() {
      const ids = await pair.deliverRequest(frOfficer, deDuty, preservationDraft('FR', 'DE', ++sequence));
      await make(pair.requested, deDuty, ids.requestedId, 'acknowledge', {});
      await make(pair.requested, deDuty, ids.requestedId, 'record-preservation', {
        tookEffectOn: today(),
        preservedUntil: addDays(today(), 90),
      });
      assert.equal((await pair.requestedWorker.runOnce()).delivered, 2);
      assert.equal((await view(pair.requesting, frOfficer, ids.requestingId)).status, 'preserved');
      return ids;
    }

    /** Both messages delivered, each node's view of the case: requesting, then requested. */
    async function deliverBoth(ids: Readonly<{ requestingId: string; requestedId: string }>) {
      const sent = await pair.requestingWorker.runOnce();
      const answered = await pair.requestedWorker.runOnce();
      assert.deepEqual([sent.delivered, sent.failed], [1, 0], 'the requesting step is received, not refused');
      assert.deepEqual([answered.delivered, answered.failed], [1, 0], 'the requested step is received');
      return [
        await view(pair.requesting, frOfficer, ids.requestingId),
        await view(pair.requested, deDuty, ids.requestedId),
      ] as const;
    }

    /** The `crossing` of each alert of a step received on `node`'s case, after a round of its timers. */
    async function crossingsAt(node: NodePair['requesting'], id: string) {
      await createAlertTimers(node.context, { intervalMs: 60_000 }).runOnce();
      return (await listAlertsOfRequest(node.context.db, id))
        .filter((alert) => alert.kind === 'case-event-received')
        .map((alert): [string, unknown] => [String(alert.details.transition), alert.details.crossing ?? null])
        .sort(([a], [b]) => a.localeCompare(b));
    }

    /**
     * An event as both nodes agree on it: where it was made, which way its message went and the
     * order each node stored it in (its `sequence`) differ.
     */
    function shared({ origin: _origin, message: _message, sequence: _sequence, ...event }: CaseEvent) {
      return event;
    }

    it("a step the other side's first step leaves without ground is kept, not applied, on both nodes", async () => {
      const ids = await preservedCase();
      // FR asks for an extension while DE, not yet told, converts the preservation.
      await make(pair.requesting, frOfficer, ids.requestingId, 'request-extension', {
        requestedUntil: addDays(today(), 150),
        reasons: 'The court order is awaited.',
      });
      await make(pair.requested, deDuty, ids.requestedId, 'convert', { followUpReference: 'FR-2026-0042' });
      const [requesting, requested] = await deliverBoth(ids);
      assert.equal(requesting.status, 'converted');
      assert.equal(requested.status, 'converted');
      assert.deepEqual(requesting.events.map(shared), requested.events.map(shared));
      // DE's conversion comes first on both nodes; FR's request for more time no longer applies.
      assert.deepEqual(
        requesting.events.map((event) => [event.transition, event.side, event.isSuperseded]),
        [
          ['acknowledge', 'requested', false],
          ['record-preservation', 'requested', false],
          ['convert', 'requested', false],
          ['request-extension', 'requesting', true],
        ],
      );
      // Each message was delivered, with its receipt: nothing shows as failed.
      assert.ok(requesting.events.every((event) => event.message?.state === 'delivered'));
      // Each node's alert of the other's step says what became of the steps that crossed.
      assert.deepEqual(await crossingsAt(pair.requested, ids.requestedId), [
        ['request-extension', 'not-applied'],
      ]);
      assert.deepEqual(await crossingsAt(pair.requesting, ids.requestingId), [
        ['acknowledge', null],
        ['convert', 'own-step-not-applied'],
        ['record-preservation', null],
      ]);
    });

    it('two steps that both still apply are applied on both nodes, the requested side first', async () => {
      const ids = await preservedCase();
      // FR withdraws while DE, not yet told, extends the preservation of its own accord.
      await make(pair.requesting, frOfficer, ids.requestingId, 'withdraw', {
        reasons: 'The suspect was identified by other means.',
      });
      await make(pair.requested, deDuty, ids.requestedId, 'extend', {
        preservedUntil: addDays(today(), 120),
      });
      const [requesting, requested] = await deliverBoth(ids);
      assert.equal(requesting.status, 'withdrawn');
      assert.equal(requested.status, 'withdrawn');
      assert.deepEqual(requesting.events.map(shared), requested.events.map(shared));
      assert.deepEqual(
        requesting.events.slice(2).map((event) => [event.transition, event.isSuperseded]),
        [
          ['extend', false],
          ['withdraw', false],
        ],
      );
      assert.deepEqual(await crossingsAt(pair.requested, ids.requestedId), [['withdraw', null]]);
      // The next step on either node follows the history both hold: a withdrawn case offers none.
      const refused = await pair.requested.app.inject({
        method: 'POST',
        url: `/api/v1/requests/${ids.requestedId}/transitions`,
        headers: deDuty.headers,
        payload: { name: 'convert', payload: { followUpReference: 'FR-2026-0043' } },
      });
      assert.equal(refused.statusCode, 409, refused.body);
    });

    it('a step made after hearing of the other side follows it, as before', async () => {
      const ids = await preservedCase();
      await make(pair.requested, deDuty, ids.requestedId, 'convert', { followUpReference: 'FR-2026-0044' });
      assert.equal((await pair.requestedWorker.runOnce()).delivered, 1);
      const requesting = await view(pair.requesting, frOfficer, ids.requestingId);
      assert.equal(requesting.status, 'converted');
      // FR, told, can no longer ask for more time: the step is refused here, nothing is sent.
      const refused = await pair.requesting.app.inject({
        method: 'POST',
        url: `/api/v1/requests/${ids.requestingId}/transitions`,
        headers: frOfficer.headers,
        payload: {
          name: 'request-extension',
          payload: { requestedUntil: addDays(today(), 150), reasons: 'The court order is awaited.' },
        },
      });
      assert.equal(refused.statusCode, 409, refused.body);
      assert.equal((await pair.requestingWorker.runOnce()).delivered, 0);
      assert.ok(requesting.events.every((event) => !event.isSuperseded));
    });
  });
}
