import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateDraft } from '../../src/core/validation/validate-draft.ts';
import {
  completePreservationDraft,
  findingsOfRule,
  fixtureCatalogue,
  fixtureDirectory,
  PRESERVATION_REQUIRED_ELEMENTS,
  validateWithFixture,
} from '../helpers/catalogue-fixture.ts';

describe('validation: elements of a request type', () => {
  it('reports each required element missing from a bare preservation draft, citing the element', () => {
    const findings = findingsOfRule(
      validateWithFixture({ type: 'preservation' }),
      'required-element-missing',
    );
    assert.deepEqual(
      findings.map((finding) => finding.element),
      [...PRESERVATION_REQUIRED_ELEMENTS],
    );
    assert.ok(findings.every((finding) => finding.severity === 'blocking'));
    const custodian = findings.find((finding) => finding.element === 'custodian');
    assert.equal(custodian?.article, 'Art. 42(3)(d)');
    assert.equal(custodian?.message, 'Missing: label of custodian (Art. 42(3)(d)).');
  });

  it('reports nothing for a complete preservation draft', () => {
    assert.deepEqual(validateWithFixture(completePreservationDraft()), []);
  });

  it('reports a missing custodian alone when only the custodian is missing', () => {
    const findings = validateWithFixture({
      ...completePreservationDraft(),
      custodian: { kind: 'service-provider' },
    });
    assert.deepEqual(
      findings.map((finding) => [finding.rule, finding.severity, finding.element, finding.article]),
      [['required-element-missing', 'blocking', 'custodian', 'Art. 42(3)(d)']],
    );
  });

  it('warns about a where-possible element that is missing, and only warns', () => {
    const draft = { ...completePreservationDraft(), confidentiality: undefined };
    const findings = validateWithFixture(draft);
    assert.deepEqual(
      findings.map((finding) => [finding.rule, finding.severity, finding.element, finding.article]),
      [['element-missing-where-possible', 'warning', 'confidentiality', 'Art. 42(3)(g)']],
    );
  });

  it('reports the same element as not given once the request has left, where both sides read it', () => {
    const draft = { ...completePreservationDraft(), confidentiality: undefined };
    const findings = validateDraft(draft, fixtureCatalogue(), fixtureDirectory(), 'en', { isSent: true });
    assert.deepEqual(
      findings.map((finding) => [
        finding.rule,
        finding.severity,
        finding.element,
        finding.article,
        finding.message,
      ]),
      [
        [
          'element-not-given-where-possible',
          'warning',
          'confidentiality',
          'Art. 42(3)(g)',
          'Not given: label of confidentiality (Art. 42(3)(g)).',
        ],
      ],
    );
  });

  it('still blocks on a required element missing from a request received', () => {
    const draft = { ...completePreservationDraft(), necessity: undefined };
    const findings = validateDraft(draft, fixtureCatalogue(), fixtureDirectory(), 'en', { isSent: true });
    assert.deepEqual(
      findings.map((finding) => [finding.rule, finding.severity, finding.element]),
      [['required-element-missing', 'blocking', 'necessity']],
    );
  });

  it('never reports an optional element (urgency) that is missing', () => {
    const findings = validateWithFixture({ ...completePreservationDraft(), urgency: undefined });
    assert.equal(findings.filter((finding) => finding.element === 'urgency').length, 0);
  });

  it('treats whitespace-only text as missing', () => {
    const findings = validateWithFixture({ ...completePreservationDraft(), necessity: '   ' });
    assert.deepEqual(
      findings.map((finding) => [finding.rule, finding.element, finding.article]),
      [['required-element-missing', 'necessity', 'Art. 42(3)(e)']],
    );
  });

  it('skips element checks for a type the catalogue does not describe', () => {
    assert.deepEqual(validateWithFixture({ type: 'police-cooperation' }), []);
  });
});
