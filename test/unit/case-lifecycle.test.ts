import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  CASE_ROLES,
  CASE_SIDES,
  CASE_STATUSES,
  type Case,
  type CaseStatus,
  caseCatalogueFrom,
  TERMINAL_STATUSES,
} from '../../src/core/case/case-model.ts';
import {
  applyTransition,
  newStepRefusal,
  openCase,
  replay,
  type TransitionResult,
} from '../../src/core/case/lifecycle.ts';
import { recipientSideOf } from '../../src/core/case/preconditions.ts';
import { TRANSITIONS, type TransitionDefinition } from '../../src/core/case/transitions.ts';
import { loadCatalogue } from '../../src/data/catalogue/index.ts';
import { actor, CASE_CATALOGUE, CONSULTATION, caseIn, NOW, SAMPLES, walk } from '../helpers/case-fixtures.ts';

function attempt(
  transition: TransitionDefinition,
  status: CaseStatus,
  side: (typeof CASE_SIDES)[number],
  role: string,
) {
  const sample = SAMPLES[transition.name as keyof typeof SAMPLES];
  const current = caseIn(status, sample);
  const who = actor(side, role as (typeof CASE_ROLES)[number]);
  const result = applyTransition(
    current,
    { name: transition.name, payload: sample.payload },
    who,
    sample.now ?? NOW,
    CASE_CATALOGUE,
  );
  return { current, result };
}

/**
 * What the table says should happen, checked in the lifecycle's order: status, side, role; then the
 * one precondition that depends on the side (who received the information), which the samples meet
 * on one side only. The other preconditions hold for the samples; each has its own tests.
 */
function expectedOutcome(transition: TransitionDefinition, status: CaseStatus, side: string, role: string) {
  if (!transition.from.includes(status)) return 'not-from-status';
  if (!transition.sides.includes(side as never)) return 'side-not-allowed';
  if (!transition.roles.includes(role as never)) return 'role-not-allowed';
  const sample = SAMPLES[transition.name as keyof typeof SAMPLES];
  const recipient = recipientSideOf(caseIn(status, sample));
  const isRecipient = side === recipient;
  if (transition.requires.includes('holds-information-received') && !isRecipient) return 'precondition-unmet';
  if (transition.requires.includes('exculpatory-notice-unanswered') && isRecipient)
    return 'precondition-unmet';
  if (transition.requires.includes('consultation-pending') && !isRecipient) return 'precondition-unmet';
  return 'ok';
}

/** The cells the table allows before preconditions, less those of a side that does not hold the information. */
function allowedCellCount(transition: TransitionDefinition): number {
  const isOneSided =
    transition.requires.includes('holds-information-received') ||
    transition.requires.includes('exculpatory-notice-unanswered') ||
    transition.requires.includes('consultation-pending');
  const sides = isOneSided ? 1 : transition.sides.length;
  return transition.from.length * sides * transition.roles.length;
}

function targetOf(transition: TransitionDefinition, current: Case): CaseStatus {
  if (transition.to === 'unchanged') return current.status;
  if (transition.to === 'resume') return current.resumeStatus!;
  return transition.to;
}

describe('case lifecycle: the matrix of every transition, status, side and role', () => {
  for (const transition of TRANSITIONS) {
    it(`${transition.name}: allowed exactly where the table says, refused with the right reason elsewhere`, () => {
      let allowedCells = 0;
      for (const status of CASE_STATUSES) {
        for (const side of CASE_SIDES) {
          for (const role of CASE_ROLES) {
            const cell = `${transition.name} from ${status} by ${side} ${role}`;
            const { current, result } = attempt(transition, status, side, role);
            const expected = expectedOutcome(transition, status, side, role);
            if (expected === 'ok') {
              allowedCells += 1;
              assert.ok(result.ok, `${cell}: refused (${result.ok ? '' : result.refusal.message})`);
              assert.equal(result.case.status, targetOf(transition, current), cell);
              assert.equal(result.case.history.at(-1), result.event, cell);
              assert.equal(result.event.transition, transition.name, cell);
              assert.deepEqual(result.event.actor, { id: `${side}-${role}`, side, roles: [role] }, cell);
            } else {
              assert.equal(result.ok, false, `${cell}: allowed, the table forbids it (${expected})`);
              assert.equal(result.refusal.reason, expected, `${cell}: ${result.refusal.message}`);
              assert.equal(result.refusal.status, status, cell);
            }
          }
        }
      }
      assert.equal(allowedCells, allowedCellCount(transition), 'every allowed cell was tried');
    });
  }

  it('refuses an actor with no role and a transition the table does not know', () => {
    const noRole = applyTransition(
      caseIn('delivered'),
      { name: 'acknowledge', payload: {} },
      actor('requested'),
      NOW,
      CASE_CATALOGUE,
    );
    assert.equal(noRole.ok === false && noRole.refusal.reason, 'role-not-allowed');
    const unknown = applyTransition(
      caseIn('delivered'),
      { name: 'approve', payload: {} },
      actor('requested', 'supervisor'),
      NOW,
      CASE_CATALOGUE,
    );
    assert.equal(unknown.ok === false && unknown.refusal.reason, 'unknown-transition');
  });

  it('lists a sample for every transition', () => {
    assert.deepEqual(Object.keys(SAMPLES).sort(), TRANSITIONS.map((entry) => entry.name).sort());
  });

  it('is shown row by row in docs/case-lifecycle.md', () => {
    const page = readFileSync(new URL('../../docs/case-lifecycle.md', import.meta.url), 'utf8');
    const code = (items: readonly string[]) => items.map((item) => `\`${item}\``).join(', ');
    for (const transition of TRANSITIONS) {
      const to =
        transition.to === 'resume'
          ? '(the status it interrupted)'
          : transition.to === 'unchanged'
            ? '(unchanged)'
            : code([transition.to]);
      const cells = [
        code([transition.name]),
        transition.sides.join(', '),
        transition.roles.join(', '),
        code(transition.from),
        to,
        [...transition.requires, ...transition.newStepRequires.map((name) => `${name} (new steps)`)].join(
          ', ',
        ) || '—',
        transition.basis,
      ];
      assert.ok(
        page.includes(`| ${cells.join(' | ')} |`),
        `docs/case-lifecycle.md: no row for ${transition.name} as the table has it`,
      );
    }
  });

  it('reaches every status from draft, and leaves none but the finished ones', () => {
    // `resume` and `unchanged` lead back to a status already reached, so only named targets grow the set.
    const reached = new Set<CaseStatus>(['draft']);
    let size = 0;
    while (reached.size > size) {
      size = reached.size;
      for (const transition of TRANSITIONS) {
        const isNamed = transition.to !== 'resume' && transition.to !== 'unchanged';
        if (isNamed && transition.from.some((status) => reached.has(status)))
          reached.add(transition.to as CaseStatus);
      }
    }
    assert.deepEqual([...reached].sort(), [...CASE_STATUSES].sort());
    // A finished case moves no more; a notice of exculpatory disclosure, which changes nothing, may
    // still follow it (a trial can come long after).
    for (const status of CASE_STATUSES) {
      const exits = TRANSITIONS.filter(
        (transition) => transition.from.includes(status) && transition.to !== 'unchanged',
      );
      assert.equal(exits.length === 0, TERMINAL_STATUSES.includes(status), status);
    }
  });
});

function refusalOf(result: TransitionResult) {
  assert.equal(result.ok, false, 'the transition was made');
  return result.ok ? assert.fail() : result.refusal;
}

function refuse(payload: unknown, requestType: Case['requestType'] = 'mla') {
  return applyTransition(
    caseIn('under-assessment', { payload, requestType }),
    { name: 'refuse', payload },
    actor('requested', 'legal-reviewer'),
    NOW,
    CASE_CATALOGUE,
  );
}

describe('case lifecycle: refusal (Art. 40(24) reasons, Art. 40(27) consultation, grounds of the catalogue)', () => {
  const valid = SAMPLES.refuse.payload as Record<string, unknown>;

  it('records grounds, reasons and the consultation', () => {
    const result = refuse(valid);
    assert.ok(result.ok);
    assert.deepEqual(result.case.refusal, valid);
  });

  it('records whether the requesting State was consulted, when the record says it, and only as yes or no', () => {
    const consulted = { ...valid, consultation: { ...CONSULTATION, requestingStateConsulted: true } };
    const result = refuse(consulted);
    assert.ok(result.ok);
    assert.equal(result.case.refusal?.consultation.requestingStateConsulted, true);
    assert.equal(
      refusalOf(refuse({ ...valid, consultation: { ...CONSULTATION, requestingStateConsulted: 'by phone' } }))
        .reason,
      'invalid-payload',
    );
  });

  it('refuses a refusal without reasons, or with blank reasons', () => {
    const { reasons: _reasons, ...withoutReasons } = valid;
    assert.deepEqual(refusalOf(refuse(withoutReasons)).reason, 'invalid-payload');
    const blank = refusalOf(refuse({ ...valid, reasons: '   ' }));
    assert.equal(blank.reason === 'invalid-payload' && blank.issues[0]?.path, 'reasons');
  });

  it('refuses a refusal without the record of the consultation on partial or conditional assistance', () => {
    const { consultation: _consultation, ...withoutConsultation } = valid;
    const refusal = refusalOf(refuse(withoutConsultation));
    assert.equal(refusal.reason === 'invalid-payload' && refusal.issues[0]?.path, 'consultation');
    const { partialAssistanceConsidered: _partial, ...halfRecord } = CONSULTATION;
    assert.equal(refusalOf(refuse({ ...valid, consultation: halfRecord })).reason, 'invalid-payload');
  });

  it('refuses a ground the catalogue does not know, one that is no ground, one for another type, none at all', () => {
    assert.match(
      refusalOf(refuse({ ...valid, grounds: ['bad-mood'] })).message,
      /no ground for refusal "bad-mood"/,
    );
    assert.match(
      refusalOf(refuse({ ...valid, grounds: ['mla-fiscal-matters'] })).message,
      /"mla-fiscal-matters" is not a ground/,
    );
    assert.match(
      refusalOf(refuse({ ...valid, grounds: ['preservation-limited-grounds'] })).message,
      /does not apply to a mla request/,
    );
    assert.equal(refusalOf(refuse({ ...valid, grounds: [] })).reason, 'invalid-payload');
    assert.match(
      refusalOf(refuse({ ...valid, grounds: ['mla-essential-interests', 'mla-essential-interests'] }))
        .message,
      /named twice/,
    );
    assert.ok(refuse({ ...valid, grounds: ['preservation-limited-grounds'] }, 'preservation').ok);
  });

  it('reads the grounds and the minimum period from the real catalogue', () => {
    const real = caseCatalogueFrom(loadCatalogue());
    assert.equal(real.minimumPreservationDays, 60);
    assert.equal(real.refusalGround('mla-essential-interests')?.kind, 'may-refuse');
    assert.equal(real.refusalGround('mla-reasons-required')?.kind, 'procedural-duty');
  });
});

function preserve(
  payload: unknown,
  catalogue = CASE_CATALOGUE,
  requestType: Case['requestType'] = 'preservation',
) {
  return applyTransition(
    caseIn('accepted', { payload, requestType }),
    { name: 'record-preservation', payload },
    actor('requested', 'duty-officer'),
    NOW,
    catalogue,
  );
}

describe('case lifecycle: preservation (Art. 42(8))', () => {
  it('keeps data at least 60 days after the preservation took effect', () => {
    const fiftyNine = refusalOf(preserve({ tookEffectOn: '2026-03-09', preservedUntil: '2026-05-07' }));
    assert.equal(fiftyNine.reason === 'invalid-payload' && fiftyNine.issues[0]?.path, 'preservedUntil');
    assert.match(fiftyNine.message, /at least 60 days \(Art\. 42\(8\)\): until 2026-05-08 or later/);
    const sixty = preserve({ tookEffectOn: '2026-03-09', preservedUntil: '2026-05-08' });
    assert.ok(sixty.ok);
    assert.deepEqual(sixty.case.preservation, { tookEffectOn: '2026-03-09', preservedUntil: '2026-05-08' });
  });

  it('takes the minimum from the catalogue, so a lawyer can change it', () => {
    const ninety = { ...CASE_CATALOGUE, minimumPreservationDays: 90 };
    assert.equal(
      refusalOf(preserve({ tookEffectOn: '2026-03-09', preservedUntil: '2026-05-08' }, ninety)).reason,
      'invalid-payload',
    );
  });

  it('refuses a preservation that takes effect after today, or a preserved-until date already past', () => {
    assert.match(
      refusalOf(preserve({ tookEffectOn: '2026-03-11', preservedUntil: '2026-06-30' })).message,
      /after today/,
    );
    assert.equal(
      refusalOf(preserve({ tookEffectOn: '2025-01-01', preservedUntil: '2026-03-10' })).reason,
      'invalid-payload',
    );
  });

  it('preserves only a preservation request', () => {
    const refusal = refusalOf(
      preserve({ tookEffectOn: '2026-03-09', preservedUntil: '2026-05-08' }, CASE_CATALOGUE, 'mla'),
    );
    assert.equal(refusal.reason === 'precondition-unmet' && refusal.precondition, 'is-preservation');
  });

  it('asks for an extension only before expiry, once at a time, for a later date', () => {
    const preserved = caseIn('preserved', { payload: {}, requestType: 'preservation' });
    const officer = actor('requesting', 'officer');
    const ask = (current: Case, payload: unknown, now = NOW) =>
      applyTransition(current, { name: 'request-extension', payload }, officer, now, CASE_CATALOGUE);
    const asked = ask(preserved, { requestedUntil: '2026-07-31', reasons: 'Court order pending.' });
    assert.ok(asked.ok);
    assert.equal(asked.case.status, 'preserved');
    const twice = refusalOf(ask(asked.case, { requestedUntil: '2026-08-31', reasons: 'Again.' }));
    assert.equal(twice.reason === 'precondition-unmet' && twice.precondition, 'no-extension-pending');
    const late = refusalOf(
      ask(preserved, { requestedUntil: '2026-07-31', reasons: 'Late.' }, new Date('2026-05-01T00:00:00Z')),
    );
    assert.equal(late.reason === 'precondition-unmet' && late.precondition, 'preservation-running');
    assert.equal(
      refusalOf(ask(preserved, { requestedUntil: '2026-04-30', reasons: 'Same date.' })).reason,
      'invalid-payload',
    );

    const extended = applyTransition(
      asked.case,
      { name: 'extend', payload: { preservedUntil: '2026-07-31' } },
      actor('requested', 'officer'),
      NOW,
      CASE_CATALOGUE,
    );
    assert.ok(extended.ok);
    assert.deepEqual(extended.case.preservation, {
      tookEffectOn: '2026-02-01',
      preservedUntil: '2026-07-31',
    });
  });

  it('lapses only once the preserved-until date has passed (the whole day counts)', () => {
    const preserved = caseIn('preserved', { payload: {}, requestType: 'preservation' });
    const lapse = (now: Date) =>
      applyTransition(
        preserved,
        { name: 'lapse', payload: {} },
        actor('requested', 'node'),
        now,
        CASE_CATALOGUE,
      );
    assert.equal(refusalOf(lapse(new Date('2026-04-30T23:59:59Z'))).reason, 'precondition-unmet');
    assert.equal(lapse(new Date('2026-05-01T00:00:00Z')).ok && 'lapsed', 'lapsed');
  });

  it('converts into a follow-up request, keeping the data until it is decided', () => {
    const preserved = caseIn('extended', { payload: {}, requestType: 'preservation' });
    const converted = applyTransition(
      preserved,
      { name: 'convert', payload: { followUpReference: 'CASE-9' } },
      actor('requesting', 'officer'),
      NOW,
      CASE_CATALOGUE,
    );
    assert.ok(converted.ok);
    assert.equal(converted.case.preservation?.followUp?.reference, 'CASE-9');
    const lapse = applyTransition(
      converted.case,
      { name: 'lapse', payload: {} },
      actor('requested', 'node'),
      new Date('2027-01-01T00:00:00Z'),
      CASE_CATALOGUE,
    );
    assert.equal(refusalOf(lapse).reason, 'not-from-status');
  });
});

describe('case lifecycle: a refused payload names its field and why, as a code a screen can word', () => {
  const issuesOf = (result: TransitionResult) => {
    const refusal = refusalOf(result);
    assert.equal(refusal.reason, 'invalid-payload');
    return refusal.reason === 'invalid-payload' ? refusal.issues : [];
  };
  const apply = (
    status: CaseStatus,
    name: string,
    payload: unknown,
    side: 'requesting' | 'requested',
    role: (typeof CASE_ROLES)[number] = 'officer',
  ) =>
    applyTransition(
      caseIn(status, { payload: {}, requestType: 'preservation' }),
      { name, payload },
      actor(side, role),
      NOW,
      CASE_CATALOGUE,
    );

  it('a preserved-until date under the 60 days names the first date it accepts', () => {
    const [issue] = issuesOf(preserve({ tookEffectOn: '2026-03-09', preservedUntil: '2026-05-07' }));
    assert.deepEqual(
      { pointer: issue?.pointer, code: issue?.code, bound: issue?.bound },
      { pointer: '/preservedUntil', code: 'too-early', bound: '2026-05-08' },
    );
  });

  it('a preservation taking effect after today names today as the latest date', () => {
    const issues = issuesOf(preserve({ tookEffectOn: '2026-03-11', preservedUntil: '2026-06-30' }));
    const tookEffect = issues.find((issue) => issue.pointer === '/tookEffectOn');
    assert.deepEqual(
      { code: tookEffect?.code, bound: tookEffect?.bound },
      { code: 'too-late', bound: '2026-03-10' },
    );
  });

  it('an extension to a date not after the current one names the day after it', () => {
    // The case is preserved until 2026-04-30 (the fixture's preservation record).
    const asked = issuesOf(
      apply(
        'preserved',
        'request-extension',
        { requestedUntil: '2026-04-20', reasons: 'Court order.' },
        'requesting',
      ),
    );
    assert.deepEqual(
      asked.map(({ pointer, code, bound }) => ({ pointer, code, bound })),
      [{ pointer: '/requestedUntil', code: 'too-early', bound: '2026-05-01' }],
    );
    const granted = issuesOf(apply('preserved', 'extend', { preservedUntil: '2026-04-30' }, 'requested'));
    assert.deepEqual(
      granted.map(({ pointer, code, bound }) => ({ pointer, code, bound })),
      [{ pointer: '/preservedUntil', code: 'too-early', bound: '2026-05-01' }],
    );
  });

  it('a postponement ending today, and an answer date already past, name their earliest date', () => {
    const { until: _until, ...withoutUntil } = SAMPLES.postpone.payload as Record<string, unknown>;
    const [postponed] = issuesOf(
      apply('accepted', 'postpone', { ...withoutUntil, until: '2026-03-10' }, 'requested', 'legal-reviewer'),
    );
    assert.deepEqual(
      { code: postponed?.code, bound: postponed?.bound },
      { code: 'too-early', bound: '2026-03-11' },
    );
    const [asked] = issuesOf(
      apply(
        'in-execution',
        'request-clarification',
        { questions: 'Which?', answerBy: '2026-03-09' },
        'requested',
      ),
    );
    assert.deepEqual(
      { pointer: asked?.pointer, code: asked?.code, bound: asked?.bound },
      { pointer: '/answerBy', code: 'too-early', bound: '2026-03-10' },
    );
  });

  it('a blank reason is required, an unknown member unrecognized', () => {
    const { reasons: _reasons, ...withoutReasons } = SAMPLES.postpone.payload as Record<string, unknown>;
    const [blank] = issuesOf(
      apply('accepted', 'postpone', { ...withoutReasons, reasons: ' ' }, 'requested', 'legal-reviewer'),
    );
    assert.deepEqual(
      { pointer: blank?.pointer, code: blank?.code },
      { pointer: '/reasons', code: 'required' },
    );
    const [extra] = issuesOf(
      apply('in-execution', 'request-clarification', { questions: 'Q?', colour: 1 }, 'requested'),
    );
    assert.equal(extra?.code, 'unrecognized-keys');
  });
});

describe('case lifecycle: spontaneous information (Art. 40(4)-(5))', () => {
  const delivered = (requestType: 'spontaneous-information' | 'mla') =>
    walk({ requestType, urgency: 'routine' }, '2026-03-01T09:00:00Z', [
      ['submit-for-approval', actor('requesting', 'officer'), {}, '2026-03-01T09:05:00Z'],
      ['approve-and-send', actor('requesting', 'supervisor'), {}, '2026-03-01T09:10:00Z'],
      ['record-delivery', actor('requesting', 'node'), {}, '2026-03-01T09:11:00Z'],
      ['acknowledge', actor('requested', 'duty-officer'), {}, '2026-03-01T09:30:00Z'],
    ]);
  const make = (current: Case, name: string, who = actor('requested', 'legal-reviewer')) =>
    applyTransition(current, { name, payload: {} }, who, new Date('2026-03-01T10:00:00Z'), CASE_CATALOGUE);

  it('is acknowledged and closed: nothing to assess, accept or refuse', () => {
    const information = delivered('spontaneous-information');
    const now = new Date('2026-03-01T10:00:00Z');
    const assessed = newStepRefusal(
      information,
      'begin-assessment',
      actor('requested', 'legal-reviewer'),
      now,
    );
    assert.equal(assessed?.reason, 'precondition-unmet');
    assert.equal(assessed?.precondition, 'is-request-for-assistance');
    assert.match(assessed?.message ?? '', /not a request/);
    assert.equal(
      newStepRefusal(delivered('mla'), 'begin-assessment', actor('requested', 'legal-reviewer'), now),
      undefined,
    );
    const closed = make(information, 'close');
    assert.ok(closed.ok, closed.ok ? '' : closed.refusal.message);
    assert.equal(closed.case.status, 'closed');
  });

  it('still replays spontaneous information assessed before the rule, or by a peer on an earlier release', () => {
    const assessed = make(delivered('spontaneous-information'), 'begin-assessment');
    assert.ok(assessed.ok, assessed.ok ? '' : assessed.refusal.message);
    const replayed = replay(assessed.case.history, CASE_CATALOGUE);
    assert.ok(replayed.ok, replayed.ok ? '' : replayed.refusal.message);
    assert.equal(replayed.case.status, 'under-assessment');
  });

  it('closes a request only once it is finished, not once acknowledged', () => {
    const request = delivered('mla');
    const closed = make(request, 'close');
    assert.equal(closed.ok, false);
    assert.equal(!closed.ok && closed.refusal.reason, 'precondition-unmet');
    assert.match(
      !closed.ok ? closed.refusal.message : '',
      /only spontaneous information is closed once acknowledged/,
    );
    assert.ok(make(request, 'begin-assessment').ok);
  });
});

describe('case lifecycle: postponement, conditions, clarification, approval', () => {
  const reviewer = actor('requested', 'legal-reviewer');
  const postpone = (payload: unknown) =>
    applyTransition(caseIn('accepted'), { name: 'postpone', payload }, reviewer, NOW, CASE_CATALOGUE);

  it('postpones with reasons, an end date after today and the consultation, then resumes where it was', () => {
    const { until: _until, ...withoutUntil } = SAMPLES.postpone.payload as Record<string, unknown>;
    const missing = refusalOf(postpone(withoutUntil));
    assert.equal(missing.reason === 'invalid-payload' && missing.issues[0]?.path, 'until');
    assert.match(refusalOf(postpone({ ...withoutUntil, until: '2026-03-10' })).message, /after today/);
    assert.equal(
      refusalOf(postpone({ ...withoutUntil, until: '2026-04-15', reasons: '' })).reason,
      'invalid-payload',
    );
    const postponed = postpone(SAMPLES.postpone.payload);
    assert.ok(postponed.ok);
    assert.equal(postponed.case.status, 'postponed');
    const resumed = applyTransition(
      postponed.case,
      { name: 'resume', payload: {} },
      reviewer,
      NOW,
      CASE_CATALOGUE,
    );
    assert.ok(resumed.ok);
    assert.equal(resumed.case.status, 'accepted');
    assert.equal(resumed.case.postponement, undefined);
    assert.equal('resumeStatus' in resumed.case, false);
  });

  it('accepts a request only once proposed conditions are answered, and records the answer', () => {
    const proposed = applyTransition(
      caseIn('under-assessment'),
      { name: 'propose-conditions', payload: { text: 'Use only here.' } },
      reviewer,
      NOW,
      CASE_CATALOGUE,
    );
    assert.ok(proposed.ok);
    const early = refusalOf(
      applyTransition(proposed.case, { name: 'accept', payload: {} }, reviewer, NOW, CASE_CATALOGUE),
    );
    assert.equal(early.reason === 'precondition-unmet' && early.precondition, 'no-conditions-pending');
    const agreed = applyTransition(
      proposed.case,
      { name: 'accept-conditions', payload: {} },
      actor('requesting', 'supervisor'),
      NOW,
      CASE_CATALOGUE,
    );
    assert.ok(agreed.ok);
    assert.deepEqual(agreed.case.conditions, { text: 'Use only here.', state: 'accepted' });
    assert.ok(
      applyTransition(agreed.case, { name: 'accept', payload: {} }, reviewer, NOW, CASE_CATALOGUE).ok,
    );
  });

  it('returns from a clarification to the status it interrupted', () => {
    const asked = applyTransition(
      caseIn('in-execution'),
      { name: 'request-clarification', payload: { questions: 'Which account?' } },
      actor('requested', 'officer'),
      NOW,
      CASE_CATALOGUE,
    );
    assert.ok(asked.ok);
    const answered = applyTransition(
      asked.case,
      { name: 'answer-clarification', payload: { answer: 'The second.' } },
      actor('requesting', 'officer'),
      NOW,
      CASE_CATALOGUE,
    );
    assert.ok(answered.ok);
    assert.equal(answered.case.status, 'in-execution');
    assert.deepEqual(answered.case.clarification, {
      questions: 'Which account?',
      askedAt: NOW.toISOString(),
      answer: 'The second.',
    });
  });

  it('refuses approval by the person who submitted the draft (two-person rule)', () => {
    const both = actor('requesting', 'officer', 'supervisor');
    const submitted = applyTransition(
      caseIn('draft'),
      { name: 'submit-for-approval', payload: {} },
      both,
      NOW,
      CASE_CATALOGUE,
    );
    assert.ok(submitted.ok);
    const self = refusalOf(
      applyTransition(submitted.case, { name: 'approve-and-send', payload: {} }, both, NOW, CASE_CATALOGUE),
    );
    assert.equal(self.reason === 'precondition-unmet' && self.precondition, 'approver-is-not-submitter');
    assert.ok(
      applyTransition(
        submitted.case,
        { name: 'approve-and-send', payload: {} },
        actor('requesting', 'supervisor'),
        NOW,
        CASE_CATALOGUE,
      ).ok,
    );
  });

  it('lets only the requesting side withdraw, and nothing follows a withdrawn, refused or closed case', () => {
    const byRequested = refusalOf(
      applyTransition(
        caseIn('accepted'),
        { name: 'withdraw', payload: { reasons: 'x' } },
        actor('requested', 'supervisor'),
        NOW,
        CASE_CATALOGUE,
      ),
    );
    assert.equal(byRequested.reason, 'side-not-allowed');
    for (const status of TERMINAL_STATUSES) {
      for (const transition of TRANSITIONS.filter((entry) => !entry.from.includes(status))) {
        const sample = SAMPLES[transition.name];
        for (const side of CASE_SIDES) {
          const result = applyTransition(
            caseIn(status, sample),
            { name: transition.name, payload: sample.payload },
            { id: 'x', side, roles: CASE_ROLES },
            NOW,
            CASE_CATALOGUE,
          );
          const refusal = refusalOf(result);
          assert.equal(refusal.reason, 'not-from-status', `${transition.name} after ${status}`);
          assert.match(refusal.message, /finished/);
        }
      }
    }
  });

  it('opens a case only on the requesting side, by someone who drafts, with a known type', () => {
    assert.equal(
      refusalOf(openCase({ requestType: 'mla', urgency: 'routine' }, actor('requested', 'officer'), NOW))
        .reason,
      'side-not-allowed',
    );
    assert.equal(
      refusalOf(openCase({ requestType: 'mla', urgency: 'routine' }, actor('requesting', 'auditor'), NOW))
        .reason,
      'role-not-allowed',
    );
    assert.equal(
      refusalOf(openCase({ requestType: 'gossip', urgency: 'routine' }, actor('requesting', 'officer'), NOW))
        .reason,
      'invalid-payload',
    );
    const opened = openCase({ requestType: 'mla', urgency: 'routine' }, actor('requesting', 'officer'), NOW);
    assert.ok(opened.ok);
    assert.equal(opened.case.status, 'draft');
    assert.deepEqual(opened.case.history, [opened.event]);
  });
});
