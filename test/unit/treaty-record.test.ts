import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  checkRecordDates,
  dateWindowOf,
  type NewTreatyRecord,
  NewTreatyRecordSchema,
} from '../../src/core/treaty/treaty-record.ts';

const TODAY = '2026-11-28';

function entry(overrides: Partial<NewTreatyRecord>): NewTreatyRecord {
  return NewTreatyRecordSchema.parse({
    stateCode: 'FR',
    action: 'signature',
    date: '2025-10-25',
    source: 'UNTC',
    evidence: 'primary (depositary)',
    ...overrides,
  });
}

describe('a treaty record as entered', () => {
  it('normalises the State code to upper case', () => {
    assert.equal(entry({ stateCode: ' fr ' }).stateCode, 'FR');
  });

  it('refuses an evidence text without a level, an unknown action and an impossible date', () => {
    const result = NewTreatyRecordSchema.safeParse({
      stateCode: 'FR',
      action: 'ratified',
      date: '2026-02-30',
      source: 'x',
      evidence: 'heard it',
    });
    assert.equal(result.success, false);
    const paths = result.error?.issues.map((issue) => issue.path.join('.')).sort();
    assert.deepEqual(paths, ['action', 'date', 'evidence']);
  });

  it('requires a date for a deposit', () => {
    const problems = checkRecordDates(entry({ action: 'ratification', date: null }), TODAY);
    assert.deepEqual(
      problems.map((p) => p.path),
      ['date'],
    );
    assert.match(problems[0]?.message ?? '', /deposit/);
  });

  it('accepts an undated report', () => {
    assert.deepEqual(checkRecordDates(entry({ action: 'reported-ratification', date: null }), TODAY), []);
  });

  it('refuses dates before the adoption, in the future, and signatures after 31 Dec 2026', () => {
    assert.match(checkRecordDates(entry({ date: '2024-12-23' }), TODAY)[0]?.message ?? '', /adoption/);
    assert.match(checkRecordDates(entry({ date: '2026-11-29' }), TODAY)[0]?.message ?? '', /future/);
    const late = checkRecordDates(entry({ date: '2027-01-04' }), '2027-02-01');
    assert.match(late[0]?.message ?? '', /Art\. 64\(1\).*accession/);
    assert.deepEqual(checkRecordDates(entry({ action: 'accession', date: '2027-01-04' }), '2027-02-01'), []);
  });

  it('reads a date window note', () => {
    assert.deepEqual(dateWindowOf('2025-10-25/2025-10-26'), { from: '2025-10-25', to: '2025-10-26' });
    assert.equal(dateWindowOf('Hanoi, day unknown'), null);
    assert.equal(dateWindowOf('2025-10-26/2025-10-25'), null);
    assert.equal(dateWindowOf(null), null);
  });
});
