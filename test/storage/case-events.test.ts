/**
 * The case history in storage: a transition made here is appended with the request's new case
 * status and its outgoing message in one statement, or not at all when another transition took its
 * sequence; a transition received is stored with its inbox row, once however often the message
 * arrives.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import pg from 'pg';
import { waitFor } from '../../src/demo/node-process.ts';
import { createUuidV7 } from '../../src/federation/protocol/uuid-v7.ts';
import {
  type CaseEventWrite,
  insertCaseEventAndQueue,
  listCaseEvents,
} from '../../src/storage/case-events.repository.ts';
import { insertInboxMessageWithEffect } from '../../src/storage/inbox.repository.ts';
import {
  countOutboxMessages,
  findOutboxMessage,
  OUTBOX_CHANNEL,
} from '../../src/storage/outbox.repository.ts';
import { findRequestById } from '../../src/storage/requests.repository.ts';
import { DATABASE_TARGETS } from '../helpers/database.ts';
import { useStorage } from '../helpers/storage-fixture.ts';

const T0 = new Date('2026-12-04T10:00:00.000Z');
const T1 = new Date('2026-12-04T10:05:00.000Z');

for (const target of DATABASE_TARGETS) {
  describe(`case history in storage [${target.name}]`, { skip: target.skip }, () => {
    const storage = useStorage(target, {
      username: 'duty',
      displayName: 'Duty Officer',
      role: 'duty-officer',
    });

    function request(): Promise<string> {
      return storage.storeDraft(T0);
    }

    function event(
      requestId: string,
      sequence: number,
      transition = 'acknowledge',
      approvedBy: CaseEventWrite['approvedBy'] = null,
    ): CaseEventWrite {
      return {
        requestId,
        sequence,
        transition,
        side: 'requested',
        actor: { id: storage.userId(), displayName: 'Duty Officer', roles: ['duty-officer'] },
        approvedBy,
        payload: { note: `event ${sequence}` },
        occurredAt: T1,
        seenOther: sequence - 1,
        status: 'acknowledged',
        recordedAt: T1,
      };
    }

    const queued = (id = createUuidV7()) => ({
      id,
      type: 'case.acknowledged',
      message: 'jws',
      digest: 'dg',
      peerNodeId: 'fr-ca',
    });

    it('appends an event with the case status and its outgoing message; a taken sequence writes nothing', async () => {
      const requestId = await request();
      const first = queued();
      assert.deepEqual(await insertCaseEventAndQueue(storage.handle().db, event(requestId, 1), first), {
        isQueued: true,
        sequence: (await findOutboxMessage(storage.handle().db, first.id))?.sequence,
        isLeased: false,
      });
      const events = await listCaseEvents(storage.handle().db, requestId);
      assert.equal(events.length, 1);
      assert.deepEqual(events[0]?.actor, {
        id: storage.userId(),
        displayName: 'Duty Officer',
        roles: ['duty-officer'],
      });
      assert.deepEqual(events[0]?.payload, { note: 'event 1' });
      assert.equal(events[0]?.approvedBy, null, 'an acknowledgement needs no second person');
      assert.equal(events[0]?.sentMessageId, first.id);
      assert.equal(events[0]?.occurredAt.toISOString(), T1.toISOString());
      assert.equal((await findRequestById(storage.handle().db, requestId))?.caseStatus, 'acknowledged');
      assert.equal((await findOutboxMessage(storage.handle().db, first.id))?.caseId, requestId);

      const outboxBefore = await countOutboxMessages(storage.handle().db);
      const second = queued();
      const raced = { ...event(requestId, 1, 'record-preservation'), status: 'preserved' };
      assert.deepEqual(await insertCaseEventAndQueue(storage.handle().db, raced, second), {
        isQueued: false,
        sequence: undefined,
        isLeased: false,
      });
      assert.equal((await listCaseEvents(storage.handle().db, requestId)).length, 1);
      assert.equal((await findRequestById(storage.handle().db, requestId))?.caseStatus, 'acknowledged');
      assert.equal(await findOutboxMessage(storage.handle().db, second.id), undefined);
      assert.equal(await countOutboxMessages(storage.handle().db), outboxBefore);
    });

    it("a message queued with a lease is inserted claimed until then, unless its case's earlier one is undelivered", async () => {
      const db = storage.handle().db;
      const requestId = await request();
      const leaseUntil = new Date(T1.getTime() + 30_000);
      const first = queued();
      const firstOutcome = await insertCaseEventAndQueue(db, event(requestId, 1), { ...first, leaseUntil });
      assert.equal(firstOutcome.isLeased, true);
      const stored = await findOutboxMessage(db, first.id);
      assert.equal(stored?.claimedUntil?.toISOString(), leaseUntil.toISOString());
      assert.equal(firstOutcome.sequence, stored?.sequence);
      // The first is still pending: the second must wait for a claim, which takes them in order.
      const second = queued();
      const secondOutcome = await insertCaseEventAndQueue(
        db,
        { ...event(requestId, 2, 'record-preservation'), status: 'preserved' },
        { ...second, leaseUntil },
      );
      assert.deepEqual(
        { isQueued: secondOutcome.isQueued, isLeased: secondOutcome.isLeased },
        { isQueued: true, isLeased: false },
      );
      assert.equal((await findOutboxMessage(db, second.id))?.claimedUntil, null);
    });

    it('on PostgreSQL, a message queued leased wakes no other process; one queued without a lease does', {
      skip: target.name !== 'postgres',
    }, async () => {
      const db = storage.handle().db;
      const { rows } = await sql<{ name: string }>`select current_database() as name`.execute(db);
      const url = new URL(process.env.COMITY_TEST_POSTGRES_URL ?? '');
      url.pathname = `/${rows[0]?.name}`;
      const listener = new pg.Client({ connectionString: url.toString() });
      await listener.connect();
      const heard: string[] = [];
      listener.on('notification', (notification) => heard.push(notification.payload ?? ''));
      await listener.query(`listen ${OUTBOX_CHANNEL}`);
      try {
        const leased = queued();
        const leaseUntil = new Date(T1.getTime() + 30_000);
        await insertCaseEventAndQueue(db, event(await request(), 1), {
          ...leased,
          notifyChannel: OUTBOX_CHANNEL,
          leaseUntil,
        });
        const plain = queued();
        await insertCaseEventAndQueue(db, event(await request(), 1), {
          ...plain,
          notifyChannel: OUTBOX_CHANNEL,
        });
        // Notifications come in the order of the commits: the leased one's would come first.
        await waitFor(
          'the notification of the message queued without a lease',
          async () => (heard.includes(plain.id) ? true : undefined),
          { timeoutMs: 5000, intervalMs: 10 },
        );
        assert.deepEqual(heard, [plain.id]);
      } finally {
        await listener.end();
      }
    });

    it('stores a received event with its inbox row, once, with who approved it', async () => {
      const requestId = await request();
      const messageId = createUuidV7();
      const inbox = {
        id: messageId,
        fromNodeId: 'fr-ca',
        type: 'case.refused',
        caseId: 'remote-case',
        digest: 'dg',
        message: 'jws',
        receipt: 'receipt',
        receivedAt: T1,
      };
      const effect = {
        kind: 'case-event' as const,
        event: {
          ...event(requestId, 1, 'refuse', { id: 'supervisor-1', displayName: 'Supervisor Schmidt' }),
          status: 'refused',
        },
      };
      assert.equal(await insertInboxMessageWithEffect(storage.handle().db, inbox, effect), true);
      assert.equal(await insertInboxMessageWithEffect(storage.handle().db, inbox, effect), false);
      const events = await listCaseEvents(storage.handle().db, requestId);
      assert.equal(events.length, 1);
      assert.equal(events[0]?.receivedMessageId, messageId);
      assert.equal(events[0]?.sentMessageId, null);
      assert.deepEqual(events[0]?.approvedBy, { id: 'supervisor-1', displayName: 'Supervisor Schmidt' });
      assert.equal((await findRequestById(storage.handle().db, requestId))?.caseStatus, 'refused');
    });
  });
}
