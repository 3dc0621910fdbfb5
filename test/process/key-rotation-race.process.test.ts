/**
 * Process test: a node rotates its keys and signs with the new one before the receiving node has
 * refreshed its directory (real node processes, refresh interval an hour, so DE does not refresh
 * by itself). FR runs `comity keys rotate`, the secretariat adds and publishes FR's new keys,
 * `comity keys activate` (which checks the secretariat's current directory) succeeds, and FR
 * restarts signing with the new key. DE meets a key id it does not know for a node it lists: it
 * refreshes its directory once and accepts the message, at the first attempt, instead of refusing
 * it for good as unknown-sender.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runComityOrThrow } from '../../src/demo/node-process.ts';
import { readDirectoryCache } from '../../src/storage/federation-directory.repository.ts';
import {
  enqueuePings,
  type Federation,
  readInbox,
  runComity,
  startFederation,
  temporaryDirectory,
  waitFor,
  withNodeDatabase,
} from '../helpers/node-process.ts';

type OutboxItem = { id: string; status: string; attempts: number; lastError: string | null };

describe('a key rotation the receiver has not seen yet', { timeout: 180_000 }, () => {
  let federation: Federation;

  before(async () => {
    federation = await startFederation({
      states: ['FR', 'DE'],
      shouldKeepLogs: false,
      shouldCreateUsers: false,
      env: { COMITY_DIRECTORY_REFRESH_SECONDS: '3600' },
    });
  });
  after(async () => {
    await federation?.stop();
  });

  it('is delivered at the first attempt: the receiver refreshes its directory on the unknown key', async () => {
    const fr = federation.node('FR');
    const de = federation.node('DE');
    const { secretariat } = federation;

    await runComityOrThrow(['keys', 'rotate'], { env: fr.process.env });
    const keysFile = path.join(temporaryDirectory(), 'fr-poc.keys.json');
    await writeFile(keysFile, (await runComityOrThrow(['keys', 'public'], { env: fr.process.env })).stdout);
    const early = await runComity(['keys', 'activate'], { env: fr.process.env });
    assert.equal(early.code, 1, 'not yet in the secretariat directory');
    assert.match(
      early.stderr,
      /the secretariat's current directory \(serial 1\) does not list the next keys/,
    );

    // The secretariat's commands share its database: it is stopped while they run.
    await secretariat.stop();
    await runComityOrThrow(['secretariat', 'add-key', keysFile], { env: secretariat.env });
    await runComityOrThrow(['secretariat', 'publish'], { env: secretariat.env });
    await secretariat.start();
    await runComityOrThrow(['keys', 'activate'], { env: fr.process.env });

    // Signed with the new key (enqueuePings stops FR, which restarts with its new keys).
    const [ping] = await enqueuePings(fr.process, de.process, ['rotation-case']);
    assert.ok(ping);
    await fr.process.start();
    const delivered = await waitFor(
      'the message signed with the new key delivered',
      async () => {
        const { items } = await fr.admin.expect<{ items: OutboxItem[] }>(
          'GET',
          '/api/v1/outbox?peer=de-poc&limit=10',
        );
        const item = items.find((candidate) => candidate.id === ping.id);
        return item?.status === 'delivered' || item?.status === 'failed' ? item : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    assert.equal(delivered.status, 'delivered', delivered.lastError ?? '');
    assert.equal(delivered.attempts, 1, 'delivered at the first attempt');

    await de.process.stop();
    const inbox = await withNodeDatabase(de.process, (db) => readInbox(db, 'fr-poc'));
    assert.ok(inbox.has(ping.id));
    const cached = await withNodeDatabase(de.process, (db) => readDirectoryCache(db));
    assert.equal(cached?.serial, 2, 'DE refreshed its directory on meeting the new key');
  });
});
