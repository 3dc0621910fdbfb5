/**
 * The formal document as a PDF (A4), drawn with pdfkit and the Noto fonts shipped as npm
 * packages, so a fresh node renders Arabic, Chinese and Cyrillic without system fonts.
 *
 * pdfkit embeds only the glyphs used (subsets), so a document stays small although the Chinese
 * font file is about 10 MB. Line layout, font switching per script and right-to-left ordering
 * are done by src/document/pdf-text-layout.ts; this module paginates, draws and adds the footer
 * (content SHA-256, catalogue version, page n / total) to every page.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import { AppError } from '../core/errors.ts';
import { isRightToLeft, type Locale } from '../core/i18n.ts';
import type { DocumentField, DocumentModel, DocumentSection } from './document-model.ts';
import { ABSENT } from './document-model.ts';
import {
  type FontRole,
  type HasGlyph,
  type LaidOutLine,
  layoutParagraph,
  type StyledSpan,
  type TextStyle,
} from './pdf-text-layout.ts';

type FontKey = 'latin' | 'latin-bold' | 'arabic' | 'arabic-bold' | 'han';

/** Font files, as module paths inside installed npm packages (resolved, never absolute). */
const FONT_MODULES: Readonly<Record<FontKey, string>> = {
  latin: '@expo-google-fonts/noto-sans/400Regular/NotoSans_400Regular.ttf',
  'latin-bold': '@expo-google-fonts/noto-sans/700Bold/NotoSans_700Bold.ttf',
  arabic: '@expo-google-fonts/noto-sans-arabic/400Regular/NotoSansArabic_400Regular.ttf',
  'arabic-bold': '@expo-google-fonts/noto-sans-arabic/700Bold/NotoSansArabic_700Bold.ttf',
  han: '@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf',
};

const requireFromHere = createRequire(import.meta.url);
let fontCache: Readonly<Record<FontKey, Buffer>> | undefined;

/** Reads the font files once per process; refuses with `unavailable` when one is missing. */
function loadFonts(): Readonly<Record<FontKey, Buffer>> {
  if (fontCache) return fontCache;
  const loaded: Partial<Record<FontKey, Buffer>> = {};
  for (const [key, modulePath] of Object.entries(FONT_MODULES) as Array<[FontKey, string]>) {
    try {
      loaded[key] = readFileSync(requireFromHere.resolve(modulePath));
    } catch {
      throw new AppError(
        'unavailable',
        `the PDF renderer needs the font ${modulePath}; install the npm dependencies (npm ci) and retry`,
      );
    }
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
const LINE_HEIGHT = 1.5;
const ASCENT = 1.12;

const STYLES = {
  heading: { isBold: false, size: 8.5, color: '#444444' },
  title: { isBold: true, size: 14, color: '#111111' },
  titleSecond: { isBold: true, size: 12, color: '#333333' },
  meta: { isBold: false, size: 9.5, color: '#222222' },
  metaLabel: { isBold: true, size: 9.5, color: '#222222' },
  label: { isBold: true, size: 10.5, color: '#111111' },
  labelSecond: { isBold: true, size: 10, color: '#444444' },
  citation: { isBold: false, size: 8, color: '#555555' },
  fieldLabel: { isBold: true, size: 8.5, color: '#333333' },
  value: { isBold: false, size: 9.5, color: '#111111' },
  absent: { isBold: false, size: 9.5, color: '#666666' },
  footer: { isBold: false, size: 7, color: '#333333' },
} as const satisfies Record<string, TextStyle>;

type Pdf = InstanceType<typeof PDFDocument>;

/** What pdfkit keeps of the current font: the fontkit font, used to ask for glyph coverage. */
type FontWithCoverage = { font?: { hasGlyphForCodePoint?: (codePoint: number) => boolean } };

type Writer = Readonly<{
  /** Lays out and draws a paragraph at the cursor, in the box [left + indent, right - indent]. */
  paragraph: (
    spans: readonly StyledSpan[],
    options?: { indent?: number; direction?: 'ltr' | 'rtl' | 'auto'; spaceAfter?: number; keepWith?: number },
  ) => void;
  space: (points: number) => void;
  rule: (weight: number, color: string) => void;
  /** Starts a new page unless `points` still fit on this one. */
  keepSpace: (points: number) => void;
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
    doc.font(fontKeyOf(role, style.isBold)).fontSize(style.size);
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
    if (y + points > bottomLimit && y > PAGE.top) {
      doc.addPage();
      y = PAGE.top;
    }
  };

  return {
    layout,
    drawLinesAt,
    keepSpace,
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

function directionOf(locale: Locale): 'ltr' | 'rtl' {
  return isRightToLeft(locale) ? 'rtl' : 'ltr';
}

function writeHeader(writer: Writer, model: DocumentModel): void {
  for (const part of model.heading) {
    writer.paragraph([{ text: part.text, style: STYLES.heading }], { direction: directionOf(part.locale) });
  }
  writer.space(4);
  model.title.forEach((part, index) => {
    writer.paragraph([{ text: part.text, style: index === 0 ? STYLES.title : STYLES.titleSecond }], {
      direction: directionOf(part.locale),
    });
  });
  if (model.citation)
    writer.paragraph([{ text: model.citation, style: STYLES.meta }], {
      direction: directionOf(model.languages[0] ?? 'en'),
    });
  writer.paragraph(fieldSpans(model.caseReference, STYLES.metaLabel, STYLES.meta), {
    direction: fieldDirection(model.caseReference, model.languages[0] ?? 'en'),
    spaceAfter: 4,
  });
  writer.rule(1.2, '#111111');
  writer.space(4);
}

/** Wraps a text in a first-strong bidi isolate, so it keeps its own direction inside the line. */
function isolate(text: string): string {
  return `\u2068${text}\u2069`;
}

/**
 * "Label / Libellé: value" as styled spans. Each label part and the value are bidi isolates, so
 * an Arabic label never pulls the digits of a date beside it into right-to-left order.
 */
function fieldSpans(field: DocumentField, labelStyle: TextStyle, valueStyle: TextStyle): StyledSpan[] {
  if (field.label.length === 0) return [{ text: field.value, style: valueStyle }];
  const label = [...new Set(field.label.map((part) => part.text))].map(isolate).join(' / ');
  return [
    { text: `${label}: `, style: labelStyle },
    { text: isolate(field.value), style: valueStyle },
  ];
}

/**
 * A labelled line reads in the direction of its first label; an unlabelled one finds its own,
 * except a bilingual value ("⁨Yes⁩ / ⁨نعم⁩"), all isolates, which follows the document's.
 */
function fieldDirection(field: DocumentField, documentLocale: Locale): 'ltr' | 'rtl' | 'auto' {
  const first = field.label[0];
  if (first) return directionOf(first.locale);
  return field.value.startsWith('\u2068') ? directionOf(documentLocale) : 'auto';
}

function writeSection(writer: Writer, section: DocumentSection, index: number, documentLocale: Locale): void {
  // Keep the heading with the first lines of its content.
  writer.keepSpace(70);
  section.label.forEach((part, position) => {
    const prefix = position === 0 ? `${index + 1}. ` : '';
    writer.paragraph(
      [{ text: `${prefix}${part.text}`, style: position === 0 ? STYLES.label : STYLES.labelSecond }],
      {
        direction: directionOf(part.locale),
      },
    );
  });
  if (section.citation) {
    writer.paragraph([{ text: section.citation, style: STYLES.citation }], {
      direction: directionOf(section.label[0]?.locale ?? 'en'),
    });
  }
  writer.space(2);
  if (section.items.length === 0) {
    writer.paragraph([{ text: ABSENT, style: STYLES.absent }], { indent: INDENT });
  }
  section.items.forEach((item, itemIndex) => {
    if (itemIndex > 0) writer.space(4);
    for (const field of item) {
      field.value.split(/\r?\n/).forEach((line, lineIndex) => {
        // Later lines of a multi-line value carry no label.
        const lineField = { label: lineIndex === 0 ? field.label : [], value: line };
        writer.paragraph(fieldSpans(lineField, STYLES.fieldLabel, STYLES.value), {
          indent: INDENT,
          direction: fieldDirection(lineField, documentLocale),
        });
      });
    }
  });
  writer.space(5);
  writer.rule(0.4, '#BBBBBB');
  writer.space(3);
}

function writeFooters(doc: Pdf, writer: Writer, model: DocumentModel): void {
  const range = doc.bufferedPageRange();
  for (let page = range.start; page < range.start + range.count; page++) {
    doc.switchToPage(page);
    const text = `SHA-256: ${model.contentDigest} · catalogue ${model.catalogueVersion} · ${page - range.start + 1} / ${range.count}`;
    const lines = writer.layout([{ text, style: STYLES.footer }], CONTENT_WIDTH, 'ltr');
    const top = PAGE.height - PAGE.bottom + 18;
    doc
      .moveTo(PAGE.left, top - 4)
      .lineTo(PAGE.width - PAGE.right, top - 4)
      .lineWidth(0.4)
      .strokeColor('#999999')
      .stroke();
    writer.drawLinesAt(lines, PAGE.left, top);
  }
}

export type PdfRenderOptions = Readonly<{ createdAt?: Date }>;

/** Renders the document to PDF bytes. Throws `unavailable` when a font is not installed. */
export async function renderDocumentPdf(
  model: DocumentModel,
  options: PdfRenderOptions = {},
): Promise<Buffer> {
  const fonts = loadFonts();
  const first = model.languages[0] ?? 'en';
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: PAGE.top, bottom: 0, left: PAGE.left, right: PAGE.right },
    bufferPages: true,
    autoFirstPage: true,
    lang: first,
    displayTitle: true,
    info: {
      Title: model.title.map((part) => part.text).join(' / '),
      Subject: `SHA-256 ${model.contentDigest}`,
      Creator: 'Comity',
      Producer: 'Comity',
      CreationDate: options.createdAt ?? new Date(),
    },
  });
  for (const [key, buffer] of Object.entries(fonts)) doc.registerFont(key, buffer);
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const finished = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const writer = createWriter(doc);
  writeHeader(writer, model);
  model.sections.forEach((section, index) => {
    writeSection(writer, section, index, first);
  });
  writeFooters(doc, writer, model);
  doc.end();
  return finished;
}
