import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildDocumentModel } from '../../src/document/document-model.ts';
import { escapeHtml, renderDocumentHtml } from '../../src/document/render-html.ts';
import { FIXTURE_CATALOGUE, samplePreservation } from './document-fixtures.ts';

describe('document HTML', () => {
  it('escapes a script in the summary of facts so it is shown, never run', () => {
    const content = samplePreservation({
      summaryOfFacts: 'Payload: <script>alert("x")</script> & <img src=x onerror=alert(1)>',
      caseReference: 'A"><b>bold</b>',
    });
    const html = renderDocumentHtml(buildDocumentModel(content, FIXTURE_CATALOGUE, ['en', 'fr']));
    assert.doesNotMatch(html, /<script/i);
    assert.doesNotMatch(html, /<img/i);
    assert.doesNotMatch(html, /<b>bold/);
    assert.match(
      html,
      /Payload: &lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt; &amp; &lt;img src=x onerror=alert\(1\)&gt;/,
    );
    assert.match(html, /A&quot;&gt;&lt;b&gt;bold&lt;\/b&gt;/);
    assert.equal(escapeHtml(`<'&">`), '&lt;&#39;&amp;&quot;&gt;');
  });

  it('gives every bilingual label its language, and Arabic ones a right-to-left direction', () => {
    const html = renderDocumentHtml(
      buildDocumentModel(samplePreservation(), FIXTURE_CATALOGUE, ['ar', 'en']),
    );
    assert.match(html, /<html lang="ar" dir="rtl">/);
    const labels = [...html.matchAll(/<span class="(?:label|field-label|title|heading)"([^>]*)>/g)].map(
      (match) => match[1] ?? '',
    );
    assert.ok(labels.length > 20, `found ${labels.length} labels`);
    for (const attributes of labels) {
      assert.match(attributes, /lang="(ar|en)"/);
      if (attributes.includes('lang="ar"')) assert.match(attributes, /dir="rtl"/);
      else assert.match(attributes, /dir="ltr"/);
    }
    assert.match(
      html,
      /<span class="label" lang="ar" dir="rtl">ملخص الوقائع<\/span><span class="label" lang="en" dir="ltr">Summary of facts<\/span>/,
    );
    assert.match(html, /<span class="citation">Art\. 42\(3\)\(b\)<\/span>/);
  });

  it('is a printable A4 page without external resources, with the SHA-256 and catalogue version in the footer', () => {
    const model = buildDocumentModel(samplePreservation({ necessity: undefined }), FIXTURE_CATALOGUE, [
      'en',
      'fr',
    ]);
    const html = renderDocumentHtml(model);
    assert.match(html, /@page \{ size: A4;/);
    assert.match(html, /@media print/);
    assert.doesNotMatch(html, /<link|<script|src=|url\(/i);
    assert.match(
      html,
      new RegExp(
        `<footer class="digest"[^>]*>SHA-256: ${model.contentDigest} · catalogue 9\\.9\\.9-test</footer>`,
      ),
    );
    assert.match(html, /data-element="necessity">[\s\S]*?<p class="absent">—<\/p>/);
  });
});
