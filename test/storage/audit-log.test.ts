/**
 * The stored audit log on both databases: entries recorded at once are numbered without gaps and
 * the stored tree is the RFC 6962 tree of their bytes (root and proofs equal those of
 * src/core/audit/merkle.ts over the same entries in memory); signed tree heads verify; and a
 * changed, deleted or reordered entry makes verifyAuditLog fail naming the first bad entry.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import type { AppContext } from '../../src/app-context.ts';
import { consistencyProof, inclusionProof, rootHash } from '../../src/core/audit/merkle.ts';
import { generateSigningKeyPair } from '../../src/federation/protocol/index.ts';
import {
  type AuditEvent,
  auditConsistencyProof,
  auditInclusionProof,
  currentTreeHead,
  closeAuditLog,
  recordAudit,
  settleAuditLog,
  signAuditTreeHead,
  verifyAuditLog,
  verifyProofFile,
} from '../../src/services/audit.service.ts';
import type { DatabaseHandle } from '../../src/storage/database.ts';
import { createUuidV7 } from '../../src/federation/protocol/uuid-v7.ts';
import { insertInboxMessageWithEffect } from '../../src/storage/inbox.repository.ts';
import { canonicalJson } from '../../src/document/canonical-json.ts';
import { INTAKE_ROWS_PER_FOLD, insertAuditIntake } from '../../src/storage/audit.repository.ts';
import { DATABASE_TARGETS, POSTGRES_TARGET } from '../helpers/database.ts';
import { openDatabase } from '../../src/storage/database.ts';
import { migrateToLatest } from '../../src/storage/migrate.ts';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

function event(i: number): AuditEvent {
  return {
    action: i % 3 === 0 ? 'api:POST /api/v1/requests' : 'api:GET /api/v1/requests/:id',
    actor: { kind: 'user', id: `user-${i % 4}`, username: `officer${i % 4}` },
    resource: `resource-${i}`,
    outcome: i % 5 === 0 ? 'failure' : 'success',
    detail: { status: i % 5 === 0 ? 403 : 200 },
  };
}

async function contextOn(handle: DatabaseHandle): Promise<AppContext> {
  const signing = await generateSigningKeyPair();
  return {
    db: handle.db,
    databaseKind: handle.kind,
    now: () => new Date('2026-12-12T10:00:00.000Z'),
    federation: { identity: { nodeId: 'node-fr', keys: { signing } } },
  } as unknown as AppContext;
}

/** The entries in the tree, once everything recorded is numbered. */
async function storedEntries(handle: DatabaseHandle): Promise<Uint8Array[]> {
  await settleAuditLog(handle.db);
  const rows = await sql<{ entry: Uint8Array }>`select entry from audit_entries order by seq`.execute(
    handle.db,
  );
  return rows.rows.map((row) => row.entry);
}

async function keysOf(context: AppContext) {
  const signing = context.federation!.identity.keys.signing;
  return [{ kid: signing.kid, jwk: signing.publicJwk }];
}

for (const target of DATABASE_TARGETS) {
  describe(`audit log in storage [${target.name}]`, { skip: target.skip }, () => {
    async function withLog(
      count: number,
      work: (handle: DatabaseHandle, context: AppContext) => Promise<void>,
    ) {
      const handle = await target.open();
      try {
        const context = await contextOn(handle);
        await Promise.all(Array.from({ length: count }, (_, i) => recordAudit(context, event(i))));
        await settleAuditLog(handle.db);
        await work(handle, context);
      } finally {
        await handle.close();
      }
    }

    it('stores the RFC 6962 tree of the entries, with proofs that verify', async () => {
      await withLog(0, async (handle, context) => {
        assert.equal((await currentTreeHead(context)).rootHash, hex(rootHash([])));
        for (let round = 0; round < 5; round += 1) {
          await Promise.all(Array.from({ length: 7 + round }, (_, i) => recordAudit(context, event(i))));
          const leaves = await storedEntries(handle);
          const head = await currentTreeHead(context);
          assert.equal(head.treeSize, leaves.length);
          assert.equal(head.rootHash, hex(rootHash(leaves)));
        }
        const leaves = await storedEntries(handle);
        const seqs = leaves.map((bytes) => JSON.parse(new TextDecoder().decode(bytes)).seq);
        assert.deepEqual(
          seqs,
          leaves.map((_, i) => i),
        );
        for (const index of [0, 1, 6, 17, leaves.length - 1]) {
          const proof = await auditInclusionProof(context, index);
          assert.deepEqual(proof.proof, inclusionProof(leaves, index).map(hex));
          assert.ok(verifyProofFile({ kind: 'inclusion', ...proof }).ok);
          const older = await auditInclusionProof(context, index, index + 1);
          assert.deepEqual(older.proof, inclusionProof(leaves.slice(0, index + 1), index).map(hex));
        }
        for (const oldSize of [1, 7, 8, 20, leaves.length]) {
          const proof = await auditConsistencyProof(context, oldSize);
          assert.deepEqual(proof.proof, consistencyProof(leaves, oldSize).map(hex));
          assert.ok(verifyProofFile({ kind: 'consistency', ...proof }).ok);
        }
        const altered = await auditInclusionProof(context, 3);
        assert.ok(!verifyProofFile({ kind: 'inclusion', ...altered, index: 4 }).ok);
        assert.deepEqual(await verifyAuditLog(handle.db), {
          ok: true,
          treeSize: leaves.length,
          rootHash: hex(rootHash(leaves)),
          signedHeads: 0,
        });
      });
    });

    it('signs tree heads that verify with the node key', async () => {
      await withLog(10, async (handle, context) => {
        const head = await signAuditTreeHead(context);
        assert.equal(head?.treeSize, 10);
        await recordAudit(context, event(10));
        await signAuditTreeHead(context);
        const result = await verifyAuditLog(handle.db, { signingKeys: await keysOf(context) });
        assert.ok(result.ok);
        assert.equal(result.ok && result.signedHeads, 2);
        const other = await generateSigningKeyPair();
        const wrongKey = await verifyAuditLog(handle.db, {
          signingKeys: [{ kid: other.kid, jwk: other.publicJwk }],
        });
        assert.equal(wrongKey.ok, false);
      });
    });

    it('names a changed entry', async () => {
      await withLog(20, async (handle) => {
        await sql`update audit_entries set entry = convert_to(replace(convert_from(entry, 'UTF8'), 'resource-13', 'resource-99'), 'UTF8') where seq = 13`.execute(
          handle.db,
        );
        const result = await verifyAuditLog(handle.db);
        assert.equal(result.ok, false);
        assert.equal(!result.ok && result.firstBadEntry, 13);
        assert.match(!result.ok ? result.reason : '', /entry 13 does not match its hash/);
      });
    });

    it('names a changed entry whose leaf hash was changed with it, exactly, by the hash its successor recorded', async () => {
      await withLog(20, async (handle, context) => {
        await signAuditTreeHead(context);
        const { hashLeaf } = await import('../../src/core/audit/merkle.ts');
        const rewrite = async (seq: number) => {
          const [row] = (
            await sql<{ entry: Uint8Array }>`select entry from audit_entries where seq = ${seq}`.execute(
              handle.db,
            )
          ).rows;
          const text = new TextDecoder().decode(row!.entry).replace(`resource-${seq}`, 'resource-77');
          const bytes = new TextEncoder().encode(text);
          await sql`update audit_entries set entry = ${bytes}, leaf_hash = ${hashLeaf(bytes)} where seq = ${seq}`.execute(
            handle.db,
          );
          return hashLeaf(bytes);
        };
        // Entry 17, beyond the last stored subtree: caught by the signed head, named by entry 18.
        await rewrite(17);
        const inTail = await verifyAuditLog(handle.db);
        assert.equal(!inTail.ok && inTail.firstBadEntry, 17);
        assert.match(
          !inTail.ok ? inTail.reason : '',
          /entry 17 was changed together with its hash: entry 18/,
        );
        // Entry 12, inside the stored subtree of entries 8 to 15: named exactly, not to its subtree.
        await rewrite(12);
        const exact = await verifyAuditLog(handle.db);
        assert.equal(!exact.ok && exact.firstBadEntry, 12);
        assert.match(!exact.ok ? exact.reason : '', /entry 12 was changed together with its hash: entry 13/);
        // The successor's record rewritten too: narrowed to the subtree.
        const forged = await rewrite(12);
        await sql`update audit_entries set prev_leaf_hash = ${forged} where seq = 13`.execute(handle.db);
        const narrowed = await verifyAuditLog(handle.db);
        assert.equal(!narrowed.ok && narrowed.firstBadEntry, 8);
        assert.match(!narrowed.ok ? narrowed.reason : '', /entries 8 to 15/);
      });
    });

    it('commits each event to the intake before it resolves, and numbers what waits exactly once, in order', async () => {
      await withLog(5, async (handle, context) => {
        // What a process left in the intake when it stopped before numbering it.
        await insertAuditIntake(handle.db, [
          { event: canonicalJson(event(5)), recordedAt: new Date('2026-12-12T10:00:05.000Z') },
          { event: canonicalJson(event(6)), recordedAt: new Date('2026-12-12T10:00:06.000Z') },
        ]);
        // Recorded now: committed somewhere (the intake or the tree) as soon as the call resolves.
        await recordAudit(context, event(7));
        const committed = await sql<{ count: string }>`
          select (select count(*) from audit_intake) + (select count(*) from audit_entries) as count`.execute(
          handle.db,
        );
        assert.equal(Number(committed.rows[0]!.count), 8);
        // Two readers at once in one process: each event becomes one entry.
        await Promise.all([settleAuditLog(handle.db), verifyAuditLog(handle.db)]);
        const waiting = await sql<{ count: string }>`select count(*) as count from audit_intake`.execute(
          handle.db,
        );
        assert.equal(Number(waiting.rows[0]!.count), 0);
        const entries = (await storedEntries(handle)).map((bytes) =>
          JSON.parse(new TextDecoder().decode(bytes)),
        );
        assert.deepEqual(
          entries.map((entry) => [entry.seq, entry.resource]),
          [0, 1, 2, 3, 4, 5, 6, 7].map((i) => [i, `resource-${i}`]),
        );
        assert.equal(entries[5].at, '2026-12-12T10:00:05.000Z');
        assert.ok((await verifyAuditLog(handle.db)).ok);
      });
    });

    it('numbers a backlog larger than one fold in several, without gaps', async () => {
      await withLog(0, async (handle) => {
        const backlog = INTAKE_ROWS_PER_FOLD + 25;
        await insertAuditIntake(
          handle.db,
          Array.from({ length: backlog }, (_, i) => ({
            event: canonicalJson(event(i)),
            recordedAt: new Date('2026-12-12T10:00:00.000Z'),
          })),
        );
        const result = await verifyAuditLog(handle.db);
        assert.ok(result.ok && result.treeSize === backlog, JSON.stringify(result));
        const waiting = await sql<{ count: string }>`select count(*) as count from audit_intake`.execute(
          handle.db,
        );
        assert.equal(Number(waiting.rows[0]!.count), 0);
      });
    });

    it('records in each entry the leaf hash of the one before, across appends', async () => {
      await withLog(13, async (handle) => {
        const rows = (
          await sql<{ seq: string; leaf_hash: Uint8Array; prev_leaf_hash: Uint8Array | null }>`
            select seq, leaf_hash, prev_leaf_hash from audit_entries order by seq`.execute(handle.db)
        ).rows;
        assert.equal(rows.length, 13);
        assert.equal(rows[0]!.prev_leaf_hash, null);
        for (let i = 1; i < rows.length; i += 1) {
          assert.deepEqual(
            new Uint8Array(rows[i]!.prev_leaf_hash!),
            new Uint8Array(rows[i - 1]!.leaf_hash),
            `entry ${i}`,
          );
        }
      });
    });

    it('names a deleted entry, in the middle or at the end', async () => {
      await withLog(20, async (handle, context) => {
        await signAuditTreeHead(context);
        await sql`delete from audit_entries where seq = 19`.execute(handle.db);
        const atEnd = await verifyAuditLog(handle.db);
        assert.equal(!atEnd.ok && atEnd.firstBadEntry, 19);
        await sql`delete from audit_entries where seq = 5`.execute(handle.db);
        const inMiddle = await verifyAuditLog(handle.db);
        assert.equal(!inMiddle.ok && inMiddle.firstBadEntry, 5);
        assert.match(!inMiddle.ok ? inMiddle.reason : '', /entry 5 is missing/);
      });
    });

    it('keeps the tree heads a peer sends as witness, flagging a smaller or forked one', async () => {
      const handle = await target.open();
      try {
        const receive = async (treeSize: number, rootHash: string) => {
          const id = createUuidV7();
          const at = new Date('2026-12-12T10:00:00Z');
          await insertInboxMessageWithEffect(
            handle.db,
            {
              id,
              fromNodeId: 'fr-ca',
              type: 'audit.tree-head',
              caseId: 'audit-tree-head:de',
              digest: 'd',
              message: 'jws',
              receipt: 'r',
              receivedAt: at,
            },
            {
              kind: 'audit-witnessed-head',
              head: {
                nodeId: 'fr-ca',
                treeSize,
                rootHash,
                signedAt: at,
                keyId: 'kid',
                signature: 'jws',
                receivedAt: at,
              },
            },
          );
        };
        await receive(10, 'aa'.repeat(32));
        await receive(12, 'bb'.repeat(32));
        await receive(12, 'cc'.repeat(32));
        await receive(11, 'dd'.repeat(32));
        const rows = await sql<{ tree_size: number; flag: string | null }>`
          select tree_size, flag from audit_witnessed_heads where node_id = 'fr-ca' order by received_at, id`.execute(
          handle.db,
        );
        const flags = new Map(rows.rows.map((row) => [`${row.tree_size}`, row.flag]));
        assert.equal(rows.rows.length, 4);
        assert.equal(flags.get('10'), null);
        assert.equal(rows.rows.filter((row) => row.flag === 'forked').length, 1);
        assert.equal(flags.get('11'), 'smaller');
      } finally {
        await handle.close();
      }
    });

    it('names reordered entries', async () => {
      await withLog(20, async (handle) => {
        await sql`update audit_entries set seq = -1 where seq = 8`.execute(handle.db);
        await sql`update audit_entries set seq = 8 where seq = 11`.execute(handle.db);
        await sql`update audit_entries set seq = 11 where seq = -1`.execute(handle.db);
        const result = await verifyAuditLog(handle.db);
        assert.equal(!result.ok && result.firstBadEntry, 8);
        assert.match(!result.ok ? result.reason : '', /reordered/);
      });
    });
  });
}

describe('audit log shared by two processes of one node [postgres]', { skip: POSTGRES_TARGET.skip }, () => {
  it('numbers what both recorded exactly once, without gaps, when both fold at once', async () => {
    const config = await POSTGRES_TARGET.config();
    // Two pools on one database, as two processes of a node have (each its own writer and timer).
    const [first, second] = [await openDatabase(config), await openDatabase(config)];
    try {
      await migrateToLatest(first.db);
      const [a, b] = [await contextOn(first), await contextOn(second)];
      await Promise.all(Array.from({ length: 60 }, (_, i) => recordAudit(i % 2 === 0 ? a : b, event(i))));
      await Promise.all([settleAuditLog(first.db), settleAuditLog(second.db), settleAuditLog(first.db)]);
      const entries = (await storedEntries(first)).map((bytes) =>
        JSON.parse(new TextDecoder().decode(bytes)),
      );
      assert.deepEqual(
        entries.map((entry) => entry.seq),
        entries.map((_, i) => i),
      );
      assert.deepEqual(
        entries.map((entry) => entry.resource).sort(),
        Array.from({ length: 60 }, (_, i) => `resource-${i}`).sort(),
      );
      assert.ok((await verifyAuditLog(second.db)).ok);
    } finally {
      await closeAuditLog(first.db);
      await closeAuditLog(second.db);
      await first.close();
      await second.close();
    }
  });
});
