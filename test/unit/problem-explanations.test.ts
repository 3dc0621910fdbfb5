/**
 * Every problem a person can meet has, besides its title, an explanation of what to do in the six
 * UI languages (web/src/i18n/sections/lawyer2, read by the UI's ProblemAlert): the node's English
 * `detail` is only shown folded, as technical details, so a code without an explanation would
 * leave a French or Arabic reader with a title alone.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { LIMIT_UNITS, VALIDATION_CODES } from '../../src/core/field-codes.ts';
import { LOCALES } from '../../src/core/i18n.ts';
import { PROBLEM_TITLES } from '../../src/http/problem-titles.ts';

const SCRIPTS = { ar: /[\u0600-\u06FF]/, zh: /[\u4E00-\u9FFF]/, ru: /[\u0400-\u04FF]/ } as const;
const section = path.resolve(import.meta.dirname, '..', '..', 'web', 'src', 'i18n', 'sections', 'lawyer2');

function explanations(locale: string): Record<string, unknown> {
  const catalogue = JSON.parse(readFileSync(path.join(section, `${locale}.json`), 'utf8')) as {
    problem?: Record<string, unknown>;
  };
  return catalogue.problem ?? {};
}

const byLocale = Object.fromEntries(LOCALES.map((locale) => [locale, explanations(locale)]));
// Failures the UI meets without a problem code of the node: no answer, or an unknown problem type.
const CODES = [...Object.keys(PROBLEM_TITLES), 'network', 'unknown'];

describe('problem explanations', () => {
  for (const code of CODES) {
    it(`${code} is explained in every UI language`, () => {
      const english = byLocale.en?.[code];
      for (const locale of LOCALES) {
        const text = byLocale[locale]?.[code];
        assert.equal(typeof text, 'string', `${code} has no explanation in ${locale}`);
        assert.ok((text as string).trim().length > 0, `${code} ${locale} is empty`);
        if (locale !== 'en') assert.notEqual(text, english, `${code} ${locale} is the English explanation`);
        if (locale in SCRIPTS)
          assert.match(text as string, SCRIPTS[locale as keyof typeof SCRIPTS], `${code} ${locale}`);
      }
    });
  }
  it('explains no code the node does not have', () => {
    for (const code of Object.keys(byLocale.en ?? {})) assert.ok(CODES.includes(code), code);
  });
});

describe('field errors', () => {
  const fieldErrors = (locale: string): Record<string, unknown> => {
    const file = path.resolve(section, '..', 'a11y', `${locale}.json`);
    return (
      (JSON.parse(readFileSync(file, 'utf8')) as { fieldError?: Record<string, unknown> }).fieldError ?? {}
    );
  };
  // The words of each code, with the value a code carries where the message needs it.
  const PLACEHOLDERS: Readonly<Record<string, string>> = {
    'too-small-limit': '{{limit}}',
    'too-big-limit': '{{limit}}',
    'too-small-characters': '{{limit}}',
    'too-big-characters': '{{limit}}',
    'too-small-items': '{{limit}}',
    'too-big-items': '{{limit}}',
    'too-small-value': '{{limit}}',
    'too-big-value': '{{limit}}',
    'too-early': '{{date}}',
    'too-late': '{{date}}',
  };
  const keys = [
    ...VALIDATION_CODES,
    ...['too-small', 'too-big'].flatMap((code) => ['limit', ...LIMIT_UNITS].map((unit) => `${code}-${unit}`)),
  ];

  for (const locale of LOCALES) {
    it(`every code of a refused field is worded in ${locale}, with its limit or date`, () => {
      const words = fieldErrors(locale);
      for (const key of keys) {
        const text = words[key];
        assert.equal(typeof text, 'string', `${key} has no words in ${locale}`);
        const placeholder = PLACEHOLDERS[key];
        if (placeholder)
          assert.ok((text as string).includes(placeholder), `${key} ${locale} names ${placeholder}`);
        if (locale !== 'en') assert.notEqual(text, fieldErrors('en')[key], `${key} ${locale} is the English`);
      }
    });
  }
});
