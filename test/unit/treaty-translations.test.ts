/**
 * The treaty page's own words (the research's summary, its known gaps and the notes of its records)
 * read in the six languages: src/data/treaty/translations.json holds each, and a new gap or note
 * without its translations fails here.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  loadSeedTreatyRecords,
  loadTreatyGaps,
  loadTreatyTranslations,
} from '../../src/data/treaty/index.ts';
import {
  buildTreatyStatusReport,
  noteTranslationsOf,
  seedStatusRecords,
} from '../../src/services/treaty.service.ts';

const SCRIPTS = { ar: /\p{Script=Arabic}/u, zh: /\p{Script=Han}/u, ru: /\p{Script=Cyrillic}/u } as const;

describe('treaty research in six languages', () => {
  const translations = loadTreatyTranslations();

  test('every gap of gaps.json has a translation, and no translation is of a gap that is gone', () => {
    const ids = loadTreatyGaps().gaps.map((gap) => gap.id);
    assert.deepEqual(Object.keys(translations.gaps).sort(), [...ids].sort());
  });

  test('every note of the research files has a translation, keyed by its English text', () => {
    const notes = new Set(loadSeedTreatyRecords().flatMap((record) => (record.note ? [record.note] : [])));
    assert.ok(notes.size >= 5, `${notes.size} notes`);
    for (const note of notes) assert.ok(noteTranslationsOf(note), `no translation of the note "${note}"`);
    assert.deepEqual(translations.notes.map((entry) => entry.en).sort(), [...notes].sort());
  });

  test('Arabic, Chinese and Russian translations are written in their own script', () => {
    const texts = [translations.summary, ...Object.values(translations.gaps), ...translations.notes];
    for (const text of texts) {
      for (const [locale, script] of Object.entries(SCRIPTS)) {
        assert.match(
          text[locale as keyof typeof SCRIPTS],
          script,
          `${locale}: ${text[locale as keyof typeof SCRIPTS]}`,
        );
      }
    }
  });

  test('the status report carries the summary, the gaps and the reports in every language', () => {
    const report = buildTreatyStatusReport(seedStatusRecords(), '2026-11-28');
    assert.equal(report.summary.en, loadTreatyGaps().summary);
    assert.match(report.summary.fr, /Collection des traités/);
    for (const gap of report.gaps) assert.ok(gap.statement.en && gap.statement.ar && gap.statement.zh);
    const azerbaijan = report.reportedNotDeposited.find((item) => item.stateCode === 'AZ');
    assert.equal(azerbaijan?.reasonCode, 'domestic-approval');
    assert.match(azerbaijan?.noteTranslations?.ru ?? '', /Парламент/);
  });

  test('a note an administrator wrote has no translation: it is shown as written', () => {
    assert.equal(noteTranslationsOf('Deposit confirmed by the embassy'), null);
    assert.equal(noteTranslationsOf(null), null);
  });
});
