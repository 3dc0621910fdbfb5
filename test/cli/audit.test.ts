/**
 * `comity audit` on both databases: an operator command is itself recorded; `verify` checks the
 * whole log offline and prints one line; a changed, deleted or reordered entry makes it exit
 * non-zero naming the first bad entry; `export-proof` writes proofs that `verify --proof` checks
 * without the database, and refuses an altered one.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Kysely, sql } from 'kysely';
import { recordAudit, settleAuditLog } from '../../src/services/audit.service.ts';
import { openDatabase } from '../../src/storage/database.ts';
import type { Database } from '../../src/storage/schema.ts';
import { type CliRun, runComity, withDataDirectoryDatabase } from '../helpers/cli.ts';
import { DATABASE_TARGETS } from '../helpers/database.ts';

for (const target of DATABASE_TARGETS) {
  describe(`comity audit [${target.name}]`, { skip: target.skip }, () => {
    let dataDirectory: string;
    let databaseUrl: string | undefined;

    before(async () => {
      dataDirectory = await mkdtemp(path.join(os.tmpdir(), 'comity-cli-audit-'));
      if (target.name === 'postgres') {
        const config = await target.config();
        databaseUrl = config.kind === 'postgres' ? config.url : undefined;
      }
    });
    after(async () => rm(dataDirectory, { recursive: true, force: true }));

    function comity(args: string[], input?: string): Promise<CliRun> {
      return runComity(dataDirectory, args, {
        ...(databaseUrl ? { env: { DATABASE_URL: databaseUrl } } : {}),
        ...(input === undefined ? {} : { input }),
      });
    }

    async function withDb<T>(work: (db: Kysely<Database>) => Promise<T>): Promise<T> {
      if (!databaseUrl) return withDataDirectoryDatabase(dataDirectory, work);
      const handle = await openDatabase({ kind: 'postgres', url: databaseUrl });
      try {
        return await work(handle.db);
      } finally {
        await handle.close();
      }
    }

    it('records an operator command, verifies the log, exports and checks proofs', async () => {
      const added = await comity(
        ['user', 'add', 'ines', '--role', 'auditor', '--password-stdin'],
        'a long enough password\n',
      );
      assert.equal(added.code, 0, added.stderr);
      await withDb(async (db) => {
        const context = { db, now: () => new Date('2026-12-12T10:00:00Z') };
        await Promise.all(
          Array.from({ length: 40 }, (_, i) =>
            recordAudit(context, {
              action: 'api:POST /api/v1/requests',
              actor: { kind: 'user', id: `u${i}`, username: `officer${i}` },
              resource: `r${i}`,
              outcome: 'success',
            }),
          ),
        );
        await settleAuditLog(db);
        const first = await sql<{ action: string }>`select action from audit_entries where seq = 0`.execute(
          db,
        );
        assert.equal(first.rows[0]?.action, 'cli:user add');
      });
      const verified = await comity(['audit', 'verify']);
      assert.equal(verified.code, 0, verified.stderr);
      assert.match(verified.stdout, /^audit log verified: 41 entries, root [0-9a-f]{64}/);
      const verifiedJson = await comity(['audit', 'verify', '--json']);
      assert.equal(verifiedJson.code, 0, verifiedJson.stderr);
      assert.deepEqual(JSON.parse(verifiedJson.stdout), {
        ok: true,
        treeSize: 41,
        rootHash: /root ([0-9a-f]{64})/.exec(verified.stdout)?.[1],
        signedHeads: 0,
        signaturesChecked: false,
      });

      const proofFile = path.join(dataDirectory, 'proof.json');
      const exported = await comity(['audit', 'export-proof', '--entry', '5', '--out', proofFile]);
      assert.equal(exported.code, 0, exported.stderr);
      const checked = await comity(['audit', 'verify', '--proof', proofFile]);
      assert.equal(checked.code, 0, checked.stderr);
      assert.match(checked.stdout, /entry 5 is in the tree of 41 entries/);
      const proof = JSON.parse(await readFile(proofFile, 'utf8')) as { index: number };
      await writeFile(proofFile, JSON.stringify({ ...proof, index: 6 }));
      const altered = await comity(['audit', 'verify', '--proof', proofFile]);
      assert.equal(altered.code, 1);
      assert.match(altered.stderr, /proof does not verify/);
      const alteredJson = await comity(['audit', 'verify', '--proof', proofFile, '--json']);
      assert.equal(alteredJson.code, 1);
      assert.equal((JSON.parse(alteredJson.stdout) as { ok: boolean }).ok, false);

      const consistencyFile = path.join(dataDirectory, 'consistency.json');
      const consistency = await comity(['audit', 'export-proof', '--from', '10', '--out', consistencyFile]);
      assert.equal(consistency.code, 0, consistency.stderr);
      const consistent = await comity(['audit', 'verify', '--proof', consistencyFile]);
      assert.equal(consistent.code, 0, consistent.stderr);
    });

    it('names the first bad entry of a changed, reordered or deleted log', async () => {
      await withDb(async (db) => {
        await sql`update audit_entries set entry = convert_to(replace(convert_from(entry, 'UTF8'), 'officer20', 'officer99'), 'UTF8') where seq = 21`.execute(
          db,
        );
      });
      const changed = await comity(['audit', 'verify']);
      assert.equal(changed.code, 1);
      assert.match(changed.stderr, /^comity: audit log broken at entry 21: entry 21 does not match its hash/);

      await withDb(async (db) => {
        await sql`update audit_entries set seq = -1 where seq = 9`.execute(db);
        await sql`update audit_entries set seq = 9 where seq = 12`.execute(db);
        await sql`update audit_entries set seq = 12 where seq = -1`.execute(db);
      });
      const reordered = await comity(['audit', 'verify']);
      assert.equal(reordered.code, 1);
      assert.match(reordered.stderr, /audit log broken at entry 9: .*reordered/);

      await withDb(async (db) => {
        await sql`delete from audit_entries where seq = 3`.execute(db);
      });
      const deleted = await comity(['audit', 'verify']);
      assert.equal(deleted.code, 1);
      assert.match(deleted.stderr, /audit log broken at entry 3: entry 3 is missing/);
    });
  });
}
