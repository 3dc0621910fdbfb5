/**
 * The two-person rule over two nodes (src/core/approval, docs/case-lifecycle.md "Approval"):
 * nothing is queued for the other node until a supervisor other than the author approves; an
 * approval sends (delivered, with its receipt), a return makes the request a draft again with the
 * reasons; responses to the requesting State (execution results, refusals) wait the same way,
 * acknowledgements go alone. On both databases.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RequestContent } from '../../src/core/request/draft.ts';
import { preservationDraft } from '../../src/demo/demo-drafts.ts';
import { json } from '../helpers/app.ts';
import { approve, approveResponse, submit, supervisorOf } from '../helpers/approval.ts';
import { findUserById } from '../../src/storage/users.repository.ts';
import { type ActingAs, asRole } from '../helpers/auth.ts';
import { DATABASE_TARGETS } from '../helpers/database.ts';
import { type FederatedNode, type NodePair, startNodePair } from './delivery-fixture.ts';

type Problem = { type: string; status: number; detail: string };
type RequestBody = {
  request: { id: string; status: string; revision: number; deliveryState: string | null; caseStatus: string };
};
type ApprovalItem = {
  id: string;
  kind: string;
  requestId: string | null;
  transition: string | null;
  transitionPayload: Record<string, unknown> | null;
  state: 'pending' | 'approved' | 'returned';
  submittedBy: { id: string | null; displayName: string };
  decidedBy: { id: string | null; displayName: string } | null;
  reasons: string | null;
  urgency: string | null;
  mayDecide: boolean;
  otherState?: string | null;
};

for (const target of DATABASE_TARGETS) {
  describe(`the two-person rule between two nodes [${target.name}]`, { skip: target.skip }, () => {
    let pair: NodePair;
    let fr: FederatedNode;
    let de: FederatedNode;
    let officer: ActingAs;
    let supervisor: ActingAs;
    let duty: ActingAs;
    let sequence = 0;

    before(async () => {
      pair = await startNodePair(target, {
        requesting: ['fr-approval', 'FR'],
        requested: ['de-approval', 'DE'],
      });
      fr = pair.requesting;
      de = pair.requested;
      officer = await asRole(fr, 'officer');
      supervisor = await supervisorOf(fr);
      duty = await asRole(de, 'duty-officer');
    });
    after(async () => {
      await pair?.close();
    });

    async function draft(content: RequestContent = preservationDraft('FR', 'DE', ++sequence), as = officer) {
      const response = await fr.app.inject({
        method: 'POST',
        url: '/api/v1/requests',
        headers: as.headers,
        payload: content,
      });
      assert.equal(response.statusCode, 201, response.body);
      return json<RequestBody>(response).request.id;
    }

    async function read(id: string, as: ActingAs = officer) {
      const response = await fr.app.inject({
        method: 'GET',
        url: `/api/v1/requests/${id}`,
        headers: as.headers,
      });
      assert.equal(response.statusCode, 200, response.body);
      return json<RequestBody>(response).request;
    }

    async function approvalsOf(node: FederatedNode, id: string, as: ActingAs): Promise<ApprovalItem[]> {
      const response = await node.app.inject({
        method: 'GET',
        url: `/api/v1/requests/${id}/approvals`,
        headers: as.headers,
      });
      assert.equal(response.statusCode, 200, response.body);
      return json<{ items: ApprovalItem[] }>(response).items;
    }

    async function queue(node: FederatedNode, as: ActingAs): Promise<ApprovalItem[]> {
      const response = await node.app.inject({
        method: 'GET',
        url: '/api/v1/approvals',
        headers: as.headers,
      });
      assert.equal(response.statusCode, 200, response.body);
      return json<{ items: ApprovalItem[] }>(response).items;
    }

    async function outboxCount(node: FederatedNode, caseId: string): Promise<number> {
      const rows = await node.context.db
        .selectFrom('outbox_messages')
        .select('id')
        .where('case_id', '=', caseId)
        .execute();
      return rows.length;
    }

    it('a submitted request waits: nothing is queued, its author can neither edit nor approve it', async () => {
      const id = await draft();
      const submitted = await submit(fr, id, officer);
      assert.equal(submitted.statusCode, 202, submitted.body);
      const request = await read(id);
      assert.equal(request.status, 'awaiting-approval');
      assert.equal(request.caseStatus, 'awaiting-approval');
      assert.equal(request.deliveryState, null);
      assert.equal(await outboxCount(fr, id), 0);
      assert.equal((await pair.requestingWorker.runOnce()).delivered, 0);

      const edit = await fr.app.inject({
        method: 'PUT',
        url: `/api/v1/requests/${id}`,
        headers: officer.headers,
        payload: preservationDraft('FR', 'DE', 900),
      });
      assert.equal(edit.statusCode, 409, edit.body);
      // The author holds no approval permission; a supervisor who drafted cannot approve either.
      assert.equal((await approve(fr, id, { approver: officer })).statusCode, 403);
      const submittedAgain = await submit(fr, id, officer);
      assert.equal(submittedAgain.statusCode, 409);
      assert.equal(await outboxCount(fr, id), 0);

      const waiting = (await queue(fr, supervisor)).find((item) => item.requestId === id);
      assert.ok(waiting, 'the request is in the approval queue');
      assert.equal(waiting.otherState, 'DE', 'the requested State, named in the queue');
      assert.equal(waiting.state, 'pending');
      assert.equal(waiting.mayDecide, true);
      assert.equal(waiting.submittedBy.id, officer.userId);
      const queueForOfficer = await fr.app.inject({
        method: 'GET',
        url: '/api/v1/approvals',
        headers: officer.headers,
      });
      assert.equal(queueForOfficer.statusCode, 403);
    });

    it("tells a draft's author who approves it: the designated role too for an intrusive measure", async () => {
      async function ruleOf(id: string) {
        const response = await fr.app.inject({
          method: 'GET',
          url: `/api/v1/requests/${id}/approvals`,
          headers: officer.headers,
        });
        assert.equal(response.statusCode, 200, response.body);
        const body = json<{
          items: ApprovalItem[];
          rule: { isIntrusive: boolean; designatedRole: string | null };
        }>(response);
        assert.deepEqual(body.items, [], 'nothing submitted yet');
        return body.rule;
      }
      assert.deepEqual(await ruleOf(await draft()), { isIntrusive: false, designatedRole: null });
      const interception = await draft({
        ...preservationDraft('FR', 'DE', ++sequence),
        type: 'interception',
      });
      assert.deepEqual(await ruleOf(interception), {
        isIntrusive: true,
        designatedRole: fr.context.config.approval.intrusiveApproverRole,
      });
    });

    it('a supervisor who drafted cannot approve it; another supervisor does, and it is delivered with its receipt', async () => {
      const drafter = await asRole(fr, 'supervisor');
      // In French, which DE's node does not declare it reads (the fixture's nodes read English).
      const id = await draft({ ...preservationDraft('FR', 'DE', ++sequence), language: 'fr' }, drafter);
      // Advice on what to check before sending is given while it can still be acted on, and not
      // once the request has left (its page is then read after the fact).
      const rulesOf = async () =>
        json<{ findings: { rule: string }[] }>(
          await fr.app.inject({ method: 'GET', url: `/api/v1/requests/${id}`, headers: drafter.headers }),
        ).findings.map((finding) => finding.rule);
      assert.ok((await rulesOf()).includes('language-not-read-by-node'));
      assert.equal((await submit(fr, id, drafter)).statusCode, 202);
      assert.ok((await rulesOf()).includes('language-not-read-by-node'), 'its approver reads it too');
      const own = await approve(fr, id, { approver: drafter });
      assert.equal(own.statusCode, 403, own.body);
      assert.match(json<Problem>(own).detail, /two-person rule/);
      assert.equal(await outboxCount(fr, id), 0);

      const approved = await approve(fr, id);
      assert.equal(approved.statusCode, 202, approved.body);
      assert.equal(json<RequestBody>(approved).request.status, 'sent');
      assert.equal(await outboxCount(fr, id), 1);
      assert.equal((await pair.requestingWorker.runOnce()).delivered, 1);
      const sent = await fr.app.inject({
        method: 'GET',
        url: `/api/v1/requests/${id}`,
        headers: drafter.headers,
      });
      const view = json<{ request: { deliveryState: string; delivery: { receipt: string | null } } }>(
        sent,
      ).request;
      assert.equal(view.deliveryState, 'delivered');
      assert.ok(view.delivery.receipt, 'the signed receipt came back');
      assert.ok(!(await rulesOf()).includes('language-not-read-by-node'), 'sent: no advice before sending');

      const incoming = await de.app.inject({
        method: 'GET',
        url: '/api/v1/requests?direction=incoming',
        headers: duty.headers,
      });
      const items = json<{ items: { remoteRequestId: string }[] }>(incoming).items;
      assert.ok(items.some((item) => item.remoteRequestId === id));

      const [record] = await approvalsOf(fr, id, drafter);
      assert.equal(record?.state, 'approved');
      assert.equal(record?.submittedBy.id, drafter.userId);
      assert.equal(record?.decidedBy?.id, supervisor.userId);
      assert.equal(record?.mayDecide, false);

      const again = await approve(fr, id);
      assert.equal(again.statusCode, 409, again.body);
      assert.equal(await outboxCount(fr, id), 1);
    });

    it('a request named by its id in capital letters is approved and sent all the same', async () => {
      const id = await draft();
      assert.equal((await submit(fr, id, officer)).statusCode, 202);
      const approved = await approve(fr, id.toUpperCase());
      assert.equal(approved.statusCode, 202, approved.body);
      assert.equal(json<RequestBody>(approved).request.id, id);
      assert.equal(json<RequestBody>(approved).request.status, 'sent');
      assert.equal(await outboxCount(fr, id), 1);
      const [record] = await approvalsOf(fr, id, officer);
      assert.equal(record?.state, 'approved');
    });

    it('a return needs reasons; returned, the request is its author’s draft again and goes after a new approval', async () => {
      const id = await draft();
      assert.equal((await submit(fr, id, officer)).statusCode, 202);
      const noReasons = await fr.app.inject({
        method: 'POST',
        url: `/api/v1/requests/${id}/return`,
        headers: supervisor.headers,
        payload: { reasons: '   ' },
      });
      assert.equal(noReasons.statusCode, 400, noReasons.body);
      const byAuthor = await fr.app.inject({
        method: 'POST',
        url: `/api/v1/requests/${id}/return`,
        headers: officer.headers,
        payload: { reasons: 'x' },
      });
      assert.equal(byAuthor.statusCode, 403);
      const returned = await fr.app.inject({
        method: 'POST',
        url: `/api/v1/requests/${id}/return`,
        headers: supervisor.headers,
        payload: { reasons: 'Give the IP address with its time zone.' },
      });
      assert.equal(returned.statusCode, 200, returned.body);
      assert.equal((await read(id)).status, 'draft');
      assert.equal(await outboxCount(fr, id), 0);
      const [record] = await approvalsOf(fr, id, officer);
      assert.equal(record?.state, 'returned');
      assert.equal(record?.reasons, 'Give the IP address with its time zone.');
      assert.equal(record?.decidedBy?.id, supervisor.userId);
      assert.equal((await approve(fr, id)).statusCode, 409, 'a draft cannot be approved');

      const edited = await fr.app.inject({
        method: 'PUT',
        url: `/api/v1/requests/${id}`,
        headers: officer.headers,
        payload: preservationDraft('FR', 'DE', 901),
      });
      assert.equal(edited.statusCode, 200, edited.body);
      assert.equal((await submit(fr, id, officer)).statusCode, 202);
      assert.equal((await approve(fr, id)).statusCode, 202);
      const history = await approvalsOf(fr, id, officer);
      assert.deepEqual(
        history.map((item) => item.state),
        ['returned', 'approved'],
      );
    });

    it('emergencies come first in the approval queue', async () => {
      const routine = await draft();
      const emergency = await draft({
        ...preservationDraft('FR', 'DE', ++sequence),
        urgency: { level: 'emergency', justification: 'Logs are rotated daily.' },
      });
      assert.equal((await submit(fr, routine, officer)).statusCode, 202);
      assert.equal((await submit(fr, emergency, officer)).statusCode, 202);
      const items = await queue(fr, supervisor);
      assert.equal(items[0]?.requestId, emergency);
      assert.equal(items[0]?.urgency, 'emergency');
      assert.ok(items.some((item) => item.requestId === routine));
      assert.equal((await approve(fr, emergency)).statusCode, 202);
      assert.equal((await approve(fr, routine)).statusCode, 202);
    });

    it('a response waits for a second person at the requested node; an acknowledgement goes alone', async () => {
      const { requestedId: deId, requestingId: frId } = await pair.deliverRequest(
        officer,
        duty,
        preservationDraft('FR', 'DE', ++sequence),
      );
      const reviewer = await asRole(de, 'legal-reviewer');
      const deSupervisor = await supervisorOf(de);
      const make = async (as: ActingAs, name: string, payload: object = {}) => {
        const response = await de.app.inject({
          method: 'POST',
          url: `/api/v1/requests/${deId}/transitions`,
          headers: as.headers,
          payload: { name, payload },
        });
        assert.equal(response.statusCode, 200, response.body);
        return json<{ case: { status: string } }>(response).case;
      };
      assert.equal((await make(duty, 'acknowledge')).status, 'acknowledged');
      assert.equal((await pair.requestedWorker.runOnce()).delivered, 1, 'the acknowledgement went alone');
      await make(duty, 'begin-assessment');
      await make(reviewer, 'accept');
      await make(duty, 'begin-execution');
      assert.equal((await pair.requestedWorker.runOnce()).delivered, 3);

      const response = { text: 'The subscriber data.', results: [], attachments: [] };
      const waiting = await make(duty, 'execute-fully', response);
      assert.equal(waiting.status, 'in-execution', 'the case is unchanged until a second person approves');
      assert.equal((await pair.requestedWorker.runOnce()).delivered, 0);
      const [pending] = (await approvalsOf(de, deId, duty)).filter((item) => item.state === 'pending');
      assert.equal(pending?.kind, 'case-transition');
      assert.equal(pending?.transition, 'execute-fully');
      // Its approver reads what it says before deciding.
      assert.deepEqual(pending?.transitionPayload, response);

      // The case is held while the response waits: nobody here is offered a step, and another
      // step (a second response, or any other) is refused as waiting, not taken as a conflict.
      for (const as of [duty, reviewer]) {
        const held = await de.app.inject({
          method: 'GET',
          url: `/api/v1/requests/${deId}/history`,
          headers: as.headers,
        });
        assert.deepEqual(
          json<{ case: { availableTransitions: string[] } }>(held).case.availableTransitions,
          [],
        );
      }
      const again = await de.app.inject({
        method: 'POST',
        url: `/api/v1/requests/${deId}/transitions`,
        headers: duty.headers,
        payload: { name: 'execute-partly', payload: response },
      });
      assert.equal(again.statusCode, 409, again.body);
      assert.equal(json<{ type: string }>(again).type, 'urn:comity:problem:awaiting-approval');
      // Nor does the screening checklist the decision rests on change under its approver.
      const rescreened = await de.app.inject({
        method: 'PUT',
        url: `/api/v1/requests/${deId}/screening`,
        headers: reviewer.headers,
        payload: { answers: [] },
      });
      assert.equal(rescreened.statusCode, 409, rescreened.body);
      assert.equal(json<{ type: string }>(rescreened).type, 'urn:comity:problem:awaiting-approval');
      const desk = await de.app.inject({ method: 'GET', url: '/api/v1/desk', headers: duty.headers });
      type DeskRow = { requestId: string; availableTransitions: string[]; awaitingApproval: boolean };
      const deskCase = json<{ items: DeskRow[] }>(desk).items.find((item) => item.requestId === deId);
      assert.deepEqual(deskCase?.availableTransitions, []);
      // The desk says why: the response waits for a supervisor.
      assert.equal(deskCase?.awaitingApproval, true);
      // In DE's queue, the response to a request received names the requesting State.
      const queued = (await queue(de, deSupervisor)).find((item) => item.requestId === deId);
      assert.equal(queued?.otherState, 'FR');

      // The one who made it cannot approve it (no permission); a supervisor returns it with reasons.
      assert.equal((await approveResponse(de, deId, { approver: duty })).statusCode, 403);
      const noReasons = await de.app.inject({
        method: 'POST',
        url: `/api/v1/requests/${deId}/response-approval`,
        headers: deSupervisor.headers,
        payload: { decision: 'return' },
      });
      assert.equal(noReasons.statusCode, 400, noReasons.body);
      const returned = await de.app.inject({
        method: 'POST',
        url: `/api/v1/requests/${deId}/response-approval`,
        headers: deSupervisor.headers,
        payload: { decision: 'return', reasons: 'Attach the provider’s letter.' },
      });
      assert.equal(returned.statusCode, 200, returned.body);
      assert.equal(json<{ case: { status: string } }>(returned).case.status, 'in-execution');
      assert.equal((await pair.requestedWorker.runOnce()).delivered, 0);
      const released = await de.app.inject({
        method: 'GET',
        url: `/api/v1/requests/${deId}/history`,
        headers: duty.headers,
      });
      assert.ok(
        json<{ case: { availableTransitions: string[] } }>(released).case.availableTransitions.includes(
          'execute-fully',
        ),
        'returned, the case is no longer held',
      );
      const deskAfter = await de.app.inject({ method: 'GET', url: '/api/v1/desk', headers: duty.headers });
      assert.equal(
        json<{ items: DeskRow[] }>(deskAfter).items.find((item) => item.requestId === deId)?.awaitingApproval,
        false,
      );

      await make(duty, 'execute-fully', response);
      const approved = await approveResponse(de, deId);
      assert.equal(approved.statusCode, 200, approved.body);
      assert.equal(json<{ case: { status: string } }>(approved).case.status, 'executed-fully');
      assert.equal((await pair.requestedWorker.runOnce()).delivered, 1);
      // Both States read who let the response leave: the second person, beside the one who made it.
      const approver = await findUserById(de.context.db, deSupervisor.userId);
      const approverName = approver?.displayName || approver?.username;
      assert.ok(approverName);
      type EventRow = {
        transition: string;
        actor: { displayName: string };
        approvedBy: { displayName: string } | null;
      };
      const eventsOf = async (node: FederatedNode, id: string, as: ActingAs) =>
        json<{ case: { events: EventRow[] } }>(
          await node.app.inject({
            method: 'GET',
            url: `/api/v1/requests/${id}/history`,
            headers: as.headers,
          }),
        ).case.events;
      const approvers = (events: EventRow[]) =>
        events.map((event) => [event.transition, event.approvedBy?.displayName ?? null]);
      const expected = [
        ['acknowledge', null],
        ['begin-assessment', null],
        ['accept', null],
        ['begin-execution', null],
        ['execute-fully', approverName],
      ];
      assert.deepEqual(approvers(await eventsOf(de, deId, duty)), expected);
      const atFr = await eventsOf(fr, frId, officer);
      assert.deepEqual(approvers(atFr), expected);
      assert.notEqual(
        atFr.at(-1)?.actor.displayName,
        approverName,
        'the maker and the approver are two people',
      );
      const history = await approvalsOf(de, deId, duty);
      assert.deepEqual(
        history.map((item) => [item.transition, item.state]),
        [
          ['execute-fully', 'returned'],
          ['execute-fully', 'approved'],
        ],
      );
      assert.equal((await approveResponse(de, deId)).statusCode, 409, 'nothing waits any more');
    });
  });
}
