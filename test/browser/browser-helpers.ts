/**
 * What the browser suites share: where Chromium and the screenshots are, the launch arguments, and
 * the checks run on a page (axe-core through the page probes, the document's language and
 * direction), screenshots and switching the UI language.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { answer } from '../../src/api-client/client.ts';
import { approveResponse } from '../../src/demo/federation-api.ts';
import type { DemoRole, FederationNode } from '../../src/demo/federation-setup.ts';
import type { ApiClient } from '../../src/demo/node-api.ts';
import { waitFor } from '../../src/demo/node-process.ts';

const root = path.resolve(import.meta.dirname, '..', '..');
export const chromiumPath = process.env.COMITY_TEST_CHROMIUM;
export const screenshotDirectory = path.join(root, 'test-results', 'screenshots');
const axeScript = path.join(root, 'node_modules', 'axe-core', 'axe.min.js');
const probesScript = path.join(import.meta.dirname, 'page-probes.js');

export function skipReason(): string | false {
  if (!chromiumPath) return 'COMITY_TEST_CHROMIUM is not set (npm test sets it when Chromium is installed)';
  if (!existsSync(path.join(root, 'web', 'dist', 'index.html')))
    return 'web/dist is not built: run npm run build:web';
  return false;
}

export const LAUNCH_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export type AxeViolation = Readonly<{
  id: string;
  impact: string | null;
  help: string;
  nodes: ReadonlyArray<{ target: unknown; failureSummary?: string }>;
}>;

/** Injects axe-core and the page probes (test/browser/page-probes.js) once per page load. */
export async function injectProbes(page: Page): Promise<void> {
  const hasProbes = await page.evaluate<boolean>(
    'typeof window.comityProbes === "object" && typeof window.axe === "object"',
  );
  if (hasProbes) return;
  // Evaluated through the DevTools protocol rather than added as <script> elements: the node's
  // Content-Security-Policy (script-src 'self') refuses inline scripts, and rightly so.
  for (const script of [axeScript, probesScript]) await page.evaluate(readFileSync(script, 'utf8'));
}

/**
 * Records every Content-Security-Policy violation the pages of `context` report (the
 * securitypolicyviolation event, and Chromium's console line), across navigations.
 */
export async function recordCspViolations(context: BrowserContext): Promise<string[]> {
  const violations: string[] = [];
  await context.exposeFunction('comityReportCspViolation', (line: string) => {
    violations.push(line);
  });
  await context.addInitScript(`document.addEventListener('securitypolicyviolation', (event) => {
    window.comityReportCspViolation(event.violatedDirective + ' ' + event.blockedURI + ' at ' + location.pathname);
  });`);
  context.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  return violations;
}

/** Runs axe-core on the page; returns the serious and critical violations. */
export async function seriousAccessibilityViolations(page: Page): Promise<AxeViolation[]> {
  await injectProbes(page);
  const violations = await page.evaluate<AxeViolation[]>('window.comityProbes.accessibilityViolations()');
  return violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
}

/** axe-core's tags for WCAG 2.0, 2.1 and 2.2 at levels A and AA. */
export const WCAG_22_AA_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] as const;

/** Every violation of WCAG 2.2 A and AA that axe-core finds on the page, of any impact, after transitions end. */
export async function assertConformsToWcag22AA(page: Page, screen: string): Promise<void> {
  // Finite transitions only: a spinner (an infinite animation) would never end.
  await page.waitForFunction(
    "document.getAnimations().every((animation) => animation.playState !== 'running' || animation.effect?.getTiming().iterations === Infinity)",
  );
  await injectProbes(page);
  const violations = await page.evaluate<AxeViolation[]>(
    `window.comityProbes.accessibilityViolations(${JSON.stringify(WCAG_22_AA_TAGS)})`,
  );
  assert.deepEqual(
    violations,
    [],
    `axe found WCAG 2.2 AA violations on ${screen}: ${JSON.stringify(violations, null, 1)}`,
  );
}

export async function documentLanguage(page: Page): Promise<{ lang: string; dir: string }> {
  await injectProbes(page);
  return page.evaluate<{ lang: string; dir: string }>('window.comityProbes.documentLanguage()');
}

export async function assertAccessible(page: Page, screen: string): Promise<void> {
  // Colours are only final once transitions (a dialog fading in, a pressed button) have ended:
  // axe measuring a half-faded dialog reports a contrast that nobody sees.
  await page.waitForFunction(
    "document.getAnimations().every((animation) => animation.playState !== 'running')",
  );
  const violations = await seriousAccessibilityViolations(page);
  assert.deepEqual(
    violations,
    [],
    `axe found serious or critical violations on ${screen}: ${JSON.stringify(violations, null, 1)}`,
  );
}

export async function screenshot(
  page: Page,
  name: string,
  options: { isFullPage?: boolean } = {},
): Promise<void> {
  await page.screenshot({
    path: path.join(screenshotDirectory, `${name}.png`),
    fullPage: options.isFullPage ?? true,
  });
}

/** Chooses an option of a Mantine Select: click, type to filter (searchable ones), click the option. */
export async function choose(field: Locator, typed: string, option: string | RegExp): Promise<void> {
  await field.click();
  if ((await field.getAttribute('readonly')) === null) await field.fill(typed);
  await field.page().getByRole('option', { name: option }).first().click();
}

export async function switchLanguage(page: Page, language: string): Promise<void> {
  await page.getByTestId('language-switch').click();
  await page.locator(`[data-language="${language}"]`).click();
  await page.waitForFunction(`document.documentElement.lang === ${JSON.stringify(language)}`);
}

/** A new page of `context` signed in on `node` as its demo account of `role` (it lands on /requests). */
export async function signInAs(context: BrowserContext, node: FederationNode, role: DemoRole): Promise<Page> {
  const account = node.accounts?.[role];
  if (!account) throw new Error(`${node.spec.nodeId} has no ${role} account`);
  return signInWith(context, node.url, account);
}

/** A new page of `context` signed in at `baseUrl` with the sign-in form, on the person's landing screen. */
export async function signInWith(
  context: BrowserContext,
  baseUrl: string,
  account: Readonly<{ username: string; password: string }>,
): Promise<Page> {
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  await page.goto(`${baseUrl}/sign-in`);
  await page.getByLabel('Username').fill(account.username);
  await page.getByLabel(/^Password/).fill(account.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await waitUntilSignedIn(page);
  return page;
}

/** After "Sign in": the person's landing screen (web/src/app/landing.ts) is shown. */
export async function waitUntilSignedIn(page: Page): Promise<void> {
  await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
  await page.locator('main h1').waitFor();
}

/**
 * The two-person rule in a browser test: waits until a response made on the page (a refusal, an
 * execution) waits for approval on the node, then approves it as `supervisor` through the API.
 */
export async function approveWaitingResponse(supervisor: ApiClient, requestId: string): Promise<void> {
  await waitFor(
    `a response of request ${requestId} waiting for approval`,
    async () => {
      const { items } = await answer(
        supervisor.api.GET('/api/v1/requests/{id}/approvals', { params: { path: { id: requestId } } }),
      );
      return items.some((item) => item.kind === 'case-transition' && item.state === 'pending')
        ? true
        : undefined;
    },
    { timeoutMs: 30_000, intervalMs: 200 },
  );
  await approveResponse(supervisor, requestId);
}

/** The phone's width the layout tests use (an iPhone's 390 CSS pixels). */
export const PHONE = { width: 390, height: 844 } as const;

/** Narrows the page to a phone and waits until the navigation has folded away (inert, off screen). */
export async function useThePhoneLayout(page: Page): Promise<void> {
  await page.setViewportSize(PHONE);
  await page.waitForFunction(
    "(() => { const nav = document.getElementById('main-navigation'); return nav.inert && nav.getBoundingClientRect().right <= 0; })()",
  );
}

/** Asserts that `locator` lies within the phone's width: in view without scrolling sideways. */
export async function assertWithinPhoneWidth(locator: Locator, what: string): Promise<void> {
  const box = await locator.boundingBox();
  assert.ok(
    box && box.x >= 0 && box.x + box.width <= PHONE.width,
    `${what} on screen: ${JSON.stringify(box)}`,
  );
}
