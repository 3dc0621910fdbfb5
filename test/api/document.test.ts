import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import type { RequestContent } from '../../src/core/request/draft.ts';
import { digestCanonicalJson } from '../../src/document/canonical-json.ts';
import { escapeHtml } from '../../src/document/render-html.ts';
import { preservationDraft } from '../../src/demo/demo-drafts.ts';
import { approve, submit } from '../helpers/approval.ts';
import { type ActingAs, asRole, bearerAs } from '../helpers/auth.ts';
import { json, startTestApp, type TestApp } from '../helpers/app.ts';
import { DATABASE_TARGETS } from '../helpers/database.ts';
import { type NodePair, startNodePair } from './delivery-fixture.ts';

type Problem = { type: string; title: string; status: number; errors?: { path?: string; message: string }[] };

const hasPdftotext = spawnSync('pdftotext', ['-v'], { stdio: 'ignore' }).error === undefined;

const CONTENT: RequestContent = {
  type: 'preservation',
  caseReference: 'PR/2026 0042 "x"',
  language: 'ar',
  requestingAuthority: { state: 'FR', name: 'Parquet de Paris, section cyber' },
  requestedAuthority: { state: 'EG' },
  offences: [{ conventionArticle: 7, domesticProvision: 'Code pénal, art. 323-1', maximumPenaltyYears: 5 }],
  summaryOfFacts: 'Un serveur a été piraté. <script>alert(1)</script> اخترق المشتبه به خادم المستشفى.',
  identifiers: [
    { kind: 'ip-address', value: '203.0.113.7', observedAt: '2026-03-01T10:15:00', timeZone: 'Europe/Paris' },
  ],
  dataSought: { categories: ['subscriber'], description: 'Subscriber data of the address' },
  necessity: 'Logs are kept for 30 days only.',
  intendsFollowUpRequest: true,
  preservationDays: 90,
};

for (const target of DATABASE_TARGETS) {
  describe(`formal document of a request [${target.name}]`, { skip: target.skip }, () => {
    let subject: TestApp;
    let owner: ActingAs;
    let otherOfficer: ActingAs;
    let supervisor: ActingAs;
    let requestId: string;
    let storedContent: RequestContent;

    before(async () => {
      subject = await startTestApp(target);
      owner = await bearerAs(subject, 'officer');
      otherOfficer = await asRole(subject, 'officer');
      supervisor = await bearerAs(subject, 'supervisor');
      const created = await subject.app.inject({
        method: 'POST',
        url: '/api/v1/requests',
        headers: owner.headers,
        payload: CONTENT,
      });
      assert.equal(created.statusCode, 201, created.body);
      const body = json<{ request: { id: string; content: RequestContent } }>(created);
      requestId = body.request.id;
      storedContent = body.request.content;
    });
    after(async () => subject?.close());

    const get = (as: ActingAs | undefined, url: string, headers: Record<string, string> = {}) =>
      subject.app.inject({ method: 'GET', url, headers: { ...(as?.headers ?? {}), ...headers } });

    const typeTitle = (locale: 'ar' | 'en' | 'fr') =>
      subject.context.catalogue.requestTypes.find((entry) => entry.id === 'preservation')?.title[locale] ??
      'preservation';

    it('serves the HTML page in the UI language and the request language by default, with the digest', async () => {
      const response = await get(owner, `/api/v1/requests/${requestId}/document.html`, {
        'accept-language': 'fr-FR,fr;q=0.9',
      });
      assert.equal(response.statusCode, 200, response.body);
      assert.match(String(response.headers['content-type']), /^text\/html; charset=utf-8/);
      assert.match(String(response.headers['content-security-policy']), /default-src 'none'/);
      const digest = digestCanonicalJson(storedContent);
      assert.equal(response.headers['x-comity-content-sha256'], digest);
      const html = response.body;
      assert.match(html, /<html lang="fr" dir="ltr">/);
      const versions = [
        ...html.matchAll(/<article class="version" lang="(\w+)" dir="(\w+)">[\s\S]*?<h1>([^<]*)<\/h1>/g),
      ];
      assert.deepEqual(
        versions.map((match) => [match[1], match[2], match[3]]),
        [
          ['fr', 'ltr', escapeHtml(typeTitle('fr'))],
          ['ar', 'rtl', escapeHtml(typeTitle('ar'))],
        ],
      );
      // The print view's fonts come from this node, allowed by its policy and served here.
      assert.match(String(response.headers['content-security-policy']), /font-src 'self'/);
      const fontUrl = /url\("(\/api\/v1\/document\/fonts\/amiri-400\.ttf)"\)/.exec(html)?.[1];
      assert.ok(fontUrl, 'the page names the Arabic font the node serves');
      const font = await get(undefined, fontUrl);
      assert.equal(font.statusCode, 200);
      assert.equal(font.headers['content-type'], 'font/ttf');
      assert.ok(font.rawPayload.length > 50_000);
      // A path that climbs out of its directory is refused before any route looks for a file.
      const climbing = await get(undefined, '/api/v1/document/fonts/..%2Fpackage.json');
      assert.equal(climbing.statusCode, 400);
      assert.equal(json<{ type: string }>(climbing).type, 'urn:comity:problem:malformed-url');
      assert.ok(html.includes(`SHA-256: ${digest}`));
      assert.ok(html.includes(`catalogue ${subject.context.catalogue.version}`));
      assert.doesNotMatch(html, /<script>alert/);
      assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
      // When the address was seen: in words in each version, the UTC instant kept for machines.
      const seen = [...html.matchAll(/<time datetime="([^"]+T[^"]+)">([^<]+)<\/time>/g)];
      assert.deepEqual(
        seen.map((match) => match[1]),
        ['2026-03-01T09:15:00Z', '2026-03-01T09:15:00Z'],
      );
      assert.match(
        seen[0]?.[2] ?? '',
        /^1 mars 2026 à 10:15:00 Europe\/Paris \(UTC\+1\) = 1 mars 2026 à 09:15:00 UTC$/,
      );
      assert.match(
        html,
        /<dt>Date<\/dt><dd><span class="line" dir="auto"><time datetime="\d{4}-\d{2}-\d{2}">/,
      );
    });

    it('follows ?languages= and ?lang=', async () => {
      const chosen = await get(owner, `/api/v1/requests/${requestId}/document.html?languages=en,fr-CA`);
      assert.equal(chosen.statusCode, 200, chosen.body);
      assert.match(chosen.body, /<html lang="en" dir="ltr">/);
      assert.ok(chosen.body.includes(`<article class="version" lang="fr" dir="ltr">`));
      assert.ok(chosen.body.includes(`<h1>${escapeHtml(typeTitle('fr'))}</h1>`));
      assert.doesNotMatch(chosen.body, /lang="ar"/);

      const german = await get(owner, `/api/v1/requests/${requestId}/document.html?languages=en,de`);
      assert.equal(german.statusCode, 200, german.body);
      assert.ok(german.body.includes('<article class="version" lang="de" dir="ltr">'));
      const languages = await get(owner, '/api/v1/document/languages');
      assert.equal(languages.statusCode, 200, languages.body);
      const tags = json<{ languages: Array<{ tag: string; name: string }> }>(languages).languages;
      assert.ok(tags.some((entry) => entry.tag === 'de' && entry.name === 'Deutsch'));
      assert.ok(tags.some((entry) => entry.tag === 'pt' && entry.name === 'Português'));

      const byLang = await get(owner, `/api/v1/requests/${requestId}/document.html?lang=ar`, {
        'accept-language': 'fr',
      });
      assert.equal(byLang.statusCode, 200, byLang.body);
      assert.match(byLang.body, /<html lang="ar" dir="rtl">/);
      assert.doesNotMatch(byLang.body, /lang="fr"/);
    });

    it('refuses an unknown or a third language as invalid input', async () => {
      for (const languages of ['en,it', 'en,fr,es', 'xx']) {
        for (const format of ['html', 'pdf']) {
          const response = await get(
            owner,
            `/api/v1/requests/${requestId}/document.${format}?languages=${languages}`,
          );
          assert.equal(response.statusCode, 400, `${languages} ${format}: ${response.body}`);
          assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
          const problem = json<Problem>(response);
          assert.equal(problem.type, 'urn:comity:problem:invalid-input');
          assert.equal(problem.errors?.[0]?.path, 'languages');
        }
      }
      // A person reads the problem's title in their language.
      const french = await get(owner, `/api/v1/requests/${requestId}/document.pdf?languages=xx`, {
        'accept-language': 'fr',
      });
      assert.equal(json<Problem>(french).title, 'La requête ne correspond pas au schéma');
      const arabic = await get(owner, `/api/v1/requests/${requestId}/document.pdf?languages=xx&lang=ar`);
      assert.equal(json<Problem>(arabic).title, 'الطلب لا يطابق المخطط');
      assert.equal(json<Problem>(arabic).type, 'urn:comity:problem:invalid-input');
    });

    it('serves the PDF as an attachment named after the sanitised case reference', async () => {
      const response = await get(owner, `/api/v1/requests/${requestId}/document.pdf?languages=ar,en`);
      assert.equal(response.statusCode, 200, response.body);
      assert.equal(response.headers['content-type'], 'application/pdf');
      assert.equal(
        response.headers['content-disposition'],
        'attachment; filename="comity-PR-2026-0042-x.pdf"',
      );
      const pdf = response.rawPayload;
      assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
      const digest = digestCanonicalJson(storedContent);
      assert.equal(response.headers['x-comity-content-sha256'], digest);
      if (hasPdftotext) {
        const text = spawnSync('pdftotext', ['-enc', 'UTF-8', '-', '-'], {
          input: pdf,
          encoding: 'utf8',
        }).stdout;
        assert.ok(text.includes(`SHA-256: ${digest}`), 'the footer carries the digest');
      }
    });

    it("answers 404 for another officer's request, and lets a supervisor read it", async () => {
      for (const format of ['html', 'pdf']) {
        const hidden = await get(otherOfficer, `/api/v1/requests/${requestId}/document.${format}`);
        assert.equal(hidden.statusCode, 404, hidden.body);
        assert.equal(json<Problem>(hidden).type, 'urn:comity:problem:not-found');
        const allowed = await get(
          supervisor,
          `/api/v1/requests/${requestId}/document.${format}?languages=en`,
        );
        assert.equal(allowed.statusCode, 200, allowed.body);
      }
    });

    it('answers 404 for an unknown request and 401 without credentials', async () => {
      for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
        const response = await get(owner, `/api/v1/requests/${id}/document.pdf`);
        assert.equal(response.statusCode, 404, response.body);
      }
      const anonymous = await get(undefined, `/api/v1/requests/${requestId}/document.html`);
      assert.equal(anonymous.statusCode, 401, anonymous.body);
      assert.equal(json<Problem>(anonymous).type, 'urn:comity:problem:unauthenticated');
    });
  });
}

/** The draft mark and its notice, as the HTML page prints them (empty when the page has none). */
function draftNoticeOf(html: string): string {
  return /<p class="draft-notice" role="note">([\s\S]*?)<\/p>/.exec(html)?.[1]?.replace(/<[^>]+>/g, '') ?? '';
}

for (const target of DATABASE_TARGETS) {
  describe(`the draft mark of the formal document, until the request is sent [${target.name}]`, {
    skip: target.skip,
  }, () => {
    let pair: NodePair;
    let officer: ActingAs;

    before(async () => {
      pair = await startNodePair(target, { requesting: ['fr-ca', 'FR'], requested: ['de-247', 'DE'] });
      officer = await bearerAs(pair.requesting, 'officer');
    });
    after(async () => pair?.close());

    const documentOf = async (id: string) => {
      const response = await pair.requesting.app.inject({
        method: 'GET',
        url: `/api/v1/requests/${id}/document.html?languages=en`,
        headers: officer.headers,
      });
      assert.equal(response.statusCode, 200, response.body);
      return response.body;
    };

    it('marks a complete draft and one awaiting approval as not yet sent, and a sent one not at all', async () => {
      const created = await pair.requesting.app.inject({
        method: 'POST',
        url: '/api/v1/requests',
        headers: officer.headers,
        payload: preservationDraft('FR', 'DE', 1),
      });
      assert.equal(created.statusCode, 201, created.body);
      const { id } = json<{ request: { id: string } }>(created).request;
      assert.equal(draftNoticeOf(await documentOf(id)), 'DRAFT — not yet approved and sent');
      assert.equal((await submit(pair.requesting, id, officer)).statusCode, 202);
      assert.equal(draftNoticeOf(await documentOf(id)), 'DRAFT — not yet approved and sent');
      const approved = await approve(pair.requesting, id);
      assert.equal(approved.statusCode, 202, approved.body);
      const sent = await documentOf(id);
      assert.equal(draftNoticeOf(sent), '');
      assert.doesNotMatch(sent, /class="draft-mark"/);
    });

    it('marks an incomplete draft as incomplete', async () => {
      const created = await pair.requesting.app.inject({
        method: 'POST',
        url: '/api/v1/requests',
        headers: officer.headers,
        payload: { ...preservationDraft('FR', 'DE', 2), summaryOfFacts: undefined },
      });
      assert.equal(created.statusCode, 201, created.body);
      const { id } = json<{ request: { id: string } }>(created).request;
      assert.equal(draftNoticeOf(await documentOf(id)), 'DRAFT — incomplete, not valid for transmission');
    });
  });
}
