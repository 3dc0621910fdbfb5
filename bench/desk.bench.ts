/**
 * Duty desk benchmark (the case lifecycle issue): the desk of a node holding 1,000 open incoming
 * cases (emergency preservation requests sent by a real node A to a real node B over loopback,
 * PGlite), read by B's duty officer.
 *
 *   API      GET /api/v1/desk (every open case with its next deadline), median of 20, beside
 *            GET /api/v1/requests?direction=incoming (the same 1,000 requests, no case or
 *            deadline, read 500 a page) in the same run.
 *   screen   Chromium opens /desk signed in and waits until the table shows 1,000 rows, from the
 *            navigation's start (median of 5), beside /requests showing its first page (100) of
 *            the same requests.
 *   idle     the desk's main-thread time per second while it counts 1,000 deadlines down (Chrome
 *            DevTools Performance.getMetrics TaskDuration over 5 s), beside the requests page.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { answer } from '../src/api-client/client.ts';
import { preservationDraft } from '../src/demo/demo-drafts.ts';
import { draftRequest, listAllRequests, sendRequest } from '../src/demo/federation-api.ts';
import { startFederation } from '../src/demo/federation-setup.ts';
import type { ApiClient } from '../src/demo/node-api.ts';
import { waitFor } from '../src/demo/node-process.ts';
import type { Figure } from './foundation.bench.ts';
import { formatMs, median } from './statistics.ts';

const LAUNCH_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'];

async function inParallel(
  count: number,
  clients: number,
  work: (index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < count) {
        const index = next;
        next += 1;
        await work(index);
      }
    }),
  );
}

async function timeCall(call: () => Promise<unknown>, times: number): Promise<number> {
  const samples: number[] = [];
  for (let index = 0; index < times; index += 1) {
    const started = performance.now();
    await call();
    samples.push(performance.now() - started);
  }
  return median(samples);
}

/** From navigation start until the page's table has `rows` body rows, as the page measures it. */
async function timeScreen(page: Page, url: string, rows: number, times: number): Promise<number> {
  const samples: number[] = [];
  for (let index = 0; index < times; index += 1) {
    await page.goto('about:blank');
    await page.goto(url);
    await page.waitForFunction(
      (count) =>
        (
          globalThis as unknown as {
            document: { querySelectorAll: (selector: string) => { length: number } };
          }
        ).document.querySelectorAll('table tbody tr').length >= count,
      rows,
      {
        timeout: 120_000,
        polling: 20,
      },
    );
    samples.push(await page.evaluate(() => performance.now()));
  }
  return median(samples);
}

/** Main-thread milliseconds per second of wall time while the page stays open. */
async function busyPerSecond(page: Page, seconds: number): Promise<number> {
  const session = await page.context().newCDPSession(page);
  await session.send('Performance.enable');
  const taskSeconds = async () => {
    const { metrics } = await session.send('Performance.getMetrics');
    return metrics.find((metric) => metric.name === 'TaskDuration')?.value ?? Number.NaN;
  };
  const before = await taskSeconds();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const after = await taskSeconds();
  await session.detach();
  return ((after - before) * 1000) / seconds;
}

function ratio(value: number, baseline: number): string {
  return Number.isFinite(value) && Number.isFinite(baseline) && baseline > 0
    ? `${(value / baseline).toFixed(2)}×`
    : '—';
}

export async function runDeskBenchmarks(options: Readonly<{ quick: boolean }>): Promise<Figure[]> {
  const count = options.quick ? 200 : 1000;
  const chromiumPath = process.env.COMITY_TEST_CHROMIUM ?? '/usr/bin/chromium';
  const directory = mkdtempSync(path.join(os.tmpdir(), 'comity-bench-desk-'));
  let browser: Browser | undefined;
  const federation = await startFederation({
    directory,
    states: ['FR', 'DE'],
    env: { COMITY_LOG_LEVEL: 'warn' },
    acknowledgeWithinHours: 1,
    onProgress: (line) => process.stderr.write(`  ${line}\n`),
  });
  try {
    const a = federation.node('FR');
    const b = federation.node('DE');
    const officer = await a.userClient('officer');
    const supervisor = await a.userClient('supervisor');
    const duty: ApiClient = await b.userClient('duty-officer');
    await inParallel(count, 8, async (index) => {
      const content = {
        ...preservationDraft('FR', 'DE', index + 1),
        urgency: { level: 'emergency' as const, justification: 'Logs are rotated daily.' },
      };
      await sendRequest(officer, supervisor, (await draftRequest(officer, content)).id);
    });
    await waitFor(
      `${count} open cases on the desk at DE`,
      async () => {
        const { items } = await answer(duty.api.GET('/api/v1/desk', {}));
        return items.length >= count ? true : undefined;
      },
      { timeoutMs: 300_000, intervalMs: 1000 },
    );
    const deskApi = await timeCall(() => answer(duty.api.GET('/api/v1/desk', {})), 20);
    // The same requests through the list, which answers 500 a page at most: every page.
    const listApi = await timeCall(() => listAllRequests(duty, 'incoming'), 20);

    browser = await chromium.launch({ executablePath: chromiumPath, args: LAUNCH_ARGS });
    const account = b.accounts?.['duty-officer'];
    if (!account) throw new Error('DE has no duty officer');
    // Signed in through the form, as the duty officer does (the session cookie is the node's own).
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${b.url}/sign-in`);
    await page.getByLabel('Username').fill(account.username);
    await page.getByLabel(/^Password/).fill(account.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
    const deskScreen = await timeScreen(page, `${b.url}/desk`, count, 5);
    const deskBusy = await busyPerSecond(page, 5);
    // The requests screen shows its first 100 ("Show more" for the rest).
    const listRows = Math.min(count, 100);
    const listScreen = await timeScreen(page, `${b.url}/requests?direction=incoming`, listRows, 5);
    const listBusy = await busyPerSecond(page, 5);
    return [
      {
        name: `GET /api/v1/desk with ${count} open cases (PGlite), median of 20`,
        value: formatMs(deskApi),
        baseline: `${formatMs(listApi)} (GET /api/v1/requests?direction=incoming, the same requests, 500 a page)`,
        ratio: ratio(deskApi, listApi),
      },
      {
        name: `the desk screen in Chromium until its ${count} rows show, median of 5`,
        value: formatMs(deskScreen),
        baseline: `${formatMs(listScreen)} (the requests screen until its first ${listRows} of the same requests show)`,
        ratio: ratio(deskScreen, listScreen),
      },
      {
        name: `main-thread time per second while the desk counts ${count} deadlines down`,
        value: `${formatMs(deskBusy)} per s`,
        baseline: `${formatMs(listBusy)} per s (the requests screen, idle)`,
        ratio: ratio(deskBusy, listBusy),
      },
    ];
  } finally {
    await browser?.close();
    await federation.stop();
    rmSync(directory, { recursive: true, force: true });
  }
}
