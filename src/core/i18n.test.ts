import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatMessage, negotiateLocale } from './i18n.ts';

describe('formatMessage', () => {
  it('fills placeholders and leaves unknown ones', () => {
    assert.equal(
      formatMessage('{element} missing ({article}) {other}', {
        element: 'Custodian',
        article: 'Art. 42(3)(d)',
      }),
      'Custodian missing (Art. 42(3)(d)) {other}',
    );
  });

  it('isolates inserted values for right-to-left messages so citations keep their order', () => {
    const message = formatMessage(
      'العنصر مفقود ({article})',
      { article: 'Art. 42(3)(d)' },
      { isolateValues: true },
    );
    assert.equal(message, 'العنصر مفقود (\u2068Art. 42(3)(d)\u2069)');
  });
});

describe('negotiateLocale', () => {
  it('picks the best supported language by quality', () => {
    assert.equal(negotiateLocale('de-DE,fr;q=0.8,ar;q=0.9'), 'ar');
    assert.equal(negotiateLocale('zh-CN'), 'zh');
  });

  it('falls back to English for unsupported or malformed headers', () => {
    assert.equal(negotiateLocale('de, it;q=0.5'), 'en');
    assert.equal(negotiateLocale(';;q=x'), 'en');
    assert.equal(negotiateLocale(undefined), 'en');
  });
});
