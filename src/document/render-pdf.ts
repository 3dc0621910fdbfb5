/**
 * The formal document as a PDF (A4), drawn with pdfkit and the Noto and Amiri fonts shipped as
 * npm packages (src/document/document-fonts.ts), so a fresh node renders Arabic, Chinese and
 * Cyrillic without system fonts, and the text extracted from the PDF reads as written.
 *
 * pdfkit embeds only the glyphs used (subsets), so a document stays small although the Chinese
 * font file is about 10 MB. Line layout, font switching per script and right-to-left ordering
 * are done by src/document/pdf-text-layout.ts; this module paginates, draws and adds the footer
 * (content SHA-256, catalogue version, page n / total) to every page.
 */
import { readFileSync } from 'node:fs';
import PDFDocument from 'pdfkit';
import { AppError } from '../core/errors.ts';
import { DOCUMENT_FONT_FILES, resolveDocumentFont } from './document-fonts.ts';
import type { DocumentField, DocumentModel, DocumentSection, DocumentVersion } from './document-model.ts';
import { ABSENT, shippedDocumentLabels } from './document-model.ts';
import {
  type FontRole,
  type HasGlyph,
  type LaidOutLine,
  layoutParagraph,
  type StyledSpan,
  type TextStyle,
} from './pdf-text-layout.ts';

type FontKey = 'latin' | 'latin-bold' | 'arabic' | 'arabic-bold' | 'han';

/** The served font file each PDF font key is read from (src/document/document-fonts.ts). */
const FONT_FILES: Readonly<Record<FontKey, string>> = {
  latin: 'noto-sans-400.ttf',
  'latin-bold': 'noto-sans-700.ttf',
  arabic: 'amiri-400.ttf',
  'arabic-bold': 'amiri-700.ttf',
  han: 'noto-sans-sc-400.ttf',
};

let fontCache: Readonly<Record<FontKey, Buffer>> | undefined;

/** Reads the font files once per process; refuses with `unavailable` when one is missing. */
function loadFonts(): Readonly<Record<FontKey, Buffer>> {
  if (fontCache) return fontCache;
  const loaded: Partial<Record<FontKey, Buffer>> = {};
  for (const [key, file] of Object.entries(FONT_FILES) as Array<[FontKey, string]>) {
    const font = DOCUMENT_FONT_FILES.find((candidate) => candidate.file === file);
    const location = font ? resolveDocumentFont(font) : undefined;
    if (!font || !location) {
      throw new AppError(
        'unavailable',
        `the PDF renderer needs the font ${font?.module ?? file}; install the npm dependencies (npm ci) and retry`,
      );
    }
    loaded[key] = readFileSync(location);
  }
  fontCache = loaded as Record<FontKey, Buffer>;
  return fontCache;
}

function fontKeyOf(role: FontRole, isBold: boolean): FontKey {
  if (role === 'han') return 'han';
  if (role === 'arabic') return isBold ? 'arabic-bold' : 'arabic';
  return isBold ? 'latin-bold' : 'latin';
}

const PAGE = { width: 595.28, height: 841.89, left: 50, right: 50, top: 48, bottom: 64 } as const;
const CONTENT_WIDTH = PAGE.width - PAGE.left - PAGE.right;
const INDENT = 18;
/** Amiri's letters are small beside Noto Sans at one size: Arabic is drawn this much larger. */
const ARABIC_SCALE = 1.2;
const LINE_HEIGHT = 1.5;
const ASCENT = 1.12;

const STYLES = {
  heading: { isBold: false, size: 8.5, color: '#444444' },
  title: { isBold: true, size: 14, color: '#111111' },
  meta: { isBold: false, size: 9.5, color: '#222222' },
  metaLabel: { isBold: true, size: 9.5, color: '#222222' },
  label: { isBold: true, size: 10.5, color: '#111111' },
  citation: { isBold: false, size: 8, color: '#555555' },
  fieldLabel: { isBold: true, size: 8.5, color: '#333333' },
  value: { isBold: false, size: 9.5, color: '#111111' },
  absent: { isBold: false, size: 9.5, color: '#666666' },
  footer: { isBold: false, size: 7, color: '#333333' },
  version: { isBold: true, size: 8.5, color: '#555555' },
  draftMark: { isBold: true, size: 110, color: '#B00020' },
} as const satisfies Record<string, TextStyle>;

type Pdf = InstanceType<typeof PDFDocument>;

/** What pdfkit keeps of the current font: the fontkit font, used to ask for glyph coverage. */
type FontWithCoverage = { font?: { hasGlyphForCodePoint?: (codePoint: number) => boolean } };

type BlockLine = Readonly<{
  spans: readonly StyledSpan[];
  indent: number;
  direction: 'ltr' | 'rtl';
  spaceBefore?: number;
}>;

type Writer = Readonly<{
  /** Lays out and draws a paragraph at the cursor, in the box [left + indent, right - indent]. */
  paragraph: (
    spans: readonly StyledSpan[],
    options?: { indent?: number; direction?: 'ltr' | 'rtl' | 'auto'; spaceAfter?: number; keepWith?: number },
  ) => void;
  space: (points: number) => void;
  rule: (weight: number, color: string) => void;
  /**
   * Draws lines that belong together (one field, or the closing block) on one page: a new page
   * starts unless they all fit, and only a block taller than a page is cut.
   */
  block: (lines: readonly BlockLine[]) => void;
  /** Starts a new page unless `points` still fit on this one. */
  keepSpace: (points: number) => void;
  newPage: () => void;
  drawLinesAt: (lines: readonly LaidOutLine[], left: number, top: number) => void;
  layout: (
    spans: readonly StyledSpan[],
    width: number,
    direction?: 'ltr' | 'rtl' | 'auto',
  ) => readonly LaidOutLine[];
}>;

function createWriter(doc: Pdf): Writer {
  let y = PAGE.top;
  const bottomLimit = PAGE.height - PAGE.bottom;
  const coverage = new Map<FontKey, Map<number, boolean>>();

  const selectFont = (role: FontRole, style: TextStyle): void => {
    doc.font(fontKeyOf(role, style.isBold)).fontSize(style.size * (role === 'arabic' ? ARABIC_SCALE : 1));
  };
  const measure = (text: string, role: FontRole, style: TextStyle): number => {
    selectFont(role, style);
    return doc.widthOfString(text);
  };
  const hasGlyph: HasGlyph = (role, codePoint) => {
    const key = fontKeyOf(role, false);
    let known = coverage.get(key);
    if (!known) {
      known = new Map();
      coverage.set(key, known);
    }
    const cached = known.get(codePoint);
    if (cached !== undefined) return cached;
    doc.font(key);
    const current = (doc as unknown as { _font?: FontWithCoverage })._font;
    const answer = current?.font?.hasGlyphForCodePoint?.(codePoint) ?? true;
    known.set(codePoint, answer);
    return answer;
  };
  const layout = (spans: readonly StyledSpan[], width: number, direction: 'ltr' | 'rtl' | 'auto' = 'auto') =>
    layoutParagraph(spans, { maxWidth: width, direction, measure, hasGlyph }).lines;
  const lineHeight = (line: LaidOutLine): number => line.size * LINE_HEIGHT;

  const drawLinesAt = (lines: readonly LaidOutLine[], left: number, top: number): void => {
    let lineTop = top;
    for (const line of lines) {
      const baseline = lineTop + line.size * ASCENT;
      for (const piece of line.pieces) {
        if (piece.text.trim().length === 0) continue;
        selectFont(piece.role, piece.style);
        doc
          .fillColor(piece.style.color)
          .text(piece.text, left + piece.x, baseline, { lineBreak: false, baseline: 'alphabetic' });
      }
      lineTop += lineHeight(line);
    }
  };

  const keepSpace = (points: number): void => {
    if (y + points > bottomLimit && y > PAGE.top) newPage();
  };

  const newPage = (): void => {
    doc.addPage();
    y = PAGE.top;
  };

  return {
    layout,
    drawLinesAt,
    keepSpace,
    newPage,
    block: (blockLines) => {
      const laidOut = blockLines.map((line) => ({
        line,
        lines: layout(line.spans, CONTENT_WIDTH - 2 * line.indent, line.direction),
      }));
      const height = laidOut.reduce(
        (sum, { line, lines }) =>
          sum + (line.spaceBefore ?? 0) + lines.reduce((total, each) => total + lineHeight(each), 0),
        0,
      );
      if (height <= bottomLimit - PAGE.top) keepSpace(height);
      for (const { line, lines } of laidOut) {
        y += line.spaceBefore ?? 0;
        for (const each of lines) {
          keepSpace(lineHeight(each));
          drawLinesAt([each], PAGE.left + line.indent, y);
          y += lineHeight(each);
        }
      }
    },
    paragraph: (spans, options = {}) => {
      const indent = options.indent ?? 0;
      const lines = layout(spans, CONTENT_WIDTH - 2 * indent, options.direction);
      const first = lines[0];
      if (first) keepSpace(lineHeight(first) + (options.keepWith ?? 0));
      for (const line of lines) {
        keepSpace(lineHeight(line));
        drawLinesAt([line], PAGE.left + indent, y);
        y += lineHeight(line);
      }
      y += options.spaceAfter ?? 0;
    },
    space: (points) => {
      y += points;
    },
    rule: (weight, color) => {
      keepSpace(weight + 2);
      doc
        .moveTo(PAGE.left, y)
        .lineTo(PAGE.width - PAGE.right, y)
        .lineWidth(weight)
        .strokeColor(color)
        .stroke();
      y += weight + 2;
    },
  };
}

/** Wraps a text in a first-strong bidi isolate, so it keeps its own direction inside the line. */
function isolate(text: string): string {
  return `\u2068${text}\u2069`;
}

/**
 * "Label: value" as styled spans, in the version's direction. The value is a bidi isolate, so
 * an Arabic label never pulls the digits of a date beside it into right-to-left order, and a
 * Latin value inside an Arabic version keeps its own order.
 */
function fieldSpans(
  field: DocumentField,
  labelStyle: TextStyle,
  valueStyle: TextStyle,
  separator: string,
): StyledSpan[] {
  if (!field.label) return [{ text: isolate(field.value), style: valueStyle }];
  return [
    { text: `${field.label}${separator}`, style: labelStyle },
    { text: isolate(field.value), style: valueStyle },
  ];
}

function writeHeader(writer: Writer, version: DocumentVersion, isBilingual: boolean): void {
  const direction = version.direction;
  if (isBilingual) writer.paragraph([{ text: version.versionName, style: STYLES.version }], { direction });
  writer.paragraph([{ text: version.heading, style: STYLES.heading }], { direction });
  writer.space(4);
  writer.paragraph([{ text: version.title, style: STYLES.title }], { direction });
  if (version.citation) writer.paragraph([{ text: version.citation, style: STYLES.meta }], { direction });
  writer.paragraph(fieldSpans(version.caseReference, STYLES.metaLabel, STYLES.meta, version.labelSeparator), {
    direction,
    spaceAfter: 4,
  });
  writer.rule(1.2, '#111111');
  writer.space(4);
}

/** A field is never split across pages: its label and every line of its value move together. */
function writeField(writer: Writer, field: DocumentField, direction: 'ltr' | 'rtl', separator: string): void {
  writer.block(
    field.value.split(/\r?\n/).map((line, lineIndex) => ({
      // Later lines of a multi-line value carry no label.
      spans: fieldSpans(
        { label: lineIndex === 0 ? field.label : undefined, value: line },
        STYLES.fieldLabel,
        STYLES.value,
        separator,
      ),
      indent: INDENT,
      direction,
    })),
  );
}

function writeSection(
  writer: Writer,
  section: DocumentSection,
  index: number,
  version: DocumentVersion,
): void {
  const { direction, labelSeparator } = version;
  // Keep the heading with the first lines of its content.
  writer.keepSpace(70);
  writer.paragraph([{ text: `${index + 1}. ${section.label}`, style: STYLES.label }], { direction });
  if (section.citation) writer.paragraph([{ text: section.citation, style: STYLES.citation }], { direction });
  writer.space(2);
  if (section.items.length === 0) {
    writer.paragraph([{ text: ABSENT, style: STYLES.absent }], { indent: INDENT, direction });
  }
  section.items.forEach((item, itemIndex) => {
    if (itemIndex > 0) writer.space(4);
    for (const field of item) writeField(writer, field, direction, labelSeparator);
  });
  writer.space(5);
  writer.rule(0.4, '#BBBBBB');
  writer.space(3);
}

/** Place, date, issuing authority, and the lines left for the signature, the name and the seal. */
function writeClosing(writer: Writer, version: DocumentVersion): void {
  const { closing, direction } = version;
  const blank = '________________________';
  const line = (field: DocumentField) => ({
    spans: fieldSpans(
      { label: field.label, value: field.value || blank },
      STYLES.metaLabel,
      STYLES.meta,
      version.labelSeparator,
    ),
    indent: 0,
    direction,
  });
  writer.space(10);
  writer.block([
    line(closing.place),
    line(closing.date),
    line(closing.issuingAuthority),
    ...closing.signatureLines.map((label) => ({ ...line({ label, value: blank }), spaceBefore: 14 })),
  ]);
}

type PageRange = Readonly<{ first: number; count: number }>;

/** What fontkit gives of a laid-out text: glyph outlines and advances, in font units. */
type GlyphRun = {
  glyphs: Array<{ path: { transform: (...matrix: number[]) => { toSVG: () => string } } }>;
  positions: Array<{ xAdvance: number; xOffset: number; yOffset: number }>;
};
type ShapingFont = { unitsPerEm: number; layout: (text: string) => GlyphRun };

/**
 * The draft mark, large and light, across the page in the page's language. Drawn as outlines,
 * not text, so that copying or extracting the page's text is not broken by letters scattered
 * along a diagonal; the footer says the same in words.
 */
function writeDraftMark(doc: Pdf, writer: Writer, version: DocumentVersion): void {
  const style = STYLES.draftMark;
  const role = writer.layout([{ text: version.draftMark, style }], PAGE.width)[0]?.pieces[0]?.role ?? 'latin';
  doc.font(fontKeyOf(role, style.isBold));
  const font = (doc as unknown as { _font?: { font?: ShapingFont } })._font?.font;
  if (!font) return;
  const run = font.layout(version.draftMark);
  const scale = style.size / font.unitsPerEm;
  const width = run.positions.reduce((sum, position) => sum + position.xAdvance * scale, 0);
  doc.save();
  doc.rotate(-40, { origin: [PAGE.width / 2, PAGE.height / 2] });
  doc.fillColor(style.color).fillOpacity(0.16);
  let pen = PAGE.width / 2 - width / 2;
  const baseline = PAGE.height / 2 + style.size * 0.35;
  run.glyphs.forEach((glyph, index) => {
    const position = run.positions[index];
    if (!position) return;
    const x = pen + position.xOffset * scale;
    const path = glyph.path.transform(scale, 0, 0, -scale, x, baseline - position.yOffset * scale).toSVG();
    if (path) doc.path(path).fill();
    pen += position.xAdvance * scale;
  });
  doc.restore();
}

function writeFooters(doc: Pdf, writer: Writer, model: DocumentModel, pagesOf: readonly PageRange[]): void {
  const range = doc.bufferedPageRange();
  for (let page = range.start; page < range.start + range.count; page++) {
    doc.switchToPage(page);
    const versionIndex = pagesOf.findIndex((part) => page >= part.first && page < part.first + part.count);
    const version = model.versions[Math.max(0, versionIndex)] as DocumentVersion;
    if (model.isDraft) writeDraftMark(doc, writer, version);
    const draft = model.isDraft ? `${version.draftMark} — ${version.draftNotice} · ` : '';
    const text = `${draft}SHA-256: ${model.contentDigest} · catalogue ${model.catalogueVersion} · ${page - range.start + 1} / ${range.count}`;
    drawFooter(doc, writer, text, version.direction);
  }
}

/** A rule and one line of text at the foot of the current page. */
function drawFooter(doc: Pdf, writer: Writer, text: string, direction: 'ltr' | 'rtl'): void {
  const lines = writer.layout([{ text, style: STYLES.footer }], CONTENT_WIDTH, direction);
  const top = PAGE.height - PAGE.bottom + 18;
  doc
    .moveTo(PAGE.left, top - 4)
    .lineTo(PAGE.width - PAGE.right, top - 4)
    .lineWidth(0.4)
    .strokeColor('#999999')
    .stroke();
  writer.drawLinesAt(lines, PAGE.left, top);
}

export type PdfRenderOptions = Readonly<{ createdAt?: Date }>;

/** A new A4 document with the fonts registered, and its bytes once it ends. */
function startPdf(
  language: string,
  info: Readonly<{ Title: string; Subject?: string; CreationDate: Date }>,
): { doc: Pdf; finished: Promise<Buffer> } {
  const fonts = loadFonts();
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: PAGE.top, bottom: 0, left: PAGE.left, right: PAGE.right },
    bufferPages: true,
    autoFirstPage: true,
    lang: language,
    displayTitle: true,
    info: { ...info, Creator: 'Comity', Producer: 'Comity' },
  });
  for (const [key, buffer] of Object.entries(fonts)) doc.registerFont(key, buffer);
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const finished = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  return { doc, finished };
}

/** Renders the document to PDF bytes. Throws `unavailable` when a font is not installed. */
export async function renderDocumentPdf(
  model: DocumentModel,
  options: PdfRenderOptions = {},
): Promise<Buffer> {
  const { doc, finished } = startPdf(model.languages[0] ?? 'en', {
    Title: model.versions.map((version) => version.title).join(' / '),
    Subject: `SHA-256 ${model.contentDigest}`,
    CreationDate: options.createdAt ?? new Date(),
  });

  const writer = createWriter(doc);
  const isBilingual = model.versions.length > 1;
  const pagesOf: PageRange[] = [];
  model.versions.forEach((version, versionIndex) => {
    // Each language starts on its own page: the versions follow each other, never interleaved.
    if (versionIndex > 0) writer.newPage();
    const first = doc.bufferedPageRange().count - 1;
    writeHeader(writer, version, isBilingual);
    version.sections.forEach((section, index) => {
      writeSection(writer, section, index, version);
    });
    writeClosing(writer, version);
    pagesOf.push({ first, count: doc.bufferedPageRange().count - first });
  });
  writeFooters(doc, writer, model, pagesOf);
  doc.end();
  return finished;
}

/** A plain report (the custody report of an evidence export): titled sections of labelled lines. */
export type ReportModel = Readonly<{
  language: string;
  direction: 'ltr' | 'rtl';
  heading: string;
  title: string;
  sections: readonly Readonly<{
    label: string;
    /** Groups of fields, a little space between groups; a field without label is a plain line. */
    groups: readonly (readonly DocumentField[])[];
  }>[];
  /** Printed at the foot of every page, before "page n / total". */
  footer: string;
}>;

/** Renders a report to PDF bytes with the formal document's fonts and line layout. */
export async function renderReportPdf(report: ReportModel, options: PdfRenderOptions = {}): Promise<Buffer> {
  const { doc, finished } = startPdf(report.language, {
    Title: report.title,
    CreationDate: options.createdAt ?? new Date(),
  });
  const writer = createWriter(doc);
  const { direction } = report;
  const separator = shippedDocumentLabels().get(report.language)?.labelSeparator ?? ': ';
  writer.paragraph([{ text: report.heading, style: STYLES.heading }], { direction });
  writer.space(4);
  writer.paragraph([{ text: report.title, style: STYLES.title }], { direction, spaceAfter: 4 });
  writer.rule(1.2, '#111111');
  writer.space(4);
  report.sections.forEach((section, index) => {
    writer.keepSpace(70);
    writer.paragraph([{ text: `${index + 1}. ${section.label}`, style: STYLES.label }], { direction });
    writer.space(2);
    section.groups.forEach((group, groupIndex) => {
      if (groupIndex > 0) writer.space(5);
      for (const field of group) writeField(writer, field, direction, separator);
    });
    writer.space(5);
    writer.rule(0.4, '#BBBBBB');
    writer.space(3);
  });
  const range = doc.bufferedPageRange();
  for (let page = range.start; page < range.start + range.count; page++) {
    doc.switchToPage(page);
    drawFooter(doc, writer, `${report.footer} · ${page - range.start + 1} / ${range.count}`, direction);
  }
  doc.end();
  return finished;
}
