/**
 * The deadlines of a case in its view (GET /api/v1/requests/{id}/history), on both nodes, from the
 * requested State's service level in the signed directory and an injected clock: an emergency
 * request to a State that acknowledges within one hour is on time, then at risk in its last
 * quarter, then missed; acknowledging it ends the deadline on both sides. The date the requesting
 * side suggests for execution is a deadline too, from the request's delivery.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { addDays, calendarDateOf } from '../../src/core/treaty/calendar-date.ts';
import { preservationDraft } from '../../src/demo/demo-drafts.ts';
import { json } from '../helpers/app.ts';
import { type ActingAs, asRole } from '../helpers/auth.ts';
import { DATABASE_TARGETS } from '../helpers/database.ts';
import { type NodePair, startNodePair } from './delivery-fixture.ts';

/** An instant as Berlin's clocks show it, "YYYY-MM-DD HH:mm": Germany is the requested State. */
function berlinClock(instant: string): string {
  return new Intl.DateTimeFormat('sv-SE', {
    timeZone: 'Europe/Berlin',
    dateStyle: 'short',
    timeStyle: 'short',
  }).format(new Date(instant));
}

type Deadline = {
  kind: string;
  side: string;
  startsAt: string;
  atRiskAt: string;
  dueAt: string;
  state: string;
};
type CaseBody = { case: { status: string; deadlines: Deadline[] } };

const MINUTE = 60_000;

for (const target of DATABASE_TARGETS) {
  describe(`case deadlines [${target.name}]`, { skip: target.skip }, () => {
    let pair: NodePair;
    let officer: ActingAs;
    let duty: ActingAs;

    before(async () => {
      pair = await startNodePair(target, {
        requesting: ['fr-deadlines', 'FR'],
        requested: ['de-deadlines', 'DE'],
        requestedServiceLevel: { acknowledgeWithinHours: 1 },
      });
      officer = await asRole(pair.requesting, 'officer');
      duty = await asRole(pair.requested, 'duty-officer');
    });

    after(async () => {
      await pair?.close();
    });

    async function deadlines(node: NodePair['requesting'], as: ActingAs, id: string): Promise<Deadline[]> {
      const response = await node.app.inject({
        method: 'GET',
        url: `/api/v1/requests/${id}/history`,
        headers: as.headers,
      });
      assert.equal(response.statusCode, 200, response.body);
      return json<CaseBody>(response).case.deadlines;
    }

    async function acknowledgeAtDe(id: string) {
      const response = await pair.requested.app.inject({
        method: 'POST',
        url: `/api/v1/requests/${id}/transitions`,
        headers: duty.headers,
        payload: { name: 'acknowledge', payload: {} },
      });
      assert.equal(response.statusCode, 200, response.body);
      return response;
    }

    it('an emergency request must be acknowledged within the declared hour: on time, at risk, missed, then gone', async () => {
      const { requesting: fr, requested: de, clock } = pair;
      const content = {
        ...preservationDraft('FR', 'DE', 7),
        urgency: { level: 'emergency' as const, justification: 'A hospital network is encrypted now.' },
      };
      const { requestingId: frId, requestedId: deId } = await pair.deliverRequest(officer, duty, content);

      const atDe = await deadlines(de, duty, deId);
      assert.equal(atDe.length, 1);
      const [acknowledge] = atDe;
      assert.ok(acknowledge);
      assert.equal(acknowledge.kind, 'acknowledge');
      assert.equal(acknowledge.side, 'requested');
      assert.equal(acknowledge.state, 'on-time');
      assert.equal(Date.parse(acknowledge.dueAt) - Date.parse(acknowledge.startsAt), 60 * MINUTE);
      assert.equal(Date.parse(acknowledge.atRiskAt) - Date.parse(acknowledge.startsAt), 45 * MINUTE);
      // The requesting side sees the same deadline, from the same directory entry.
      assert.deepEqual(await deadlines(fr, officer, frId), atDe);

      clock.advance(Date.parse(acknowledge.atRiskAt) - clock.now().getTime());
      assert.equal((await deadlines(de, duty, deId))[0]?.state, 'at-risk');
      clock.advance(Date.parse(acknowledge.dueAt) - clock.now().getTime());
      assert.equal((await deadlines(de, duty, deId))[0]?.state, 'missed');

      const acknowledged = await acknowledgeAtDe(deId);
      assert.deepEqual(json<CaseBody>(acknowledged).case.deadlines, []);
      assert.equal((await pair.requestedWorker.runOnce()).delivered, 1);
      assert.deepEqual(await deadlines(fr, officer, frId), []);
    });

    it('the date the requesting side suggests (Art. 40(25)) is a deadline of the requested side, on both nodes and on the desk', async () => {
      const { requesting: fr, requested: de, clock } = pair;
      const date = addDays(calendarDateOf(clock.now()), 20);
      const content = {
        ...preservationDraft('FR', 'DE', 9),
        suggestedDeadline: { date, reasons: 'The hearing is set for the day after.' },
      };
      const { requestingId: frId, requestedId: deId } = await pair.deliverRequest(officer, duty, content);

      const suggested = (await deadlines(de, duty, deId)).find((item) => item.kind === 'suggested-execution');
      assert.ok(suggested);
      assert.equal(suggested.side, 'requested');
      assert.equal(suggested.state, 'on-time');
      // The end of that date on the requested State's clocks (Germany's).
      assert.equal(berlinClock(suggested.dueAt), `${addDays(date, 1)} 00:00`);
      const atFr = (await deadlines(fr, officer, frId)).find((item) => item.kind === 'suggested-execution');
      assert.equal(atFr?.dueAt, suggested.dueAt);

      // Once acknowledged, it is the case's next deadline on the requested side's desk.
      await acknowledgeAtDe(deId);
      const desk = await de.app.inject({ method: 'GET', url: '/api/v1/desk', headers: duty.headers });
      assert.equal(desk.statusCode, 200, desk.body);
      const row = json<{ items: { requestId: string; nextDeadline: Deadline | null }[] }>(desk).items.find(
        (item) => item.requestId === deId,
      );
      assert.equal(row?.nextDeadline?.kind, 'suggested-execution');
      assert.equal(row?.nextDeadline?.dueAt, suggested.dueAt);
    });
  });

  describe(`the preservation reminder follows the node's setting [${target.name}]`, {
    skip: target.skip,
  }, () => {
    let pair: NodePair;
    before(async () => {
      pair = await startNodePair(target, {
        requesting: ['fr-reminder', 'FR'],
        requested: ['de-reminder', 'DE'],
        environment: { COMITY_PRESERVATION_REMINDER_DAYS: '30' },
      });
    });
    after(async () => {
      await pair?.close();
    });

    it('the requesting side is reminded 30 days before the preserved-until date ends', async () => {
      const officer = await asRole(pair.requesting, 'officer');
      const duty = await asRole(pair.requested, 'duty-officer');
      const { requestingId, requestedId } = await pair.deliverRequest(
        officer,
        duty,
        preservationDraft('FR', 'DE', 8),
      );
      const today = calendarDateOf(pair.clock.now());
      const preservedUntil = addDays(today, 90);
      const recorded = await pair.requested.app.inject({
        method: 'POST',
        url: `/api/v1/requests/${requestedId}/transitions`,
        headers: duty.headers,
        payload: { name: 'acknowledge', payload: {} },
      });
      assert.equal(recorded.statusCode, 200, recorded.body);
      const preserved = await pair.requested.app.inject({
        method: 'POST',
        url: `/api/v1/requests/${requestedId}/transitions`,
        headers: duty.headers,
        payload: { name: 'record-preservation', payload: { tookEffectOn: today, preservedUntil } },
      });
      assert.equal(preserved.statusCode, 200, preserved.body);
      await pair.requestedWorker.runOnce();
      const response = await pair.requesting.app.inject({
        method: 'GET',
        url: `/api/v1/requests/${requestingId}/history`,
        headers: officer.headers,
      });
      const expiry = json<CaseBody>(response).case.deadlines.find(
        (item) => item.kind === 'preservation-expiry',
      );
      assert.ok(expiry, response.body);
      assert.equal(expiry.side, 'requesting');
      assert.equal(berlinClock(expiry.dueAt), `${addDays(preservedUntil, 1)} 00:00`);
      assert.equal(Date.parse(expiry.dueAt) - Date.parse(expiry.atRiskAt), 30 * 24 * 60 * MINUTE);
    });
  });
}
