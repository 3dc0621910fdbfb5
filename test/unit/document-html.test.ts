import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { escapeHtml, renderDocumentHtml } from '../../src/document/render-html.ts';
import { buildDocument, FIXTURE_CATALOGUE, samplePreservation } from './document-fixtures.ts';

describe('document HTML', () => {
  it('escapes a script in the summary of facts so it is shown, never run', () => {
    const content = samplePreservation({
      summaryOfFacts: 'Payload: <script>alert("x")</script> & <img src=x onerror=alert(1)>',
      caseReference: 'A"><b>bold</b>',
    });
    const html = renderDocumentHtml(buildDocument(content, FIXTURE_CATALOGUE, ['en', 'fr']));
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

  it('prints each language as its own version, never interleaved, with its language and direction', () => {
    const html = renderDocumentHtml(buildDocument(samplePreservation(), FIXTURE_CATALOGUE, ['ar', 'en']));
    assert.match(html, /<html lang="ar" dir="rtl">/);
    const versions = [
      ...html.matchAll(/<article class="version" lang="(\w+)" dir="(\w+)">([\s\S]*?)<\/article>/g),
    ];
    assert.deepEqual(
      versions.map((match) => [match[1], match[2]]),
      [
        ['ar', 'rtl'],
        ['en', 'ltr'],
      ],
    );
    const [arabic, english] = versions.map((match) => match[3] ?? '');
    assert.match(
      arabic ?? '',
      /<h2>ملخص الوقائع<\/h2><bdi class="citation">المادة \u206642\(3\)\(b\)\u2069<\/bdi>/,
    );
    assert.doesNotMatch(arabic ?? '', /Summary of facts/);
    assert.match(english ?? '', /<h2>Summary of facts<\/h2><bdi class="citation">Art\. 42\(3\)\(b\)<\/bdi>/);
    assert.doesNotMatch(english ?? '', /ملخص الوقائع/);
    assert.match(html, /\.version \+ \.version \{ break-before: page;/);
  });

  it('closes with place, date and signature lines, and marks an incomplete request as a draft', () => {
    const complete = renderDocumentHtml(buildDocument(samplePreservation(), FIXTURE_CATALOGUE, ['fr']));
    assert.match(complete, /<dt>Lieu<\/dt>[\s\S]*<dt>Signature<\/dt>[\s\S]*<dt>Sceau officiel<\/dt>/);
    assert.doesNotMatch(complete, /class="draft-mark"/);
    const draft = renderDocumentHtml(
      buildDocument(samplePreservation({ summaryOfFacts: undefined }), FIXTURE_CATALOGUE, ['fr', 'de']),
    );
    assert.match(
      draft,
      /<div class="draft-mark" aria-hidden="true"><bdi lang="fr">PROJET<\/bdi> <bdi lang="de">ENTWURF<\/bdi><\/div>/,
    );
    assert.match(draft, /\.draft-mark \{ position: fixed;/);
  });

  it('takes its fonts from the node when told where they are served', () => {
    const html = renderDocumentHtml(buildDocument(samplePreservation(), FIXTURE_CATALOGUE, ['zh']), {
      fontBaseUrl: '/api/v1/document/fonts/',
    });
    const urls = [...html.matchAll(/url\("([^"]+)"\)/g)].map((match) => match[1]);
    assert.ok(urls.includes('/api/v1/document/fonts/noto-sans-sc-400.ttf'), urls.join(', '));
    for (const url of urls) assert.match(url ?? '', /^\/api\/v1\/document\/fonts\/[\w-]+\.ttf$/);
  });

  it('is a printable A4 page without external resources, with the SHA-256 and catalogue version in the footer', () => {
    const model = buildDocument(samplePreservation({ necessity: undefined }), FIXTURE_CATALOGUE, [
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
  it('writes dates and times as the language of each version does, with the offset and the UTC moment', () => {
    const content = samplePreservation({
      requestDate: '2026-12-07',
      identifiers: [{ kind: 'ip-address', value: '203.0.113.7', observedAt: '2026-12-07T21:04:11+01:00' }],
    });
    const versions = (languages: string[]) =>
      renderDocumentHtml(buildDocument(content, FIXTURE_CATALOGUE, languages)).split('<article');
    const [, english = '', french = ''] = versions(['en', 'fr']);
    assert.match(
      english,
      /<dt>Observed on<\/dt><dd><span class="line" dir="auto"><time datetime="2026-12-07T20:04:11Z">7 December 2026 at 21:04:11 UTC\+1 = 7 December 2026 at 20:04:11 UTC<\/time><\/span>/,
    );
    assert.match(
      english,
      /<dt>Date<\/dt><dd><span class="line" dir="auto"><time datetime="2026-12-07">7 December 2026<\/time><\/span>/,
    );
    assert.match(
      french,
      /<time datetime="2026-12-07T20:04:11Z">7 décembre 2026 à 21:04:11 UTC\+1 = 7 décembre 2026 à 20:04:11 UTC<\/time>/,
    );
    assert.match(
      french,
      /<dt>Date<\/dt><dd><span class="line" dir="auto"><time datetime="2026-12-07">7 décembre 2026<\/time><\/span>/,
    );
    const [, arabic = '', chinese = ''] = versions(['ar', 'zh']);
    // Arabic: the line finds its direction in the month's letters inside <time>, and the Latin
    // offset and "UTC" keep their isolation marks within the element.
    assert.match(arabic, /^ class="version" lang="ar" dir="rtl">/);
    assert.match(
      arabic,
      /<span class="line" dir="auto"><time datetime="2026-12-07T20:04:11Z">7 ديسمبر 2026 في 21:04:11 \u2066UTC\+1\u2069 = 7 ديسمبر 2026 في 20:04:11 \u2066UTC\u2069<\/time><\/span>/,
    );
    assert.match(
      arabic,
      /<span class="line" dir="auto"><time datetime="2026-12-07">7 ديسمبر 2026<\/time><\/span>/,
    );
    assert.match(
      chinese,
      /<time datetime="2026-12-07T20:04:11Z">2026年12月7日 21:04:11 UTC\+1 = 2026年12月7日 20:04:11 UTC<\/time>/,
    );
    assert.match(
      chinese,
      /<dd><span class="line" dir="auto"><time datetime="2026-12-07">2026年12月7日<\/time><\/span>/,
    );
    for (const version of [english, french, arabic, chinese]) {
      const shown = version.replace(/<[^>]*>/g, '');
      assert.doesNotMatch(shown, /2026-12-07/, 'no ISO 8601 date is shown, only kept in datetime');
    }
  });

  it('keeps each written date and moment machine-readable in <time datetime>, as precise as given', () => {
    const content = samplePreservation({
      identifiers: [
        {
          kind: 'ip-address',
          value: '203.0.113.7',
          observedAt: '2026-03-01T10:15',
          timeZone: 'Europe/Paris',
        },
        { kind: 'ip-address', value: '203.0.113.8', observedAt: '2026-07-01T23:50:00.250+05:30' },
        { kind: 'ip-address', value: '203.0.113.9', observedAt: '2026-07-01T10:15:00' },
        { kind: 'ip-address', value: '203.0.113.10', observedAt: 'the evening of <2 July> & after' },
      ],
      dataSought: {
        categories: ['traffic'],
        description: 'Connection logs.',
        period: { from: '2026-02-01', to: '2026-02-30' },
      },
    });
    const html = renderDocumentHtml(buildDocument(content, FIXTURE_CATALOGUE, ['en']));
    const times = [...html.matchAll(/<time datetime="([^"]*)">([^<]*)<\/time>/g)].map((match) => [
      match[1],
      match[2],
    ]);
    assert.deepEqual(times, [
      ['2026-03-01T09:15Z', '1 March 2026 at 10:15 Europe/Paris (UTC+1) = 1 March 2026 at 09:15 UTC'],
      ['2026-07-01T18:20:00.250Z', '1 July 2026 at 23:50:00.250 UTC+5:30 = 1 July 2026 at 18:20:00.250 UTC'],
      // No zone, no instant: the wall clock as written, which HTML reads as a local date and time.
      ['2026-07-01T10:15:00', '1 July 2026 at 10:15:00 (time zone not stated)'],
      // A period: each real day its own <time>; a day that does not exist is printed as written.
      ['2026-02-01', '1 February 2026'],
    ]);
    assert.match(html, /<time datetime="2026-02-01">1 February 2026<\/time> – 2026-02-30<\/span>/);
    // Text that is no moment stays text, escaped.
    assert.match(html, /<span class="line" dir="auto">the evening of &lt;2 July&gt; &amp; after<\/span>/);
  });
});
