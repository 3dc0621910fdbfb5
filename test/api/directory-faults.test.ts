/**
 * Directory faults between State nodes whose directory comes from a test secretariat over
 * loopback HTTP (real directory client, real delivery worker, one settable clock):
 *
 * - an expired directory is a transient fault everywhere: queued messages stay pending and are
 *   delivered once a fresh directory arrives, incoming messages get 503 directory-expired, sends
 *   are refused with directory-expired (nothing queued), health and the peers report say so;
 * - a key rotation race: a node signs with a key the secretariat published after the receiver's
 *   last refresh; the receiver refreshes once (rate-limited per node) and accepts; a key that is
 *   never published is answered 503 unknown-sender-key for a bounded time, then 403 unknown-sender.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { preservationDraft } from '../../src/demo/demo-drafts.ts';
import { activateNextKeys, createNextKeys } from '../../src/federation/identity/identity-store.ts';
import {
  UNKNOWN_KEY_GRACE_MS,
  UNKNOWN_KEY_REFRESH_INTERVAL_MS,
} from '../../src/federation/inbox/sender-key.ts';
import { pingMessage } from '../../src/federation/messages/ping.message.ts';
import { sealForPeer } from '../../src/federation/messages/seal-for-peer.ts';
import { generateSigningKeyPair } from '../../src/federation/protocol/keys.ts';
import type { DirectoryNode } from '../../src/federation/protocol/types.ts';
import { addNodeKeys } from '../../src/services/secretariat.service.ts';
import { findInboxMessage } from '../../src/storage/inbox.repository.ts';
import { findOutboxMessage, insertOutboxMessage } from '../../src/storage/outbox.repository.ts';
import { json } from '../helpers/app.ts';
import { submitAndApprove } from '../helpers/approval.ts';
import { asRole } from '../helpers/auth.ts';
import { DATABASE_TARGETS } from '../helpers/database.ts';
import type { Clock } from '../helpers/secretariat-fixture.ts';
import {
  type NodeUnderTest,
  type SecretariatFederation,
  startSecretariatFederation,
} from './secretariat-federation-fixture.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
const NODES = [
  { nodeId: 'fr-ca', state: 'FR', authority: 'central-authority' as const },
  { nodeId: 'de-247', state: 'DE', authority: 'point-of-contact' as const },
];

type Problem = { type: string; status: number; detail: string };

function advance(clock: Clock, ms: number): void {
  clock.now = new Date(clock.now.getTime() + ms);
}

/** Seals a ping from `from` to `to` now, and queues it in `from`'s outbox. */
async function queuePing(from: NodeUnderTest, to: DirectoryNode, caseId: string, now: Date): Promise<string> {
  const sealed = await sealForPeer(from.runtime(), pingMessage, { to, caseId, body: {}, now });
  await insertOutboxMessage(from.context.db, { ...sealed, caseId, peerNodeId: to.nodeId, now });
  return sealed.id;
}

function postMessage(node: NodeUnderTest, message: string) {
  return node.app.inject({
    method: 'POST',
    url: '/federation/v1/messages',
    headers: { 'content-type': 'application/jose' },
    payload: message,
  });
}

for (const target of DATABASE_TARGETS) {
  describe(`an expired directory is a transient fault [${target.name}]`, { skip: target.skip }, () => {
    const clock: Clock = { now: new Date('2026-12-01T09:00:00.000Z') };
    let federation: SecretariatFederation;
    before(async () => {
      federation = await startSecretariatFederation(target, clock, NODES);
    });
    after(async () => federation?.close());

    it('keeps messages pending, refuses incoming ones and sends as transient, reports it, and delivers once a fresh directory arrives', async () => {
      const fr = federation.node('fr-ca');
      const de = federation.node('de-247');
      const deEntry = fr.directory.findNode('de-247');
      assert.ok(deEntry);
      const expiresAt = fr.directory.describe()?.expiresAt;
      assert.ok(expiresAt);
      const queued = await queuePing(fr, deEntry, 'case-expiry', clock.now);

      // The secretariat publishes nothing new for 8 days (down, or not renewing): both directories expire.
      advance(clock, 8 * DAY_MS);
      await fr.directory.refresh();
      const refreshed = fr.directory.lastOutcome();
      assert.equal(refreshed?.ok === false && refreshed.reason, 'expired');
      assert.equal(fr.directory.expiredSince(), expiresAt);

      // Delivery: transient, the message stays pending.
      const report = await fr.worker().runOnce();
      assert.deepEqual(report, { attempted: 1, delivered: 0, failed: 0, retrying: 1 });
      const waiting = await findOutboxMessage(fr.context.db, queued);
      assert.equal(waiting?.status, 'pending');
      assert.match(waiting?.lastError ?? '', /directory of nodes expired at .*waiting for a fresh one/);

      // Reception: a valid message from a listed node is refused as transient, not as unknown-sender.
      const frEntry = de.directory.current()?.nodes.find((node) => node.nodeId === 'fr-ca');
      assert.ok(frEntry);
      const incoming = await sealForPeer(fr.runtime(), pingMessage, {
        to: deEntry,
        caseId: 'case-incoming',
        body: {},
        now: clock.now,
      });
      const refused = await postMessage(de, incoming.message);
      assert.equal(refused.statusCode, 503, refused.body);
      const problem = json<Problem>(refused);
      assert.equal(problem.type, 'urn:comity:problem:federation-directory-expired');
      assert.match(problem.detail, new RegExp(`expired at ${expiresAt}`));
      assert.equal(await findInboxMessage(de.context.db, incoming.id), undefined, 'nothing stored');

      // Sending: refused with its own problem, the request stays a draft, nothing queued.
      const officer = await asRole(fr, 'officer');
      const drafted = await fr.app.inject({
        method: 'POST',
        url: '/api/v1/requests',
        headers: officer.headers,
        payload: preservationDraft('FR', 'DE') as object,
      });
      assert.equal(drafted.statusCode, 201, drafted.body);
      const requestId = json<{ request: { id: string } }>(drafted).request.id;
      const sent = await submitAndApprove(fr, requestId, officer);
      assert.equal(sent.statusCode, 503, sent.body);
      assert.equal(json<Problem>(sent).type, 'urn:comity:problem:directory-expired');
      const reread = await fr.app.inject({
        method: 'GET',
        url: `/api/v1/requests/${requestId}`,
        headers: officer.headers,
      });
      assert.equal(json<{ request: { status: string } }>(reread).request.status, 'draft');

      // Health: degraded, saying since when; the node still answers (200).
      const health = await fr.app.inject({ method: 'GET', url: '/api/v1/health' });
      assert.equal(health.statusCode, 200);
      const healthBody = json<{ status: string; dependencies: { directory?: string }; problems: string[] }>(
        health,
      );
      assert.equal(healthBody.status, 'degraded');
      assert.equal(healthBody.dependencies.directory, 'expired');
      assert.deepEqual(healthBody.problems, [`directory expired since ${expiresAt}`]);

      // Peers report: expiry and the last refresh's outcome.
      const admin = await asRole(fr, 'administrator');
      const peers = await fr.app.inject({ method: 'GET', url: '/api/v1/peers', headers: admin.headers });
      assert.equal(peers.statusCode, 200, peers.body);
      const peersBody = json<{
        directory: { serial: number; expiresAt: string; isExpired: boolean };
        lastRefresh: { at: string; isOk: boolean; reason: string | null };
      }>(peers);
      assert.deepEqual(
        { ...peersBody.directory },
        { ...peersBody.directory, serial: 1, expiresAt, isExpired: true },
      );
      assert.deepEqual(
        {
          at: peersBody.lastRefresh.at,
          isOk: peersBody.lastRefresh.isOk,
          reason: peersBody.lastRefresh.reason,
        },
        { at: clock.now.toISOString(), isOk: false, reason: 'expired' },
      );

      // The secretariat is back: a fresh directory, and the queued message is due at once (its
      // back-off is not waited out), with no clock moved and no retry by hand.
      await federation.publish();
      await fr.directory.refresh();
      await de.directory.refresh();
      assert.equal(fr.directory.expiredSince(), undefined);
      const heldBack = await findOutboxMessage(fr.context.db, queued);
      assert.ok(heldBack && heldBack.nextAttemptAt.getTime() <= clock.now.getTime(), 'due now');
      const resumed = await fr.worker().runOnce();
      assert.deepEqual(resumed, { attempted: 1, delivered: 1, failed: 0, retrying: 0 });
      assert.equal((await findOutboxMessage(fr.context.db, queued))?.status, 'delivered');
      assert.ok(await findInboxMessage(de.context.db, queued), 'the receiver has it');
      const healthy = json<{ status: string }>(await fr.app.inject({ method: 'GET', url: '/api/v1/health' }));
      assert.equal(healthy.status, 'ok');
    });
  });

  describe(`a key rotation seen by the receiver before its next refresh [${target.name}]`, {
    skip: target.skip,
  }, () => {
    const clock: Clock = { now: new Date('2026-12-01T09:00:00.000Z') };
    let federation: SecretariatFederation;
    before(async () => {
      federation = await startSecretariatFederation(target, clock, NODES);
    });
    after(async () => federation?.close());

    it('refreshes once on the unknown key of a listed node and accepts the message', async () => {
      const fr = federation.node('fr-ca');
      const de = federation.node('de-247');
      const bundle = await createNextKeys(fr.identityDirectory, { passphrase: undefined });
      await addNodeKeys(federation.secretariat.context, {
        nodeId: 'fr-ca',
        keys: bundle.keys.filter((key) => key.status === 'next'),
      });
      await federation.publish();
      await fr.directory.refresh();
      assert.equal(fr.directory.describe()?.serial, 2, "the sender's own directory lists its next keys");
      assert.equal(de.directory.describe()?.serial, 1, 'the receiver has not refreshed');
      await activateNextKeys(fr.identityDirectory);
      await fr.reloadIdentity();

      const fetchesBefore = de.directoryFetches();
      const deEntry = fr.directory.findNode('de-247');
      assert.ok(deEntry);
      const id = await queuePing(fr, deEntry, 'case-rotation', clock.now);
      const report = await fr.worker().runOnce();
      assert.deepEqual(report, { attempted: 1, delivered: 1, failed: 0, retrying: 0 });
      assert.ok(await findInboxMessage(de.context.db, id));
      assert.equal(de.directoryFetches(), fetchesBefore + 1, 'one refresh');
      assert.equal(de.directory.describe()?.serial, 2);
    });

    it('answers a key never published with 503 unknown-sender-key (refreshing at most once per interval), then 403 unknown-sender', async () => {
      const fr = federation.node('fr-ca');
      const de = federation.node('de-247');
      const deEntry = fr.directory.findNode('de-247');
      assert.ok(deEntry);
      const stray = await generateSigningKeyPair();
      const forge = async () =>
        (
          await sealForPeer(
            {
              ...fr.runtime(),
              identity: { ...fr.runtime().identity, keys: { ...fr.runtime().identity.keys, signing: stray } },
            },
            pingMessage,
            { to: deEntry, caseId: 'case-stray', body: {}, now: clock.now },
          )
        ).message;

      const fetchesBefore = de.directoryFetches();
      const first = await postMessage(de, await forge());
      assert.equal(first.statusCode, 503, first.body);
      assert.equal(json<Problem>(first).type, 'urn:comity:problem:federation-unknown-sender-key');
      assert.equal(de.directoryFetches(), fetchesBefore, 'refreshed for fr-ca moments ago: not again');

      advance(clock, UNKNOWN_KEY_REFRESH_INTERVAL_MS + 1000);
      const second = await postMessage(de, await forge());
      assert.equal(second.statusCode, 503);
      assert.equal(de.directoryFetches(), fetchesBefore + 1, 'one refresh once the interval has passed');
      const third = await postMessage(de, await forge());
      assert.equal(third.statusCode, 503);
      assert.equal(de.directoryFetches(), fetchesBefore + 1, 'and no more within the interval');

      advance(clock, UNKNOWN_KEY_GRACE_MS);
      const final = await postMessage(de, await forge());
      assert.equal(final.statusCode, 403, final.body);
      assert.equal(json<Problem>(final).type, 'urn:comity:problem:federation-unknown-sender');
    });
  });
}
