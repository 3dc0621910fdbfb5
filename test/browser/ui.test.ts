/**
 * The web UI in a real browser against a real node: sign in, draft a preservation request, see
 * the blocking findings, complete it until the checklist is green, download the PDF, sending
 * (refused with its reason on a node without a federation identity; impossible with blocking
 * findings), the incoming requests tab and the peers page, switch to Arabic (right to left) and
 * Chinese (glyphs present), an expired session, deleting a draft, and axe-core on the main
 * screens (no serious or critical violation).
 *
 * Needs Chromium (COMITY_TEST_CHROMIUM, set by `npm test` when found) and a built UI (web/dist,
 * built by `npm test` when stale). Screenshots go to test-results/screenshots/ (gitignored).
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  type Browser,
  type ConsoleMessage,
  chromium,
  type Locator,
  type Page,
  type Request,
} from 'playwright-core';
import { createNodeProcess, type NodeProcess } from '../../src/demo/node-process.ts';
import { loadConfig } from '../../src/config.ts';
import { initNodeIdentity } from '../../src/federation/identity/identity-store.ts';
import { signDirectory } from '../../src/federation/protocol/directory-document.ts';
import {
  computeKid,
  generateEncryptionKeyPair,
  generateSigningKeyPair,
} from '../../src/federation/protocol/keys.ts';
import { openDatabase } from '../../src/storage/database.ts';
import { writeDirectoryCache } from '../../src/storage/federation-directory.repository.ts';
import { migrateToLatest } from '../../src/storage/migrate.ts';
import {
  assertAccessible,
  assertWithinPhoneWidth,
  chromiumPath,
  choose,
  documentLanguage,
  injectProbes,
  LAUNCH_ARGS,
  recordCspViolations,
  screenshot,
  screenshotDirectory,
  skipReason,
  switchLanguage,
  useThePhoneLayout,
} from './browser-helpers.ts';

type StartedNode = Readonly<{
  baseUrl: string;
  password: string;
  process: NodeProcess;
  dataDirectory: string;
}>;

/**
 * Starts `comity serve` on a port of its own with a fresh embedded database (after `prepare` has
 * set up its data directory, if given); reads the first administrator's password.
 */
/** The elements whose name the draft's form marks as required (an asterisk), sorted. */
async function requiredMarks(page: Page): Promise<string[]> {
  const marked = await page
    .locator('[data-testid="required-mark"]')
    .evaluateAll((marks) => marks.map((mark) => mark.getAttribute('data-element') ?? ''));
  return marked.sort();
}

/** The elements the draft's checklist lists as required, sorted. */
async function requiredInChecklist(page: Page): Promise<string[]> {
  const required = await page
    .getByTestId('checklist')
    .locator('li[data-requirement="required"]')
    .evaluateAll((items) => items.map((item) => item.getAttribute('data-element') ?? ''));
  return required.sort();
}

async function startNode(prepare?: (dataDirectory: string) => Promise<void>): Promise<StartedNode> {
  const dataDirectory = await mkdtemp(path.join(os.tmpdir(), 'comity-ui-'));
  await prepare?.(dataDirectory);
  const node = createNodeProcess({ name: 'ui', dataDirectory, startTimeoutMs: 60_000 });
  await node.start();
  if (!node.adminPassword)
    throw new Error(`the node printed no administrator password:\n${node.outputTail()}`);
  return { baseUrl: node.url, password: node.adminPassword, process: node, dataDirectory };
}

/** Stops a node started by startNode and removes its data. */
async function stopNode(node: StartedNode | undefined): Promise<void> {
  if (!node) return;
  await node.process.stop();
  await rm(node.dataDirectory, { recursive: true, force: true });
}

/** Page expressions (the tests are not compiled with the DOM's types). */
const BORDER_COLOUR = "getComputedStyle(document.querySelector('input.mantine-Input-input')).borderTopColor";
const OUTLINE = `(() => {
  const style = getComputedStyle(document.activeElement);
  return { style: style.outlineStyle, width: parseFloat(style.outlineWidth), colour: style.outlineColor };
})()`;
const SCROLL_PADDING_TOP = 'parseFloat(getComputedStyle(document.documentElement).scrollPaddingTop) || 0';

/** The contrast of an rgb() colour on white (WCAG's relative luminance). */
function contrastOnWhite(colour: string): number {
  const channels = (colour.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number);
  const linear = channels.map((value) => {
    const share = value / 255;
    return share <= 0.03928 ? share / 12.92 : ((share + 0.055) / 1.055) ** 2.4;
  });
  const luminance = 0.2126 * (linear[0] ?? 1) + 0.7152 * (linear[1] ?? 1) + 0.0722 * (linear[2] ?? 1);
  return 1.05 / (luminance + 0.05);
}
const IS_NAVIGATION_INERT = "document.getElementById('main-navigation').inert";
const IS_FOCUS_IN_NAVIGATION = "document.activeElement?.closest('#main-navigation') != null";

describe('web UI in a browser', { skip: skipReason() }, () => {
  let node: StartedNode;
  let browser: Browser;
  let page: Page;
  let draftUrl = '';

  before(async () => {
    await mkdir(screenshotDirectory, { recursive: true });
    node = await startNode();
    browser = await chromium.launch({ executablePath: chromiumPath, args: LAUNCH_ARGS });
    // Playwright evaluates the string predicates of waitForFunction with eval, which the node's
    // CSP refuses: these tests bypass it; the last test walks the screens under the CSP.
    const context = await browser.newContext({
      viewport: { width: 1366, height: 900 },
      locale: 'en-GB',
      bypassCSP: true,
    });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
  });

  after(async () => {
    await browser?.close();
    await stopNode(node);
  });

  test('signs in as the administrator from an accessible sign-in page', async () => {
    // A visitor who never signed in is not asked about a session: no 401 in the console.
    const sessionCalls: string[] = [];
    const consoleErrors: string[] = [];
    const onRequest = (request: Request) => {
      if (new URL(request.url()).pathname === '/api/v1/session') sessionCalls.push(request.method());
    };
    const onConsole = (message: ConsoleMessage) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    };
    page.on('request', onRequest);
    page.on('console', onConsole);
    await page.goto(`${node.baseUrl}/requests`);
    await page.waitForURL(/\/sign-in\?next=%2Frequests$/);
    await page.getByLabel('Username').waitFor();
    page.off('request', onRequest);
    page.off('console', onConsole);
    assert.deepEqual({ sessionCalls, consoleErrors }, { sessionCalls: [], consoleErrors: [] });
    await assertAccessible(page, 'sign-in');
    await screenshot(page, 'sign-in');

    await page.getByLabel('Username').fill('admin');
    await page.getByLabel(/^Password/).fill('wrong password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Wrong username or password' }).waitFor();

    await page.getByLabel(/^Password/).fill(node.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/requests$/);
    await page.getByRole('heading', { level: 1, name: 'Requests' }).waitFor();
    await page.getByTestId('user-menu').waitFor();
    // Signed in, a reload asks for the session and keeps it.
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Requests' }).waitFor();
    await page.getByTestId('user-menu').waitFor();
  });

  test('a page the roles do not allow, opened by its address, says so once and calls nothing', async () => {
    // The administrator administers accounts and does not read the audit log (an auditor does).
    const auditCalls: string[] = [];
    const onRequest = (request: Request) => {
      if (new URL(request.url()).pathname.startsWith('/api/v1/audit')) auditCalls.push(request.url());
    };
    page.on('request', onRequest);
    await page.goto(`${node.baseUrl}/audit`);
    await page.getByRole('heading', { level: 1, name: 'Audit log' }).waitFor();
    const refusal = page.getByTestId('page-not-allowed');
    await refusal.getByText('Your account does not have a role that allows this.').waitFor();
    page.off('request', onRequest);
    assert.equal(await page.getByTestId('problem-alert').count(), 0);
    assert.deepEqual(auditCalls, []);
    assert.equal(await page.getByRole('link', { name: 'Audit log' }).count(), 0, 'nor is it in the menu');
  });

  test('the duty roster: puts the administrator on duty now, shows it in local time and keeps a handover note', async () => {
    await page.getByRole('link', { name: 'Duty roster' }).click();
    await page.getByRole('heading', { level: 1, name: 'Duty roster' }).waitFor();
    // The node has no State: its roster is in UTC.
    const hour = 3_600_000;
    const local = (ms: number) => new Date(ms).toISOString().slice(0, 16);
    const now = Date.now();
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Start').fill(local(now - hour));
    await page.getByLabel('End').fill(local(now + hour));
    await page.getByRole('button', { name: 'Add shift' }).click();
    await page.getByRole('button', { name: /^Remove the shift of / }).waitFor();
    await page.locator('dd').filter({ hasText: 'UTC' }).waitFor();
    // Times read as on every other screen ("7 Dec 2026, 06:55"), not as stored ("2026-12-07T06:55").
    const startCell = await page.locator('tbody time').first().textContent();
    assert.match(startCell ?? '', /^\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}$/);
    assert.notEqual(
      await page.locator('.facts-row').filter({ hasText: 'On duty now' }).locator('dd').textContent(),
      'nobody',
    );
    // An end before the start is refused with the node's reason, and nothing is added.
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Start').fill(local(now + 5 * hour));
    await page.getByLabel('End').fill(local(now + 4 * hour));
    await page.getByRole('button', { name: 'Add shift' }).click();
    // The alert says what to do in the UI language; the node's own words wait under the technical details.
    const shiftRefusal = page.getByTestId('problem-alert');
    await shiftRefusal.getByText('Some of what you entered is not accepted.', { exact: false }).waitFor();
    await shiftRefusal.getByText('Technical details (in English)').click();
    await shiftRefusal
      .locator('[lang="en"]')
      .getByText('a shift ends after it starts', { exact: true })
      .waitFor();
    assert.equal(await page.getByRole('button', { name: /^Remove the shift of / }).count(), 1);

    await page.getByLabel('Note for the next person on duty').fill('Watch the DE preservation request.');
    await page.getByRole('button', { name: 'Leave the note' }).click();
    await page.getByText('Watch the DE preservation request.').waitFor();
    await assertAccessible(page, 'roster');
    await screenshot(page, 'roster');
  });

  test('below 768 pixels the folded navigation leaves the tab order, and its menu button says whether it is open', async () => {
    await page.setViewportSize({ width: 375, height: 800 });
    try {
      const menu = page.getByRole('button', { name: 'Show or hide navigation' });
      await menu.waitFor();
      assert.equal(await menu.getAttribute('aria-expanded'), 'false');
      // The fold follows the width as the page re-renders after the resize: wait for it, then check.
      await page.waitForFunction(IS_NAVIGATION_INERT, undefined, { timeout: 5_000 });
      assert.equal(await page.evaluate(IS_NAVIGATION_INERT), true);
      // Tabbing from the menu button reaches no navigation link while it is folded.
      await menu.focus();
      for (let step = 0; step < 6; step += 1) {
        await page.keyboard.press('Tab');
        const isInNavigation = await page.evaluate(IS_FOCUS_IN_NAVIGATION);
        assert.equal(isInNavigation, false, `step ${step}`);
      }
      await menu.click();
      assert.equal(await menu.getAttribute('aria-expanded'), 'true');
      assert.equal(await page.evaluate(IS_NAVIGATION_INERT), false);
      await page.getByRole('link', { name: 'Requests' }).first().focus();
      assert.equal(await page.evaluate(IS_FOCUS_IN_NAVIGATION), true);
      await menu.click();
    } finally {
      await page.setViewportSize({ width: 1366, height: 900 });
    }
  });

  test('control borders and the focus ring of a text field reach 3:1, and the fixed header leaves room for the focused field', async () => {
    await page.getByRole('link', { name: 'Duty roster' }).click();
    const field = page.getByLabel('Username');
    await field.waitFor();
    const border = (await page.evaluate(BORDER_COLOUR)) as string;
    assert.ok(
      contrastOnWhite(border) >= 3,
      `input border ${border}: ${contrastOnWhite(border).toFixed(2)}:1`,
    );
    await field.focus();
    const ring = (await page.evaluate(OUTLINE)) as { style: string; width: number; colour: string };
    assert.match(ring.style, /solid/);
    assert.ok(ring.width >= 2, `focus ring ${ring.width}px`);
    assert.ok(contrastOnWhite(ring.colour) >= 3, `focus ring ${ring.colour}`);
    assert.ok(
      ((await page.evaluate(SCROLL_PADDING_TOP)) as number) >= 52,
      'scroll padding below the 52-pixel header',
    );
  });

  test('the form marks with an asterisk exactly the elements the checklist requires, for each type', async () => {
    // Lists (offences, the person sought, identifiers), single fields and groups of fields.
    for (const type of [
      'real-time-traffic',
      'extradition',
      'joint-investigation',
      'spontaneous-information',
    ]) {
      await page.goto(`${node.baseUrl}/requests/new`);
      await page.locator(`[data-type="${type}"]`).click();
      await page.getByTestId('type-continue').click();
      await page.getByTestId('checklist').locator('li[data-requirement="required"]').first().waitFor();
      const required = await requiredInChecklist(page);
      assert.ok(required.length >= 4, `${type}: ${required}`);
      assert.deepEqual(await requiredMarks(page), required, type);
    }
  });

  test('alert deliveries: the administrator sees that none waits, on an accessible screen', async () => {
    await page.getByRole('link', { name: 'Alert deliveries' }).click();
    await page.getByRole('heading', { level: 1, name: 'Alert deliveries' }).waitFor();
    await page.getByText('No alert delivery here.').waitFor();
    await assertAccessible(page, 'alert-deliveries');
    await screenshot(page, 'alert-deliveries');
  });

  test('drafts a preservation request: blocking findings, then complete until the checklist is green', async () => {
    await page.getByRole('link', { name: 'New request' }).first().click();
    await page.getByRole('heading', { level: 1, name: 'New request' }).waitFor();
    await page.locator('[data-type="preservation"]').click();
    await page.getByTestId('type-continue').click();
    const checklist = page.getByTestId('checklist');
    await checklist.waitFor();
    assert.equal(await checklist.getAttribute('data-ready'), 'false');
    // The Convention's required elements of Art. 42(3) are listed as missing, with their citation.
    await checklist.locator('[data-element="necessity"][data-state="missing"]').waitFor();
    await checklist.getByRole('link', { name: 'Art. 42(3)(e)' }).waitFor();
    // A new draft is what is left to write, not a page of faults: a neutral summary, open marks, and
    // no "Required element missing" under each group of the form before the first save.
    await checklist
      .getByTestId('checklist-blocked')
      .getByText(/^Elements to write before it can be sent: \d+$/)
      .waitFor();
    await checklist.locator('[data-element="necessity"] [data-status="to-do"]').waitFor();
    assert.equal(await checklist.getByText('Blocking:', { exact: true }).count(), 0);
    // Every element the checklist counts as required carries the form's asterisk, and no other.
    assert.deepEqual(await requiredMarks(page), await requiredInChecklist(page));
    assert.equal(await page.locator('#el-necessity').getByTestId('field-findings').count(), 0);
    // The drafter is the person the requested side replies to, until they write someone else.
    const session = (await (await page.request.get(`${node.baseUrl}/api/v1/session`)).json()) as {
      user: { displayName: string };
    };
    assert.equal(
      await page.locator('#el-requesting-authority').getByLabel('Person or unit').first().inputValue(),
      session.user.displayName,
    );
    // A new request is dated the day it is written, on the drafter's calendar, until they change it.
    const today = await page.evaluate(() => new Date().toLocaleDateString('en-GB'));
    assert.equal(
      await page.locator('#el-request-date').getByLabel('Date of the request').inputValue(),
      today,
    );

    await choose(page.locator('#el-requesting-authority').getByLabel('State'), 'Azerb', /Azerbaijan/);
    await page
      .locator('#el-requesting-authority')
      .getByLabel('Name of the authority')
      .fill('Prosecutor General');
    await choose(page.locator('#el-requested-authority').getByLabel('State'), 'Fran', /France/);
    await page
      .locator('#el-requested-authority')
      .getByLabel('Name of the authority')
      .fill('Office anti-cybercriminalité');
    await page.locator('#el-case-reference').getByLabel('Case reference').fill('PG-2026-0042');

    await page.getByRole('button', { name: 'Add an offence' }).click();
    await choose(page.locator('#el-offences').getByLabel('Convention article'), 'Art. 7', /Art\. 7/);
    await page.locator('#el-offences').getByLabel('Domestic provision').fill('Criminal Code, s. 271');
    await page.locator('#el-offences').getByLabel('Maximum penalty (years of imprisonment)').fill('5');
    await page
      .locator('#el-summary-of-facts')
      .getByLabel('Summary of the relevant facts')
      .fill('Unauthorised access to the e-mail accounts of a ministry on 1 March 2026.');

    await page.getByRole('button', { name: 'Add an identifier' }).click();
    // A row not filled in yet is checked as it is: the list says what it lacks, and stays current.
    await page.getByText('An identifier has no value: write it, or remove the row.').first().waitFor();
    assert.equal(await page.getByTestId('checklist-note').getAttribute('data-stale'), null);
    // The kind cannot be emptied, not even by choosing the chosen kind again.
    const kind = page.locator('#el-identifiers').getByLabel('Kind');
    await choose(kind, '', 'IP address');
    assert.equal(await kind.inputValue(), 'IP address');
    await page.locator('#el-identifiers').getByLabel('Value').fill('203.0.113.7');
    await page.locator('#el-identifiers').getByLabel('Source port').fill('51234');
    // An IP address with no time of use: the empty field is marked, its hint stays grey, not the
    // error's red, which would read like a value typed in.
    const observedAt = page.locator('#el-identifiers').getByLabel('Observed at');
    const observedAtInput = `document.querySelector('#el-identifiers input[placeholder="2026-03-01T14:05:00"]')`;
    await page.waitForFunction(`${observedAtInput}?.getAttribute('aria-invalid') === 'true'`);
    assert.equal(await observedAt.inputValue(), '');
    assert.equal(
      await page.evaluate(`getComputedStyle(${observedAtInput}, '::placeholder').color`),
      'rgb(73, 80, 87)',
    );
    await observedAt.fill('2026-03-01T14:05:00');
    await choose(
      page.locator('#el-identifiers').getByLabel('Time zone'),
      'Baku',
      'Azerbaijan — Baku (UTC+04:00)',
    );

    await choose(
      page.locator('#el-data-sought').getByLabel('Categories of data'),
      'Subscr',
      'Subscriber information',
    );
    await page.keyboard.press('Escape');
    await page
      .locator('#el-data-relation-to-offence')
      .getByLabel('Relation of the data to the offence')
      .fill('The address was used to sign in to the accounts.');
    await page
      .locator('#el-custodian')
      .getByLabel('Name of the custodian or service provider')
      .fill('Example Hosting SAS');
    await page
      .locator('#el-necessity')
      .getByLabel('Necessity of the measure')
      .fill('Logs are kept for 90 days only.');
    await choose(
      page.locator('#el-intent-to-request-assistance').getByLabel('We intend to follow up'),
      'Yes',
      'Yes',
    );

    // Too short a period is a warning of the live validation: the 60 days of Art. 42(8) bind the
    // requested State, which keeps the data that long anyway.
    await page.locator('#el-preservation-period').getByLabel('Preservation period (days)').fill('30');
    await checklist.locator('[data-element="preservation-period"][data-state="attention"]').waitFor();
    await checklist
      .getByText('is shorter than the 60 days the requested State keeps data at least')
      .waitFor();
    // Said once in the form, under the field itself, not again in its group's list.
    const period = page.locator('#el-preservation-period');
    await period
      .getByTestId('field-warning')
      .getByText(/is shorter than the 60 days/)
      .waitFor();
    assert.equal(await period.getByText(/is shorter than the 60 days/).count(), 1);
    assert.equal(await period.getByTestId('field-findings').count(), 0);
    await screenshot(page, 'draft-blocking');

    await page.locator('#el-preservation-period').getByLabel('Preservation period (days)').fill('90');
    await checklist.locator('[data-element="preservation-period"][data-state="complete"]').waitFor();
    await page.getByTestId('checklist-ready').waitFor();

    // A draft never saved has no "changes" yet: it says what it is.
    assert.equal(await page.getByTestId('save-state').textContent(), 'Not saved yet');
    await page.getByTestId('save-draft').click();
    await page.waitForURL(/\/requests\/[0-9a-f-]{36}$/);
    await page.getByTestId('save-state').filter({ hasText: 'Saved' }).waitFor();
    assert.equal(await checklist.getAttribute('data-ready'), 'true');
    await checklist.getByText('Checked at the last save.').waitFor();
    draftUrl = page.url();
    await assertAccessible(page, 'draft');
    await screenshot(page, 'draft-complete');
  });

  test('a preservation request carries what a 24/7 contact needs: date, new or extension, contacts, validation', async () => {
    await page.goto(draftUrl);
    const requesting = page.locator('#el-requesting-authority');
    await requesting.getByLabel('Person or unit').fill('24/7 desk of the Prosecutor General');
    await requesting.getByLabel('Phone').fill('+994 12 000 00 00');
    await requesting.getByLabel('E-mail').fill('cyber247@example.gov.az');
    await requesting.getByLabel('Office hours').fill('24/7');
    await choose(requesting.getByLabel('Time zone'), 'Baku', 'Azerbaijan — Baku (UTC+04:00)');
    await choose(requesting.getByLabel('Preferred means of reply'), 'E-mail', 'E-mail');
    // The requested authority's contact, when known, is checked as the requesting one's is.
    const requested = page.locator('#el-requested-authority');
    const requestedEmail = requested
      .getByRole('group', { name: /Contact at the requested authority/ })
      .getByLabel('E-mail');
    await requestedEmail.fill('cyber-desk.example.de');
    const malformed = requested.getByText(/“cyber-desk\.example\.de” is not a well-formed e-mail address/);
    await malformed.first().waitFor();
    // Said at the field itself, in amber, and tied to it: a screen reader reads it with the field.
    assert.equal(await requestedEmail.getAttribute('aria-invalid'), 'true');
    const describedBy = ((await requestedEmail.getAttribute('aria-describedby')) ?? '').split(' ');
    const descriptions = await Promise.all(
      describedBy.filter(Boolean).map((id) => page.locator(`[id="${id}"]`).textContent()),
    );
    assert.match(descriptions.join(' '), /not a well-formed e-mail address/);
    assert.equal(await requested.getByTestId('field-warning').count(), 1, 'one warning at one field');
    await requestedEmail.fill('cyber-desk@example.de');
    await malformed.first().waitFor({ state: 'detached' });
    await page.locator('#el-request-date').getByLabel('Date of the request').fill('2026-03-02');
    const extension = page.locator('#el-extension');
    await choose(extension.getByLabel('This request'), 'extends', 'extends an earlier preservation');
    await extension.getByLabel('Reference of the earlier request').fill('PG-2026-0031');
    const verification = page.locator('#el-verification-contact');
    await verification.getByLabel('Name and function').fill('Duty prosecutor R. Aliyev');
    await verification.getByLabel('Phone').fill('+994 12 000 00 01');
    const validating = page.locator('#el-validating-authority');
    await validating.getByLabel('Name of the authority').fill('Investigating judge, Baku Court');
    await validating.getByLabel('Decision reference').fill('BC-2026-77');
    await validating.getByLabel('Date of the decision').fill('2026-03-01');
    // "Custodian not known" answers Art. 42(3)(d): the element stays complete.
    await page
      .locator('#el-custodian')
      .getByLabel(/Custodian not known/)
      .check();
    const checklist = page.getByTestId('checklist');
    for (const element of ['extension', 'request-date', 'custodian']) {
      await checklist.locator(`[data-element="${element}"][data-state="complete"]`).waitFor();
    }
    await page.getByTestId('save-draft').click();
    await page.getByTestId('save-state').filter({ hasText: 'revision 2' }).waitFor();
    await page.reload();
    assert.equal(
      await page.locator('#el-verification-contact').getByLabel('Phone').inputValue(),
      '+994 12 000 00 01',
    );
    assert.equal(
      await page.locator('#el-extension').getByLabel('Reference of the earlier request').inputValue(),
      'PG-2026-0031',
    );
    await page.getByTestId('checklist-ready').waitFor();
    await assertAccessible(page, 'draft with the 24/7 fields');
    await screenshot(page, 'draft-preservation-contact-fields');
  });

  test('submitting for approval asks first, naming the State, the channel and the authority named; a node without federation identity says why', async () => {
    const send = page.getByTestId('send-request');
    assert.equal(await send.isEnabled(), true, 'a saved draft without blocking findings can be submitted');
    // Before anyone tries: the node is not connected yet, and what its administrator must do.
    await page
      .getByTestId('send-not-connected')
      .getByText(/not yet connected.*comity init/)
      .waitFor();
    await send.click();
    const dialog = page.getByRole('dialog', { name: 'Submit this request for approval?' });
    await dialog
      .getByText(/Requested State: France\. Receiving authority: 24\/7 point of contact\./)
      .waitFor();
    // The authority the officer named, beside the channel the directory routes to.
    await dialog.getByText(/The request names the authority: Office anti-cybercriminalité\./).waitFor();
    await assertAccessible(page, 'send confirmation');
    await dialog.getByRole('button', { name: 'Submit', exact: true }).click();
    const refusal = page.getByRole('alert').filter({ hasText: 'The request was not submitted' });
    await refusal.getByText('Technical details (in English)').click();
    await refusal
      .locator('[lang="en"]')
      .getByText(/no federation identity yet/)
      .waitFor();
    // Nothing changed: still a draft of revision 2 that can be submitted once the node has an identity.
    await page.getByTestId('save-state').filter({ hasText: 'revision 2' }).waitFor();
    assert.equal(await send.isEnabled(), true);
  });

  /**
   * A preservation draft made through the API for one test, opened in the page for `work`, then
   * deleted; the page goes back to the walkthrough's draft.
   */
  /** Whether `first` comes before `second` in the page (DOCUMENT_POSITION_FOLLOWING). */
  async function comesBefore(first: Locator, second: Locator): Promise<boolean> {
    return first.evaluate(
      (one, other) => Boolean(one.compareDocumentPosition(other as never) & 4),
      await second.elementHandle(),
    );
  }

  async function withScratchDraft(
    caseReference: string,
    work: () => Promise<void>,
    content: Readonly<Record<string, unknown>> = {},
  ): Promise<void> {
    const session = (await (await page.request.get(`${node.baseUrl}/api/v1/session`)).json()) as {
      csrfToken: string;
    };
    const created = await page.request.post(`${node.baseUrl}/api/v1/requests`, {
      data: { type: 'preservation', caseReference, ...content },
      headers: { 'x-csrf-token': session.csrfToken },
    });
    assert.equal(created.status(), 201);
    const { request } = (await created.json()) as { request: { id: string } };
    try {
      await page.goto(`${node.baseUrl}/requests/${request.id}`);
      await work();
    } finally {
      await page.request.delete(`${node.baseUrl}/api/v1/requests/${request.id}`, {
        headers: { 'x-csrf-token': session.csrfToken },
      });
    }
    await page.goto(draftUrl);
    await page.getByTestId('checklist').waitFor();
  }

  test('another type keeps the values typed for the first on screen, and names them: what leaves is never hidden', async () => {
    await withScratchDraft('PG-TYPE', async () => {
      await page.locator('#el-preservation-period').getByLabel('Preservation period (days)').fill('90');
      const typeField = page.getByRole('combobox', { name: 'Type of request' }).first();
      await choose(typeField, '', /^Mutual legal assistance/);
      const outside = page.getByTestId('outside-type-note');
      await outside.waitFor();
      assert.match((await outside.textContent()) ?? '', /do not use: .*Preservation period/);
      await page.locator('#el-preservation-period').waitFor();
      // Back to preservation, nothing is outside the type.
      await choose(typeField, '', /^Expedited preservation/);
      await outside.waitFor({ state: 'detached' });
      await page.getByTestId('save-draft').click();
      await page.getByTestId('save-state').filter({ hasText: 'Saved' }).waitFor();
    });
  });

  test('submitting an intrusive measure names the role its approver also holds and the decision it needs', async () => {
    const id = new URL(draftUrl).pathname.split('/').at(-1) ?? '';
    const walkthrough = (await (await page.request.get(`${node.baseUrl}/api/v1/requests/${id}`)).json()) as {
      request: { content: Record<string, unknown> };
    };
    // The walkthrough's complete draft, as an interception of content data (Art. 46) with what that asks more.
    const { preservationPeriod: _period, ...common } = walkthrough.request.content;
    await withScratchDraft(
      'PG-INTERCEPTION',
      async () => {
        await page.getByTestId('checklist-ready').waitFor();
        await page.getByTestId('send-request').click();
        const dialog = page.getByRole('dialog', { name: 'Submit this request for approval?' });
        await dialog
          .getByText(
            /A supervisor other than you approves it.* Intrusive measure: approved by a supervisor who also holds the role of legal reviewer, with the reference of the authorising decision\./,
          )
          .waitFor();
        await dialog.getByRole('button', { name: 'Cancel' }).click();
        await dialog.waitFor({ state: 'detached' });
      },
      {
        ...common,
        type: 'interception',
        dataSought: {
          categories: ['content'],
          relationToOffence: 'The account is used to negotiate ransoms',
        },
        subjectMatter: 'Investigation of a ransomware extortion by an organised group',
        necessity: 'No other means identifies the operator',
        collectionPeriod: { from: '2027-01-01', to: '2027-01-31', justification: 'One negotiation cycle' },
      },
    );
    // A measure that is not intrusive says nothing of it (the walkthrough's preservation).
    await page.getByTestId('send-request').click();
    const dialog = page.getByRole('dialog', { name: 'Submit this request for approval?' });
    await dialog.getByText(/A supervisor other than you approves it/).waitFor();
    assert.doesNotMatch((await dialog.textContent()) ?? '', /Intrusive measure/);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
  });

  test('the submit button is disabled, with the reason, for a draft with blocking findings', async () => {
    await withScratchDraft('PG-BLOCKED', async () => {
      await page.getByTestId('checklist').waitFor();
      // Once saved, what is missing is a fault to mend, in the checklist and at its group in the form.
      await page
        .getByTestId('checklist-blocked')
        .getByText(/^Not complete: elements missing or wrong: \d+$/)
        .waitFor();
      await page
        .locator('#el-necessity')
        .getByTestId('field-findings')
        .getByText(/Required element missing/)
        .waitFor();
      // The summary names what to put right, in the checklist's order, not only how many.
      const names = await page.getByTestId('checklist').getByTestId('checklist-unmet-names').textContent();
      assert.match(names ?? '', /^To put right: .*Necessity of the measure/);
      assert.doesNotMatch(names ?? '', /Urgency/);
      const send = page.getByTestId('send-request');
      assert.equal(await send.isDisabled(), true);
      await page.getByTestId('send-blocker').filter({ hasText: 'Resolve the blocking findings' }).waitFor();
      assert.equal(
        await send.getAttribute('aria-describedby'),
        await page.getByTestId('send-blocker').getAttribute('id'),
      );
    });
  });

  test('a blocking finding outside the elements is named first and listed before them', async () => {
    await withScratchDraft(
      'PG-EMERGENCY',
      async () => {
        const checklist = page.getByTestId('checklist');
        const names = checklist.getByTestId('checklist-unmet-names');
        await names.getByText(/^To put right: Urgency, /).waitFor();
        // The emergency without its explanation (Art. 2) comes before the first element, in red.
        assert.ok(
          await comesBefore(
            checklist.getByRole('heading', { name: 'Other findings' }),
            checklist.locator('[data-element]').first(),
          ),
          'the blocking "Other findings" come before the elements',
        );
        await checklist
          .getByText('The request is marked as an emergency but does not explain the risk to life or safety.')
          .waitFor();
      },
      { urgency: { level: 'emergency' } },
    );
  });

  test('a value the node cannot read as typed is named, with a link to its field, while the checklist waits', async () => {
    await withScratchDraft(
      'PG-LIVE',
      async () => {
        const remaining = page.getByLabel('Sentence remaining (months)');
        await remaining.fill('-3');
        const refused = page
          .getByTestId('problem-alert')
          .filter({ hasText: 'What the node could not read as typed' });
        await refused.waitFor();
        // The field is named by its element, as a link that takes the user there.
        assert.ok((await refused.getByRole('link').count()) >= 1);
        await page.locator('[data-testid="checklist-note"][data-stale="true"]').waitFor();
        await remaining.fill('3');
        await refused.waitFor({ state: 'detached' });
      },
      { type: 'extradition' },
    );
  });

  test('a joint investigation says what is missing of its participating States under them, not under the legal basis', async () => {
    await withScratchDraft(
      'PG-JIT',
      async () => {
        const group = page.locator('#el-participating-states');
        const findings = group.getByTestId('field-findings');
        await findings.getByText(/Required element missing/).waitFor();
        const legalBasis = page.getByLabel('Legal basis of the joint investigation');
        // The legal basis field comes after the group and its findings, outside it.
        assert.equal(await group.getByLabel('Legal basis of the joint investigation').count(), 0);
        assert.ok(await comesBefore(findings, legalBasis));
      },
      { type: 'joint-investigation' },
    );
  });

  test('on a phone, where the checklist comes after the form, its summary and a way to it stand at the top', async () => {
    await withScratchDraft('PG-PHONE', async () => {
      const bar = page.getByTestId('checklist-summary-bar');
      await page.setViewportSize({ width: 390, height: 844 });
      try {
        await bar.getByText(/^Not complete: elements missing or wrong: \d+$/).waitFor();
        await bar
          .getByTestId('checklist-unmet-names')
          .getByText(/^To put right: /)
          .waitFor();
        await bar.getByRole('button', { name: 'See the checklist' }).click();
        await page.waitForFunction("document.activeElement?.id === 'checklist-title'");
      } finally {
        await page.setViewportSize({ width: 1366, height: 900 });
      }
      // Beside the form, the checklist itself is on screen: no bar.
      assert.equal(await bar.isVisible(), false);
    });
  });

  test('a date typed wrong is kept, marked and named by the checklist, never dropped on save', async () => {
    await withScratchDraft('PG-DATE', async () => {
      const field = page.locator('#el-request-date').getByLabel('Date of the request');
      // An empty date field shows an example, not something that reads as a value.
      assert.match((await field.getAttribute('placeholder')) ?? '', /^e\.g\. /);
      await field.fill('32/13/2026');
      await field.blur();
      await page.locator('#el-request-date').getByText('Not a date').waitFor();
      await page.getByTestId('save-draft').click();
      await page.getByTestId('save-state').filter({ hasText: 'revision 2' }).waitFor();
      await page.reload();
      assert.equal(
        await page.locator('#el-request-date').getByLabel('Date of the request').inputValue(),
        '32/13/2026',
      );
      await page
        .getByTestId('checklist')
        .locator('[data-element="request-date"][data-state="missing"]')
        .waitFor();
    });
  });

  test('downloads the formal document as PDF, in at most two languages the node prints, saying why', async () => {
    const languages = page.getByRole('combobox', { name: 'Languages of the document' });
    await page.getByText(/At most two: your language and one the requested State accepts/).waitFor();
    await languages.click({ force: true });
    await page.getByRole('option', { name: 'Deutsch' }).click();
    await page.keyboard.press('Escape');
    await page.waitForFunction(
      `document.querySelector('[data-testid="download-pdf"]').getAttribute('href').includes('languages=en%2Cde')`,
    );
    await languages.click({ force: true });
    const third = page.getByRole('option', { name: 'Português' });
    if ((await third.count()) > 0) await third.click({ force: true });
    await page.keyboard.press('Escape');
    const withTwo = (await page.getByTestId('download-pdf').getAttribute('href')) ?? '';
    assert.ok(
      withTwo.includes('languages=en%2Cde') && !withTwo.includes('pt'),
      `no third language: ${withTwo}`,
    );
    const href = await page.getByTestId('download-pdf').getAttribute('href');
    assert.ok(href, 'the PDF link has an address');
    const response = await page.request.get(new URL(href, node.baseUrl).toString());
    assert.equal(response.status(), 200);
    const body = await response.body();
    assert.equal(body.subarray(0, 4).toString('latin1'), '%PDF');
  });

  test("the formal document opens in the request's language when the node prints it", async () => {
    await withScratchDraft(
      'PG-IN-FRENCH',
      async () => {
        // The reader's screen is in English; the request, written in French, prints in French.
        await page.waitForFunction(
          `document.querySelector('[data-testid="download-pdf"]')?.getAttribute('href').endsWith('languages=fr')`,
        );
      },
      { language: 'fr' },
    );
    // A request in English prints in English (the walkthrough's draft).
    await page.waitForFunction(
      `document.querySelector('[data-testid="download-pdf"]')?.getAttribute('href').endsWith('languages=en')`,
    );
  });

  test('lists the draft among the requests', async () => {
    await page.getByRole('link', { name: 'Requests', exact: true }).click();
    const row = page.getByRole('row').filter({ hasText: 'PG-2026-0042' });
    await row.waitFor();
    await row.getByText('Draft').waitFor();
    await row.getByRole('cell', { name: 'France', exact: true }).waitFor();
    await assertAccessible(page, 'requests');
    await screenshot(page, 'requests');
    // Requests other States' nodes sent here are in their own tab (none on this node).
    await page.getByRole('tab', { name: 'Incoming' }).click();
    await page.getByText("No request has been received from another State's node yet.").waitFor();
    assert.match(page.url(), /\?direction=incoming$/);
    await assertAccessible(page, 'incoming requests');
    await page.getByRole('tab', { name: 'Outgoing' }).click();
    await page.getByRole('row').filter({ hasText: 'PG-2026-0042' }).waitFor();
  });

  test('the administrator sees the peers page: this node has no federation identity yet', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Peers' }).click();
    await page.getByRole('heading', { level: 1, name: 'Peers and delivery' }).waitFor();
    const notice = page.getByTestId('peers-no-identity');
    await notice.getByText(/this node has no federation identity yet: run comity init/i).waitFor();
    await notice.getByText('npx comity init').waitFor();
    await assertAccessible(page, 'peers');
    await screenshot(page, 'peers');
  });

  test('shows the catalogue with honest verification flags', async () => {
    await page.getByRole('link', { name: 'Catalogue' }).click();
    await page.locator('#type-preservation').waitFor();
    const flags = await page
      .getByText(/^(Verified against the authentic text|Recalled, not yet verified)$/)
      .count();
    assert.ok(flags > 0, 'entries show whether they were verified');
    // A guide for lawyers: no rule identifier or message template until the developer's view is on.
    const rules = page.locator('section[aria-labelledby="rules"]');
    const ruleHeadings = async () => (await rules.locator('h3, h4').allTextContents()).join('\n');
    assert.doesNotMatch(await ruleHeadings(), /^[a-z0-9]+(-[a-z0-9]+)+ \(/m);
    assert.match(await ruleHeadings(), /Art\. 42\(8\)/);
    assert.doesNotMatch((await rules.textContent()) ?? '', /\{\w+\}/);
    await assertAccessible(page, 'catalogue');
    await screenshot(page, 'catalogue', { isFullPage: false });
    await page.getByTestId('catalogue-developer-view').check();
    assert.match(await ruleHeadings(), /^required-element-missing \(Art\. 40\(15\)\)$/m);
    assert.match((await rules.textContent()) ?? '', /\{\w+\}/);
    await page.getByTestId('catalogue-developer-view').uncheck();
  });

  test('shows the treaty status with counts, map, timeline and records', async () => {
    await page.getByRole('link', { name: 'Treaty status' }).click();
    await page.getByRole('heading', { level: 2, name: 'Records' }).waitFor();
    await page.getByRole('img', { name: /World map coloured by treaty status/ }).waitFor();
    await page.getByRole('img', { name: /Signatures and instruments over time/ }).waitFor();
    // On a laptop the whole map shows in its card: nothing cut off at the card's edge.
    assert.deepEqual(
      await page.evaluate(
        "(() => { const scroll = document.querySelector('.treaty-map-scroll'); return [scroll.scrollWidth <= scroll.clientWidth, scroll.querySelector('img').complete]; })()",
      ),
      [true, true],
    );
    // The map's words and country names are asked in the reader's language.
    assert.match((await page.getByTestId('treaty-map').getAttribute('src')) ?? '', /[?&]lang=en(&|$)/);
    await page.getByText('Known gaps in the data').waitFor();
    // Dated, and said to be the shipped research's: an added record may close a gap.
    assert.match(
      (await page.getByTestId('treaty-gaps-as-of').textContent()) ?? '',
      /^These gaps are those of the research shipped with Comity, as of \d{1,2} [A-Z][a-z]{2} \d{4}\./,
    );
    await page.getByRole('row').nth(5).waitFor();
    // A record's source names the depositary's site as a link, not its long encoded address.
    const source = page
      .getByRole('row')
      .filter({ hasText: 'Algeria' })
      .getByRole('link', { name: 'treaties.un.org' });
    assert.match(
      (await source.first().getAttribute('href')) ?? '',
      /^https:\/\/treaties\.un\.org\/doc\/Publication\/MTDSG\//,
    );
    // The timeline says why its line can end below the depositary's count of signatories.
    await page
      .getByTestId('timeline-dated-only')
      .getByText(/depositary's count of signatories/)
      .waitFor();
    // States by the directory's (the United Nations') names, as on the directory screen.
    // (The sources' own titles keep their words: "Vietnam.vn".)
    await page
      .getByRole('cell', { name: /^Viet Nam\b/ })
      .first()
      .waitFor();
    assert.equal(await page.getByRole('cell', { name: /^Vietnam\b/ }).count(), 0);
    // A day to come is refused at the field, in words; the node is not asked, the map stays drawn.
    const asOf = page.getByLabel('Status on date');
    await asOf.fill('31/12/2099');
    await asOf.blur();
    await page.getByText(/^Choose \d{1,2} [A-Z][a-z]{2} \d{4} or an earlier date\.$/).waitFor();
    assert.equal(await asOf.getAttribute('aria-invalid'), 'true');
    assert.equal(await page.getByTestId('problem-alert').count(), 0);
    assert.doesNotMatch((await page.getByTestId('treaty-map').getAttribute('src')) ?? '', /asOf=2099/);
    await asOf.fill('');
    await asOf.blur();
    await assertAccessible(page, 'treaty status');
    await screenshot(page, 'treaty-status');
  });

  test("an administrator records France's ratification and imports a CSV: a bad row is named by its line, nothing imported", async () => {
    // The page is the treaty status, signed in as the node's administrator (treaty:edit).
    const editor = page.getByRole('region', { name: 'Update the records' });
    await editor.waitFor();
    // The editor stands after every record; a link at the top of the page leads there.
    await page.getByTestId('treaty-edit-link').click();
    await page.waitForFunction(
      "(() => { const top = document.getElementById('treaty-edit-title').getBoundingClientRect().top; return top >= 0 && top < innerHeight; })()",
    );
    const depositedIs = (count: number) =>
      page.waitForFunction(
        `[...document.querySelectorAll('p')].some((p) => p.textContent === 'Instruments deposited' && p.nextElementSibling?.textContent === '${count}')`,
      );
    await depositedIs(0);
    // Nothing chosen: each field the node needs says so at the field, and the alert lists them.
    await editor.getByRole('button', { name: 'Add the record' }).click();
    const refusal = editor.getByTestId('problem-alert');
    await refusal.getByRole('link', { name: /State or organization/ }).waitFor();
    assert.equal(
      await editor.getByRole('combobox', { name: 'State or organization' }).getAttribute('aria-invalid'),
      'true',
    );
    await editor.getByText('Fill in this field.').first().waitFor();
    // A ratification of 30 November 2026 by a State, from the depositary's notification `number`.
    const fillRatification = async (typed: string, state: string, number: string) => {
      await choose(editor.getByRole('combobox', { name: 'State or organization' }), typed, state);
      await choose(editor.getByRole('combobox', { name: 'What happened' }), '', 'Ratification');
      await editor.getByLabel('Date', { exact: true }).fill('2026-11-30');
      await editor
        .getByLabel(/^Source/)
        .fill(`https://treaties.un.org/doc/Publication/CN/2026/CN.${number}.2026`);
      await choose(
        editor.getByRole('combobox', { name: 'How far it can be trusted' }),
        '',
        'Primary: the depositary itself',
      );
    };
    await fillRatification('India', 'India (IN)', '1');
    // A ratification by a State with no signature on record: said at "What happened", in words.
    await editor.getByRole('button', { name: 'Add the record' }).click();
    await editor
      .getByText(/^This State has no signature on record by this date: record its signature first/)
      .waitFor();
    assert.equal(await page.getByTestId('treaty-added').count(), 0);
    // Nothing was recorded; a fresh form for the record that is right.
    await page.reload();
    await editor.waitFor();
    await depositedIs(0);
    await fillRatification('France', 'France (FR)', '123');
    await editor.getByLabel(/^What the evidence is/).fill('depositary notification C.N.123.2026');
    await editor.getByRole('button', { name: 'Add the record' }).click();
    await page.getByTestId('treaty-added').waitFor();
    assert.equal(await page.getByTestId('treaty-added').textContent(), 'Recorded: Ratification by France.');
    // The status follows: one instrument deposited, and the map is asked for again.
    await depositedIs(1);
    assert.match((await page.getByTestId('treaty-map').getAttribute('src')) ?? '', /[?&]v=\d+/);

    // A CSV with an unknown State on line 3: the line is named, nothing is imported.
    const csv = (rows: string[]) => ({
      name: 'records.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(['state_code,action,date,source,evidence,note', ...rows].join('\n')),
    });
    const recordCount = async () => await page.getByRole('row').count();
    // The records are read again apart from the status: the new record's row is there first.
    await page.getByRole('row', { name: /^France FR Ratification / }).waitFor();
    const before = await recordCount();
    await page
      .locator('input[type="file"]')
      .setInputFiles(
        csv([
          'BR,ratification,2026-11-20,https://example.org/br,secondary (news),',
          'ZZ,ratification,2026-11-21,x,primary (depositary),',
        ]),
      );
    await editor.getByRole('button', { name: 'Import', exact: true }).click();
    const lines = page.getByTestId('treaty-import-lines');
    await lines.waitFor();
    assert.match((await lines.textContent()) ?? '', /Line 3: /);
    assert.equal(await recordCount(), before, 'nothing imported');
    await page
      .locator('input[type="file"]')
      .setInputFiles(csv(['BR,ratification,2026-11-20,https://example.org/br,secondary (news),']));
    await editor.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByTestId('treaty-imported').waitFor();
    assert.equal(await page.getByTestId('treaty-imported').textContent(), 'Records imported: 1.');
    await assertAccessible(page, 'treaty status with the records editor');
    await screenshot(page, 'treaty-records-editor');
  });

  test("an administrator retracts Brazil's ratification, which a news report gave: struck out with the reason, no longer counted", async () => {
    const depositedIs = (count: number) =>
      page.waitForFunction(
        `[...document.querySelectorAll('p')].some((p) => p.textContent === 'Instruments deposited' && p.nextElementSibling?.textContent === '${count}')`,
      );
    await depositedIs(2);
    const row = page.getByRole('row', { name: /^Brazil BR Ratification / });
    await row.getByRole('button', { name: 'Retract the record: Ratification by Brazil' }).click();
    const dialog = page.getByRole('dialog', { name: 'Retract a record entered in error' });
    await dialog.waitFor();
    // No reason given: said at the field, and nothing retracted.
    await dialog.getByRole('button', { name: 'Retract the record' }).click();
    const reason = dialog.getByRole('textbox', { name: /^Why the record is wrong/ });
    await page.waitForFunction(
      "document.querySelector('[role=dialog] textarea')?.getAttribute('aria-invalid') === 'true'",
    );
    await reason.fill('The news report was of a signature, not a ratification.');
    await dialog
      .getByRole('textbox', { name: /^Source that shows it wrong/ })
      .fill('https://treaties.un.org');
    await dialog.getByRole('button', { name: 'Retract the record' }).click();
    await page.getByTestId('treaty-retracted').waitFor();
    assert.equal(
      await page.getByTestId('treaty-retracted').textContent(),
      'Retracted: Ratification by Brazil. The status and the map no longer count it.',
    );
    await depositedIs(1);
    // The record stays, struck out, with who retracted it, when and why; it cannot be retracted twice.
    const retracted = page.getByRole('row', { name: /^Brazil BR Ratification Retracted / });
    await retracted.getByTestId('treaty-retraction').waitFor();
    assert.match(
      (await retracted.getByTestId('treaty-retraction').textContent()) ?? '',
      /^Retracted on \d{1,2} \p{L}+ \d{4}, \d{2}:\d{2} by [\w.-]+: The news report was of a signature, not a ratification\.Source: https:\/\/treaties\.un\.org$/u,
    );
    assert.equal(await retracted.getByRole('button').count(), 0);
    await retracted.screenshot({ path: path.join(screenshotDirectory, 'treaty-record-retracted-row.png') });
    await assertAccessible(page, 'treaty records with a retracted record');
    await screenshot(page, 'treaty-record-retracted');
  });

  test('switches to Arabic: right to left, remembered after a reload', async () => {
    await page.goto(draftUrl);
    await page.getByTestId('checklist').waitFor();
    await switchLanguage(page, 'ar');
    assert.equal((await documentLanguage(page)).dir, 'rtl');
    await page.getByRole('heading', { level: 2, name: 'قائمة التحقق' }).waitFor();
    await page.reload();
    await page.getByTestId('checklist').waitFor();
    assert.deepEqual(await documentLanguage(page), { lang: 'ar', dir: 'rtl' });
    await screenshot(page, 'draft-ar');
    // Latin-script values typed in the draft keep their own order inside the Arabic screen.
    const directionOf = (selector: string, value: string) =>
      page.evaluate(
        `[...document.querySelectorAll(${JSON.stringify(`${selector} [dir="auto"]`)})]
          .filter((field) => field.value === ${JSON.stringify(value)})
          .map((field) => getComputedStyle(field).direction)`,
      );
    // The heading's case reference stays whole, left to right: never split at a hyphen on a phone.
    const headingReference = page.locator('h1 .case-reference');
    assert.equal(await headingReference.textContent(), 'PG-2026-0042');
    assert.deepEqual(
      await page.evaluate(
        "(() => { const style = getComputedStyle(document.querySelector('h1 .case-reference')); return [style.whiteSpace, style.direction]; })()",
      ),
      ['nowrap', 'ltr'],
    );
    assert.deepEqual(await directionOf('#el-identifiers', '203.0.113.7'), ['ltr']);
    assert.deepEqual(await directionOf('#el-case-reference', 'PG-2026-0042'), ['ltr']);
    assert.deepEqual(
      await directionOf(
        '#el-summary-of-facts',
        'Unauthorised access to the e-mail accounts of a ministry on 1 March 2026.',
      ),
      ['ltr'],
    );
    // Articles are cited in Arabic, the number and its parentheses isolated left to right.
    const checklist = (await page.getByTestId('checklist').textContent()) ?? '';
    assert.ok(checklist.includes('المادة \u206642(3)(a)\u2069'), checklist.slice(0, 300));
    await page
      .locator('#el-identifiers')
      .screenshot({ path: path.join(screenshotDirectory, 'draft-ar-fields.png') });
    await assertAccessible(page, 'draft in Arabic');
    // A written date names its month, as in every language, rather than looking like a typed one
    // ("06/12/2026"), and it is in Western digits, as typed dates, references and articles are.
    await page.goto(`${node.baseUrl}/requests`);
    const written = page.locator('main time').first();
    await written.waitFor();
    const text = (await written.textContent()) ?? '';
    assert.match(text, /^\d{1,2} \p{Script=Arabic}+ 20\d\d/u, text);
    assert.doesNotMatch((await page.locator('main').textContent()) ?? '', /[\u0660-\u0669\u06f0-\u06f9]/);
  });

  test('switches to Chinese and renders its glyphs (no missing-glyph boxes)', async () => {
    await switchLanguage(page, 'zh');
    assert.equal((await documentLanguage(page)).dir, 'ltr');
    await page.getByRole('link', { name: '请求', exact: true }).waitFor();
    // How: see missingHanGlyphs in page-probes.js (a canvas comparison with the missing-glyph box).
    await injectProbes(page);
    const result = await page.evaluate<{ characters: string[]; missing: string[]; isProbeSound: boolean }>(
      'window.comityProbes.missingHanGlyphs()',
    );
    assert.ok(result.isProbeSound, 'an unassigned code point renders as the missing-glyph box');
    assert.ok(result.characters.length >= 5, `Chinese text found on the page: ${result.characters.join('')}`);
    assert.deepEqual(result.missing, [], 'every Chinese character has a glyph');
    await screenshot(page, 'draft-zh');
    await switchLanguage(page, 'en');
  });

  test('an expired session returns to sign-in, then to the draft with the unsaved changes', async () => {
    await page.goto(draftUrl);
    await page.getByTestId('checklist').waitFor();
    const caseReference = page.locator('#el-case-reference').getByLabel('Case reference');
    // End the session on the node behind the UI's back, as the idle timeout would.
    const session = await page.request.get(`${node.baseUrl}/api/v1/session`);
    const { csrfToken } = (await session.json()) as { csrfToken: string };
    const ended = await page.request.delete(`${node.baseUrl}/api/v1/session`, {
      headers: { 'x-csrf-token': csrfToken },
    });
    assert.equal(ended.status(), 204);
    // The next call (the live validation of this edit) meets the expired session.
    await caseReference.fill('PG-2026-0042-B');
    await page.getByText('Your session has ended').waitFor();
    assert.match(page.url(), /\/sign-in\?next=%2Frequests%2F[0-9a-f-]{36}$/);
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel(/^Password/).fill(node.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(draftUrl);
    await page.getByTestId('recovered-draft').getByRole('button', { name: 'Restore' }).click();
    assert.equal(await caseReference.inputValue(), 'PG-2026-0042-B');
    await page.getByTestId('save-draft').click();
    await page.getByTestId('save-state').filter({ hasText: 'revision 3' }).waitFor();
    await page.getByRole('link', { name: 'Requests', exact: true }).click();
  });

  test('deletes a draft after confirmation', async () => {
    const row = page.getByRole('row').filter({ hasText: 'PG-2026-0042-B' });
    await row.getByRole('button', { name: 'Delete PG-2026-0042-B' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete this draft?' });
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await page.getByText('No requests yet').waitFor();
  });

  test('reports no Content-Security-Policy violation on the screens walked, the main ones and the API reference', async () => {
    const context = await browser.newContext({ locale: 'en-GB' });
    const cspViolations = await recordCspViolations(context);
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${node.baseUrl}/sign-in`);
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel(/^Password/).fill(node.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/requests$/);
    await page.getByRole('link', { name: 'New request' }).first().click();
    await page.waitForURL(/\/requests\/new$/);
    await page.locator('main').first().waitFor();
    for (const screen of [
      '/desk',
      '/catalogue',
      '/treaty',
      '/peers',
      '/roster',
      '/alert-deliveries',
      '/directory',
      '/requests',
    ]) {
      await page.goto(`${node.baseUrl}${screen}`);
      await page.locator('main').first().waitFor();
      await page.waitForLoadState('networkidle');
    }
    await page.goto(`${node.baseUrl}/api/v1/reference`);
    await page.locator('.swagger-ui').first().waitFor();
    await page.waitForLoadState('networkidle');
    assert.deepEqual(cspViolations, []);
    await context.close();
  });
});

/**
 * A node with a federation identity whose cached directory expired a day ago and whose secretariat
 * does not answer: what the peers screen says.
 */
/**
 * A node with its federation identity whose secretariat never answers (port 9): it holds no
 * directory until one is written in its cache.
 */
async function withUnreachableSecretariat(dataDirectory: string) {
  const config = loadConfig({ COMITY_DATA_DIR: dataDirectory, COMITY_LOG_LEVEL: 'silent' });
  const secretariatKey = await generateSigningKeyPair();
  await initNodeIdentity(
    config.federation.identityDirectory,
    {
      nodeId: 'fr-ca',
      state: 'FR',
      authority: 'central-authority',
      endpoint: 'http://127.0.0.1:9',
      secretariat: { url: 'http://127.0.0.1:9', publicJwks: [secretariatKey.publicJwk] },
    },
    { now: new Date() },
  );
  return { config, secretariatKey };
}

/** Signs in as the node's first administrator from `path`, which asks for the sign-in first. */
async function signInAsAdministrator(page: Page, node: StartedNode, path: string): Promise<void> {
  await page.goto(`${node.baseUrl}${path}`);
  await page.getByLabel('Username').fill('admin');
  await page.getByLabel(/^Password/).fill(node.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

async function withExpiredDirectory(dataDirectory: string): Promise<void> {
  const { config, secretariatKey } = await withUnreachableSecretariat(dataDirectory);
  const day = 24 * 60 * 60 * 1000;
  const now = Date.now();
  const validity = {
    notBefore: new Date(now - 30 * day).toISOString(),
    notAfter: new Date(now + 300 * day).toISOString(),
  };
  const [signing, encryption] = await Promise.all([generateSigningKeyPair(), generateEncryptionKeyPair()]);
  const document = await signDirectory(
    {
      v: 1,
      serial: 4,
      issuedAt: new Date(now - 8 * day).toISOString(),
      expiresAt: new Date(now - day).toISOString(),
      // The node it last knew of: its row stays on the screen, with the directory's warning above.
      nodes: [
        {
          nodeId: 'de-bka-24x7',
          state: 'DE',
          authority: 'point-of-contact',
          endpoint: 'http://127.0.0.1:9',
          keys: [
            { kid: await computeKid(signing.publicJwk), use: 'sig', jwk: signing.publicJwk, ...validity },
            {
              kid: await computeKid(encryption.publicJwk),
              use: 'enc',
              jwk: encryption.publicJwk,
              ...validity,
            },
          ],
          acceptedLanguages: ['en'],
          serviceLevel: {},
        },
      ],
    },
    secretariatKey,
  );
  const handle = await openDatabase(config.database);
  try {
    await migrateToLatest(handle.db);
    await writeDirectoryCache(handle.db, { document, serial: 4, fetchedAt: new Date(now - 7 * day) });
  } finally {
    await handle.close();
  }
}

describe('peers page of a node whose directory has expired', { skip: skipReason() }, () => {
  let node: StartedNode;
  let browser: Browser;

  before(async () => {
    node = await startNode(withExpiredDirectory);
    browser = await chromium.launch({ executablePath: chromiumPath, args: LAUNCH_ARGS });
  });
  after(async () => {
    await browser?.close();
    await stopNode(node);
  });

  test('warns that the directory expired and shows the last refresh and its outcome', async () => {
    const page = await (await browser.newContext({ locale: 'en-GB', bypassCSP: true })).newPage();
    page.setDefaultTimeout(15_000);
    await signInAsAdministrator(page, node, '/peers');
    await page.getByRole('heading', { level: 1, name: 'Peers and delivery' }).waitFor();
    await page
      .getByTestId('peers-directory-expired')
      .getByText(/this node trusts no other node/)
      .waitFor();
    const refresh = page.getByTestId('peers-last-refresh');
    await refresh.getByText(/: failed \(unreachable\)$/).waitFor();
    await refresh.getByText(/GET http:\/\/127\.0\.0\.1:9\/federation\/v1\/directory failed/).waitFor();
    await page.getByText('Directory valid until').waitFor();
    await assertAccessible(page, 'peers with an expired directory');
    await screenshot(page, 'peers-directory-expired');

    // On a phone, what the table is scanned for comes second: each peer's health, beside its id.
    const row = page.locator('tr[data-peer="de-bka-24x7"]');
    await row.getByText('Not contacted yet').waitFor();
    // Its sending, in words rather than a circuit breaker's states.
    assert.equal(await row.locator('[data-circuit]').textContent(), 'Sending normally');
    await useThePhoneLayout(page);
    await assertWithinPhoneWidth(row.getByText('Not contacted yet'), 'health');
    await screenshot(page, 'peers-on-a-phone');
  });
});

describe('a draft on a node that holds no directory of nodes yet', { skip: skipReason() }, () => {
  let node: StartedNode;
  let browser: Browser;

  before(async () => {
    node = await startNode(async (dataDirectory) => {
      await withUnreachableSecretariat(dataDirectory);
    });
    browser = await chromium.launch({ executablePath: chromiumPath, args: LAUNCH_ARGS });
  });
  after(async () => {
    await browser?.close();
    await stopNode(node);
  });

  test('says beside the submit button that nothing can leave until the secretariat answers', async () => {
    const page = await (await browser.newContext({ locale: 'en-GB' })).newPage();
    page.setDefaultTimeout(15_000);
    await signInAsAdministrator(page, node, '/requests');
    await page.getByRole('heading', { level: 1, name: 'Requests' }).waitFor();
    const session = (await (await page.request.get(`${node.baseUrl}/api/v1/session`)).json()) as {
      csrfToken: string;
    };
    const created = await page.request.post(`${node.baseUrl}/api/v1/requests`, {
      data: { type: 'preservation', caseReference: 'PG-NO-DIRECTORY' },
      headers: { 'x-csrf-token': session.csrfToken },
    });
    assert.equal(created.status(), 201);
    const { request } = (await created.json()) as { request: { id: string } };
    await page.goto(`${node.baseUrl}/requests/${request.id}`);
    await page
      .getByTestId('send-no-directory')
      .getByText(/holds no directory of nodes yet/)
      .waitFor();
    // Connected (it has its identity): the note for a node without one is not shown.
    assert.equal(await page.getByTestId('send-not-connected').count(), 0);
    await assertAccessible(page, 'draft on a node without a directory');
  });
});
