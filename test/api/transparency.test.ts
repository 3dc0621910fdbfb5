/**
 * The public transparency report over cases made by real two-node exchanges (FR requesting, DE
 * requested, over loopback HTTP): without sign-in, each node reports what it sent or received, by
 * type and counterpart State, with outcomes from the cases' statuses, times from their events, and
 * every count under 5 suppressed (a total over a suppressed count withheld); the CSV has one figure
 * per line; a node that does not publish answers 404; a period that is not one is refused.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { addDays, calendarDateOf } from '../../src/core/treaty/calendar-date.ts';
import { preservationDraft } from '../../src/demo/demo-drafts.ts';
import { json } from '../helpers/app.ts';
import { approveResponse } from '../helpers/approval.ts';
import { completeScreening } from '../helpers/screening.ts';
import { type ActingAs, asRole } from '../helpers/auth.ts';
import { DATABASE_TARGETS } from '../helpers/database.ts';
import { createClock, type NodePair, startFederatedNode, startNodePair } from './delivery-fixture.ts';

type Count = number | '<5' | null;
type Report = {
  publisher: { state: string; nodeId: string } | null;
  period: { label: string; from: string; to: string };
  threshold: number;
  totals: { sent: Count; received: Count };
  rows: {
    direction: string;
    requestType: string;
    counterpartState: string;
    requests: Count;
    outcomes: Record<string, Count>;
    durations: Record<string, { cases: Count; medianSeconds: number | null; p90Seconds: number | null }>;
  }[];
  refusalGrounds: { direction: string; ground: string; refusals: Count }[];
};

const CONSULTATION = {
  partialAssistanceConsidered: true,
  conditionalAssistanceConsidered: true,
  summary: 'Partial assistance was discussed with the requesting point of contact.',
};

for (const target of DATABASE_TARGETS) {
  describe(`transparency report [${target.name}]`, { skip: target.skip }, () => {
    let pair: NodePair;
    let officer: ActingAs;
    let duty: ActingAs;
    let reviewer: ActingAs;
    let year = '';

    async function transition(id: string, as: ActingAs, name: string, payload: object = {}) {
      const made = await pair.requested.app.inject({
        method: 'POST',
        url: `/api/v1/requests/${id}/transitions`,
        headers: as.headers,
        payload: { name, payload },
      });
      assert.equal(made.statusCode, 200, made.body);
      await pair.requestedWorker.runOnce();
    }

    before(async () => {
      pair = await startNodePair(target, { requesting: ['fr-open', 'FR'], requested: ['de-open', 'DE'] });
      officer = await asRole(pair.requesting, 'officer');
      duty = await asRole(pair.requested, 'duty-officer');
      reviewer = await asRole(pair.requested, 'legal-reviewer');
      year = String(pair.clock.now().getUTCFullYear());
      // Five preservations acknowledged after a minute and preserved two minutes later; one refused.
      for (let index = 1; index <= 6; index++) {
        const { requestedId } = await pair.deliverRequest(
          officer,
          duty,
          preservationDraft('FR', 'DE', index),
        );
        pair.clock.advance(60_000);
        await transition(requestedId, duty, 'acknowledge');
        pair.clock.advance(120_000);
        if (index <= 5) {
          const today = calendarDateOf(pair.clock.now());
          await transition(requestedId, duty, 'record-preservation', {
            tookEffectOn: today,
            preservedUntil: addDays(today, 90),
          });
        } else {
          await transition(requestedId, reviewer, 'begin-assessment');
          // A refusal rests on the completed screening checklist and leaves with a supervisor's approval.
          await completeScreening(pair.requested, reviewer, requestedId, {
            'essential-interests': 'The offence is a political offence under the law of the requested State.',
          });
          await transition(requestedId, reviewer, 'refuse', {
            grounds: ['preservation-limited-grounds'],
            reasons: 'The offence is a political offence under the law of the requested State.',
            consultation: CONSULTATION,
          });
          const approved = await approveResponse(pair.requested, requestedId);
          assert.equal(approved.statusCode, 200, approved.body);
          await pair.requestedWorker.runOnce();
        }
      }
    });

    after(async () => {
      await pair?.close();
    });

    async function report(node: NodePair['requested'], query = `period=${year}`): Promise<Report> {
      const response = await node.app.inject({ method: 'GET', url: `/api/v1/transparency?${query}` });
      assert.equal(response.statusCode, 200, response.body);
      return json<Report>(response);
    }

    it('reports the received cases without sign-in, suppressing counts under 5 and the totals over them', async () => {
      const received = await report(pair.requested);
      assert.equal(received.period.label, year);
      assert.equal(received.threshold, 5);
      assert.deepEqual(received.totals, { sent: 0, received: null });
      assert.equal(received.rows.length, 1);
      const row = received.rows[0]!;
      assert.deepEqual(
        [row.direction, row.requestType, row.counterpartState],
        ['received', 'preservation', 'FR'],
      );
      assert.deepEqual(row.outcomes, {
        pending: 0,
        accepted: 0,
        executed: 5,
        refused: '<5',
        withdrawn: 0,
        closed: 0,
      });
      assert.equal(row.requests, null, 'six requests minus five executed would give one refusal');
      assert.equal(row.durations.acknowledge?.cases, 6);
      assert.ok((row.durations.acknowledge?.medianSeconds ?? 0) >= 60);
      assert.ok(
        (row.durations.acknowledge?.p90Seconds ?? 0) >= (row.durations.acknowledge?.medianSeconds ?? 0),
      );
      assert.equal(row.durations.execute?.cases, 5);
      assert.ok((row.durations.execute?.medianSeconds ?? 0) >= 180);
      assert.equal(row.durations.decide?.cases, 6);
      assert.deepEqual(received.refusalGrounds, [
        { direction: 'received', ground: 'preservation-limited-grounds', refusals: '<5' },
      ]);
    });

    it('reports the same cases as sent on the requesting node, with the requested State', async () => {
      const sent = await report(pair.requesting);
      // Each node publishes its own figures, and says whose they are.
      assert.deepEqual(sent.publisher, {
        state: 'FR',
        nodeId: pair.requesting.context.federation?.identity.nodeId,
      });
      assert.deepEqual(sent.totals, { sent: null, received: 0 });
      const row = sent.rows[0]!;
      assert.deepEqual(
        [row.direction, row.requestType, row.counterpartState],
        ['sent', 'preservation', 'DE'],
      );
      assert.equal(row.outcomes.executed, 5);
      assert.equal(row.outcomes.refused, '<5');
    });

    it('reports a quarter, and nothing for a year without cases', async () => {
      const now = pair.clock.now();
      const quarter = `${year}-Q${Math.floor(now.getUTCMonth() / 3) + 1}`;
      assert.equal((await report(pair.requested, `period=${quarter}`)).rows[0]?.outcomes.executed, 5);
      const empty = await report(pair.requested, `period=${Number(year) - 1}`);
      assert.deepEqual(empty.totals, { sent: 0, received: 0 });
      assert.deepEqual(empty.rows, []);
    });

    it('gives the report as CSV, one figure per line', async () => {
      const response = await pair.requested.app.inject({
        method: 'GET',
        url: `/api/v1/transparency.csv?period=${year}`,
      });
      assert.equal(response.statusCode, 200, response.body);
      assert.match(String(response.headers['content-type']), /^text\/csv/);
      assert.match(String(response.headers['content-disposition']), new RegExp(`transparency-${year}\\.csv`));
      const [header, ...lines] = response.body.trimEnd().split('\r\n');
      assert.equal(
        header,
        'publishing_state,publishing_node,period,direction,request_type,counterpart_state,measure,value',
      );
      assert.ok(lines.every((line) => line.split(',').length === 8));
      // Each line names the node that publishes it, DE's.
      const nodeId = pair.requested.context.federation?.identity.nodeId;
      assert.ok(nodeId);
      const prefix = `DE,${nodeId},`;
      assert.ok(lines.every((line) => line.startsWith(prefix)));
      const figures = lines.map((line) => line.slice(prefix.length));
      assert.ok(figures.includes(`${year},received,all,all,requests,withheld`));
      assert.ok(figures.includes(`${year},received,preservation,FR,outcome:executed,5`));
      assert.ok(figures.includes(`${year},received,preservation,FR,outcome:refused,<5`));
      assert.ok(figures.includes(`${year},received,all,all,refusal_ground:preservation-limited-grounds,<5`));
    });

    it('refuses a period that is neither a year nor a quarter', async () => {
      const response = await pair.requested.app.inject({
        method: 'GET',
        url: '/api/v1/transparency?period=2026-13',
      });
      assert.equal(response.statusCode, 400);
      assert.match(response.headers['content-type'] as string, /problem\+json/);
    });

    it('answers 404 on a node that does not publish its report', async () => {
      const node = await startFederatedNode(target, {
        clock: createClock(),
        environment: { COMITY_TRANSPARENCY_PUBLISHED: 'false' },
      });
      try {
        for (const url of ['/api/v1/transparency', '/api/v1/transparency.csv']) {
          const response = await node.app.inject({ method: 'GET', url });
          assert.equal(response.statusCode, 404, url);
          assert.equal(json<{ type: string }>(response).type, 'urn:comity:problem:not-found');
        }
      } finally {
        await node.close();
      }
    });
  });
}
