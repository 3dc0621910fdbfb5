/**
 * The duty desk (GET /api/v1/desk) on two nodes with an injected clock: the requested node lists
 * what must be acknowledged first, then by nearest deadline; each person sees only the cases their
 * permissions allow (an officer without access to incoming requests: only their own); the overdue
 * filter keeps the cases whose deadline is missed, on both sides.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RequestContent } from '../../src/core/request/draft.ts';
import { preservationDraft } from '../../src/demo/demo-drafts.ts';
import { json } from '../helpers/app.ts';
import { submit } from '../helpers/approval.ts';
import { type ActingAs, asRole } from '../helpers/auth.ts';
import { DATABASE_TARGETS } from '../helpers/database.ts';
import { type FederatedNode, type NodePair, startNodePair } from './delivery-fixture.ts';

type DeskCase = {
  requestId: string;
  caseReference: string | null;
  urgency: string;
  side: string;
  requestingState: string | null;
  status: string;
  needsAcknowledgement: boolean;
  nextDeadline: { kind: string; side: string; dueAt: string; state: string } | null;
  awaitingAnswer: string | null;
  lastAnswer: string | null;
  availableTransitions: string[];
};

const MINUTE = 60_000;

function draft(sequence: number, level: 'routine' | 'urgent' | 'emergency'): RequestContent {
  const content = preservationDraft('FR', 'DE', sequence);
  return level === 'routine'
    ? content
    : { ...content, urgency: { level, justification: 'Logs are overwritten within hours.' } };
}

for (const target of DATABASE_TARGETS) {
  describe(`duty desk [${target.name}]`, { skip: target.skip }, () => {
    let pair: NodePair;
    let officer: ActingAs;
    let duty: ActingAs;
    const ids = { urgent: '', emergency: '', routine: '', urgentAtFr: '', emergencyAtFr: '' };

    async function desk(node: FederatedNode, as: ActingAs, query = ''): Promise<DeskCase[]> {
      const response = await node.app.inject({
        method: 'GET',
        url: `/api/v1/desk${query}`,
        headers: as.headers,
      });
      assert.equal(response.statusCode, 200, response.body);
      return json<{ items: DeskCase[] }>(response).items;
    }

    before(async () => {
      pair = await startNodePair(target, {
        requesting: ['fr-desk', 'FR'],
        requested: ['de-desk', 'DE'],
        requestedServiceLevel: { acknowledgeWithinHours: 1 },
      });
      officer = await asRole(pair.requesting, 'officer');
      duty = await asRole(pair.requested, 'duty-officer');
      const urgent = await pair.deliverRequest(officer, duty, draft(1, 'urgent'));
      pair.clock.advance(10 * MINUTE);
      const emergency = await pair.deliverRequest(officer, duty, draft(2, 'emergency'));
      pair.clock.advance(10 * MINUTE);
      const routine = await pair.deliverRequest(officer, duty, draft(3, 'routine'));
      Object.assign(ids, {
        urgent: urgent.requestedId,
        emergency: emergency.requestedId,
        routine: routine.requestedId,
        urgentAtFr: urgent.requestingId,
        emergencyAtFr: emergency.requestingId,
      });
    });

    after(async () => {
      await pair?.close();
    });

    it('lists what must be acknowledged first, by nearest deadline, then the rest', async () => {
      const items = await desk(pair.requested, duty);
      assert.deepEqual(
        items.map((item) => item.requestId),
        [ids.urgent, ids.emergency, ids.routine],
      );
      const [first] = items;
      assert.equal(first?.needsAcknowledgement, true);
      assert.equal(first?.side, 'requested');
      assert.equal(first?.requestingState, 'FR');
      assert.equal(first?.caseReference, 'FR-DEMO-00001');
      assert.equal(first?.nextDeadline?.kind, 'acknowledge');
      assert.equal(first?.nextDeadline?.state, 'on-time');
      assert.ok(first?.availableTransitions.includes('acknowledge'));
      assert.equal(items[2]?.needsAcknowledgement, false);
      assert.equal(items[2]?.nextDeadline, null);

      const acknowledged = await pair.requested.app.inject({
        method: 'POST',
        url: `/api/v1/requests/${ids.urgent}/transitions`,
        headers: duty.headers,
        payload: { name: 'acknowledge', payload: {} },
      });
      assert.equal(acknowledged.statusCode, 200, acknowledged.body);
      assert.equal((await pair.requestedWorker.runOnce()).delivered, 1);
      const after = await desk(pair.requested, duty);
      // The acknowledged request is still open, below the one still waiting, by arrival.
      assert.deepEqual(
        after.map((item) => [item.requestId, item.status]),
        [
          [ids.emergency, 'delivered'],
          [ids.urgent, 'acknowledged'],
          [ids.routine, 'delivered'],
        ],
      );
    });

    it('shows each person only what their permissions allow', async () => {
      const ownAtFr = await desk(pair.requesting, officer);
      assert.equal(ownAtFr.length, 3);
      assert.ok(ownAtFr.every((item) => item.side === 'requesting' && !item.needsAcknowledgement));
      // An officer who may not read incoming requests sees only their own cases.
      const otherOfficerAtFr = await asRole(pair.requesting, 'officer');
      assert.deepEqual(await desk(pair.requesting, otherOfficerAtFr), []);
      const officerAtDe = await asRole(pair.requested, 'officer');
      assert.deepEqual(await desk(pair.requested, officerAtDe), []);
      // Every role that handles incoming work sees the incoming cases.
      for (const role of ['legal-reviewer', 'supervisor'] as const) {
        const reader = await asRole(pair.requested, role);
        assert.equal((await desk(pair.requested, reader)).length, 3, role);
      }
      const anonymous = await pair.requested.app.inject({ method: 'GET', url: '/api/v1/desk' });
      assert.equal(anonymous.statusCode, 401);
    });

    it('leaves out a request that waits for its second person: it has not left the node', async () => {
      const author = await asRole(pair.requesting, 'officer');
      const created = await pair.requesting.app.inject({
        method: 'POST',
        url: '/api/v1/requests',
        headers: author.headers,
        payload: draft(40, 'urgent'),
      });
      assert.equal(created.statusCode, 201, created.body);
      const id = json<{ request: { id: string } }>(created).request.id;
      assert.equal((await submit(pair.requesting, id, author)).statusCode, 202);
      assert.deepEqual(await desk(pair.requesting, author), []);
    });

    it('keeps the cases with a missed deadline with ?overdue=true, on both sides', async () => {
      assert.deepEqual(await desk(pair.requested, duty, '?overdue=true'), []);
      assert.deepEqual(await desk(pair.requesting, officer, '?overdue=true'), []);
      const [emergency] = await desk(pair.requested, duty);
      assert.equal(emergency?.requestId, ids.emergency);
      const dueAt = Date.parse(emergency?.nextDeadline?.dueAt ?? '');
      pair.clock.advance(dueAt - pair.clock.now().getTime());

      const overdueAtDe = await desk(pair.requested, duty, '?overdue=true');
      assert.deepEqual(
        overdueAtDe.map((item) => [item.requestId, item.nextDeadline?.state]),
        [[ids.emergency, 'missed']],
      );
      const overdueAtFr = await desk(pair.requesting, officer, '?overdue=true');
      assert.deepEqual(
        overdueAtFr.map((item) => [item.requestId, item.nextDeadline?.kind, item.nextDeadline?.side]),
        [[ids.emergencyAtFr, 'acknowledge', 'requested']],
      );
      assert.deepEqual(await desk(pair.requested, duty, '?overdue=true&side=requesting'), []);
      const refused = await pair.requested.app.inject({
        method: 'GET',
        url: '/api/v1/desk?overdue=maybe',
        headers: duty.headers,
      });
      assert.equal(refused.statusCode, 400);
    });

    it("shows on both desks the questions that wait for the requesting side's answer", async () => {
      const reviewer = await asRole(pair.requested, 'legal-reviewer');
      const transition = async (name: string, payload: object) => {
        const response = await pair.requested.app.inject({
          method: 'POST',
          url: `/api/v1/requests/${ids.routine}/transitions`,
          headers: reviewer.headers,
          payload: { name, payload },
        });
        assert.equal(response.statusCode, 200, response.body);
        await pair.requestedWorker.runOnce();
      };
      const awaiting = (items: DeskCase[]) =>
        items.filter((item) => item.awaitingAnswer !== null).map((item) => [item.side, item.awaitingAnswer]);
      assert.deepEqual(awaiting(await desk(pair.requested, duty)), []);
      await transition('acknowledge', {});
      await transition('begin-assessment', {});
      await transition('request-clarification', { questions: 'In which time zone are the log times?' });
      assert.deepEqual(awaiting(await desk(pair.requested, duty)), [['requested', 'clarification']]);
      assert.deepEqual(awaiting(await desk(pair.requesting, officer)), [['requesting', 'clarification']]);
      // France's duty officer follows up the 24/7 requests their colleague sent (Art. 41).
      const dutyAtFr = await asRole(pair.requesting, 'duty-officer');
      const atFr = await desk(pair.requesting, dutyAtFr);
      assert.equal(atFr.length, 3);
      assert.deepEqual(awaiting(atFr), [['requesting', 'clarification']]);
      const asked = atFr.find((item) => item.awaitingAnswer !== null);
      assert.ok(asked?.availableTransitions.includes('answer-clarification'));
      // France's legal reviewer, who has nothing to do here, is told who answers: a supervisor, a
      // duty officer (it went through the 24/7 network) or the one who drafted it; not any officer.
      const frReviewer = await asRole(pair.requesting, 'legal-reviewer');
      const viewed = await pair.requesting.app.inject({
        method: 'GET',
        url: `/api/v1/requests/${asked?.requestId}/history`,
        headers: frReviewer.headers,
      });
      assert.equal(viewed.statusCode, 200, viewed.body);
      const othersMay = json<{ case: { othersMay: { transition: string; roles: string[] }[] } }>(viewed).case
        .othersMay;
      assert.deepEqual(othersMay.find((step) => step.transition === 'answer-clarification')?.roles, [
        'supervisor',
        'duty-officer',
        'author',
      ]);
      // Once France answers, Germany's desk says so until Germany acts on it.
      const answered = await pair.requesting.app.inject({
        method: 'POST',
        url: `/api/v1/requests/${asked?.requestId}/transitions`,
        headers: dutyAtFr.headers,
        payload: { name: 'answer-clarification', payload: { answer: 'UTC.' } },
      });
      assert.equal(answered.statusCode, 200, answered.body);
      await pair.requestingWorker.runOnce();
      const lastAnswers = async () =>
        (await desk(pair.requested, duty))
          .filter((item) => item.lastAnswer !== null)
          .map((item) => [item.requestId, item.lastAnswer]);
      assert.deepEqual(await lastAnswers(), [[ids.routine, 'answered']]);
      assert.deepEqual(awaiting(await desk(pair.requested, duty)), []);
      await transition('accept', {});
      assert.deepEqual(await lastAnswers(), []);
    });
  });
}
