/** Alerts in storage: raised once per dedup key, kept with their recipients and details, listed per request. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import {
  insertAlerts,
  listAlertsOfRequest,
  listRaisedAlertKeys,
} from '../../src/storage/alerts.repository.ts';
import { insertWebhookEndpoint } from '../../src/storage/webhook-endpoints.repository.ts';
import { DATABASE_TARGETS } from '../helpers/database.ts';
import { useStorage } from '../helpers/storage-fixture.ts';

const T0 = new Date('2026-12-05T10:00:00.000Z');

/** One alert through insertAlerts: the alert stored, or undefined when its key was raised before. */
async function insertAlert(
  db: Parameters<typeof insertAlerts>[0],
  alert: Parameters<typeof insertAlerts>[1][number],
  emailRecipients: readonly string[] = [],
) {
  const [stored] = await insertAlerts(db, [{ ...alert, emailRecipients }]);
  return stored;
}

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

    it('stores several alerts in one statement, in order, each once, each with its own copies', async () => {
      const db = storage.handle().db;
      const [first, second, third] = await Promise.all([1, 2, 3].map(() => storage.storeDraft(T0)));
      await insertWebhookEndpoint(db, {
        url: 'https://cms.example/alerts',
        description: 'case system',
        secret: 'whsec_cms',
        createdAt: T0,
      });
      // Every endpoint registered on this node (earlier tests registered some too) gets a call.
      const webhooks = (
        await sql<{ id: string }>`select id from webhook_endpoints order by id`.execute(db)
      ).rows.map((row) => row.id);
      const alertOf = (requestId: string, details: Record<string, unknown>) => ({
        dedupKey: `arrived:${requestId}`,
        kind: 'request-arrived',
        requestId,
        recipientUserIds: [storage.userId()],
        details,
        raisedAt: T0,
      });
      const before = await insertAlert(db, alertOf(first!, { round: 0 }));
      assert.ok(before);
      const stored = await insertAlerts(db, [
        // A recipient named twice gets one copy.
        { ...alertOf(third!, { round: 1 }), emailRecipients: [storage.userId(), storage.userId()] },
        alertOf(first!, { round: 1 }),
        alertOf(second!, { round: 1 }),
        { ...alertOf(third!, { round: 2 }), emailRecipients: [] },
      ]);
      // The key raised before and the key given twice are stored once, with what came first.
      assert.deepEqual(
        stored.map((alert) => [alert.requestId, alert.details, alert.queuedDeliveries]),
        [
          [third, { round: 1 }, webhooks.length + 1],
          [second, { round: 1 }, webhooks.length],
        ],
      );
      const copiesOf = async (alertId: string) =>
        (
          await sql<{ channel: string; target_id: string }>`
            select channel, target_id from alert_deliveries where alert_id = ${alertId}
             order by channel, target_id`.execute(db)
        ).rows.map((row) => [row.channel, row.target_id]);
      const calls = webhooks.map((id) => ['webhook', id]);
      assert.deepEqual(await copiesOf(stored[0]!.id), [['email', storage.userId()], ...calls]);
      assert.deepEqual(await copiesOf(stored[1]!.id), calls);
      assert.deepEqual(await copiesOf(before.id), calls, 'the alert raised before queued nothing more');
      assert.deepEqual(
        (await listAlertsOfRequest(db, first!)).map((alert) => alert.details),
        [{ round: 0 }],
      );
      assert.deepEqual(await insertAlerts(db, []), []);
    });
  });
}
