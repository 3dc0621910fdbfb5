/**
 * The audit log through the API: sign-ins (right and wrong password), a draft created and read,
 * a refused call are recorded with actor, route, resource and outcome (and the step a call asked
 * for, as a word of its closed list) and never the content; the
 * auditor reads the entries (filtered, paged), the tree head and proofs that verify; other roles
 * may not.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { preservationDraft } from '../../src/demo/demo-drafts.ts';
import { verifyProofFile } from '../../src/services/audit.service.ts';
import { json, startTestApp, type TestApp } from '../helpers/app.ts';
import { type ActingAs, asRole, createUser, signIn } from '../helpers/auth.ts';
import { createUser as createUserAccount } from '../../src/services/users.service.ts';
import { DATABASE_TARGETS } from '../helpers/database.ts';

type Entry = {
  seq: number;
  leafHash: string;
  entry: {
    seq: number;
    action: string;
    actor: { kind: string; username?: string };
    resource?: string;
    outcome: string;
    detail?: Record<string, unknown>;
  };
  caseReference: string | null;
  actorName: string | null;
};

for (const target of DATABASE_TARGETS) {
  describe(`audit log API [${target.name}]`, { skip: target.skip }, () => {
    let subject: TestApp;
    let auditor: ActingAs;
    let officer: ActingAs;
    let requestId = '';

    before(async () => {
      subject = await startTestApp(target);
      auditor = await asRole(subject, 'auditor');
      officer = await asRole(subject, 'officer');
      const created = await subject.app.inject({
        method: 'POST',
        url: '/api/v1/requests',
        headers: officer.headers,
        payload: preservationDraft('FR', 'DE', 1),
      });
      assert.equal(created.statusCode, 201, created.body);
      requestId = json<{ request: { id: string } }>(created).request.id;
      const read = await subject.app.inject({
        method: 'GET',
        url: `/api/v1/requests/${requestId}`,
        headers: officer.headers,
      });
      assert.equal(read.statusCode, 200);
      const user = await createUser(subject, { roles: ['officer'] });
      const wrong = await subject.app.inject({
        method: 'POST',
        url: '/api/v1/session',
        payload: { username: user.username, password: 'not-the-password' },
      });
      assert.equal(wrong.statusCode, 401);
    });

    after(async () => subject?.close());

    async function entries(query = ''): Promise<{ items: Entry[]; treeSize: number }> {
      const response = await subject.app.inject({
        method: 'GET',
        url: `/api/v1/audit/entries${query}`,
        headers: auditor.headers,
      });
      assert.equal(response.statusCode, 200, response.body);
      return json(response);
    }

    it('records sign-ins, a draft created and read, with actor and resource, never content', async () => {
      const { items, treeSize } = await entries('?limit=500');
      assert.equal(items.length, treeSize);
      const signIns = items.filter((item) => item.entry.action === 'auth:sign-in');
      assert.ok(signIns.some((item) => item.entry.outcome === 'success'));
      assert.ok(
        signIns.some((item) => item.entry.outcome === 'failure' && item.entry.actor.kind === 'anonymous'),
      );
      const create = items.find((item) => item.entry.action === 'api:POST /api/v1/requests');
      assert.equal(create?.entry.outcome, 'success');
      assert.equal(create?.entry.actor.kind, 'user');
      const view = items.find((item) => item.entry.action === 'api:GET /api/v1/requests/:id');
      assert.equal(view?.entry.resource, requestId);
      const everything = JSON.stringify(items.map((item) => item.entry));
      assert.ok(!everything.includes('not-the-password'));
      const reference = preservationDraft('FR', 'DE', 1).caseReference ?? 'no reference';
      assert.ok(!everything.includes(reference), 'no entry holds content');
      // Beside the entry (not in it nor its hash), the reference the request has now, for an
      // auditor, who reads every request: entries about no request have none.
      assert.equal(view?.caseReference, reference);
      assert.ok(signIns.every((item) => item.caseReference === null));
    });

    it('records the step a call asked for, in its closed-list word only, whatever its outcome', async () => {
      const step = async (name: string) =>
        subject.app.inject({
          method: 'POST',
          url: `/api/v1/requests/${requestId}/transitions`,
          headers: officer.headers,
          payload: { name, payload: {} },
        });
      // A draft has no case step to make: refused, and recorded with the step it asked for.
      assert.ok((await step('withdraw')).statusCode >= 400);
      assert.ok((await step('Withdraw it: the suspect was arrested')).statusCode >= 400);
      const { items } = await entries('?limit=500');
      const asked = items
        .filter((item) => item.entry.action === 'api:POST /api/v1/requests/:id/transitions')
        .map((item) => item.entry.detail);
      // Newest first.
      assert.equal(asked.length, 2);
      assert.equal(asked[1]?.transition, 'withdraw');
      assert.equal(asked[0]?.transition, undefined, 'a value that is not a word of the list is left out');
      assert.ok(!JSON.stringify(asked).includes('arrested'));
    });

    it('names a person by the name the node shows, and finds their entries by it', async () => {
      const password = `test-password-${Date.now()}`;
      await createUserAccount(subject.context, {
        username: 'ana.audit',
        password,
        roles: ['officer'],
        displayName: 'Ana Ferreira',
      });
      await signIn(subject, 'ana.audit', password);
      // By the name, whatever its case, as by the username the entries hold.
      for (const actor of ['ana ferreira', 'ana.audit']) {
        const { items } = await entries(`?actor=${encodeURIComponent(actor)}`);
        assert.ok(items.length > 0, actor);
        assert.ok(
          items.every((item) => item.entry.actor.username === 'ana.audit'),
          actor,
        );
        assert.ok(
          items.every((item) => item.actorName === 'Ana Ferreira'),
          actor,
        );
      }
      // Other actors have no name here: a node, the operator, an anonymous sign-in.
      const { items } = await entries('?limit=500');
      assert.ok(
        items.filter((item) => item.entry.actor.kind !== 'user').every((item) => item.actorName === null),
      );
    });

    it('shows the reads of case content apart from everything else', async () => {
      const reads = await entries('?kind=read&limit=500');
      assert.ok(reads.items.some((item) => item.entry.action === 'api:GET /api/v1/requests/:id'));
      assert.ok(reads.items.every((item) => item.entry.action.startsWith('api:GET ')));
      const changes = await entries('?kind=change&limit=500');
      assert.ok(changes.items.some((item) => item.entry.action === 'api:POST /api/v1/requests'));
      assert.ok(changes.items.some((item) => item.entry.action === 'auth:sign-in'));
      assert.ok(changes.items.every((item) => !item.entry.action.startsWith('api:GET ')));
      const all = await entries('?limit=500');
      assert.equal(reads.items.length + changes.items.length, all.items.length);
      const refused = await subject.app.inject({
        method: 'GET',
        url: '/api/v1/audit/entries?kind=writes',
        headers: auditor.headers,
      });
      assert.equal(refused.statusCode, 400);
    });

    it('filters and pages the entries, newest first', async () => {
      const signIns = await entries('?action=auth:sign-in');
      assert.ok(signIns.items.length >= 3);
      assert.ok(signIns.items.every((item) => item.entry.action === 'auth:sign-in'));
      const failures = await entries('?outcome=failure');
      assert.ok(failures.items.every((item) => item.entry.outcome === 'failure'));
      const first = await entries('?limit=2');
      assert.equal(first.items.length, 2);
      assert.ok(first.items[0]!.seq > first.items[1]!.seq);
      const next = await entries(`?limit=2&before=${first.items[1]!.seq}`);
      assert.ok(next.items[0]!.seq < first.items[1]!.seq);
    });

    it('gives the tree head and proofs that verify', async () => {
      const headResponse = await subject.app.inject({
        method: 'GET',
        url: '/api/v1/audit/tree-head',
        headers: auditor.headers,
      });
      const head = json<{ treeSize: number; rootHash: string }>(headResponse);
      assert.ok(head.treeSize > 3);
      const inclusion = await subject.app.inject({
        method: 'GET',
        url: `/api/v1/audit/proofs/inclusion?index=2&treeSize=${head.treeSize}`,
        headers: auditor.headers,
      });
      assert.equal(inclusion.statusCode, 200, inclusion.body);
      const proof = json<{ rootHash: string }>(inclusion);
      assert.equal(proof.rootHash, head.rootHash);
      assert.ok(verifyProofFile({ kind: 'inclusion', ...json<object>(inclusion) } as never).ok);
      const consistency = await subject.app.inject({
        method: 'GET',
        url: `/api/v1/audit/proofs/consistency?oldSize=3&newSize=${head.treeSize}`,
        headers: auditor.headers,
      });
      assert.equal(consistency.statusCode, 200, consistency.body);
      assert.ok(verifyProofFile({ kind: 'consistency', ...json<object>(consistency) } as never).ok);
      const beyond = await subject.app.inject({
        method: 'GET',
        url: `/api/v1/audit/proofs/inclusion?index=${head.treeSize + 5}`,
        headers: auditor.headers,
      });
      assert.equal(beyond.statusCode, 404);
    });

    it('is for auditors only, and a refused call is itself recorded', async () => {
      const refused = await subject.app.inject({
        method: 'GET',
        url: '/api/v1/audit/entries',
        headers: officer.headers,
      });
      assert.equal(refused.statusCode, 403);
      const deleteRefused = await subject.app.inject({
        method: 'DELETE',
        url: `/api/v1/requests/${requestId}`,
        headers: auditor.headers,
      });
      assert.equal(deleteRefused.statusCode, 403);
      const { items } = await entries('?outcome=failure');
      assert.ok(
        items.some(
          (item) =>
            item.entry.action === 'api:DELETE /api/v1/requests/:id' &&
            item.entry.resource === requestId &&
            item.entry.detail?.status === 403,
        ),
      );
    });
  });
}
