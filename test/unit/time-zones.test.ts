/**
 * Time zones are chosen by country and city with their current offset, in the user's language;
 * the stored value stays the IANA zone.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { describeTimeZone, timeZoneOptions, utcOffsetOf } from '../../web/src/components/time-zones.ts';

const winter = new Date('2026-01-15T12:00:00Z');
const summer = new Date('2026-07-15T12:00:00Z');

describe('time zones as people choose them', () => {
  test('the offset is the one in force at that instant, daylight saving included', () => {
    assert.equal(utcOffsetOf('Europe/Berlin', winter), 'UTC+01:00');
    assert.equal(utcOffsetOf('Europe/Berlin', summer), 'UTC+02:00');
    assert.equal(utcOffsetOf('Asia/Kolkata', summer), 'UTC+05:30');
    assert.equal(utcOffsetOf('America/Argentina/Buenos_Aires', summer), 'UTC-03:00');
    assert.equal(utcOffsetOf('Not/AZone', summer), undefined);
  });

  test('a zone reads as country, city and offset in the user language', () => {
    assert.equal(describeTimeZone('Europe/Berlin', 'en', winter), 'Germany — Berlin (UTC+01:00)');
    assert.equal(describeTimeZone('Europe/Berlin', 'fr', winter), 'Allemagne — Berlin (UTC+01:00)');
    assert.equal(
      describeTimeZone('America/Argentina/Buenos_Aires', 'es', summer),
      'Argentina — Buenos Aires (UTC-03:00)',
    );
    assert.match(describeTimeZone('Asia/Kolkata', 'ar', summer), /^الهند — Kolkata \(UTC\+05:30\)$/);
    assert.equal(describeTimeZone('Europe/Stockholm', 'en', summer), 'Sweden — Stockholm (UTC+02:00)');
    assert.equal(describeTimeZone('UTC', 'ru', summer), 'UTC');
  });

  test('the choices hold every zone once, UTC first, then sorted by country', () => {
    const options = timeZoneOptions('en', winter);
    const values = options.map((option) => option.value);
    assert.equal(values[0], 'UTC');
    assert.equal(new Set(values).size, values.length, 'no zone twice');
    assert.ok(values.includes('Europe/Paris') && values.includes('Pacific/Auckland'));
    assert.ok(
      options.every((option) => !/_/.test(option.label)),
      'no underscores of zone ids in labels',
    );
    const labels = options.slice(1).map((option) => option.label);
    assert.deepEqual(
      labels,
      [...labels].sort((a, b) => a.localeCompare(b, 'en')),
    );
    const france = options.find((option) => option.value === 'Europe/Paris');
    assert.equal(france?.label, 'France — Paris (UTC+01:00)');
  });
});
