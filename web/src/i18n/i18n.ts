/**
 * The UI languages: the six official languages of the United Nations (src/core/i18n.ts), with
 * Arabic right to left. The chosen language is remembered in localStorage and written to the
 * `lang` and `dir` attributes of <html>, so screen readers, fonts and CSS follow it.
 */
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import {
  formattingLocaleOf,
  isLocale,
  isRightToLeft,
  LOCALES,
  type Locale,
  negotiateLocale,
} from '../../../src/core/i18n.ts';
import { setRequestLanguage } from '../app/api.ts';
import ar from './ar.json';
import en from './en.json';
import es from './es.json';
import fr from './fr.json';
import ru from './ru.json';
import zh from './zh.json';
import elementLabels from 'virtual:element-labels';

export { LOCALES, type Locale, isRightToLeft };

/** Each language named in itself, as a language switch must show it. */
export const NATIVE_LANGUAGE_NAMES: Readonly<Record<Locale, string>> = {
  ar: 'العربية',
  zh: '中文',
  en: 'English',
  fr: 'Français',
  ru: 'Русский',
  es: 'Español',
};

const STORAGE_KEY = 'comity.language';

function readStoredLanguage(): Locale | undefined {
  try {
    const stored = window.localStorage.getItem(STORAGE_KEY);
    return isLocale(stored) ? stored : undefined;
  } catch {
    return undefined;
  }
}

/** The remembered language, else the browser's preferred UN language, else English. */
export function detectInitialLanguage(): Locale {
  return readStoredLanguage() ?? negotiateLocale(navigator.languages.join(','));
}

function writeDocumentLanguage(language: Locale): void {
  document.documentElement.lang = language;
  document.documentElement.dir = isRightToLeft(language) ? 'rtl' : 'ltr';
  setRequestLanguage(language);
}

/** Switches the UI language, remembers it, and updates <html lang dir>. */
export async function applyLanguage(language: Locale): Promise<void> {
  try {
    window.localStorage.setItem(STORAGE_KEY, language);
  } catch {
    // Storage may be disabled; the switch still works for this page.
  }
  writeDocumentLanguage(language);
  await i18next.changeLanguage(language);
}

/**
 * A feature may keep its text in sections of its own, `sections/<section>/<locale>.json`, read
 * under the top-level key `<section>`: screens added side by side do not edit the same file.
 */
const sectionFiles = import.meta.glob<{ default: Record<string, unknown> }>('./sections/*/*.json', {
  eager: true,
});

/**
 * A language's translations: its file, its sections, and under `element` the elements' names
 * from the catalogue (src/core/catalogue/element-labels.ts), the one place they are written.
 */
function withSections(locale: Locale, base: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base, element: elementLabels[locale] };
  for (const [file, module] of Object.entries(sectionFiles)) {
    const match = /\.\/sections\/([\w-]+)\/(\w+)\.json$/.exec(file);
    if (match?.[2] === locale && match[1]) merged[match[1]] = module.default;
  }
  return merged;
}

const baseResources = { ar, zh, en, fr, ru, es } as const;
export const resources = Object.fromEntries(
  LOCALES.map((locale) => [locale, withSections(locale, baseResources[locale])]),
) as Record<Locale, Record<string, unknown>>;

/** Starts i18next in the detected language; call once before rendering. */
export async function initI18n(): Promise<Locale> {
  const language = detectInitialLanguage();
  writeDocumentLanguage(language);
  await i18next.use(initReactI18next).init({
    resources: Object.fromEntries(LOCALES.map((locale) => [locale, { translation: resources[locale] }])),
    lng: language,
    fallbackLng: 'en',
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  return language;
}

/** The current UI language as a Locale. */
export function currentLanguage(): Locale {
  const language = i18next.language;
  return isLocale(language) ? language : 'en';
}

/**
 * The locale to format dates and numbers with: the UI language in Western digits (0-9) and a
 * 24-hour clock, English day first (src/core/i18n.ts, formattingLocaleOf). Case references, article
 * numbers, typed dates and the formal document (src/document) are in Western digits, as in the
 * Convention's Arabic text, so written dates and counts are too: an Arabic screen then shows one
 * set of digits, not two; and a date reads on the screen as it is typed in the form.
 */
export function formattingLocale(): string {
  return formattingLocaleOf(currentLanguage());
}
