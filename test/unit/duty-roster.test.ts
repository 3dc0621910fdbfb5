import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  escalationLevelAt,
  fromLocalDateTime,
  nextOnRoster,
  onDutyAt,
  overlappingShifts,
  type Shift,
  shiftSpanProblem,
  toLocalDateTime,
} from '../../src/core/duty/roster.ts';

function shift(id: string, userId: string, startsAt: string, endsAt: string): Shift {
  return { id, userId, startsAt: new Date(startsAt), endsAt: new Date(endsAt) };
}

const ROSTER = [
  shift('1', 'ana', '2026-12-24T06:00:00Z', '2026-12-24T14:00:00Z'),
  shift('2', 'bo', '2026-12-24T13:30:00Z', '2026-12-24T22:00:00Z'),
  shift('3', 'cy', '2026-12-24T22:00:00Z', '2026-12-25T06:00:00Z'),
];

describe('duty roster', () => {
  it('puts on duty whoever a shift covers, start included and end excluded', () => {
    assert.deepEqual(onDutyAt(ROSTER, new Date('2026-12-24T05:59:59Z')), []);
    assert.deepEqual(onDutyAt(ROSTER, new Date('2026-12-24T06:00:00Z')), ['ana']);
    assert.deepEqual(onDutyAt(ROSTER, new Date('2026-12-24T13:45:00Z')), ['ana', 'bo']);
    assert.deepEqual(onDutyAt(ROSTER, new Date('2026-12-24T22:00:00Z')), ['cy']);
  });

  it('names the next person whose shift starts later, skipping those on duty', () => {
    assert.equal(nextOnRoster(ROSTER, new Date('2026-12-24T07:00:00Z')), 'bo');
    assert.equal(nextOnRoster(ROSTER, new Date('2026-12-24T14:00:00Z')), 'cy');
    assert.equal(nextOnRoster(ROSTER, new Date('2026-12-24T23:00:00Z')), undefined);
    const again = [...ROSTER, shift('4', 'bo', '2026-12-25T06:00:00Z', '2026-12-25T14:00:00Z')];
    assert.equal(nextOnRoster(again, new Date('2026-12-24T22:30:00Z')), 'bo');
  });

  it("finds overlaps with the same person's shifts only", () => {
    const candidate = {
      userId: 'ana',
      startsAt: new Date('2026-12-24T13:00:00Z'),
      endsAt: new Date('2026-12-24T15:00:00Z'),
    };
    assert.deepEqual(
      overlappingShifts(ROSTER, candidate).map((s) => s.id),
      ['1'],
    );
    assert.deepEqual(overlappingShifts(ROSTER, { ...candidate, userId: 'cy' }), []);
    const touching = {
      userId: 'ana',
      startsAt: new Date('2026-12-24T14:00:00Z'),
      endsAt: new Date('2026-12-24T16:00:00Z'),
    };
    assert.deepEqual(overlappingShifts(ROSTER, touching), []);
  });

  it('refuses a shift that ends before it starts or lasts over 72 hours', () => {
    const start = new Date('2026-12-24T06:00:00Z');
    assert.equal(shiftSpanProblem(start, new Date('2026-12-24T14:00:00Z')), undefined);
    assert.match(shiftSpanProblem(start, start) ?? '', /ends after it starts/);
    assert.match(shiftSpanProblem(start, new Date('2026-12-27T07:00:00Z')) ?? '', /72 hours/);
  });

  it('converts wall-clock times of a zone to instants and back, across changes of clocks', () => {
    assert.equal(
      fromLocalDateTime('2026-12-24T08:00', 'Europe/Berlin')?.toISOString(),
      '2026-12-24T07:00:00.000Z',
    );
    assert.equal(
      fromLocalDateTime('2026-07-01T08:00', 'Europe/Berlin')?.toISOString(),
      '2026-07-01T06:00:00.000Z',
    );
    assert.equal(
      fromLocalDateTime('2026-07-01T08:00', 'Asia/Kolkata')?.toISOString(),
      '2026-07-01T02:30:00.000Z',
    );
    assert.equal(
      fromLocalDateTime('2026-07-01T08:00', 'America/New_York')?.toISOString(),
      '2026-07-01T12:00:00.000Z',
    );
    assert.equal(fromLocalDateTime('2026-07-01T08:00', 'UTC')?.toISOString(), '2026-07-01T08:00:00.000Z');
    // Berlin skips 02:00-03:00 on 29 March 2026 and passes 02:00-03:00 twice on 25 October 2026.
    assert.equal(fromLocalDateTime('2026-03-29T02:30', 'Europe/Berlin'), undefined);
    assert.equal(
      fromLocalDateTime('2026-10-25T02:30', 'Europe/Berlin')?.toISOString(),
      '2026-10-25T00:30:00.000Z',
    );
    assert.equal(toLocalDateTime(new Date('2026-10-25T01:30:00Z'), 'Europe/Berlin'), '2026-10-25T02:30');
    assert.equal(toLocalDateTime(new Date('2026-12-31T23:30:00Z'), 'Asia/Tokyo'), '2027-01-01T08:30');
    for (const bad of ['2026-02-30T08:00', '2026-12-24 08:00', '2026-12-24T24:00', 'tomorrow']) {
      assert.equal(fromLocalDateTime(bad, 'Europe/Berlin'), undefined, bad);
    }
  });

  it('escalates a missed acknowledgement to the next person, then to supervisors half a span later', () => {
    const deadline = { startsAt: '2026-12-24T10:00:00Z', dueAt: '2026-12-24T11:00:00Z' };
    assert.equal(escalationLevelAt(deadline, new Date('2026-12-24T10:59:59Z')), 0);
    assert.equal(escalationLevelAt(deadline, new Date('2026-12-24T11:00:00Z')), 1);
    assert.equal(escalationLevelAt(deadline, new Date('2026-12-24T11:29:59Z')), 1);
    assert.equal(escalationLevelAt(deadline, new Date('2026-12-24T11:30:00Z')), 2);
  });
});
