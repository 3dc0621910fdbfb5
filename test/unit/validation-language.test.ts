import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RequestContent } from '../../src/core/request/draft.ts';
import { directoryViewOf } from '../../src/core/directory/directory-view.ts';
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
        'State FR does not accept Spanish (es); it accepts French (fr), English (en).',
      ],
    ]);
  });

  it('accepts fr-CA where the State accepts "fr"', () => {
    assert.deepEqual(summarize({ language: 'fr-CA' }), []);
  });

  it('names the State and the languages in the finding language', () => {
    const findings = validateWithFixture({ ...completePreservationDraft(), language: 'es' }, 'fr');
    assert.equal(
      findings[0]?.message,
      '[fr] [fr] State FR does not accept espagnol (es); it accepts français (fr), anglais (en).',
    );
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

describe('validation: the languages a node declares, where the State notified none (Art. 40(14))', () => {
  const toItaly = (changes: Partial<RequestContent>) =>
    summarize({
      requestedAuthority: { state: 'IT' },
      custodian: { name: 'X', kind: 'service-provider', state: 'IT' },
      ...changes,
    });

  it('needs no advice for a request in a language the receiving node reads', () => {
    assert.deepEqual(toItaly({ language: 'en' }), []);
    assert.deepEqual(toItaly({ language: 'it-CH' }), []);
  });

  it('warns, without blocking, of a request in a language the receiving node does not declare', () => {
    assert.deepEqual(toItaly({ language: 'fr' }), [
      [
        'language-not-read-by-node',
        'warning',
        'language',
        'Art. 40(14)',
        'The node of State IT reads Italian (it), English (en), not French (fr).',
      ],
    ]);
  });

  it("reads the node of the request type's authority: Italy's central authority reads Italian only", () => {
    const mla = validateDraft(
      { type: 'mla', requestedAuthority: { state: 'IT' }, language: 'en' },
      fixtureCatalogue(),
      fixtureDirectory(),
      'en',
    );
    assert.deepEqual(
      findingsOfRule(mla, 'language-not-read-by-node').map((finding) => finding.message),
      ['The node of State IT reads Italian (it), not English (en).'],
    );
    assert.deepEqual(findingsOfRule(mla, 'language-acceptance-unknown'), []);
  });

  it('lets the notified languages decide over what a node declares', () => {
    const notified = directoryViewOf([
      {
        code: 'IT',
        kind: 'state',
        names: { ar: 'IT', zh: 'IT', en: 'State IT', fr: 'IT', ru: 'IT', es: 'IT' },
        acceptedLanguages: ['it'],
        nodeLanguages: { 'point-of-contact': ['it', 'en'] },
        timeZone: undefined,
      },
    ]);
    const draft = { ...completePreservationDraft(), requestedAuthority: { state: 'IT' }, language: 'en' };
    const rules = validateDraft(draft, fixtureCatalogue(), notified, 'en').map((finding) => finding.rule);
    assert.ok(rules.includes('language-not-accepted'));
    assert.ok(!rules.includes('language-not-read-by-node'));
  });

  it('tells both States, once the request has left, that it is not in a language the receiving node reads', () => {
    const draft = { ...completePreservationDraft(), requestedAuthority: { state: 'IT' }, language: 'fr' };
    const received = validateDraft(draft, fixtureCatalogue(), fixtureDirectory(), 'en', { isSent: true });
    // No advice to check before sending: a fact for the requested State, which may ask for a translation.
    assert.deepEqual(findingsOfRule(received, 'language-not-read-by-node'), []);
    assert.deepEqual(
      findingsOfRule(received, 'language-sent-not-read-by-node').map((finding) => [
        finding.severity,
        finding.element,
        finding.message,
      ]),
      [
        [
          'warning',
          'language',
          'This request is in French (fr); the node of State IT reads Italian (it), English (en).',
        ],
      ],
    );
    // In a language the node reads, nothing is said.
    const readable = validateDraft(
      { ...draft, language: 'en' },
      fixtureCatalogue(),
      fixtureDirectory(),
      'en',
      {
        isSent: true,
      },
    );
    assert.deepEqual(findingsOfRule(readable, 'language-sent-not-read-by-node'), []);
  });
});
