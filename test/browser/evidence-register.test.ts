/**
 * The evidence register of a custodian holding many items, in a real browser: the first page of
 * 100, "Show more" for the rest with the focus on the first new row, the search by case reference,
 * file name or the start of the SHA-256 kept in the address, and a search that finds nothing saying
 * so, in English and in Arabic; axe-core finds no WCAG 2.2 A or AA violation. Two nodes in one
 * process over loopback HTTP (the requests are sent and delivered); the items are written to the
 * requested node's database directly, most of them at one moment.
 *
 * Screenshots go to test-results/screenshots/evidence-register-*.png (gitignored).
 */
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { type Browser, chromium, type Page } from 'playwright-core';
import { preservationDraft } from '../../src/demo/demo-drafts.ts';
import { insertEvidenceItem } from '../../src/storage/evidence.repository.ts';
import { type NodePair, startNodePair } from '../api/delivery-fixture.ts';
import { asRole, createUser, type TestUser } from '../helpers/auth.ts';
import { PGLITE_TARGET } from '../helpers/database.ts';
import {
  assertConformsToWcag22AA,
  chromiumPath,
  LAUNCH_ARGS,
  screenshot,
  screenshotDirectory,
  signInWith,
  skipReason,
  switchLanguage,
} from './browser-helpers.ts';

/** Captures attached to one request, at one moment: more than one page of 100. */
const CAPTURES = 104;
const LEDGER_SHA256 = `5eed1ed9${'0'.repeat(56)}`;

describe("a custodian's register of many evidence items, in the browser", { skip: skipReason() }, () => {
  let pair: NodePair;
  let browser: Browser;
  let custodian: TestUser;

  before(async () => {
    await mkdir(screenshotDirectory, { recursive: true });
    pair = await startNodePair(PGLITE_TARGET, {
      requesting: ['fr-register-ui', 'FR'],
      requested: ['de-register-ui', 'DE'],
    });
    custodian = await createUser(pair.requested, { roles: ['evidence-custodian'] });
    const author = await asRole(pair.requesting, 'officer');
    const duty = await asRole(pair.requested, 'duty-officer');
    const { requestedId: berlinId } = await pair.deliverRequest(author, duty, {
      ...preservationDraft('FR', 'DE', 1),
      caseReference: 'BER/2026-17',
    });
    const { requestedId: hamburgId } = await pair.deliverRequest(author, duty, {
      ...preservationDraft('FR', 'DE', 2),
      caseReference: 'HAM-42',
    });
    const db = pair.requested.context.db;
    const add = async (id: string, requestId: string, fileName: string) =>
      insertEvidenceItem(db, {
        id,
        requestId,
        fileName,
        mediaType: 'application/octet-stream',
        sizeBytes: 1024,
        description: '',
        acquisition: { what: null, fromWhom: null, when: null, how: null, byWhom: null, legalBasis: null },
        retentionUntil: null,
        isSensitive: false,
        storageKey: id,
        createdBy: null,
        createdAt: pair.clock.now(),
      });
    // The Hamburg items first, a moment apart; then every capture at one moment (ordered by id).
    for (const [index, fileName] of ['chat-history.json', 'ledger.xlsx', 'photos.zip'].entries()) {
      await add(`e${index}000000-0000-4000-8000-000000000000`, hamburgId, fileName);
      pair.clock.advance(1000);
    }
    await db
      .updateTable('evidence_items')
      .set({ status: 'stored', sha256: LEDGER_SHA256, stored_at: pair.clock.now() })
      .where('id', '=', 'e1000000-0000-4000-8000-000000000000')
      .execute();
    for (let index = 0; index < CAPTURES; index += 1) {
      const serial = index.toString(16).padStart(12, '0');
      await add(
        `c0000000-0000-4000-8000-${serial}`,
        berlinId,
        `capture-${String(index).padStart(4, '0')}.pcap`,
      );
    }
    browser = await chromium.launch({ executablePath: chromiumPath, args: LAUNCH_ARGS });
  });

  after(async () => {
    await browser?.close();
    await pair?.close();
  });

  async function signedIn(): Promise<Page> {
    const context = await browser.newContext({
      viewport: { width: 1366, height: 1000 },
      locale: 'en-GB',
      bypassCSP: true,
    });
    return signInWith(context, pair.requestedUrl, custodian);
  }

  const ROWS = 'tr[data-item-id]';
  const fileNames = (page: Page) =>
    page.locator(`${ROWS} td:nth-child(1) p`).evaluateAll((cells) => cells.map((cell) => cell.textContent));

  test('shows 100 items, then the rest on "Show more", the focus on the first row added', async () => {
    const page = await signedIn();
    await page.goto(`${pair.requestedUrl}/evidence`);
    await page.locator(ROWS).first().waitFor();
    assert.equal(await page.locator(ROWS).count(), 100);
    assert.equal((await fileNames(page))[0], `capture-${String(CAPTURES - 1).padStart(4, '0')}.pcap`);
    assert.match(
      (await page.getByTestId('register-summary').textContent()) ?? '',
      /Items shown: 100\. More follow\./,
    );
    await page.getByTestId('register-more').click();
    await page.waitForFunction(`document.querySelectorAll('${ROWS}').length === ${CAPTURES + 3}`);
    await page.waitForFunction(
      `document.activeElement?.closest('tr') === document.querySelectorAll('${ROWS}')[100]`,
    );
    assert.equal(await page.getByTestId('register-more').count(), 0, 'the last page offers no more');
    const all = await fileNames(page);
    assert.equal(new Set(all).size, all.length, 'no item listed twice');
    assert.deepEqual(all.slice(-3), ['photos.zip', 'ledger.xlsx', 'chat-history.json']);
    assert.match((await page.getByTestId('register-summary').textContent()) ?? '', /Items shown: 107$/);
    await assertConformsToWcag22AA(page, 'the evidence register with its search, every page shown');
    await screenshot(page, 'evidence-register-long', { isFullPage: false });
    await page.context().close();
  });

  test('finds items by case reference, file name or hash, keeps the search in the address, and says when none matches', async () => {
    const page = await signedIn();
    await page.goto(`${pair.requestedUrl}/evidence`);
    await page.locator(ROWS).first().waitFor();
    await page.getByLabel('Find an item').fill('ham-42');
    await page.waitForFunction(`document.querySelectorAll('${ROWS}').length === 3`);
    assert.match(page.url(), /[?&]q=ham-42/);
    assert.equal(await page.getByTestId('register-more').count(), 0);
    // The address holds the search: a reload shows the same rows, the field filled in.
    await page.reload();
    await page.waitForFunction(`document.querySelectorAll('${ROWS}').length === 3`);
    assert.equal(await page.getByTestId('register-search').inputValue(), 'ham-42');
    // A filter chosen keeps the search.
    await page.getByTestId('register-status').selectOption('stored');
    await page.waitForFunction(`document.querySelectorAll('${ROWS}').length === 1`);
    assert.match(page.url(), /q=ham-42/);
    assert.match(page.url(), /status=stored/);
    await page.getByTestId('register-status').selectOption('all');

    await page.getByTestId('register-search').fill('CAPTURE-010');
    await page.waitForFunction(`document.querySelectorAll('${ROWS}').length === 4`);
    assert.deepEqual(await fileNames(page), [
      'capture-0103.pcap',
      'capture-0102.pcap',
      'capture-0101.pcap',
      'capture-0100.pcap',
    ]);
    await page.getByTestId('register-search').fill('5EED1ED9');
    await page.waitForFunction(`document.querySelectorAll('${ROWS}').length === 1`);
    assert.deepEqual(await fileNames(page), ['ledger.xlsx']);

    await page.getByTestId('register-search').fill('nowhere-0000');
    await page.getByTestId('register-empty').waitFor();
    assert.equal(
      (await page.getByTestId('register-summary').textContent()) ?? '',
      'No evidence item matches. Change the search or the filters.',
    );
    await assertConformsToWcag22AA(page, 'the evidence register, nothing found');
    await switchLanguage(page, 'ar');
    await page.getByTestId('register-empty').waitFor();
    assert.equal(await page.getByTestId('register-search').inputValue(), 'nowhere-0000');
    assert.match((await page.getByTestId('register-empty').textContent()) ?? '', /غيّر البحث/);
    await page.getByTestId('register-search').fill('ham-42');
    await page.waitForFunction(`document.querySelectorAll('${ROWS}').length === 3`);
    await assertConformsToWcag22AA(page, 'the evidence register searched, in Arabic');
    await screenshot(page, 'evidence-register-search-ar', { isFullPage: false });
    await page.getByTestId('register-search').fill('nowhere-0000');
    await page.getByTestId('register-empty').waitFor();
    await assertConformsToWcag22AA(page, 'the evidence register, nothing found, in Arabic');
    await page.context().close();
  });
});
