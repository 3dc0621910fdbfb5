/** Alerts in storage: raised once per dedup key, kept with their recipients and details, listed per request. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { insertAlert, listAlertsOfRequest } from '../../src/storage/alerts.repository.ts';
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
    });
  });
}
