/**
 * Dates in the UI language (web/src/components/date-text.ts): each language's written form reads
 * back to the same ISO value, ISO typing is always accepted, and what is not a date is refused.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formattingLocaleOf, LOCALES } from '../../src/core/i18n.ts';
import {
  dateFormat,
  dayjsLocale,
  formatIsoDate,
  parseTypedDate,
  withUtcOffset,
} from '../../web/src/components/date-text.ts';

describe('dates in the UI language', () => {
  for (const locale of LOCALES) {
    it(`shows a date in the order it is typed, with a 24-hour clock and Western digits (${locale})`, () => {
      // A written date on a screen ("6 Dec 2026, 13:18") beside a field typed "06/12/2026 13:18".
      const parts = new Intl.DateTimeFormat(formattingLocaleOf(locale), {
        year: 'numeric',
        month: 'short',
        day: 'numeric',
        hour: '2-digit',
        minute: '2-digit',
        timeZone: 'UTC',
      }).formatToParts(new Date('2026-12-06T13:08:00Z'));
      const order = parts
        .map((part) => part.type)
        .filter((type) => type === 'day' || type === 'month' || type === 'year');
      const typedOrder = [...dateFormat(locale, false).matchAll(/D+|M+|Y+/g)].map(
        ([token]) => ({ D: 'day', M: 'month', Y: 'year' })[token[0] as 'D' | 'M' | 'Y'],
      );
      assert.deepEqual(order, typedOrder);
      assert.equal(parts.find((part) => part.type === 'hour')?.value, '13');
      assert.equal(
        parts.find((part) => part.type === 'dayPeriod'),
        undefined,
      );
      assert.equal(parts.find((part) => part.type === 'year')?.value, '2026');
    });
  }

  it('writes a date in each language’s form', () => {
    assert.equal(formatIsoDate('2026-03-02', 'fr', false), '02/03/2026');
    assert.equal(formatIsoDate('2026-03-02', 'en', false), '02/03/2026');
    assert.equal(formatIsoDate('2026-03-02', 'ru', false), '02.03.2026');
    assert.equal(formatIsoDate('2026-03-02', 'zh', false), '2026/03/02');
    assert.equal(formatIsoDate('2026-03-02T14:05', 'es', true), '02/03/2026 14:05');
    assert.equal(formatIsoDate('', 'fr', false), '');
  });

  it("reads one-digit days and months and other separators in the language's order, never month first", () => {
    assert.equal(parseTypedDate('6/12/2026', 'en', false), '2026-12-06');
    assert.equal(parseTypedDate('6.12.2026', 'en', false), '2026-12-06');
    assert.equal(parseTypedDate('6-1-2026', 'fr', false), '2026-01-06');
    assert.equal(parseTypedDate('6.12.2026 9:30', 'ru', true), undefined);
    assert.equal(parseTypedDate('6.12.2026 09:30', 'ru', true), '2026-12-06T09:30');
    assert.equal(parseTypedDate('2026-1-5', 'zh', false), '2026-01-05');
    assert.equal(parseTypedDate('2026-12-31T09:30', 'zh', true), '2026-12-31T09:30');
    // Not a date: a two-digit year, a day or month out of range.
    assert.equal(parseTypedDate('06/12/26', 'en', false), undefined);
    assert.equal(parseTypedDate('13/13/2026', 'en', false), undefined);
    assert.equal(parseTypedDate('31/2/2026', 'es', false), undefined);
  });

  for (const locale of LOCALES) {
    it(`reads back what it writes and accepts ISO typing (${locale})`, () => {
      assert.equal(parseTypedDate(formatIsoDate('2026-12-31', locale, false), locale, false), '2026-12-31');
      assert.equal(
        parseTypedDate(formatIsoDate('2026-12-31T09:30', locale, true), locale, true),
        '2026-12-31T09:30',
      );
      assert.equal(parseTypedDate('2026-03-02', locale, false), '2026-03-02');
      assert.equal(parseTypedDate('2026-03-01T14:05', locale, true), '2026-03-01T14:05');
      assert.equal(parseTypedDate('2026-03-01 14:05', locale, true), '2026-03-01T14:05');
    });
  }

  it('refuses what is not a date, and impossible dates', () => {
    assert.equal(parseTypedDate('soon', 'en', false), undefined);
    assert.equal(parseTypedDate('2026-02-30', 'en', false), undefined);
    assert.equal(parseTypedDate('31/02/2026', 'fr', false), undefined);
    assert.equal(parseTypedDate('2026-03-0', 'en', false), undefined);
  });

  it('reads Arabic-Indic digits and ignores direction marks', () => {
    assert.equal(parseTypedDate('\u200f٠٢/٠٣/٢٠٢٦', 'ar', false), '2026-03-02');
  });

  it('names the calendar locale of each language', () => {
    assert.equal(dayjsLocale('zh'), 'zh-cn');
    assert.equal(dayjsLocale('fr-CA'), 'fr');
    assert.equal(dayjsLocale('xx'), 'en');
  });
});

describe('a local date-time as a moment with its UTC offset', () => {
  it('keeps the wall-clock time and names the offset, so the moment reads the same anywhere', () => {
    const moment = withUtcOffset('2026-03-02T14:05');
    assert.match(moment ?? '', /^2026-03-02T14:05[+-]\d{2}:\d{2}$/);
    assert.equal(Date.parse(moment ?? ''), new Date(2026, 2, 2, 14, 5).getTime());
  });

  it('gives nothing for what is not a local date-time', () => {
    assert.equal(withUtcOffset('yesterday morning'), undefined);
    assert.equal(withUtcOffset('2026-03-02'), undefined);
    assert.equal(withUtcOffset('2026-02-30T10:00'), undefined);
  });
});
