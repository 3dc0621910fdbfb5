import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import type { Catalogue } from '../../src/core/catalogue/catalogue.ts';
import { AppError } from '../../src/core/errors.ts';
import { canonicalJson, digestCanonicalJson } from '../../src/document/canonical-json.ts';
import {
  ABSENT,
  buildDocumentModel,
  describeObservedAt,
  resolveDocumentLanguages,
  toDocumentLocale,
} from '../../src/document/document-model.ts';
import { FIXTURE_CATALOGUE, samplePreservation } from './document-fixtures.ts';

function reverseKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeysDeep);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([key, member]) => [key, reverseKeysDeep(member)]),
  );
}

describe('canonical JSON', () => {
  it('sorts object keys recursively, keeps array order and leaves out undefined members', () => {
    const text = canonicalJson({ b: 1, a: { d: [3, { z: true, y: null }], c: 'x' }, u: undefined });
    assert.equal(text, '{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}');
  });

  it('hashes the canonical text with SHA-256', () => {
    const value = { b: 'é', a: 1 };
    const expected = createHash('sha256').update('{"a":1,"b":"é"}', 'utf8').digest('hex');
    assert.equal(digestCanonicalJson(value), expected);
  });
});

describe('document languages', () => {
  it('maps BCP 47 tags to the six locales and removes duplicates', () => {
    assert.equal(toDocumentLocale('fr-CA'), 'fr');
    assert.equal(toDocumentLocale('zh-Hans-CN'), 'zh');
    assert.equal(toDocumentLocale('de'), undefined);
    assert.deepEqual(resolveDocumentLanguages(['en-GB', 'ar-EG']), ['en', 'ar']);
    assert.deepEqual(resolveDocumentLanguages(['fr', 'fr-BE']), ['fr']);
  });

  it('refuses an unknown language, an empty list and more than two languages as invalid input', () => {
    for (const tags of [['en', 'de'], [], ['en', 'fr', 'es']]) {
      assert.throws(
        () => resolveDocumentLanguages(tags),
        (error: unknown) => error instanceof AppError && error.code === 'invalid-input',
        `tags ${tags.join(',')}`,
      );
    }
  });
});

describe('document model', () => {
  it('titles the document with the request type in both languages and its article', () => {
    const model = buildDocumentModel(samplePreservation(), FIXTURE_CATALOGUE, ['en', 'ar']);
    assert.deepEqual(model.languages, ['en', 'ar']);
    assert.deepEqual(model.title, [
      { locale: 'en', text: 'Expedited preservation of stored electronic data' },
      { locale: 'ar', text: 'الحفظ العاجل للبيانات الإلكترونية المخزنة' },
    ]);
    assert.equal(model.citation, 'Art. 42');
    assert.equal(model.caseReference.value, 'PR/2026/0042');
    assert.equal(model.catalogueVersion, '9.9.9-test');
  });

  it('lists the elements in catalogue order, each labelled in both languages with its citation', () => {
    const model = buildDocumentModel(samplePreservation(), FIXTURE_CATALOGUE, ['fr', 'ru']);
    const typeElements = FIXTURE_CATALOGUE.requestTypes[0]?.elements ?? [];
    assert.deepEqual(
      model.sections.slice(0, typeElements.length).map((section) => section.element),
      typeElements.map((entry) => entry.element),
    );
    const facts = model.sections.find((section) => section.element === 'summary-of-facts');
    assert.deepEqual(facts?.label, [
      { locale: 'fr', text: 'Résumé des faits' },
      { locale: 'ru', text: 'Краткое изложение фактов' },
    ]);
    assert.equal(facts?.citation, 'Art. 42(3)(b)');
    assert.equal(facts?.requirement, 'required');
    assert.equal(
      model.sections.find((section) => section.element === 'custodian')?.citation,
      'Art. 42(3)(d)',
    );
    for (const section of model.sections.slice(0, typeElements.length)) {
      assert.equal(section.label.length, 2, section.element);
      assert.match(section.citation ?? '', /^Art\. 42/, section.element);
    }
  });

  it('renders structured values as text with bilingual sub-labels and closed-list names', () => {
    const model = buildDocumentModel(samplePreservation(), FIXTURE_CATALOGUE, ['en', 'fr']);
    const text = (element: string) =>
      model.sections.find((section) => section.element === element)?.text ?? '';
    assert.match(
      text('offences'),
      /Convention article \/ Article de la Convention: Art\. 7 — Illegal access \/ Accès illicite/,
    );
    assert.match(text('offences'), /Maximum penalty \/ Peine maximale: 3 years \/ 3 ans/);
    assert.match(text('identifiers'), /Kind \/ Type: IP address \/ Adresse IP/);
    assert.match(text('identifiers'), /Source port \/ Port source: 51234/);
    assert.match(
      text('data-sought'),
      /Subscriber information \/ Informations relatives aux abonnés; Traffic data/,
    );
    assert.match(text('requesting-authority'), /State \/ État: France \(FR\)/);
    assert.equal(text('intent-to-request-assistance'), 'Yes / Oui');
    assert.equal(text('preservation-period'), '90 days / 90 jours');
  });

  it('gives identifiers their time zone and the same moment in UTC, and says when the zone is missing', () => {
    const model = buildDocumentModel(samplePreservation(), FIXTURE_CATALOGUE, ['en']);
    const identifiers = model.sections.find((section) => section.element === 'identifiers')?.text ?? '';
    assert.match(identifiers, /Observed at: 2026-03-01T10:15:00 Europe\/Paris = 2026-03-01T09:15:00Z/);
    assert.equal(
      describeObservedAt('2026-07-01T10:15', 'Europe/Paris', 'zone?'),
      '2026-07-01T10:15 Europe/Paris = 2026-07-01T08:15:00Z',
    );
    assert.equal(
      describeObservedAt('2026-07-01T10:15:00+03:00', undefined, 'zone?'),
      '2026-07-01T10:15:00+03:00 = 2026-07-01T07:15:00Z',
    );
    assert.equal(
      describeObservedAt('2026-07-01T10:15:00', undefined, 'zone?'),
      '2026-07-01T10:15:00 (zone?)',
    );
    assert.equal(
      describeObservedAt('2026-07-01T10:15:00', 'Nowhere/Atlantis', 'zone?'),
      '2026-07-01T10:15:00 Nowhere/Atlantis',
    );
  });

  it('prints "—" for an element the draft leaves out, and appends provided elements the type does not list', () => {
    const content = samplePreservation({
      necessity: '  ',
      urgency: { level: 'urgent', justification: 'Logs expire soon.' },
    });
    const model = buildDocumentModel(content, FIXTURE_CATALOGUE, ['en', 'es']);
    const necessity = model.sections.find((section) => section.element === 'necessity');
    assert.equal(necessity?.isPresent, false);
    assert.deepEqual(necessity?.items, []);
    assert.equal(necessity?.text, ABSENT);
    const listedCount = FIXTURE_CATALOGUE.requestTypes[0]?.elements.length ?? 0;
    const extra = model.sections.slice(listedCount);
    assert.deepEqual(
      extra.map((section) => section.element),
      ['requested-authority', 'case-reference', 'urgency', 'language'],
    );
    const urgency = extra.find((section) => section.element === 'urgency');
    assert.equal(urgency?.citation, undefined);
    assert.match(urgency?.text ?? '', /Level \/ Nivel: Urgent \/ Urgente/);
    assert.equal(extra.find((section) => section.element === 'language')?.text, 'en (English / inglés)');
  });

  it('keeps the digest when only the key order changes, and changes it when the content changes', () => {
    const content = samplePreservation();
    const model = buildDocumentModel(content, FIXTURE_CATALOGUE, ['en', 'fr']);
    assert.match(model.contentDigest, /^[0-9a-f]{64}$/);
    assert.equal(model.contentDigest, createHash('sha256').update(canonicalJson(content)).digest('hex'));
    const reordered = reverseKeysDeep(content) as typeof content;
    assert.notEqual(JSON.stringify(reordered), JSON.stringify(content));
    assert.equal(
      buildDocumentModel(reordered, FIXTURE_CATALOGUE, ['en', 'fr']).contentDigest,
      model.contentDigest,
    );
    assert.equal(buildDocumentModel(content, FIXTURE_CATALOGUE, ['ar']).contentDigest, model.contentDigest);
    const changed = samplePreservation({ summaryOfFacts: `${content.summaryOfFacts}.` });
    assert.notEqual(
      buildDocumentModel(changed, FIXTURE_CATALOGUE, ['en', 'fr']).contentDigest,
      model.contentDigest,
    );
  });

  it('still builds a document when the catalogue does not describe the request type', () => {
    const empty: Catalogue = { ...FIXTURE_CATALOGUE, requestTypes: [], elements: [] };
    const model = buildDocumentModel(samplePreservation(), empty, ['en']);
    assert.deepEqual(model.title, [{ locale: 'en', text: 'preservation' }]);
    assert.equal(model.citation, undefined);
    assert.ok(model.sections.some((section) => section.element === 'summary-of-facts'));
    assert.ok(model.sections.every((section) => section.isPresent));
  });
});
