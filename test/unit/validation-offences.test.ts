import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RequestContent } from '../../src/core/request/draft.ts';
import {
  completePreservationDraft,
  findingsOfRule,
  validateWithFixture,
} from '../helpers/catalogue-fixture.ts';

type Offence = NonNullable<RequestContent['offences']>[number];

function findingsForOffence(offence: Offence, type: RequestContent['type'] = 'preservation') {
  return validateWithFixture({ ...completePreservationDraft(), type, offences: [offence] });
}

function summarize(findings: ReturnType<typeof validateWithFixture>, rule: string) {
  return findingsOfRule(findings, rule).map((finding) => [
    finding.severity,
    finding.element,
    finding.article,
    finding.message,
  ]);
}

describe('validation: offence in scope (Art. 35(1), Art. 2(h))', () => {
  it('accepts a Convention offence (Art. 13) without any penalty', () => {
    assert.deepEqual(findingsForOffence({ conventionArticle: 13 }), []);
  });

  it('accepts Arts. 7 and 17, the ends of the range', () => {
    assert.deepEqual(findingsForOffence({ conventionArticle: 7 }), []);
    assert.deepEqual(findingsForOffence({ conventionArticle: 17 }), []);
  });

  it('blocks a domestic offence punishable by 3 years as out of scope', () => {
    const findings = findingsForOffence({ domesticProvision: 'Penal Code s. 12', maximumPenaltyYears: 3 });
    assert.deepEqual(summarize(findings, 'offence-out-of-scope'), [
      ['blocking', 'offences[0]', 'Art. 35(1)', 'Offence Penal Code s. 12 is outside the Convention.'],
    ]);
  });

  it('accepts a domestic offence punishable by 4 years (a serious crime)', () => {
    assert.deepEqual(
      findingsForOffence({ domesticProvision: 'Penal Code s. 12', maximumPenaltyYears: 4 }),
      [],
    );
  });

  it('accepts a domestic offence carrying life imprisonment', () => {
    assert.deepEqual(
      findingsForOffence({ domesticProvision: 'Penal Code s. 1', isLifeImprisonment: true }),
      [],
    );
  });

  it('blocks an article outside 7..17 without a qualifying penalty, labelled by its article', () => {
    const findings = findingsForOffence({ conventionArticle: 18, maximumPenaltyYears: 2 });
    assert.deepEqual(summarize(findings, 'offence-out-of-scope'), [
      ['blocking', 'offences[0]', 'Art. 35(1)', 'Offence Art. 18 is outside the Convention.'],
    ]);
  });

  it('asks for the penalty of a domestic offence that has none, instead of calling it out of scope', () => {
    const findings = validateWithFixture({
      ...completePreservationDraft(),
      offences: [{ conventionArticle: 9 }, { description: 'Extortion by threats sent by e-mail' }],
    });
    assert.deepEqual(summarize(findings, 'offence-penalty-missing'), [
      ['blocking', 'offences[1]', 'Art. 2(h)', 'Offence #2 needs its maximum penalty.'],
    ]);
    assert.equal(findingsOfRule(findings, 'offence-out-of-scope').length, 0);
  });

  it('does not ask for a penalty when the offence is a Convention offence', () => {
    assert.equal(
      findingsOfRule(findingsForOffence({ conventionArticle: 14 }), 'offence-penalty-missing').length,
      0,
    );
  });

  it('ignores a blank offence row', () => {
    const findings = validateWithFixture({
      ...completePreservationDraft(),
      offences: [{ conventionArticle: 13 }, {}],
    });
    assert.deepEqual(findings, []);
  });
});

describe('validation: extradition penalty threshold (Art. 37(1))', () => {
  it('blocks extradition for an offence punishable by half a year', () => {
    const findings = findingsForOffence({ conventionArticle: 7, maximumPenaltyYears: 0.5 }, 'extradition');
    assert.deepEqual(summarize(findings, 'extradition-penalty-below-threshold'), [
      [
        'blocking',
        'offences[0].maximumPenaltyYears',
        'Art. 37(1)',
        'Offence Art. 7 is punishable by less than 1 year.',
      ],
    ]);
  });

  it('accepts extradition for an offence punishable by exactly one year', () => {
    const findings = findingsForOffence({ conventionArticle: 7, maximumPenaltyYears: 1 }, 'extradition');
    assert.equal(findingsOfRule(findings, 'extradition-penalty-below-threshold').length, 0);
  });

  it('accepts extradition for life imprisonment whatever the years say', () => {
    const findings = findingsForOffence(
      { conventionArticle: 7, maximumPenaltyYears: 0, isLifeImprisonment: true },
      'extradition',
    );
    assert.equal(findingsOfRule(findings, 'extradition-penalty-below-threshold').length, 0);
  });

  it('does not apply the extradition threshold to other request types', () => {
    const findings = findingsForOffence({ conventionArticle: 7, maximumPenaltyYears: 0.5 }, 'preservation');
    assert.equal(findingsOfRule(findings, 'extradition-penalty-below-threshold').length, 0);
  });
});
