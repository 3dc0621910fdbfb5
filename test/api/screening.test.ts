/**
 * Incoming screening between two nodes (docs/case-lifecycle.md, "Screening"): FR sends DE's central
 * authority a request for stored data; DE's legal reviewer works through the checklist the
 * catalogue generates for it, with the flags Comity raises (dual criminality against DE's law
 * map, an offence outside the Convention's scope, FR's record of refusals at DE); no decision is
 * made before the checklist is complete, and a refusal rests only on items answered "concern". A
 * preservation is recorded without the checklist (Art. 42) but refused only with it. The law map
 * and its compliance view (JSON and CSV).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { preservationDraft, storedDataDraft } from '../../src/demo/demo-drafts.ts';
import { addDays, calendarDateOf } from '../../src/core/treaty/calendar-date.ts';
import { json } from '../helpers/app.ts';
import { approveResponse } from '../helpers/approval.ts';
import { type ActingAs, asRole } from '../helpers/auth.ts';
import { DATABASE_TARGETS } from '../helpers/database.ts';
import { answersFor, completeScreening, readScreening, type Screening } from '../helpers/screening.ts';
import { findUserById } from '../../src/storage/users.repository.ts';
import { type NodePair, startNodePair } from './delivery-fixture.ts';

const CONSULTATION = {
  partialAssistanceConsidered: true,
  conditionalAssistanceConsidered: true,
  summary: 'Partial and conditional assistance were discussed with the requesting authority.',
};

type Problem = { type: string; detail: string; errors?: Array<{ path: string; message: string }> };

for (const target of DATABASE_TARGETS) {
  describe(`incoming screening [${target.name}]`, { skip: target.skip }, () => {
    let pair: NodePair;
    let frOfficer: ActingAs;
    let duty: ActingAs;
    let reviewer: ActingAs;
    let auditor: ActingAs;
    let sequence = 0;
    /** The request of the first test, refused: a settled case. */
    let firstRefusedId = '';

    before(async () => {
      pair = await startNodePair(target, {
        requesting: ['fr-screen', 'FR'],
        requested: ['de-screen', 'DE'],
        requestedAuthority: 'central-authority',
      });
      frOfficer = await asRole(pair.requesting, 'officer');
      duty = await asRole(pair.requested, 'duty-officer');
      reviewer = await asRole(pair.requested, 'legal-reviewer');
      auditor = await asRole(pair.requested, 'auditor');
      // DE's law map implements Art. 10 only.
      const added = await pair.requested.app.inject({
        method: 'POST',
        url: '/api/v1/law-map',
        headers: reviewer.headers,
        payload: {
          citation: 'StGB § 303b',
          title: 'Computer sabotage',
          maximumPenalty: '5 years',
          offences: ['art-10'],
        },
      });
      assert.equal(added.statusCode, 201, added.body);
    });

    after(async () => {
      await pair?.close();
    });

    function transition(as: ActingAs, id: string, name: string, payload: object = {}) {
      return pair.requested.app.inject({
        method: 'POST',
        url: `/api/v1/requests/${id}/transitions`,
        headers: as.headers,
        payload: { name, payload },
      });
    }

    function putScreening(as: ActingAs, id: string, body: object) {
      return pair.requested.app.inject({
        method: 'PUT',
        url: `/api/v1/requests/${id}/screening`,
        headers: as.headers,
        payload: body,
      });
    }

    async function underAssessment(content: Parameters<NodePair['deliverRequest']>[2]) {
      const ids = await pair.deliverRequest(frOfficer, duty, content);
      assert.equal((await transition(duty, ids.requestedId, 'acknowledge')).statusCode, 200);
      assert.equal((await transition(duty, ids.requestedId, 'begin-assessment')).statusCode, 200);
      return ids;
    }

    it('the checklist of a stored-data request, flagged for dual criminality; no decision until complete; grounds only from concerns', async () => {
      const { requestedId, requestingId } = await underAssessment(
        storedDataDraft('FR', 'DE', ++sequence, [
          { conventionArticle: 7, domesticProvision: 'Code pénal, art. 323-1', maximumPenaltyYears: 3 },
          { conventionArticle: 10, domesticProvision: 'Code pénal, art. 323-2', maximumPenaltyYears: 5 },
        ]),
      );
      const screening = await readScreening(pair.requested, duty, requestedId);
      assert.deepEqual(
        screening.items.map((item) => item.id),
        [
          'conformity',
          'essential-interests',
          'domestic-prohibition',
          'legal-system',
          'non-discrimination',
          'dual-criminality',
          'fiscal-matters',
          'data-protection',
          'outside-scope',
          'protected-expression',
          'security-research',
          'requesting-state-record',
        ],
      );
      assert.equal(screening.complete, false);
      assert.equal(screening.revision, 0);
      assert.equal(screening.updatedByName, null, 'nobody screened it yet');
      const dual = screening.items.find((item) => item.id === 'dual-criminality');
      assert.deepEqual(dual?.flags, [
        { itemId: 'dual-criminality', kind: 'dual-criminality', articles: [7] },
      ]);
      assert.deepEqual(screening.items.find((item) => item.id === 'outside-scope')?.flags, []);
      // Where its own check raised no flag, Comity says what it found, as a proposal; a flagged item
      // has none, and nothing is answered by it.
      assert.equal(dual?.clearance, null);
      assert.deepEqual(screening.items.find((item) => item.id === 'outside-scope')?.clearance, {
        itemId: 'outside-scope',
        kind: 'outside-scope',
        articles: [7, 10],
        seriousCrimes: [],
      });
      assert.equal(screening.items.find((item) => item.id === 'outside-scope')?.answer, null);

      // No decision before the checklist is complete.
      for (const [name, payload] of [
        ['accept', {}],
        ['propose-conditions', { text: 'Use only in these proceedings.' }],
        [
          'refuse',
          { grounds: ['mla-dual-criminality'], reasons: 'No such offence here.', consultation: CONSULTATION },
        ],
      ] as const) {
        const refused = await transition(reviewer, requestedId, name, payload);
        assert.equal(refused.statusCode, 409, `${name}: ${refused.body}`);
        assert.match(json<Problem>(refused).detail, /complete the screening checklist first/);
      }

      // Who may answer, and what.
      const all = answersFor(screening.items);
      assert.equal((await putScreening(duty, requestedId, { answers: all })).statusCode, 403);
      assert.equal((await putScreening(auditor, requestedId, { answers: all })).statusCode, 403);
      const unknown = await putScreening(reviewer, requestedId, {
        answers: [{ itemId: 'extradition-assurances', answer: 'no-concern', reasons: 'x' }],
      });
      assert.equal(unknown.statusCode, 400, unknown.body);
      const blank = await putScreening(reviewer, requestedId, {
        answers: [{ itemId: 'conformity', answer: 'no-concern', reasons: '  ' }],
      });
      assert.equal(blank.statusCode, 400, blank.body);

      // A revision other than 0 before anything was saved: nobody saved that, so a conflict.
      const ahead = await putScreening(reviewer, requestedId, { answers: all.slice(0, 4), revision: 999 });
      assert.equal(ahead.statusCode, 409, ahead.body);
      assert.equal(json<Problem>(ahead).type, 'urn:comity:problem:conflict');

      // Half answered: still no decision, and the missing items are named.
      const half = await putScreening(reviewer, requestedId, { answers: all.slice(0, 4), revision: 0 });
      assert.equal(half.statusCode, 200, half.body);
      const halfView = json<{ screening: Screening }>(half).screening;
      assert.equal(halfView.complete, false);
      assert.equal(halfView.revision, 1);
      // Who screened, by name and username, and when: what an auditor reads beside the decision.
      const reviewerUser = await findUserById(pair.requested.context.db, reviewer.userId);
      assert.equal(halfView.updatedBy, reviewerUser?.username);
      assert.equal(halfView.updatedByName, reviewerUser?.displayName || reviewerUser?.username);
      assert.ok(halfView.updatedAt);
      assert.ok(halfView.missing.includes('dual-criminality'));
      assert.equal((await transition(reviewer, requestedId, 'accept')).statusCode, 409);
      // A stale revision is a conflict.
      assert.equal(
        (await putScreening(reviewer, requestedId, { answers: all, revision: 0 })).statusCode,
        409,
      );

      // Complete with no concern: a refusal on dual criminality has nothing to rest on.
      await completeScreening(pair.requested, reviewer, requestedId);
      const unsupported = await transition(reviewer, requestedId, 'refuse', {
        grounds: ['mla-dual-criminality'],
        reasons: 'Illegal access is not an offence here.',
        consultation: CONSULTATION,
      });
      assert.equal(unsupported.statusCode, 409, unsupported.body);
      assert.match(json<Problem>(unsupported).detail, /answered "concern"/);

      // A concern on dual criminality supports that ground, and only that one.
      const withConcern = await completeScreening(pair.requested, reviewer, requestedId, {
        'dual-criminality': 'Illegal access without damage is not an offence under our law.',
      });
      assert.deepEqual(withConcern.groundsSupported, ['mla-dual-criminality']);
      // No procedural duty comes with a refusal on it (the nationality item of an extradition brings one).
      assert.deepEqual(withConcern.dutiesOnRefusal, []);
      const otherGround = await transition(reviewer, requestedId, 'refuse', {
        grounds: ['mla-essential-interests'],
        reasons: 'Essential interests.',
        consultation: CONSULTATION,
      });
      assert.equal(otherGround.statusCode, 409, otherGround.body);
      const refusal = {
        grounds: ['mla-dual-criminality'],
        reasons: 'Illegal access without damage is not an offence under our law.',
        consultation: CONSULTATION,
      };
      const refused = await transition(reviewer, requestedId, 'refuse', refusal);
      firstRefusedId = requestedId;
      assert.equal(refused.statusCode, 200, refused.body);
      // A refusal is a response: it leaves once a supervisor approves it (the two-person rule).
      const approved = await approveResponse(pair.requested, requestedId);
      assert.equal(approved.statusCode, 200, approved.body);
      await pair.requestedWorker.runOnce();
      const atFr = await pair.requesting.app.inject({
        method: 'GET',
        url: `/api/v1/requests/${requestingId}/history`,
        headers: frOfficer.headers,
      });
      assert.equal(json<{ case: { status: string } }>(atFr).case.status, 'refused');

      // Settled: the checklist no longer changes; the requesting side has no checklist.
      assert.equal((await putScreening(reviewer, requestedId, { answers: all })).statusCode, 409);
      const outgoing = await pair.requesting.app.inject({
        method: 'GET',
        url: `/api/v1/requests/${requestingId}/screening`,
        headers: frOfficer.headers,
      });
      assert.equal(outgoing.statusCode, 403, outgoing.body);
    });

    it("the next request from FR shows FR's record at DE (a serious crime is within scope); accepted once screened", async () => {
      const { requestedId } = await underAssessment(
        storedDataDraft('FR', 'DE', ++sequence, [
          { conventionArticle: 10, domesticProvision: 'Code pénal, art. 323-2', maximumPenaltyYears: 5 },
          { domesticProvision: 'Code pénal, art. 313-1', maximumPenaltyYears: 5, description: 'Fraud' },
        ]),
      );
      const screening = await readScreening(pair.requested, reviewer, requestedId);
      assert.deepEqual(screening.record, {
        state: 'FR',
        received: 1,
        refused: 1,
        groundCounts: { 'mla-dual-criminality': 1 },
      });
      const flags = screening.items.flatMap((item) => item.flags);
      assert.deepEqual(
        flags.map((flag) => flag.kind),
        ['requesting-state-record'],
      );
      await completeScreening(pair.requested, reviewer, requestedId, {
        'requesting-state-record': 'One earlier refusal, on dual criminality, which does not arise here.',
      });
      const accepted = await transition(reviewer, requestedId, 'accept');
      assert.equal(accepted.statusCode, 200, accepted.body);
    });

    it('an answer given before another request of the State was refused is to be read again; no decision rests on it until then', async () => {
      const art10 = [
        { conventionArticle: 10, domesticProvision: 'Code pénal, art. 323-2', maximumPenaltyYears: 5 },
      ];
      const art7 = [
        { conventionArticle: 7, domesticProvision: 'Code pénal, art. 323-1', maximumPenaltyYears: 3 },
      ];
      const later = await underAssessment(storedDataDraft('FR', 'DE', ++sequence, art10));
      const earlier = await underAssessment(storedDataDraft('FR', 'DE', ++sequence, art7));
      const screened = await completeScreening(pair.requested, reviewer, later.requestedId, {
        'requesting-state-record': 'The earlier refusal does not bear on this request.',
      });
      assert.deepEqual(screened.outdated, []);
      const refusedBefore = screened.record.refused;

      // Meanwhile another request of FR is refused here.
      await completeScreening(pair.requested, reviewer, earlier.requestedId, {
        'dual-criminality': 'Illegal access without damage is not an offence under our law.',
      });
      const refused = await transition(reviewer, earlier.requestedId, 'refuse', {
        grounds: ['mla-dual-criminality'],
        reasons: 'Illegal access without damage is not an offence under our law.',
        consultation: CONSULTATION,
      });
      assert.equal(refused.statusCode, 200, refused.body);
      assert.equal((await approveResponse(pair.requested, earlier.requestedId)).statusCode, 200);

      // The checklist of a case settled before is the record of its decision: it stays as it was.
      const settled = await readScreening(pair.requested, reviewer, firstRefusedId);
      assert.deepEqual([settled.outdated, settled.complete], [[], true]);
      const stale = await readScreening(pair.requested, reviewer, later.requestedId);
      assert.equal(stale.record.refused, refusedBefore + 1);
      assert.deepEqual(stale.outdated, ['requesting-state-record']);
      assert.equal(stale.complete, false);
      assert.deepEqual(
        stale.items.filter((item) => item.isOutdated).map((item) => item.id),
        ['requesting-state-record'],
      );
      const blocked = await transition(reviewer, later.requestedId, 'accept');
      assert.equal(blocked.statusCode, 409, blocked.body);
      assert.deepEqual(
        json<Problem>(blocked).errors?.map((error) => error.path),
        ['screening.requesting-state-record'],
      );
      // Saved again word for word, the answer would say what the new finding contradicts: refused.
      const unchanged = await putScreening(reviewer, later.requestedId, {
        answers: stale.items.map((item) => ({ itemId: item.id, answer: item.answer, reasons: item.reasons })),
        revision: stale.revision,
      });
      assert.equal(unchanged.statusCode, 400, unchanged.body);
      const refusedSave = json<{ errors: Array<{ pointer?: string }> }>(unchanged);
      const outdatedIndex = stale.items.findIndex((item) => item.id === 'requesting-state-record');
      assert.deepEqual(
        refusedSave.errors.map((error) => error.pointer),
        [`/answers/${outdatedIndex}/reasons`],
      );
      assert.equal(
        (await readScreening(pair.requested, reviewer, later.requestedId)).revision,
        stale.revision,
      );
      // Saved again with the new record before the reviewer's eyes: the decision may rest on it.
      const reread = await completeScreening(pair.requested, reviewer, later.requestedId, {
        'requesting-state-record':
          'Two earlier refusals, both on dual criminality, which does not arise here.',
      });
      assert.deepEqual(reread.outdated, []);
      const accepted = await transition(reviewer, later.requestedId, 'accept');
      assert.equal(accepted.statusCode, 200, accepted.body);
    });

    it('a preservation is recorded without the checklist (Art. 42), which has no dual criminality; refusing it needs the checklist', async () => {
      // Preservations go to the 24/7 point of contact: a second pair of nodes.
      const points = await startNodePair(target, {
        requesting: ['fr-screen-247', 'FR'],
        requested: ['de-screen-247', 'DE'],
      });
      try {
        const frDuty = await asRole(points.requesting, 'officer');
        const duty = await asRole(points.requested, 'duty-officer');
        const reviewer = await asRole(points.requested, 'legal-reviewer');
        const transition = (as: ActingAs, id: string, name: string, payload: object = {}) =>
          points.requested.app.inject({
            method: 'POST',
            url: `/api/v1/requests/${id}/transitions`,
            headers: as.headers,
            payload: { name, payload },
          });
        const ids = await points.deliverRequest(frDuty, duty, preservationDraft('FR', 'DE', ++sequence));
        const screening = await readScreening(points.requested, reviewer, ids.requestedId);
        assert.ok(!screening.items.some((item) => item.id === 'dual-criminality'));
        assert.ok(screening.items.some((item) => item.id === 'essential-interests'));
        assert.equal((await transition(duty, ids.requestedId, 'acknowledge')).statusCode, 200);
        const today = calendarDateOf(points.clock.now());
        const preserved = await transition(duty, ids.requestedId, 'record-preservation', {
          tookEffectOn: today,
          preservedUntil: addDays(today, 90),
        });
        assert.equal(preserved.statusCode, 200, preserved.body);

        const other = await points.deliverRequest(frDuty, duty, preservationDraft('FR', 'DE', ++sequence));
        assert.equal((await transition(duty, other.requestedId, 'acknowledge')).statusCode, 200);
        assert.equal((await transition(reviewer, other.requestedId, 'begin-assessment')).statusCode, 200);
        const refusal = {
          grounds: ['preservation-limited-grounds'],
          reasons: 'Execution would prejudice our essential interests.',
          consultation: CONSULTATION,
        };
        assert.equal((await transition(reviewer, other.requestedId, 'refuse', refusal)).statusCode, 409);
        await completeScreening(points.requested, reviewer, other.requestedId, {
          'essential-interests': 'Execution would prejudice our essential interests.',
        });
        const refused = await transition(reviewer, other.requestedId, 'refuse', refusal);
        assert.equal(refused.statusCode, 200, refused.body);
        const approved = await approveResponse(points.requested, other.requestedId);
        assert.equal(approved.statusCode, 200, approved.body);
      } finally {
        await points.close();
      }
    });

    it('the law map: who may change it, what it accepts, and the compliance view in JSON and CSV', async () => {
      const node = pair.requested.app;
      const officer = await asRole(pair.requested, 'officer');
      const provision = { citation: 'StGB § 202a', title: 'Data espionage', offences: ['art-7'] };
      assert.equal(
        (
          await node.inject({
            method: 'POST',
            url: '/api/v1/law-map',
            headers: officer.headers,
            payload: provision,
          })
        ).statusCode,
        403,
      );
      const bad = await node.inject({
        method: 'POST',
        url: '/api/v1/law-map',
        headers: reviewer.headers,
        payload: { ...provision, offences: ['art-99'] },
      });
      assert.equal(bad.statusCode, 400, bad.body);
      const before = json<{ missing: string[] }>(
        await node.inject({ method: 'GET', url: '/api/v1/law-map/compliance', headers: officer.headers }),
      );
      assert.ok(before.missing.includes('art-7'));
      assert.ok(!before.missing.includes('art-10'));
      const added = await node.inject({
        method: 'POST',
        url: '/api/v1/law-map',
        headers: reviewer.headers,
        payload: provision,
      });
      assert.equal(added.statusCode, 201, added.body);
      const compliance = json<{ missing: string[]; offences: Array<{ id: string; provisions: string[] }> }>(
        await node.inject({ method: 'GET', url: '/api/v1/law-map/compliance', headers: officer.headers }),
      );
      assert.ok(!compliance.missing.includes('art-7'));
      assert.deepEqual(compliance.offences.find((o) => o.id === 'art-7')?.provisions, ['StGB § 202a']);
      const csv = await node.inject({
        method: 'GET',
        url: '/api/v1/law-map/compliance.csv',
        headers: officer.headers,
      });
      assert.equal(csv.statusCode, 200);
      assert.match(String(csv.headers['content-type']), /^text\/csv/);
      assert.match(csv.body, /^offence,article,title,implemented,provisions\r\n/);
      assert.match(csv.body, /art-7,7,Illegal access,yes,StGB § 202a/);
      assert.match(csv.body, /art-8,8,Illegal interception,no,/);
      const id = json<{ id: string }>(added).id;
      assert.equal(
        (await node.inject({ method: 'DELETE', url: `/api/v1/law-map/${id}`, headers: reviewer.headers }))
          .statusCode,
        204,
      );
      assert.equal(
        (await node.inject({ method: 'DELETE', url: `/api/v1/law-map/${id}`, headers: reviewer.headers }))
          .statusCode,
        404,
      );
    });
  });
}
