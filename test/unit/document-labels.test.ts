/**
 * The formal document's words are data, one file a language (src/data/document-labels): each
 * shipped file is complete, a language the catalogue does not carry brings every element label,
 * request type title and offence title, and adding a language is adding a file.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { LOCALES } from '../../src/core/i18n.ts';
import { loadCatalogue } from '../../src/data/catalogue/index.ts';
import { loadDocumentLabels, readDocumentLabels } from '../../src/data/document-labels/index.ts';
import { buildDocumentModel } from '../../src/document/document-model.ts';
import { FIXTURE_CATALOGUE, samplePreservation } from './document-fixtures.ts';

const SHIPPED = path.resolve(import.meta.dirname, '../../src/data/document-labels');

describe('document labels as data', () => {
  const temporary: string[] = [];
  after(() => {
    for (const directory of temporary) rmSync(directory, { recursive: true, force: true });
  });

  function folderWith(files: Record<string, unknown>): string {
    const directory = mkdtempSync(path.join(tmpdir(), 'comity-labels-'));
    temporary.push(directory);
    for (const file of readdirSync(SHIPPED).filter((name) => name.endsWith('.json'))) {
      copyFileSync(path.join(SHIPPED, file), path.join(directory, file));
    }
    for (const [name, content] of Object.entries(files)) {
      writeFileSync(path.join(directory, name), JSON.stringify(content));
    }
    return directory;
  }

  it('ships the six UN languages, German and Portuguese', () => {
    assert.deepEqual([...loadDocumentLabels().keys()].sort(), [...LOCALES, 'de', 'pt'].sort());
  });

  it('gives a language outside the catalogue every element label, request type title and offence title', () => {
    const catalogue = loadCatalogue();
    for (const labels of loadDocumentLabels().values()) {
      if ((LOCALES as readonly string[]).includes(labels.language)) continue;
      const own = labels.catalogue;
      assert.ok(own, `${labels.language} has no catalogue texts`);
      assert.deepEqual(Object.keys(own.elements).sort(), catalogue.elements.map((entry) => entry.id).sort());
      assert.deepEqual(
        Object.keys(own.requestTypes).sort(),
        catalogue.requestTypes.map((entry) => entry.id).sort(),
      );
      assert.deepEqual(Object.keys(own.offences).sort(), catalogue.offences.map((entry) => entry.id).sort());
    }
  });

  it('prints a language added as a file, with no change of code', () => {
    const italian = JSON.parse(readFileSync(path.join(SHIPPED, 'en.json'), 'utf8'));
    italian.language = 'it';
    italian.name = 'Italiano';
    italian.citation = 'art. {reference}';
    italian.fields.heading =
      'Richiesta ai sensi della Convenzione delle Nazioni Unite contro la criminalità informatica';
    italian.fields.caseReference = 'Riferimento del procedimento';
    italian.catalogue = {
      elements: { 'summary-of-facts': 'Sintesi dei fatti' },
      requestTypes: { preservation: 'Conservazione rapida di dati elettronici memorizzati' },
      offences: {},
    };
    const labels = readDocumentLabels(folderWith({ 'it.json': italian }));
    const model = buildDocumentModel(samplePreservation(), FIXTURE_CATALOGUE, ['it-IT', 'fr'], { labels });
    const version = model.versions[0];
    assert.equal(version?.language, 'it');
    assert.equal(version?.heading, italian.fields.heading);
    assert.equal(version?.title, 'Conservazione rapida di dati elettronici memorizzati');
    assert.equal(version?.caseReference.label, 'Riferimento del procedimento');
    const facts = version?.sections.find((section) => section.element === 'summary-of-facts');
    assert.equal(facts?.label, 'Sintesi dei fatti');
    assert.equal(facts?.citation, 'art. 42(3)(b)');
  });

  it('refuses a file with a missing word or a name that is not its language', () => {
    const incomplete = JSON.parse(readFileSync(path.join(SHIPPED, 'de.json'), 'utf8'));
    delete incomplete.fields.signature;
    assert.throws(
      () => readDocumentLabels(folderWith({ 'de.json': incomplete })),
      /de\.json do not match the schema: fields\.signature/,
    );
    const misnamed = JSON.parse(readFileSync(path.join(SHIPPED, 'pt.json'), 'utf8'));
    assert.throws(
      () => readDocumentLabels(folderWith({ 'gl.json': misnamed })),
      /gl\.json declare language "pt"/,
    );
  });
});
