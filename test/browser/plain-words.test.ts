/**
 * What a person reads is words of their language, not the node's internals, against a real node in
 * real Chromium:
 * - no slug-like token on the main screens, in English and Arabic: no lowercase words joined by
 *   hyphens (`ip-address`, a role or event id), no `{placeholder}`, no camelCase (`firstArticle`),
 *   outside code elements and the values a person typed or the node holds as data;
 * - a failed action, in French, shows no English outside the folded technical details, which are
 *   marked `lang="en"`.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { createNodeProcess, type NodeProcess } from '../../src/demo/node-process.ts';
import { chromiumPath, LAUNCH_ARGS, skipReason, switchLanguage } from './browser-helpers.ts';

/** The screens a signed-in administrator reaches from the navigation, and a draft with findings. */
const SCREENS = [
  '/requests',
  '/requests/new',
  '/desk',
  '/catalogue',
  '/directory',
  '/treaty',
  '/transparency',
  '/peers',
  '/roster',
  '/law-map',
  '/alert-deliveries',
  '/audit',
  '/account',
  '/users',
] as const;

/**
 * Hyphenated words of ordinary English (and the product's own words) that look like slugs but are
 * prose. Anything else joined by hyphens in lowercase is taken for an internal code.
 */
const PROSE_HYPHENATED = new Set([
  'one-time',
  'follow-up',
  'sign-in',
  'read-only',
  'e-mail',
  'up-to-date',
  'real-time',
  'two-factor',
  'self-signed',
  'built-in',
  'end-to-end',
  'cross-border',
  'non-governmental',
  'tamper-evident',
  'so-called',
  'day-to-day',
  'first-come',
  'well-founded',
  'co-operation',
  'time-limited',
  'point-of-contact',
  'de-listed',
  'e-evidence',
  'multi-factor',
  'sign-ins',
  'x-ray',
  'pre-existing',
  'non-binding',
  'long-term',
  'short-term',
  'full-text',
  'open-source',
  'right-to-left',
  'left-to-right',
  'third-party',
  'third-country',
  'high-tech',
  'in-person',
  'hand-over',
  'non-compliance',
  'per-request',
  'machine-readable',
  'human-readable',
  'human-rights',
  'on-call',
  'so-far',
  'twenty-four',
  'part-time',
  'full-time',
  'wall-clock',
]);

type Finding = Readonly<{ token: string; context: string }>;

/**
 * Runs in the page: the visible text of the document outside code, inputs, and elements that say
 * they hold data as it is (`translate="no"`, `.machine-text`, the folded technical details), split
 * into slug-like tokens with their surroundings.
 */
const SCAN = `(() => {
  const skip = 'code, pre, kbd, samp, script, style, textarea, input, select, [translate="no"], .machine-text, .problem-technical, [data-raw], [aria-hidden="true"]';
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest(skip)) continue;
    if (!parent.checkVisibility({ visibilityProperty: true, opacityProperty: false })) continue;
    const text = node.textContent || '';
    const patterns = [
      /(?<![\\w./@:-])[a-z]+(?:-[a-z]+)+(?![\\w./@-])/g,
      /\\{[^{}]*\\}/g,
      /(?<![\\w./@-])[a-z]+[A-Z][A-Za-z]*(?![\\w./@-])/g,
    ];
    for (const pattern of patterns) {
      for (const match of text.matchAll(pattern)) {
        found.push({ token: match[0], context: text.trim().slice(0, 120) });
      }
    }
  }
  return found;
})()`;

async function slugsOn(page: Page): Promise<Finding[]> {
  const findings = (await page.evaluate(SCAN)) as Finding[];
  return findings.filter((finding) => !PROSE_HYPHENATED.has(finding.token.toLowerCase()));
}

/** Waits until a screen has drawn its heading and its data (no loader left in the main region). */
async function settle(page: Page): Promise<void> {
  await page.locator('main h1').first().waitFor();
  await page.waitForFunction(
    'document.querySelectorAll(\'main .mantine-Loader-root, main [aria-busy="true"]\').length === 0',
  );
}

type StartedNode = Readonly<{ process: NodeProcess; password: string; url: string; dataDirectory: string }>;

describe('plain words: no internal code on screen, no English outside technical details', {
  skip: skipReason(),
}, () => {
  let node: StartedNode;
  let browser: Browser;
  let draftId: string;

  before(async () => {
    const dataDirectory = await mkdtemp(path.join(os.tmpdir(), 'comity-words-'));
    const process = createNodeProcess({ name: 'words', dataDirectory, startTimeoutMs: 90_000 });
    await process.start();
    if (!process.adminPassword) throw new Error(`no administrator password:\n${process.outputTail()}`);
    node = { process, password: process.adminPassword, url: process.url, dataDirectory };
    browser = await chromium.launch({ executablePath: chromiumPath, args: LAUNCH_ARGS });
  });

  after(async () => {
    await browser?.close();
    if (node) {
      await node.process.stop();
      await rm(node.dataDirectory, { recursive: true, force: true });
    }
  });

  async function signedIn(language: string): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({
      viewport: { width: 1366, height: 900 },
      locale: 'en-GB',
      bypassCSP: true,
    });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    await page.goto(`${node.url}/sign-in`);
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel(/^Password/).fill(node.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/requests$/);
    await page.locator('main h1').waitFor();
    if (language !== 'en') await switchLanguage(page, language);
    return { context, page };
  }

  async function draftWithFindings(page: Page): Promise<string> {
    if (draftId) return draftId;
    const session = (await (await page.request.get(`${node.url}/api/v1/session`)).json()) as {
      csrfToken: string;
    };
    const created = await page.request.post(`${node.url}/api/v1/requests`, {
      data: { type: 'preservation', caseReference: 'WORDS-1' },
      headers: { 'x-csrf-token': session.csrfToken },
    });
    assert.equal(created.status(), 201);
    draftId = ((await created.json()) as { request: { id: string } }).request.id;
    return draftId;
  }

  for (const language of ['en', 'ar'] as const) {
    test(`the main screens show no slug, placeholder or camelCase token (${language})`, async () => {
      const { context, page } = await signedIn(language);
      try {
        const id = await draftWithFindings(page);
        const all: string[] = [];
        for (const screen of [...SCREENS, `/requests/${id}`]) {
          await page.goto(`${node.url}${screen}`);
          await settle(page);
          if (screen.startsWith('/requests/') && screen !== '/requests/new') {
            await page.getByTestId('checklist').waitFor();
          }
          for (const finding of await slugsOn(page)) {
            all.push(`${screen}: "${finding.token}" in "${finding.context}"`);
          }
        }
        assert.deepEqual([...new Set(all)], [], `internal codes on screen (${language}):\n${all.join('\n')}`);
      } finally {
        await context.close();
      }
    });
  }

  test('a failed action in French shows no English outside the folded technical details', async () => {
    const { context, page } = await signedIn('fr');
    try {
      await page.goto(`${node.url}/roster`);
      await settle(page);
      await page.locator('#shift-username').fill('admin');
      await page.locator('#shift-start').fill('2030-01-02T10:00');
      await page.locator('#shift-end').fill('2030-01-02T09:00');
      await page.locator('form button[type="submit"]').first().click();
      const alert = page.getByTestId('problem-alert');
      await alert.waitFor();
      const details = alert.locator('details');
      await details.waitFor({ state: 'attached' });
      assert.equal(await details.evaluate('(element) => element.open'), false, 'the details start folded');
      assert.equal(await details.locator('[lang="en"]').count(), 1, 'the node’s words are marked English');
      const outside = (await alert.evaluate(
        `(element) => { const copy = element.cloneNode(true); copy.querySelectorAll('[lang="en"]').forEach((e) => e.remove()); return copy.textContent; }`,
      )) as string;
      assert.doesNotMatch(
        outside,
        /\b(the|and|must|should|is|are|not|with|this|that|after|before|shift|starts|ends)\b/i,
        `English outside the technical details: ${outside}`,
      );
      // The field errors and the summary are in French; the English detail is there for an administrator.
      assert.match(outside, /[éèàç]|Détails techniques/);
      await alert.locator('summary').click();
      assert.ok(((await details.locator('[lang="en"]').textContent()) ?? '').length > 0);
    } finally {
      await context.close();
    }
  });
});
