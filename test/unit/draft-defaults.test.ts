/**
 * What a new draft starts from (web/src/pages/draft/draft.model.ts): the drafter's own State, the
 * authority it designated for the type's channel and the drafter as the person to reply to; and,
 * once the requested State is chosen, the authority that State designated, unless the drafter
 * wrote a name of their own.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { designatedAuthority, newDraft, withRequestedState } from '../../web/src/pages/draft/draft.model.ts';

const DESIGNATIONS: Record<string, { centralAuthority?: string; pointOfContact?: string }> = {
  AZ: { centralAuthority: 'Ministry of Justice', pointOfContact: 'State Security Service' },
  DE: { pointOfContact: 'Federal Criminal Police Office' },
};
const designatedFor = (state: string | undefined) =>
  designatedAuthority(DESIGNATIONS[state ?? ''], 'point-of-contact');

describe('draft: what a new draft starts from', () => {
  it('names the authority designated for the channel, the drafter as the contact, and today as the date', () => {
    assert.deepEqual(
      newDraft('preservation', 'AZ', 'en', {
        authorityName: 'State Security Service',
        contactName: 'A. Aliyev',
        email: 'duty@example.org',
        today: '2026-12-07',
      }),
      {
        type: 'preservation',
        requestingAuthority: {
          state: 'AZ',
          name: 'State Security Service',
          contactDetails: { name: 'A. Aliyev', email: 'duty@example.org' },
        },
        language: 'en',
        requestDate: '2026-12-07',
      },
    );
  });

  it('leaves out what is not known, and starts empty without a State', () => {
    assert.deepEqual(newDraft('mla', 'FR', 'fr', { contactName: 'C. Martin' }), {
      type: 'mla',
      requestingAuthority: { state: 'FR', contactDetails: { name: 'C. Martin' } },
      language: 'fr',
    });
    assert.deepEqual(newDraft('mla', undefined, 'en'), { type: 'mla', language: 'en' });
  });

  it("reads a State's designation for each channel, and nothing where none is notified", () => {
    assert.equal(designatedAuthority(DESIGNATIONS.AZ, 'central-authority'), 'Ministry of Justice');
    assert.equal(designatedAuthority(DESIGNATIONS.AZ, 'point-of-contact'), 'State Security Service');
    assert.equal(designatedAuthority(DESIGNATIONS.AZ, 'extradition-authority'), undefined);
    assert.equal(designatedAuthority(undefined, 'point-of-contact'), undefined);
    assert.equal(designatedAuthority(DESIGNATIONS.AZ, undefined), undefined);
  });
});

describe('draft: choosing the requested State', () => {
  const draft = newDraft('preservation', 'AZ', 'en');

  it("writes the authority that State designated, and follows a change of State while it is the designation's", () => {
    const toGermany = withRequestedState(draft, 'DE', designatedFor);
    assert.deepEqual(toGermany.requestedAuthority, { state: 'DE', name: 'Federal Criminal Police Office' });
    const toAzerbaijan = withRequestedState(toGermany, 'AZ', designatedFor);
    assert.deepEqual(toAzerbaijan.requestedAuthority, { state: 'AZ', name: 'State Security Service' });
    const toFrance = withRequestedState(toAzerbaijan, 'FR', designatedFor);
    assert.deepEqual(toFrance.requestedAuthority, { state: 'FR' }, 'France notified nothing: no name');
    const cleared = withRequestedState(toGermany, undefined, designatedFor);
    assert.deepEqual(cleared.requestedAuthority, {});
  });

  it('keeps a name the drafter wrote, and the rest of the authority', () => {
    const written = {
      ...draft,
      requestedAuthority: { state: 'DE', name: 'Staatsanwaltschaft Berlin', contact: '+49 30 0000' },
    };
    assert.deepEqual(withRequestedState(written, 'AZ', designatedFor).requestedAuthority, {
      state: 'AZ',
      name: 'Staatsanwaltschaft Berlin',
      contact: '+49 30 0000',
    });
  });
});
