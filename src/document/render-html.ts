/**
 * The formal document as one self-contained, printable HTML page (A4, inline CSS, no scripts,
 * no external resources), for the draft screen's preview and the browser's "print to PDF".
 *
 * Every text from the draft is escaped. Each bilingual heading carries its `lang`, and Arabic
 * ones `dir="rtl"`; values take `dir="auto"` because free text may be in any script.
 */
import { isRightToLeft, type Locale } from '../core/i18n.ts';
import type { DocumentField, DocumentModel, DocumentSection, LocalizedString } from './document-model.ts';
import { ABSENT } from './document-model.ts';

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

/** Explicit on every block: a Chinese label inside an Arabic page must not inherit right-to-left. */
function directionAttribute(locale: Locale): string {
  return isRightToLeft(locale) ? ' dir="rtl"' : ' dir="ltr"';
}

function localizedSpan(part: LocalizedString, className: string): string {
  return `<span class="${className}" lang="${part.locale}"${directionAttribute(part.locale)}>${escapeHtml(part.text)}</span>`;
}

function bilingualBlock(label: readonly LocalizedString[], className: string): string {
  return label.map((part) => localizedSpan(part, className)).join('');
}

function fieldHtml(field: DocumentField): string {
  // Each line finds its own direction: a value may hold an Arabic line and a Russian one.
  const lines = field.value
    .split(/\r?\n/)
    .map((line) => `<span class="line" dir="auto">${escapeHtml(line)}</span>`);
  const value = `<dd>${lines.join('')}</dd>`;
  if (field.label.length === 0) return `<div class="field plain">${value}</div>`;
  const label = field.label
    .map((part) => localizedSpan(part, 'field-label'))
    .join('<span class="sep"> / </span>');
  return `<div class="field"><dt>${label}</dt>${value}</div>`;
}

function sectionHtml(section: DocumentSection, index: number): string {
  const citation = section.citation ? `<span class="citation">${escapeHtml(section.citation)}</span>` : '';
  const body =
    section.items.length === 0
      ? `<p class="absent">${ABSENT}</p>`
      : section.items.map((item) => `<dl class="item">${item.map(fieldHtml).join('')}</dl>`).join('');
  return `<section class="element" data-element="${escapeHtml(section.element)}">
<header><span class="number">${index + 1}.</span><h2>${bilingualBlock(section.label, 'label')}</h2>${citation}</header>
${body}
</section>`;
}

const STYLE = `
@page { size: A4; margin: 18mm 16mm 20mm 16mm; }
* { box-sizing: border-box; }
html { font-family: "Noto Sans", "Noto Sans Arabic", "Noto Sans SC", "Noto Sans CJK SC", "WenQuanYi Micro Hei", "DejaVu Sans", Arial, sans-serif; font-size: 10.5pt; color: #111; background: #fff; }
body { margin: 0 auto; max-width: 180mm; padding: 12mm 0 24mm; line-height: 1.45; }
.document-header { border-bottom: 1.5pt solid #111; padding-bottom: 4mm; margin-bottom: 5mm; }
.heading { display: block; font-size: 9pt; color: #444; }
h1 { font-size: 15pt; margin: 2mm 0 1mm; }
h1 .title { display: block; }
h1 .title + .title { color: #333; }
.type-citation, .case-reference { font-size: 9.5pt; margin: 0.5mm 0; }
.element { break-inside: avoid-page; border-bottom: 0.5pt solid #bbb; padding: 2.5mm 0; }
.element header { display: flex; gap: 2mm; align-items: baseline; }
.element .number { font-weight: 700; min-width: 7mm; }
.element h2 { flex: 1; font-size: 10.5pt; margin: 0; }
.element h2 .label { display: block; }
.element h2 .label + .label { font-weight: 400; color: #333; }
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
footer.digest { position: fixed; bottom: 0; left: 0; right: 0; font-size: 7.5pt; color: #333; text-align: center; padding: 2mm 0; background: #fff; border-top: 0.5pt solid #999; overflow-wrap: anywhere; }
@media screen { body { padding: 12mm 8mm 24mm; } }
@media print { body { padding: 0; max-width: none; } .element { break-inside: avoid; } }
`;

/**
 * The HTML page of a document. The `<html>` element takes the first language (and its
 * direction); every label states its own language.
 */
export function renderDocumentHtml(model: DocumentModel): string {
  const first = model.languages[0] ?? 'en';
  const titleText = model.title.map((part) => part.text).join(' / ');
  const caseReferenceLabel = model.caseReference.label
    .map((part) => localizedSpan(part, 'field-label'))
    .join('<span class="sep"> / </span>');
  const caseReference = `<p class="case-reference">${caseReferenceLabel}: <span dir="auto">${escapeHtml(model.caseReference.value)}</span></p>`;
  const citation = model.citation ? `<p class="type-citation">${escapeHtml(model.citation)}</p>` : '';
  const footer = `SHA-256: ${escapeHtml(model.contentDigest)} · catalogue ${escapeHtml(model.catalogueVersion)}`;
  return `<!DOCTYPE html>
<html lang="${first}"${directionAttribute(first)}>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="comity-content-sha256" content="${escapeHtml(model.contentDigest)}">
<title>${escapeHtml(titleText)}</title>
<style>${STYLE}</style>
</head>
<body>
<header class="document-header">
${bilingualBlock(model.heading, 'heading')}
<h1>${bilingualBlock(model.title, 'title')}</h1>
${citation}
${caseReference}
</header>
<main>
${model.sections.map(sectionHtml).join('\n')}
</main>
<footer class="digest" dir="ltr" lang="en">${footer}</footer>
</body>
</html>
`;
}
