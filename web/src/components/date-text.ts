/**
 * Dates as a person of each UI language reads and types them, stored as ISO text: `YYYY-MM-DD`
 * for a date and `YYYY-MM-DDTHH:mm` for a local date-time (the values a native date field gave).
 * The written form follows the UI language (day first in Arabic, English, French and Spanish,
 * with dots in Russian, year first in Chinese), never the browser's; ISO typing is always accepted.
 */
import dayjs from 'dayjs';
import customParseFormat from 'dayjs/plugin/customParseFormat.js';
import 'dayjs/locale/ar.js';
import 'dayjs/locale/es.js';
import 'dayjs/locale/fr.js';
import 'dayjs/locale/ru.js';
import 'dayjs/locale/zh-cn.js';

dayjs.extend(customParseFormat);

const DATE_FORMATS: Readonly<Record<string, string>> = {
  ar: 'DD/MM/YYYY',
  en: 'DD/MM/YYYY',
  es: 'DD/MM/YYYY',
  fr: 'DD/MM/YYYY',
  ru: 'DD.MM.YYYY',
  zh: 'YYYY/MM/DD',
};

const DAYJS_LOCALES: Readonly<Record<string, string>> = { zh: 'zh-cn' };

/** The dayjs locale of a UI language (month and weekday names of the calendar). */
export function dayjsLocale(language: string): string {
  const base = language.split('-')[0] ?? 'en';
  return DAYJS_LOCALES[base] ?? (base in DATE_FORMATS ? base : 'en');
}

export function dateFormat(language: string, withTime: boolean): string {
  const date = DATE_FORMATS[language.split('-')[0] ?? 'en'] ?? 'DD/MM/YYYY';
  return withTime ? `${date} HH:mm` : date;
}

const ISO_DATE = 'YYYY-MM-DD';
const ISO_DATE_TIME = 'YYYY-MM-DDTHH:mm';

/** Arabic-Indic and Persian digits as ASCII digits, direction marks removed. */
function normalise(text: string): string {
  return text
    .replace(/[\u200e\u200f\u061c]/g, '')
    .replace(/[\u0660-\u0669]/g, (digit) => String(digit.charCodeAt(0) - 0x0660))
    .replace(/[\u06f0-\u06f9]/g, (digit) => String(digit.charCodeAt(0) - 0x06f0))
    .trim();
}

/**
 * A date typed in the language's order with one-digit parts or another separator ("6/12/2026",
 * "6.12.2026", "6-12-2026" in English; "2026-1-5" in Chinese) as its written form ("06/12/2026"),
 * whatever follows (a time). A year written with two digits is left as it is: it is not read.
 */
function withTwoDigitParts(text: string, language: string): string {
  const format = dateFormat(language, false);
  const separator = format.includes('.') ? '.' : '/';
  const isYearFirst = format.startsWith('Y');
  const pad = (part: string) => part.padStart(2, '0');
  const pattern = isYearFirst
    ? /^(\d{4})[./-](\d{1,2})[./-](\d{1,2})(?=$|[\sT])/
    : /^(\d{1,2})[./-](\d{1,2})[./-](\d{4})(?=$|[\sT])/;
  return text.replace(pattern, (_match, first: string, second: string, third: string) =>
    isYearFirst
      ? [first, pad(second), pad(third)].join(separator)
      : [pad(first), pad(second), third].join(separator),
  );
}

/**
 * The ISO value of what a person typed, or undefined when it is not a date (or date-time) in the
 * language's written form (one-digit days and months, and any of / . - between the parts, are
 * read too) or in ISO form.
 */
export function parseTypedDate(text: string, language: string, withTime: boolean): string | undefined {
  const typed = normalise(text);
  const formats = withTime
    ? [
        dateFormat(language, true),
        'YYYY-MM-DDTHH:mm',
        'YYYY-MM-DD HH:mm',
        'YYYY-MM-DDTHH:mm:ss',
        'YYYY-MM-DD HH:mm:ss',
      ]
    : [dateFormat(language, false), ISO_DATE];
  // As typed first (ISO included), then with its parts made two digits in the language's order.
  for (const candidate of new Set([typed, withTwoDigitParts(typed, language)])) {
    for (const format of formats) {
      const parsed = dayjs(candidate, format, true);
      if (parsed.isValid()) return parsed.format(withTime ? ISO_DATE_TIME : ISO_DATE);
    }
  }
  return undefined;
}

/** Whether `value` is an ISO date (`YYYY-MM-DD`) or, `withTime`, date-time (`YYYY-MM-DDTHH:mm[:ss]`). */
export function isIsoValue(value: string, withTime: boolean): boolean {
  return dayjs(value, withTime ? ['YYYY-MM-DDTHH:mm', 'YYYY-MM-DDTHH:mm:ss'] : ISO_DATE, true).isValid();
}

/** An ISO value written in the language's form; an unreadable value is returned as it is. */
export function formatIsoDate(value: string, language: string, withTime: boolean): string {
  if (value === '' || !isIsoValue(value, withTime)) return value;
  return dayjs(value, withTime ? ['YYYY-MM-DDTHH:mm', 'YYYY-MM-DDTHH:mm:ss'] : ISO_DATE, true).format(
    dateFormat(language, withTime),
  );
}

/**
 * A local date-time (`YYYY-MM-DDTHH:mm`) as an ISO 8601 moment with this browser's UTC offset
 * (`2026-03-02T14:05+01:00`): what a record read in another time zone needs; undefined when it is
 * not a local date-time.
 */
export function withUtcOffset(local: string): string | undefined {
  if (!isIsoValue(local, true)) return undefined;
  return dayjs(local, ['YYYY-MM-DDTHH:mm', 'YYYY-MM-DDTHH:mm:ss'], true).format('YYYY-MM-DDTHH:mmZ');
}

/** Today on the user's own calendar (the browser's time zone), as `YYYY-MM-DD`. */
export function localToday(): string {
  return dayjs().format('YYYY-MM-DD');
}
