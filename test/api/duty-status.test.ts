/**
 * duty.status between two nodes over loopback: the requested State's node tells its peers whether
 * someone is on its roster (at its first timer round, then only when that changes), and the
 * requesting side reads the requested State's local time and that status before sending
 * (GET /api/v1/roster/states/{code}).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { toLocalDateTime } from '../../src/core/duty/roster.ts';
import { type AlertTimers, createAlertTimers } from '../../src/services/alert-timers.service.ts';
import { json } from '../helpers/app.ts';
import { type ActingAs, asRole, createUser } from '../helpers/auth.ts';
import { DATABASE_TARGETS } from '../helpers/database.ts';
import { createClock, type NodePair, startNodePair } from './delivery-fixture.ts';

const HOUR = 3_600_000;

type StateDuty = {
  state: string;
  timeZone: string | null;
  localTime: string | null;
  nodes: { nodeId: string; onDuty: boolean | null; asOf: string | null }[];
};

for (const target of DATABASE_TARGETS) {
  describe(`duty.status [${target.name}]`, { skip: target.skip }, () => {
    let pair: NodePair;
    let officer: ActingAs;
    let deTimers: AlertTimers;

    before(async () => {
      pair = await startNodePair(
        target,
        { requesting: ['fr-duty', 'FR'], requested: ['de-duty', 'DE'] },
        createClock(Date.parse('2027-02-03T09:00:00Z')),
      );
      officer = await asRole(pair.requesting, 'officer');
      deTimers = createAlertTimers(pair.requested.context, { intervalMs: 60_000 });
    });

    after(async () => {
      await deTimers?.stop();
      await pair?.close();
    });

    async function dutyOfDe(): Promise<StateDuty> {
      const response = await pair.requesting.app.inject({
        method: 'GET',
        url: '/api/v1/roster/states/DE',
        headers: officer.headers,
      });
      assert.equal(response.statusCode, 200, response.body);
      return json<StateDuty>(response);
    }

    it('the requesting side sees the local time there and whether someone is on duty, as announced', async () => {
      const now = pair.clock.now();
      const before = await dutyOfDe();
      assert.equal(before.timeZone, 'Europe/Berlin');
      assert.equal(before.localTime, toLocalDateTime(now, 'Europe/Berlin'));
      assert.deepEqual(before.nodes, [
        { nodeId: 'de-duty', authority: 'point-of-contact', onDuty: null, asOf: null },
      ]);

      // Nobody on DE's roster yet: DE tells its peers nothing.
      await deTimers.runOnce();
      assert.equal((await pair.requestedWorker.runOnce()).attempted, 0);

      const supervisor = await asRole(pair.requested, 'supervisor');
      const greta = await createUser(pair.requested, { roles: ['duty-officer'] });
      const shift = await pair.requested.app.inject({
        method: 'POST',
        url: '/api/v1/roster/shifts',
        headers: supervisor.headers,
        payload: {
          username: greta.username,
          start: toLocalDateTime(new Date(now.getTime() - HOUR), 'Europe/Berlin'),
          end: toLocalDateTime(new Date(now.getTime() + 2 * HOUR), 'Europe/Berlin'),
        },
      });
      assert.equal(shift.statusCode, 201, shift.body);

      await deTimers.runOnce();
      // Its delivery names no request: a live update about "duty-status:<node>" sent the alert
      // timers a case id that is no request's, and their round failed on it.
      const published: string[] = [];
      const unsubscribe = pair.requested.context.live.subscribe((update) => published.push(update.requestId));
      try {
        assert.equal((await pair.requestedWorker.runOnce()).delivered, 1);
      } finally {
        unsubscribe();
      }
      assert.deepEqual(published, []);
      assert.deepEqual((await dutyOfDe()).nodes[0], {
        nodeId: 'de-duty',
        authority: 'point-of-contact',
        onDuty: true,
        asOf: now.toISOString(),
      });
      // No change, nothing sent.
      pair.clock.advance(HOUR);
      await deTimers.runOnce();
      assert.equal((await pair.requestedWorker.runOnce()).attempted, 0);

      // The shift ends: the peers hear that nobody is on duty.
      pair.clock.advance(HOUR);
      const ended = pair.clock.now().toISOString();
      await deTimers.runOnce();
      assert.equal((await pair.requestedWorker.runOnce()).delivered, 1);
      const after = await dutyOfDe();
      assert.equal(after.nodes[0]?.onDuty, false);
      assert.equal(after.nodes[0]?.asOf, ended);
      assert.equal(after.localTime, toLocalDateTime(pair.clock.now(), 'Europe/Berlin'));
    });

    it('an unknown State is 404', async () => {
      const response = await pair.requesting.app.inject({
        method: 'GET',
        url: '/api/v1/roster/states/QQ',
        headers: officer.headers,
      });
      assert.equal(response.statusCode, 404);
    });
  });
}
