/**
 * Accessibility of the shared components, in English and Arabic (right to left), against a real
 * node in real Chromium (docs/accessibility.md says what is tested where):
 * - reflow at 320 CSS pixels (WCAG 1.4.10): no horizontal scrolling on any main screen and the
 *   account button on screen;
 * - menus open with the focus on their first item, and Tab moves inside them;
 * - the type chooser: arrow keys move without committing (3.2.2), Enter commits;
 * - the focus lands on something meaningful after choosing a type, saving a draft, a failed save,
 *   confirming a deletion, closing the directory dialog and refreshing the peers list (2.4.3);
 * - field errors in the user's language, tied to their fields (3.3.1, 3.3.3), from the
 *   problem+json's structured `errors` (pointer and code);
 * - axe-core with the WCAG 2.2 A and AA tags on every main screen and in open dialogs and menus;
 * - a warning before the session ends, with a button that extends it (2.2.1), on a node whose
 *   sessions last one minute; the "session ended" notice's contrast (1.4.3).
 * Screenshots at 320 pixels and of the focus ring go to test-results/screenshots/.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Secret, TOTP } from 'otpauth';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { answer } from '../../src/api-client/client.ts';
import {
  draftRequest,
  listEvidencePackages,
  makeEvidencePackage,
  sendEvidencePackage,
  submitRequest,
} from '../../src/demo/federation-api.ts';
import { preservationDraft } from '../../src/demo/demo-drafts.ts';
import type { DemoRole } from '../../src/demo/federation-setup.ts';
import { createAccount, createTokenFor } from '../../src/demo/node-api.ts';
import { createNodeProcess, type NodeProcess } from '../../src/demo/node-process.ts';
import {
  bringToExecution,
  deliverTrafficDisclosureFromFrance,
  type Federation,
  startFederation,
  temporaryDirectory,
  waitFor,
} from '../helpers/node-process.ts';
import {
  assertConformsToWcag22AA,
  chromiumPath,
  LAUNCH_ARGS,
  screenshot,
  screenshotDirectory,
  skipReason,
  switchLanguage,
  waitUntilSignedIn,
} from './browser-helpers.ts';

type Language = 'en' | 'ar' | 'fr' | 'ru';
const LANGUAGES: readonly Language[] = ['en', 'ar'];
/** The languages the reflow test reads every main screen in: the two above and the longest. */
const REFLOW_LANGUAGES: readonly Language[] = [...LANGUAGES, 'fr', 'ru'];

/** The main screens of a signed-in administrator. */
const MAIN_SCREENS = [
  '/requests',
  '/requests/new',
  '/desk',
  '/catalogue',
  '/directory',
  '/treaty',
  '/peers',
  '/roster',
  '/alert-deliveries',
  '/transparency',
  '/law-map',
  '/users',
  '/account',
] as const;

type StartedNode = Readonly<{ process: NodeProcess; password: string; url: string; dataDirectory: string }>;

async function startNode(env: Record<string, string> = {}): Promise<StartedNode> {
  const dataDirectory = await mkdtemp(path.join(os.tmpdir(), 'comity-a11y-'));
  const node = createNodeProcess({ name: 'a11y', dataDirectory, startTimeoutMs: 90_000, env });
  await node.start();
  if (!node.adminPassword)
    throw new Error(`the node printed no administrator password:\n${node.outputTail()}`);
  return { process: node, password: node.adminPassword, url: node.url, dataDirectory };
}

async function stopNode(node: StartedNode | undefined): Promise<void> {
  if (!node) return;
  await node.process.stop();
  await rm(node.dataDirectory, { recursive: true, force: true });
}

/** A new context and page signed in as the administrator, in `language`. */
async function signedIn(
  browser: Browser,
  node: StartedNode,
  language: Language,
  viewport = { width: 1366, height: 900 },
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport, locale: 'en-GB', bypassCSP: true });
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

/** What has the focus, described for assertions (the tests are not compiled with the DOM's types). */
type Focused = Readonly<{
  isBody: boolean;
  tag: string;
  role: string | null;
  testId: string | null;
  label: string | null;
  text: string;
  isInDialog: boolean;
}>;
const FOCUSED = `(() => {
  const a = document.activeElement;
  return {
    isBody: a === null || a === document.body || a === document.documentElement,
    tag: a ? a.tagName.toLowerCase() : '',
    role: a ? a.getAttribute('role') : null,
    testId: a ? a.getAttribute('data-testid') : null,
    label: a ? a.getAttribute('aria-label') : null,
    text: a ? (a.textContent || '').trim().slice(0, 80) : '',
    isInDialog: a ? a.closest('[role="dialog"]') !== null : false,
  };
})()`;

async function focused(page: Page): Promise<Focused> {
  return (await page.evaluate(FOCUSED)) as Focused;
}

/** Waits until the focus has left the page body (the focus keeper acts on the next frame). */
async function waitForFocusOffBody(page: Page): Promise<Focused> {
  await page.waitForFunction(
    '(() => { const a = document.activeElement; return a !== null && a !== document.body && a !== document.documentElement; })()',
  );
  return focused(page);
}

const HORIZONTAL_OVERFLOW = `(() => ({
  scrollWidth: document.documentElement.scrollWidth,
  clientWidth: document.documentElement.clientWidth,
}))()`;

/** The elements that stick out sideways, to say what scrolls when a screen does. */
const WIDE_ELEMENTS = `(() => {
  const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll('main *')]
    .filter((element) => {
      const box = element.getBoundingClientRect();
      return box.width > 0 && (box.right > width + 0.5 || box.left < -0.5);
    })
    .slice(0, 5)
    .map((element) => element.tagName + '.' + String(element.className).slice(0, 60));
})()`;

/**
 * Asserts that the page does not scroll sideways at the viewport it has just been given, once the
 * layout has settled (the navigation folds with a transition).
 */
async function assertNoSidewaysScrolling(page: Page, label: string): Promise<void> {
  await page
    .waitForFunction(
      'document.documentElement.scrollWidth <= document.documentElement.clientWidth',
      undefined,
      {
        timeout: 5_000,
      },
    )
    .catch(() => undefined);
  const overflow = (await page.evaluate(HORIZONTAL_OVERFLOW)) as { scrollWidth: number; clientWidth: number };
  assert.ok(
    overflow.scrollWidth <= overflow.clientWidth,
    `${label} scrolls sideways at 320 px: ${overflow.scrollWidth} > ${overflow.clientWidth}; ${JSON.stringify(await page.evaluate(WIDE_ELEMENTS))}`,
  );
}

const USER_MENU_BOX = `(() => {
  const box = document.querySelector('[data-testid="user-menu"]').getBoundingClientRect();
  return { left: box.left, right: box.right, width: document.documentElement.clientWidth };
})()`;

/** Contrast of the "session ended" notice's title against its own background. */
const EXPIRED_TITLE_CONTRAST = `(() => {
  const title = document.querySelector('.mantine-Alert-title');
  const root = title.closest('.mantine-Alert-root');
  const channels = (colour) => (colour.match(/[\\d.]+/g) || []).slice(0, 3).map(Number);
  const luminance = (colour) => {
    const [r, g, b] = channels(colour).map((value) => {
      const share = value / 255;
      return share <= 0.03928 ? share / 12.92 : ((share + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const fore = luminance(getComputedStyle(title).color);
  const back = luminance(getComputedStyle(root).backgroundColor);
  return (Math.max(fore, back) + 0.05) / (Math.min(fore, back) + 0.05);
})()`;

describe('accessibility in a browser: keyboard, 320 pixels, field errors, axe (English and Arabic)', {
  skip: skipReason(),
}, () => {
  let node: StartedNode;
  let browser: Browser;

  before(async () => {
    await mkdir(screenshotDirectory, { recursive: true });
    node = await startNode();
    browser = await chromium.launch({ executablePath: chromiumPath, args: LAUNCH_ARGS });
  });

  after(async () => {
    await browser?.close();
    await stopNode(node);
  });

  test('the node lists invalid fields with a JSON pointer and a stable code, not only validator text', async () => {
    const answer = await fetch(`${node.url}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: '', password: 'x'.repeat(1001) }),
    });
    assert.equal(answer.status, 400);
    const problem = (await answer.json()) as {
      errors: { pointer: string; code: string; in: string; limit?: number; unit?: string }[];
    };
    const byPointer = new Map(problem.errors.map((error) => [error.pointer, error]));
    assert.deepEqual(
      { code: byPointer.get('/username')?.code, in: byPointer.get('/username')?.in },
      { code: 'required', in: 'body' },
    );
    assert.deepEqual(
      {
        code: byPointer.get('/password')?.code,
        limit: byPointer.get('/password')?.limit,
        unit: byPointer.get('/password')?.unit,
      },
      { code: 'too-big', limit: 1000, unit: 'characters' },
    );
  });

  // French and Russian run a third longer than English: their buttons and switches are the ones
  // that would push a phone's page sideways.
  for (const language of REFLOW_LANGUAGES) {
    test(`at 320 pixels every main screen reflows: no horizontal scrolling, the account button on screen (${language})`, async () => {
      const { context, page } = await signedIn(browser, node, language, { width: 320, height: 640 });
      try {
        for (const screen of MAIN_SCREENS) {
          await page.goto(`${node.url}${screen}`);
          await page.locator('main h1').first().waitFor();
          await page.waitForLoadState('networkidle');
          const overflow = (await page.evaluate(HORIZONTAL_OVERFLOW)) as {
            scrollWidth: number;
            clientWidth: number;
          };
          assert.ok(
            overflow.scrollWidth <= overflow.clientWidth,
            `${screen} (${language}) scrolls sideways at 320 px: ${overflow.scrollWidth} > ${overflow.clientWidth}`,
          );
          const box = (await page.evaluate(USER_MENU_BOX)) as { left: number; right: number; width: number };
          assert.ok(
            box.left >= 0 && box.right <= box.width,
            `${screen} (${language}): account button at ${JSON.stringify(box)}`,
          );
          await screenshot(page, `a11y-320${screen.replaceAll('/', '-')}-${language}`, { isFullPage: false });
        }
      } finally {
        await context.close();
      }
    });
  }

  for (const language of LANGUAGES) {
    test(`sign-in: field errors in the user's language, on their fields (aria-invalid, aria-describedby) (${language})`, async () => {
      const context = await browser.newContext({ locale: 'en-GB', bypassCSP: true });
      const page = await context.newPage();
      page.setDefaultTimeout(20_000);
      try {
        await page.goto(`${node.url}/sign-in`);
        await page.getByLabel('Username').waitFor();
        if (language !== 'en') await switchLanguage(page, language);
        await page.locator('button[type="submit"]').click();
        const username = page.locator('#sign-in-username');
        await page.waitForFunction(
          "document.getElementById('sign-in-username').getAttribute('aria-invalid') === 'true'",
        );
        const describedBy = (await username.getAttribute('aria-describedby')) ?? '';
        const description = await page.evaluate(
          `${JSON.stringify(describedBy)}.split(' ').map((id) => document.getElementById(id)?.textContent ?? '').join(' ')`,
        );
        const expected = language === 'en' ? 'Fill in this field.' : 'املأ هذا الحقل.';
        assert.match(String(description), new RegExp(expected.replace('.', '\\.')));
        // The summary takes the focus, words the error and links to the field; no validator text.
        const summary = page.getByTestId('problem-alert');
        assert.equal((await focused(page)).testId, 'problem-alert');
        const text = (await summary.textContent()) ?? '';
        assert.doesNotMatch(text, /Too small|body\.username|expected string/);
        assert.match(text, new RegExp(expected.replace('.', '\\.')));
        await summary.getByRole('link').first().click();
        assert.equal(await page.evaluate('document.activeElement.id'), 'sign-in-username');
        await assertConformsToWcag22AA(page, `sign-in with errors (${language})`);
        await screenshot(page, `a11y-sign-in-errors-${language}`);
      } finally {
        await context.close();
      }
    });

    test(`menus open with the focus on their first item, Tab stays inside, axe finds nothing (${language})`, async () => {
      const { context, page } = await signedIn(browser, node, language);
      try {
        for (const testId of ['language-switch', 'user-menu']) {
          await page.getByTestId(testId).focus();
          await page.keyboard.press('Enter');
          const first = await waitForFocusOffBody(page);
          await page.waitForFunction("document.activeElement?.getAttribute('role') === 'menuitem'");
          const opened = await focused(page);
          assert.equal(opened.role, 'menuitem', `${testId}: focus on ${JSON.stringify(first)}`);
          const isVisible = await page.evaluate(
            '(() => { const box = document.activeElement.getBoundingClientRect(); return box.width > 0 && box.height > 0; })()',
          );
          assert.equal(isVisible, true, `${testId}: the focused item is visible`);
          await assertConformsToWcag22AA(page, `${testId} menu open (${language})`);
          await screenshot(page, `a11y-menu-${testId}-${language}`, { isFullPage: false });
          if (testId === 'language-switch') {
            await page.keyboard.press('Tab');
            const next = await focused(page);
            assert.equal(next.role, 'menuitem', `${testId}: Tab moves to the next item`);
            assert.notEqual(next.text, opened.text);
          }
          await page.keyboard.press('Escape');
          await page.waitForFunction(
            `document.activeElement?.getAttribute('data-testid') === ${JSON.stringify(testId)}`,
          );
        }
        // The external-link arrow follows the reading direction.
        const transform = await page.evaluate(
          "getComputedStyle(document.querySelector('#main-navigation .icon-directional')).transform",
        );
        assert.equal(
          transform === 'matrix(-1, 0, 0, 1, 0, 0)',
          language === 'ar',
          `icon transform ${transform}`,
        );
        // The node's name is not an aria-label on a paragraph: its words are in the text.
        assert.equal(await page.locator('header p[aria-label]').count(), 0);
        // The focus ring on a button reached by keyboard, kept as a screenshot.
        await page.getByTestId('language-switch').focus();
        await page.keyboard.press('Shift+Tab');
        await page.keyboard.press('Tab');
        await screenshot(page, `a11y-focus-ring-${language}`, { isFullPage: false });
      } finally {
        await context.close();
      }
    });

    test(`the type chooser: arrows move without committing, Enter commits and the focus goes to the new heading (${language})`, async () => {
      const { context, page } = await signedIn(browser, node, language);
      try {
        await page.locator('#main-navigation a[href="/requests/new"]').click();
        const chooser = page.getByTestId('type-chooser');
        await chooser.waitFor();
        const first = chooser.getByRole('radio').first();
        await first.focus();
        // The eleven types are one Tab stop, as a group of radio buttons is: Shift+Tab from the
        // first type leaves the group, and only one type is in the Tab order.
        await page.keyboard.press('Shift+Tab');
        assert.equal(
          await page.evaluate(
            'document.activeElement?.closest(\'[data-testid="type-chooser"] [role="radiogroup"]\') === null',
          ),
          true,
          'Shift+Tab leaves the types',
        );
        assert.deepEqual(
          await page.evaluate(
            '[...document.querySelectorAll(\'[data-testid="type-chooser"] [role="radio"]\')].filter((radio) => radio.tabIndex === 0).length',
          ),
          1,
        );
        await first.focus();
        await page.keyboard.press('Space');
        await page.keyboard.press(language === 'ar' ? 'ArrowLeft' : 'ArrowRight');
        await page.keyboard.press('ArrowDown');
        // Still choosing: no form has replaced the chooser.
        assert.equal(await chooser.isVisible(), true);
        assert.match(page.url(), /\/requests\/new$/);
        assert.equal(await page.getByTestId('save-draft').count(), 0);
        const checked = await chooser.locator('[aria-checked="true"]').count();
        assert.equal(checked, 1, 'one type selected by the arrows');
        await page.keyboard.press('Enter');
        await page.getByTestId('save-draft').waitFor();
        const after = await waitForFocusOffBody(page);
        assert.equal(after.tag, 'h1', `focus after choosing: ${JSON.stringify(after)}`);
      } finally {
        await context.close();
      }
    });

    test(`the focus lands on something meaningful after saving, a failed save, a deletion, a dialog and a refresh (${language})`, async () => {
      const { context, page } = await signedIn(browser, node, language);
      const reference = `A11Y-${language}-${Date.now()}`;
      try {
        // Saving a draft from the keyboard (Enter on Save): the focus stays on Save (busy while
        // saving), the status says it is saved.
        await page.locator('#main-navigation a[href="/requests/new"]').click();
        await page.locator('[data-type="preservation"]').click();
        await page.getByTestId('type-continue').click();
        await page.getByTestId('save-draft').waitFor();
        assert.equal((await waitForFocusOffBody(page)).tag, 'h1');
        await page.locator('#el-case-reference input').first().fill(reference);
        await page.getByTestId('save-draft').press('Enter');
        await page.waitForURL(/\/requests\/[0-9a-f-]{36}$/);
        await page.getByTestId('save-state').filter({ hasText: /1/ }).waitFor();
        const afterSave = await waitForFocusOffBody(page);
        assert.ok(
          afterSave.testId === 'save-draft' || afterSave.testId === 'save-state',
          `focus after saving: ${JSON.stringify(afterSave)}`,
        );
        // A row added takes the focus in its first field; removed, the focus goes to the row that
        // took its place, else the one before it (never back to the top of the page).
        const rowOfFocus = `(() => {
          const rows = [...document.querySelectorAll('#el-identifiers fieldset')];
          return { rows: rows.length, at: rows.findIndex((row) => row.contains(document.activeElement)),
                   tag: document.activeElement?.tagName };
        })()`;
        const identifiers = page.locator('#el-identifiers');
        await identifiers.locator('button').last().press('Enter');
        await page.waitForFunction(`${rowOfFocus}.at === ${rowOfFocus}.rows - 1`);
        const added = (await page.evaluate(rowOfFocus)) as { rows: number; at: number; tag: string };
        assert.ok(added.rows >= 1 && ['INPUT', 'TEXTAREA'].includes(added.tag), JSON.stringify(added));
        await identifiers
          .locator(`fieldset >> nth=${added.rows - 1}`)
          .locator('button')
          .last()
          .press('Enter');
        await page.waitForFunction(`${rowOfFocus}.rows === ${added.rows - 1}`);
        const removed = (await page.evaluate(rowOfFocus)) as { rows: number; at: number; tag: string };
        assert.ok(
          removed.rows === 0 ? removed.tag === 'BUTTON' : removed.at === removed.rows - 1,
          `focus after removing a row: ${JSON.stringify(removed)}`,
        );
        // Field findings are shown on their fields too, and the required elements are marked.
        await page.getByTestId('required-note').waitFor();
        assert.ok((await page.locator('fieldset[data-required]').count()) > 0, 'required elements marked');
        const withFindings = page.locator('fieldset[aria-describedby$="-findings"]').first();
        await withFindings.waitFor();
        assert.equal(await withFindings.getAttribute('aria-invalid'), 'true');
        await assertConformsToWcag22AA(page, `draft with findings (${language})`);
        // The checklist's summary is announced by one polite live region, not twice nor assertively.
        const liveRegions = page
          .getByTestId('checklist')
          .locator('[role="status"], [role="alert"], [aria-live]');
        assert.equal(await liveRegions.count(), 1);
        assert.equal(await liveRegions.first().getAttribute('role'), 'status');
        assert.equal(await page.locator('.mantine-NumberInput-controls').count(), 0, 'no tiny steppers');

        // A failed save (a case reference over the node's 500 characters): the summary of what
        // went wrong takes the focus, in the user's language, names the field by its label (not
        // the node's path) and links to it.
        await page
          .locator('#el-case-reference input')
          .first()
          .fill(`${reference}-${'B'.repeat(500)}`);
        await page.getByTestId('save-draft').press('Enter');
        const afterFailure = await waitForFocusOffBody(page);
        await page.waitForFunction("document.activeElement?.getAttribute('data-testid') === 'problem-alert'");
        const refusal = page.getByTestId('problem-alert');
        const summary = (await refusal.textContent()) ?? '';
        assert.doesNotMatch(
          summary,
          /Too big: expected|caseReference/,
          `raw validator text in ${summary} (${JSON.stringify(afterFailure)})`,
        );
        assert.match(
          summary,
          language === 'en' ? /Too long: at most 500 characters\./ : /الحد الأقصى لعدد الأحرف 500/,
        );
        const fieldLink = refusal.getByRole('link');
        assert.equal(
          await fieldLink.textContent(),
          language === 'en' ? 'Case reference' : 'رقم القضية',
          'the summary names the field by its label',
        );
        await fieldLink.click();
        assert.equal(await page.evaluate('document.activeElement.id'), 'field/caseReference');

        // Confirming a deletion: the row and its button go; the focus goes to the screen's heading.
        await page.locator('#main-navigation a[href="/requests"]').click();
        const row = page.getByRole('row').filter({ hasText: reference });
        await row.getByRole('button').last().click();
        const dialog = page.getByRole('dialog');
        await dialog.waitFor();
        await assertConformsToWcag22AA(page, `confirm deletion dialog (${language})`);
        await dialog.locator('.mantine-Group-root button').last().click();
        await row.waitFor({ state: 'detached' });
        await dialog.waitFor({ state: 'detached' });
        await page.waitForFunction(
          'document.activeElement !== document.body && document.activeElement?.closest(\'[role="dialog"]\') == null',
        );
        const afterDelete = await focused(page);
        assert.equal(afterDelete.isInDialog, false);
        assert.equal(afterDelete.tag, 'h1', `focus after deleting: ${JSON.stringify(afterDelete)}`);

        // Closing the directory dialog: back on the button that opened it.
        await page.locator('#main-navigation a[href="/directory"]').click();
        const edit = page.locator('main table button').first();
        await edit.waitFor();
        const editLabel = await edit.getAttribute('aria-label');
        await edit.focus();
        await page.keyboard.press('Enter');
        await page.getByRole('dialog').waitFor();
        await page.getByRole('dialog').locator('input').first().waitFor();
        await assertConformsToWcag22AA(page, `directory dialog (${language})`);
        await page.keyboard.press('Escape');
        await page.getByRole('dialog').waitFor({ state: 'detached' });
        const afterDialog = await waitForFocusOffBody(page);
        assert.equal(afterDialog.label, editLabel, `focus after the dialog: ${JSON.stringify(afterDialog)}`);

        // Refreshing the peers list by keyboard: the focus stays on the refresh button.
        await page.locator('#main-navigation a[href="/peers"]').click();
        const refresh = page.getByTestId('peers-refresh');
        await refresh.waitFor();
        await page.waitForLoadState('networkidle');
        await refresh.focus();
        await page.keyboard.press('Enter');
        await page.waitForLoadState('networkidle');
        await page.waitForFunction("document.activeElement?.getAttribute('data-testid') === 'peers-refresh'");
      } finally {
        await context.close();
      }
    });

    test(`axe (WCAG 2.2 A and AA) finds no violation on any main screen (${language})`, async () => {
      const { context, page } = await signedIn(browser, node, language);
      try {
        for (const screen of MAIN_SCREENS) {
          await page.goto(`${node.url}${screen}`);
          await page.locator('main h1').first().waitFor();
          await page.waitForLoadState('networkidle');
          await assertConformsToWcag22AA(page, `${screen} (${language})`);
          // Banners are notes: nothing interrupts a screen reader as an alert when a screen loads.
          const alerts = await page.locator('[role="alert"]').allTextContents();
          assert.deepEqual(alerts, [], `${screen} (${language}) loads with alerts`);
          if (screen === '/treaty') {
            // The chart's text is in rem: it grows with the browser's text size.
            const sizes = (await page.evaluate(`(() => {
              const text = document.querySelector('text.chart-text');
              const before = parseFloat(getComputedStyle(text).fontSize);
              document.documentElement.style.fontSize = '32px';
              const after = parseFloat(getComputedStyle(text).fontSize);
              document.documentElement.style.fontSize = '';
              return { before, after };
            })()`)) as { before: number; after: number };
            assert.ok(sizes.after >= sizes.before * 1.9, `chart text ${JSON.stringify(sizes)}`);
            // The map is sized in rem and its legend is in viewBox units: both grow with the text size.
            await page.waitForFunction(
              'document.querySelector(\'[data-testid="treaty-map"]\')?.complete === true',
            );
            const map = (await page.evaluate(`(() => {
              const image = document.querySelector('[data-testid="treaty-map"]');
              const before = image.getBoundingClientRect().width;
              document.documentElement.style.fontSize = '32px';
              const after = image.getBoundingClientRect().width;
              document.documentElement.style.fontSize = '';
              return { before, after, natural: image.naturalWidth };
            })()`)) as { before: number; after: number; natural: number };
            assert.ok(map.after >= map.before * 1.9, `map width ${JSON.stringify(map)}`);
            // 20 viewBox units of the 960-unit-wide picture: at least 16 CSS pixels at the default size.
            assert.ok((map.before / 960) * 20 >= 15.9, `legend text ${(map.before / 960) * 20}px`);
          }
        }
      } finally {
        await context.close();
      }
    });

    test(`the focus lands on what an action showed: a new token's secret, a new law-map provision's row, a new user's one-time password (${language})`, async () => {
      const { context, page } = await signedIn(browser, node, language);
      try {
        // A new API token: the notice with its secret, shown once, takes the focus.
        await page.goto(`${node.url}/account`);
        await page.locator('main h1').waitFor();
        const tokens = page.locator('section[aria-labelledby="tokens-heading"]');
        await tokens.locator('input').first().fill(`case system ${language}`);
        await tokens.locator('button[type="submit"]').click();
        await page.getByTestId('token-secret').waitFor();
        await page.waitForFunction("document.activeElement?.getAttribute('data-testid') === 'token-notice'");
        assert.match((await focused(page)).text, /comity_|[A-Za-z0-9_-]{20}/);
        await assertConformsToWcag22AA(page, `account with a new token (${language})`);

        // A new law-map provision: its row in the list takes the focus.
        await page.goto(`${node.url}/law-map`);
        await page.getByTestId('law-citation').waitFor();
        const citation = `Penal Code § 202a (${language})`;
        await page.getByTestId('law-citation').fill(citation);
        await page.getByTestId('law-title').fill('Data espionage');
        await page.getByTestId('law-add').click();
        await page.waitForFunction(
          `document.activeElement?.getAttribute('data-testid') === 'law-provision' && document.activeElement.textContent.includes(${JSON.stringify(citation)})`,
        );
        await assertConformsToWcag22AA(page, `law map with a new provision (${language})`);

        if (language === 'en') {
          // A new user: the one-time password's notice takes the focus.
          await page.goto(`${node.url}/users`);
          await page.getByLabel(/^Username/).fill('focus.clerk');
          await page.getByLabel(/^Name/).fill('Focus Clerk');
          await page.getByRole('checkbox', { name: 'supervisor', exact: true }).check();
          await page.getByRole('button', { name: 'Create account' }).click();
          await page.getByTestId('one-time-password').waitFor();
          await page.waitForFunction(
            "document.activeElement?.getAttribute('data-testid') === 'one-time-password-notice'",
          );
          await assertConformsToWcag22AA(page, 'users with a one-time password shown (en)');
        }
      } finally {
        await context.close();
      }
    });

    test(`the "session ended" notice reaches 4.5:1 and passes axe (${language})`, async () => {
      const { context, page } = await signedIn(browser, node, language);
      try {
        await page.locator('#main-navigation a[href="/roster"]').click();
        await page.locator('main h1').waitFor();
        const session = await page.request.get(`${node.url}/api/v1/session`);
        const { csrfToken } = (await session.json()) as { csrfToken: string };
        await page.request.delete(`${node.url}/api/v1/session`, { headers: { 'x-csrf-token': csrfToken } });
        await page.locator('#main-navigation a[href="/requests"]').click();
        await page.waitForURL(/\/sign-in/);
        await page.locator('.mantine-Alert-title').waitFor();
        const contrast = (await page.evaluate(EXPIRED_TITLE_CONTRAST)) as number;
        assert.ok(contrast >= 4.5, `the title's contrast is ${contrast.toFixed(2)}:1`);
        await assertConformsToWcag22AA(page, `session ended (${language})`);
      } finally {
        await context.close();
      }
    });
  }
});

describe('a warning before the session ends, with a button that extends it (sessions of one minute)', {
  skip: skipReason(),
}, () => {
  let node: StartedNode;
  let browser: Browser;

  before(async () => {
    await mkdir(screenshotDirectory, { recursive: true });
    // Sessions end after one idle minute; the warning comes 50 seconds before, about 10 s after sign-in.
    node = await startNode({ COMITY_SESSION_IDLE_MINUTES: '1', COMITY_SESSION_WARNING_SECONDS: '50' });
    browser = await chromium.launch({ executablePath: chromiumPath, args: LAUNCH_ARGS });
  });

  after(async () => {
    await browser?.close();
    await stopNode(node);
  });

  for (const language of LANGUAGES) {
    test(`warns before the session ends; "stay signed in" extends it (${language})`, async () => {
      const { context, page } = await signedIn(browser, node, language);
      try {
        const before = (await (await page.request.get(`${node.url}/api/v1/session`)).json()) as {
          expiresAt: string;
          warningSeconds: number;
        };
        assert.equal(before.warningSeconds, 50);
        const dialog = page.getByRole('dialog');
        await dialog.waitFor({ timeout: 45_000 });
        const title = language === 'en' ? 'Your session is about to end' : 'جلستك على وشك الانتهاء';
        await dialog.getByText(title).waitFor();
        // The focus is on the button that extends the session.
        const onOpen = await waitForFocusOffBody(page);
        await page.waitForFunction(
          "document.activeElement?.closest('[role=\"dialog\"]') !== null && document.activeElement.tagName === 'BUTTON' && document.activeElement.hasAttribute('data-autofocus')",
        );
        assert.equal(onOpen.isInDialog, true);
        await assertConformsToWcag22AA(page, `session warning (${language})`);
        await screenshot(page, `a11y-session-warning-${language}`, { isFullPage: false });
        await page.keyboard.press('Enter');
        await dialog.waitFor({ state: 'detached' });
        const extended = (await (await page.request.get(`${node.url}/api/v1/session`)).json()) as {
          expiresAt: string;
        };
        assert.ok(
          Date.parse(extended.expiresAt) > Date.parse(before.expiresAt),
          `expiry moved from ${before.expiresAt} to ${extended.expiresAt}`,
        );
        // Still signed in: a screen that needs the session opens.
        await page.locator('#main-navigation a[href="/roster"]').click();
        await page.waitForURL(/\/roster$/);
      } finally {
        await context.close();
      }
    });
  }
});

/** The TOTP code of `secret` at `timestamp` (as an authenticator app shows it). */
function totpCode(secret: string, timestamp: number): string {
  return TOTP.generate({
    secret: Secret.fromBase32(secret),
    timestamp,
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
  });
}

describe('the screens of a received request, the auditor, the approvals and the sign-in code: axe, 320 pixels and the focus after their actions (two nodes)', {
  skip: skipReason(),
}, () => {
  let federation: Federation;
  let browser: Browser;
  let deRequestId = '';
  let frRequestId = '';
  let awaitingRequestId = '';
  let auditor: Readonly<{ username: string; password: string }>;
  let totpSecret = '';
  let recoveryCodes: string[] = [];
  const templateDirectory = temporaryDirectory('comity-a11y-template-');

  /** A new context and page signed in on Germany's node (or `state`'s), in `language`. */
  async function signedInAs(
    username: string,
    password: string,
    language: Language,
    viewport = { width: 1366, height: 900 },
    state: 'DE' | 'FR' = 'DE',
  ): Promise<{ context: BrowserContext; page: Page }> {
    const de = federation.node(state);
    const context = await browser.newContext({ viewport, locale: 'en-GB', bypassCSP: true });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    await page.goto(`${de.url}/sign-in`);
    await page.getByLabel('Username').fill(username);
    await page.getByLabel(/^Password/).fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await waitUntilSignedIn(page);
    if (language !== 'en') await switchLanguage(page, language);
    return { context, page };
  }

  function accountOf(role: DemoRole, state: 'DE' | 'FR' = 'DE'): { username: string; password: string } {
    const account = federation.node(state).accounts?.[role];
    if (!account) throw new Error(`${state} has no ${role} account`);
    return account;
  }

  /** axe with the WCAG 2.2 A and AA tags, no alert on load, then no sideways scrolling at 320 pixels. */
  async function walk(page: Page, screen: string, label: string, language: Language, ready?: string) {
    await page.setViewportSize({ width: 1366, height: 900 });
    await page.goto(new URL(screen, page.url()).toString());
    await page.locator('main h1').first().waitFor();
    if (ready) await page.getByTestId(ready).first().waitFor();
    await page.waitForLoadState('networkidle');
    await assertConformsToWcag22AA(page, `${label} (${language})`);
    const alerts = await page.locator('[role="alert"]').allTextContents();
    assert.deepEqual(alerts, [], `${label} (${language}) loads with alerts`);
    await page.setViewportSize({ width: 320, height: 640 });
    await page.waitForFunction('document.documentElement.clientWidth <= 320');
    await assertNoSidewaysScrolling(page, `${label} (${language})`);
    await screenshot(page, `a11y-320-${label.replaceAll(' ', '-')}-${language}`, { isFullPage: false });
  }

  before(async () => {
    await mkdir(screenshotDirectory, { recursive: true });
    federation = await startFederation({ states: ['FR', 'DE'], templateDirectory });
    ({ deRequestId, frRequestId } = await deliverTrafficDisclosureFromFrance(federation));
    const de = federation.node('DE');
    // Germany's duty officer uploads a small file: the evidence packages panel can make a package.
    const duty = accountOf('duty-officer');
    const credentials = await createTokenFor(de.url, duty.username, duty.password);
    if (credentials.kind !== 'token') throw new Error('expected an API token');
    const headers = { authorization: `Bearer ${credentials.token}`, 'tus-resumable': '1.0.0' };
    const file = Buffer.from('2026-03-09T10:00:00Z GET /login 200 203.0.113.7\n'.repeat(50));
    const created = await fetch(`${de.url}/api/v1/requests/${deRequestId}/evidence/uploads`, {
      method: 'POST',
      headers: {
        ...headers,
        'upload-length': String(file.length),
        'upload-metadata': `filename ${Buffer.from('access.log').toString('base64')}`,
      },
    });
    assert.equal(created.status, 201, await created.text());
    const patched = await fetch(new URL(created.headers.get('location') ?? '', de.url), {
      method: 'PATCH',
      headers: { ...headers, 'content-type': 'application/offset+octet-stream', 'upload-offset': '0' },
      body: file,
    });
    assert.equal(patched.status, 204, await patched.text());
    const itemId = new URL(created.headers.get('location') ?? '', de.url).pathname.split('/').at(-1) ?? '';
    const dutyClient = await de.userClient('duty-officer');
    // Accepted and in execution (evidence answers only that); the legal reviewer still screens it.
    await bringToExecution(federation, deRequestId);
    // A package sent to France with a supervisor's approval: France's request page lists it.
    const sent = await makeEvidencePackage(dutyClient, deRequestId, [itemId]);
    await sendEvidencePackage(dutyClient, await de.userClient('supervisor'), deRequestId, sent.id);
    const frDuty = await federation.node('FR').userClient('duty-officer');
    await waitFor(
      'the verified package at FR',
      async () =>
        (await listEvidencePackages(frDuty, frRequestId)).find((found) => found.status === 'verified'),
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    // A request Germany's officer submitted: it waits on the supervisor's approvals screen. Its
    // case reference is longer than a phone's screen is wide: the page title must break it.
    const deOfficer = await de.userClient('officer');
    const awaiting = await draftRequest(deOfficer, {
      ...preservationDraft('DE', 'FR'),
      caseReference: 'BKA-WIESBADEN-2026-0147-PRESERVATION-MUSTERMANN',
    });
    assert.ok(awaiting.isReady, awaiting.blocking.join('; '));
    await submitRequest(deOfficer, awaiting.id);
    awaitingRequestId = awaiting.id;
    // The demo's auditor, and a role grant the second administrator asked for, which the first approves.
    // The demo's auditor (an oversight body's reader), as `comity demo` makes it.
    const demoAuditor = de.accounts?.auditor;
    assert.ok(demoAuditor, 'the federation has its demo accounts');
    auditor = demoAuditor;
    const clerk = await createAccount(
      { admin: de.admin, approver: de.approver },
      { username: 'de.clerk', displayName: 'DE clerk', roles: ['supervisor'] },
    );
    const users = await answer(de.approver.api.GET('/api/v1/users'));
    const clerkId = users.items.find((user) => user.username === clerk.username)?.id ?? '';
    const changed = await answer(
      de.approver.api.PATCH('/api/v1/users/{id}', {
        params: { path: { id: clerkId } },
        body: { roles: ['supervisor', 'auditor'] },
      }),
    );
    assert.ok(changed.pendingRoleRequest, 'the grant waits for another administrator');
    browser = await chromium.launch({ executablePath: chromiumPath, args: LAUNCH_ARGS });
  });

  after(async () => {
    await browser?.close();
    await federation?.stop();
    await rm(templateDirectory, { recursive: true, force: true });
  });

  test('the focus lands on what each action showed: an approved role, a TOTP secret and recovery codes, a saved screening, a new evidence package (en)', async () => {
    const de = federation.node('DE');
    // The first administrator approves the grant: the notice that says so takes the focus.
    const admin = await signedInAs('admin', de.adminPassword, 'en');
    try {
      await admin.page.goto(`${de.url}/users`);
      const grant = admin.page.getByTestId('pending-grant');
      // A light button keeps its text readable under the pointer, where its background darkens.
      await grant.getByRole('button').hover();
      await assertConformsToWcag22AA(admin.page, 'users with the pointer on a light button (en)');
      await grant.getByRole('button').click();
      await admin.page.waitForFunction(
        "document.activeElement?.getAttribute('data-testid') === 'approved-notice'",
      );
      assert.match((await focused(admin.page)).text, /de\.clerk/);
      await assertConformsToWcag22AA(admin.page, 'users after approving a role (en)');
    } finally {
      await admin.context.close();
    }

    // The auditor enrols TOTP: the secret, then the recovery codes, take the focus.
    const audit = await signedInAs(auditor.username, auditor.password, 'en');
    try {
      await audit.page.goto(`${de.url}/account`);
      await audit.page.getByRole('button', { name: 'Set up an authenticator app' }).click();
      await audit.page.waitForFunction(
        "document.activeElement?.getAttribute('data-testid') === 'totp-secret'",
      );
      totpSecret = ((await audit.page.getByTestId('totp-secret').textContent()) ?? '').replaceAll(/\s/g, '');
      await audit.page.getByLabel(/^Code shown by the app/).fill(totpCode(totpSecret, Date.now()));
      await audit.page.getByRole('button', { name: 'Confirm' }).click();
      await audit.page.waitForFunction(
        "document.activeElement?.getAttribute('data-testid') === 'recovery-notice'",
      );
      await assertConformsToWcag22AA(audit.page, 'account with recovery codes (en)');
      recoveryCodes = (await audit.page.getByTestId('recovery-codes').locator('li').allTextContents()).map(
        (text) => text.trim(),
      );
      await audit.page.getByRole('button', { name: 'I have kept them' }).click();
      await audit.page
        .getByTestId('totp-status')
        .getByText(/Recovery codes left: 10/)
        .waitFor();
    } finally {
      await audit.context.close();
    }

    // The legal reviewer answers the checklist and saves it: the "saved" status takes the focus.
    const reviewer = accountOf('legal-reviewer');
    const legal = await signedInAs(reviewer.username, reviewer.password, 'en');
    try {
      await legal.page.goto(`${de.url}/requests/${deRequestId}`);
      const item = legal.page.getByTestId('screening-item').first();
      await item.getByTestId('answer-no-concern').check();
      await item.getByTestId('screening-reasons').fill('Checked: no concern.');
      await legal.page.getByTestId('screening-save').click();
      await legal.page.waitForFunction(
        "document.activeElement?.getAttribute('data-testid') === 'screening-saved'",
      );
      await assertConformsToWcag22AA(legal.page, 'screening after a save (en)');
    } finally {
      await legal.context.close();
    }

    // The duty officer makes an evidence package: its card takes the focus.
    const duty = accountOf('duty-officer');
    const officer = await signedInAs(duty.username, duty.password, 'en');
    try {
      await officer.page.goto(`${de.url}/requests/${deRequestId}`);
      const form = officer.page.getByTestId('evidence-package-form');
      await form.getByRole('checkbox').first().check();
      await form.locator('button[type="submit"]').click();
      await officer.page.waitForFunction(
        "document.activeElement?.getAttribute('data-testid') === 'evidence-package'",
      );
      await assertConformsToWcag22AA(officer.page, 'evidence packages after making one (en)');
    } finally {
      await officer.context.close();
    }
  });

  for (const language of LANGUAGES) {
    test(`the audit log, a received request's screening and evidence packages panels, the approvals screen and panel, the requesting side's packages and the sign-in code: axe and 320 pixels (${language})`, async () => {
      const de = federation.node('DE');
      // Signing in with TOTP: the code step (the auditor enrolled in the test above).
      const context = await browser.newContext({
        viewport: { width: 1366, height: 900 },
        locale: 'en-GB',
        bypassCSP: true,
      });
      const page = await context.newPage();
      page.setDefaultTimeout(20_000);
      try {
        await page.goto(`${de.url}/sign-in`);
        await page.getByLabel('Username').waitFor();
        if (language !== 'en') await switchLanguage(page, language);
        await page.locator('#sign-in-username').fill(auditor.username);
        await page.locator('input[type="password"]').fill(auditor.password);
        await page.locator('button[type="submit"]').click();
        const code = page.locator('input[autocomplete="one-time-code"]');
        await code.waitFor();
        await assertConformsToWcag22AA(page, `sign-in code step (${language})`);
        await page.setViewportSize({ width: 320, height: 640 });
        await assertNoSidewaysScrolling(page, `sign-in code step (${language})`);
        await screenshot(page, `a11y-320-sign-in-code-${language}`, { isFullPage: false });
        await page.setViewportSize({ width: 1366, height: 900 });
        // A code is used once: English signs in with the next time step's code, Arabic with a
        // recovery code.
        await code.fill(
          language === 'en' ? totpCode(totpSecret, Date.now() + 30_000) : (recoveryCodes[0] ?? ''),
        );
        await page.locator('button[type="submit"]').click();
        // An auditor lands on the audit log.
        await page.waitForURL(/\/audit$/);
        await walk(page, '/audit', 'audit log', language);
        // The register of two-person decisions: Germany's response waiting for a supervisor, and
        // the grant of roles the first test approved, each with its check.
        await walk(page, '/decisions', 'two-person decisions', language, 'decision-row');
        await page.setViewportSize({ width: 1366, height: 900 });
        assert.equal(await page.getByTestId('decision-verdict').getAttribute('data-sound'), 'true');
        assert.ok(
          (await page.locator('[data-testid="check-second-person"][data-check="pending"]').count()) >= 1,
          "Germany's request waiting for a supervisor",
        );
        assert.ok(
          (await page.locator('[data-testid="check-second-administrator"][data-check="held"]').count()) >= 1,
          'the approved grant of roles shows its second administrator',
        );
      } finally {
        await context.close();
      }
      const reviewer = accountOf('legal-reviewer');
      const legal = await signedInAs(reviewer.username, reviewer.password, language);
      try {
        await walk(legal.page, `/requests/${deRequestId}`, 'screening panel', language, 'screening-item');
      } finally {
        await legal.context.close();
      }
      const duty = accountOf('duty-officer');
      const officer = await signedInAs(duty.username, duty.password, language);
      try {
        await walk(
          officer.page,
          `/requests/${deRequestId}`,
          'evidence packages panel',
          language,
          'evidence-packages-panel',
        );
      } finally {
        await officer.context.close();
      }
      const supervisor = accountOf('supervisor');
      const approver = await signedInAs(supervisor.username, supervisor.password, language);
      try {
        await walk(approver.page, '/approvals', 'approvals', language, 'approval-row');
        await walk(
          approver.page,
          `/requests/${awaitingRequestId}`,
          'approval panel',
          language,
          'approval-decision',
        );
      } finally {
        await approver.context.close();
      }
      // The requesting side: France's supervisor reads the package Germany sent.
      const frSupervisor = accountOf('supervisor', 'FR');
      const requesting = await signedInAs(
        frSupervisor.username,
        frSupervisor.password,
        language,
        undefined,
        'FR',
      );
      try {
        await walk(
          requesting.page,
          `/requests/${frRequestId}`,
          'received evidence packages panel',
          language,
          'evidence-package',
        );
      } finally {
        await requesting.context.close();
      }
    });
  }
});
