/**
 * The case lives on both sides: two nodes in one process over loopback HTTP. A transition made on
 * one node (acknowledge, record a preservation, begin assessment, refuse, withdraw) is applied
 * there with the pure lifecycle and travels as a federation message to the other node, which
 * applies the same lifecycle, so both show the same status and history. Refusals (side, role,
 * status, payload) answer their problem and change nothing on either node; a message delivered
 * again is applied once.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { addDays, calendarDateOf } from '../../src/core/treaty/calendar-date.ts';
import { preservationDraft } from '../../src/demo/demo-drafts.ts';
import { createDeliveryWorker, type DeliveryWorker } from '../../src/federation/delivery/delivery-worker.ts';
import { announcedAccepts } from '../../src/federation/messages/registry.ts';
import type { Problem } from '../../src/http/problem.ts';
import { json } from '../helpers/app.ts';
import { approveResponse, submitAndApprove } from '../helpers/approval.ts';
import { isResponseTransition } from '../../src/core/approval/approval-rules.ts';
import { type ActingAs, asRole } from '../helpers/auth.ts';
import { completeScreening } from '../helpers/screening.ts';
import { DATABASE_TARGETS } from '../helpers/database.ts';
import {
  createClock,
  createStaticDirectory,
  type FederatedNode,
  planNode,
  startFederatedNode,
} from './delivery-fixture.ts';

type CaseEvent = {
  sequence: number;
  transition: string;
  side: string;
  actor: { displayName: string; roles: string[] };
  payload: Record<string, unknown>;
  occurredAt: string;
  origin: 'this-node' | 'other-node';
  message: { id: string; direction: string; state: string; receipt: unknown } | null;
};
type CaseBody = {
  case: { status: string; side: string; availableTransitions: string[]; events: CaseEvent[] };
};

const CONSULTATION = {
  partialAssistanceConsidered: true,
  conditionalAssistanceConsidered: false,
  summary: 'Partial preservation was discussed with the requesting point of contact by telephone.',
};

for (const target of DATABASE_TARGETS) {
  describe(`the case on both nodes [${target.name}]`, { skip: target.skip }, () => {
    const clock = createClock();
    let fr: FederatedNode;
    let de: FederatedNode;
    let frWorker: DeliveryWorker;
    let deWorker: DeliveryWorker;
    let officer: ActingAs;
    let duty: ActingAs;
    let reviewer: ActingAs;
    let auditor: ActingAs;

    before(async () => {
      const accepts = announcedAccepts();
      const plans = {
        fr: { ...(await planNode('fr-247', 'FR')), accepts },
        de: { ...(await planNode('de-247', 'DE')), accepts },
      };
      const directory = createStaticDirectory([plans.fr, plans.de], clock.now);
      fr = await startFederatedNode(target, { plan: plans.fr, directory, clock });
      de = await startFederatedNode(target, { plan: plans.de, directory, clock });
      directory.setEndpoint('fr-247', await fr.app.listen({ port: 0, host: '127.0.0.1' }));
      directory.setEndpoint('de-247', await de.app.listen({ port: 0, host: '127.0.0.1' }));
      frWorker = createDeliveryWorker(fr.context, fr.runtime!);
      deWorker = createDeliveryWorker(de.context, de.runtime!);
      officer = await asRole(fr, 'officer');
      duty = await asRole(de, 'duty-officer');
      reviewer = await asRole(de, 'legal-reviewer');
      auditor = await asRole(de, 'auditor');
    });

    after(async () => {
      await frWorker?.stop();
      await deWorker?.stop();
      await fr?.close();
      await de?.close();
    });

    /** A preservation request drafted and sent by FR's officer, delivered: its id at FR and at DE. */
    async function deliveredRequest(sequence: number): Promise<{ frId: string; deId: string }> {
      const drafted = await fr.app.inject({
        method: 'POST',
        url: '/api/v1/requests',
        headers: officer.headers,
        payload: preservationDraft('FR', 'DE', sequence),
      });
      assert.equal(drafted.statusCode, 201, drafted.body);
      const frId = json<{ request: { id: string } }>(drafted).request.id;
      const sent = await submitAndApprove(fr, frId, officer);
      assert.equal(sent.statusCode, 202, sent.body);
      assert.equal((await frWorker.runOnce()).delivered, 1);
      const listed = await de.app.inject({
        method: 'GET',
        url: '/api/v1/requests?direction=incoming',
        headers: duty.headers,
      });
      const incoming = json<{ items: { id: string; remoteRequestId: string; caseStatus: string }[] }>(
        listed,
      ).items;
      const copy = incoming.find((item) => item.remoteRequestId === frId);
      assert.ok(copy, 'DE holds the request');
      assert.equal(copy.caseStatus, 'delivered');
      return { frId, deId: copy.id };
    }

    /** Makes a transition; a response of the requested side is then approved by DE's supervisor. */
    async function transition(
      node: FederatedNode,
      as: ActingAs,
      id: string,
      name: string,
      payload: object = {},
    ) {
      const made = await node.app.inject({
        method: 'POST',
        url: `/api/v1/requests/${id}/transitions`,
        headers: as.headers,
        payload: { name, payload },
      });
      if (made.statusCode !== 200 || node !== de || !isResponseTransition(name)) return made;
      return approveResponse(node, id);
    }

    async function history(node: FederatedNode, as: ActingAs, id: string): Promise<CaseBody['case']> {
      const response = await node.app.inject({
        method: 'GET',
        url: `/api/v1/requests/${id}/history`,
        headers: as.headers,
      });
      assert.equal(response.statusCode, 200, response.body);
      return json<CaseBody>(response).case;
    }

    /**
     * The history as both nodes must agree on it: where each event was made differs, and its
     * message was sent by one node and received by the other (the same message, the same receipt).
     */
    function shared(events: CaseEvent[]) {
      return events.map(({ origin: _origin, message, ...event }) => ({
        ...event,
        message: message && { id: message.id, state: message.state, receipt: message.receipt },
      }));
    }

    async function counts(): Promise<number[]> {
      const count = async (
        node: FederatedNode,
        table: 'case_events' | 'outbox_messages' | 'inbox_messages',
      ) => {
        const { rows } = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(
          node.context.db,
        );
        return Number(rows[0]?.n);
      };
      return [
        await count(fr, 'case_events'),
        await count(de, 'case_events'),
        await count(fr, 'outbox_messages'),
        await count(de, 'outbox_messages'),
        await count(fr, 'inbox_messages'),
        await count(de, 'inbox_messages'),
      ];
    }

    async function assertRefused(
      response: Awaited<ReturnType<typeof transition>>,
      status: number,
      type: string,
    ): Promise<Problem> {
      assert.equal(response.statusCode, status, response.body);
      assert.match(String(response.headers['content-type']), /application\/problem\+json/);
      const problem = json<Problem>(response);
      assert.equal(problem.type, `urn:comity:problem:${type}`);
      return problem;
    }

    it('DE acknowledges and records a preservation; FR shows acknowledged, then preserved, with the same history', async () => {
      const { frId, deId } = await deliveredRequest(1);
      const atDe = await history(de, duty, deId);
      assert.equal(atDe.side, 'requested');
      assert.deepEqual(atDe.availableTransitions, ['acknowledge']);

      const acknowledged = await transition(de, duty, deId, 'acknowledge', {
        note: 'Received by the 24/7 desk',
      });
      assert.equal(acknowledged.statusCode, 200, acknowledged.body);
      assert.equal(json<CaseBody>(acknowledged).case.status, 'acknowledged');
      assert.equal((await deWorker.runOnce()).delivered, 1);
      const frAfterAck = await history(fr, officer, frId);
      assert.equal(frAfterAck.status, 'acknowledged');
      assert.equal(frAfterAck.side, 'requesting');
      assert.deepEqual(frAfterAck.availableTransitions, ['withdraw']);

      const today = calendarDateOf(clock.now());
      const preservation = { tookEffectOn: today, preservedUntil: addDays(today, 75) };
      // Wrong side: FR cannot record the preservation of its own request.
      const beforeWrongSide = await counts();
      const wrongSide = await assertRefused(
        await transition(fr, officer, frId, 'record-preservation', preservation),
        403,
        'forbidden',
      );
      assert.match(wrongSide.detail, /requesting side/);
      assert.deepEqual(await counts(), beforeWrongSide);

      const preserved = await transition(de, duty, deId, 'record-preservation', preservation);
      assert.equal(preserved.statusCode, 200, preserved.body);
      assert.equal((await deWorker.runOnce()).delivered, 1);

      const frCase = await history(fr, officer, frId);
      const deCase = await history(de, duty, deId);
      assert.equal(frCase.status, 'preserved');
      assert.equal(deCase.status, 'preserved');
      assert.deepEqual(shared(frCase.events), shared(deCase.events));
      assert.deepEqual(
        frCase.events.map((event) => [event.transition, event.side, event.origin]),
        [
          ['acknowledge', 'requested', 'other-node'],
          ['record-preservation', 'requested', 'other-node'],
        ],
      );
      assert.deepEqual(frCase.events[1]?.payload, preservation);
      assert.deepEqual(frCase.events[0]?.actor.roles, ['duty-officer']);

      const read = await fr.app.inject({
        method: 'GET',
        url: `/api/v1/requests/${frId}`,
        headers: officer.headers,
      });
      const request = json<{ request: { caseStatus: string; availableTransitions: string[] } }>(read).request;
      assert.equal(request.caseStatus, 'preserved');
      assert.deepEqual(request.availableTransitions, ['withdraw', 'request-extension', 'convert']);

      // Wrong status: DE acknowledging again.
      const before = await counts();
      const again = await assertRefused(
        await transition(de, duty, deId, 'acknowledge'),
        409,
        'invalid-state',
      );
      assert.match(again.detail, /preserved/);
      assert.deepEqual(await counts(), before);
      assert.equal((await deWorker.runOnce()).delivered, 0);
    });

    it("DE's legal reviewer refuses on a ground of the catalogue; FR shows refused with the ground; refusals change nothing", async () => {
      const { frId, deId } = await deliveredRequest(2);
      assert.equal((await transition(de, duty, deId, 'acknowledge')).statusCode, 200);
      const before = await counts();
      // Wrong role: a legal reviewer does not record preservations; an auditor makes no transition.
      await assertRefused(
        await transition(de, reviewer, deId, 'record-preservation', {
          tookEffectOn: calendarDateOf(clock.now()),
          preservedUntil: addDays(calendarDateOf(clock.now()), 90),
        }),
        403,
        'forbidden',
      );
      await assertRefused(await transition(de, auditor, deId, 'begin-assessment'), 403, 'forbidden');
      // A bad payload: fewer than 60 days (Art. 42(8)).
      const short = await assertRefused(
        await transition(de, duty, deId, 'record-preservation', {
          tookEffectOn: calendarDateOf(clock.now()),
          preservedUntil: addDays(calendarDateOf(clock.now()), 10),
        }),
        400,
        'invalid-input',
      );
      assert.equal(short.errors?.[0]?.path, 'body.payload.preservedUntil');
      // The field and why, for a screen to word: the first date Art. 42(8) allows.
      assert.deepEqual(
        {
          pointer: short.errors?.[0]?.pointer,
          in: short.errors?.[0]?.in,
          code: short.errors?.[0]?.code,
          bound: short.errors?.[0]?.bound,
        },
        {
          pointer: '/payload/preservedUntil',
          in: 'body',
          code: 'too-early',
          bound: addDays(calendarDateOf(clock.now()), 60),
        },
      );
      // Refusing needs assessment first.
      await assertRefused(
        await transition(de, reviewer, deId, 'refuse', { grounds: ['preservation-limited-grounds'] }),
        409,
        'invalid-state',
      );
      assert.deepEqual(await counts(), before);

      assert.equal((await transition(de, reviewer, deId, 'begin-assessment')).statusCode, 200);
      // Deciding a received request needs its screening checklist complete, the ground a concern.
      await completeScreening(de, reviewer, deId, {
        'essential-interests': 'The offence is a political offence under the law of the requested State.',
      });
      const refusal = {
        grounds: ['preservation-limited-grounds'],
        reasons: 'The offence is a political offence under the law of the requested State.',
        consultation: CONSULTATION,
      };
      const refused = await transition(de, reviewer, deId, 'refuse', refusal);
      assert.equal(refused.statusCode, 200, refused.body);
      assert.equal(json<CaseBody>(refused).case.status, 'refused');
      assert.equal((await deWorker.runOnce()).delivered, 3);

      const frCase = await history(fr, officer, frId);
      assert.equal(frCase.status, 'refused');
      assert.deepEqual(frCase.availableTransitions, []);
      assert.deepEqual(frCase.events.at(-1)?.payload, refusal);
      assert.deepEqual(shared(frCase.events), shared((await history(de, reviewer, deId)).events));

      const finished = await counts();
      await assertRefused(
        await transition(fr, officer, frId, 'withdraw', { reasons: 'No longer needed' }),
        409,
        'invalid-state',
      );
      assert.deepEqual(await counts(), finished);
    });

    it('FR withdraws a delivered request; DE shows it withdrawn', async () => {
      const { frId, deId } = await deliveredRequest(3);
      const withdrawn = await transition(fr, officer, frId, 'withdraw', {
        reasons: 'The suspect was identified.',
      });
      assert.equal(withdrawn.statusCode, 200, withdrawn.body);
      assert.equal((await frWorker.runOnce()).delivered, 1);
      const deCase = await history(de, duty, deId);
      assert.equal(deCase.status, 'withdrawn');
      assert.deepEqual(
        deCase.events.map((event) => [event.transition, event.side, event.origin]),
        [['withdraw', 'requesting', 'other-node']],
      );
      assert.deepEqual(deCase.availableTransitions, []);
    });

    it('a transition message delivered again is applied once', async () => {
      const { frId, deId } = await deliveredRequest(4);
      assert.equal((await transition(de, duty, deId, 'acknowledge')).statusCode, 200);
      assert.equal((await deWorker.runOnce()).delivered, 1);
      const { rows } = await sql<{ message: string }>`
        select message from outbox_messages where case_id = ${deId} order by sequence desc limit 1`.execute(
        de.context.db,
      );
      const before = await counts();
      const again = await fr.app.inject({
        method: 'POST',
        url: '/federation/v1/messages',
        headers: { 'content-type': 'application/jose' },
        payload: rows[0]?.message ?? '',
      });
      assert.equal(again.statusCode, 409, again.body);
      assert.equal(json<Problem>(again).type, 'urn:comity:problem:federation-replayed-message');
      assert.deepEqual(await counts(), before);
      const frCase = await history(fr, officer, frId);
      assert.deepEqual(
        frCase.events.map((event) => event.transition),
        ['acknowledge'],
      );
    });

    it("two messages of one case in one batch are taken in order: the second sees the first's transition", async () => {
      const { frId, deId } = await deliveredRequest(5);
      assert.equal((await transition(de, duty, deId, 'acknowledge', { note: 'Received' })).statusCode, 200);
      const today = calendarDateOf(clock.now());
      const preservation = { tookEffectOn: today, preservedUntil: addDays(today, 75) };
      assert.equal((await transition(de, duty, deId, 'record-preservation', preservation)).statusCode, 200);
      // DE's worker would send them one after the other; a batch holding both must keep their order.
      const { rows } = await sql<{ message: string; type: string }>`
        select message, type from outbox_messages
         where case_id in (${frId}, ${deId}) and status = 'pending' order by sequence`.execute(de.context.db);
      assert.deepEqual(
        rows.map((row) => row.type),
        ['case.acknowledged', 'case.preservation-recorded'],
      );
      const answered = await fr.app.inject({
        method: 'POST',
        url: '/federation/v1/message-batches',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ messages: rows.map((row) => row.message) }),
      });
      assert.equal(answered.statusCode, 200, answered.body);
      assert.deepEqual(
        json<{ results: { status: number }[] }>(answered).results.map((result) => result.status),
        [200, 200],
      );
      const atFr = await history(fr, officer, frId);
      assert.equal(atFr.status, 'preserved');
      const transitions = atFr.events.map((event) => event.transition);
      assert.deepEqual(transitions.slice(-2), ['acknowledge', 'record-preservation']);
      // DE's worker then posts them and hears the original receipts: both delivered, nothing twice.
      assert.equal((await deWorker.runOnce()).delivered, 2);
      const afterDelivery = await history(fr, officer, frId);
      assert.deepEqual(
        afterDelivery.events.map((event) => event.transition),
        transitions,
      );
      assert.deepEqual(shared(afterDelivery.events), shared((await history(de, duty, deId)).events));
    });
  });
}
