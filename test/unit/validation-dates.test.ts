import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RequestContent } from '../../src/core/request/draft.ts';
import {
  completePreservationDraft,
  findingsOfRule,
  validateWithFixture,
} from '../helpers/catalogue-fixture.ts';

function dateFindings(changes: Partial<RequestContent>) {
  return findingsOfRule(
    validateWithFixture({ ...completePreservationDraft(), ...changes }),
    'date-invalid',
  ).map((finding) => [finding.severity, finding.element, finding.article, finding.message]);
}

describe('validation: date-invalid (Art. 40(15)(f))', () => {
  it('blocks a date that does not exist', () => {
    assert.deepEqual(dateFindings({ persons: [{ name: 'J. Doe', dateOfBirth: '1990-02-30' }] }), [
      [
        'blocking',
        'persons[0].dateOfBirth',
        'Art. 40(15)(f)',
        'The date persons[0].dateOfBirth (1990-02-30) is not valid.',
      ],
    ]);
  });

  it('accepts 29 February in a leap year and blocks it otherwise', () => {
    assert.deepEqual(dateFindings({ persons: [{ name: 'J. Doe', dateOfBirth: '2000-02-29' }] }), []);
    assert.equal(dateFindings({ persons: [{ name: 'J. Doe', dateOfBirth: '1900-02-29' }] }).length, 1);
  });

  it('blocks a date in another format', () => {
    assert.deepEqual(dateFindings({ suggestedDeadline: { date: '31/12/2026', reasons: 'trial' } }), [
      [
        'blocking',
        'suggestedDeadline.date',
        'Art. 40(15)(f)',
        'The date suggestedDeadline.date (31/12/2026) is not valid.',
      ],
    ]);
  });

  it("checks every date field of the draft, in the order of the type's elements", () => {
    const findings = dateFindings({
      dataSought: {
        description: 'logs',
        relationToOffence: 'sent the invoices',
        period: { from: '2026-13-01', to: '2026-11-01' },
      },
      confidentiality: { isRequired: true, until: '2027-04-31' },
      extradition: { warrant: { reference: 'W-1', date: '2026-00-10' } },
      confiscation: { order: { reference: 'O-1', date: 'x' } },
      jointInvestigation: { period: { from: '2026-01-01', to: '2026-02-30' } },
      collectionPeriod: { from: '2026-1-1', to: '2026-01-31', justification: 'x' },
      requestDate: '32/13/2026',
      validatingAuthority: { name: 'Investigating judge', decisionDate: '2026-02-29' },
    });
    assert.deepEqual(
      findings.map(([, element]) => element),
      [
        'dataSought.period.from',
        'confidentiality.until',
        'collectionPeriod.from',
        'extradition.warrant.date',
        'confiscation.order.date',
        'jointInvestigation.period.to',
        'requestDate',
        'validatingAuthority.decisionDate',
      ],
    );
  });

  it('blocks a period whose start comes after its end, at its end, naming both dates', () => {
    const dataSought = {
      description: 'logs',
      relationToOffence: 'x',
      period: { from: '2026-11-02', to: '2026-11-01' },
    };
    assert.deepEqual(dateFindings({ dataSought }), []);
    assert.deepEqual(
      findingsOfRule(
        validateWithFixture({ ...completePreservationDraft(), dataSought }),
        'period-reversed',
      ).map((finding) => [finding.severity, finding.element, finding.message]),
      [['blocking', 'dataSought.period.to', 'The period ends on 1 Nov 2026, before 2 Nov 2026.']],
    );
  });

  it('leaves a period with a date that does not exist to date-invalid alone', () => {
    const findings = validateWithFixture({
      ...completePreservationDraft(),
      collectionPeriod: { from: '2026-12-40', to: '2026-01-01', justification: 'x' },
    });
    assert.deepEqual(findingsOfRule(findings, 'period-reversed'), []);
    assert.equal(findingsOfRule(findings, 'date-invalid').length, 1);
  });

  it('accepts a one-day period', () => {
    const dataSought = {
      description: 'logs',
      relationToOffence: 'x',
      period: { from: '2026-11-01', to: '2026-11-01' },
    };
    assert.deepEqual(dateFindings({ dataSought }), []);
  });

  it('treats an empty date as missing, not invalid', () => {
    assert.deepEqual(dateFindings({ persons: [{ name: 'J. Doe', dateOfBirth: '' }] }), []);
  });
});
