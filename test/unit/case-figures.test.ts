import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { caseFigures } from '../../src/core/case/figures.ts';
import { actor, CONSULTATION, RESPONSE, type Step, walk } from '../helpers/case-fixtures.ts';

const officer = actor('requesting', 'officer');
const supervisor = actor('requesting', 'supervisor');
const node = actor('requesting', 'node');
const duty = actor('requested', 'duty-officer');
const reviewer = actor('requested', 'legal-reviewer');
const executor = actor('requested', 'officer');

/** Sent at 09:30, delivered at 10:00 on 1 March 2026. */
const DELIVERY: readonly Step[] = [
  ['submit-for-approval', officer, {}, '2026-03-01T09:00:00Z'],
  ['approve-and-send', supervisor, {}, '2026-03-01T09:30:00Z'],
  ['record-delivery', node, {}, '2026-03-01T10:00:00Z'],
];

const ASSESSED: readonly Step[] = [
  ...DELIVERY,
  ['acknowledge', duty, {}, '2026-03-01T12:00:00Z'],
  ['begin-assessment', reviewer, {}, '2026-03-02T10:00:00Z'],
];

function figuresOf(steps: readonly Step[], sentAt: string | null = null) {
  const current = walk({ requestType: 'mla', urgency: 'routine' }, '2026-03-01T08:00:00Z', steps);
  return caseFigures(current.history, sentAt);
}

const HOUR = 3600;
const DAY = 24 * HOUR;

describe('case figures', () => {
  it('time to deliver runs from sending to the signed receipt', () => {
    assert.equal(figuresOf(DELIVERY).deliverSeconds, 30 * 60);
    // The request flow's own sending moment (its first message) wins over the history's.
    assert.equal(figuresOf(DELIVERY, '2026-03-01T09:59:00Z').deliverSeconds, 60);
  });

  it('time to acknowledge runs from delivery to the acknowledgement', () => {
    assert.equal(figuresOf(ASSESSED).acknowledgeSeconds, 2 * HOUR);
  });

  it('time to decide runs from delivery to an acceptance, or to a refusal', () => {
    const accepted = figuresOf([...ASSESSED, ['accept', reviewer, {}, '2026-03-05T10:00:00Z']]);
    assert.equal(accepted.decideSeconds, 4 * DAY);
    const refused = figuresOf([
      ...ASSESSED,
      [
        'refuse',
        reviewer,
        { grounds: ['mla-essential-interests'], reasons: 'Essential interests.', consultation: CONSULTATION },
        '2026-03-03T10:00:00Z',
      ],
    ]);
    assert.equal(refused.decideSeconds, 2 * DAY);
    assert.equal(refused.executeSeconds, null);
  });

  it('time to execute runs from acceptance to full execution', () => {
    const executed = figuresOf([
      ...ASSESSED,
      ['accept', reviewer, {}, '2026-03-05T10:00:00Z'],
      ['begin-execution', executor, {}, '2026-03-06T10:00:00Z'],
      ['execute-fully', executor, RESPONSE, '2026-03-15T10:00:00Z'],
    ]);
    assert.deepEqual(executed, {
      deliverSeconds: 30 * 60,
      acknowledgeSeconds: 2 * HOUR,
      decideSeconds: 4 * DAY,
      executeSeconds: 10 * DAY,
    });
  });

  it('a step the case has not reached gives null', () => {
    assert.deepEqual(figuresOf(DELIVERY.slice(0, 2)), {
      deliverSeconds: null,
      acknowledgeSeconds: null,
      decideSeconds: null,
      executeSeconds: null,
    });
    assert.deepEqual(figuresOf(ASSESSED), {
      deliverSeconds: 30 * 60,
      acknowledgeSeconds: 2 * HOUR,
      decideSeconds: null,
      executeSeconds: null,
    });
  });
});
