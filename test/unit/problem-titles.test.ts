/**
 * Every problem a person can meet has its title in the six UI languages, written in each
 * language's own words (a title copied from English fails).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LOCALES } from '../../src/core/i18n.ts';
import { PROBLEM_TITLES } from '../../src/http/problem-titles.ts';

const SCRIPTS = { ar: /[\u0600-\u06FF]/, zh: /[\u4E00-\u9FFF]/, ru: /[\u0400-\u04FF]/ } as const;

describe('problem titles', () => {
  for (const [code, titles] of Object.entries(PROBLEM_TITLES)) {
    it(`${code} is translated into every UI language`, () => {
      for (const locale of LOCALES) {
        const title = titles[locale];
        assert.ok(title.trim().length > 0, `${code} ${locale} is empty`);
        if (locale !== 'en') assert.notEqual(title, titles.en, `${code} ${locale} is the English title`);
        if (locale in SCRIPTS)
          assert.match(title, SCRIPTS[locale as keyof typeof SCRIPTS], `${code} ${locale}`);
      }
    });
  }
});
