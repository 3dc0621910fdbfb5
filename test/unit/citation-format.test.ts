import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatCitation, formatCitationIn } from '../../src/core/catalogue/catalogue.ts';

describe('article citations in each UI language', () => {
  const full = { article: 42, paragraph: '3(b)' };
  const article = { article: 7 };

  it('cites in English as the API gives it', () => {
    assert.equal(formatCitation(full), 'Art. 42(3)(b)');
    assert.equal(formatCitationIn(full, 'en'), 'Art. 42(3)(b)');
  });

  it('cites in Arabic with المادة and the reference as a left-to-right isolate', () => {
    assert.equal(formatCitationIn(full, 'ar'), 'المادة \u206642(3)(b)\u2069');
    assert.equal(formatCitationIn(article, 'ar'), 'المادة \u20667\u2069');
  });

  it('cites in Chinese as 第…条 with the paragraph after', () => {
    assert.equal(formatCitationIn(full, 'zh'), '第42条(3)(b)');
    assert.equal(formatCitationIn(article, 'zh'), '第7条');
  });

  it('cites in French, Russian and Spanish', () => {
    assert.equal(formatCitationIn(full, 'fr'), 'art. 42(3)(b)');
    assert.equal(formatCitationIn(full, 'ru'), 'Ст. 42(3)(b)');
    assert.equal(formatCitationIn(article, 'es'), 'art. 7');
  });
});
