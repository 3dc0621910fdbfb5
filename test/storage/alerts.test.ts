/** Alerts in storage: raised once per dedup key, kept with their recipients and details, listed per request. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import {
  insertAlert,
  listAlertsOfRequest,
  listRaisedAlertKeys,
} from '../../src/storage/alerts.repository.ts';
import { insertWebhookEndpoint } from '../../src/storage/webhook-endpoints.repository.ts';
import { DATABASE_TARGETS } from '../helpers/database.ts';
import { useStorage } from '../helpers/storage-fixture.ts';

const T0 = new Date('2026-12-05T10:00:00.000Z');

for (const target of DATABASE_TARGETS) {
  describe(`alerts in storage [${target.name}]`, { skip: target.skip }, () => {
    const storage = useStorage(target, {
      username: 'duty',
      displayName: 'Duty Officer',
      role: 'duty-officer',
    });

    it('stores an alert once per dedup key', async () => {
      const requestId = await storage.storeDraft(T0);
      const alert = {
        dedupKey: `deadline:${requestId}:acknowledge:missed`,
        kind: 'deadline-missed',
        requestId,
        recipientUserIds: [storage.userId()],
        details: { deadline: 'acknowledge', dueAt: T0.toISOString() },
        raisedAt: T0,
      };
      const first = await insertAlert(storage.handle().db, alert);
      assert.ok(first);
      assert.deepEqual(
        { kind: first.kind, recipients: first.recipientUserIds, details: first.details, at: first.raisedAt },
        { kind: 'deadline-missed', recipients: [storage.userId()], details: alert.details, at: T0 },
      );
      assert.equal(
        await insertAlert(storage.handle().db, { ...alert, raisedAt: new Date(T0.getTime() + 60_000) }),
        undefined,
      );
      const listed = await listAlertsOfRequest(storage.handle().db, requestId);
      assert.deepEqual(
        listed.map((item) => item.id),
        [first.id],
      );
      assert.equal(first.queuedDeliveries, 0, 'no e-mail recipient, no webhook endpoint');
      assert.deepEqual(
        [...(await listRaisedAlertKeys(storage.handle().db, [alert.dedupKey, `arrived:${requestId}`, '']))],
        [alert.dedupKey],
      );
      assert.deepEqual([...(await listRaisedAlertKeys(storage.handle().db, []))], []);
    });

    it('queues in the same statement an e-mail per recipient given and a call per registered webhook endpoint', async () => {
      const db = storage.handle().db;
      const requestId = await storage.storeDraft(T0);
      const endpoints = await Promise.all(
        ['a', 'b'].map((name) =>
          insertWebhookEndpoint(db, {
            url: `https://cms.example/${name}`,
            description: name,
            secret: `whsec_${name}`,
            createdAt: T0,
          }),
        ),
      );
      const alert = {
        dedupKey: `arrived:${requestId}`,
        kind: 'request-arrived',
        requestId,
        recipientUserIds: [storage.userId()],
        details: {},
        raisedAt: T0,
      };
      const stored = await insertAlert(db, alert, [storage.userId()]);
      assert.equal(stored?.queuedDeliveries, 3);
      const deliveries = await sql<{ channel: string; target_id: string }>`
        select channel, target_id from alert_deliveries where alert_id = ${stored!.id} order by channel, target_id`.execute(
        db,
      );
      assert.deepEqual(
        deliveries.rows.map((row) => [row.channel, row.target_id]),
        [['email', storage.userId()], ...endpoints.map((endpoint) => ['webhook', endpoint.id]).sort()],
      );
      // Raised again: nothing stored, nothing queued.
      assert.equal(await insertAlert(db, alert, [storage.userId()]), undefined);
      const count = await sql<{ count: number }>`select count(*)::int as count from alert_deliveries`.execute(
        db,
      );
      assert.equal(count.rows[0]?.count, 3);
    });
  });
}
