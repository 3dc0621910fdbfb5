/**
 * A language's name with its tag, in the UI language (src/core/i18n.ts, languageNameOf): findings
 * about the language of a request name languages as the form's picker does, not by code alone.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { languageNameOf } from '../../src/core/i18n.ts';

describe("a language's name with its tag, in the UI language", () => {
  it('names a language, and a regional variant, in each language', () => {
    assert.equal(languageNameOf('en', 'en'), 'English (en)');
    assert.equal(languageNameOf('es', 'fr'), 'espagnol (es)');
    assert.equal(languageNameOf('de', 'es'), 'alemán (de)');
    assert.equal(languageNameOf('fr-CA', 'en'), 'Canadian French (fr-CA)');
    assert.equal(languageNameOf('en', 'zh'), '英语 (en)');
    assert.equal(languageNameOf('ru', 'ar'), 'الروسية (ru)');
  });

  it('keeps the tag alone when it names no language, or is not a tag', () => {
    assert.equal(languageNameOf('qqq', 'en'), 'qqq');
    assert.equal(languageNameOf('not a tag', 'en'), 'not a tag');
  });
});
