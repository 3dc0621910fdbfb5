/**
 * The PDF of the formal document. Text checks go through pdftotext (poppler-utils) when it is
 * installed; the visual sample (Arabic + Chinese + Russian) is rasterised with pdftoppm into
 * test-results/document/ so a person can look at it: Arabic joined and right to left, Chinese
 * without missing-glyph boxes, Cyrillic intact.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { RequestContent } from '../../src/core/request/draft.ts';
import type { DocumentModel } from '../../src/document/document-model.ts';
import { renderDocumentPdf } from '../../src/document/render-pdf.ts';
import { buildDocument, FIXTURE_CATALOGUE, samplePreservation } from './document-fixtures.ts';

function hasTool(name: string): boolean {
  return spawnSync(name, ['-v'], { stdio: 'ignore' }).error === undefined;
}

const hasPdftotext = hasTool('pdftotext');
const hasPdftoppm = hasTool('pdftoppm');
const hasPdffonts = hasTool('pdffonts');
const OUTPUT_DIRECTORY = path.resolve(import.meta.dirname, '../../test-results/document');

function pdfText(pdf: Buffer): string {
  const result = spawnSync('pdftotext', ['-layout', '-enc', 'UTF-8', '-', '-'], {
    input: pdf,
    encoding: 'utf8',
  });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout;
}

async function render(
  content: RequestContent,
  languages: string[],
): Promise<{ model: DocumentModel; pdf: Buffer }> {
  const model = buildDocument(content, FIXTURE_CATALOGUE, languages);
  return { model, pdf: await renderDocumentPdf(model, { createdAt: new Date('2026-11-28T12:00:00Z') }) };
}

function assertIsPdf(pdf: Buffer): void {
  assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
  assert.match(pdf.subarray(-8).toString('latin1'), /%%EOF\s*$/);
  // Fonts are subset: the Chinese font file alone is about 10 MB.
  assert.ok(pdf.length < 400_000, `PDF is ${pdf.length} bytes`);
}

const ARABIC_FACTS =
  'اخترق المشتبه به خادم المستشفى في 1 مارس 2026 ونسخ 1200 ملف من ملفات المرضى (منفذ 51234).';
const CHINESE_FACTS = '服务器于2026年3月1日被入侵，患者档案被复制。攻击者使用了地址203.0.113.7。';
const RUSSIAN_FACTS = 'Сервер больницы был взломан 1 марта 2026 года, файлы пациентов скопированы.';

describe('document PDF', () => {
  it('renders an Arabic + English document with the content digest in the footer', async () => {
    const { model, pdf } = await render(
      samplePreservation({ summaryOfFacts: ARABIC_FACTS, language: 'ar' }),
      ['ar', 'en'],
    );
    assertIsPdf(pdf);
    if (hasPdftotext) {
      const text = pdfText(pdf);
      assert.match(text, new RegExp(`SHA-256: ${model.contentDigest}`));
      assert.match(text, /Summary of facts/);
      assert.match(text, /Art\. 42\(3\)\(b\)/);
      assert.match(text, /Signature/);
    }
  });

  it('renders a Chinese + Russian document', async () => {
    const { model, pdf } = await render(
      samplePreservation({ summaryOfFacts: `${CHINESE_FACTS}\n${RUSSIAN_FACTS}` }),
      ['zh', 'ru'],
    );
    assertIsPdf(pdf);
    if (hasPdftotext) {
      const text = pdfText(pdf);
      assert.match(text, new RegExp(`SHA-256: ${model.contentDigest}`));
      assert.match(text, /案情摘要/);
      assert.match(text, /Краткое изложение фактов/);
      assert.match(text, /Сервер больницы был взломан/);
      assert.match(text, /患者档案被复制/);
    }
  });

  it('renders a French + Spanish document with a footer on every page', async () => {
    const identifiers = Array.from({ length: 40 }, (_, index) => ({
      kind: 'ip-address' as const,
      value: `198.51.100.${index}`,
      observedAt: '2026-03-01T10:15:00Z',
    }));
    const { model, pdf } = await render(samplePreservation({ identifiers }), ['fr', 'es']);
    assertIsPdf(pdf);
    if (hasPdftotext) {
      const pages = pdfText(pdf)
        .split('\f')
        .filter((page) => page.trim().length > 0);
      assert.ok(pages.length >= 2, `expected several pages, got ${pages.length}`);
      pages.forEach((page, index) => {
        assert.match(
          page,
          new RegExp(
            `SHA-256: ${model.contentDigest} · catalogue 9\\.9\\.9-test · ${index + 1} / ${pages.length}`,
          ),
        );
      });
      assert.match(pages[0] ?? '', /Résumé des faits/);
      assert.match(pages.join('\n'), /Resumen de los hechos/);
    }
  });

  it('embeds font subsets only', {
    skip: !hasPdffonts && 'pdffonts (poppler-utils) is not installed',
  }, async () => {
    const { pdf } = await render(samplePreservation({ summaryOfFacts: `${ARABIC_FACTS} ${CHINESE_FACTS}` }), [
      'ar',
      'zh',
    ]);
    const result = spawnSync('pdffonts', ['-'], { input: pdf, encoding: 'utf8' });
    const fonts = result.stdout
      .split('\n')
      .slice(2)
      .filter((line) => line.trim().length > 0);
    assert.ok(fonts.some((line) => line.includes('Amiri')));
    assert.ok(fonts.some((line) => line.includes('NotoSansSC')));
    for (const line of fonts) assert.match(line, /^[A-Z]{6}\+\S+\s.*\syes\s+yes\s+yes\s/, line);
  });

  it('writes a visual sample with Arabic, Chinese and Russian to test-results/document', {
    skip: !hasPdftoppm && 'pdftoppm (poppler-utils) is not installed',
  }, async () => {
    const content = samplePreservation({
      summaryOfFacts: [ARABIC_FACTS, CHINESE_FACTS, RUSSIAN_FACTS].join('\n'),
      necessity: 'السجلات تحفظ لمدة 30 يومًا فقط، وبعدها تحذف تلقائيًا من خوادم مقدم الخدمة.',
      requestingAuthority: { state: 'CN', name: '公安部网络安全保卫局', contact: '北京市东城区' },
    });
    const { pdf } = await render(content, ['ar', 'zh']);
    const russian = await render(samplePreservation({ summaryOfFacts: RUSSIAN_FACTS }), ['ru', 'ar']);
    rmSync(OUTPUT_DIRECTORY, { recursive: true, force: true });
    mkdirSync(OUTPUT_DIRECTORY, { recursive: true });
    writeFileSync(path.join(OUTPUT_DIRECTORY, 'sample-ar-zh.pdf'), pdf);
    writeFileSync(path.join(OUTPUT_DIRECTORY, 'sample-ru-ar.pdf'), russian.pdf);
    for (const name of ['sample-ar-zh', 'sample-ru-ar']) {
      const result = spawnSync('pdftoppm', ['-png', '-r', '60', `${name}.pdf`, name], {
        cwd: OUTPUT_DIRECTORY,
        encoding: 'utf8',
      });
      assert.equal(result.status, 0, result.stderr);
    }
    const pngs = readdirSync(OUTPUT_DIRECTORY).filter((file) => file.endsWith('.png'));
    assert.ok(pngs.length >= 2, `PNGs: ${pngs.join(', ')}`);
    for (const file of pngs) {
      const full = path.join(OUTPUT_DIRECTORY, file);
      assert.ok(statSync(full).size > 1000, `${file} is too small`);
      assert.equal(readFileSync(full).subarray(1, 4).toString('latin1'), 'PNG');
    }
  });
});
