/**
 * Exculpatory disclosure (Art. 40(19), Art. 40(5)): the recipient of information gives notice of
 * its disclosure, before it or, exceptionally, after it with why; the State that gave it may ask to
 * be consulted, once a notice. Each rule of the payload and both preconditions.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Case, CaseSide, CaseStatus } from '../../src/core/case/case-model.ts';
import { applyTransition, type TransitionResult } from '../../src/core/case/lifecycle.ts';
import {
  actor,
  CASE_CATALOGUE,
  caseIn,
  EXCULPATORY_NOTICE,
  NOW,
  RESPONSE,
} from '../helpers/case-fixtures.ts';

const PACKAGE = '0b6b7f6c-3f43-4a5e-9d43-2b1f0f6f4a10';
/** NOW is 2026-03-10. */
const PRIOR = {
  timing: 'prior',
  disclosure: 'The log excerpt showing another account in use will be disclosed to the defence.',
  date: '2026-03-10',
  packageIds: [PACKAGE],
};

function answered(status: CaseStatus = 'executed-fully'): Case {
  return { ...caseIn(status), responses: [RESPONSE as unknown as Case['responses'][number]] };
}

function notify(current: Case, payload: unknown, side: CaseSide = 'requesting'): TransitionResult {
  return applyTransition(
    current,
    { name: 'notify-exculpatory-disclosure', payload },
    actor(side, 'officer'),
    NOW,
    CASE_CATALOGUE,
  );
}

function consult(current: Case, side: CaseSide = 'requested', notice = 0): TransitionResult {
  return applyTransition(
    current,
    {
      name: 'request-consultation',
      payload: { notice, reasons: 'We ask to agree the redaction of a name.' },
    },
    actor(side, 'legal-reviewer'),
    NOW,
    CASE_CATALOGUE,
  );
}

function refusal(result: TransitionResult) {
  assert.equal(result.ok, false, 'the step was made');
  return result.ok ? assert.fail() : result.refusal;
}

function issuesOf(result: TransitionResult) {
  const found = refusal(result);
  assert.equal(found.reason, 'invalid-payload');
  return found.reason === 'invalid-payload' ? found.issues : [];
}

describe('a notice of exculpatory disclosure', () => {
  it('is recorded on a request the requesting side received a response to, the status unchanged', () => {
    const result = notify(answered(), PRIOR);
    assert.ok(result.ok, result.ok ? '' : result.refusal.message);
    assert.equal(result.case.status, 'executed-fully');
    assert.deepEqual(result.case.exculpatoryNotices, [{ ...PRIOR, notifiedAt: NOW.toISOString() }]);
  });

  it('may follow a closed or withdrawn request: the trial can come after the case ended', () => {
    for (const status of ['closed', 'withdrawn'] as const) {
      const result = notify(answered(status), PRIOR);
      assert.ok(result.ok, `${status}: ${result.ok ? '' : result.refusal.message}`);
      assert.equal(result.case.status, status);
    }
  });

  it('is refused to the requesting side before the execution began: it holds nothing of the other State', () => {
    for (const status of ['delivered', 'acknowledged', 'clarification-requested', 'withdrawn'] as const) {
      const found = refusal(notify(caseIn(status), PRIOR));
      assert.equal(found.reason === 'precondition-unmet' && found.precondition, 'holds-information-received');
    }
  });

  it('is given by the requesting side from the execution on: evidence packages come during it', () => {
    const executing: Case = {
      ...caseIn('in-execution'),
      history: [
        {
          transition: 'begin-execution',
          actor: actor('requested', 'officer'),
          at: '2026-03-05T09:00:00.000Z',
          payload: {},
        },
      ],
    };
    const result = notify(executing, PRIOR);
    assert.ok(result.ok, result.ok ? '' : result.refusal.message);
  });

  it('is refused to the requested side of a request: it gave the information', () => {
    const found = refusal(notify(answered(), PRIOR, 'requested'));
    assert.equal(found.reason === 'precondition-unmet' && found.precondition, 'holds-information-received');
  });

  it('of spontaneous information is given by its receiving side, from its delivery', () => {
    const information = { ...caseIn('delivered'), requestType: 'spontaneous-information' as const };
    assert.ok(notify(information, PRIOR, 'requested').ok);
    const bySender = refusal(notify(information, PRIOR, 'requesting'));
    assert.equal(
      bySender.reason === 'precondition-unmet' && bySender.precondition,
      'holds-information-received',
    );
  });

  it('given before the disclosure names a day not before today, and no reason why it could not be', () => {
    const early = issuesOf(notify(answered(), { ...PRIOR, date: '2026-03-09' }));
    assert.deepEqual(
      early.map((issue) => [issue.pointer, issue.code, issue.bound]),
      [['/date', 'too-early', '2026-03-10']],
    );
    const withReason = issuesOf(notify(answered(), { ...PRIOR, priorNoticeImpossible: 'Urgent hearing.' }));
    assert.deepEqual(
      withReason.map((issue) => issue.pointer),
      ['/priorNoticeImpossible'],
    );
  });

  it('given after the disclosure names a day not after today and says why notice could not come first', () => {
    const after = { ...PRIOR, timing: 'after', date: '2026-03-09' };
    const missing = issuesOf(notify(answered(), after));
    assert.deepEqual(
      missing.map((issue) => [issue.pointer, issue.code]),
      [['/priorNoticeImpossible', 'required']],
    );
    const late = issuesOf(notify(answered(), { ...after, date: '2026-03-11', priorNoticeImpossible: 'x' }));
    assert.deepEqual(
      late.map((issue) => [issue.pointer, issue.code, issue.bound]),
      [['/date', 'too-late', '2026-03-10']],
    );
    const made = notify(answered(), {
      ...after,
      priorNoticeImpossible: 'The court ordered disclosure at the hearing, without adjournment.',
    });
    assert.ok(made.ok, made.ok ? '' : made.refusal.message);
    assert.equal(made.case.exculpatoryNotices?.[0]?.timing, 'after');
  });

  it('needs what is disclosed, a known timing, and each package named once by its id', () => {
    const { disclosure: _left, ...withoutDisclosure } = PRIOR;
    assert.deepEqual(
      issuesOf(notify(answered(), withoutDisclosure)).map((issue) => [issue.pointer, issue.code]),
      [['/disclosure', 'required']],
    );
    assert.deepEqual(
      issuesOf(notify(answered(), { ...PRIOR, timing: 'soon' })).map((issue) => issue.pointer),
      ['/timing'],
    );
    assert.deepEqual(
      issuesOf(notify(answered(), { ...PRIOR, packageIds: [PACKAGE, PACKAGE.toUpperCase()] })).map(
        (issue) => issue.pointer,
      ),
      ['/packageIds'],
    );
    assert.deepEqual(
      issuesOf(notify(answered(), { ...PRIOR, packageIds: ['package-1'] })).map((issue) => issue.pointer),
      ['/packageIds/0'],
    );
  });
});

describe('a consultation asked on a notice', () => {
  const noticed = (): Case => ({ ...answered(), exculpatoryNotices: [EXCULPATORY_NOTICE] });

  it('is asked by the State that gave the information on the notice it names, an earlier one too', () => {
    const earlier = { ...EXCULPATORY_NOTICE, notifiedAt: '2026-03-01T10:00:00.000Z' };
    const twoNotices: Case = { ...noticed(), exculpatoryNotices: [earlier, EXCULPATORY_NOTICE] };
    const result = consult(twoNotices, 'requested', 0);
    assert.ok(result.ok, result.ok ? '' : result.refusal.message);
    assert.deepEqual(result.case.exculpatoryNotices?.[0]?.consultationRequested, {
      reasons: 'We ask to agree the redaction of a name.',
      at: NOW.toISOString(),
    });
    assert.equal(result.case.exculpatoryNotices?.[1]?.consultationRequested, undefined);
    // The later notice may still be asked about; a notice the case does not have may not.
    assert.ok(consult(result.case, 'requested', 1).ok);
    assert.deepEqual(
      issuesOf(consult(twoNotices, 'requested', 2)).map((issue) => issue.pointer),
      ['/notice'],
    );
  });

  it('is asked once a notice, never by the recipient, never without a notice', () => {
    const once = consult(noticed());
    assert.ok(once.ok);
    const again = refusal(consult(once.case));
    assert.equal(
      again.reason === 'precondition-unmet' && again.precondition,
      'exculpatory-notice-unanswered',
    );
    // With another notice unanswered, asking again about the first is still refused.
    const withSecond: Case = {
      ...once.case,
      exculpatoryNotices: [...(once.case.exculpatoryNotices ?? []), EXCULPATORY_NOTICE],
    };
    assert.deepEqual(
      issuesOf(consult(withSecond, 'requested', 0)).map((issue) => issue.pointer),
      ['/notice'],
    );
    const byRecipient = refusal(consult(noticed(), 'requesting'));
    assert.equal(byRecipient.reason, 'precondition-unmet');
    const withoutNotice = refusal(consult(answered()));
    assert.equal(withoutNotice.reason, 'precondition-unmet');
  });
});

describe('a consultation held on a notice', () => {
  const asked: Case = {
    ...answered(),
    exculpatoryNotices: [
      {
        ...EXCULPATORY_NOTICE,
        consultationRequested: { reasons: 'A protected witness.', at: NOW.toISOString() },
      },
    ],
  };
  const record = (current: Case, payload: unknown, side: CaseSide = 'requesting') =>
    applyTransition(
      current,
      { name: 'record-consultation', payload },
      actor(side, 'legal-reviewer'),
      NOW,
      CASE_CATALOGUE,
    );
  const HELD = { notice: 0, heldOn: '2026-03-10', outcome: 'Agreed by telephone: the name is redacted.' };

  it('is recorded by the recipient on the notice it names, once, from the day it was asked to today', () => {
    const result = record(asked, HELD);
    assert.ok(result.ok, result.ok ? '' : result.refusal.message);
    assert.deepEqual(result.case.exculpatoryNotices?.[0]?.consultationHeld, {
      heldOn: HELD.heldOn,
      outcome: HELD.outcome,
      at: NOW.toISOString(),
    });
    const again = refusal(record(result.case, HELD));
    assert.equal(again.reason === 'precondition-unmet' && again.precondition, 'consultation-pending');
    assert.deepEqual(
      issuesOf(record(asked, { ...HELD, heldOn: '2026-03-11' })).map((issue) => [issue.pointer, issue.code]),
      [['/heldOn', 'too-late']],
    );
    assert.deepEqual(
      issuesOf(record(asked, { notice: 0, heldOn: HELD.heldOn })).map((issue) => [issue.pointer, issue.code]),
      [['/outcome', 'required']],
    );
    assert.deepEqual(
      issuesOf(record(asked, { ...HELD, heldOn: '2026-03-09' })).map((issue) => [issue.pointer, issue.code]),
      [['/heldOn', 'too-early']],
    );
  });

  it('is refused to the State that gave the information, and before any consultation was asked', () => {
    const bySender = refusal(record(asked, HELD, 'requested'));
    assert.equal(bySender.reason === 'precondition-unmet' && bySender.precondition, 'consultation-pending');
    const notAsked = refusal(record({ ...answered(), exculpatoryNotices: [EXCULPATORY_NOTICE] }, HELD));
    assert.equal(notAsked.reason === 'precondition-unmet' && notAsked.precondition, 'consultation-pending');
  });
});

describe('a consultation names its notice', () => {
  it('stays on the first notice when a second one was given meanwhile (steps that crossed fold it first)', () => {
    // The recipient gave N1, then N2 while the giver, not told of N2, asked about N1.
    const second = { ...EXCULPATORY_NOTICE, disclosure: 'Another excerpt.', notifiedAt: NOW.toISOString() };
    const both: Case = { ...answered(), exculpatoryNotices: [EXCULPATORY_NOTICE, second] };
    const asked = consult(both, 'requested', 0);
    assert.ok(asked.ok, asked.ok ? '' : asked.refusal.message);
    assert.ok(asked.case.exculpatoryNotices?.[0]?.consultationRequested);
    assert.equal(asked.case.exculpatoryNotices?.[1]?.consultationRequested, undefined);
  });
});
