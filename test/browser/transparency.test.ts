/**
 * The public transparency page on real node processes. France's officer sends Germany five
 * preservation requests (the demo's preservation scenario, five times) and a sixth that Germany
 * leaves unacknowledged; Germany's duty officer acknowledges and preserves the five. Signed out,
 * Germany's page shows the figures: the five executed, the one pending as "<5" and the totals over
 * it withheld, the outcome and time charts, the table with median times, in English and in Arabic
 * (right to left), each checked with axe.
 *
 * Screenshots in English and Arabic go to test-results/screenshots/transparency-*.png (gitignored).
 */
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { type Browser, chromium } from 'playwright-core';
import { addDays, calendarDateOf } from '../../src/core/treaty/calendar-date.ts';
import { listIncomingRequests, makeTransition } from '../../src/demo/federation-api.ts';
import { runPreservationScenario } from '../../src/demo/preservation-scenario.ts';
import { type Federation, startFederation, waitFor } from '../helpers/node-process.ts';
import {
  assertAccessible,
  chromiumPath,
  documentLanguage,
  LAUNCH_ARGS,
  screenshot,
  screenshotDirectory,
  skipReason,
  switchLanguage,
} from './browser-helpers.ts';

describe('the transparency page', { skip: skipReason(), timeout: 400_000 }, () => {
  let federation: Federation;
  let browser: Browser;

  before(async () => {
    await mkdir(screenshotDirectory, { recursive: true });
    federation = await startFederation({ states: ['FR', 'DE'] });
    browser = await chromium.launch({ executablePath: chromiumPath, args: LAUNCH_ARGS });
    for (let run = 1; run <= 6; run++) {
      const lines: string[] = [];
      const outcome = await runPreservationScenario(federation, {
        from: 'FR',
        to: 'DE',
        print: (line) => lines.push(line),
      });
      assert.ok(outcome.isSuccess, lines.join('\n'));
    }
    const duty = await federation.node('DE').userClient('duty-officer');
    const incoming = await waitFor(
      'DE lists six requests',
      async () => {
        const items = await listIncomingRequests(duty);
        return items.length === 6 ? items : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    const today = calendarDateOf(new Date());
    for (const item of incoming.slice(0, 5)) {
      await makeTransition(duty, item.id, 'acknowledge');
      await makeTransition(duty, item.id, 'record-preservation', {
        tookEffectOn: today,
        preservedUntil: addDays(today, 90),
      });
    }
  });

  after(async () => {
    await browser?.close();
    await federation?.stop();
  });

  test('shows the figures of the demo exchanges, signed out, in English and Arabic', async () => {
    const context = await browser.newContext({
      viewport: { width: 1366, height: 900 },
      locale: 'en-GB',
      bypassCSP: true,
    });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    await page.goto(`${federation.node('DE').url}/transparency`);
    await page.getByRole('heading', { name: 'Transparency report' }).waitFor();
    await page.getByRole('heading', { name: 'Outcomes' }).waitFor();
    assert.equal(await page.getByTestId('total-received').textContent(), 'withheld');
    assert.equal(await page.getByTestId('total-sent').textContent(), '0');
    // Whose figures: DE's node, by its id and State; each node publishes its own.
    assert.equal(
      await page.getByTestId('transparency-publisher').textContent(),
      `Figures of the node ${federation.node('DE').spec.nodeId} (Germany) alone: each node publishes its own.`,
    );
    // Direction, type, State, requests, six outcomes, three times (cases · median · p90).
    const cells = await page.locator('tbody tr').first().locator('td').allTextContents();
    assert.deepEqual(cells.slice(0, 10), [
      'Received',
      'Expedited preservation of stored data',
      'France',
      'withheld',
      '<5',
      '0',
      '5',
      '0',
      '0',
      '0',
    ]);
    assert.match(
      cells[10] ?? '',
      /^5 · [\d.]+ (secs?|mins?) · [\d.]+ (secs?|mins?)$/,
      'acknowledged: 5 cases, median, p90',
    );
    assert.match(cells[12] ?? '', /^5 · /, 'executed: 5 cases');
    await page.getByRole('img', { name: 'Outcomes of the requests, by direction, type and State' }).waitFor();
    await page.getByRole('img', { name: /Median times to acknowledge/ }).waitFor();
    const csv = page.getByRole('link', { name: 'Download CSV' });
    assert.match((await csv.getAttribute('href')) ?? '', /^\/api\/v1\/transparency\.csv\?period=\d{4}$/);
    await assertAccessible(page, 'the transparency page');
    await screenshot(page, 'transparency-en');

    await switchLanguage(page, 'ar');
    assert.deepEqual(await documentLanguage(page), { lang: 'ar', dir: 'rtl' });
    await page.getByRole('heading', { name: 'تقرير الشفافية' }).waitFor();
    assert.equal(await page.getByTestId('total-received').textContent(), 'محجوب');
    const arabicCells = await page.locator('tbody tr').first().locator('td').allTextContents();
    assert.equal(arabicCells[4], '\u2066<5\u2069', '"<5" isolated left to right');
    await page.getByRole('img', { name: 'مآل الطلبات حسب الاتجاه والنوع والدولة' }).waitFor();
    await assertAccessible(page, 'the transparency page in Arabic');
    await screenshot(page, 'transparency-ar');

    // On a phone a chart keeps its labels at their size and scrolls in its own region; the page
    // itself does not scroll sideways.
    await page.setViewportSize({ width: 390, height: 844 });
    assert.deepEqual(
      await page.evaluate(`(() => {
        const region = document.querySelector('[data-testid="outcomes-chart-region"]');
        return [
          Math.round(region.querySelector('svg').getBoundingClientRect().width),
          region.scrollWidth > region.clientWidth,
          document.documentElement.scrollWidth <= document.documentElement.clientWidth,
        ];
      })()`),
      [640, true, true],
    );
    await assertAccessible(page, 'the transparency page in Arabic on a phone');
    await context.close();
  });
});
