/**
 * The six official languages of the United Nations, which are the UI languages of Comity.
 * BCP 47 tags; Arabic is written right to left.
 */
export const LOCALES = ['ar', 'zh', 'en', 'fr', 'ru', 'es'] as const;
export type Locale = (typeof LOCALES)[number];

/** A text given in every UI language. */
export type LocalizedText = Readonly<Record<Locale, string>>;

export const DEFAULT_LOCALE: Locale = 'en';

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

export function isRightToLeft(locale: Locale): boolean {
  return locale === 'ar';
}

/**
 * The locale dates, times and numbers are written in, for a UI language: the language with
 * Western digits (0-9), as case references, article numbers and typed dates are written in every
 * language, and a 24-hour clock, as times are typed (`DD/MM/YYYY HH:mm`). English is written as
 * the United Nations write it, the day before the month ("6 Dec 2026, 13:18", "6 December 2026"),
 * as it is typed, not month first with a 12-hour clock ("Dec 6, 2026, 01:18 PM").
 */
export function formattingLocaleOf(locale: Locale): string {
  return `${locale === 'en' ? 'en-GB' : locale}-u-nu-latn-hc-h23`;
}

/**
 * A day written with its month's name: "6 Dec 2026", "6 déc. 2026", "2026年12月6日", "6 ديسمبر 2026".
 * Not `dateStyle: 'medium'`, which writes the same in most languages but is all digits in Arabic
 * ("06/12/2026"), like a typed date; written dates read alike on every screen and language.
 */
export const WRITTEN_DAY: Intl.DateTimeFormatOptions = { year: 'numeric', month: 'short', day: 'numeric' };

/**
 * A day (YYYY-MM-DD) written in `locale` with its month's name; the text itself when it is no day
 * (2026-02-30 is not read as 2 March).
 */
export function writtenDayOf(day: string, locale: Locale): string {
  const date = new Date(`${day.slice(0, 10)}T12:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== day.slice(0, 10)) return day;
  return writtenDayFormatOf(locale).format(date);
}

/**
 * One formatter per language, made once: making an Intl.DateTimeFormat costs far more than using
 * it, and validation writes a day in a finding on every save of a draft that has one.
 */
const writtenDayFormats = new Map<Locale, Intl.DateTimeFormat>();

function writtenDayFormatOf(locale: Locale): Intl.DateTimeFormat {
  let format = writtenDayFormats.get(locale);
  if (!format) {
    format = new Intl.DateTimeFormat(formattingLocaleOf(locale), { ...WRITTEN_DAY, timeZone: 'UTC' });
    writtenDayFormats.set(locale, format);
  }
  return format;
}

/**
 * A language tag (BCP 47) with its name in `locale`, as the platform's CLDR data writes it:
 * "English (en)"; the tag alone when the platform does not name it. Findings name languages so,
 * as the form's language picker does.
 */
export function languageNameOf(tag: string, locale: Locale): string {
  try {
    const name = languageNamesOf(locale).of(tag);
    return name === undefined || name.toLowerCase() === tag.toLowerCase() ? tag : `${name} (${tag})`;
  } catch {
    return tag;
  }
}

/** One Intl.DisplayNames of languages per UI language, made once (as writtenDayFormats). */
const languageNames = new Map<Locale, Intl.DisplayNames>();

function languageNamesOf(locale: Locale): Intl.DisplayNames {
  let names = languageNames.get(locale);
  if (!names) {
    names = new Intl.DisplayNames([formattingLocaleOf(locale)], { type: 'language', fallback: 'code' });
    languageNames.set(locale, names);
  }
  return names;
}

/**
 * A State's name from its ISO 3166 code (or the EU's), in `locale`, as the platform's CLDR data
 * writes it: for where the directory's United Nations names are not at hand (a visitor not signed
 * in). The code itself when the platform does not know it.
 */
export function regionNameOf(code: string, locale: Locale): string {
  const region = code.toUpperCase();
  // ZZ is CLDR's "unknown region", which it names in every language.
  if (!/^[A-Z]{2}$/.test(region) || region === 'ZZ') return code;
  try {
    const name = new Intl.DisplayNames([locale], { type: 'region', fallback: 'none' }).of(region);
    return name ?? code;
  } catch {
    return code;
  }
}

/**
 * Picks the best UI language from an Accept-Language header (RFC 9110 section 12.5.4),
 * falling back to English.
 */
export function negotiateLocale(acceptLanguage: string | undefined): Locale {
  if (!acceptLanguage) return DEFAULT_LOCALE;
  const ranked = acceptLanguage
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().split(';');
      const quality = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return {
        base: tag.trim().toLowerCase().split('-')[0] ?? '',
        q: quality ? Number(quality.slice(2)) : 1,
      };
    })
    .filter((entry) => Number.isFinite(entry.q) && entry.q > 0)
    .sort((a, b) => b.q - a.q);
  return ranked.map((entry) => entry.base).find(isLocale) ?? DEFAULT_LOCALE;
}

/** Unicode FIRST STRONG ISOLATE and POP DIRECTIONAL ISOLATE (UAX #9). */
const FIRST_STRONG_ISOLATE = '\u2068';
const POP_DIRECTIONAL_ISOLATE = '\u2069';

/**
 * Replaces `{name}` placeholders in a message template. Unknown placeholders stay as they are.
 * With `isolateValues` (right-to-left messages), each inserted value is a bidirectional isolate,
 * so a citation such as "Art. 42(3)(b)" or an IP address keeps its own order inside Arabic text.
 */
export function formatMessage(
  template: string,
  values: Readonly<Record<string, string | number>>,
  options: Readonly<{ isolateValues?: boolean }> = {},
): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    if (!(name in values)) return whole;
    const value = String(values[name]);
    return options.isolateValues ? `${FIRST_STRONG_ISOLATE}${value}${POP_DIRECTIONAL_ISOLATE}` : value;
  });
}
