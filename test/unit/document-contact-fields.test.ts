/**
 * The formal document of a preservation request shows what a 24/7 contact needs to act and call
 * back: the date, new or extension, the structured contact beside the free-text line, the person
 * who confirms the request, the validating authority, and a custodian not known.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { type RequestContent, RequestContentSchema } from '../../src/core/request/draft.ts';
import type { DocumentModel } from '../../src/document/document-model.ts';
import { renderDocumentHtml } from '../../src/document/render-html.ts';
import { loadCatalogue } from '../../src/data/catalogue/index.ts';
import { buildDocument } from './document-fixtures.ts';

function example(): RequestContent {
  const file = path.join(import.meta.dirname, '..', '..', 'docs', 'examples', 'preservation-draft.json');
  return RequestContentSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
}

/** Each field of an element as "Label: value" in the first document language. */
function fieldsOf(model: DocumentModel, element: string): string[] {
  const section = model.versions[0]?.sections.find((candidate) => candidate.element === element);
  assert.ok(section, `no section ${element}`);
  return section.items.flat().map((field) => `${field.label ?? ''}: ${field.value}`);
}

describe('formal document: the preservation fields of a 24/7 contact', () => {
  const catalogue = loadCatalogue();

  it('shows the date, the kind of request, the contacts and the validating authority', () => {
    const model = buildDocument(example(), catalogue, ['en']);
    assert.deepEqual(fieldsOf(model, 'request-date'), [': 4 November 2026']);
    assert.deepEqual(fieldsOf(model, 'extension'), ['Kind: New request']);
    assert.deepEqual(fieldsOf(model, 'requesting-authority'), [
      'State: United Kingdom (GB)',
      'Name: National Crime Agency, 24/7 point of contact',
      'Contact: NCA 24/7 desk, +44 20 7946 0000, poc247@example.gov.uk',
      'Person to ask for: NCA 24/7 desk',
      'Phone: +44 20 7946 0000',
      'E-mail: poc247@example.gov.uk',
      'Office hours: 24/7',
      'Time zone: Europe/London',
      'Preferred means of reply: E-mail',
    ]);
    assert.ok(fieldsOf(model, 'verification-contact').includes('Phone: +44 20 7946 0001'));
    assert.deepEqual(fieldsOf(model, 'validating-authority'), [
      'Name: Crown Prosecution Service, Specialist Fraud Division',
      'Decision reference: CPS-SFD-2026-118',
      'Date: 3 November 2026',
    ]);
    const html = renderDocumentHtml(model);
    for (const text of ['CPS-SFD-2026-118', 'verify247@example.gov.uk', 'Preferred means of reply']) {
      assert.ok(html.includes(text), `${text} is not in the HTML`);
    }
  });

  it('names an extension with the earlier reference, and a custodian not known, in French', () => {
    const content = example();
    content.extension = { isExtension: true, earlierReference: 'NCA-2026-0031' };
    content.custodian = { isUnknown: true };
    const model = buildDocument(content, catalogue, ['fr']);
    assert.deepEqual(fieldsOf(model, 'extension'), [
      'Type: Prolongation de la demande',
      'Référence: NCA-2026-0031',
    ]);
    assert.deepEqual(fieldsOf(model, 'custodian'), ['Nom: Détenteur inconnu']);
    assert.equal(
      model.versions[0]?.sections.find((section) => section.element === 'custodian')?.isPresent,
      true,
    );
  });
});
