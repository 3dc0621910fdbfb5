/**
 * The formal document as a person reads it once extracted as text (pdftotext, poppler-utils):
 * each language is a version of its own, in order, never interleaved; labels and their values
 * stay on one line with the colon on the label's side; an incomplete request says DRAFT on
 * every page; a field is never cut across two pages.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { directoryViewOf } from '../../src/core/directory/directory-view.ts';
import { type RequestContent, RequestContentSchema } from '../../src/core/request/draft.ts';
import { isReady, validateDraft } from '../../src/core/validation/validate-draft.ts';
import { loadCatalogue } from '../../src/data/catalogue/index.ts';
import { renderDocumentPdf } from '../../src/document/render-pdf.ts';
import { localized } from '../helpers/catalogue-fixture.ts';
import { buildDocument, FIXTURE_CATALOGUE, samplePreservation } from './document-fixtures.ts';

const hasPoppler = spawnSync('pdftotext', ['-v'], { stdio: 'ignore' }).error === undefined;
const skip = !hasPoppler && 'pdftotext (poppler-utils) is not installed';
const OUTPUT_DIRECTORY = path.resolve(import.meta.dirname, '../../test-results/document-reading');
const ARABIC = /[\u0600-\u06FF]/;

/** The text of every page, each as its lines, as pdftotext lays them out (one call per page). */
function pagesOf(pdf: Buffer): string[][] {
  const info = spawnSync('pdfinfo', ['-'], { input: pdf, encoding: 'utf8' });
  const count = Number(/Pages:\s+(\d+)/.exec(info.stdout)?.[1]);
  assert.ok(count > 0, info.stderr);
  return Array.from({ length: count }, (_, index) => {
    const page = String(index + 1);
    const result = spawnSync('pdftotext', ['-layout', '-enc', 'UTF-8', '-f', page, '-l', page, '-', '-'], {
      input: pdf,
      encoding: 'utf8',
    });
    assert.equal(result.status, 0, result.stderr);
    return result.stdout
      .split('\n')
      .map((line) => line.replace(/[\u202A-\u202E\u2066-\u2069]/g, '').trim())
      .filter((line) => line.length > 0);
  });
}

async function pdfOf(content: RequestContent, languages: string[], catalogue = FIXTURE_CATALOGUE) {
  const model = buildDocument(content, catalogue, languages, { issuedOn: new Date('2026-12-02T09:00:00Z') });
  return { model, pdf: await renderDocumentPdf(model, { createdAt: new Date('2026-12-02T09:00:00Z') }) };
}

/** The words of the first line of a page that has a word equal to `word`, left to right. */
function wordsOnLine(pdf: Buffer, page: number, word: string): Array<{ x: number; text: string }> {
  const result = spawnSync(
    'pdftotext',
    ['-bbox-layout', '-enc', 'UTF-8', '-f', String(page), '-l', String(page), '-', '-'],
    { input: pdf, encoding: 'utf8' },
  );
  for (const line of result.stdout.split('<line ').slice(1)) {
    const words = [...line.matchAll(/<word xMin="([\d.]+)"[^>]*>([^<]*)<\/word>/g)].map((match) => ({
      x: Number(match[1]),
      text: (match[2] ?? '').replace(/&amp;/g, '&'),
    }));
    if (words.some((candidate) => candidate.text === word)) return words.sort((a, b) => a.x - b.x);
  }
  assert.fail(`no line of page ${page} has the word ${word}`);
}

/** The index of the first line matching, failing when none does. */
function lineIndex(lines: readonly string[], pattern: RegExp): number {
  const index = lines.findIndex((line) => pattern.test(line));
  assert.ok(index >= 0, `no line matches ${pattern}:\n${lines.join('\n')}`);
  return index;
}

/** Asserts the patterns match lines in this order. */
function assertInOrder(lines: readonly string[], patterns: readonly RegExp[]): void {
  const positions = patterns.map((pattern) => lineIndex(lines, pattern));
  for (let i = 1; i < positions.length; i++) {
    assert.ok(
      (positions[i] as number) > (positions[i - 1] as number),
      `${patterns[i]} comes before ${patterns[i - 1]}`,
    );
  }
}

/** Splits the pages into the versions, each starting with its version name. */
function versionsOf(pages: readonly string[][], names: readonly RegExp[]): string[][] {
  const starts = names.map((name) => pages.findIndex((page) => name.test(page[0] ?? '')));
  assert.ok(
    starts.every((start) => start >= 0),
    `version names ${names.join(', ')} open no page`,
  );
  return starts.map((start, index) => pages.slice(start, starts[index + 1] ?? pages.length).flat());
}

function saveForLooking(name: string, pdf: Buffer): void {
  mkdirSync(OUTPUT_DIRECTORY, { recursive: true });
  writeFileSync(path.join(OUTPUT_DIRECTORY, `${name}.pdf`), pdf);
  spawnSync('pdftoppm', ['-png', '-r', '60', `${name}.pdf`, name], { cwd: OUTPUT_DIRECTORY });
}

describe('formal document PDF read as text', { skip }, () => {
  it('prints Arabic then French, each version whole, labels beside their values, colon on the label side', async () => {
    const { pdf } = await pdfOf(samplePreservation({ requestDate: '2026-11-04' }), ['ar', 'fr']);
    saveForLooking('ar-fr', pdf);
    const pages = pagesOf(pdf);
    const [arabic = [], french = []] = versionsOf(pages, [/النسخة العربية/, /^Version française$/]);

    // Not interleaved: no French word in the Arabic version, no Arabic letter in the French one.
    for (const line of arabic) assert.doesNotMatch(line, /Résumé|Référence|Peine|Lieu|Signature/, line);
    for (const line of french) assert.doesNotMatch(line, ARABIC, line);

    // French reads left to right, label then colon then value, in the document's order; a narrow
    // no-break space comes before the colon (pdftotext gives it as a space).
    assertInOrder(french, [
      /^Version française$/,
      /^Demande au titre de la Convention des Nations Unies contre la cybercriminalité$/,
      /^Référence du dossier : PR\/2026\/0042$/,
      /^1\. Autorité requérante$/,
      /^État : France \(FR\)$/,
      /^2\. Infraction$/,
      /^art\. 42\(3\)\(b\)$/,
      /^Article de la Convention : art\. 7 — Accès illicite$/,
      /^Peine maximale : 3 ans$/,
      /^3\. Résumé des faits$/,
      /^Lieu : _+$/,
      /^Date : 4 novembre 2026$/,
      /^Autorité émettrice : .*France \(FR\)$/,
      /^Signature : _+$/,
      /^Sceau officiel : _+$/,
    ]);

    // Arabic lines hold a label and its value together, in the document's order.
    assertInOrder(arabic, [
      /^النسخة العربية$/,
      /^طلب بموجب اتفاقية الأمم المتحدة لمكافحة الجريمة السيبرانية$/,
      /^مرجع القضيةPR\/2026\/0042 :$/,
      /\.1/,
      /[\u0600-\u06FF].*FR/,
      /\.2/,
      /\.3/,
      /^_{8,} :المكان$/,
      /^_{8,} :التوقيع$/,
      /^_{8,} :اسم الموقع وصفته$/,
      /^_{8,} :الختم الرسمي$/,
    ]);
    // On the page, a right-to-left line puts the label on the right, then the colon, then the
    // value on its left; the article's number and parentheses keep their own order.
    const caseLine = wordsOnLine(pdf, 1, 'PR/2026/0042').map((word) => word.text);
    const value = caseLine.indexOf('PR/2026/0042');
    assert.equal(value, 0, caseLine.join(' '));
    assert.match(caseLine[1] ?? '', /^:/, 'the colon is right of the value');
    const label = caseLine.slice(1).join(' ').replace(/^:\s*/, '');
    assert.match(label, /^[\u0600-\u06FF ]+$/, 'the label is right of the colon');
    // The Arabic letters extract as written, dots included (the font draws each form whole; a
    // ligature may leave a space inside a word).
    assert.ok(
      arabic.some((line) => /^الحفظ العاجل للبيانات الإل ?كترونية المخزنة$/.test(line)),
      arabic.slice(0, 6).join('\n'),
    );
    const citationLine = wordsOnLine(pdf, 1, '42(3)(b)');
    assert.equal(citationLine[0]?.text, '42(3)(b)');
    assert.ok(citationLine.slice(1).every((word) => ARABIC.test(word.text)));
  });

  it('writes when an identifier was seen as each language writes a date and time, Arabic right to left', async () => {
    const identifiers = [
      { kind: 'ip-address' as const, value: '203.0.113.7', observedAt: '2026-12-07T21:04:11+01:00' },
      {
        kind: 'ip-address' as const,
        value: '203.0.113.8',
        observedAt: '2026-03-01T10:15',
        timeZone: 'Europe/Paris',
      },
    ];
    const content = samplePreservation({ identifiers, requestDate: '2026-11-04' });
    const { pdf } = await pdfOf(content, ['ar', 'fr']);
    saveForLooking('moments-ar-fr', pdf);
    const [, french = []] = versionsOf(pagesOf(pdf), [/النسخة العربية/, /^Version française$/]);
    assertInOrder(french, [
      /^Observé le : 7 décembre 2026 à 21:04:11 UTC\+1 = 7 décembre 2026 à 20:04:11 UTC$/,
      /^Observé le : 1 mars 2026 à 10:15 Europe\/Paris \(UTC\+1\) = 1 mars 2026 à 09:15 UTC$/,
      /^Date : 4 novembre 2026$/,
    ]);
    // Read from the right: the local moment, its offset, "=", then the UTC moment, each date
    // whole; the day of the UTC date is not pulled over to the Latin offset beside it.
    const arabicLine = wordsOnLine(pdf, 1, '21:04:11').map((word) => word.text);
    const fromRight = arabicLine.reverse();
    assert.deepEqual(
      fromRight.filter((word) => !ARABIC.test(word) && word !== ':'),
      ['7', '2026', '21:04:11', 'UTC+1', '=', '7', '2026', '20:04:11', 'UTC'],
      fromRight.join(' '),
    );
    assert.ok(ARABIC.test(fromRight[fromRight.indexOf('7') + 1] ?? ''), 'the month follows the day');
    assert.ok(
      fromRight.every((word) => !/[\u0660-\u0669]/.test(word)),
      'Latin digits',
    );
    // The zone and its offset are Latin: they read left to right, in one piece, among the Arabic.
    const zoneLine = wordsOnLine(pdf, 1, 'Europe/Paris').map((word) => word.text);
    assert.deepEqual(
      zoneLine.reverse().filter((word) => !ARABIC.test(word) && word !== ':'),
      ['1', '2026', '10:15', '(UTC+1)', 'Europe/Paris', '=', '1', '2026', '09:15', 'UTC'],
    );

    const chinese = await pdfOf(content, ['zh']);
    const lines = pagesOf(chinese.pdf).flat();
    assertInOrder(lines, [
      /^观察时间：2026年12月7日 21:04:11 UTC\+1 = 2026年12月7日 20:04:11 UTC$/,
      /^观察时间：2026年3月1日 10:15 Europe\/Paris \(UTC\+1\) = 2026年3月1日 09:15 UTC$/,
      /^日期：2026年11月4日$/,
    ]);
  });

  it('prints a German document with German words only', async () => {
    const { pdf } = await pdfOf(samplePreservation({ requestDate: '2026-11-04' }), ['de']);
    saveForLooking('de', pdf);
    const lines = pagesOf(pdf).flat();
    assertInOrder(lines, [
      /^Ersuchen nach dem Übereinkommen der Vereinten Nationen gegen Cyberkriminalität$/,
      /^Umgehende Sicherung gespeicherter elektronischer Daten$/,
      /^Art\. 42$/,
      /^Aktenzeichen: PR\/2026\/0042$/,
      /^Staat: Frankreich \(FR\)$/,
      /^Artikel des Übereinkommens: Art\. 7 — Rechtswidriger Zugang$/,
      /^Höchststrafe: 3 Jahre$/,
      /^\d+\. Dauer der Sicherung$/,
      /^90 Tage$/,
      /^Ort: _+$/,
      /^Datum: 4\. November 2026$/,
      /^Unterschrift: _+$/,
      /^Dienstsiegel: _+$/,
    ]);
    assert.ok(!lines.some((line) => /ENTWURF/.test(line)), 'a complete request is not a draft');
  });

  it('marks every page of an incomplete request as a draft, in the language of the page', async () => {
    const identifiers = Array.from({ length: 45 }, (_, index) => ({
      kind: 'ip-address' as const,
      value: `198.51.100.${index}`,
      observedAt: '2026-03-01T10:15:00Z',
    }));
    const { model, pdf } = await pdfOf(samplePreservation({ summaryOfFacts: undefined, identifiers }), [
      'de',
      'en',
    ]);
    assert.equal(model.isDraft, true);
    saveForLooking('draft-de-en', pdf);
    const pages = pagesOf(pdf);
    assert.ok(pages.length >= 4, `expected two pages a version at least, got ${pages.length}`);
    const englishStart = pages.findIndex((page) => page[0] === 'English version');
    assert.ok(englishStart > 0);
    pages.forEach((page, index) => {
      const footer = page.slice(page.findIndex((line) => line.includes('SHA-256'))).join(' ');
      if (index < englishStart)
        assert.match(footer, /^ENTWURF — unvollständig, nicht zur Übermittlung geeignet · /);
      else assert.match(footer, /^DRAFT — incomplete, not valid for transmission · /);
      assert.match(footer, new RegExp(`${index + 1} / ${pages.length}$`));
    });
  });

  it('moves a long field whole to the next page instead of cutting it', async () => {
    const lines = Array.from({ length: 40 }, (_, index) => `Fact line ${String(index + 1).padStart(2, '0')}`);
    const { pdf } = await pdfOf(samplePreservation({ summaryOfFacts: lines.join('\n') }), ['en']);
    const pages = pagesOf(pdf);
    const first = pages.findIndex((page) => page.includes('Fact line 01'));
    const last = pages.findIndex((page) => page.includes('Fact line 40'));
    assert.ok(first > 0, 'the field starts on a later page, not cut at the bottom of the first');
    assert.equal(last, first, 'the whole field is on one page');
  });

  it('drafts, validates and renders a complete preservation request to Germany in English with German and Arabic with French', async () => {
    const file = path.join(import.meta.dirname, '..', '..', 'docs', 'examples', 'preservation-draft.json');
    const content = RequestContentSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
    content.requestedAuthority = { state: 'DE', name: '24/7-Kontaktstelle, Bundeskriminalamt (Art. 41)' };
    content.custodian = { ...content.custodian, state: 'DE' };
    content.language = 'en';
    const directory = directoryViewOf([
      {
        code: 'DE',
        kind: 'state',
        names: localized('Germany'),
        acceptedLanguages: ['de', 'en'],
        timeZone: 'Europe/Berlin',
      },
      {
        code: 'GB',
        kind: 'state',
        names: localized('United Kingdom'),
        acceptedLanguages: ['en'],
        timeZone: 'Europe/London',
      },
    ]);
    const catalogue = loadCatalogue();
    const findings = validateDraft(content, catalogue, directory, 'en', {
      today: '2026-11-05',
      now: '2026-11-05T10:00:00Z',
    });
    assert.ok(
      isReady(findings),
      JSON.stringify(findings.filter((finding) => finding.severity === 'blocking')),
    );
    const preservation = catalogue.requestTypes.find((entry) => entry.id === 'preservation');

    for (const [languages, names] of [
      [
        ['en', 'de'],
        [/^English version$/, /^Deutsche Fassung$/],
      ],
      [
        ['ar', 'fr'],
        [/^النسخة العربية$/, /^Version française$/],
      ],
    ] as const) {
      const { model, pdf } = await pdfOf(content, [...languages], catalogue);
      assert.equal(model.isDraft, false);
      saveForLooking(`germany-${languages.join('-')}`, pdf);
      const versions = versionsOf(pagesOf(pdf), names);
      for (const [index, lines] of versions.entries()) {
        // Every element of the request type, numbered in order, in each version.
        assertInOrder(
          lines,
          (preservation?.elements ?? []).map(
            // "7. Label" left to right; in Arabic the number reads right to left, extracted ".7Label".
            (_, position) => new RegExp(`^${position + 1}\\. |(^|[^\\d.])\\.${position + 1}(?!\\d)`),
          ),
        );
        assert.ok(
          lines.some((line) => line.includes('NCA-2026-0042')),
          `${languages[index]}: case reference`,
        );
        assert.ok(
          lines.some((line) => line.includes('CPS-SFD-2026-118')),
          `${languages[index]}: validation`,
        );
      }
      const [, second = []] = versions;
      if (languages[1] === 'de') {
        assert.ok(second.some((line) => /^\d+\. Ersuchter Staat und ersuchte Behörde$/.test(line)));
        assert.ok(second.some((line) => /^Staat: Deutschland \(DE\)$/.test(line)));
        assert.ok(second.some((line) => /^Datum: 4\. November 2026$/.test(line)));
      } else {
        assert.ok(second.some((line) => /^État : Allemagne \(DE\)$/.test(line)));
        assert.ok(second.some((line) => /^Date : 4 novembre 2026$/.test(line)));
        for (const line of second) assert.doesNotMatch(line, ARABIC, line);
      }
    }
  });
});
