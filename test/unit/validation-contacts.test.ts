import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ContactDetails, RequestContent } from '../../src/core/request/draft.ts';
import { validateDraft } from '../../src/core/validation/validate-draft.ts';
import { loadCatalogue } from '../../src/data/catalogue/index.ts';
import {
  completePreservationDraft,
  findingsOfRule,
  fixtureDirectory,
  validateWithFixture,
} from '../helpers/catalogue-fixture.ts';

const RULE = 'contact-detail-malformed';

function withContacts(contacts: {
  requesting?: ContactDetails;
  requested?: ContactDetails;
  verification?: ContactDetails;
}): RequestContent {
  const draft = completePreservationDraft();
  return {
    ...draft,
    requestingAuthority: { ...draft.requestingAuthority, contactDetails: contacts.requesting },
    requestedAuthority: { ...draft.requestedAuthority, contactDetails: contacts.requested },
    verificationContact: contacts.verification,
  };
}

/** The rule's findings as [severity, element, message], by element. */
function contactFindings(draft: RequestContent): Array<[string, string, string]> {
  return findingsOfRule(validateWithFixture(draft), RULE)
    .map((finding): [string, string, string] => [finding.severity, finding.element, finding.message])
    .sort(byElement);
}

function byElement(a: readonly string[], b: readonly string[]): number {
  return (a[1] ?? '').localeCompare(b[1] ?? '');
}

describe('validation: contact-detail-malformed (Art. 40(15)(a), Comity practice)', () => {
  it('warns about an e-mail address, a telephone number and a time zone that cannot be used, each at its field', () => {
    const draft = withContacts({
      requesting: { email: 'duty.desk@', phone: '01 23 45 67 89', timeZone: 'Paris' },
      requested: { email: 'central authority at example.de' },
      verification: { name: 'A. Judge', phone: '+44 call the switchboard' },
    });
    assert.deepEqual(
      contactFindings(draft),
      [
        [
          'warning',
          'requestingAuthority.contactDetails.email',
          'The contact detail "duty.desk@" is not usable.',
        ],
        [
          'warning',
          'requestingAuthority.contactDetails.phone',
          'The contact detail "01 23 45 67 89" is not usable.',
        ],
        [
          'warning',
          'requestingAuthority.contactDetails.timeZone',
          'The contact detail "Paris" is not usable.',
        ],
        [
          'warning',
          'requestedAuthority.contactDetails.email',
          'The contact detail "central authority at example.de" is not usable.',
        ],
        [
          'warning',
          'verificationContact.phone',
          'The contact detail "+44 call the switchboard" is not usable.',
        ],
      ].sort(byElement),
    );
  });

  it('accepts working details, international numbers with spaces and an extension, and empty fields', () => {
    const draft = withContacts({
      requesting: {
        name: 'Duty desk',
        email: 'duty.desk@police.example.fr',
        phone: '+33 1 40 20 50 50',
        timeZone: 'Europe/Paris',
        officeHours: '24/7',
      },
      requested: { email: 'zentrale@justiz.example.de', phone: '+49 30 9015 0 ext. 12' },
      verification: { name: 'A. Judge', email: '', phone: '   ' },
    });
    assert.deepEqual(contactFindings(draft), []);
    assert.deepEqual(contactFindings(withContacts({})), []);
  });

  it('is a warning: the request can still leave', () => {
    const draft = withContacts({ requesting: { email: 'not-an-address' } });
    const findings = validateWithFixture(draft);
    assert.equal(findingsOfRule(findings, RULE).length, 1);
    assert.equal(
      findings.some((finding) => finding.severity === 'blocking'),
      false,
    );
  });

  it("cites Art. 42(3)(a) on a preservation request and Art. 40(15)(a) otherwise, in the real catalogue's words", () => {
    const catalogue = loadCatalogue();
    const preservation = withContacts({ requesting: { phone: '0123' } });
    const [onPreservation] = findingsOfRule(
      validateDraft(preservation, catalogue, fixtureDirectory(), 'fr'),
      RULE,
    );
    assert.equal(onPreservation?.article, 'Art. 42(3)(a)');
    assert.match(onPreservation?.message ?? '', /« 0123 » n’est pas une adresse électronique/);
    const mla: RequestContent = { ...preservation, type: 'mla' };
    const [onMla] = findingsOfRule(validateDraft(mla, catalogue, fixtureDirectory(), 'en'), RULE);
    assert.equal(onMla?.article, 'Art. 40(15)(a)');
  });
});
