/** Dates and names shown in the UI language. */
import i18next from 'i18next';
import type { StateSummary } from '../app/api.ts';
import type { LocalizedText } from '../../../src/core/i18n.ts';
import { formatCitationIn, type RefusalGroundEntry } from '../../../src/core/catalogue/catalogue.ts';
import { currentLanguage, formattingLocale } from '../i18n/i18n.ts';
import { languageNameOf, regionNameOf, WRITTEN_DAY, writtenDayOf } from '../../../src/core/i18n.ts';

/** A day written with its month's name, as every screen writes one (src/core/i18n.ts). */
export { WRITTEN_DAY } from '../../../src/core/i18n.ts';
export const TIME_OF_DAY: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit' };

/** An instant written with `options` in the UI language; the raw text when it is not a date. */
function formatIsoInstant(iso: string | null | undefined, options: Intl.DateTimeFormatOptions): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(formattingLocale(), { ...WRITTEN_DAY, ...TIME_OF_DAY, ...options }).format(
    date,
  );
}

/** "12 Mar 2026, 14:05" in the UI language; the raw text when it is not a date. */
export function formatDateTime(iso: string | null | undefined): string {
  return formatIsoInstant(iso, {});
}

/**
 * A wall-clock time somewhere (YYYY-MM-DDTHH:mm, no offset: the time another State's clocks show)
 * as "6 Dec 2026, 14:46" in the UI language, without shifting it into the browser's time zone; the
 * raw text when it is not one.
 */
export function formatWallClockTime(local: string | null | undefined): string {
  if (!local) return '';
  const date = new Date(`${local.slice(0, 16)}:00Z`);
  if (Number.isNaN(date.getTime())) return local;
  return new Intl.DateTimeFormat(formattingLocale(), {
    ...WRITTEN_DAY,
    ...TIME_OF_DAY,
    timeZone: 'UTC',
  }).format(date);
}

/** A calendar date (YYYY-MM-DD) in the UI language, without shifting it across time zones. */
export function formatDate(day: string | null | undefined): string {
  if (!day) return '';
  return writtenDayOf(day, currentLanguage());
}

export function localized(text: LocalizedText | undefined): string {
  if (!text) return '';
  return text[currentLanguage()] || text.en;
}

/**
 * The State's name in the UI language: the directory's (the United Nations' names), else, signed
 * out or for a State the directory does not list, the platform's name for its code, else the code.
 */
export function stateName(
  states: readonly StateSummary[] | undefined,
  code: string | null | undefined,
): string {
  if (!code) return '';
  const state = states?.find((entry) => entry.code === code.toUpperCase());
  return state ? localized(state.names) : regionName(code);
}

/**
 * The State a node serves, by the directory's name, for people who think in States ("Germany",
 * not "de-poc"); the node's id itself when the directory does not list it.
 */
export function nodeStateName(states: readonly StateSummary[] | undefined, nodeId: string): string {
  const state = states?.find((entry) => entry.nodes.some((node) => node.nodeId === nodeId));
  return state ? localized(state.names) : nodeId;
}

/** "Art. 42(3)(d)", "المادة 42(3)(d)", "第42条(3)(d)": a citation in the UI language (src/core). */
export function citationText(article: number, paragraph?: string): string {
  return formatCitationIn({ article, paragraph }, currentLanguage());
}

/** A ground for refusal as the screens name it: its title and its article, in the UI language. */
export function refusalGroundText(
  ground: Pick<RefusalGroundEntry, 'title' | 'article' | 'paragraph'>,
): string {
  return `${localized(ground.title)} (${citationText(ground.article, ground.paragraph)})`;
}

/**
 * A citation the node gave in English ("Art. 42(3)(d)", as findings carry it), in the UI
 * language; any other text unchanged.
 */
export function localizedCitation(text: string): string {
  const match = /^Art\. (\d+)(?:\((\w+)\)((?:\(\w+\))*))?$/.exec(text);
  if (!match) return text;
  const paragraph = match[2] ? `${match[2]}${match[3] ?? ''}` : undefined;
  return citationText(Number(match[1]), paragraph);
}

/** A country or organization name from its ISO 3166-1 alpha-2 code (or EU), in the UI language. */
export function regionName(code: string): string {
  return regionNameOf(code, currentLanguage());
}

/** A language named as findings name it, in the UI language: "English (en)"; an unknown tag alone. */
export function languageWithTag(tag: string): string {
  return languageNameOf(tag, currentLanguage());
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
  return new Intl.NumberFormat(formattingLocale()).format(value);
}

/** "12 Mar 2026, 14:05 CET": an instant in the UI language and the browser's time zone, which is named. */
export function formatInstant(iso: string | null | undefined): string {
  return formatIsoInstant(iso, { timeZoneName: 'short' });
}

/**
 * "6 Dec 2026, 14:50:07 CET": an instant to the second, in the browser's time zone, which is
 * named: for records read as evidence of what happened when (the audit log).
 */
export function formatExactInstant(iso: string | null | undefined): string {
  return formatIsoInstant(iso, { second: '2-digit', timeZoneName: 'short' });
}

/** "a, b and c" (or "a, b or c" with `disjunction`) in the UI language. */
export function formatList(
  items: readonly string[],
  type: 'conjunction' | 'disjunction' = 'conjunction',
): string {
  return new Intl.ListFormat(formattingLocale(), { type }).format(items);
}

/** What joins a label to its value in the UI language: ": ", " : " in French, "：" in Chinese. */
export function labelSeparator(): string {
  return i18next.t('common.labelSeparator');
}

/** "Label: value", with the UI language's colon (labelSeparator). */
export function labelled(label: string, value: string): string {
  return `${label}${labelSeparator()}${value}`;
}
