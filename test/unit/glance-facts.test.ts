/**
 * A received request at a glance (web/src/pages/draft/glance-facts.ts): what its type turns on is
 * among the first facts its reader sees, not only in the request in full.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RequestContent } from '../../src/core/request/draft.ts';
import { type GlanceFact, typeFacts } from '../../web/src/pages/draft/glance-facts.ts';

const NAMES = {
  state: (code: string) => `<${code}>`,
  day: (day: string | undefined) => (day ? `[${day}]` : ''),
};
const t = (key: string, options?: Record<string, unknown>) =>
  options && Object.keys(options).length > 0 ? `${key}${JSON.stringify(options)}` : key;

function factsOf(content: RequestContent): Array<[string, string, string]> {
  return typeFacts(content, NAMES, t)
    .filter((fact): fact is GlanceFact => fact !== undefined)
    .map((fact) => [fact.testId, fact.label, fact.value]);
}

describe('a received request at a glance: what its type turns on', () => {
  it('an extradition: whom it seeks, on which warrant, and whether provisional arrest is sought', () => {
    assert.deepEqual(
      factsOf({
        type: 'extradition',
        persons: [
          { role: 'person-sought', name: 'J. Doe', nationality: 'BR' },
          { role: 'witness', name: 'A. Witness' },
        ],
        extradition: {
          warrant: {
            kind: 'arrest-warrant',
            reference: 'W-12',
            issuedBy: 'Federal Court',
            date: '2026-11-02',
          },
          isProvisionalArrestSought: true,
        },
      }),
      [
        ['glance-person-sought', 'glance.personSought', 'J. Doe — <BR>'],
        [
          'glance-warrant',
          'glance.warrant',
          'warrantKind.arrest-warrant — W-12 — Federal Court — [2026-11-02]',
        ],
        ['glance-provisional-arrest', 'glance.provisionalArrest', 'glance.provisionalArrestSought'],
      ],
    );
  });

  it('spontaneous information: what is shared and the conditions that bind its use, cut when long', () => {
    const long = 'x'.repeat(400);
    const facts = factsOf({
      type: 'spontaneous-information',
      information: { description: long, conditionsOfUse: 'Only for the investigation of the botnet.' },
    });
    assert.deepEqual(
      facts.map(([testId]) => testId),
      ['glance-information', 'glance-conditions-of-use'],
    );
    assert.equal(facts[0]?.[2], `${'x'.repeat(280)}…`);
    assert.equal(facts[1]?.[2], 'Only for the investigation of the botnet.');
  });

  it('a joint investigation: its States and its period; a confiscation: its measure; assistance asked', () => {
    assert.deepEqual(
      factsOf({
        type: 'joint-investigation',
        jointInvestigation: {
          participatingStates: ['DE', 'FR'],
          period: { from: '2027-01-01', to: '2027-06-30' },
        },
      }).map(([, , value]) => value),
      ['<DE>, <FR>', 'glance.period{"from":"[2027-01-01]","to":"[2027-06-30]"}'],
    );
    assert.deepEqual(factsOf({ type: 'confiscation', confiscation: { measure: 'freeze-seize' } }), [
      ['glance-confiscation-measure', 'glance.confiscationMeasure', 'confiscationMeasure.freeze-seize'],
    ]);
    assert.deepEqual(factsOf({ type: 'mla', assistanceSought: 'Hear a witness.' }), [
      ['glance-assistance-sought', 'glance.assistanceSought', 'Hear a witness.'],
    ]);
  });

  it('says when provisional arrest is not sought, and nothing when the request does not say', () => {
    const ofArrest = (isProvisionalArrestSought?: boolean) =>
      factsOf({
        type: 'extradition',
        extradition: isProvisionalArrestSought === undefined ? {} : { isProvisionalArrestSought },
      });
    assert.deepEqual(ofArrest(false), [
      ['glance-provisional-arrest', 'glance.provisionalArrest', 'glance.provisionalArrestNot'],
    ]);
    assert.deepEqual(ofArrest(), []);
  });

  it('says nothing of what a request does not hold', () => {
    assert.deepEqual(
      factsOf({ type: 'extradition', persons: [{ role: 'witness', name: 'A. Witness' }] }),
      [],
    );
    assert.deepEqual(factsOf({ type: 'preservation' }), []);
  });
});
