/**
 * What leaves the node is on screen (web/src/pages/draft/draft.model.ts): the form shows a type's
 * elements and every other element that holds a value, and names those outside the type, so a
 * value typed before the type was changed is neither hidden from the drafter nor from the
 * supervisor who approves it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { directoryViewOf } from '../../src/core/directory/directory-view.ts';
import type { RequestContent } from '../../src/core/request/draft.ts';
import { validateDraft } from '../../src/core/validation/validate-draft.ts';
import { loadCatalogue } from '../../src/data/catalogue/index.ts';
import { loadDocumentLabels } from '../../src/data/document-labels/index.ts';
import { buildDocumentModel } from '../../src/document/document-model.ts';
import { preservationDraft, storedDataDraft, trafficDisclosureDraft } from '../../src/demo/demo-drafts.ts';
import {
  buildChecklist,
  elementsOutsideType,
  newDraft,
  shownElements,
  shownElementsOf,
} from '../../web/src/pages/draft/draft.model.ts';

const catalogue = loadCatalogue();

describe('draft form: the elements shown', () => {
  it("shows a content's own type's elements, and names none outside it: each demo draft keeps to its type", () => {
    for (const content of [
      preservationDraft('FR', 'DE'),
      trafficDisclosureDraft('FR', 'DE'),
      storedDataDraft('FR', 'DE'),
    ]) {
      assert.deepEqual(
        [...shownElementsOf(content, catalogue)].sort(),
        [...shownElements(content.type, catalogue)].sort(),
        content.type,
      );
      assert.deepEqual(elementsOutsideType(content, catalogue), [], content.type);
    }
  });

  it('keeps showing, and names, the values typed for the type the draft had before', () => {
    const preservation = preservationDraft('FR', 'DE');
    const ofPreservation = shownElements('preservation', catalogue);
    const ofMla = shownElements('mla', catalogue);
    const changed = { ...preservation, type: 'mla' as const };
    const outside = elementsOutsideType(changed, catalogue);
    const expected = [...ofPreservation].filter((element) => !ofMla.has(element));
    assert.ok(
      outside.length > 0,
      'a preservation draft holds values a mutual legal assistance request does not use',
    );
    for (const element of outside) {
      assert.ok(!ofMla.has(element), `${element} is outside the type`);
      assert.ok(expected.includes(element), `${element} was a preservation element`);
    }
    const shown = shownElementsOf(changed, catalogue);
    for (const element of [...ofMla, ...outside]) assert.ok(shown.has(element), `${element} is shown`);
  });

  it('dates a new draft of every type, and names no value of it outside the type', () => {
    for (const type of catalogue.requestTypes.map((entry) => entry.id)) {
      const fresh = newDraft(type, 'FR', 'en', { authorityName: 'Ministry of Justice', today: '2026-12-07' });
      assert.equal(fresh.requestDate, '2026-12-07', type);
      assert.deepEqual(elementsOutsideType(fresh, catalogue), [], type);
    }
  });

  it('asks spontaneous information for no deadline, and names one typed for the type before', () => {
    assert.equal(shownElements('spontaneous-information', catalogue).has('suggested-deadline'), false);
    assert.equal(shownElements('mla', catalogue).has('suggested-deadline'), true);
    const information: RequestContent = {
      type: 'spontaneous-information',
      language: 'en',
      suggestedDeadline: { date: '2027-01-10', reasons: 'Trial date.' },
    };
    assert.deepEqual(elementsOutsideType(information, catalogue), ['suggested-deadline']);
  });

  it('names the authorities of spontaneous information as sending and receiving, in findings and the document', () => {
    const information: RequestContent = {
      type: 'spontaneous-information',
      language: 'en',
      requestingAuthority: { name: 'Bundeskriminalamt', state: 'DE' },
    };
    const messages = validateDraft(information, catalogue, directoryViewOf([]), 'fr').map(
      (finding) => finding.message,
    );
    assert.ok(
      messages.some((message) => message.includes('État et autorité destinataires')),
      messages.join('\n'),
    );
    const labelsOf = (language: string) =>
      buildDocumentModel(information, catalogue, [language], { labels: loadDocumentLabels() })
        .versions[0]?.sections.filter((section) => section.element.endsWith('-authority'))
        .map((section) => section.label);
    assert.deepEqual(labelsOf('en'), ['Sending authority', 'Receiving State and authority']);
    assert.deepEqual(labelsOf('zh'), ['发送机关', '接收国及机关']);
    // Another type keeps the elements' own names.
    const mla = buildDocumentModel({ ...information, type: 'mla' }, catalogue, ['en'], {
      labels: loadDocumentLabels(),
    }).versions[0]?.sections.find((section) => section.element === 'requested-authority');
    assert.equal(mla?.label, 'Requested State and authority');
  });

  it("an extradition's person sought is its own element, not a person concerned outside the type", () => {
    const extradition: RequestContent = {
      type: 'extradition',
      language: 'en',
      persons: [{ role: 'person-sought', name: 'J. Doe' }],
    };
    assert.deepEqual(elementsOutsideType(extradition, catalogue), []);
    // The formal document names the person once, under "Person sought".
    const [version] = buildDocumentModel(extradition, catalogue, ['en'], {
      labels: loadDocumentLabels(),
    }).versions;
    const sections = (version?.sections ?? []).filter((section) => section.text.includes('J. Doe'));
    assert.deepEqual(
      sections.map((section) => section.element),
      ['person-sought'],
    );
    // Someone else in the list is a person concerned, which an extradition does not use: named.
    const withWitness: RequestContent = {
      ...extradition,
      persons: [...(extradition.persons ?? []), { role: 'witness', name: 'A. Witness' }],
    };
    assert.deepEqual(elementsOutsideType(withWitness, catalogue), ['persons-concerned']);
  });

  it("files a finding about an extradition's person under the person sought, not under persons concerned", () => {
    const extradition: RequestContent = {
      type: 'extradition',
      language: 'en',
      persons: [{ role: 'person-sought', name: 'J. Doe', dateOfBirth: '2031-03-12' }],
    };
    const finding = {
      severity: 'blocking' as const,
      element: 'persons[0].dateOfBirth',
      article: 'Art. 37',
      message: 'The date 2031-03-12 is in the future.',
      rule: 'past-date-in-future',
    };
    const checklist = buildChecklist(extradition, catalogue, [finding]);
    assert.deepEqual(checklist.otherFindings, []);
    const sought = checklist.items.find((item) => item.element === 'person-sought');
    assert.deepEqual([sought?.state, sought?.findings], ['missing', [finding]]);
  });

  it('lists the period of the data only where the request seeks data, as validation asks for it', () => {
    const mla = (assistanceKinds: NonNullable<RequestContent['assistanceKinds']>): RequestContent => ({
      type: 'mla',
      language: 'en',
      assistanceKinds,
    });
    const listsPeriod = (content: RequestContent) =>
      buildChecklist(content, catalogue, []).items.some((item) => item.element === 'data-period');
    assert.equal(listsPeriod(mla(['evidence'])), false);
    assert.equal(listsPeriod(mla(['data'])), true);
  });
});
