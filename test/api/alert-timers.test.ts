/**
 * The alert timers on a pair of nodes with one injected clock (no sleeping: the test advances the
 * clock and calls runOnce): an emergency request to a State that acknowledges within one hour
 * alerts the person on duty when it arrives, warns at 45 minutes, reports it missed at 60 and
 * escalates to the next person on the roster, then to the supervisors; a second round raises
 * nothing twice; the requesting officer hears of the other side's transitions and is reminded
 * before a preservation expires; on a request of the 24/7 network, so do the people on duty at the
 * requesting State.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { toLocalDateTime } from '../../src/core/duty/roster.ts';
import { addDays, calendarDateOf } from '../../src/core/treaty/calendar-date.ts';
import { preservationDraft, storedDataDraft } from '../../src/demo/demo-drafts.ts';
import { type AlertTimers, createAlertTimers } from '../../src/services/alert-timers.service.ts';
import { listAlertsOfRequest } from '../../src/storage/alerts.repository.ts';
import { type ActingAs, asRole, bearerAs } from '../helpers/auth.ts';
import { DATABASE_TARGETS } from '../helpers/database.ts';
import { createClock, type FederatedNode, type NodePair, startNodePair } from './delivery-fixture.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

for (const target of DATABASE_TARGETS) {
  describe(`alert timers [${target.name}]`, { skip: target.skip }, () => {
    let pair: NodePair;
    let officer: ActingAs;
    let reader: ActingAs;
    let onDuty: ActingAs;
    let nextOnDuty: ActingAs;
    let supervisor: ActingAs;
    let deTimers: AlertTimers;
    let frTimers: AlertTimers;

    before(async () => {
      pair = await startNodePair(
        target,
        {
          requesting: ['fr-timers', 'FR'],
          requested: ['de-timers', 'DE'],
          requestedServiceLevel: { acknowledgeWithinHours: 1 },
        },
        createClock(Date.parse('2027-01-12T09:00:00Z')),
      );
      officer = await asRole(pair.requesting, 'officer');
      reader = await asRole(pair.requested, 'duty-officer');
      onDuty = await asRole(pair.requested, 'duty-officer');
      nextOnDuty = await asRole(pair.requested, 'duty-officer');
      supervisor = await asRole(pair.requested, 'supervisor');
      deTimers = createAlertTimers(pair.requested.context, { intervalMs: 60_000 });
      frTimers = createAlertTimers(pair.requesting.context, { intervalMs: 60_000 });
      // DE's roster, in Berlin time: one officer on duty now, the next one from this evening.
      const now = pair.clock.now().getTime();
      await shift(onDuty, now - 2 * HOUR, now + 6 * HOUR);
      await shift(nextOnDuty, now + 6 * HOUR, now + 14 * HOUR);
    });

    after(async () => {
      await deTimers?.stop();
      await frTimers?.stop();
      await pair?.close();
    });

    async function shift(person: ActingAs, start: number, end: number): Promise<void> {
      const response = await pair.requested.app.inject({
        method: 'POST',
        url: '/api/v1/roster/shifts',
        headers: supervisor.headers,
        payload: {
          username: await usernameOf(pair.requested, person),
          start: toLocalDateTime(new Date(start), 'Europe/Berlin'),
          end: toLocalDateTime(new Date(end), 'Europe/Berlin'),
        },
      });
      assert.equal(response.statusCode, 201, response.body);
    }

    async function usernameOf(node: FederatedNode, person: ActingAs): Promise<string> {
      const response = await node.app.inject({
        method: 'GET',
        url: '/api/v1/session',
        headers: person.headers,
      });
      return (JSON.parse(response.body) as { user: { username: string } }).user.username;
    }

    async function alertsOf(node: FederatedNode, requestId: string) {
      return (await listAlertsOfRequest(node.context.db, requestId)).map((alert) => ({
        kind: alert.kind,
        to: alert.recipientUserIds,
        details: alert.details,
      }));
    }

    function advanceTo(instant: number): void {
      pair.clock.advance(instant - pair.clock.now().getTime());
    }

    it('alerts the person on duty, warns, reports the miss and escalates to the next person then the supervisors, once each', async () => {
      const content = {
        ...preservationDraft('FR', 'DE', 11),
        urgency: { level: 'emergency' as const, justification: 'A hospital network is encrypted now.' },
      };
      const { requestingId: frId, requestedId: deId } = await pair.deliverRequest(officer, reader, content);
      const deliveredAt = pair.clock.now().getTime();

      assert.equal((await deTimers.runOnce()).raised, 1);
      assert.deepEqual(await alertsOf(pair.requested, deId), [
        {
          kind: 'request-arrived',
          to: [onDuty.userId],
          details: {
            urgency: 'emergency',
            type: 'preservation',
            receivedAt: new Date(deliveredAt).toISOString(),
          },
        },
      ]);
      assert.equal((await deTimers.runOnce()).raised, 0);

      advanceTo(deliveredAt + 45 * MINUTE - 1);
      assert.equal((await deTimers.runOnce()).raised, 0);
      advanceTo(deliveredAt + 45 * MINUTE);
      assert.equal((await deTimers.runOnce()).raised, 1);
      const atRisk = (await alertsOf(pair.requested, deId)).at(-1);
      assert.equal(atRisk?.kind, 'deadline-at-risk');
      assert.deepEqual(atRisk?.to, [onDuty.userId]);
      assert.equal(atRisk?.details.dueAt, new Date(deliveredAt + HOUR).toISOString());

      advanceTo(deliveredAt + HOUR);
      assert.equal((await deTimers.runOnce()).raised, 2);
      assert.equal((await deTimers.runOnce()).raised, 0);
      advanceTo(deliveredAt + HOUR + 30 * MINUTE);
      assert.equal((await deTimers.runOnce()).raised, 1);
      assert.equal((await deTimers.runOnce()).raised, 0);
      const raised = await alertsOf(pair.requested, deId);
      assert.deepEqual(
        raised.filter((alert) => alert.kind !== 'escalation').map((alert) => [alert.kind, alert.to]),
        [
          ['request-arrived', [onDuty.userId]],
          ['deadline-at-risk', [onDuty.userId]],
          ['deadline-missed', [onDuty.userId]],
        ],
      );
      const escalations = raised.filter((alert) => alert.kind === 'escalation');
      assert.deepEqual(
        escalations.map((alert) => [alert.details.level, alert.details.to]),
        [
          [1, 'next-on-roster'],
          [2, 'supervisors'],
        ],
      );
      assert.deepEqual(escalations[0]?.to, [nextOnDuty.userId]);
      // Every supervisor of the node (the first administrator is one too), and nobody else.
      assert.ok(escalations[1]?.to.includes(supervisor.userId));
      assert.ok(
        ![onDuty.userId, nextOnDuty.userId, reader.userId].some((id) => escalations[1]?.to.includes(id)),
      );
      // The acknowledgement is the requested side's to make: the requesting node tells nobody of it.
      await frTimers.runOnce();
      assert.deepEqual(await alertsOf(pair.requesting, frId), []);
    });

    it("tells the requesting officer of the other side's transitions and reminds them before a preservation expires", async () => {
      const { requestingId: frId, requestedId: deId } = await pair.deliverRequest(
        officer,
        reader,
        preservationDraft('FR', 'DE', 12),
      );
      const today = calendarDateOf(pair.clock.now());
      for (const [name, payload] of [
        ['acknowledge', {}],
        ['record-preservation', { tookEffectOn: today, preservedUntil: addDays(today, 75) }],
      ] as const) {
        const made = await pair.requested.app.inject({
          method: 'POST',
          url: `/api/v1/requests/${deId}/transitions`,
          headers: onDuty.headers,
          payload: { name, payload },
        });
        assert.equal(made.statusCode, 200, made.body);
      }
      // The two transitions, and DE's duty.status announcements (its first round, the end of the shifts).
      assert.ok((await pair.requestedWorker.runOnce()).delivered >= 2);
      assert.equal((await frTimers.runOnce()).raised, 2);
      assert.equal((await frTimers.runOnce()).raised, 0);
      assert.deepEqual(
        (await alertsOf(pair.requesting, frId))
          .map((alert) => [alert.kind, alert.to, alert.details.transition])
          .sort((a, b) => String(a[2]).localeCompare(String(b[2]))),
        [
          ['case-event-received', [officer.userId], 'acknowledge'],
          ['case-event-received', [officer.userId], 'record-preservation'],
        ],
      );

      // The end of the preserved-until day (28 March 2027) on Germany's clocks, the requested
      // State's: Berlin is then on summer time, two hours ahead of UTC. Less the 14 days of notice.
      assert.equal(addDays(today, 76), '2027-03-29');
      const expiresAt = Date.parse('2027-03-29T00:00:00+02:00');
      advanceTo(expiresAt - 14 * DAY - 1);
      assert.equal((await frTimers.runOnce()).raised, 0);
      advanceTo(expiresAt - 14 * DAY);
      assert.equal((await frTimers.runOnce()).raised, 1);
      assert.equal((await frTimers.runOnce()).raised, 0);
      const reminder = (await alertsOf(pair.requesting, frId)).at(-1);
      assert.equal(reminder?.kind, 'preservation-reminder');
      assert.deepEqual(reminder?.to, [officer.userId]);
      assert.equal(reminder?.details.dueAt, new Date(expiresAt).toISOString());
      // The requested side is not the one to act on it.
      await deTimers.runOnce();
      assert.ok(
        (await alertsOf(pair.requested, deId)).every((alert) => alert.kind !== 'preservation-reminder'),
      );
    });

    it('with nobody on duty, an arrival goes to every duty officer', async () => {
      // Both shifts are over by now (the sessions of the first tests too: tokens act instead).
      const author = await bearerAs(pair.requesting, 'officer');
      const lateReader = await bearerAs(pair.requested, 'duty-officer');
      const { requestedId } = await pair.deliverRequest(
        author,
        lateReader,
        preservationDraft('FR', 'DE', 13),
      );
      await deTimers.runOnce();
      const [arrival] = await alertsOf(pair.requested, requestedId);
      assert.equal(arrival?.kind, 'request-arrived');
      assert.deepEqual(
        [...(arrival?.to ?? [])].sort(),
        [reader, onDuty, nextOnDuty, lateReader].map((person) => person.userId).sort(),
      );
    });
    // After the test above: it adds a duty officer of its own.

    it('a case whose data cannot be read is named and skipped; the other cases of the round are alerted', async () => {
      const author = await bearerAs(pair.requesting, 'officer');
      const deReader = await bearerAs(pair.requested, 'duty-officer');
      const broken = await pair.deliverRequest(author, deReader, preservationDraft('FR', 'DE', 21));
      const sound = await pair.deliverRequest(author, deReader, preservationDraft('FR', 'DE', 22));
      // A type no catalogue knows: folding its case throws.
      await sql`update requests set type = 'no-such-type' where id = ${broken.requestedId}`.execute(
        pair.requested.context.db,
      );
      const report = await deTimers.runOnce();
      assert.deepEqual(report.failedRequests, [broken.requestedId]);
      assert.equal((await alertsOf(pair.requested, sound.requestedId))[0]?.kind, 'request-arrived');
      assert.deepEqual(await alertsOf(pair.requested, broken.requestedId), []);
      await sql`update requests set type = 'preservation' where id = ${broken.requestedId}`.execute(
        pair.requested.context.db,
      );
    });

    it("a live update about something that is no request (a message type's own queue) starts no round", async () => {
      const errors: unknown[] = [];
      const timers = createAlertTimers(pair.requested.context, {
        intervalMs: 3_600_000,
        onError: (error) => errors.push(error),
      });
      timers.start();
      try {
        // The first full round, then updates naming queues: a round of them would read a request by a
        // non-UUID id and fail ("invalid input syntax for type uuid" on PostgreSQL).
        await timers.runOnce();
        for (const requestId of ['duty-status:fr-node', 'audit-tree-head:fr-node', 'sync:fr-node']) {
          pair.requested.context.live.publish({
            kind: 'case-changed',
            requestId,
            at: new Date().toISOString(),
          });
        }
        await new Promise((resolve) => setTimeout(resolve, 300));
        await timers.runOnce();
      } finally {
        await timers.stop();
      }
      assert.deepEqual(errors, []);
    });
  });

  describe(`alert timers at the requesting State's 24/7 desk [${target.name}]`, { skip: target.skip }, () => {
    const clock = createClock(Date.parse('2027-01-12T09:00:00Z'));
    let pairs: { pointOfContact: NodePair; centralAuthority: NodePair };

    before(async () => {
      pairs = {
        pointOfContact: await startNodePair(
          target,
          { requesting: ['fr-poc-desk', 'FR'], requested: ['de-poc-desk', 'DE'] },
          clock,
        ),
        centralAuthority: await startNodePair(
          target,
          {
            requesting: ['fr-ca-desk', 'FR'],
            requested: ['de-ca-desk', 'DE'],
            requestedAuthority: 'central-authority',
          },
          clock,
        ),
      };
    });

    after(async () => {
      await pairs?.pointOfContact.close();
      await pairs?.centralAuthority.close();
    });

    /** France's duty officer on its roster now; the other side acknowledges; France's round. */
    async function acknowledgedAtFrance(pair: NodePair, draft: typeof preservationDraft) {
      const author = await bearerAs(pair.requesting, 'officer');
      const duty = await bearerAs(pair.requesting, 'duty-officer');
      const frSupervisor = await bearerAs(pair.requesting, 'supervisor');
      const now = clock.now().getTime();
      const rostered = await pair.requesting.app.inject({
        method: 'POST',
        url: '/api/v1/roster/shifts',
        headers: frSupervisor.headers,
        payload: {
          username: (
            await pair.requesting.context.db
              .selectFrom('users')
              .select('username')
              .where('id', '=', duty.userId)
              .executeTakeFirstOrThrow()
          ).username,
          start: toLocalDateTime(new Date(now - HOUR), 'Europe/Paris'),
          end: toLocalDateTime(new Date(now + 8 * HOUR), 'Europe/Paris'),
        },
      });
      assert.equal(rostered.statusCode, 201, rostered.body);
      const deSupervisor = await bearerAs(pair.requested, 'supervisor');
      const { requestingId, requestedId } = await pair.deliverRequest(
        author,
        deSupervisor,
        draft('FR', 'DE', 1),
      );
      const acknowledged = await pair.requested.app.inject({
        method: 'POST',
        url: `/api/v1/requests/${requestedId}/transitions`,
        headers: deSupervisor.headers,
        payload: { name: 'acknowledge', payload: {} },
      });
      assert.equal(acknowledged.statusCode, 200, acknowledged.body);
      await pair.requestedWorker.runOnce();
      await createAlertTimers(pair.requesting.context, { intervalMs: 60_000 }).runOnce();
      const alerts = await listAlertsOfRequest(pair.requesting.context.db, requestingId);
      return { author, duty, alerts };
    }

    it("tells France's duty officer on shift, with the author, of Germany's step on a 24/7 request", async () => {
      const { author, duty, alerts } = await acknowledgedAtFrance(pairs.pointOfContact, preservationDraft);
      const received = alerts.filter((alert) => alert.kind === 'case-event-received');
      assert.equal(received.length, 1);
      assert.deepEqual(
        [...(received[0]?.recipientUserIds ?? [])].sort(),
        [author.userId, duty.userId].sort(),
      );
    });

    it('tells only the author of a request to the central authority', async () => {
      const { author, alerts } = await acknowledgedAtFrance(pairs.centralAuthority, storedDataDraft);
      const received = alerts.filter((alert) => alert.kind === 'case-event-received');
      assert.equal(received.length, 1);
      assert.deepEqual(received[0]?.recipientUserIds, [author.userId]);
    });
  });
}
