/**
 * The requests list of a prosecutor with many cases, in a real browser: the first page of 100,
 * "Show more" for the rest, the tab's count of open cases over every page, the search by case
 * reference kept in the address, the open and ended cases, the rows read kept when the reader
 * opens a request and comes back, and a search that finds nothing saying so; axe-core finds no
 * WCAG 2.2 A or AA violation. Two nodes in one process over loopback HTTP (the withdrawn case is
 * sent, delivered and withdrawn).
 *
 * Screenshots go to test-results/screenshots/requests-list-*.png (gitignored).
 */
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { type Browser, chromium, type Page } from 'playwright-core';
import { preservationDraft } from '../../src/demo/demo-drafts.ts';
import { makeTransition, type NodePair, startNodePair } from '../api/delivery-fixture.ts';
import { json } from '../helpers/app.ts';
import { asRole, createUser, signIn, type TestUser } from '../helpers/auth.ts';
import { PGLITE_TARGET } from '../helpers/database.ts';
import {
  assertConformsToWcag22AA,
  chromiumPath,
  LAUNCH_ARGS,
  screenshot,
  screenshotDirectory,
  skipReason,
  signInWith,
  switchLanguage,
} from './browser-helpers.ts';

/** Drafts the officer writes beside the two sent cases: more than one page of 100. */
const DRAFTS = 104;

describe("a prosecutor's list of many requests, in the browser", { skip: skipReason() }, () => {
  let pair: NodePair;
  let browser: Browser;
  let prosecutor: TestUser;

  before(async () => {
    await mkdir(screenshotDirectory, { recursive: true });
    pair = await startNodePair(PGLITE_TARGET, {
      requesting: ['fr-list-ui', 'FR'],
      requested: ['de-list-ui', 'DE'],
    });
    prosecutor = await createUser(pair.requesting, { roles: ['officer'] });
    const session = await signIn(pair.requesting, prosecutor.username, prosecutor.password);
    const acting = { headers: session.headers, userId: prosecutor.id };
    const duty = await asRole(pair.requested, 'duty-officer');
    const withdrawn = await pair.deliverRequest(acting, duty, {
      ...preservationDraft('FR', 'DE', 1),
      caseReference: 'PARIS-WITHDRAWN',
    });
    await makeTransition(pair.requesting, acting, withdrawn.requestingId, 'withdraw', {
      reasons: 'The suspect was identified by other means.',
    });
    await pair.deliverRequest(acting, duty, {
      ...preservationDraft('FR', 'DE', 2),
      caseReference: 'PARIS-OPEN',
    });
    for (let index = 0; index < DRAFTS; index += 1) {
      const created = await pair.requesting.app.inject({
        method: 'POST',
        url: '/api/v1/requests',
        headers: session.headers,
        payload: {
          ...preservationDraft('FR', 'DE', 10 + index),
          caseReference: `LYON-${String(index).padStart(4, '0')}`,
        },
      });
      assert.equal(created.statusCode, 201, created.body);
      json(created);
      // Each draft a moment after the one before: the newest first is a known order.
      pair.clock.advance(1000);
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
    return signInWith(context, pair.requestingUrl, prosecutor);
  }

  const rows = (page: Page) => page.locator('tr[data-request-id]');
  const references = (page: Page) =>
    page
      .locator('tr[data-request-id] td:nth-child(3)')
      .evaluateAll((cells) => cells.map((cell) => cell.textContent));

  test('shows 100 requests, then the rest on "Show more"; the count of open cases covers every page', async () => {
    const page = await signedIn();
    await page.goto(`${pair.requestingUrl}/requests`);
    await rows(page).first().waitFor();
    assert.equal(await rows(page).count(), 100);
    assert.equal((await references(page))[0], `LYON-${String(DRAFTS - 1).padStart(4, '0')}`);
    // 104 drafts and one open case sent; the withdrawn one has ended.
    assert.match((await page.getByTestId('tab-outgoing-open').textContent()) ?? '', /105/);
    await page.getByTestId('requests-more').click();
    await page.waitForFunction(`document.querySelectorAll('tr[data-request-id]').length === ${DRAFTS + 2}`);
    // The reader goes on where the new rows begin: the first of them has the focus (the button is gone).
    await page.waitForFunction(
      `document.activeElement?.closest('tr') === document.querySelectorAll('tr[data-request-id]')[100]`,
    );
    assert.ok(Number(await page.evaluate('window.scrollY')) > 0, 'the page did not go back to its top');
    assert.equal(await page.getByTestId('requests-more').count(), 0, 'the last page offers no more');
    const all = await references(page);
    assert.equal(new Set(all).size, all.length, 'no request listed twice');
    await assertConformsToWcag22AA(page, 'the requests list with its filters');
    await screenshot(page, 'requests-list-long', { isFullPage: false });
    await page.context().close();
  });

  test('coming back from a request opened on the second page shows the rows read before, at the row opened', async () => {
    const page = await signedIn();
    await page.goto(`${pair.requestingUrl}/requests`);
    await rows(page).first().waitFor();
    await page.getByTestId('requests-more').click();
    await page.waitForFunction(`document.querySelectorAll('tr[data-request-id]').length === ${DRAFTS + 2}`);
    // A request from the second page: the next to last draft written.
    const opened = rows(page).filter({ hasText: 'LYON-0001' });
    const openedId = await opened.getAttribute('data-request-id');
    await opened.getByRole('link').first().click();
    await page.waitForURL(`**/requests/${openedId}`);
    await page.getByRole('heading', { level: 1 }).waitFor();

    await page.goBack();
    await page.waitForFunction(`document.querySelectorAll('tr[data-request-id]').length === ${DRAFTS + 2}`);
    assert.ok(await page.getByRole('cell', { name: 'PARIS-WITHDRAWN', exact: true }).isVisible());
    assert.equal(await page.getByTestId('requests-more').count(), 0, 'the last page was read again');
    // The reader goes on from the request they opened: its row has the focus, shown on the screen.
    await page.waitForFunction(
      `document.activeElement?.closest('tr')?.getAttribute('data-request-id') === ${JSON.stringify(openedId)}`,
    );
    assert.ok(await opened.isVisible());
    assert.ok(Number(await page.evaluate('window.scrollY')) > 0, 'the page went back to its top');

    // Opening the list afresh from the request (not coming back) reads one page.
    await page.goForward();
    await page.waitForURL(`**/requests/${openedId}`);
    await page.locator('nav a[href="/requests"]').click();
    await page.waitForFunction(`document.querySelectorAll('tr[data-request-id]').length === 100`);
    await page.context().close();
  });

  test('finds a request by its case reference, keeps the search in the address, and shows ended cases apart', async () => {
    const page = await signedIn();
    await page.goto(`${pair.requestingUrl}/requests`);
    await rows(page).first().waitFor();
    await page.getByTestId('requests-search').fill('lyon-001');
    await page.waitForFunction(`document.querySelectorAll('tr[data-request-id]').length === 10`);
    assert.match(page.url(), /[?&]q=lyon-001/);
    assert.deepEqual(
      (await references(page)).sort(),
      Array.from({ length: 10 }, (_, index) => `LYON-001${index}`),
    );
    // The address holds the search: a reload shows the same rows, the field filled in.
    await page.reload();
    await page.waitForFunction(`document.querySelectorAll('tr[data-request-id]').length === 10`);
    assert.equal(await page.getByTestId('requests-search').inputValue(), 'lyon-001');

    await page.getByTestId('requests-search').fill('PARIS');
    await page.waitForFunction(`document.querySelectorAll('tr[data-request-id]').length === 2`);
    await page.getByTestId('requests-cases').getByText('Ended').click();
    await page.waitForFunction(`document.querySelectorAll('tr[data-request-id]').length === 1`);
    assert.deepEqual(await references(page), ['PARIS-WITHDRAWN']);
    assert.match(page.url(), /cases=ended/);
    await page.getByTestId('requests-cases').getByText('Open', { exact: true }).click();
    await page.waitForFunction(
      `document.querySelector('tr[data-request-id] td:nth-child(3)')?.textContent === 'PARIS-OPEN'`,
    );

    await page.getByTestId('requests-search').fill('nowhere-0000');
    await page.getByTestId('requests-empty').waitFor();
    assert.match((await page.getByTestId('requests-empty').textContent()) ?? '', /No request matches/);
    await switchLanguage(page, 'ar');
    await page.getByTestId('requests-empty').waitFor();
    await assertConformsToWcag22AA(page, 'the requests list, nothing found, in Arabic');
    await screenshot(page, 'requests-list-nothing-found-ar', { isFullPage: false });
    await page.context().close();
  });
});
