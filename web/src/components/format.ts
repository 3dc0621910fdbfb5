/** Dates and names shown in the UI language. */
import type { StateSummary } from '../app/api.ts';
import type { LocalizedText } from '../../../src/core/i18n.ts';
import i18next from 'i18next';
import { currentLanguage, isRightToLeft } from '../i18n/i18n.ts';

/** "12 Mar 2026, 14:05" in the UI language; the raw text when it is not a date. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(currentLanguage(), { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}

/** A calendar date (YYYY-MM-DD) in the UI language, without shifting it across time zones. */
export function formatDate(day: string | null | undefined): string {
  if (!day) return '';
  const date = new Date(`${day.slice(0, 10)}T12:00:00Z`);
  if (Number.isNaN(date.getTime())) return day;
  return new Intl.DateTimeFormat(currentLanguage(), { dateStyle: 'medium', timeZone: 'UTC' }).format(date);
}

export function localized(text: LocalizedText | undefined): string {
  if (!text) return '';
  return text[currentLanguage()] || text.en;
}

/** The State's name in the UI language, or its code when the directory does not know it. */
export function stateName(
  states: readonly StateSummary[] | undefined,
  code: string | null | undefined,
): string {
  if (!code) return '';
  const state = states?.find((entry) => entry.code === code.toUpperCase());
  return state ? localized(state.names) : code;
}

/** "Art. 42(3)(d)" in the UI language (the paragraph as printed in the Convention). */
export function citationText(article: number, paragraph?: string): string {
  const [head, ...rest] = (paragraph ?? '').split('(');
  const suffix = paragraph ? `(${head})${rest.map((part) => `(${part}`).join('')}` : '';
  const citation = `${article}${suffix}`;
  // In right-to-left text "42(3)(a)" would be reordered by the bidi algorithm: isolate it as left to right.
  const isolated = isRightToLeft(currentLanguage()) ? `\u2066${citation}\u2069` : citation;
  return i18next.t('common.articleCitation', { citation: isolated });
}

/** A country or organization name from its ISO 3166-1 alpha-2 code (or EU), in the UI language. */
export function regionName(code: string): string {
  try {
    return new Intl.DisplayNames([currentLanguage()], { type: 'region' }).of(code.toUpperCase()) ?? code;
  } catch {
    return code;
  }
}

/** A language name from its BCP 47 tag, in the UI language. */
export function languageName(tag: string): string {
  try {
    return new Intl.DisplayNames([currentLanguage()], { type: 'language' }).of(tag) ?? tag;
  } catch {
    return tag;
  }
}

/** A count in the UI language's digits and grouping. */
export function formatNumber(value: number): string {
  return new Intl.NumberFormat(currentLanguage()).format(value);
}

/** "12 Mar 2026, 14:05 CET": an instant in the UI language and the browser's time zone, which is named. */
export function formatInstant(iso: string | null | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(currentLanguage(), {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  }).format(date);
}
