/**
 * Federation delivery and reception between two nodes in one process (each its own database and
 * identity), over real loopback HTTP: sending, receipts, exactly-once reception, outage and
 * retry, order within a case, permanent failures, hostile input at /federation/v1/messages, and
 * the peers and outbox API. The delivery worker is driven with runOnce; one clock is advanced by
 * the tests.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { preservationDraft } from '../../src/demo/demo-drafts.ts';
import { createDeliveryWorker, type DeliveryWorker } from '../../src/federation/delivery/delivery-worker.ts';
import { CLOSED_CIRCUIT, recordFailure } from '../../src/federation/delivery/circuit-breaker.ts';
import type { FederationRuntime } from '../../src/federation/context.ts';
import { messageDigest } from '../../src/federation/protocol/digest.ts';
import { verifyReceipt } from '../../src/federation/protocol/receipt.ts';
import { encryptBody, sealMessage, signEnvelope } from '../../src/federation/protocol/seal.ts';
import { V1_BASELINE_ACCEPTS } from '../../src/federation/protocol/capabilities.ts';
import { createUuidV7 } from '../../src/federation/protocol/uuid-v7.ts';
import { listAudit } from '../../src/services/audit.service.ts';
import { countInboxMessages } from '../../src/storage/inbox.repository.ts';
import { recordPeerFailure } from '../../src/storage/peer-states.repository.ts';
import {
  cancelMessage,
  findOutboxMessage,
  insertOutboxMessage,
} from '../../src/storage/outbox.repository.ts';
import { json } from '../helpers/app.ts';
import { submitAndApprove } from '../helpers/approval.ts';
import { type ActingAs, asRole } from '../helpers/auth.ts';
import { DATABASE_TARGETS } from '../helpers/database.ts';
import {
  closedPort,
  createClock,
  createStaticDirectory,
  type FederatedNode,
  KEY_WINDOW,
  type NodePlan,
  planNode,
  type StaticDirectory,
  startFederatedNode,
} from './delivery-fixture.ts';
import {
  assembleToken,
  base64urlJson,
  flipSignatureByte,
  forgeHs256Token,
} from '../unit/federation/protocol-fixtures.ts';

type Problem = {
  type: string;
  status: number;
  detail: string;
  receipt?: string;
  errors?: { message: string }[];
};
type RequestBody = {
  request: {
    id: string;
    status: string;
    direction: string;
    peerNodeId: string | null;
    remoteRequestId: string | null;
    deliveryState: string | null;
    receivedAt: string | null;
    content: unknown;
    delivery: {
      messageId: string;
      state: string;
      attempts: number | null;
      nextAttemptAt: string | null;
      lastError: string | null;
      digest: string;
      receipt: string | null;
      receiptReceivedAt: string | null;
    } | null;
  };
  isReady: boolean;
};

const MINUTE = 60_000;

for (const target of DATABASE_TARGETS) {
  describe(`federation delivery and reception [${target.name}]`, { skip: target.skip }, () => {
    const clock = createClock();
    let plans: {
      fr: NodePlan;
      de: NodePlan;
      it: NodePlan;
      expired: NodePlan;
      stranger: NodePlan;
      older: NodePlan;
    };
    let directory: StaticDirectory;
    let sender: FederatedNode;
    let receiver: FederatedNode;
    let bare: FederatedNode;
    let worker: DeliveryWorker;
    let receiverUrl: string;
    let officer: ActingAs;
    let dutyOfficer: ActingAs;
    let receiverOfficer: ActingAs;
    let senderAdmin: ActingAs;
    const posted: { id: string; case: string }[] = [];
    /** The path of each exchange the sender's worker made: one message, or a batch. */
    const exchanges: string[] = [];
    /** What the sender's runtime.wakeDelivery() calls (a running worker's wake, in the loop tests). */
    let wakeSender: () => void = () => undefined;
    /** What the sender's runtime.offerHandOff() asks (a running worker's, in the hand-off tests). */
    let handOffSender: FederationRuntime['offerHandOff'] = async () => undefined;
    /** Message ids the receiver answers 503 to, once each (a transient failure). */
    const failOnce = new Set<string>();

    before(async () => {
      const yesterday = new Date(clock.now().getTime() - 24 * 3600 * 1000).toISOString();
      plans = {
        fr: await planNode('fr-ca', 'FR'),
        de: await planNode('de-247', 'DE'),
        it: await planNode('it-247', 'IT'),
        expired: await planNode('nl-247', 'NL', 'point-of-contact', {
          notBefore: KEY_WINDOW.notBefore,
          notAfter: yesterday,
        }),
        stranger: await planNode('xx-stranger', 'XX'),
        // A node of an older release: it announces that it reads every request type but preservation.
        older: {
          ...(await planNode('pt-247', 'PT')),
          accepts: {
            protocols: [1],
            messageTypes: ['request.submitted', 'ping'],
            requestTypes: V1_BASELINE_ACCEPTS.requestTypes.filter((type) => type !== 'preservation'),
          },
        },
      };
      // The stranger is not in anyone's directory.
      directory = createStaticDirectory(
        [plans.fr, plans.de, plans.it, plans.expired, plans.older],
        clock.now,
      );
      sender = await startFederatedNode(target, {
        plan: plans.fr,
        directory,
        clock,
        wake: () => wakeSender(),
        offerHandOff: (peerNodeId) => handOffSender(peerNodeId),
      });
      receiver = await startFederatedNode(target, { plan: plans.de, directory, clock });
      bare = await startFederatedNode(target, { clock });
      receiverUrl = await receiver.app.listen({ port: 0, host: '127.0.0.1' });
      directory.setEndpoint('de-247', receiverUrl);
      const envelopeOf = (message: string) =>
        JSON.parse(Buffer.from(message.split('.')[1] ?? '', 'base64url').toString()) as {
          id: string;
          case: string;
        };
      const unavailable = { type: 'urn:comity:problem:unavailable', status: 503 };
      // Records each message posted, alone or in a batch, and answers 503 to those in failOnce.
      const recordingFetch: typeof fetch = async (input, init) => {
        exchanges.push(new URL(String(input)).pathname);
        if (String(input).endsWith('/federation/v1/message-batches')) {
          const { messages } = JSON.parse(String(init?.body)) as { messages: string[] };
          const envelopes = messages.map(envelopeOf);
          for (const envelope of envelopes) posted.push({ id: envelope.id, case: envelope.case });
          const failing = envelopes.map((envelope) => failOnce.delete(envelope.id));
          if (!failing.includes(true)) return fetch(input, init);
          const rest = messages.filter((_, index) => !failing[index]);
          const answered =
            rest.length === 0
              ? []
              : (
                  (await (
                    await fetch(input, { ...init, body: JSON.stringify({ messages: rest }) })
                  ).json()) as {
                    results: unknown[];
                  }
                ).results;
          const results = failing.map((isFailing) => (isFailing ? unavailable : answered.shift()));
          return Response.json({ results });
        }
        const payload = envelopeOf(String(init?.body));
        posted.push({ id: payload.id, case: payload.case });
        if (failOnce.delete(payload.id)) {
          return new Response(JSON.stringify(unavailable), {
            status: 503,
            headers: { 'content-type': 'application/problem+json' },
          });
        }
        return fetch(input, init);
      };
      worker = createDeliveryWorker(sender.context, sender.runtime!, {
        fetch: recordingFetch,
        random: () => 0.5,
      });
      officer = await asRole(sender, 'officer');
      senderAdmin = await asRole(sender, 'administrator');
      dutyOfficer = await asRole(receiver, 'duty-officer');
      receiverOfficer = await asRole(receiver, 'officer');
    });

    after(async () => {
      await worker?.stop();
      await sender?.close();
      await receiver?.close();
      await bare?.close();
    });

    async function draft(content: unknown, as: ActingAs = officer): Promise<RequestBody> {
      const response = await sender.app.inject({
        method: 'POST',
        url: '/api/v1/requests',
        headers: as.headers,
        payload: content as object,
      });
      assert.equal(response.statusCode, 201, response.body);
      return json<RequestBody>(response);
    }

    /** Submitted by `as`, approved by the node's supervisor (the two-person rule). */
    function send(id: string, as: ActingAs = officer) {
      return submitAndApprove(sender, id, as);
    }

    async function readAt(node: FederatedNode, id: string, as: ActingAs): Promise<RequestBody['request']> {
      const response = await node.app.inject({
        method: 'GET',
        url: `/api/v1/requests/${id}`,
        headers: as.headers,
      });
      assert.equal(response.statusCode, 200, response.body);
      return json<RequestBody>(response).request;
    }

    function postMessage(node: FederatedNode, body: string, contentType = 'application/jose') {
      return node.app.inject({
        method: 'POST',
        url: '/federation/v1/messages',
        headers: { 'content-type': contentType },
        payload: body,
      });
    }

    async function receiverCounts(): Promise<{ inbox: number; requests: number; users: number }> {
      const requests = await sql<{ count: number }>`select count(*)::int as count from requests`.execute(
        receiver.context.db,
      );
      const users = await sql<{ count: number }>`select count(*)::int as count from users`.execute(
        receiver.context.db,
      );
      return {
        inbox: await countInboxMessages(receiver.context.db),
        requests: Number(requests.rows[0]?.count),
        users: Number(users.rows[0]?.count),
      };
    }

    /** A sealed message from `from` to `to` (default fr-ca → de-247), as the sending node makes it. */
    function seal(
      overrides: Partial<{
        from: NodePlan;
        to: NodePlan;
        toId: string;
        createdAt: string;
        type: 'ping' | 'request.submitted';
        body: unknown;
        id: string;
        case: string;
      }> = {},
    ): Promise<string> {
      const from = overrides.from ?? plans.fr;
      const to = overrides.to ?? plans.de;
      const type = overrides.type ?? 'ping';
      return sealMessage({
        envelope: {
          v: 1,
          id: overrides.id ?? createUuidV7(),
          from: from.nodeId,
          to: overrides.toId ?? to.nodeId,
          type,
          case: overrides.case ?? 'case-test',
          createdAt: overrides.createdAt ?? clock.now().toISOString(),
        },
        body: overrides.body ?? {},
        senderSigning: from.keys.signing,
        recipientEncryption: { kid: to.keys.encryption.kid, publicJwk: to.keys.encryption.publicJwk },
      });
    }

    /** Queues a ping in the sender's outbox directly (as later message types will be). */
    async function queuePing(caseId: string): Promise<string> {
      const id = createUuidV7();
      const message = await seal({ id, case: caseId });
      await insertOutboxMessage(sender.context.db, {
        id,
        caseId,
        peerNodeId: 'de-247',
        type: 'ping',
        message,
        digest: messageDigest(message),
        now: clock.now(),
      });
      return id;
    }

    it('sends a ready request: the receiving node has it as incoming, the sender has a verified receipt', async () => {
      const created = await draft(preservationDraft('FR', 'DE'));
      assert.equal(created.isReady, true);
      const sent = await send(created.request.id);
      assert.equal(sent.statusCode, 202, sent.body);
      const answer = json<{
        request: { status: string; deliveryState: string; peerNodeId: string };
        message: { id: string; peerNodeId: string };
      }>(sent);
      assert.equal(answer.request.status, 'sent');
      assert.equal(answer.request.deliveryState, 'pending');
      assert.equal(answer.message.peerNodeId, 'de-247');
      const queued = await readAt(sender, created.request.id, officer);
      assert.equal(
        (queued as unknown as { revision: number }).revision,
        json<{ request: { revision: number } }>(sent).request.revision,
      );
      assert.equal(queued.status, 'sent');
      assert.equal(queued.delivery?.state, 'pending');
      assert.equal(queued.delivery?.messageId, answer.message.id);
      assert.equal(queued.delivery?.receipt, null);

      const report = await worker.runOnce();
      assert.equal(report.delivered, 1);

      const delivered = await readAt(sender, created.request.id, officer);
      assert.equal(delivered.deliveryState, 'delivered');
      assert.equal(delivered.direction, 'outgoing');
      assert.equal(delivered.peerNodeId, 'de-247');
      assert.equal(
        (delivered as unknown as { peerState: string | null }).peerState,
        'DE',
        "the node's State, as the directory names it",
      );
      assert.ok(delivered.delivery?.receipt);
      assert.ok(delivered.delivery?.receiptReceivedAt);
      const verified = await verifyReceipt(delivered.delivery.receipt, {
        receiverKey: directory
          .lookupFor('fr-ca')
          .findNode('de-247')!
          .keys.filter((key) => key.use === 'sig'),
        expectedMessageId: answer.message.id,
        expectedDigest: delivered.delivery.digest,
        expectedFrom: 'de-247',
        expectedTo: 'fr-ca',
        now: clock.now(),
      });
      assert.ok(verified.ok);

      const listed = await receiver.app.inject({
        method: 'GET',
        url: '/api/v1/requests?direction=incoming',
        headers: dutyOfficer.headers,
      });
      const items = json<{
        items: {
          id: string;
          peerNodeId: string;
          peerState: string | null;
          remoteRequestId: string;
          direction: string;
          status: string;
        }[];
      }>(listed).items;
      const incoming = items.find((item) => item.remoteRequestId === created.request.id);
      assert.ok(incoming, 'the duty officer sees the incoming request');
      assert.equal(incoming.direction, 'incoming');
      assert.equal(incoming.peerNodeId, 'fr-ca');
      assert.equal(incoming.peerState, 'FR', 'the requesting State, from the directory of nodes');
      assert.equal(incoming.status, 'received');
      const read = await readAt(receiver, incoming.id, dutyOfficer);
      assert.deepEqual(read.content, created.request.content);
      // Created by the node's disabled system account, which nobody signs in as.
      assert.equal(
        (read as unknown as { createdBy: { username: string } }).createdBy.username,
        '@federation',
      );
      const signIn = await receiver.app.inject({
        method: 'POST',
        url: '/api/v1/session',
        payload: { username: '@federation', password: '!' },
      });
      assert.equal(signIn.statusCode >= 400 && signIn.statusCode < 500, true);
      assert.equal(read.delivery?.receipt, delivered.delivery.receipt);
      assert.equal(read.delivery?.digest, delivered.delivery.digest);
      assert.ok(read.receivedAt);

      // An officer of the receiving node (no request:read-incoming) does not see it.
      const officerList = await receiver.app.inject({
        method: 'GET',
        url: '/api/v1/requests',
        headers: receiverOfficer.headers,
      });
      assert.equal(
        json<{ items: { id: string }[] }>(officerList).items.some((item) => item.id === incoming.id),
        false,
      );
      const officerRead = await receiver.app.inject({
        method: 'GET',
        url: `/api/v1/requests/${incoming.id}`,
        headers: receiverOfficer.headers,
      });
      assert.equal(officerRead.statusCode, 404);
      // Nobody can edit or delete it.
      const edit = await receiver.app.inject({
        method: 'PUT',
        url: `/api/v1/requests/${incoming.id}`,
        headers: dutyOfficer.headers,
        payload: created.request.content as object,
      });
      assert.equal(edit.statusCode, 403);

      // Sending again: it is no longer a draft.
      const again = await send(created.request.id);
      assert.equal(again.statusCode, 409);
      assert.equal(json<Problem>(again).type, 'urn:comity:problem:invalid-state');
    });

    it('refuses to send a request with blocking findings, listing them, and changes nothing', async () => {
      const created = await draft({ type: 'preservation', requestedAuthority: { state: 'DE' } });
      assert.equal(created.isReady, false);
      const refused = await send(created.request.id);
      assert.equal(refused.statusCode, 409);
      const problem = json<Problem>(refused);
      assert.equal(problem.type, 'urn:comity:problem:invalid-state');
      assert.match(problem.detail, /blocking/);
      assert.ok((problem.errors?.length ?? 0) > 0);
      assert.equal((await readAt(sender, created.request.id, officer)).status, 'draft');
    });

    it('refuses to send when the directory lists no node of that State for the channel', async () => {
      const created = await draft(preservationDraft('FR', 'ES'));
      assert.equal(created.isReady, true);
      const refused = await send(created.request.id);
      assert.equal(refused.statusCode, 409);
      assert.equal(json<Problem>(refused).type, 'urn:comity:problem:no-recipient-node');
      assert.match(json<Problem>(refused).detail, /no point-of-contact node for ES/);
      const stored = await readAt(sender, created.request.id, officer);
      assert.equal(stored.status, 'draft');
      assert.equal(stored.deliveryState, null);
    });

    it('refuses to send what the requested node announced it does not read, naming the node and what it lacks, and queues nothing', async () => {
      const created = await draft(preservationDraft('FR', 'PT'));
      assert.equal(created.isReady, true);
      const refused = await send(created.request.id);
      assert.equal(refused.statusCode, 422);
      const problem = json<Problem>(refused);
      assert.equal(problem.type, 'urn:comity:problem:unsupported-by-peer');
      assert.match(problem.detail, /pt-247/);
      assert.match(problem.detail, /request type preservation/);
      const stored = await readAt(sender, created.request.id, officer);
      assert.equal(stored.status, 'draft');
      assert.equal(stored.deliveryState, null);
      assert.equal(
        (
          await sender.context.db
            .selectFrom('outbox_messages')
            .select('id')
            .where('peer_node_id', '=', 'pt-247')
            .execute()
        ).length,
        0,
      );
    });

    it('only the author submits: another officer gets 404, a supervisor 403, anonymous 401', async () => {
      const created = await draft(preservationDraft('FR', 'DE', 2));
      assert.equal((await send(created.request.id, await asRole(sender, 'officer'))).statusCode, 404);
      assert.equal((await send(created.request.id, await asRole(sender, 'supervisor'))).statusCode, 403);
      assert.equal(
        (await sender.app.inject({ method: 'POST', url: `/api/v1/requests/${created.request.id}/submit` }))
          .statusCode,
        401,
      );
      assert.equal((await send('not-a-uuid')).statusCode, 404);
      assert.equal((await readAt(sender, created.request.id, officer)).status, 'draft');
    });

    it('processes a message posted twice once; the second answer is 409 with the original receipt', async () => {
      const requestId = crypto.randomUUID();
      const message = await seal({
        type: 'request.submitted',
        case: requestId,
        body: {
          request: preservationDraft('FR', 'DE', 3),
          requestId,
          submittedAt: clock.now().toISOString(),
          submittedBy: { displayName: 'A prosecutor' },
        },
      });
      const before = await receiverCounts();
      const first = await postMessage(receiver, message);
      assert.equal(first.statusCode, 200, first.body);
      const { receipt } = json<{ receipt: string }>(first);
      const afterFirst = await receiverCounts();
      assert.equal(afterFirst.inbox, before.inbox + 1);
      assert.equal(afterFirst.requests, before.requests + 1);

      const [second, third] = await Promise.all([
        postMessage(receiver, message),
        postMessage(receiver, message),
      ]);
      for (const replay of [second, third]) {
        assert.equal(replay.statusCode, 409);
        assert.match(String(replay.headers['content-type']), /^application\/problem\+json/);
        const problem = json<Problem>(replay);
        assert.equal(problem.type, 'urn:comity:problem:federation-replayed-message');
        assert.equal(problem.receipt, receipt);
      }
      assert.deepEqual(await receiverCounts(), afterFirst);
    });

    it('a message the receiver processes concurrently from two posts is stored once', async () => {
      const message = await seal();
      const before = await receiverCounts();
      const answers = await Promise.all(Array.from({ length: 4 }, () => postMessage(receiver, message)));
      assert.deepEqual(answers.map((answer) => answer.statusCode).sort(), [200, 409, 409, 409]);
      const receipts = new Set(answers.map((answer) => json<{ receipt: string }>(answer).receipt));
      assert.equal(receipts.size, 1);
      assert.equal((await receiverCounts()).inbox, before.inbox + 1);
    });

    it('keeps a message pending with attempts while the receiver is down, and delivers it when it is back', async () => {
      directory.setEndpoint('de-247', `http://127.0.0.1:${await closedPort()}`);
      try {
        const created = await draft(preservationDraft('FR', 'DE', 4));
        assert.equal((await send(created.request.id)).statusCode, 202);
        const first = await worker.runOnce();
        assert.deepEqual(first, { attempted: 1, delivered: 0, failed: 0, retrying: 1 });
        const waiting = await readAt(sender, created.request.id, officer);
        assert.equal(waiting.deliveryState, 'pending');
        assert.equal(waiting.delivery?.state, 'pending');
        assert.equal(waiting.delivery?.attempts, 1);
        assert.ok(waiting.delivery?.nextAttemptAt);
        assert.ok(Date.parse(waiting.delivery.nextAttemptAt) > clock.now().getTime());
        assert.match(waiting.delivery?.lastError ?? '', /127\.0\.0\.1/);
        // Not due yet: nothing is attempted.
        assert.equal((await worker.runOnce()).attempted, 0);

        const peers = await sender.app.inject({
          method: 'GET',
          url: '/api/v1/peers',
          headers: senderAdmin.headers,
        });
        const de = json<{
          items: { nodeId: string; health: string; queueDepth: number; lastError: string | null }[];
        }>(peers).items.find((item) => item.nodeId === 'de-247');
        assert.equal(de?.health, 'failing');
        assert.ok((de?.queueDepth ?? 0) >= 1);
        assert.ok(de?.lastError);

        // Longer than the retry cap and than the freshness window: the retry is due and signed afresh.
        clock.advance(11 * MINUTE);
        directory.setEndpoint('de-247', receiverUrl);
        const second = await worker.runOnce();
        assert.equal(second.delivered, 1);
        const delivered = await readAt(sender, created.request.id, officer);
        assert.equal(delivered.deliveryState, 'delivered');
        assert.equal(delivered.delivery?.attempts, 2);
        assert.ok(delivered.delivery?.receipt);
        const stored = await findOutboxMessage(sender.context.db, delivered.delivery.messageId);
        assert.equal(stored?.previousDigests.length, 1, 'the message was signed again before the retry');
      } finally {
        directory.setEndpoint('de-247', receiverUrl);
      }
    });

    it('delivers the messages of a case in order, one after the other, while other cases go on', async () => {
      const x1 = await queuePing('case-x');
      const x2 = await queuePing('case-x');
      const y1 = await queuePing('case-y');
      const x3 = await queuePing('case-x');
      failOnce.add(x1);
      posted.length = 0;
      const first = await worker.runOnce();
      assert.equal(first.delivered, 1);
      assert.equal(first.retrying, 1);
      assert.deepEqual(posted.map((post) => post.id).sort(), [x1, y1].sort(), 'x2 and x3 wait for x1');
      clock.advance(6 * MINUTE);
      posted.length = 0;
      const second = await worker.runOnce();
      assert.equal(second.delivered, 3);
      assert.deepEqual(
        posted.map((post) => post.id),
        [x1, x2, x3],
      );
      for (const id of [x1, x2, x3, y1])
        assert.equal((await findOutboxMessage(sender.context.db, id))?.status, 'delivered');
    });

    it('a permanent refusal (the receiver does not know the sender) fails the message, which is not retried', async () => {
      directory.hiddenFrom('de-247').add('fr-ca');
      let messageId: string;
      let requestId: string;
      try {
        const created = await draft(preservationDraft('FR', 'DE', 5));
        requestId = created.request.id;
        assert.equal((await send(requestId)).statusCode, 202);
        const report = await worker.runOnce();
        assert.deepEqual(report, { attempted: 1, delivered: 0, failed: 1, retrying: 0 });
        const failed = await readAt(sender, requestId, officer);
        assert.equal(failed.deliveryState, 'failed');
        assert.equal(failed.delivery?.state, 'failed');
        assert.match(failed.delivery?.lastError ?? '', /unknown-sender/);
        messageId = failed.delivery!.messageId;
        clock.advance(60 * MINUTE);
        assert.equal((await worker.runOnce()).attempted, 0, 'a failed message is not retried');

        const listed = await sender.app.inject({
          method: 'GET',
          url: '/api/v1/outbox?status=failed',
          headers: senderAdmin.headers,
        });
        assert.equal(listed.statusCode, 200);
        const failedItems = json<{ items: { id: string; lastError: string; status: string }[] }>(
          listed,
        ).items;
        assert.ok(failedItems.some((item) => item.id === messageId && item.status === 'failed'));
      } finally {
        directory.hiddenFrom('de-247').delete('fr-ca');
      }
      // The receiver's operator adds the sender; an administrator retries: delivered.
      const retried = await sender.app.inject({
        method: 'POST',
        url: `/api/v1/outbox/${messageId}/retry`,
        headers: senderAdmin.headers,
      });
      assert.equal(retried.statusCode, 200, retried.body);
      assert.equal(json<{ status: string }>(retried).status, 'pending');
      assert.equal((await readAt(sender, requestId, officer)).deliveryState, 'pending');
      assert.equal((await worker.runOnce()).delivered, 1);
      assert.equal((await readAt(sender, requestId, officer)).deliveryState, 'delivered');
      const again = await sender.app.inject({
        method: 'POST',
        url: `/api/v1/outbox/${messageId}/retry`,
        headers: senderAdmin.headers,
      });
      assert.equal(again.statusCode, 409);
      const cancelDelivered = await sender.app.inject({
        method: 'POST',
        url: `/api/v1/outbox/${messageId}/cancel`,
        headers: senderAdmin.headers,
      });
      assert.equal(cancelDelivered.statusCode, 409);
    });

    it('an administrator cancels a stuck message; its request shows cancelled and it is never posted', async () => {
      directory.setEndpoint('de-247', `http://127.0.0.1:${await closedPort()}`);
      try {
        const created = await draft(preservationDraft('FR', 'DE', 6));
        assert.equal((await send(created.request.id)).statusCode, 202);
        await worker.runOnce();
        const messageId = (await readAt(sender, created.request.id, officer)).delivery!.messageId;
        const cancelled = await sender.app.inject({
          method: 'POST',
          url: `/api/v1/outbox/${messageId}/cancel`,
          headers: senderAdmin.headers,
        });
        assert.equal(cancelled.statusCode, 200, cancelled.body);
        assert.equal(json<{ status: string }>(cancelled).status, 'cancelled');
        assert.equal((await readAt(sender, created.request.id, officer)).deliveryState, 'cancelled');
        clock.advance(10 * MINUTE);
        directory.setEndpoint('de-247', receiverUrl);
        posted.length = 0;
        await worker.runOnce();
        assert.equal(
          posted.some((post) => post.id === messageId),
          false,
        );
      } finally {
        directory.setEndpoint('de-247', receiverUrl);
      }
    });

    it("a peer is not shown healthy after an administrator's retry until a delivery goes through", async () => {
      const peerHealth = async () =>
        json<{ items: { nodeId: string; health: string }[] }>(
          await sender.app.inject({ method: 'GET', url: '/api/v1/peers', headers: senderAdmin.headers }),
        ).items.find((item) => item.nodeId === 'de-247')?.health;
      directory.setEndpoint('de-247', `http://127.0.0.1:${await closedPort()}`);
      try {
        const created = await draft(preservationDraft('FR', 'DE', 7));
        assert.equal((await send(created.request.id)).statusCode, 202);
        await worker.runOnce();
        assert.notEqual(await peerHealth(), 'healthy');
        const messageId = (await readAt(sender, created.request.id, officer)).delivery!.messageId;
        const retried = await sender.app.inject({
          method: 'POST',
          url: `/api/v1/outbox/${messageId}/retry`,
          headers: senderAdmin.headers,
        });
        assert.equal(retried.statusCode, 200, retried.body);
        assert.equal(
          await peerHealth(),
          'failing',
          'the retry reset the counters, but nothing was delivered yet',
        );
        directory.setEndpoint('de-247', receiverUrl);
        assert.equal((await worker.runOnce()).delivered, 1);
        assert.equal(await peerHealth(), 'healthy');
      } finally {
        directory.setEndpoint('de-247', receiverUrl);
      }
    });

    it('the peers and outbox API is for administrators only', async () => {
      // A delivery after the failures of the tests above: the peer is healthy again.
      await queuePing('case-peers');
      assert.equal((await worker.runOnce()).delivered, 1);
      const peers = await sender.app.inject({
        method: 'GET',
        url: '/api/v1/peers',
        headers: senderAdmin.headers,
      });
      assert.equal(peers.statusCode, 200);
      const report = json<{
        nodeId: string;
        directory: { serial: number };
        items: {
          nodeId: string;
          health: string;
          circuit: { status: string };
          deliveredMessages: number;
          lastDeliveredAt: string | null;
          isListed: boolean;
        }[];
      }>(peers);
      assert.equal(report.nodeId, 'fr-ca');
      assert.equal(report.directory.serial, 1);
      assert.deepEqual(
        report.items.map((item) => item.nodeId),
        ['de-247', 'it-247', 'nl-247', 'pt-247'],
      );
      const de = report.items[0]!;
      assert.equal(de.health, 'healthy');
      assert.equal(de.circuit.status, 'closed');
      assert.ok(de.deliveredMessages >= 1);
      assert.ok(de.lastDeliveredAt);
      assert.equal(report.items[1]?.health, 'unknown');

      const someone = crypto.randomUUID();
      for (const role of ['officer', 'supervisor', 'duty-officer', 'auditor'] as const) {
        const actor = await asRole(sender, role);
        for (const [method, url] of [
          ['GET', '/api/v1/peers'],
          ['GET', '/api/v1/outbox?status=failed'],
          ['POST', `/api/v1/outbox/${someone}/retry`],
          ['POST', `/api/v1/outbox/${someone}/cancel`],
        ] as const) {
          const response = await sender.app.inject({ method, url, headers: actor.headers });
          assert.equal(response.statusCode, 403, `${role} ${method} ${url}`);
        }
      }
      assert.equal((await sender.app.inject({ method: 'GET', url: '/api/v1/peers' })).statusCode, 401);
      const unknown = await sender.app.inject({
        method: 'POST',
        url: `/api/v1/outbox/${someone}/retry`,
        headers: senderAdmin.headers,
      });
      assert.equal(unknown.statusCode, 404);
      const badStatus = await sender.app.inject({
        method: 'GET',
        url: '/api/v1/outbox?status=lost',
        headers: senderAdmin.headers,
      });
      assert.equal(badStatus.statusCode, 400);
    });

    /** The sender's context with a long poll, so only a wake-up can explain a prompt delivery. */
    function slowPollingContext(database?: { kind: 'postgres'; url: string }) {
      const config = sender.context.config;
      return {
        ...sender.context,
        config: {
          ...config,
          ...(database ? { database } : {}),
          federation: { ...config.federation, deliveryPollMs: 60_000 },
        },
      };
    }

    /** A fetch that holds the worker's first post until `releaseFirst()`; `firstPostSeen` once it is made. */
    function holdFirstPost() {
      const held = Promise.withResolvers<void>();
      const posted = Promise.withResolvers<void>();
      let isFirstPost = true;
      const holdingFetch: typeof fetch = async (input, init) => {
        if (isFirstPost) {
          isFirstPost = false;
          posted.resolve();
          await held.promise;
        }
        return fetch(input, init);
      };
      return { holdingFetch, firstPostSeen: posted.promise, releaseFirst: () => held.resolve() };
    }

    async function waitForDelivery(requestId: string): Promise<void> {
      const deadline = Date.now() + 5000;
      while (Date.now() < deadline) {
        if ((await readAt(sender, requestId, officer)).deliveryState === 'delivered') return;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      assert.fail(`request ${requestId} was not delivered within 5 s`);
    }

    it('a running worker delivers as soon as the commit wakes it', async () => {
      const running = createDeliveryWorker(slowPollingContext(), sender.runtime!);
      await running.start();
      wakeSender = running.wake;
      try {
        const created = await draft(preservationDraft('FR', 'DE', 8));
        assert.equal((await send(created.request.id)).statusCode, 202);
        await waitForDelivery(created.request.id);
      } finally {
        wakeSender = () => undefined;
        await running.stop();
      }
    });

    describe('hand-offs: an idle worker takes a message from the statement that queues it', () => {
      it('a message sent alone leaves at commit, with nothing to wake the worker and the poll a minute away', async () => {
        const running = createDeliveryWorker(slowPollingContext(), sender.runtime!);
        await running.start();
        handOffSender = running.offerHandOff;
        try {
          const created = await draft(preservationDraft('FR', 'DE', 10));
          assert.equal((await send(created.request.id)).statusCode, 202);
          await waitForDelivery(created.request.id);
          assert.equal((await readAt(sender, created.request.id, officer)).delivery?.attempts, 1);
        } finally {
          handOffSender = async () => undefined;
          await running.stop();
        }
      });

      it('a worker with an attempt in flight leaves a new message to its claim, unleased', async () => {
        const { holdingFetch, firstPostSeen, releaseFirst } = holdFirstPost();
        const running = createDeliveryWorker(slowPollingContext(), sender.runtime!, { fetch: holdingFetch });
        await running.start();
        handOffSender = running.offerHandOff;
        try {
          await queuePing('case-in-flight');
          running.wake();
          await firstPostSeen;
          const created = await draft(preservationDraft('FR', 'DE', 11));
          assert.equal((await send(created.request.id)).statusCode, 202);
          const messageId = (await readAt(sender, created.request.id, officer)).delivery?.messageId ?? '';
          const queued = await findOutboxMessage(sender.context.db, messageId);
          assert.equal(queued?.claimedUntil, null);
          assert.equal(queued?.attempts, 0);
          releaseFirst();
          // Nothing woke the worker for it (wakeSender is a no-op here): a wake-up's claim takes it.
          running.wake();
          await waitForDelivery(created.request.id);
        } finally {
          releaseFirst();
          handOffSender = async () => undefined;
          await running.stop();
        }
      });

      it('no offer for a peer whose circuit is open, nor a second one before the first is settled', async () => {
        let circuit = recordFailure(CLOSED_CIRCUIT, clock.now());
        while (circuit.status !== 'open') circuit = recordFailure(circuit, clock.now());
        await recordPeerFailure(sender.context.db, 'it-247', {
          circuit,
          consecutiveFailures: circuit.consecutiveFailures,
          now: clock.now(),
          error: 'unreachable',
        });
        const running = createDeliveryWorker(slowPollingContext(), sender.runtime!);
        assert.equal(await running.offerHandOff('de-247'), undefined, 'a worker not started offers nothing');
        await running.start();
        try {
          assert.equal(await running.offerHandOff('it-247'), undefined);
          const offer = await running.offerHandOff('de-247');
          assert.ok(offer, 'an idle worker offers a hand-off to a peer whose circuit is closed');
          assert.ok(offer.leaseUntil.getTime() > clock.now().getTime());
          assert.equal(await running.offerHandOff('de-247'), undefined);
          offer.release();
          const again = await running.offerHandOff('de-247');
          assert.ok(again, 'a released offer frees its slot');
          again.release();
        } finally {
          await running.stop();
          await sender.context.db.deleteFrom('peer_states').where('peer_node_id', '=', 'it-247').execute();
        }
      });
    });

    it("a case's next message, queued while the one before is in flight, leaves once that one is delivered", async () => {
      // The first post of case-z is held until the second message is queued: the claim that the
      // second one's wake-up makes finds it waiting behind the first. Only the end of the first
      // attempt can then start it (the poll is a minute away).
      const { holdingFetch, firstPostSeen, releaseFirst } = holdFirstPost();
      const running = createDeliveryWorker(slowPollingContext(), sender.runtime!, { fetch: holdingFetch });
      await running.start();
      try {
        const first = await queuePing('case-z');
        running.wake();
        await firstPostSeen;
        const second = await queuePing('case-z');
        running.wake();
        // Its wake-up's claim has run and found the second message behind the first.
        await new Promise((resolve) => setTimeout(resolve, 200));
        assert.equal((await findOutboxMessage(sender.context.db, second))?.attempts, 0);
        releaseFirst();
        const deadline = Date.now() + 5000;
        while ((await findOutboxMessage(sender.context.db, second))?.status !== 'delivered') {
          assert.ok(Date.now() < deadline, 'the second message of the case was not delivered within 5 s');
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        assert.equal((await findOutboxMessage(sender.context.db, first))?.status, 'delivered');
      } finally {
        releaseFirst();
        await running.stop();
      }
    });

    it("a case's messages already waiting leave one after the other, not one a poll", async () => {
      const running = createDeliveryWorker(slowPollingContext(), sender.runtime!);
      const ids = [
        await queuePing('case-backlog'),
        await queuePing('case-backlog'),
        await queuePing('case-backlog'),
      ];
      await running.start();
      try {
        // One wake-up for the three (as after an outage): the first claim can take only the first.
        running.wake();
        const deadline = Date.now() + 5000;
        for (const id of ids) {
          while ((await findOutboxMessage(sender.context.db, id))?.status !== 'delivered') {
            assert.ok(
              Date.now() < deadline,
              `message ${ids.indexOf(id) + 1} of 3 was not delivered within 5 s`,
            );
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
        }
      } finally {
        await running.stop();
      }
    });

    it('a message waiting behind a failed message of its case does not keep the worker claiming', async () => {
      let statements = 0;
      // Counts every statement the worker sends (the same database, through a counting plugin).
      const countingDb = sender.context.db.withPlugin({
        transformQuery: (args) => {
          statements += 1;
          return args.node;
        },
        transformResult: async (args) => args.result,
      });
      // A refusal that sending again cannot cure: the first message fails for good.
      const refusing: typeof fetch = async () => new Response('no', { status: 400 });
      const running = createDeliveryWorker({ ...slowPollingContext(), db: countingDb }, sender.runtime!, {
        fetch: refusing,
      });
      const first = await queuePing('case-blocked');
      const second = await queuePing('case-blocked');
      await running.start();
      try {
        running.wake();
        const deadline = Date.now() + 5000;
        while ((await findOutboxMessage(sender.context.db, first))?.status !== 'failed') {
          assert.ok(Date.now() < deadline, 'the first message did not fail within 5 s');
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        // The second waits behind the failed first until a person retries or cancels it: nothing
        // can be claimed meanwhile, though it is due, and the poll is a minute away.
        await new Promise((resolve) => setTimeout(resolve, 200));
        const before = statements;
        await new Promise((resolve) => setTimeout(resolve, 500));
        assert.ok(
          statements - before <= 2,
          `${statements - before} statements in 0.5 s with nothing to claim`,
        );
        assert.equal((await findOutboxMessage(sender.context.db, second))?.attempts, 0);
      } finally {
        await running.stop();
        // Out of the way of the tests that follow.
        await cancelMessage(sender.context.db, first);
        await cancelMessage(sender.context.db, second);
      }
    });

    it('on PostgreSQL, a commit in another process wakes the worker through LISTEN/NOTIFY', {
      skip: target.name !== 'postgres',
    }, async () => {
      const row = await sql<{ name: string }>`select current_database() as name`.execute(sender.context.db);
      const url = new URL(process.env.COMITY_TEST_POSTGRES_URL ?? '');
      url.pathname = `/${row.rows[0]?.name}`;
      const running = createDeliveryWorker(
        slowPollingContext({ kind: 'postgres', url: url.toString() }),
        sender.runtime!,
      );
      await running.start();
      try {
        // Nothing wakes it in-process (wakeSender is a no-op): only the NOTIFY of the send can.
        const created = await draft(preservationDraft('FR', 'DE', 9));
        assert.equal((await send(created.request.id)).statusCode, 202);
        await waitForDelivery(created.request.id);
      } finally {
        await running.stop();
      }
    });

    describe('hostile input at POST /federation/v1/messages: refused with its reason, nothing stored', () => {
      async function assertRefused(body: string, reason: string, status: number, contentType?: string) {
        const before = await receiverCounts();
        const response = await postMessage(receiver, body, contentType);
        assert.equal(response.statusCode, status, response.body);
        assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
        assert.equal(json<Problem>(response).type, `urn:comity:problem:${reason}`);
        assert.deepEqual(await receiverCounts(), before);
      }

      it('a bad signature', async () => {
        await assertRefused(flipSignatureByte(await seal()), 'federation-bad-signature', 403);
      });

      it('an unknown sender', async () => {
        await assertRefused(await seal({ from: plans.stranger }), 'federation-unknown-sender', 403);
      });

      it('a wrong addressee', async () => {
        await assertRefused(await seal({ toId: 'it-247' }), 'federation-wrong-addressee', 421);
      });

      it('an expired key', async () => {
        await assertRefused(await seal({ from: plans.expired }), 'federation-expired-key', 403);
      });

      it('a replayed message', async () => {
        const message = await seal();
        assert.equal((await postMessage(receiver, message)).statusCode, 200);
        await assertRefused(message, 'federation-replayed-message', 409);
      });

      it('a stale timestamp, and one from the future', async () => {
        const now = clock.now().getTime();
        await assertRefused(
          await seal({ createdAt: new Date(now - 10 * MINUTE).toISOString() }),
          'federation-stale-message',
          400,
        );
        await assertRefused(
          await seal({ createdAt: new Date(now + 10 * MINUTE).toISOString() }),
          'federation-stale-message',
          400,
        );
      });

      it('alg none', async () => {
        const payload = JSON.parse(
          Buffer.from((await seal()).split('.')[1]!, 'base64url').toString(),
        ) as unknown;
        const token = assembleToken({ alg: 'none', typ: 'comity-message+jws' }, payload, '');
        await assertRefused(token, 'federation-unsupported-algorithm', 400);
      });

      it('an HMAC token keyed with the sender public key', async () => {
        const payload = JSON.parse(
          Buffer.from((await seal()).split('.')[1]!, 'base64url').toString(),
        ) as unknown;
        const publicKey = plans.fr.keys.signing.publicJwk;
        for (const key of [JSON.stringify(publicKey), Buffer.from(String(publicKey.x), 'base64url')]) {
          const token = forgeHs256Token(
            { kid: plans.fr.keys.signing.kid, typ: 'comity-message+jws' },
            payload,
            key,
          );
          await assertRefused(token, 'federation-unsupported-algorithm', 400);
        }
      });

      it('a body over the size limit', async () => {
        const huge = `${base64urlJson({ alg: 'EdDSA' })}.${'A'.repeat(70 * 1024)}.AAAA`;
        await assertRefused(huge, 'federation-message-too-large', 413);
      });

      it('malformed JSON, base64 and structure', async () => {
        for (const body of [
          'not a jws',
          'a.b.c',
          `${base64urlJson({ alg: 'EdDSA' }).slice(0, -2)}!!.e30.AAAA`,
          `${Buffer.from('{"alg":"EdDSA",').toString('base64url')}.e30.AAAA`,
          `${base64urlJson({ alg: 'EdDSA', kid: plans.fr.keys.signing.kid, typ: 'comity-message+jws' })}.${Buffer.from('{not json').toString('base64url')}.AAAA`,
          '\u0000\u0001',
          'é'.repeat(20),
        ]) {
          await assertRefused(body, 'federation-malformed-message', 400);
        }
      });

      it('a valid signature over a schema-invalid envelope or body', async () => {
        const recipient = {
          kid: plans.de.keys.encryption.kid,
          publicJwk: plans.de.keys.encryption.publicJwk,
        };
        const envelope = {
          v: 1,
          id: createUuidV7(),
          from: 'fr-ca',
          to: 'de-247',
          type: 'request.submitted',
          case: 'case-bad',
          createdAt: clock.now().toISOString(),
        };
        const badBody = await encryptBody(
          { request: { type: 'no-such-type' }, requestId: 'x' },
          { type: 'request.submitted', from: 'fr-ca' },
          recipient,
        );
        await assertRefused(
          await signEnvelope({ ...envelope, body: badBody }, plans.fr.keys.signing),
          'federation-schema-invalid',
          422,
        );
        const goodBody = await encryptBody({}, { type: 'ping', from: 'fr-ca' }, recipient);
        await assertRefused(
          await signEnvelope(
            { ...envelope, type: 'ping', body: goodBody, extra: true },
            plans.fr.keys.signing,
          ),
          'federation-schema-invalid',
          422,
        );
        // Text the database cannot store, inside a body that matches the schema.
        const requestId = crypto.randomUUID();
        const nul = await seal({
          type: 'request.submitted',
          case: requestId,
          body: {
            request: { ...preservationDraft('FR', 'DE', 7), summaryOfFacts: 'nul \u0000 inside' },
            requestId,
            submittedAt: clock.now().toISOString(),
            submittedBy: { displayName: 'A prosecutor' },
          },
        });
        await assertRefused(nul, 'federation-schema-invalid', 422);
      });

      it('another content type, or no body', async () => {
        await assertRefused(
          JSON.stringify({ message: await seal() }),
          'unsupported-media-type',
          415,
          'application/json',
        );
        const before = await receiverCounts();
        const empty = await receiver.app.inject({ method: 'POST', url: '/federation/v1/messages' });
        assert.equal(empty.statusCode, 400);
        assert.equal(json<Problem>(empty).type, 'urn:comity:problem:federation-malformed-message');
        assert.deepEqual(await receiverCounts(), before);
      });
    });

    describe('message batches: several messages in one exchange, each answered as it would be alone', () => {
      const BATCHES = '/federation/v1/message-batches';

      function postBatch(node: FederatedNode, body: unknown, contentType = 'application/json') {
        return node.app.inject({
          method: 'POST',
          url: BATCHES,
          headers: { 'content-type': contentType },
          payload: typeof body === 'string' ? body : JSON.stringify(body),
        });
      }

      type BatchAnswer = { results: { status: number; receipt?: string; type?: string; detail?: string }[] };

      it('the audit log records each message received once, with its sender and id, and a replay as a refusal', async () => {
        const auditOfReception = async () =>
          (await listAudit(receiver.context, { action: 'federation:receive', limit: 500 })).entries.flatMap(
            ({ entry }) => (entry ? [entry] : []),
          );
        const isReplay = (entry: { outcome: string; detail?: unknown }) =>
          entry.outcome === 'failure' && (entry.detail as { reason?: string }).reason === 'replayed-message';
        const replaysBefore = (await auditOfReception()).filter(isReplay).length;
        const single = createUuidV7();
        const alone = await seal({ id: single, case: 'audit-alone' });
        assert.equal((await postMessage(receiver, alone)).statusCode, 200);
        assert.equal((await postMessage(receiver, alone)).statusCode, 409);
        const batched = [createUuidV7(), createUuidV7()];
        const response = await postBatch(receiver, {
          messages: [
            await seal({ id: batched[0], case: 'audit-batch-1' }),
            await seal({ id: batched[1], case: 'audit-batch-2' }),
            alone,
          ],
        });
        assert.deepEqual(
          json<BatchAnswer>(response).results.map((result) => result.status),
          [200, 200, 409],
        );
        const entries = await auditOfReception();
        const received = entries.flatMap((entry) =>
          entry.outcome === 'success' && [single, ...batched].includes(entry.resource ?? '')
            ? [[entry.resource, entry.actor]]
            : [],
        );
        assert.deepEqual(
          received.sort(),
          [single, ...batched].sort().map((id) => [id, { kind: 'node', nodeId: 'fr-ca' }]),
        );
        assert.equal(
          entries.filter(isReplay).length - replaysBefore,
          2,
          'the replay, alone and in the batch',
        );
      });

      it('answers a receipt, a replay with its original receipt, and refusals, in order; stores only the new message', async () => {
        const earlier = await seal({ case: 'batch-replay' });
        const first = await postMessage(receiver, earlier);
        assert.equal(first.statusCode, 200, first.body);
        const originalReceipt = json<{ receipt: string }>(first).receipt;
        const fresh = await seal({ case: 'batch-fresh' });
        const freshId = createUuidV7();
        const freshMessage = await seal({ id: freshId, case: 'batch-fresh' });
        const before = await receiverCounts();
        const response = await postBatch(receiver, {
          messages: [
            freshMessage,
            earlier,
            flipSignatureByte(fresh),
            await seal({ toId: 'it-247', case: 'batch-other' }),
          ],
        });
        assert.equal(response.statusCode, 200, response.body);
        const { results } = json<BatchAnswer>(response);
        assert.deepEqual(
          results.map((result) => [result.status, result.type]),
          [
            [200, undefined],
            [409, 'urn:comity:problem:federation-replayed-message'],
            [403, 'urn:comity:problem:federation-bad-signature'],
            [421, 'urn:comity:problem:federation-wrong-addressee'],
          ],
        );
        assert.equal(results[1]?.receipt, originalReceipt, 'the replay carries the original receipt');
        const verified = await verifyReceipt(results[0]?.receipt ?? '', {
          receiverKey: directory
            .lookupFor('fr-ca')
            .findNode('de-247')!
            .keys.filter((key) => key.use === 'sig'),
          expectedMessageId: freshId,
          expectedDigest: messageDigest(freshMessage),
          expectedFrom: 'de-247',
          expectedTo: 'fr-ca',
          now: clock.now(),
        });
        assert.equal(verified.ok, true, 'the new message has its own signed receipt');
        assert.deepEqual(await receiverCounts(), { ...before, inbox: before.inbox + 1 });
      });

      it('stores the requests of a batch at once: each once, each told to open screens, a replay among them answered', async () => {
        const submitted = async (requestId: string, serial: number) =>
          seal({
            type: 'request.submitted',
            case: requestId,
            body: {
              request: preservationDraft('FR', 'DE', serial),
              requestId,
              submittedAt: clock.now().toISOString(),
              submittedBy: { displayName: 'A prosecutor' },
            },
          });
        const remoteIds = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
        const earlier = await submitted(remoteIds[0]!, 11);
        assert.equal((await postMessage(receiver, earlier)).statusCode, 200);
        const before = await receiverCounts();
        const arrived: string[] = [];
        const unsubscribe = receiver.context.live.subscribe((update) => {
          if (update.kind === 'request-arrived') arrived.push(update.requestId);
        });
        // Counts the statements that insert inbox rows: the batch's new messages take one.
        const db = receiver.context.db;
        await sql`create table inbox_insert_statements (at timestamptz default now())`.execute(db);
        await sql`create function count_inbox_insert() returns trigger language plpgsql as $$
                  begin insert into inbox_insert_statements default values; return null; end $$`.execute(db);
        await sql`create trigger count_inbox_insert after insert on inbox_messages
                  for each statement execute function count_inbox_insert()`.execute(db);
        try {
          const response = await postBatch(receiver, {
            messages: [
              await submitted(remoteIds[1]!, 12),
              earlier,
              await seal({ case: 'batch-requests-ping' }),
              await submitted(remoteIds[2]!, 13),
            ],
          });
          assert.equal(response.statusCode, 200, response.body);
          assert.deepEqual(
            json<BatchAnswer>(response).results.map((result) => result.status),
            [200, 409, 200, 200],
          );
          const statements = await sql<{ count: number }>`
            select count(*)::int as count from inbox_insert_statements`.execute(db);
          assert.equal(statements.rows[0]?.count, 1, 'the batch was written in one statement');
        } finally {
          unsubscribe();
          await sql`drop trigger count_inbox_insert on inbox_messages`.execute(db);
          await sql`drop function count_inbox_insert()`.execute(db);
          await sql`drop table inbox_insert_statements`.execute(db);
        }
        assert.deepEqual(await receiverCounts(), {
          ...before,
          inbox: before.inbox + 3,
          requests: before.requests + 2,
        });
        const stored = await sql<{ id: string; remote_request_id: string; case_reference: string | null }>`
          select id, remote_request_id, content->>'caseReference' as case_reference from requests
           where remote_request_id in (${remoteIds[1]}, ${remoteIds[2]})`.execute(receiver.context.db);
        const caseReferenceOf = new Map(
          stored.rows.map((row) => [row.remote_request_id, row.case_reference]),
        );
        assert.deepEqual(
          [caseReferenceOf.get(remoteIds[1]!), caseReferenceOf.get(remoteIds[2]!)],
          ['FR-DEMO-00012', 'FR-DEMO-00013'],
        );
        assert.deepEqual(arrived.sort(), stored.rows.map((row) => row.id).sort());
      });

      it('takes two messages of one case in the order of the batch, each stored once', async () => {
        const before = await receiverCounts();
        const one = await seal({ case: 'batch-same-case' });
        const two = await seal({ case: 'batch-same-case' });
        const response = await postBatch(receiver, { messages: [one, two, one] });
        assert.equal(response.statusCode, 200, response.body);
        assert.deepEqual(
          json<BatchAnswer>(response).results.map((result) => result.status),
          [200, 200, 409],
        );
        assert.deepEqual(await receiverCounts(), { ...before, inbox: before.inbox + 2 });
      });

      it("one message's failing write costs the others of its batch nothing: each is written on its own", async () => {
        // A trigger makes the database refuse one message's inbox row, as a failing write would.
        await sql`create function refuse_poisoned_message() returns trigger language plpgsql as $$
                  begin
                    if new.case_id = 'batch-poisoned' then raise exception 'refused for the test'; end if;
                    return new;
                  end $$`.execute(receiver.context.db);
        await sql`create trigger refuse_poisoned_message before insert on inbox_messages
                  for each row execute function refuse_poisoned_message()`.execute(receiver.context.db);
        try {
          const before = await receiverCounts();
          const response = await postBatch(receiver, {
            messages: [
              await seal({ case: 'batch-healthy-1' }),
              await seal({ case: 'batch-poisoned' }),
              await seal({ case: 'batch-healthy-2' }),
            ],
          });
          assert.equal(response.statusCode, 200, response.body);
          const { results } = json<BatchAnswer>(response);
          assert.equal(results[0]?.status, 200);
          assert.ok((results[1]?.status ?? 0) >= 500, 'the failed write is a transient failure, retried');
          assert.equal(results[1]?.receipt, undefined);
          assert.equal(results[2]?.status, 200);
          assert.deepEqual(await receiverCounts(), { ...before, inbox: before.inbox + 2 });
        } finally {
          await sql`drop trigger refuse_poisoned_message on inbox_messages`.execute(receiver.context.db);
          await sql`drop function refuse_poisoned_message()`.execute(receiver.context.db);
        }
      });

      it('refuses a body that is not a batch, whole, and stores nothing', async () => {
        const message = await seal({ case: 'batch-refused' });
        const refusals: [unknown, string, number, string?][] = [
          ['{"messages": [', 'malformed-body', 400],
          [{ messages: [] }, 'invalid-input', 400],
          [{ messages: Array.from({ length: 33 }, () => message) }, 'invalid-input', 400],
          [{ messages: [message], extra: true }, 'invalid-input', 400],
          [{ messages: [42] }, 'invalid-input', 400],
          [{ messages: ['x'.repeat(1024 * 1024)] }, 'payload-too-large', 413],
          [message, 'unsupported-media-type', 415, 'application/jose'],
        ];
        for (const [body, code, status, contentType] of refusals) {
          const before = await receiverCounts();
          const response = await postBatch(receiver, body, contentType);
          assert.equal(response.statusCode, status, `${code}: ${response.body}`);
          assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
          assert.equal(json<Problem>(response).type, `urn:comity:problem:${code}`);
          assert.deepEqual(await receiverCounts(), before);
        }
      });

      it("the worker posts a peer's due messages in one exchange, each delivered with its verified receipt", async () => {
        const ids = [await queuePing('batch-w1'), await queuePing('batch-w2'), await queuePing('batch-w3')];
        exchanges.length = 0;
        const report = await worker.runOnce();
        assert.deepEqual(report, { attempted: 3, delivered: 3, failed: 0, retrying: 0 });
        assert.deepEqual(exchanges, [BATCHES]);
        for (const id of ids) {
          const stored = await findOutboxMessage(sender.context.db, id);
          assert.equal(stored?.status, 'delivered');
          assert.ok(stored?.receipt);
        }
      });

      it('a batch answered 503 leaves each of its messages pending for a retry, and they go later', async () => {
        const ids = [await queuePing('batch-u1'), await queuePing('batch-u2')];
        const down = createDeliveryWorker(sender.context, sender.runtime!, {
          fetch: async () =>
            Response.json({ type: 'urn:comity:problem:unavailable', status: 503 }, { status: 503 }),
          random: () => 0.5,
        });
        try {
          assert.deepEqual(await down.runOnce(), { attempted: 2, delivered: 0, failed: 0, retrying: 2 });
        } finally {
          await down.stop();
        }
        for (const id of ids)
          assert.equal((await findOutboxMessage(sender.context.db, id))?.status, 'pending');
        clock.advance(6 * MINUTE);
        assert.equal((await worker.runOnce()).delivered, 2);
      });

      /**
       * A worker whose peer answers `status` to batches while `isRefusing()` holds (one message
       * alone always goes through); `paths` lists every exchange it made.
       */
      function workerRefusingBatches(status: number, type: string, isRefusing: () => boolean = () => true) {
        const paths: string[] = [];
        const worker = createDeliveryWorker(sender.context, sender.runtime!, {
          fetch: async (input, init) => {
            paths.push(new URL(String(input)).pathname);
            if (isRefusing() && String(input).endsWith(BATCHES)) {
              return Response.json({ type: `urn:comity:problem:${type}`, status }, { status });
            }
            return fetch(input, init);
          },
          random: () => 0.5,
        });
        return { worker, paths };
      }

      const ALONE = '/federation/v1/messages';

      it('a batch refused whole (413) sends its messages one by one, none failed for it, and batches go on', async () => {
        let isRefusing = true;
        const { worker: limited, paths } = workerRefusingBatches(413, 'payload-too-large', () => isRefusing);
        try {
          await queuePing('batch-l1');
          await queuePing('batch-l2');
          assert.deepEqual(await limited.runOnce(), { attempted: 2, delivered: 2, failed: 0, retrying: 0 });
          assert.deepEqual(paths, [BATCHES, ALONE, ALONE]);
          paths.length = 0;
          isRefusing = false;
          await queuePing('batch-l3');
          await queuePing('batch-l4');
          assert.equal((await limited.runOnce()).delivered, 2);
          assert.deepEqual(paths, [BATCHES], 'a refused batch does not stop the next ones');
        } finally {
          await limited.stop();
        }
      });

      it('a peer that serves no batches (404) gets its messages one by one, and keeps getting them so', async () => {
        const { worker: older, paths } = workerRefusingBatches(404, 'route-not-found');
        try {
          await queuePing('batch-o1');
          await queuePing('batch-o2');
          assert.deepEqual(await older.runOnce(), { attempted: 2, delivered: 2, failed: 0, retrying: 0 });
          assert.deepEqual(paths, [BATCHES, ALONE, ALONE]);
          paths.length = 0;
          await queuePing('batch-o3');
          await queuePing('batch-o4');
          assert.equal((await older.runOnce()).delivered, 2);
          assert.deepEqual(paths, [ALONE, ALONE]);
        } finally {
          await older.stop();
        }
      });
    });

    it('a node without federation identity answers 503 to messages, and no-recipient-node to sending', async () => {
      const refused = await postMessage(bare, await seal());
      assert.equal(refused.statusCode, 503);
      assert.equal(json<Problem>(refused).type, 'urn:comity:problem:unavailable');
      assert.match(json<Problem>(refused).detail, /comity init/);
      const bareOfficer = await asRole(bare, 'officer');
      const created = await bare.app.inject({
        method: 'POST',
        url: '/api/v1/requests',
        headers: bareOfficer.headers,
        payload: preservationDraft('FR', 'DE'),
      });
      const id = json<RequestBody>(created).request.id;
      const sent = await submitAndApprove(bare, id, bareOfficer);
      assert.equal(sent.statusCode, 409);
      assert.equal(json<Problem>(sent).type, 'urn:comity:problem:no-recipient-node');
      assert.match(json<Problem>(sent).detail, /comity init/);
    });
  });
}
