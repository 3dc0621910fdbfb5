/**
 * The draft form says what validation finds about one field at that field (web/src/pages/draft):
 * a finding whose `element` is a field path is keyed by the field's JSON pointer, an element id is
 * left to its group, and two findings about one field are said together.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Finding } from '../../src/core/validation/finding.ts';
import { loadCatalogue } from '../../src/data/catalogue/index.ts';
import {
  ABSENCE_RULES,
  fieldFindingsOf,
  fieldIdOf,
  fieldIdOfPointer,
  isAbsenceFinding,
  placeOfPointer,
} from '../../web/src/pages/draft/draft.model.ts';

const catalogue = loadCatalogue();

function finding(element: string, severity: Finding['severity'], message: string): Finding {
  return { rule: 'a-rule', severity, element, article: 'Art. 40(15)', message };
}

describe('draft form: findings at their fields', () => {
  it('keys a field path by its JSON pointer, list indexes included, and leaves element ids to their group', () => {
    const found = fieldFindingsOf([
      finding('requestingAuthority.contactDetails.email', 'warning', 'Not an e-mail address.'),
      finding('offences[1].maximumPenaltyYears', 'blocking', 'Not a number of years.'),
      finding('content.caseReference', 'warning', 'Too long.'),
      finding('custodian', 'blocking', 'Required element missing.'),
    ]);
    assert.deepEqual(
      [...found.entries()],
      [
        [
          '/requestingAuthority/contactDetails/email',
          { message: 'Not an e-mail address.', isBlocking: false },
        ],
        ['/offences/1/maximumPenaltyYears', { message: 'Not a number of years.', isBlocking: true }],
        ['/caseReference', { message: 'Too long.', isBlocking: false }],
      ],
    );
  });

  it('says two findings about one field together, blocking if either blocks', () => {
    const found = fieldFindingsOf([
      finding('verificationContact.phone', 'warning', 'Not in international form.'),
      finding('verificationContact.phone', 'blocking', 'Too long.'),
    ]);
    assert.deepEqual(found.get('/verificationContact/phone'), {
      message: 'Not in international form. Too long.',
      isBlocking: true,
    });
  });
});

describe('draft form: what a new draft has still to write', () => {
  it("names the catalogue's rules that only say an element is absent, and no other", () => {
    const ruleIds = new Set(catalogue.rules.map((rule) => rule.id));
    for (const rule of ABSENCE_RULES) assert.ok(ruleIds.has(rule), `the catalogue has the rule ${rule}`);
    assert.equal(isAbsenceFinding(finding('custodian', 'blocking', 'Required element missing.')), false);
    assert.equal(
      isAbsenceFinding({ ...finding('custodian', 'blocking', 'missing'), rule: 'required-element-missing' }),
      true,
    );
    assert.equal(
      isAbsenceFinding({ ...finding('offences', 'blocking', 'No penalty'), rule: 'offence-penalty-missing' }),
      false,
      'a fault in what was written is not an absence',
    );
  });
});

describe("draft form: a field the node refused, named in the person's words", () => {
  it('places a pointer in its element, and counts a list entry from 1', () => {
    assert.deepEqual(placeOfPointer('/identifiers/1/kind'), { element: 'identifiers', entry: 2 });
    assert.deepEqual(placeOfPointer('/dataSought/period/from'), { element: 'data-period' });
    assert.deepEqual(placeOfPointer('/requestingAuthority/contactDetails/email'), {
      element: 'requesting-authority',
    });
    assert.deepEqual(placeOfPointer('/offences/0/maximumPenaltyYears'), { element: 'offences', entry: 1 });
    assert.equal(placeOfPointer('/nothingKnown'), undefined);
    assert.equal(placeOfPointer(''), undefined);
  });

  it('links the summary to the field by an id made of the same pointer', () => {
    assert.equal(fieldIdOf(['identifiers', 0, 'kind']), fieldIdOfPointer('/identifiers/0/kind'));
    assert.notEqual(fieldIdOf(['identifiers', 0, 'kind']), fieldIdOf(['identifiers', 1, 'kind']));
  });
});
