import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hasUtcOffset, localTimeToInstant, toUtcText } from './zoned-time.ts';

describe('zoned time', () => {
  it('turns a wall-clock time in an IANA zone into the UTC instant, summer and winter', () => {
    assert.equal(toUtcText(localTimeToInstant('2026-07-01T10:15', 'Europe/Paris')!), '2026-07-01T08:15:00Z');
    assert.equal(
      toUtcText(localTimeToInstant('2026-01-15T10:15:30', 'Europe/Paris')!),
      '2026-01-15T09:15:30Z',
    );
    assert.equal(toUtcText(localTimeToInstant('2026-03-01T14:05:00', 'Asia/Baku')!), '2026-03-01T10:05:00Z');
  });

  it('answers undefined for an unknown zone or a malformed time', () => {
    assert.equal(localTimeToInstant('2026-07-01T10:15', 'Nowhere/Atlantis'), undefined);
    assert.equal(localTimeToInstant('1 July 2026', 'Europe/Paris'), undefined);
  });

  it('tells whether a date-time carries its own offset', () => {
    assert.ok(hasUtcOffset('2026-07-01T10:15:00Z'));
    assert.ok(hasUtcOffset('2026-07-01T10:15:00+03:00'));
    assert.ok(!hasUtcOffset('2026-07-01T10:15:00'));
  });
});
