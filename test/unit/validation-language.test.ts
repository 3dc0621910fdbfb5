import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RequestContent } from '../../src/core/request/draft.ts';
import { validateDraft } from '../../src/core/validation/validate-draft.ts';
import {
  completePreservationDraft,
  findingsOfRule,
  fixtureCatalogue,
  fixtureDirectory,
  validateWithFixture,
} from '../helpers/catalogue-fixture.ts';

function summarize(changes: Partial<RequestContent>) {
  return (
    validateWithFixture({ ...completePreservationDraft(), ...changes })
      // The fixture's custodian is in France; where it is against the requested State is checked elsewhere.
      .filter(
        (finding) =>
          finding.rule !== 'element-missing-where-possible' &&
          finding.rule !== 'custodian-outside-requested-state',
      )
      .map((finding) => [finding.rule, finding.severity, finding.element, finding.article, finding.message])
  );
}

describe('validation: requested State (Art. 40(13))', () => {
  it('blocks a requested State the directory does not know', () => {
    assert.deepEqual(summarize({ requestedAuthority: { state: 'XX' } }), [
      [
        'requested-state-unknown',
        'blocking',
        'requestedAuthority.state',
        'Art. 40(13)',
        'State XX is not in the directory.',
      ],
    ]);
  });

  it('accepts a known State written in lower case', () => {
    assert.deepEqual(summarize({ requestedAuthority: { state: 'fr' } }), []);
  });
});

describe('validation: language of the request (Art. 40(14))', () => {
  it('blocks a language the requested State does not accept', () => {
    assert.deepEqual(summarize({ language: 'es' }), [
      [
        'language-not-accepted',
        'blocking',
        'language',
        'Art. 40(14)',
        'State FR does not accept es; it accepts fr, en.',
      ],
    ]);
  });

  it('accepts fr-CA where the State accepts "fr"', () => {
    assert.deepEqual(summarize({ language: 'fr-CA' }), []);
  });

  it('names the State in the finding language', () => {
    const findings = validateWithFixture({ ...completePreservationDraft(), language: 'es' }, 'fr');
    assert.equal(findings[0]?.message, '[fr] [fr] State FR does not accept es; it accepts fr, en.');
  });

  it('warns that the accepted languages are unknown when the directory does not list them', () => {
    assert.deepEqual(summarize({ requestedAuthority: { state: 'DE' } }), [
      [
        'language-acceptance-unknown',
        'warning',
        'language',
        'Art. 40(14)',
        'Languages accepted by State DE are not known.',
      ],
    ]);
    assert.deepEqual(
      summarize({ requestedAuthority: { state: 'BR' } }).map(([rule]) => rule),
      ['language-acceptance-unknown'],
    );
  });

  it('does not tell the State that received a request to check its own languages before sending', () => {
    const draft = { ...completePreservationDraft(), requestedAuthority: { state: 'DE' } };
    const received = validateDraft(draft, fixtureCatalogue(), fixtureDirectory(), 'en', { isSent: true });
    assert.deepEqual(findingsOfRule(received, 'language-acceptance-unknown'), []);
  });

  it('does not warn about languages when the State lists them', () => {
    assert.deepEqual(summarize({ requestedAuthority: { state: 'GB' } }), []);
  });
});
