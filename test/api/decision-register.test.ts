/**
 * The register of two-person decisions (GET /api/v1/audit/two-person-decisions and
 * /api/v1/audit/role-changes): an auditor reads every submission and decision, newest first,
 * filtered and paged, each checked from its record; a row edited in the database shows as broken
 * and is counted; nobody without audit:read reads it. On both databases.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { preservationDraft } from '../../src/demo/demo-drafts.ts';
import { json } from '../helpers/app.ts';
import { approve, submit } from '../helpers/approval.ts';
import { type ActingAs, asRole } from '../helpers/auth.ts';
import { DATABASE_TARGETS } from '../helpers/database.ts';
import { type FederatedNode, type NodePair, startNodePair } from './delivery-fixture.ts';

type Check = 'held' | 'broken' | 'pending' | 'not-needed';
type Decision = {
  id: string;
  kind: string;
  requestId: string | null;
  caseReference: string | null;
  otherState: string | null;
  state: 'pending' | 'approved' | 'returned';
  submittedBy: { id: string | null };
  decidedBy: { id: string | null } | null;
  reasons: string | null;
  checks: { secondPerson: Check; decisionReference: Check };
};
type Register = {
  items: Decision[];
  nextBefore: string | null;
  totals: {
    pending: number;
    approved: number;
    returned: number;
    secondPersonNotShown: number;
    decisionReferenceMissing: number;
  };
};
type RoleChange = {
  id: string;
  username: string;
  status: string;
  rolesAdded: string[];
  secondAdministrator: Check;
};
type Problem = { type: string; status: number };

for (const target of DATABASE_TARGETS) {
  describe(`the register of two-person decisions [${target.name}]`, { skip: target.skip }, () => {
    let pair: NodePair;
    let fr: FederatedNode;
    let officer: ActingAs;
    let supervisor: ActingAs;
    let auditor: ActingAs;
    let sequence = 0;
    const ids = { approved: '', returned: '', pending: '' };

    before(async () => {
      pair = await startNodePair(target, {
        requesting: ['fr-register', 'FR'],
        requested: ['de-register', 'DE'],
      });
      fr = pair.requesting;
      officer = await asRole(fr, 'officer');
      supervisor = await asRole(fr, 'supervisor');
      auditor = await asRole(fr, 'auditor');
      for (const key of ['approved', 'returned', 'pending'] as const) {
        const created = await fr.app.inject({
          method: 'POST',
          url: '/api/v1/requests',
          headers: officer.headers,
          payload: preservationDraft('FR', 'DE', ++sequence),
        });
        assert.equal(created.statusCode, 201, created.body);
        ids[key] = json<{ request: { id: string } }>(created).request.id;
        assert.equal((await submit(fr, ids[key], officer)).statusCode, 202);
      }
      assert.equal((await approve(fr, ids.approved, { approver: supervisor })).statusCode, 202);
      const returned = await fr.app.inject({
        method: 'POST',
        url: `/api/v1/requests/${ids.returned}/return`,
        headers: supervisor.headers,
        payload: { reasons: 'name the account holder' },
      });
      assert.equal(returned.statusCode, 200, returned.body);
    });
    after(async () => {
      await pair?.close();
    });

    async function register(query = '', as: ActingAs = auditor): Promise<Register> {
      const response = await fr.app.inject({
        method: 'GET',
        url: `/api/v1/audit/two-person-decisions${query}`,
        headers: as.headers,
      });
      assert.equal(response.statusCode, 200, response.body);
      return json<Register>(response);
    }

    it('lists every submission newest first, each with its decision, its case and its checks', async () => {
      const { items, totals, nextBefore } = await register();
      assert.deepEqual(
        items.map((item) => item.requestId),
        [ids.pending, ids.returned, ids.approved],
      );
      assert.equal(nextBefore, null);
      const [pending, returned, approved] = items;
      assert.equal(approved?.state, 'approved');
      assert.equal(approved?.submittedBy.id, officer.userId);
      assert.equal(approved?.decidedBy?.id, supervisor.userId);
      assert.equal(approved?.otherState, 'DE');
      assert.match(approved?.caseReference ?? '', /\S/);
      assert.deepEqual(approved?.checks, { secondPerson: 'held', decisionReference: 'not-needed' });
      assert.equal(returned?.state, 'returned');
      assert.equal(returned?.reasons, 'name the account holder');
      assert.deepEqual(returned?.checks, { secondPerson: 'held', decisionReference: 'not-needed' });
      assert.equal(pending?.decidedBy, null);
      assert.deepEqual(pending?.checks, { secondPerson: 'pending', decisionReference: 'not-needed' });
      assert.deepEqual(totals, {
        pending: 1,
        approved: 1,
        returned: 1,
        secondPersonNotShown: 0,
        decisionReferenceMissing: 0,
      });
    });

    it('filters by state and kind, and pages with nextBefore', async () => {
      assert.deepEqual(
        (await register('?state=returned')).items.map((item) => item.requestId),
        [ids.returned],
      );
      assert.equal((await register('?kind=evidence-package')).items.length, 0);
      const first = await register('?limit=2');
      assert.equal(first.items.length, 2);
      assert.ok(first.nextBefore, 'a cursor to the older page');
      const second = await register(`?limit=2&before=${first.nextBefore}`);
      assert.deepEqual(
        second.items.map((item) => item.requestId),
        [ids.approved],
      );
      assert.equal(second.nextBefore, null);
    });

    it('shows a decision edited in the database as broken, and counts it', async () => {
      const [row] = await fr.context.db
        .selectFrom('approvals')
        .select(['id', 'request_type', 'decided_by'])
        .where('request_id', '=', ids.approved)
        .execute();
      assert.ok(row);
      try {
        // As if someone approved their own request, an intrusive measure, with no decision reference.
        await fr.context.db
          .updateTable('approvals')
          .set({ decided_by: officer.userId, request_type: 'interception', decision_reference: null })
          .where('id', '=', row.id)
          .execute();
        const { items, totals } = await register('?state=approved');
        assert.deepEqual(items[0]?.checks, { secondPerson: 'broken', decisionReference: 'broken' });
        assert.equal(totals.secondPersonNotShown, 1);
        assert.equal(totals.decisionReferenceMissing, 1);
      } finally {
        await fr.context.db
          .updateTable('approvals')
          .set({ decided_by: row.decided_by, request_type: row.request_type })
          .where('id', '=', row.id)
          .execute();
      }
      assert.equal((await register()).totals.secondPersonNotShown, 0);
    });

    it('lists the changes of roles with their second administrator', async () => {
      const admin = await asRole(fr, 'administrator');
      const secondAdmin = await asRole(fr, 'administrator');
      const created = await fr.app.inject({
        method: 'POST',
        url: '/api/v1/users',
        headers: admin.headers,
        payload: { username: 'register.clerk', password: 'a long enough password', roles: ['officer'] },
      });
      assert.equal(created.statusCode, 201, created.body);
      const grant = json<{ pendingRoleRequest: { id: string } }>(created).pendingRoleRequest;
      const changes = async () => {
        const response = await fr.app.inject({
          method: 'GET',
          url: '/api/v1/audit/role-changes',
          headers: auditor.headers,
        });
        assert.equal(response.statusCode, 200, response.body);
        return json<{ items: RoleChange[] }>(response).items;
      };
      assert.equal(
        (await changes()).find((change) => change.id === grant.id)?.secondAdministrator,
        'pending',
      );
      const approved = await fr.app.inject({
        method: 'POST',
        url: `/api/v1/role-requests/${grant.id}/approve`,
        headers: secondAdmin.headers,
      });
      assert.equal(approved.statusCode, 200, approved.body);
      const change = (await changes()).find((item) => item.id === grant.id);
      assert.equal(change?.username, 'register.clerk');
      assert.deepEqual(change?.rolesAdded, ['officer']);
      assert.equal(change?.secondAdministrator, 'held');
    });

    it("records each reading of the register in the audit log: the returns' reasons are case content", async () => {
      await register();
      const response = await fr.app.inject({
        method: 'GET',
        url: `/api/v1/audit/entries?action=${encodeURIComponent('api:GET /api/v1/audit/two-person-decisions')}`,
        headers: auditor.headers,
      });
      assert.equal(response.statusCode, 200, response.body);
      const entries = json<{ items: { entry: { actor: { id?: string }; outcome: string } | null }[] }>(
        response,
      ).items;
      assert.ok(entries.length >= 1, 'the reading is recorded');
      assert.equal(entries[0]?.entry?.actor.id, auditor.userId);
      assert.equal(entries[0]?.entry?.outcome, 'success');
    });

    it('is refused to anyone without audit:read, and a bad query is a problem that changes nothing', async () => {
      for (const url of ['/api/v1/audit/two-person-decisions', '/api/v1/audit/role-changes']) {
        const response = await fr.app.inject({ method: 'GET', url, headers: supervisor.headers });
        assert.equal(response.statusCode, 403, url);
      }
      for (const query of ['?state=signed', '?before=abc', '?limit=0', '?case=1']) {
        const response = await fr.app.inject({
          method: 'GET',
          url: `/api/v1/audit/two-person-decisions${query}`,
          headers: auditor.headers,
        });
        assert.equal(response.statusCode, 400, query);
        assert.equal(json<Problem>(response).type, 'urn:comity:problem:invalid-input');
      }
    });
  });
}
