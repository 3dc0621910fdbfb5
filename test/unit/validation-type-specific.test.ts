import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RequestContent } from '../../src/core/request/draft.ts';
import {
  completePreservationDraft,
  findingsOfRule,
  validateWithFixture,
} from '../helpers/catalogue-fixture.ts';

function summarize(draft: RequestContent, rule: string) {
  return findingsOfRule(validateWithFixture(draft), rule).map((finding) => [
    finding.severity,
    finding.element,
    finding.article,
    finding.message,
  ]);
}

const preservation = (changes: Partial<RequestContent>): RequestContent => ({
  ...completePreservationDraft(),
  ...changes,
});

describe('validation: emergency-justification-missing (Art. 2(o))', () => {
  it('blocks an emergency without justification', () => {
    assert.deepEqual(
      summarize(
        preservation({ urgency: { level: 'emergency', justification: ' ' } }),
        'emergency-justification-missing',
      ),
      [['blocking', 'urgency.justification', 'Art. 2(o)', 'An emergency must be justified.']],
    );
  });

  it('accepts a justified emergency, and an urgent request without justification', () => {
    const justified = preservation({
      urgency: { level: 'emergency', justification: 'A child is at risk of harm tonight.' },
    });
    assert.deepEqual(validateWithFixture(justified), []);
    assert.deepEqual(
      summarize(preservation({ urgency: { level: 'urgent' } }), 'emergency-justification-missing'),
      [],
    );
  });
});

describe('validation: preservation-period-too-short (Art. 42(8))', () => {
  it('blocks 59 days', () => {
    assert.deepEqual(summarize(preservation({ preservationDays: 59 }), 'preservation-period-too-short'), [
      ['blocking', 'preservationDays', 'Art. 42(8)', 'Preservation for 59 days is less than 60.'],
    ]);
  });

  it('accepts 60 days', () => {
    assert.deepEqual(validateWithFixture(preservation({ preservationDays: 60 })), []);
  });

  it('does not apply to other types', () => {
    assert.deepEqual(
      summarize({ ...preservation({ preservationDays: 10 }), type: 'mla' }, 'preservation-period-too-short'),
      [],
    );
  });
});

describe('validation: collection-period-too-long (Arts. 45, 24(2))', () => {
  const collection = (type: RequestContent['type'], from: string, to: string): RequestContent => ({
    type,
    collectionPeriod: { from, to, justification: 'The suspects connect daily.' },
  });

  it('warns about 91 days of real-time collection', () => {
    assert.deepEqual(
      summarize(collection('real-time-traffic', '2027-01-01', '2027-04-01'), 'collection-period-too-long'),
      [['warning', 'collectionPeriod', 'Art. 24(2)', 'Collection over 91 days exceeds 90: justify it.']],
    );
  });

  it('accepts 90 days counted with both ends (1 January to 31 March)', () => {
    assert.deepEqual(
      summarize(collection('interception', '2027-01-01', '2027-03-31'), 'collection-period-too-long'),
      [],
    );
  });

  it('warns for interception too, and not for a stored-data request', () => {
    assert.equal(
      summarize(collection('interception', '2027-01-01', '2027-12-31'), 'collection-period-too-long').length,
      1,
    );
    assert.deepEqual(
      summarize(collection('stored-data', '2027-01-01', '2027-12-31'), 'collection-period-too-long'),
      [],
    );
  });
});

describe('validation: confidentiality-without-end (Art. 40(20))', () => {
  it('warns when confidentiality has no end date', () => {
    assert.deepEqual(
      summarize(preservation({ confidentiality: { isRequired: true } }), 'confidentiality-without-end'),
      [['warning', 'confidentiality.until', 'Art. 40(20)', 'Confidentiality should have an end date.']],
    );
  });

  it('does not warn when confidentiality has an end date or is not asked for', () => {
    assert.deepEqual(
      validateWithFixture(preservation({ confidentiality: { isRequired: true, until: '2027-01-01' } })),
      [],
    );
    assert.deepEqual(validateWithFixture(preservation({ confidentiality: { isRequired: false } })), []);
  });
});

describe('validation: deadline-without-reasons (Art. 40(25))', () => {
  it('warns about a deadline without reasons', () => {
    assert.deepEqual(
      summarize(preservation({ suggestedDeadline: { date: '2027-01-15' } }), 'deadline-without-reasons'),
      [['warning', 'suggestedDeadline.reasons', 'Art. 40(25)', 'A suggested deadline needs reasons.']],
    );
  });

  it('accepts a deadline with reasons', () => {
    const draft = preservation({
      suggestedDeadline: { date: '2027-01-15', reasons: 'Trial opens on 20 January.' },
    });
    assert.deepEqual(validateWithFixture(draft), []);
  });
});

describe('validation: enforcement-needs-final-order (Art. 50)', () => {
  const enforcement = (order: NonNullable<RequestContent['confiscation']>['order']): RequestContent => ({
    type: 'confiscation',
    requestingAuthority: { state: 'GB', name: 'Crown Prosecution Service' },
    confiscation: { measure: 'enforce-order', property: [{ description: 'Bank account' }], order },
  });

  it('blocks enforcement of an order that is not final', () => {
    assert.deepEqual(
      summarize(enforcement({ reference: 'CO-1', isFinal: false }), 'enforcement-needs-final-order'),
      [['blocking', 'confiscation.order', 'Art. 50', 'Enforcement needs a final order.']],
    );
  });

  it('blocks enforcement without an order reference', () => {
    assert.equal(summarize(enforcement({ isFinal: true }), 'enforcement-needs-final-order').length, 1);
  });

  it('accepts enforcement of a final order', () => {
    assert.deepEqual(validateWithFixture(enforcement({ reference: 'CO-1', isFinal: true })), []);
  });

  it('does not ask for an order when freezing', () => {
    const draft = enforcement(undefined);
    const freezing = { ...draft, confiscation: { ...draft.confiscation, measure: 'freeze-seize' as const } };
    assert.deepEqual(summarize(freezing, 'enforcement-needs-final-order'), []);
  });
});
