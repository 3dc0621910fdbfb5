/**
 * The hot writes of federation, each one statement (one transaction): sending (request marked
 * sent + message queued), receiving (inbox row + incoming request) and recording receipts (a
 * batch of messages delivered + their requests). Each test checks that both halves happen
 * together or not at all.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { preservationDraft } from '../../src/demo/demo-drafts.ts';
import { createUuidV7 } from '../../src/federation/protocol/uuid-v7.ts';
import { markRequestSentAndQueue } from '../../src/storage/federation-requests.repository.ts';
import {
  countInboxMessages,
  insertInboxMessageWithEffect,
  receiveIntoInbox,
  receiveManyIntoInbox,
} from '../../src/storage/inbox.repository.ts';
import {
  countOutboxMessages,
  findOutboxMessage,
  insertOutboxMessage,
  recordDeliveries,
} from '../../src/storage/outbox.repository.ts';
import { findRequestById } from '../../src/storage/requests.repository.ts';
import { DATABASE_TARGETS } from '../helpers/database.ts';
import { useStorage } from '../helpers/storage-fixture.ts';

const T0 = new Date('2026-11-28T12:00:00.000Z');
const T1 = new Date('2026-11-28T12:00:05.000Z');

for (const target of DATABASE_TARGETS) {
  describe(`federation writes in one statement [${target.name}]`, { skip: target.skip }, () => {
    const storage = useStorage(target, { username: 'officer', displayName: 'Officer', role: 'officer' });

    function draft(): Promise<string> {
      return storage.storeDraft(T0);
    }

    const queued = (id = createUuidV7()) => ({ id, type: 'request.submitted', message: 'jws', digest: 'dg' });

    it('sending marks the draft sent and queues its message together; a stale revision does neither', async () => {
      const requestId = await draft();
      const before = await countOutboxMessages(storage.handle().db);
      const stale = await markRequestSentAndQueue(
        storage.handle().db,
        { id: requestId, expectedRevision: 2, peerNodeId: 'de-poc', now: T1 },
        queued(),
      );
      assert.equal(stale, false);
      assert.equal(await countOutboxMessages(storage.handle().db), before);
      assert.equal((await findRequestById(storage.handle().db, requestId))?.status, 'draft');

      const messageId = createUuidV7();
      const isQueued = await markRequestSentAndQueue(
        storage.handle().db,
        { id: requestId, expectedRevision: 1, peerNodeId: 'de-poc', now: T1 },
        queued(messageId),
      );
      assert.equal(isQueued, true);
      const request = await findRequestById(storage.handle().db, requestId);
      assert.equal(request?.status, 'sent');
      assert.equal(request?.revision, 2);
      assert.equal(request?.deliveryState, 'pending');
      assert.equal(request?.peerNodeId, 'de-poc');
      const message = await findOutboxMessage(storage.handle().db, messageId);
      assert.equal(message?.caseId, requestId);
      assert.equal(message?.status, 'pending');
      assert.equal(message?.createdAt.toISOString(), T1.toISOString());

      // Sent already: a second send at the new revision queues nothing.
      const again = await markRequestSentAndQueue(
        storage.handle().db,
        { id: requestId, expectedRevision: 2, peerNodeId: 'de-poc', now: T1 },
        queued(),
      );
      assert.equal(again, false);
      assert.equal(await countOutboxMessages(storage.handle().db), before + 1);
    });

    it('a received message and its incoming request are stored once, however often it arrives', async () => {
      const id = createUuidV7();
      const remoteRequestId = randomUUID();
      const inbox = {
        id,
        fromNodeId: 'fr-poc',
        type: 'request.submitted',
        caseId: remoteRequestId,
        digest: 'dg',
        message: 'jws',
        receipt: 'receipt',
        receivedAt: T1,
      };
      const content = preservationDraft('FR', 'DE', 2);
      const request = {
        type: content.type,
        content,
        caseReference: null,
        requestedState: 'DE',
        createdBy: storage.userId(),
        peerNodeId: 'fr-poc',
        remoteRequestId,
        receivedAt: T1,
        submittedBy: 'A prosecutor',
        approvedBy: 'A supervisor',
      };
      const inboxBefore = await countInboxMessages(storage.handle().db);
      assert.equal(
        await insertInboxMessageWithEffect(storage.handle().db, inbox, { kind: 'incoming-request', request }),
        true,
      );
      assert.equal(
        await insertInboxMessageWithEffect(storage.handle().db, inbox, { kind: 'incoming-request', request }),
        false,
      );
      assert.equal(await countInboxMessages(storage.handle().db), inboxBefore + 1);
      const incoming = await storage
        .handle()
        .db.selectFrom('requests')
        .select(['status', 'direction', 'remote_submitted_by', 'remote_approved_by'])
        .where('remote_request_id', '=', remoteRequestId)
        .execute();
      assert.deepEqual(incoming, [
        {
          status: 'received',
          direction: 'incoming',
          remote_submitted_by: 'A prosecutor',
          remote_approved_by: 'A supervisor',
        },
      ]);

      // A message without an effect (ping) is only an inbox row.
      const ping = { ...inbox, id: createUuidV7(), type: 'ping', caseId: 'ping' };
      assert.equal(await insertInboxMessageWithEffect(storage.handle().db, ping, undefined), true);
      assert.equal(await insertInboxMessageWithEffect(storage.handle().db, ping, undefined), false);
      assert.equal(await countInboxMessages(storage.handle().db), inboxBefore + 2);
    });

    it("a received message's audit record is written with its inbox row, and not for a replay", async () => {
      const db = storage.handle().db;
      const intake = async () =>
        (await db.selectFrom('audit_intake').select('event').orderBy('id').execute()).map((row) => row.event);
      const before = await intake();
      const audit = { event: `{"action":"federation:receive","n":"${randomUUID()}"}`, recordedAt: T1 };
      const message = (id: string, type: string) => ({
        id,
        fromNodeId: 'fr-poc',
        type,
        caseId: 'audited',
        digest: 'dg',
        message: 'jws',
        receipt: 'receipt',
        receivedAt: T1,
      });
      const ping = message(createUuidV7(), 'ping');
      assert.deepEqual(await receiveIntoInbox(db, ping, undefined, { audit }), {
        isProcessed: true,
        isAudited: true,
      });
      assert.deepEqual(await receiveIntoInbox(db, ping, undefined, { audit }), {
        isProcessed: false,
        isAudited: false,
      });
      // With an effect too (the statement's other variants start the same way).
      const requestId = await draft();
      const event = {
        requestId,
        sequence: 1,
        transition: 'acknowledge',
        side: 'requested',
        actor: { id: 'x', displayName: 'X', roles: ['duty-officer'] },
        approvedBy: null,
        payload: {},
        occurredAt: T1,
        seenOther: 0,
        status: 'acknowledged',
        recordedAt: T1,
      };
      const withEvent = await receiveIntoInbox(
        db,
        message(createUuidV7(), 'case.acknowledged'),
        { kind: 'case-event', event },
        { audit },
      );
      assert.equal(withEvent.isAudited, true);
      const after = await intake();
      assert.equal(after.length - before.length, 2);
      assert.deepEqual(after.slice(before.length), [audit.event, audit.event]);
      // Without an audit record, nothing is added to the intake.
      await receiveIntoInbox(db, message(createUuidV7(), 'ping'), undefined);
      assert.equal((await intake()).length, after.length);
    });

    it('several received messages in one statement: each row, its request and its audit record, only for the rows inserted', async () => {
      const db = storage.handle().db;
      const intake = async () =>
        (await db.selectFrom('audit_intake').select('event').orderBy('id').execute()).map((row) => row.event);
      const auditOf = (name: string) => ({
        event: `{"action":"federation:receive","n":"${name}"}`,
        recordedAt: T1,
      });
      const received = (type: string, caseId: string, digest = `dg-${caseId}`) => ({
        id: createUuidV7(),
        fromNodeId: 'fr-poc',
        type,
        caseId,
        digest,
        message: `jws-${caseId}`,
        receipt: `receipt-${caseId}`,
        receivedAt: T1,
      });
      const incomingOf = (remoteRequestId: string) => ({
        kind: 'incoming-request' as const,
        request: {
          type: 'preservation',
          content: preservationDraft('FR', 'DE', 3),
          caseReference: 'FR-2026-7',
          requestedState: 'DE',
          createdBy: storage.userId(),
          peerNodeId: 'fr-poc',
          remoteRequestId,
          receivedAt: T1,
          submittedBy: `submitter of ${remoteRequestId}`,
          // A sender of an earlier release names no approver.
          approvedBy: remoteRequestId === caseB ? null : `approver of ${remoteRequestId}`,
        },
      });
      const [caseA, caseB, caseC] = [randomUUID(), randomUUID(), randomUUID()];
      const replayed = received('request.submitted', caseC);
      assert.equal(
        (await receiveIntoInbox(db, replayed, incomingOf(caseC), { audit: auditOf('c') })).isProcessed,
        true,
      );
      const inboxBefore = await countInboxMessages(db);
      const intakeBefore = await intake();
      const first = received('request.submitted', caseA);
      const ping = received('ping', 'batch-ping');
      const sameId = { ...received('ping', 'batch-other'), id: ping.id };
      const writes = await receiveManyIntoInbox(db, [
        { message: first, effect: incomingOf(caseA), audit: auditOf('a') },
        { message: replayed, effect: incomingOf(caseC), audit: auditOf('c-again') },
        { message: ping, effect: undefined, audit: auditOf('ping') },
        { message: received('request.submitted', caseB), effect: incomingOf(caseB) },
        // Another message with an id already taken in this statement, and the same message again: not written.
        { message: sameId, effect: undefined, audit: auditOf('same-id') },
        { message: first, effect: incomingOf(caseA), audit: auditOf('a-again') },
      ]);
      const requestIdOf = async (remoteRequestId: string) =>
        (
          await db
            .selectFrom('requests')
            .select(['id', 'status', 'direction', 'content', 'remote_submitted_by', 'remote_approved_by'])
            .where('remote_request_id', '=', remoteRequestId)
            .execute()
        ).map((row) => ({ ...row, content: row.content as unknown }));
      const [requestA] = await requestIdOf(caseA);
      const [requestB] = await requestIdOf(caseB);
      assert.ok(requestA && requestB);
      assert.deepEqual(writes, [
        { isProcessed: true, isAudited: true, incomingRequestId: requestA.id },
        { isProcessed: false, isAudited: false },
        { isProcessed: true, isAudited: true },
        { isProcessed: true, isAudited: false, incomingRequestId: requestB.id },
        { isProcessed: false, isAudited: false },
        { isProcessed: false, isAudited: false },
      ]);
      assert.deepEqual(
        { status: requestA.status, direction: requestA.direction, content: requestA.content },
        { status: 'received', direction: 'incoming', content: preservationDraft('FR', 'DE', 3) },
      );
      assert.deepEqual(
        [requestA.remote_submitted_by, requestA.remote_approved_by, requestB.remote_approved_by],
        [`submitter of ${caseA}`, `approver of ${caseA}`, null],
      );
      assert.equal((await requestIdOf(caseC)).length, 1, 'the replay added no request');
      assert.equal(await countInboxMessages(db), inboxBefore + 3);
      const stored = await db
        .selectFrom('inbox_messages')
        .select(['case_id', 'message', 'receipt', 'digest'])
        .where('id', '=', ping.id)
        .execute();
      assert.deepEqual(stored, [
        {
          case_id: 'batch-ping',
          message: 'jws-batch-ping',
          receipt: 'receipt-batch-ping',
          digest: 'dg-batch-ping',
        },
      ]);
      assert.deepEqual((await intake()).slice(intakeBefore.length), [
        auditOf('a').event,
        auditOf('ping').event,
      ]);
      assert.deepEqual(await receiveManyIntoInbox(db, []), []);
    });

    it('records a batch of receipts: each message delivered, its request too, a first receipt kept', async () => {
      const requestIds = [await draft(), await draft()];
      const messageIds: string[] = [];
      for (const requestId of requestIds) {
        const messageId = createUuidV7();
        messageIds.push(messageId);
        await markRequestSentAndQueue(
          storage.handle().db,
          { id: requestId, expectedRevision: 1, peerNodeId: 'de-poc', now: T0 },
          queued(messageId),
        );
      }
      const pingId = createUuidV7();
      await insertOutboxMessage(storage.handle().db, {
        id: pingId,
        caseId: 'not-a-request',
        peerNodeId: 'de-poc',
        type: 'ping',
        message: 'jws',
        digest: 'dg',
        now: T0,
      });
      await recordDeliveries(storage.handle().db, [
        {
          id: messageIds[0]!,
          receipt: 'r0',
          receiptReceivedAt: T1,
          now: T1,
          statusCode: 200,
          effect: { kind: 'request-delivery-state', requestId: requestIds[0]!, state: 'delivered' },
        },
      ]);
      await recordDeliveries(storage.handle().db, [
        // Already delivered: its first receipt stays.
        {
          id: messageIds[0]!,
          receipt: 'later',
          receiptReceivedAt: T1,
          now: T1,
          statusCode: 409,
          effect: { kind: 'request-delivery-state', requestId: requestIds[0]!, state: 'delivered' },
        },
        {
          id: messageIds[1]!,
          receipt: 'r1',
          receiptReceivedAt: T1,
          now: T1,
          statusCode: 409,
          effect: { kind: 'request-delivery-state', requestId: requestIds[1]!, state: 'delivered' },
        },
        {
          id: pingId,
          receipt: 'rp',
          receiptReceivedAt: T1,
          now: T1,
          statusCode: 200,
          effect: { kind: 'request-delivery-state', requestId: 'not-a-request', state: 'delivered' },
        },
      ]);
      const first = await findOutboxMessage(storage.handle().db, messageIds[0]!);
      assert.equal(first?.status, 'delivered');
      assert.equal(first?.receipt, 'r0');
      assert.equal(first?.attempts, 1);
      assert.equal(first?.lastStatusCode, 200);
      const second = await findOutboxMessage(storage.handle().db, messageIds[1]!);
      assert.equal(second?.status, 'delivered');
      assert.equal(second?.receipt, 'r1');
      assert.equal(second?.lastStatusCode, 409);
      assert.equal(second?.claimedUntil, null);
      assert.equal(second?.receiptReceivedAt?.toISOString(), T1.toISOString());
      assert.equal((await findOutboxMessage(storage.handle().db, pingId))?.status, 'delivered');
      for (const requestId of requestIds) {
        assert.equal((await findRequestById(storage.handle().db, requestId))?.deliveryState, 'delivered');
      }
    });
  });
}
