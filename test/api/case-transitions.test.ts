/**
 * Every transition a person makes after delivery travels to the other node: two nodes in one
 * process over loopback HTTP drive cases through clarification, conditions, acceptance, partial
 * and full execution and closing; postponement and resumption; a preservation extended and
 * converted; conditions declined. After each step both nodes show the same status and history,
 * each lists only the transitions its people may make, and the step's message delivered again is
 * applied once.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { isResponseTransition } from '../../src/core/approval/approval-rules.ts';
import { findTransition } from '../../src/core/case/transitions.ts';
import { ROLES, type Role } from '../../src/core/roles.ts';
import { can } from '../../src/policies/access.ts';
import { addDays, calendarDateOf } from '../../src/core/treaty/calendar-date.ts';
import { preservationDraft } from '../../src/demo/demo-drafts.ts';
import { json } from '../helpers/app.ts';
import { approveResponse } from '../helpers/approval.ts';
import { type ActingAs, asRole } from '../helpers/auth.ts';
import { DATABASE_TARGETS } from '../helpers/database.ts';
import { type NodePair, readCaseView, startNodePair } from './delivery-fixture.ts';

type CaseEvent = {
  transition: string;
  side: string;
  payload: unknown;
  origin: string;
  message?: { id: string; state: string; receipt: string | null } | null;
};
type CaseView = {
  status: string;
  side: string;
  availableTransitions: string[];
  otherSideMay: string[];
  awaitingAnswer: { kind: string; text: string } | null;
  lastAnswer: { kind: string; outcome: string; text: string; at: string } | null;
  conditionsInForce: { text: string; acceptedAt: string }[];
  events: CaseEvent[];
};

const CONSULTATION = {
  partialAssistanceConsidered: true,
  conditionalAssistanceConsidered: true,
  summary: 'Postponement was discussed with the requesting point of contact by telephone.',
};

for (const target of DATABASE_TARGETS) {
  describe(`case transitions on both nodes [${target.name}]`, { skip: target.skip }, () => {
    let pair: NodePair;
    /** People of FR (requesting) and DE (requested), by role. */
    const fr = {} as Record<'officer' | 'supervisor', ActingAs>;
    const de = {} as Record<'duty-officer' | 'legal-reviewer', ActingAs>;
    let sequence = 0;

    before(async () => {
      pair = await startNodePair(target, { requesting: ['fr-cases', 'FR'], requested: ['de-cases', 'DE'] });
      fr.officer = await asRole(pair.requesting, 'officer');
      fr.supervisor = await asRole(pair.requesting, 'supervisor');
      de['duty-officer'] = await asRole(pair.requested, 'duty-officer');
      de['legal-reviewer'] = await asRole(pair.requested, 'legal-reviewer');
    });

    after(async () => {
      await pair?.close();
    });

    const today = () => calendarDateOf(pair.clock.now());

    const view = (node: NodePair['requesting'], as: ActingAs, id: string) =>
      readCaseView<CaseView>(node, as, id);

    /** Each listed transition is one this node's side and the reader's role may make. */
    function assertOwnTransitions(listed: CaseView, role: Role) {
      for (const name of listed.availableTransitions) {
        const definition = findTransition(name);
        assert.ok(definition, name);
        assert.ok(
          definition.sides.includes(listed.side as never),
          `${name} listed on the ${listed.side} side`,
        );
        assert.ok(definition.roles.includes(role as never), `${name} listed to a ${role}`);
      }
    }

    /** A delivered preservation request; `step` makes a transition on it and checks both nodes. */
    async function deliveredCase() {
      const ids = await pair.deliverRequest(
        fr.officer,
        de['duty-officer'],
        preservationDraft('FR', 'DE', ++sequence),
      );
      const parties = {
        requesting: {
          node: pair.requesting,
          worker: pair.requestingWorker,
          id: ids.requestingId,
          people: fr,
        },
        requested: { node: pair.requested, worker: pair.requestedWorker, id: ids.requestedId, people: de },
      };
      const readers = {
        requesting: { as: fr.officer, role: 'officer' as Role },
        requested: { as: de['duty-officer'], role: 'duty-officer' as Role },
      };

      async function step(
        side: 'requesting' | 'requested',
        role: Role,
        name: string,
        payload: object,
        status: string,
      ): Promise<readonly [requesting: CaseView, requested: CaseView]> {
        const actor = parties[side];
        const as = (actor.people as Record<string, ActingAs>)[role];
        assert.ok(as, `a ${role} on the ${side} side`);
        assert.ok(
          (await view(actor.node, as, actor.id)).availableTransitions.includes(name),
          `${name} offered`,
        );
        const made = await actor.node.app.inject({
          method: 'POST',
          url: `/api/v1/requests/${actor.id}/transitions`,
          headers: as.headers,
          payload: { name, payload },
        });
        assert.equal(made.statusCode, 200, made.body);
        if (side === 'requested' && isResponseTransition(name)) {
          // A response waits for a second person: nothing leaves until a supervisor approves it.
          assert.equal((await actor.worker.runOnce()).delivered, 0);
          const approved = await approveResponse(actor.node, actor.id);
          assert.equal(approved.statusCode, 200, approved.body);
        }
        assert.equal((await actor.worker.runOnce()).delivered, 1);
        const views = await bothViews();
        // Delivered again (its outbox row made due once more): the other node applies it once.
        await sql`update outbox_messages set status = 'pending', next_attempt_at = ${new Date(0)}
          where id = (select id from outbox_messages order by sequence desc limit 1)`.execute(
          actor.node.context.db,
        );
        assert.equal((await actor.worker.runOnce()).delivered, 1);
        assert.deepEqual(await bothViews(), views);
        const [requesting, requested] = views;
        assert.equal(requesting.status, status);
        assert.equal(requested.status, status);
        assert.equal(requesting.events.at(-1)?.transition, name);
        assert.deepEqual(requesting.events.map(shared), requested.events.map(shared));
        assertOwnTransitions(requesting, readers.requesting.role);
        assertOwnTransitions(requested, readers.requested.role);
        return views;
      }

      async function bothViews() {
        return [
          await view(parties.requesting.node, readers.requesting.as, parties.requesting.id),
          await view(parties.requested.node, readers.requested.as, parties.requested.id),
        ] as const;
      }

      return Object.assign(step, { ids });
    }

    /** What the list of requests says waits for the requesting side's answer, on each node. */
    async function listedAwaiting(ids: Readonly<{ requestingId: string; requestedId: string }>) {
      const listed = async (node: NodePair['requesting'], as: ActingAs, id: string) => {
        const response = await node.app.inject({
          method: 'GET',
          url: '/api/v1/requests',
          headers: as.headers,
        });
        assert.equal(response.statusCode, 200, response.body);
        const items = json<{ items: { id: string; awaitingAnswer: string | null }[] }>(response).items;
        return items.find((item) => item.id === id)?.awaitingAnswer;
      };
      return [
        await listed(pair.requesting, fr.officer, ids.requestingId),
        await listed(pair.requested, de['legal-reviewer'], ids.requestedId),
      ];
    }

    /** The history as both nodes must agree on it (where each event was made differs). */
    /** An event as both nodes agree on it: where it was made, and the message's direction, differ. */
    function shared({ origin: _origin, message, ...event }: CaseEvent) {
      return {
        ...event,
        message: message && { id: message.id, state: message.state, receipt: message.receipt },
      };
    }

    it('tells a reader with nothing to do whom the case waits for on their side, and with which roles', async () => {
      const { requestedId } = await pair.deliverRequest(
        fr.officer,
        de['duty-officer'],
        preservationDraft('FR', 'DE', ++sequence),
      );
      const custodian = await asRole(pair.requested, 'evidence-custodian');
      const waiting = await view(pair.requested, custodian, requestedId);
      assert.deepEqual(waiting.availableTransitions, []);
      const acknowledge = (
        waiting as CaseView & { othersMay: { transition: string; roles: string[] }[] }
      ).othersMay.find((step) => step.transition === 'acknowledge');
      assert.ok(acknowledge, 'the acknowledgement is awaited');
      // The roles the lifecycle lets acknowledge, among those who read a request received here.
      const readsIncoming = (role: string) =>
        can(
          { userId: '', username: '', roles: [role as Role], authenticatedBy: 'session' },
          'request:read-incoming',
        );
      assert.deepEqual(
        acknowledge.roles,
        [...(findTransition('acknowledge')?.roles ?? [])]
          .filter((role) => role !== 'node' && readsIncoming(role))
          .sort((a, b) => ROLES.indexOf(a as Role) - ROLES.indexOf(b as Role)),
      );
      assert.ok(acknowledge.roles.includes('duty-officer'));
      // The duty officer may acknowledge: it is theirs, not another's.
      const dutyView = (await view(pair.requested, de['duty-officer'], requestedId)) as CaseView & {
        othersMay: { transition: string }[];
      };
      assert.ok(dutyView.availableTransitions.includes('acknowledge'));
      assert.ok(dutyView.othersMay.every((step) => step.transition !== 'acknowledge'));
    });

    it('clarification, conditions, acceptance, partial and full execution, then closing', async () => {
      const step = await deliveredCase();
      await step(
        'requested',
        'duty-officer',
        'acknowledge',
        { note: 'Received by the 24/7 desk.' },
        'acknowledged',
      );
      await step('requested', 'legal-reviewer', 'begin-assessment', {}, 'under-assessment');
      const questions = { questions: 'In which time zone are the log times?', answerBy: addDays(today(), 7) };
      const asked = await step(
        'requested',
        'legal-reviewer',
        'request-clarification',
        questions,
        'clarification-requested',
      );
      // Both sides read what waits for the requesting side's answer, and nothing once answered.
      const waitsFor = (views: readonly CaseView[]) => views.map((view) => view.awaitingAnswer);
      assert.deepEqual(waitsFor(asked), [
        { kind: 'clarification', text: questions.questions },
        { kind: 'clarification', text: questions.questions },
      ]);
      // The lists of requests say so too, on both nodes, and nothing once answered.
      assert.deepEqual(await listedAwaiting(step.ids), ['clarification', 'clarification']);
      const answered = await step(
        'requesting',
        'officer',
        'answer-clarification',
        { answer: 'UTC.' },
        'under-assessment',
      );
      assert.deepEqual(waitsFor(answered), [null, null]);
      assert.deepEqual(await listedAwaiting(step.ids), [null, null]);
      // The answer is said on both nodes until the requested side's next step.
      const lastAnswers = (views: readonly CaseView[]) =>
        views.map(
          (view) => view.lastAnswer && [view.lastAnswer.kind, view.lastAnswer.outcome, view.lastAnswer.text],
        );
      assert.deepEqual(lastAnswers(answered), [
        ['clarification', 'answered', 'UTC.'],
        ['clarification', 'answered', 'UTC.'],
      ]);
      const conditions = { text: 'Use only in the proceedings named in the request.' };
      const proposed = await step(
        'requested',
        'legal-reviewer',
        'propose-conditions',
        conditions,
        'under-assessment',
      );
      assert.deepEqual(lastAnswers(proposed), [null, null]);
      const inForce = (views: readonly CaseView[]) =>
        views.map((view) => view.conditionsInForce.map((conditions) => conditions.text));
      assert.deepEqual(inForce(proposed), [[], []], 'proposed conditions are not in force');
      assert.deepEqual(waitsFor(proposed), [
        { kind: 'conditions', text: conditions.text },
        { kind: 'conditions', text: conditions.text },
      ]);
      assert.deepEqual(await listedAwaiting(step.ids), ['conditions', 'conditions']);
      const agreed = await step('requesting', 'supervisor', 'accept-conditions', {}, 'under-assessment');
      assert.deepEqual(waitsFor(agreed), [null, null]);
      assert.deepEqual(lastAnswers(agreed), [
        ['conditions', 'accepted', ''],
        ['conditions', 'accepted', ''],
      ]);
      // Accepted, they bind for the rest of the case (Art. 40(27)): both sides keep them, dated.
      assert.deepEqual(inForce(agreed), [[conditions.text], [conditions.text]]);
      assert.match(agreed[0]?.conditionsInForce[0]?.acceptedAt ?? '', /^\d{4}-\d{2}-\d{2}T/);
      // Further conditions, declined: the ones accepted before still bind, and only they.
      const more = { text: 'Report back on the use made of the data.' };
      const reproposed = await step(
        'requested',
        'legal-reviewer',
        'propose-conditions',
        more,
        'under-assessment',
      );
      assert.deepEqual(inForce(reproposed), [[conditions.text], [conditions.text]]);
      const declined = await step(
        'requesting',
        'supervisor',
        'decline-conditions',
        { reasons: 'Not possible under our law.' },
        'under-assessment',
      );
      assert.deepEqual(inForce(declined), [[conditions.text], [conditions.text]]);
      const [accepted, accepting] = await step('requested', 'legal-reviewer', 'accept', {}, 'accepted');
      assert.deepEqual(inForce([accepted, accepting]), [[conditions.text], [conditions.text]]);
      // Each side is told what the other may do next: after an acceptance, the requesting side
      // expects execution to begin (or a postponement); the requested side, perhaps a withdrawal.
      assert.ok(
        ['begin-execution', 'postpone'].every((name) => accepted.otherSideMay.includes(name)),
        accepted.otherSideMay.join(', '),
      );
      assert.ok(!accepted.otherSideMay.includes('withdraw'));
      assert.ok(accepting.otherSideMay.includes('withdraw'), accepting.otherSideMay.join(', '));
      assert.ok(!accepting.otherSideMay.includes('begin-execution'));
      await step('requested', 'duty-officer', 'begin-execution', {}, 'in-execution');
      const partial = {
        text: 'Subscriber data for the address; traffic data follows.',
        results: [
          {
            kind: 'subscriber-data',
            identifier: '203.0.113.7 2026-02-01T10:00:00Z',
            subscriber: { name: 'A. N.' },
          },
        ],
        attachments: [],
      };
      const [afterPartial] = await step(
        'requested',
        'duty-officer',
        'execute-partly',
        partial,
        'executed-partly',
      );
      assert.deepEqual(afterPartial.events.at(-1)?.payload, partial);
      await step(
        'requested',
        'duty-officer',
        'execute-fully',
        { text: 'The traffic data.' },
        'executed-fully',
      );
      const [closed, closedThere] = await step('requesting', 'officer', 'close', {}, 'closed');
      // A closed case waits for nobody.
      assert.deepEqual([closed.otherSideMay, closedThere.otherSideMay], [[], []]);
      assert.deepEqual(
        closed.events.map((event) => [event.transition, event.side]),
        [
          ['acknowledge', 'requested'],
          ['begin-assessment', 'requested'],
          ['request-clarification', 'requested'],
          ['answer-clarification', 'requesting'],
          ['propose-conditions', 'requested'],
          ['accept-conditions', 'requesting'],
          ['propose-conditions', 'requested'],
          ['decline-conditions', 'requesting'],
          ['accept', 'requested'],
          ['begin-execution', 'requested'],
          ['execute-partly', 'requested'],
          ['execute-fully', 'requested'],
          ['close', 'requesting'],
        ],
      );
    });

    it('a postponed request resumes where it was', async () => {
      const step = await deliveredCase();
      await step('requested', 'duty-officer', 'acknowledge', {}, 'acknowledged');
      await step('requested', 'legal-reviewer', 'begin-assessment', {}, 'under-assessment');
      await step('requested', 'legal-reviewer', 'accept', {}, 'accepted');
      const postponement = {
        reasons: 'Execution would disturb an ongoing domestic investigation.',
        until: addDays(today(), 30),
        consultation: CONSULTATION,
      };
      await step('requested', 'legal-reviewer', 'postpone', postponement, 'postponed');
      await step('requested', 'legal-reviewer', 'resume', { note: 'The investigation ended.' }, 'accepted');
    });

    it('a preservation is extended at the request of the requesting State, then converted', async () => {
      const step = await deliveredCase();
      await step('requested', 'duty-officer', 'acknowledge', {}, 'acknowledged');
      const preservation = { tookEffectOn: today(), preservedUntil: addDays(today(), 75) };
      await step('requested', 'duty-officer', 'record-preservation', preservation, 'preserved');
      const extension = { requestedUntil: addDays(today(), 150), reasons: 'The court order is awaited.' };
      await step('requesting', 'officer', 'request-extension', extension, 'preserved');
      await step(
        'requested',
        'duty-officer',
        'extend',
        { preservedUntil: addDays(today(), 150) },
        'extended',
      );
      await step('requested', 'duty-officer', 'convert', { followUpReference: 'FR-2026-0042' }, 'converted');
    });

    it('the requesting State declines conditions; the request can then be accepted without them', async () => {
      const step = await deliveredCase();
      await step('requested', 'duty-officer', 'acknowledge', {}, 'acknowledged');
      const [assessed] = await step(
        'requested',
        'legal-reviewer',
        'begin-assessment',
        {},
        'under-assessment',
      );
      // No conditions to answer yet: FR is offered only to withdraw; once proposed, to decline them.
      assert.deepEqual(assessed.availableTransitions, ['withdraw']);
      const [proposed] = await step(
        'requested',
        'legal-reviewer',
        'propose-conditions',
        { text: 'No disclosure.' },
        'under-assessment',
      );
      assert.deepEqual(proposed.availableTransitions, ['decline-conditions', 'withdraw']);
      const declined = { reasons: 'Our law requires disclosure to the defence.' };
      await step('requesting', 'officer', 'decline-conditions', declined, 'under-assessment');
      await step('requested', 'legal-reviewer', 'accept', {}, 'accepted');
    });
  });
}
