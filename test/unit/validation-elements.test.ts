import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  completePreservationDraft,
  findingsOfRule,
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
