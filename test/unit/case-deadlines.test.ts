import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Case } from '../../src/core/case/case-model.ts';
import {
  caseDeadlines,
  DEFAULT_DEADLINE_OPTIONS,
  type ServiceLevels,
} from '../../src/core/case/deadlines.ts';
import { baseCaseOf } from '../../src/core/case/request-case.ts';
import { calendarTimeZoneOf } from '../../src/services/case-view.ts';
import { actor, SAMPLES, type Step, walk } from '../helpers/case-fixtures.ts';

const LEVELS: ServiceLevels = { acknowledgeWithinHours: { emergency: 1, urgent: 24 } };

const officer = actor('requesting', 'officer');
const supervisor = actor('requesting', 'supervisor');
const node = actor('requesting', 'node');
const duty = actor('requested', 'duty-officer');
const reviewer = actor('requested', 'legal-reviewer');

/** Sent and delivered on 1 March 2026 at 10:00 UTC. */
const DELIVERY: readonly Step[] = [
  ['submit-for-approval', officer, {}, '2026-03-01T09:00:00Z'],
  ['approve-and-send', supervisor, {}, '2026-03-01T09:30:00Z'],
  ['record-delivery', node, {}, '2026-03-01T10:00:00Z'],
];

function delivered(urgency: Case['urgency'], extra: Record<string, unknown> = {}): Case {
  return walk({ requestType: 'mla', urgency, ...extra }, '2026-03-01T08:00:00Z', DELIVERY);
}

function at(instant: string, current: Case, options?: Parameters<typeof caseDeadlines>[3]) {
  return caseDeadlines(current, LEVELS, new Date(instant), options).map((deadline) => [
    deadline.kind,
    deadline.side,
    deadline.atRiskAt,
    deadline.dueAt,
    deadline.state,
  ]);
}

describe('case deadlines: acknowledgement within the declared service level', () => {
  it('gives an emergency one hour from delivery, at risk in its last quarter', () => {
    const emergency = delivered('emergency');
    const row = (state: string) => [
      'acknowledge',
      'requested',
      '2026-03-01T10:45:00.000Z',
      '2026-03-01T11:00:00.000Z',
      state,
    ];
    assert.deepEqual(at('2026-03-01T10:44:59Z', emergency), [row('on-time')]);
    assert.deepEqual(at('2026-03-01T10:45:00Z', emergency), [row('at-risk')]);
    assert.deepEqual(at('2026-03-01T11:00:00Z', emergency), [row('missed')]);
  });

  it('gives another urgent request 24 hours, and a routine one none unless declared', () => {
    assert.deepEqual(at('2026-03-01T20:00:00Z', delivered('urgent')), [
      ['acknowledge', 'requested', '2026-03-02T04:00:00.000Z', '2026-03-02T10:00:00.000Z', 'on-time'],
    ]);
    assert.deepEqual(at('2026-03-09T00:00:00Z', delivered('routine')), []);
  });

  it('ends once a person acknowledges', () => {
    const acknowledged = walk({ requestType: 'mla', urgency: 'emergency' }, '2026-03-01T08:00:00Z', [
      ...DELIVERY,
      ['acknowledge', duty, {}, '2026-03-01T10:20:00Z'],
    ]);
    assert.deepEqual(at('2026-03-01T12:00:00Z', acknowledged), []);
  });
});

describe('case deadlines: execution, clarification and postponement', () => {
  const assessed: readonly Step[] = [
    ...DELIVERY,
    ['acknowledge', duty, {}, '2026-03-01T11:00:00Z'],
    ['begin-assessment', reviewer, {}, '2026-03-02T09:00:00Z'],
  ];

  it('follows the suggested execution date (Art. 40(25)) until the request is executed in full', () => {
    const open = { requestType: 'mla' as const, urgency: 'routine' as const };
    const suggested = { ...open, suggestedDeadline: { date: '2026-03-31', reasons: 'Trial on 3 April.' } };
    const pending = walk(suggested, '2026-03-01T08:00:00Z', assessed);
    assert.deepEqual(at('2026-03-25T00:00:00Z', pending), [
      ['suggested-execution', 'requested', '2026-03-24T08:22:30.000Z', '2026-04-01T00:00:00.000Z', 'at-risk'],
    ]);
    const executed = walk(suggested, '2026-03-01T08:00:00Z', [
      ...assessed,
      ['accept', reviewer, {}, '2026-03-03T09:00:00Z'],
      ['begin-execution', duty, {}, '2026-03-03T10:00:00Z'],
      ['execute-fully', duty, SAMPLES['execute-fully'].payload, '2026-03-04T10:00:00Z'],
    ]);
    assert.deepEqual(at('2026-04-02T00:00:00Z', executed), []);
  });

  it("follows the suggested date of a request as a node holds it, from the request's delivery", () => {
    const content = {
      urgency: { level: 'routine' },
      suggestedDeadline: { date: '2026-03-31', reasons: 'Trial.' },
    };
    const received = baseCaseOf({
      type: 'mla',
      content,
      direction: 'incoming',
      status: 'received',
      deliveryState: null,
      receivedAt: new Date('2026-03-01T08:00:00Z'),
    });
    assert.deepEqual(received.suggestedDeadline, { date: '2026-03-31', reasons: 'Trial.' });
    assert.deepEqual(at('2026-03-10T00:00:00Z', received), [
      ['suggested-execution', 'requested', '2026-03-24T08:00:00.000Z', '2026-04-01T00:00:00.000Z', 'on-time'],
    ]);
    // The requesting node sees the same date once its request is delivered, not while it is a draft.
    const sent = { type: 'mla', content, direction: 'outgoing', status: 'sent' } as const;
    const delivery = { deliveryState: 'delivered', deliveredAt: new Date('2026-03-01T08:00:00Z') };
    assert.equal(
      at('2026-03-10T00:00:00Z', baseCaseOf({ ...sent, ...delivery }))[0]?.[0],
      'suggested-execution',
    );
    assert.deepEqual(
      at('2026-03-10T00:00:00Z', baseCaseOf({ ...sent, status: 'draft', deliveryState: null })),
      [],
    );
    // A date no calendar reads is not a deadline (validation refuses it before sending).
    const unreadable = { ...content, suggestedDeadline: { date: '31/03/2026' } };
    assert.equal(baseCaseOf({ ...sent, ...delivery, content: unreadable }).suggestedDeadline, undefined);
  });

  it('asks the requesting side to answer a clarification by its date', () => {
    const asked = walk({ requestType: 'mla', urgency: 'routine' }, '2026-03-01T08:00:00Z', [
      ...assessed,
      [
        'request-clarification',
        reviewer,
        { questions: 'Which account?', answerBy: '2026-03-05' },
        '2026-03-03T00:00:00Z',
      ],
    ]);
    assert.deepEqual(at('2026-03-06T00:00:00Z', asked), [
      [
        'answer-clarification',
        'requesting',
        '2026-03-05T06:00:00.000Z',
        '2026-03-06T00:00:00.000Z',
        'missed',
      ],
    ]);
  });

  /** Postponed on 3 March until 20 March 2026. */
  const postponedUntil20March = () =>
    walk({ requestType: 'mla', urgency: 'routine' }, '2026-03-01T08:00:00Z', [
      ...assessed,
      [
        'postpone',
        reviewer,
        { ...(SAMPLES.postpone.payload as object), until: '2026-03-20' },
        '2026-03-03T00:00:00Z',
      ],
    ]);

  it('reminds the requested side when a postponement ends (Art. 40(26))', () => {
    assert.deepEqual(at('2026-03-10T00:00:00Z', postponedUntil20March()), [
      ['end-of-postponement', 'requested', '2026-03-16T12:00:00.000Z', '2026-03-21T00:00:00.000Z', 'on-time'],
    ]);
  });

  it("ends the postponement at midnight on the requested State's clocks (Berlin, winter time)", () => {
    const deadlines = caseDeadlines(postponedUntil20March(), LEVELS, new Date('2026-03-10T00:00:00Z'), {
      ...DEFAULT_DEADLINE_OPTIONS,
      calendarTimeZone: 'Europe/Berlin',
    });
    assert.equal(deadlines[0]?.dueAt, '2026-03-20T23:00:00.000Z');
    assert.equal(deadlines[0]?.lastDay, '2026-03-20');
  });
});

describe('case deadlines: preservation expiry (Art. 42(8))', () => {
  const preservedThen = (steps: readonly Step[]) =>
    walk({ requestType: 'preservation', urgency: 'urgent' }, '2026-03-01T08:00:00Z', [
      ...DELIVERY,
      ['acknowledge', duty, {}, '2026-03-01T10:30:00Z'],
      [
        'record-preservation',
        duty,
        { tookEffectOn: '2026-03-01', preservedUntil: '2026-04-30' },
        '2026-03-01T12:00:00Z',
      ],
      ...steps,
    ]);
  const preserved = preservedThen([]);

  it('reminds the requesting side the configured number of days before the data may be released', () => {
    assert.deepEqual(at('2026-04-10T00:00:00Z', preserved), [
      [
        'preservation-expiry',
        'requesting',
        '2026-04-17T00:00:00.000Z',
        '2026-05-01T00:00:00.000Z',
        'on-time',
      ],
    ]);
    assert.deepEqual(
      at('2026-04-10T00:00:00Z', preserved, { atRiskAfterShare: 0.75, preservationReminderDays: 30 }),
      [
        [
          'preservation-expiry',
          'requesting',
          '2026-04-01T00:00:00.000Z',
          '2026-05-01T00:00:00.000Z',
          'at-risk',
        ],
      ],
    );
    assert.equal(at('2026-05-01T00:00:00Z', preserved)[0]?.[4], 'missed');
  });

  it('moves with an extension and stops once the preservation is converted', () => {
    const extended = preservedThen([
      ['extend', duty, { preservedUntil: '2026-06-30' }, '2026-04-20T00:00:00Z'],
    ]);
    assert.deepEqual(at('2026-05-10T00:00:00Z', extended), [
      [
        'preservation-expiry',
        'requesting',
        '2026-06-17T00:00:00.000Z',
        '2026-07-01T00:00:00.000Z',
        'on-time',
      ],
    ]);
    const converted = preservedThen([
      ['convert', officer, { followUpReference: 'CASE-7' }, '2026-04-20T00:00:00Z'],
    ]);
    assert.deepEqual(at('2026-06-10T00:00:00Z', converted), []);
  });

  it("ends a date at midnight on the requested State's clocks, summer time and all", () => {
    const dueIn = (calendarTimeZone: string) =>
      at('2026-04-10T00:00:00Z', preserved, { ...DEFAULT_DEADLINE_OPTIONS, calendarTimeZone })[0]?.[3];
    // Preserved until 30 April: Berlin is two hours ahead of UTC then, São Paulo three behind,
    // Tokyo nine ahead, Kathmandu five and three quarters ahead.
    assert.equal(dueIn('Europe/Berlin'), '2026-04-30T22:00:00.000Z');
    assert.equal(dueIn('America/Sao_Paulo'), '2026-05-01T03:00:00.000Z');
    assert.equal(dueIn('Asia/Tokyo'), '2026-04-30T15:00:00.000Z');
    assert.equal(dueIn('Asia/Kathmandu'), '2026-04-30T18:15:00.000Z');
    assert.equal(dueIn('UTC'), '2026-05-01T00:00:00.000Z');
    // A zone the runtime does not know counts in UTC rather than fail the case.
    assert.equal(dueIn('Nowhere/Atlantis'), '2026-05-01T00:00:00.000Z');
  });
});

describe("case deadlines: the requested State's calendar", () => {
  it('is the zone of the State data every node ships, UTC for a State it does not name', () => {
    assert.equal(calendarTimeZoneOf('DE'), 'Europe/Berlin');
    assert.equal(calendarTimeZoneOf('de'), 'Europe/Berlin');
    assert.equal(calendarTimeZoneOf('BR'), 'America/Sao_Paulo');
    assert.equal(calendarTimeZoneOf('XX'), 'UTC');
    assert.equal(calendarTimeZoneOf(null), 'UTC');
  });
});
