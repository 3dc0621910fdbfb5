/**
 * Process test: a secretariat and three State nodes (FR's and DE's 24/7 points of contact, DE's
 * central authority), each a real `comity serve` process on loopback with its own PGlite database.
 *
 * - Happy path: an officer at FR drafts, validates and sends a preservation request to DE; DE's
 *   node holds it as an incoming request and FR's node stores DE's signed receipt. A request for
 *   stored data goes to DE's central authority, and to no other node of DE.
 * - The secretariat, listed in the directory it publishes, witnesses every node's signed audit
 *   tree heads, which its auditor reads.
 * - Hostile input over a real socket at DE's POST /federation/v1/messages: each refused with
 *   problem+json naming the reason, the process stays up and healthy, and nothing is stored
 *   (DE's inbox holds only the legitimate messages at the end). The full list of hostile inputs,
 *   with an expired key, is in delivery.test.ts (in-process); this checks the real HTTP path.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { loadConfig } from '../../src/config.ts';
import { storedDataDraft } from '../../src/demo/demo-drafts.ts';
import {
  draftRequest,
  listIncomingRequests,
  readDelivery,
  sendRequest,
} from '../../src/demo/federation-api.ts';
import { isHealthy, waitFor } from '../../src/demo/node-process.ts';
import { apiClient, signIn } from '../../src/demo/node-api.ts';
import { answer } from '../../src/api-client/client.ts';
import { runPreservationScenario } from '../../src/demo/preservation-scenario.ts';
import { loadNodeIdentity, readPublicKeyBundle } from '../../src/federation/identity/identity-store.ts';
import { generateNodeKeys } from '../../src/federation/protocol/keys.ts';
import { encryptBody, sealMessage, signEnvelope } from '../../src/federation/protocol/seal.ts';
import type { KeyPairJwk } from '../../src/federation/protocol/types.ts';
import { createUuidV7 } from '../../src/federation/protocol/uuid-v7.ts';
import { type Federation, startFederation, withNodeDatabase } from '../helpers/node-process.ts';
import {
  assembleToken,
  decodePayload,
  flipSignatureByte,
  forgeHs256Token,
} from '../unit/federation/protocol-fixtures.ts';

describe('federation with real node processes', { timeout: 150_000 }, () => {
  let federation: Federation;
  const lines: string[] = [];

  before(async () => {
    // DE runs its central authority beside its 24/7 point of contact (as `comity demo --also` does).
    federation = await startFederation({
      nodes: [
        { nodeId: 'fr-poc', state: 'FR', authority: 'point-of-contact' },
        { nodeId: 'de-poc', state: 'DE', authority: 'point-of-contact' },
        { nodeId: 'de-ca', state: 'DE', authority: 'central-authority' },
      ],
      // Each node signs its audit tree head every 2 s and sends it to its witness, the secretariat.
      env: { COMITY_AUDIT_TREE_HEAD_INTERVAL_SECONDS: '2' },
      shouldKeepLogs: false,
    });
  });
  after(async () => {
    await federation?.stop();
  });

  it('delivers a preservation request from FR to DE with a signed receipt', async () => {
    const outcome = await runPreservationScenario(federation, {
      from: 'FR',
      to: 'DE',
      print: (line) => lines.push(line),
    });
    assert.equal(outcome.isSuccess, true, lines.join('\n'));

    const officer = await federation.node('FR').userClient('officer');
    const { items } = await officer.expect<{ items: { id: string }[] }>('GET', '/api/v1/requests');
    assert.equal(items.length, 1);
    const delivery = await readDelivery(officer, items[0]!.id);
    assert.equal(delivery.state, 'delivered');
    assert.match(delivery.receipt ?? '', /^[\w-]+\.[\w-]+\.[\w-]+$/, 'the receipt is a compact JWS');

    const dutyOfficer = await federation.node('DE').userClient('duty-officer');
    const incoming = await listIncomingRequests(dutyOfficer);
    assert.equal(incoming.length, 1);
    assert.equal(incoming[0]!.peerNodeId, 'fr-poc');
    assert.equal(incoming[0]!.remoteRequestId, items[0]!.id);
  });

  it("delivers a request for stored data to DE's central authority, not to its point of contact", async () => {
    const officer = await federation.node('FR').userClient('officer');
    const drafted = await draftRequest(officer, storedDataDraft('FR', 'DE', 2));
    assert.equal(drafted.isReady, true, drafted.blocking.join('; '));
    await sendRequest(officer, await federation.node('FR').userClient('supervisor'), drafted.id);
    await waitFor(
      'the receipt of DE',
      async () => ((await readDelivery(officer, drafted.id)).state === 'delivered' ? true : undefined),
      { timeoutMs: 30_000, intervalMs: 200 },
    );

    const health = (await (await fetch(`${federation.node('de-ca').url}/api/v1/health`)).json()) as {
      node: { nodeId: string; state: string; authority: string };
    };
    assert.deepEqual(
      [health.node.nodeId, health.node.state, health.node.authority],
      ['de-ca', 'DE', 'central-authority'],
    );
    // The secretariat is no State's authority, though its identity names one.
    const secretariat = (await (await fetch(`${federation.secretariat.url}/api/v1/health`)).json()) as {
      node: { mode: string; authority: string | null };
    };
    assert.deepEqual([secretariat.node.mode, secretariat.node.authority], ['secretariat', null]);
    const reviewer = await federation.node('de-ca').userClient('legal-reviewer');
    const atCentralAuthority = await listIncomingRequests(reviewer);
    assert.deepEqual(
      atCentralAuthority.map((request) => [request.peerNodeId, request.remoteRequestId]),
      [['fr-poc', drafted.id]],
    );
    const dutyOfficer = await federation.node('de-poc').userClient('duty-officer');
    const atPointOfContact = await listIncomingRequests(dutyOfficer);
    assert.ok(atPointOfContact.every((request) => request.remoteRequestId !== drafted.id));
  });

  it("the secretariat witnesses every node's signed audit tree heads, which its auditor reads", async () => {
    const auditor = federation.secretariatAuditor;
    assert.ok(auditor);
    const client = apiClient(
      federation.secretariat.url,
      await signIn(federation.secretariat.url, auditor.username, auditor.password),
    );
    const witnessed = await waitFor(
      'a tree head of every node at the secretariat',
      async () => {
        const { items } = await answer(client.api.GET('/api/v1/audit/witnessed-heads'));
        const nodes = new Set(items.map((head) => head.nodeId));
        return ['fr-poc', 'de-poc', 'de-ca'].every((node) => nodes.has(node)) ? nodes : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    assert.deepEqual([...witnessed].sort(), ['de-ca', 'de-poc', 'fr-poc']);
  });

  it('refuses hostile messages over HTTP with their reason, stays up and stores nothing', async () => {
    const fr = federation.node('FR');
    const de = federation.node('DE');
    const identity = await loadNodeIdentity(loadConfig({ ...fr.process.env }));
    assert.ok(identity);
    const bundle = await readPublicKeyBundle(path.join(de.process.dataDirectory, 'identity'));
    const encryption = bundle.keys.find((key) => key.use === 'enc' && key.status === 'current')!;
    const recipient = { kid: encryption.kid, publicJwk: encryption.jwk };
    const stranger = await generateNodeKeys();

    const ping = (overrides: { from?: string; to?: string; createdAt?: string; signing?: KeyPairJwk } = {}) =>
      sealMessage({
        envelope: {
          v: 1,
          id: createUuidV7(),
          from: overrides.from ?? 'fr-poc',
          to: overrides.to ?? 'de-poc',
          type: 'ping',
          case: 'hostile-case',
          createdAt: overrides.createdAt ?? new Date().toISOString(),
        },
        body: {},
        senderSigning: overrides.signing ?? identity.keys.signing,
        recipientEncryption: recipient,
      });
    const post = async (body: string, contentType = 'application/jose') => {
      const response = await fetch(`${de.url}/federation/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': contentType },
        body,
      });
      return {
        status: response.status,
        contentType: response.headers.get('content-type') ?? '',
        text: await response.text(),
      };
    };
    const assertRefused = async (body: string, reason: string, status: number) => {
      const answer = await post(body);
      assert.equal(answer.status, status, `${reason}: ${answer.text}`);
      assert.match(answer.contentType, /^application\/problem\+json/);
      assert.equal(
        (JSON.parse(answer.text) as { type: string }).type,
        `urn:comity:problem:federation-${reason}`,
      );
      assert.equal(await isHealthy(de.url), true, `DE is still healthy after ${reason}`);
    };

    const legitimate = await ping();
    assert.equal((await post(legitimate)).status, 200);
    await assertRefused(legitimate, 'replayed-message', 409);
    await assertRefused(flipSignatureByte(await ping()), 'bad-signature', 403);
    await assertRefused(
      await ping({ from: 'xx-stranger', signing: stranger.signing }),
      'unknown-sender',
      403,
    );
    await assertRefused(await ping({ to: 'br-poc' }), 'wrong-addressee', 421);
    await assertRefused(
      await ping({ createdAt: new Date(Date.now() - 60 * 60_000).toISOString() }),
      'stale-message',
      400,
    );
    const payload = decodePayload(await ping());
    await assertRefused(
      assembleToken({ alg: 'none', typ: 'comity-message+jws' }, payload, ''),
      'unsupported-algorithm',
      400,
    );
    await assertRefused(
      forgeHs256Token(
        { kid: identity.keys.signing.kid, typ: 'comity-message+jws' },
        payload,
        JSON.stringify(identity.keys.signing.publicJwk),
      ),
      'unsupported-algorithm',
      400,
    );
    await assertRefused(`eyJhbGciOiJFZERTQSJ9.${'A'.repeat(3 * 1024 * 1024)}.AAAA`, 'message-too-large', 413);
    await assertRefused('not a message at all', 'malformed-message', 400);
    const badBody = await encryptBody(
      { request: { type: 'no-such-type' }, requestId: 'x' },
      { type: 'request.submitted', from: 'fr-poc' },
      recipient,
    );
    await assertRefused(
      await signEnvelope(
        {
          v: 1,
          id: createUuidV7(),
          from: 'fr-poc',
          to: 'de-poc',
          type: 'request.submitted',
          case: 'hostile-case',
          createdAt: new Date().toISOString(),
          body: badBody,
        },
        identity.keys.signing,
      ),
      'schema-invalid',
      422,
    );

    // DE stored the scenario's request and the one legitimate ping, nothing else.
    const stored = await withNodeDatabase(de.process, async (db) => {
      const { rows } = await sql<{ type: string }>`select type from inbox_messages order by type`.execute(db);
      return rows.map((row) => row.type);
    });
    assert.deepEqual(stored, ['ping', 'request.submitted']);
  });
});
