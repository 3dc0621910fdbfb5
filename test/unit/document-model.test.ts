import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import type { Catalogue } from '../../src/core/catalogue/catalogue.ts';
import { AppError } from '../../src/core/errors.ts';
import { canonicalJson, digestCanonicalJson } from '../../src/document/canonical-json.ts';
import { loadCatalogue } from '../../src/data/catalogue/index.ts';
import { loadDocumentLabels } from '../../src/data/document-labels/index.ts';
import {
  ABSENT,
  describeObservedAt,
  resolveDocumentLanguages,
  toDocumentLanguage,
} from '../../src/document/document-model.ts';
import {
  dateDatetime,
  formatDate,
  momentDatetime,
  offsetText,
  writtenMoment,
} from '../../src/document/written-time.ts';
import { buildDocument, FIXTURE_CATALOGUE, samplePreservation, versionIn } from './document-fixtures.ts';

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
  const labels = loadDocumentLabels();

  it('maps BCP 47 tags to the document languages and removes duplicates', () => {
    assert.equal(toDocumentLanguage('fr-CA', labels), 'fr');
    assert.equal(toDocumentLanguage('zh-Hans-CN', labels), 'zh');
    assert.equal(toDocumentLanguage('de-AT', labels), 'de');
    assert.equal(toDocumentLanguage('pt-BR', labels), 'pt');
    assert.equal(toDocumentLanguage('it', labels), undefined);
    assert.deepEqual(resolveDocumentLanguages(['en-GB', 'ar-EG'], labels), ['en', 'ar']);
    assert.deepEqual(resolveDocumentLanguages(['fr', 'fr-BE'], labels), ['fr']);
  });

  it('refuses an unknown language, an empty list and more than two languages as invalid input', () => {
    for (const tags of [['en', 'it'], [], ['en', 'fr', 'es']]) {
      assert.throws(
        () => resolveDocumentLanguages(tags, labels),
        (error: unknown) => error instanceof AppError && error.code === 'invalid-input',
        `tags ${tags.join(',')}`,
      );
    }
  });
});

describe('document model', () => {
  it('gives each language a complete version of its own, titled with the request type and its article', () => {
    const model = buildDocument(samplePreservation(), FIXTURE_CATALOGUE, ['en', 'ar']);
    assert.deepEqual(model.languages, ['en', 'ar']);
    assert.deepEqual(
      model.versions.map((version) => [version.language, version.direction, version.title]),
      [
        ['en', 'ltr', 'Expedited preservation of stored electronic data'],
        ['ar', 'rtl', 'الحفظ العاجل للبيانات الإلكترونية المخزنة'],
      ],
    );
    assert.equal(versionIn(model, 'en').citation, 'Art. 42');
    assert.equal(versionIn(model, 'ar').citation, 'المادة \u206642\u2069');
    assert.equal(versionIn(model, 'ar').caseReference.value, 'PR/2026/0042');
    assert.equal(model.catalogueVersion, '9.9.9-test');
  });

  it('lists the elements in catalogue order, each labelled in its version with a localised citation', () => {
    const model = buildDocument(samplePreservation(), FIXTURE_CATALOGUE, ['fr', 'ru']);
    const typeElements = FIXTURE_CATALOGUE.requestTypes[0]?.elements ?? [];
    for (const version of model.versions) {
      assert.deepEqual(
        version.sections.slice(0, typeElements.length).map((section) => section.element),
        typeElements.map((entry) => entry.element),
      );
    }
    const facts = (language: string) =>
      versionIn(model, language).sections.find((section) => section.element === 'summary-of-facts');
    assert.equal(facts('fr')?.label, 'Résumé des faits');
    assert.equal(facts('ru')?.label, 'Краткое изложение фактов');
    assert.equal(facts('fr')?.citation, 'art. 42(3)(b)');
    assert.equal(facts('ru')?.citation, 'Ст. 42(3)(b)');
    assert.equal(facts('fr')?.requirement, 'required');
  });

  it('renders structured values as text with sub-labels and closed-list names in one language each', () => {
    const model = buildDocument(samplePreservation(), FIXTURE_CATALOGUE, ['en', 'fr']);
    const text = (language: string, element: string) =>
      versionIn(model, language).sections.find((section) => section.element === element)?.text ?? '';
    assert.match(text('en', 'offences'), /Convention article: Art\. 7 — Illegal access/);
    assert.match(text('fr', 'offences'), /Article de la Convention\u202F: art\. 7 — Accès illicite/);
    assert.match(text('en', 'offences'), /Maximum penalty: 3 years/);
    assert.match(text('fr', 'offences'), /Peine maximale\u202F: 3 ans/);
    assert.match(text('fr', 'identifiers'), /Type\u202F: Adresse IP/);
    assert.match(text('en', 'identifiers'), /Source port: 51234/);
    assert.match(
      text('fr', 'data-sought'),
      /Informations relatives aux abonnés\u202F; Données relatives au trafic/,
    );
    assert.match(text('fr', 'requesting-authority'), /État\u202F: France \(FR\)/);
    assert.equal(text('fr', 'intent-to-request-assistance'), 'Oui');
    // Each language's typography between a label and its value.
    assert.equal(versionIn(model, 'fr').labelSeparator, '\u202F: ');
    assert.equal(versionIn(model, 'en').labelSeparator, ': ');
    const chinese = buildDocument(samplePreservation(), FIXTURE_CATALOGUE, ['zh']);
    assert.match(
      versionIn(chinese, 'zh').sections.find((section) => section.element === 'offences')?.text ?? '',
      /^[^:\n]+：/,
    );
    assert.equal(text('en', 'preservation-period'), '90 days');
    const labelsOf = (language: string) =>
      versionIn(model, language).sections.flatMap((section) => [
        section.label,
        ...section.items.flat().map((field) => field.label ?? ''),
      ]);
    assert.ok(labelsOf('fr').includes('Article de la Convention'));
    for (const english of ['Convention article', 'Maximum penalty', 'Source port', 'Offence']) {
      assert.ok(labelsOf('en').includes(english), english);
      assert.ok(!labelsOf('fr').includes(english), english);
    }
  });

  it('prints German with the element labels, titles and words of its data file', () => {
    const model = buildDocument(samplePreservation(), loadCatalogue(), ['de']);
    const version = versionIn(model, 'de');
    assert.equal(version.title, 'Umgehende Sicherung gespeicherter elektronischer Daten');
    assert.equal(version.citation, 'Art. 42');
    const text = (element: string) => version.sections.find((section) => section.element === element);
    assert.equal(text('summary-of-facts')?.label, 'Zusammenfassung des maßgeblichen Sachverhalts');
    assert.match(text('offences')?.text ?? '', /Artikel des Übereinkommens: Art\. 7 — Rechtswidriger Zugang/);
    assert.equal(text('preservation-period')?.text, '90 Tage');
    assert.match(text('requesting-authority')?.text ?? '', /Staat: Frankreich \(FR\)/);
  });

  it('closes each version with place, date, the issuing authority and lines for signature and seal', () => {
    const model = buildDocument(samplePreservation({ requestDate: '2026-11-04' }), FIXTURE_CATALOGUE, [
      'ar',
      'fr',
    ]);
    const french = versionIn(model, 'fr').closing;
    assert.deepEqual(french.date, {
      label: 'Date',
      value: '4 novembre 2026',
      times: [{ text: '4 novembre 2026', datetime: '2026-11-04' }],
    });
    assert.equal(french.place.label, 'Lieu');
    assert.match(french.issuingAuthority.value, /France \(FR\)/);
    assert.deepEqual(french.signatureLines, ['Signature', 'Nom et fonction du signataire', 'Sceau officiel']);
    assert.match(versionIn(model, 'ar').closing.date.value, /^4 .+ 2026$/);
    const undated = buildDocument(samplePreservation(), FIXTURE_CATALOGUE, ['en'], {
      issuedOn: new Date('2026-12-02T10:00:00Z'),
    });
    assert.equal(versionIn(undated, 'en').closing.date.value, '2 December 2026');
  });

  it('is a draft when a required element is missing, unless the caller says otherwise', () => {
    assert.equal(buildDocument(samplePreservation(), FIXTURE_CATALOGUE, ['en']).isDraft, false);
    const incomplete = buildDocument(samplePreservation({ summaryOfFacts: undefined }), FIXTURE_CATALOGUE, [
      'en',
    ]);
    assert.equal(incomplete.isDraft, true);
    assert.equal(versionIn(incomplete, 'en').draftMark, 'DRAFT');
    assert.equal(
      buildDocument(samplePreservation(), FIXTURE_CATALOGUE, ['en'], { isDraft: true }).isDraft,
      true,
    );
  });

  it('marks a complete request not yet sent as a draft that is not sent, and an incomplete one as incomplete', () => {
    const notSent = buildDocument(samplePreservation(), FIXTURE_CATALOGUE, ['en', 'fr'], { isNotSent: true });
    assert.equal(notSent.isDraft, true);
    assert.equal(versionIn(notSent, 'en').draftNotice, 'not yet approved and sent');
    assert.equal(versionIn(notSent, 'fr').draftNotice, 'pas encore approuvé ni transmis');
    const incompleteNotSent = buildDocument(
      samplePreservation({ summaryOfFacts: undefined }),
      FIXTURE_CATALOGUE,
      ['en'],
      { isNotSent: true },
    );
    assert.equal(versionIn(incompleteNotSent, 'en').draftNotice, 'incomplete, not valid for transmission');
    const sent = buildDocument(samplePreservation(), FIXTURE_CATALOGUE, ['en'], { isNotSent: false });
    assert.equal(sent.isDraft, false);
  });

  it('gives identifiers their time zone and the same moment in UTC, and says when the zone is missing', () => {
    const model = buildDocument(samplePreservation(), FIXTURE_CATALOGUE, ['en']);
    const identifiers =
      versionIn(model, 'en').sections.find((section) => section.element === 'identifiers')?.text ?? '';
    assert.match(
      identifiers,
      /Observed on: 1 March 2026 at 10:15:00 Europe\/Paris \(UTC\+1\) = 1 March 2026 at 09:15:00 UTC/,
    );
    const english = { language: 'en', direction: 'ltr', zoneNotStated: 'zone?' } as const;
    assert.equal(
      describeObservedAt('2026-07-01T10:15', 'Europe/Paris', english),
      '1 July 2026 at 10:15 Europe/Paris (UTC+2) = 1 July 2026 at 08:15 UTC',
    );
    assert.equal(
      describeObservedAt('2026-07-01T10:15:00+03:00', undefined, english),
      '1 July 2026 at 10:15:00 UTC+3 = 1 July 2026 at 07:15:00 UTC',
    );
    assert.equal(
      describeObservedAt('2026-07-01T10:15:00', undefined, english),
      '1 July 2026 at 10:15:00 (zone?)',
    );
    assert.equal(
      describeObservedAt('2026-07-01T10:15:00', 'Nowhere/Atlantis', english),
      '1 July 2026 at 10:15:00 Nowhere/Atlantis',
    );
    assert.equal(describeObservedAt('yesterday evening', undefined, english), 'yesterday evening');
    assert.equal(describeObservedAt('  ', 'Europe/Paris', english), undefined);
  });

  it('writes a moment as the language does, as precise as given, with its offset and the UTC instant', () => {
    const written = (moment: string, language: string, zone?: string) =>
      writtenMoment(moment, zone, {
        language,
        direction: language === 'ar' ? 'rtl' : 'ltr',
        zoneNotStated: 'zone?',
      });
    const moment = '2026-12-07T21:04:11+01:00';
    assert.equal(
      written(moment, 'en'),
      '7 December 2026 at 21:04:11 UTC+1 = 7 December 2026 at 20:04:11 UTC',
    );
    assert.equal(written(moment, 'fr'), '7 décembre 2026 à 21:04:11 UTC+1 = 7 décembre 2026 à 20:04:11 UTC');
    assert.equal(written(moment, 'zh'), '2026年12月7日 21:04:11 UTC+1 = 2026年12月7日 20:04:11 UTC');
    // Arabic: Latin digits, a 24-hour clock, and the Latin zone isolated left to right.
    assert.equal(
      written(moment, 'ar'),
      '7 ديسمبر 2026 في 21:04:11 \u2066UTC+1\u2069 = 7 ديسمبر 2026 في 20:04:11 \u2066UTC\u2069',
    );
    assert.equal(
      written('2026-12-07T21:04:11+01:00', 'de'),
      '7. Dezember 2026 um 21:04:11 UTC+1 = 7. Dezember 2026 um 20:04:11 UTC',
    );
    // Already in UTC: said once. A zone at UTC+0 is named, with its offset.
    assert.equal(written('2026-03-01T10:15:00Z', 'fr'), '1 mars 2026 à 10:15:00 UTC');
    assert.equal(
      written('2026-01-10T10:15:00', 'en', 'Europe/London'),
      '10 January 2026 at 10:15:00 Europe/London (UTC)',
    );
    // Milliseconds and half-hour offsets are kept; the UTC day may be another day.
    assert.equal(
      written('2026-07-01T23:50:00.250+05:30', 'en', 'Asia/Kolkata'),
      '1 July 2026 at 23:50:00.250 Asia/Kolkata (UTC+5:30) = 1 July 2026 at 18:20:00.250 UTC',
    );
    assert.equal(
      written('2026-07-01T20:30:00-03:00', 'fr'),
      '1 juillet 2026 à 20:30:00 UTC-3 = 1 juillet 2026 à 23:30:00 UTC',
    );
    // A day that does not exist is printed as written, not moved to the next month.
    assert.equal(written('2026-02-30T10:15:00Z', 'en'), '2026-02-30T10:15:00Z');
    assert.equal(offsetText(-570), 'UTC-9:30');
  });

  it('gives the exact ISO 8601 value a written moment or date stands for, as precise as given', () => {
    // The instant in UTC, to the minute, second or fraction given, up to milliseconds (valid HTML).
    assert.equal(momentDatetime('2026-12-07T21:04:11+01:00', undefined), '2026-12-07T20:04:11Z');
    assert.equal(momentDatetime('2026-03-01T10:15', 'Europe/Paris'), '2026-03-01T09:15Z');
    assert.equal(momentDatetime('2026-07-01T23:50:00.250+05:30', 'Asia/Kolkata'), '2026-07-01T18:20:00.250Z');
    assert.equal(momentDatetime('2026-12-07T20:04:11.123456z', undefined), '2026-12-07T20:04:11.123Z');
    assert.equal(momentDatetime('2026-07-01 20:30:00,5-03:00', undefined), '2026-07-01T23:30:00.5Z');
    // No offset known: the wall clock as written, without a zone (HTML's local date and time).
    assert.equal(momentDatetime('2026-07-01T10:15:00', undefined), '2026-07-01T10:15:00');
    assert.equal(momentDatetime('2026-07-01T10:15:00', 'Nowhere/Atlantis'), '2026-07-01T10:15:00');
    // Text that is no moment, or names none that exists, has no value.
    assert.equal(momentDatetime('yesterday evening', undefined), undefined);
    assert.equal(momentDatetime('2026-02-30T10:15:00Z', undefined), undefined);
    assert.equal(dateDatetime('2026-11-04'), '2026-11-04');
    assert.equal(dateDatetime('2026-02-30'), undefined);
    assert.equal(dateDatetime('4 Nov 2026'), undefined);
  });

  it('writes calendar dates in words in every language, Arabic with Latin digits', () => {
    const content = samplePreservation({
      requestDate: '2026-11-04',
      summaryOfFacts: 'A server of a hospital was entered and patient files were copied.',
      suggestedDeadline: { date: '2026-12-31', reasons: 'Logs expire.' },
      confidentiality: { isRequired: true, until: '2027-06-30' },
    });
    const model = buildDocument(content, FIXTURE_CATALOGUE, ['fr', 'ar']);
    const allText = (language: string) =>
      versionIn(model, language)
        .sections.map((section) => section.text)
        .join('\n');
    assert.match(allText('fr'), /31 décembre 2026/);
    assert.match(allText('fr'), /30 juin 2027/);
    assert.match(allText('ar'), /31 ديسمبر 2026/);
    assert.doesNotMatch(allText('ar'), /[\u0660-\u0669]/, 'no Arabic-Indic digits');
    assert.doesNotMatch(allText('fr'), /\d{4}-\d{2}-\d{2}/, 'no ISO date left');
    const chinese = buildDocument(content, FIXTURE_CATALOGUE, ['zh']);
    assert.equal(versionIn(chinese, 'zh').closing.date.value, '2026年11月4日');
    assert.equal(formatDate('2026-02-30', 'en'), '2026-02-30');
  });

  it('prints "—" for an element the draft leaves out, and appends provided elements the type does not list', () => {
    const content = samplePreservation({
      necessity: '  ',
      urgency: { level: 'urgent', justification: 'Logs expire soon.' },
    });
    const model = buildDocument(content, FIXTURE_CATALOGUE, ['en', 'es']);
    const sections = versionIn(model, 'es').sections;
    const necessity = sections.find((section) => section.element === 'necessity');
    assert.equal(necessity?.isPresent, false);
    assert.deepEqual(necessity?.items, []);
    assert.equal(necessity?.text, ABSENT);
    const listedCount = FIXTURE_CATALOGUE.requestTypes[0]?.elements.length ?? 0;
    const extra = sections.slice(listedCount);
    assert.deepEqual(
      extra.map((section) => section.element),
      ['requested-authority', 'case-reference', 'urgency', 'language'],
    );
    const urgency = extra.find((section) => section.element === 'urgency');
    assert.equal(urgency?.citation, undefined);
    assert.match(urgency?.text ?? '', /Nivel: Urgente/);
    assert.equal(extra.find((section) => section.element === 'language')?.text, 'inglés (en)');
  });

  it('keeps the digest when only the key order changes, and changes it when the content changes', () => {
    const content = samplePreservation();
    const model = buildDocument(content, FIXTURE_CATALOGUE, ['en', 'fr']);
    assert.match(model.contentDigest, /^[0-9a-f]{64}$/);
    assert.equal(model.contentDigest, createHash('sha256').update(canonicalJson(content)).digest('hex'));
    const reordered = reverseKeysDeep(content) as typeof content;
    assert.notEqual(JSON.stringify(reordered), JSON.stringify(content));
    assert.equal(
      buildDocument(reordered, FIXTURE_CATALOGUE, ['en', 'fr']).contentDigest,
      model.contentDigest,
    );
    assert.equal(buildDocument(content, FIXTURE_CATALOGUE, ['ar']).contentDigest, model.contentDigest);
    const changed = samplePreservation({ summaryOfFacts: `${content.summaryOfFacts}.` });
    assert.notEqual(
      buildDocument(changed, FIXTURE_CATALOGUE, ['en', 'fr']).contentDigest,
      model.contentDigest,
    );
  });

  it('still builds a document when the catalogue does not describe the request type', () => {
    const empty: Catalogue = { ...FIXTURE_CATALOGUE, requestTypes: [], elements: [] };
    const version = versionIn(buildDocument(samplePreservation(), empty, ['en']), 'en');
    assert.equal(version.title, 'preservation');
    assert.equal(version.citation, undefined);
    assert.ok(version.sections.some((section) => section.element === 'summary-of-facts'));
    assert.ok(version.sections.every((section) => section.isPresent));
  });
});
