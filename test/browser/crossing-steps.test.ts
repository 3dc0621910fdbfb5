/**
 * A step kept in a case's history but not applied (src/core/case/concurrent-steps.ts), in a real
 * browser: France asks for a preservation to be extended while Germany, not yet told, converts it.
 * Both nodes' case timelines list the conversion first and the request for an extension after it,
 * marked not applied with a note that says why, in English and in Arabic (right to left); axe-core
 * finds no WCAG 2.2 A or AA violation. Two nodes in one process over loopback HTTP (the crossing is
 * made by holding each node's delivery until both steps are made); the federation itself is
 * tested between processes elsewhere.
 *
 * Screenshots go to test-results/screenshots/crossing-*.png (gitignored).
 */
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { type Browser, chromium, type Page } from 'playwright-core';
import { addDays, calendarDateOf } from '../../src/core/treaty/calendar-date.ts';
import { preservationDraft } from '../../src/demo/demo-drafts.ts';
import { makeTransition, type NodePair, startNodePair } from '../api/delivery-fixture.ts';
import { asRole, createUser, type TestUser } from '../helpers/auth.ts';
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

describe('a step made at the same moment as the other side, in the browser', { skip: skipReason() }, () => {
  let pair: NodePair;
  let browser: Browser;
  let ids: Readonly<{ requestingId: string; requestedId: string }>;
  /** Who reads each side's case: a supervisor (they read every request of their node). */
  let readers: Readonly<{ requesting: TestUser; requested: TestUser }>;

  const make = makeTransition;

  before(async () => {
    await mkdir(screenshotDirectory, { recursive: true });
    pair = await startNodePair(PGLITE_TARGET, {
      requesting: ['fr-crossing-ui', 'FR'],
      requested: ['de-crossing-ui', 'DE'],
    });
    const officer = await asRole(pair.requesting, 'officer');
    const duty = await asRole(pair.requested, 'duty-officer');
    ids = await pair.deliverRequest(officer, duty, preservationDraft('FR', 'DE', 1));
    const today = calendarDateOf(pair.clock.now());
    await make(pair.requested, duty, ids.requestedId, 'acknowledge', {});
    await make(pair.requested, duty, ids.requestedId, 'record-preservation', {
      tookEffectOn: today,
      preservedUntil: addDays(today, 90),
    });
    await pair.requestedWorker.runOnce();
    // Both steps made before either node hears of the other's, then both delivered.
    await make(pair.requesting, officer, ids.requestingId, 'request-extension', {
      requestedUntil: addDays(today, 150),
      reasons: 'The court order is awaited.',
    });
    await make(pair.requested, duty, ids.requestedId, 'convert', { followUpReference: 'FR-2026-0042' });
    assert.equal((await pair.requestingWorker.runOnce()).delivered, 1);
    assert.equal((await pair.requestedWorker.runOnce()).delivered, 1);
    readers = {
      requesting: await createUser(pair.requesting, { roles: ['supervisor'] }),
      requested: await createUser(pair.requested, { roles: ['supervisor'] }),
    };
    browser = await chromium.launch({ executablePath: chromiumPath, args: LAUNCH_ARGS });
  });

  after(async () => {
    await browser?.close();
    await pair?.close();
  });

  async function openCase(url: string, reader: TestUser, requestId: string): Promise<Page> {
    const context = await browser.newContext({
      viewport: { width: 1366, height: 1000 },
      locale: 'en-GB',
      bypassCSP: true,
    });
    const page = await signInWith(context, url, reader);
    await page.goto(`${url}/requests/${requestId}`);
    await page.getByTestId('case-history').waitFor();
    return page;
  }

  /** The timeline's steps after the request flow: transition and whether it is marked not applied. */
  async function steps(page: Page): Promise<(readonly [string, boolean])[]> {
    return page
      .locator('[data-testid="case-event"]')
      .evaluateAll((events) =>
        events.map(
          (event) =>
            [
              event.getAttribute('data-transition') ?? '',
              event.getAttribute('data-superseded') === 'true',
            ] as const,
        ),
      );
  }

  test('both nodes list the conversion first and the request for an extension after it, not applied, saying why', async () => {
    const expected = [
      ['acknowledge', false],
      ['record-preservation', false],
      ['convert', false],
      ['request-extension', true],
    ];
    for (const [side, url, reader, id] of [
      ['requesting', pair.requestingUrl, readers.requesting, ids.requestingId],
      ['requested', pair.requestedUrl, readers.requested, ids.requestedId],
    ] as const) {
      const page = await openCase(url, reader, id);
      try {
        assert.deepEqual(await steps(page), expected, side);
        const kept = page.locator('[data-testid="case-event"][data-superseded="true"]');
        assert.match(
          (await kept.locator('p').first().textContent()) ?? '',
          /^Extension asked for \(not applied\)$/,
        );
        assert.match(
          (await kept.getByTestId('event-superseded').textContent()) ?? '',
          /^Not applied: it was made at the same moment as the requested State's step before it/,
        );
        // The case is where the applied steps lead: converted.
        assert.equal(await page.getByTestId('case-status').getAttribute('data-status'), 'converted');
        await assertConformsToWcag22AA(page, `case with a step not applied, ${side} side (en)`);
        await screenshot(page, `crossing-${side}-en`);
        if (side === 'requesting') {
          await switchLanguage(page, 'ar');
          await kept.getByTestId('event-superseded').waitFor();
          assert.equal(await page.evaluate('document.documentElement.dir'), 'rtl');
          assert.match((await kept.getByTestId('event-superseded').textContent()) ?? '', /^لم تُطبَّق/);
          await assertConformsToWcag22AA(page, 'case with a step not applied, requesting side (ar)');
          await screenshot(page, 'crossing-requesting-ar');
        }
      } finally {
        await page.context().close();
      }
    }
  });
});
