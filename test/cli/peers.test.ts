import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type CliRun, runComity as runCli, withDataDirectoryDatabase } from '../helpers/cli.ts';
import { signDirectory } from '../../src/federation/protocol/directory-document.ts';
import { generateSigningKeyPair } from '../../src/federation/protocol/keys.ts';
import { createUuidV7 } from '../../src/federation/protocol/uuid-v7.ts';
import {
  writeDirectoryCache,
  writeDirectoryRefresh,
} from '../../src/storage/federation-directory.repository.ts';
import {
  findOutboxMessage,
  insertOutboxMessage,
  recordAttemptFailure,
} from '../../src/storage/outbox.repository.ts';
import { recordPeerFailure } from '../../src/storage/peer-states.repository.ts';
import type { Kysely } from 'kysely';
import type { Database } from '../../src/storage/schema.ts';

describe('comity peers and comity outbox (on the node database, PGlite)', () => {
  let dataDirectory: string;
  const failedId = createUuidV7();
  const pendingId = createUuidV7();

  const withDatabase = <T>(work: (db: Kysely<Database>) => Promise<T>): Promise<T> =>
    withDataDirectoryDatabase(dataDirectory, work);

  before(async () => {
    dataDirectory = await mkdtemp(path.join(os.tmpdir(), 'comity-cli-peers-'));
    await withDatabase(async (db) => {
      const now = new Date();
      for (const [id, caseId] of [
        [failedId, 'case-1'],
        [pendingId, 'case-2'],
      ] as const) {
        await insertOutboxMessage(db, {
          id,
          caseId,
          peerNodeId: 'de-247',
          type: 'ping',
          message: 'x.y.z',
          digest: 'd',
          now,
        });
      }
      await recordAttemptFailure(db, failedId, {
        now,
        nextAttemptAt: null,
        statusCode: 403,
        error: 'de-247 answered 403 unknown-sender',
      });
      await recordPeerFailure(db, 'de-247', {
        circuit: { status: 'closed', consecutiveFailures: 0 },
        consecutiveFailures: 0,
        now,
        error: 'de-247 answered 403 unknown-sender',
      });
    });
  });
  after(async () => rm(dataDirectory, { recursive: true, force: true }));

  function runComity(args: string[]): Promise<CliRun> {
    return runCli(dataDirectory, args);
  }

  it('lists peers with queue depth, failures and last error (JSON and text)', async () => {
    const listed = await runComity(['peers', '--json']);
    assert.equal(listed.code, 0, listed.stderr);
    const report = JSON.parse(listed.stdout) as {
      nodeId: string | null;
      items: {
        nodeId: string;
        queueDepth: number;
        failedMessages: number;
        lastError: string;
        isListed: boolean;
      }[];
    };
    assert.equal(report.nodeId, null);
    assert.equal(report.items.length, 1);
    assert.equal(report.items[0]?.nodeId, 'de-247');
    assert.equal(report.items[0]?.queueDepth, 1);
    assert.equal(report.items[0]?.failedMessages, 1);
    assert.equal(report.items[0]?.isListed, false);
    assert.match(report.items[0]?.lastError ?? '', /unknown-sender/);
  });

  it('retries a failed message, cancels a pending one, and refuses an unknown one', async () => {
    const failed = await runComity(['outbox', 'list', '--status', 'failed']);
    assert.equal(failed.code, 0, failed.stderr);
    assert.match(failed.stdout, new RegExp(`^${failedId}\\tde-247\\tping\\tfailed`, 'm'));
    assert.doesNotMatch(failed.stdout, new RegExp(pendingId));

    const retried = await runComity(['outbox', 'retry', failedId]);
    assert.equal(retried.code, 0, retried.stderr);
    assert.match(retried.stdout, /is pending again/);
    const cancelled = await runComity(['outbox', 'cancel', pendingId]);
    assert.equal(cancelled.code, 0, cancelled.stderr);
    const unknown = await runComity(['outbox', 'retry', randomUUID()]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /no outbox message/);

    await withDatabase(async (db) => {
      assert.equal((await findOutboxMessage(db, failedId))?.status, 'pending');
      assert.equal((await findOutboxMessage(db, pendingId))?.status, 'cancelled');
    });
  });

  it('shows the directory expiry and the last refresh with its outcome', async () => {
    const signing = await generateSigningKeyPair();
    const document = await signDirectory(
      { v: 1, serial: 3, issuedAt: '2026-01-01T00:00:00Z', expiresAt: '2026-01-08T00:00:00Z', nodes: [] },
      signing,
    );
    await withDatabase(async (db) => {
      await writeDirectoryCache(db, { document, serial: 3, fetchedAt: new Date('2026-01-02T00:00:00Z') });
      await writeDirectoryRefresh(db, {
        attemptedAt: new Date('2026-01-09T10:00:00Z'),
        isOk: false,
        reason: 'unreachable',
        detail: 'GET https://secretariat.example/federation/v1/directory failed: ECONNREFUSED',
      });
    });
    const text = await runComity(['peers']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(
      text.stdout,
      /directory serial 3 \(issued 2026-01-01T00:00:00Z, EXPIRED since 2026-01-08T00:00:00Z: no message is exchanged until a fresh one arrives\)/,
    );
    assert.match(
      text.stdout,
      /^last refresh 2026-01-09T10:00:00.000Z: failed \(unreachable\): GET .* failed: ECONNREFUSED$/m,
    );
    const report = JSON.parse((await runComity(['peers', '--json'])).stdout) as {
      directory: { expiresAt: string; isExpired: boolean };
      lastRefresh: { isOk: boolean; reason: string };
    };
    assert.equal(report.directory.expiresAt, '2026-01-08T00:00:00Z');
    assert.equal(report.directory.isExpired, true);
    assert.deepEqual([report.lastRefresh.isOk, report.lastRefresh.reason], [false, 'unreachable']);
  });
});
