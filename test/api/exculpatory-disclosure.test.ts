/**
 * Exculpatory disclosure between two nodes over real HTTP on loopback, on both databases
 * (Art. 40(5), Art. 40(19)): the recipient of spontaneous information gives notice that it will
 * disclose some of it as exculpatory, even after closing the case; the notice travels as
 * case.exculpatory-disclosure-notified and the sender sees it; the sender asks to be consulted
 * (case.consultation-requested), once; neither side may make the other's step.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { calendarDateOf } from '../../src/core/treaty/calendar-date.ts';
import { spontaneousInformationDraft } from '../../src/demo/demo-drafts.ts';
import { json } from '../helpers/app.ts';
import { type ActingAs, asRole } from '../helpers/auth.ts';
import { DATABASE_TARGETS } from '../helpers/database.ts';
import { type NodePair, readCaseView, startNodePair } from './delivery-fixture.ts';

type Notice = {
  timing: string;
  disclosure: string;
  date: string;
  priorNoticeImpossible: string | null;
  packageIds: string[];
  consultationRequested: { reasons: string } | null;
};
type View = { status: string; availableTransitions: string[]; exculpatoryNotices: Notice[] };
type Problem = { type: string; detail: string; errors?: { pointer?: string; code?: string }[] };

for (const target of DATABASE_TARGETS) {
  describe(`exculpatory disclosure between two nodes [${target.name}]`, { skip: target.skip }, () => {
    let pair: NodePair;
    let officer: ActingAs;
    let reviewer: ActingAs;
    let requestingId: string;
    let requestedId: string;

    const step = (side: 'requesting' | 'requested', as: ActingAs, name: string, payload: object) =>
      (side === 'requesting' ? pair.requesting : pair.requested).app.inject({
        method: 'POST',
        url: `/api/v1/requests/${side === 'requesting' ? requestingId : requestedId}/transitions`,
        headers: as.headers,
        payload: { name, payload },
      });

    before(async () => {
      pair = await startNodePair(target, {
        requesting: ['fr-exculpatory', 'FR'],
        requested: ['de-exculpatory', 'DE'],
        requestedAuthority: 'central-authority',
      });
      officer = await asRole(pair.requesting, 'officer');
      reviewer = await asRole(pair.requested, 'legal-reviewer');
      ({ requestingId, requestedId } = await pair.deliverRequest(
        officer,
        reviewer,
        spontaneousInformationDraft('FR', 'DE'),
      ));
    });
    after(async () => pair?.close());

    it('is given by the recipient after closing, reaches the sender, which asks once to be consulted', async () => {
      assert.equal((await step('requested', reviewer, 'acknowledge', {})).statusCode, 200);
      assert.equal((await step('requested', reviewer, 'close', {})).statusCode, 200);
      const recipientView = await readCaseView<View>(pair.requested, reviewer, requestedId);
      assert.deepEqual(recipientView.availableTransitions, ['notify-exculpatory-disclosure']);

      const today = calendarDateOf(pair.clock.now());
      const notice = {
        timing: 'prior',
        disclosure:
          'The session log from the other suspect will be given to the defence of M. K. in case 2026/88.',
        date: today,
      };
      // The sender of the information gives no such notice: it holds nothing of the other State.
      const bySender = await step('requesting', officer, 'notify-exculpatory-disclosure', notice);
      assert.equal(bySender.statusCode, 409, bySender.body);
      assert.match(json<Problem>(bySender).detail, /only the State that received the information/);
      // Notice after the disclosure says why it could not come first.
      const afterWithoutReason = await step('requested', reviewer, 'notify-exculpatory-disclosure', {
        ...notice,
        timing: 'after',
      });
      assert.equal(afterWithoutReason.statusCode, 400, afterWithoutReason.body);
      assert.deepEqual(
        (json<Problem>(afterWithoutReason).errors ?? []).map((error) => [error.pointer, error.code]),
        [['/payload/priorNoticeImpossible', 'required']],
      );

      const notified = await step('requested', reviewer, 'notify-exculpatory-disclosure', notice);
      assert.equal(notified.statusCode, 200, notified.body);
      const here = await readCaseView<View>(pair.requested, reviewer, requestedId);
      assert.equal(here.status, 'closed');
      assert.deepEqual(
        here.exculpatoryNotices.map((entry) => [entry.timing, entry.date, entry.consultationRequested]),
        [['prior', today, null]],
      );

      await pair.requestedWorker.runOnce();
      const there = await readCaseView<View>(pair.requesting, officer, requestingId);
      assert.equal(there.status, 'closed');
      assert.equal(there.exculpatoryNotices[0]?.disclosure, notice.disclosure);
      assert.deepEqual(there.availableTransitions, ['request-consultation']);

      const consulted = await step('requesting', officer, 'request-consultation', {
        notice: 0,
        reasons: 'The log also names a protected witness: we ask to agree a redaction first.',
      });
      assert.equal(consulted.statusCode, 200, consulted.body);
      const again = await step('requesting', officer, 'request-consultation', {
        notice: 0,
        reasons: 'Again.',
      });
      assert.equal(again.statusCode, 409, again.body);

      await pair.requestingWorker.runOnce();
      const answeredHere = await readCaseView<View>(pair.requested, reviewer, requestedId);
      assert.match(answeredHere.exculpatoryNotices[0]?.consultationRequested?.reasons ?? '', /redaction/);
      // The recipient consults and records it; it may give a further notice (another disclosure).
      assert.deepEqual(answeredHere.availableTransitions, [
        'notify-exculpatory-disclosure',
        'record-consultation',
      ]);
      const held = await step('requested', reviewer, 'record-consultation', {
        notice: 0,
        heldOn: today,
        outcome: 'Agreed by telephone: the witness name is redacted before the disclosure.',
      });
      assert.equal(held.statusCode, 200, held.body);
      await pair.requestedWorker.runOnce();
      const heldThere = await readCaseView<
        View & { exculpatoryNotices: { consultationHeld: { heldOn: string } | null }[] }
      >(pair.requesting, officer, requestingId);
      assert.equal(heldThere.exculpatoryNotices[0]?.consultationHeld?.heldOn, today);
      assert.deepEqual(heldThere.availableTransitions, []);
    });
  });
}
