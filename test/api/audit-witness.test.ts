/**
 * The witness, end to end, on both databases: node A (fr-ca) names node B (de-ca) its witness
 * (COMITY_AUDIT_WITNESS_NODE); the heads A signs travel to B as `audit.tree-head` messages over
 * real HTTP on loopback (A's delivery worker), B checks and keeps them, and an auditor at B reads
 * them through B's API. When A's log is rewritten and a head of the same size signed again (a
 * fork), B keeps it flagged `forked`, and says so.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { hashLeaf } from '../../src/core/audit/merkle.ts';
import {
  recordAudit,
  settleAuditLog,
  signAuditTreeHead,
  startAuditTreeHeadSigner,
} from '../../src/services/audit.service.ts';
import { auditTreeSize, latestAuditTreeHead } from '../../src/storage/audit.repository.ts';
import { type ActingAs, asRole } from '../helpers/auth.ts';
import { DATABASE_TARGETS } from '../helpers/database.ts';
import { type NodePair, startNodePair } from './delivery-fixture.ts';

type WitnessedHead = { nodeId: string; treeSize: number; rootHash: string; flag: string | null };

for (const target of DATABASE_TARGETS) {
  describe(`audit tree heads reach the witness [${target.name}]`, { skip: target.skip }, () => {
    let pair: NodePair;
    let auditorAtB: ActingAs;

    before(async () => {
      pair = await startNodePair(target, {
        requesting: ['fr-ca', 'FR'],
        requested: ['de-ca', 'DE'],
        requestingEnvironment: { COMITY_AUDIT_WITNESS_NODE: 'de-ca' },
      });
      auditorAtB = await asRole(pair.requested, 'auditor');
    });
    after(async () => pair?.close());

    async function witnessed(): Promise<WitnessedHead[]> {
      const response = await pair.requested.app.inject({
        method: 'GET',
        url: '/api/v1/audit/witnessed-heads',
        headers: auditorAtB.headers,
      });
      assert.equal(response.statusCode, 200, response.body);
      return (JSON.parse(response.body) as { items: WitnessedHead[] }).items;
    }

    it('delivers each signed head to the witness, which keeps it and flags a fork', async () => {
      const a = pair.requesting.context;
      const treeSize = async () => {
        await settleAuditLog(a.db);
        return auditTreeSize(a.db);
      };
      // A log whose last entry is alone in the tree's last subtree (its leaf hash is read directly).
      do {
        await recordAudit(a, {
          action: 'test:event',
          actor: { kind: 'operator' },
          resource: `r-${await treeSize()}`,
          outcome: 'success',
        });
      } while ((await treeSize()) % 8 !== 1);
      const size = await treeSize();

      const head = await signAuditTreeHead(a);
      assert.equal(head?.treeSize, size);
      assert.equal(head?.sentTo, 'de-ca');
      await pair.requestingWorker.runOnce();
      const first = await witnessed();
      assert.equal(first.length, 1);
      assert.equal(first[0]?.nodeId, 'fr-ca');
      assert.equal(first[0]?.treeSize, size);
      assert.equal(first[0]?.rootHash, Buffer.from(head!.rootHash).toString('hex'));
      assert.equal(first[0]?.flag, null);

      // A rewrites its last entry (and its leaf hash), forgets its head and signs the same size again.
      const last = size - 1;
      const [row] = (
        await sql<{ entry: Uint8Array }>`select entry from audit_entries where seq = ${last}`.execute(a.db)
      ).rows;
      const forged = new TextEncoder().encode(
        new TextDecoder().decode(row!.entry).replace(`r-${last}`, 'r-rewritten'),
      );
      await sql`update audit_entries set entry = ${forged}, leaf_hash = ${hashLeaf(forged)} where seq = ${last}`.execute(
        a.db,
      );
      await sql`delete from audit_tree_heads where tree_size = ${size}`.execute(a.db);
      const forkedHead = await signAuditTreeHead(a);
      assert.equal(forkedHead?.treeSize, size);
      assert.notDeepEqual(forkedHead?.rootHash, head?.rootHash);
      await pair.requestingWorker.runOnce();

      const heads = await witnessed();
      assert.equal(heads.length, 2);
      const fork = heads.find((item) => item.rootHash === Buffer.from(forkedHead!.rootHash).toString('hex'));
      assert.equal(fork?.nodeId, 'fr-ca');
      assert.equal(fork?.treeSize, size);
      assert.equal(fork?.flag, 'forked');
      assert.equal(heads.find((item) => item !== fork)?.flag, null);
    });

    it('shows the witnessed heads only to those who read the audit log', async () => {
      const officer = await asRole(pair.requested, 'officer');
      const response = await pair.requested.app.inject({
        method: 'GET',
        url: '/api/v1/audit/witnessed-heads',
        headers: officer.headers,
      });
      assert.equal(response.statusCode, 403);
    });

    it('signs a first head 30 s after start, not a whole interval later, then one every interval', async (t) => {
      t.mock.timers.enable({ apis: ['setTimeout', 'setInterval'] });
      const b = pair.requested.context;
      await recordAudit(b, { action: 'test:event', actor: { kind: 'operator' }, outcome: 'success' });
      const headBefore = await latestAuditTreeHead(b.db);
      const failures: unknown[] = [];
      const signer = startAuditTreeHeadSigner(b, 600_000, (error) => failures.push(error));
      /** The latest head once the signing a tick started has had time to finish (real I/O, no timers). */
      const settledHead = async () => {
        for (let turn = 0; turn < 200; turn += 1) await new Promise((resolve) => setImmediate(resolve));
        return latestAuditTreeHead(b.db);
      };
      try {
        t.mock.timers.tick(29_999);
        assert.equal((await settledHead())?.treeSize, headBefore?.treeSize, 'nothing signed before 30 s');
        t.mock.timers.tick(1);
        let head = await settledHead();
        for (let wait = 0; wait < 50 && head?.treeSize === headBefore?.treeSize; wait += 1) {
          head = await settledHead();
        }
        assert.ok((head?.treeSize ?? 0) > (headBefore?.treeSize ?? 0), 'signed at 30 s');
        assert.deepEqual(failures, []);
      } finally {
        signer.stop();
      }
    });
  });
}
