/**
 * The formal document as one self-contained, printable HTML page (A4, inline CSS, no scripts,
 * no external resources), for the draft screen's preview and the browser's "print to PDF".
 *
 * Every text from the draft is escaped. Each bilingual heading carries its `lang`, and Arabic
 * ones `dir="rtl"`; values take `dir="auto"` because free text may be in any script. A date or
 * moment, written in words, stands in a `<time datetime>` with its exact ISO 8601 value.
 */
import type {
  DocumentField,
  DocumentModel,
  DocumentSection,
  DocumentTime,
  DocumentVersion,
} from './document-model.ts';
import { ABSENT } from './document-model.ts';
import { DOCUMENT_FONT_FILES } from './document-fonts.ts';

export type HtmlRenderOptions = Readonly<{
  /** Where the node serves the document fonts ("/api/v1/document/fonts/"); none: system fonts. */
  fontBaseUrl?: string;
}>;

/** @font-face rules for the fonts the node serves, so the print view looks like the PDF. */
function fontFaces(baseUrl: string): string {
  return DOCUMENT_FONT_FILES.map(
    (font) =>
      `@font-face { font-family: "${font.family}"; font-weight: ${font.weight}; font-display: swap; src: url("${baseUrl}${font.file}") format("truetype"); }`,
  ).join('\n');
}

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML element content and double- or single-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ESCAPES[character] ?? character);
}

/**
 * A line of a value, escaped, each date or moment written in it inside `<time datetime="...">`
 * with the exact value it was written from ("2026-12-07T20:04:11Z", "2026-12-07"): the words are
 * for the reader, the attribute keeps the paper checkable by a machine against the data. A
 * `<time>` does not isolate its text, so the line's `dir="auto"` still finds its direction in the
 * words (an Arabic month), and the isolation marks around a Latin zone stay inside the element.
 */
function lineHtml(line: string, times: readonly DocumentTime[]): string {
  let html = '';
  let rest = line;
  for (const time of times) {
    const at = rest.indexOf(time.text);
    if (at < 0) continue;
    html += `${escapeHtml(rest.slice(0, at))}<time datetime="${escapeHtml(time.datetime)}">${escapeHtml(time.text)}</time>`;
    rest = rest.slice(at + time.text.length);
  }
  return html + escapeHtml(rest);
}

/** A value's lines, each finding its own direction: a value may hold an Arabic line and a Latin one. */
function valueLines(field: DocumentField): string {
  return field.value
    .split(/\r?\n/)
    .map((line) => `<span class="line" dir="auto">${lineHtml(line, field.times ?? [])}</span>`)
    .join('');
}

function fieldHtml(field: DocumentField): string {
  const value = `<dd>${valueLines(field)}</dd>`;
  if (!field.label) return `<div class="field plain">${value}</div>`;
  return `<div class="field"><dt>${escapeHtml(field.label)}</dt>${value}</div>`;
}

function sectionHtml(section: DocumentSection, index: number): string {
  const citation = section.citation ? `<bdi class="citation">${escapeHtml(section.citation)}</bdi>` : '';
  const body =
    section.items.length === 0
      ? `<p class="absent">${ABSENT}</p>`
      : section.items.map((item) => `<dl class="item">${item.map(fieldHtml).join('')}</dl>`).join('');
  return `<section class="element" data-element="${escapeHtml(section.element)}">
<header><span class="number">${index + 1}.</span><h2>${escapeHtml(section.label)}</h2>${citation}</header>
${body}
</section>`;
}

function closingHtml(version: DocumentVersion): string {
  const { closing } = version;
  const line = (field: DocumentField) =>
    `<div class="field"><dt>${escapeHtml(field.label ?? '')}</dt><dd>${valueLines(field)}</dd></div>`;
  return `<dl class="closing">
${line(closing.place)}
${line(closing.date)}
${line(closing.issuingAuthority)}
${closing.signatureLines.map((label) => `<div class="field signature"><dt>${escapeHtml(label)}</dt><dd></dd></div>`).join('\n')}
</dl>`;
}

/** One language's version, complete; its `lang` and `dir` hold for everything inside it. */
function versionHtml(version: DocumentVersion, isBilingual: boolean): string {
  const citation = version.citation
    ? `<p class="type-citation"><bdi>${escapeHtml(version.citation)}</bdi></p>`
    : '';
  const caseReference = `<p class="case-reference">${escapeHtml(`${version.caseReference.label ?? ''}${version.labelSeparator}`)}<bdi>${escapeHtml(version.caseReference.value)}</bdi></p>`;
  const versionName = isBilingual ? `<p class="version-name">${escapeHtml(version.versionName)}</p>` : '';
  return `<article class="version" lang="${escapeHtml(version.language)}" dir="${version.direction}">
<header class="document-header">
${versionName}<span class="heading">${escapeHtml(version.heading)}</span>
<h1>${escapeHtml(version.title)}</h1>
${citation}
${caseReference}
</header>
${version.sections.map(sectionHtml).join('\n')}
${closingHtml(version)}
</article>`;
}

const STYLE = `
@page { size: A4; margin: 18mm 16mm 20mm 16mm; }
* { box-sizing: border-box; }
html { font-family: "Comity Noto Sans", "Comity Amiri", "Comity Noto Sans SC", "Noto Sans", "Noto Sans Arabic", "Noto Sans SC", "Noto Sans CJK SC", "WenQuanYi Micro Hei", "DejaVu Sans", Arial, sans-serif; font-size: 10.5pt; color: #111; background: #fff; }
body { margin: 0 auto; max-width: 180mm; padding: 12mm 0 24mm; line-height: 1.45; }
.document-header { border-bottom: 1.5pt solid #111; padding-bottom: 4mm; margin-bottom: 5mm; }
.heading { display: block; font-size: 9pt; color: #444; }
h1 { font-size: 15pt; margin: 2mm 0 1mm; }
.version-name { font-size: 8.5pt; font-weight: 700; color: #555; margin: 0 0 1mm; }
.version + .version { break-before: page; margin-top: 12mm; }
.closing { margin: 8mm 0 0; break-inside: avoid; }
.closing .signature dd { border-bottom: 0.5pt solid #111; min-height: 10mm; }
.field { break-inside: avoid; }
.draft-mark { position: fixed; top: 40%; left: 0; right: 0; text-align: center; transform: rotate(-35deg); font-size: 72pt; font-weight: 700; color: rgba(176, 0, 32, 0.16); pointer-events: none; z-index: 1; }
.draft-notice { border: 1pt solid #b00020; color: #b00020; padding: 1.5mm 3mm; font-weight: 700; }
.type-citation, .case-reference { font-size: 9.5pt; margin: 0.5mm 0; }
.element { break-inside: avoid-page; border-bottom: 0.5pt solid #bbb; padding: 2.5mm 0; }
.element header { display: flex; gap: 2mm; align-items: baseline; }
.element .number { font-weight: 700; min-width: 7mm; }
.element h2 { flex: 1; font-size: 10.5pt; margin: 0; }
.citation { font-size: 8.5pt; color: #333; white-space: nowrap; border: 0.5pt solid #999; border-radius: 2pt; padding: 0 1.5mm; }
.item { margin: 1.5mm 0 0 9mm; }
.item + .item { border-top: 0.5pt dotted #bbb; padding-top: 1.5mm; }
.field { display: grid; grid-template-columns: 38% 1fr; gap: 3mm; }
.field.plain { display: block; }
dt { font-size: 9pt; color: #333; }
dd { margin: 0; overflow-wrap: anywhere; }
dd .line { display: block; white-space: pre-wrap; min-height: 1em; }
.absent { margin: 1mm 0 0 9mm; color: #555; }
[dir] { text-align: start; }
.version[dir="rtl"] dd .line { text-align: right; }
footer.digest { position: fixed; bottom: 0; left: 0; right: 0; font-size: 7.5pt; color: #333; text-align: center; padding: 2mm 0; background: #fff; border-top: 0.5pt solid #999; overflow-wrap: anywhere; }
@media screen { body { padding: 12mm 8mm 24mm; } }
@media print { body { padding: 0; max-width: none; } .element { break-inside: avoid; } }
`;

/**
 * The HTML page of a document: each language's version after the other, the second starting on
 * a new printed page. Fonts come from the node (`fontBaseUrl`), never from elsewhere.
 */
export function renderDocumentHtml(model: DocumentModel, options: HtmlRenderOptions = {}): string {
  const first = model.versions[0];
  const titleText = model.versions.map((version) => version.title).join(' / ');
  const footer = `SHA-256: ${escapeHtml(model.contentDigest)} · catalogue ${escapeHtml(model.catalogueVersion)}`;
  const draftMark = model.isDraft
    ? `<div class="draft-mark" aria-hidden="true">${model.versions.map((version) => `<bdi lang="${escapeHtml(version.language)}">${escapeHtml(version.draftMark)}</bdi>`).join(' ')}</div>
<p class="draft-notice" role="note">${model.versions.map((version) => `<bdi lang="${escapeHtml(version.language)}">${escapeHtml(`${version.draftMark} — ${version.draftNotice}`)}</bdi>`).join(' · ')}</p>`
    : '';
  const fonts = options.fontBaseUrl ? fontFaces(options.fontBaseUrl) : '';
  return `<!DOCTYPE html>
<html lang="${escapeHtml(first?.language ?? 'en')}" dir="${first?.direction ?? 'ltr'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="comity-content-sha256" content="${escapeHtml(model.contentDigest)}">
<title>${escapeHtml(titleText)}</title>
<style>${fonts}${STYLE}</style>
</head>
<body>
${draftMark}
<main>
${model.versions.map((version) => versionHtml(version, model.versions.length > 1)).join('\n')}
</main>
<footer class="digest" dir="ltr" lang="en">${footer}</footer>
</body>
</html>
`;
}
