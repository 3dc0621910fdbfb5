/**
 * The duty desk on two real node processes, in two browsers at once. France's officer sends an
 * emergency preservation request; Germany's duty officer, with the desk open, sees it appear
 * without reloading (first, counting down to the acknowledgement deadline of the hour Germany
 * declares), acknowledges it with one click and the row changes in place; France's request page
 * shows "acknowledged" without reloading. Germany records the preservation and France sees the
 * preserved-until date; Germany's legal reviewer refuses another request with a ground and
 * reasons, and France sees the refusal. Each page is checked never to have reloaded.
 *
 * Screenshots of the desk and of the case section in English and Arabic go to
 * test-results/screenshots/desk-*.png (gitignored).
 */
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Browser, chromium, type Page } from 'playwright-core';
import type { RequestContent } from '../../src/core/request/draft.ts';
import { addDays, calendarDateOf } from '../../src/core/treaty/calendar-date.ts';
import { preservationDraft } from '../../src/demo/demo-drafts.ts';
import { draftRequest, listIncomingRequests, makeTransition } from '../../src/demo/federation-api.ts';
import { type Federation, startFederation, submitAndApprove, waitFor } from '../helpers/node-process.ts';
import {
  approveWaitingResponse,
  assertAccessible,
  chromiumPath,
  documentLanguage,
  LAUNCH_ARGS,
  screenshot,
  screenshotDirectory,
  signInAs,
  skipReason,
  switchLanguage,
  useThePhoneLayout,
  assertWithinPhoneWidth,
} from './browser-helpers.ts';
import { completeScreeningOver } from '../helpers/screening.ts';

const RELOAD_MARK = 'window.__comityNotReloaded';

/** Marks the page: the mark survives in-page updates and is lost by any reload or navigation. */
async function markPage(page: Page): Promise<void> {
  await page.evaluate(`${RELOAD_MARK} = true`);
}

async function assertNotReloaded(page: Page): Promise<void> {
  assert.equal(await page.evaluate(`${RELOAD_MARK} === true`), true, 'the page was reloaded');
}

describe('the duty desk, on two nodes', { skip: skipReason() }, () => {
  let federation: Federation;
  let browser: Browser;
  const today = calendarDateOf(new Date());

  /** The two nodes and a browser for each, in its own time zone. */
  async function bothSides() {
    const options = { viewport: { width: 1366, height: 900 }, locale: 'en-GB', bypassCSP: true } as const;
    return {
      fr: federation.node('FR'),
      de: federation.node('DE'),
      frContext: await browser.newContext({ ...options, timezoneId: 'Europe/Paris' }),
      deContext: await browser.newContext({ ...options, timezoneId: 'Europe/Berlin' }),
    };
  }

  /** France's officer drafts and sends `content` through the API. */
  async function send(content: RequestContent): Promise<string> {
    const officer = await federation.node('FR').userClient('officer');
    const drafted = await draftRequest(officer, content);
    assert.ok(drafted.isReady, drafted.blocking.join('; '));
    await submitAndApprove(officer, drafted.id);
    return drafted.id;
  }

  async function incomingIdOf(frId: string): Promise<string> {
    const duty = await federation.node('DE').userClient('duty-officer');
    return waitFor(
      `DE lists request ${frId}`,
      async () => (await listIncomingRequests(duty)).find((item) => item.remoteRequestId === frId)?.id,
      { timeoutMs: 30_000, intervalMs: 250 },
    );
  }

  before(async () => {
    await mkdir(screenshotDirectory, { recursive: true });
    federation = await startFederation({ states: ['FR', 'DE'], acknowledgeWithinHours: 1 });
    browser = await chromium.launch({ executablePath: chromiumPath, args: LAUNCH_ARGS });
  });

  after(async () => {
    await browser?.close();
    await federation?.stop();
  });

  test('an emergency request appears on the desk live, is acknowledged in one click, and France sees each step', async () => {
    const { fr, de, frContext, deContext } = await bothSides();

    // A duty officer lands on the duty desk, where urgent requests wait.
    const desk = await signInAs(deContext, de, 'duty-officer');
    assert.match(new URL(desk.url()).pathname, /^\/desk$/);
    await desk.getByRole('heading', { name: 'Duty desk' }).waitFor();
    await desk.getByTestId('desk-empty').waitFor();
    // Only once the live stream is open can the desk hear of the arrival.
    await desk.getByTestId('desk-live').filter({ hasText: /^Live/ }).waitFor();
    await markPage(desk);

    const frId = await send({
      ...preservationDraft('FR', 'DE', 1),
      urgency: { level: 'emergency', justification: 'A hospital network is encrypted now.' },
    });
    const row = desk.locator('tbody tr').filter({ hasText: 'FR-DEMO-00001' });
    await row.waitFor({ timeout: 30_000 });
    await assertNotReloaded(desk);
    const deId = await incomingIdOf(frId);
    assert.equal(await row.getAttribute('data-request-id'), deId);
    assert.match((await row.textContent()) ?? '', /Emergency/);
    assert.match((await row.textContent()) ?? '', /France/);
    assert.match((await row.textContent()) ?? '', /Waiting for acknowledgement/);
    const deadline = row.getByTestId('desk-deadline');
    assert.equal(await deadline.getAttribute('data-state'), 'on-time');
    assert.match(
      (await deadline.textContent()) ?? '',
      /Acknowledge receipt.*due in (1 h 0 min|\d+ min( \d+ s)?)/,
    );
    await desk
      .getByTestId('desk-announcement')
      .filter({ hasText: 'Urgent requests waiting for acknowledgement: 1.' })
      .waitFor();
    await assertAccessible(desk, 'the duty desk');
    await screenshot(desk, 'desk-de-en');

    // Arabic: the same desk right to left, the countdown in words.
    await switchLanguage(desk, 'ar');
    assert.deepEqual(await documentLanguage(desk), { lang: 'ar', dir: 'rtl' });
    await desk.getByRole('heading', { name: 'مكتب المناوبة' }).waitFor();
    await assertAccessible(desk, 'the duty desk in Arabic');
    await row
      .getByTestId('desk-deadline')
      .getByText(/يحين بعد/)
      .waitFor();
    await screenshot(desk, 'desk-de-ar');
    await switchLanguage(desk, 'en');

    // On a phone the table scrolls sideways, and the acknowledge button stays in view, in the first
    // cell, with the deadline beside it.
    await useThePhoneLayout(desk);
    const acknowledgeOnPhone = row.getByRole('button', { name: /^Acknowledge/ });
    assert.equal(await acknowledgeOnPhone.count(), 1, 'one button, the one a phone shows');
    await assertWithinPhoneWidth(acknowledgeOnPhone, 'acknowledge button');
    // The deadline is the column next to the request: in view too, before any scrolling.
    await assertWithinPhoneWidth(row.getByTestId('desk-deadline'), 'deadline');
    // How urgent and where the case stands are in the first cell too, not only in columns off-screen.
    const phoneSummary = row.getByTestId('desk-phone-summary');
    await assertWithinPhoneWidth(phoneSummary, 'urgency and status');
    assert.match((await phoneSummary.textContent()) ?? '', /^Emergency · Delivered$/);
    await screenshot(desk, 'desk-de-phone');
    await desk.setViewportSize({ width: 1366, height: 900 });
    await desk.getByTestId('scroll-hint').waitFor({ state: 'detached' });
    await desk.getByRole('heading', { name: 'Duty desk' }).waitFor();

    // On a phone the table scrolls sideways in its own region, which says so and which the
    // keyboard scrolls; on a wide screen nothing is said.
    await desk.getByRole('region', { name: 'Open cases' }).waitFor();
    assert.equal(await desk.getByTestId('scroll-hint').count(), 0);
    assert.equal(
      await desk.getByRole('region', { name: 'Open cases' }).getAttribute('tabindex'),
      null,
      'a region that does not scroll is no tab stop',
    );
    await desk.setViewportSize({ width: 390, height: 844 });
    const hint = desk.getByTestId('scroll-hint');
    await hint.waitFor();
    assert.match((await hint.textContent()) ?? '', /scroll the table sideways/);
    const region = desk.getByRole('region', { name: 'Open cases' });
    assert.equal(await region.getAttribute('aria-describedby'), await hint.getAttribute('id'));
    await region.focus();
    await desk.keyboard.press('ArrowRight');
    await desk.waitForFunction(
      `document.querySelector('section[aria-label="Open cases"]').scrollLeft > 0`,
      undefined,
      { timeout: 5_000 },
    );
    // The page itself does not scroll sideways: only the table's region does.
    await desk.waitForFunction(
      'document.documentElement.scrollWidth <= document.documentElement.clientWidth',
      undefined,
      { timeout: 5_000 },
    );
    // The navigation folds away with a transition before the picture is taken.
    await desk.waitForFunction(
      `document.querySelector('#main-navigation').getBoundingClientRect().right <= 0`,
    );
    await screenshot(desk, 'desk-de-en-phone');
    await desk.setViewportSize({ width: 1366, height: 900 });
    await hint.waitFor({ state: 'detached' });

    // France's request page is open while Germany acknowledges.
    const request = await signInAs(frContext, fr, 'officer');
    await request.goto(`${fr.url}/requests/${frId}`);
    const status = request.getByTestId('case-panel').getByTestId('case-status');
    await status.waitFor();
    await markPage(request);

    const acknowledge = row.getByRole('button', { name: 'Acknowledge receipt of FR-DEMO-00001' });
    await acknowledge.click();
    await row.getByTestId('desk-status').filter({ hasText: 'Acknowledged' }).waitFor();
    assert.equal(await acknowledge.count(), 0, 'the button is gone once the request is acknowledged');
    // What the click did is said on screen too, not only to a screen reader.
    assert.equal(
      await desk.getByTestId('desk-acknowledged').textContent(),
      'Receipt of FR-DEMO-00001 acknowledged.',
    );
    assert.doesNotMatch((await row.textContent()) ?? '', /Waiting for acknowledgement/);
    // Acknowledged, no date runs on the preservation, yet it is to be done without delay.
    await row
      .getByTestId('desk-no-deadline')
      .filter({ hasText: 'Expedited (Art. 42): no date set' })
      .waitFor();
    await assertNotReloaded(desk);

    // France's supervisor's desk lists the request France sent: its time is when Germany received
    // it, and the row says so.
    const frSupervisorContext = await browser.newContext({
      viewport: { width: 1366, height: 900 },
      locale: 'en-GB',
      timezoneId: 'Europe/Paris',
    });
    const frDesk = await signInAs(frSupervisorContext, fr, 'supervisor');
    await frDesk.goto(`${fr.url}/desk`);
    const sentRow = frDesk.locator('tbody tr[data-side="requesting"]').filter({ hasText: 'FR-DEMO-00001' });
    await sentRow.waitFor();
    assert.equal(await sentRow.getByTestId('desk-received-by').textContent(), 'received by Germany');
    await frSupervisorContext.close();

    await request.waitForFunction(
      `document.querySelector('[data-testid="case-panel"] [data-testid="case-status"]')?.getAttribute('data-status') === 'acknowledged'`,
      undefined,
      { timeout: 30_000 },
    );
    assert.equal(await status.textContent(), 'Acknowledged');
    await assertNotReloaded(request);

    // Germany records the preservation on the request page; France sees the date without reloading.
    await row.getByRole('link', { name: 'Open FR-DEMO-00001' }).click();
    const panel = desk.getByTestId('case-panel');
    await panel.waitFor();
    // Opened from the desk, the case keeps the desk lit in the menu, not the list of requests.
    const navigation = desk.getByRole('navigation', { name: 'Main navigation' });
    assert.equal(
      await navigation.getByRole('link', { name: 'Duty desk' }).getAttribute('aria-current'),
      'page',
    );
    assert.equal(await navigation.getByRole('link', { name: 'Requests' }).getAttribute('aria-current'), null);
    await panel.getByTestId('transition-record-preservation').click();
    const form = panel.getByTestId('transition-form');
    const preservedUntil = addDays(today, 75);
    // A date the field cannot read is named on the field and not sent.
    const transitionPosts: string[] = [];
    const countPosts = (sent: { method(): string; url(): string }) => {
      if (sent.method() === 'POST' && sent.url().endsWith('/transitions')) transitionPosts.push(sent.url());
    };
    desk.on('request', countPosts);
    await form.getByLabel('Preserved until').fill('');
    await form.getByLabel('Preserved until').pressSequentially('31/02/2027');
    await form.getByLabel('Preserved until').press('Tab');
    await form.getByTestId('transition-submit').click();
    await form.getByText(/^Not a date: write it like/).waitFor();
    await desk.waitForTimeout(500);
    desk.off('request', countPosts);
    assert.deepEqual(transitionPosts, [], 'nothing was sent');
    assert.equal(await form.getByLabel('Preserved until').getAttribute('aria-invalid'), 'true');
    assert.equal(
      await panel.locator('[data-testid="case-event"][data-transition="record-preservation"]').count(),
      0,
    );
    await form.getByLabel('Preserved until').fill(preservedUntil);
    await form.getByTestId('transition-submit').click();
    await panel.locator('[data-testid="case-event"][data-transition="record-preservation"]').waitFor();

    const preserved = request
      .getByTestId('case-panel')
      .locator('[data-testid="case-event"][data-transition="record-preservation"]');
    await preserved.waitFor({ timeout: 30_000 });
    assert.equal(
      await preserved.getByTestId('event-preserved-until').locator('time').getAttribute('datetime'),
      preservedUntil,
    );
    await assertNotReloaded(request);
    // Germany's desk: the end of the preservation is France's date to keep (its follow-up request),
    // and the row says so rather than counting it down as Germany's task.
    const deDesk = await deContext.newPage();
    await deDesk.goto(`${de.url}/desk`);
    const preservedRow = deDesk.locator('tbody tr').filter({ hasText: 'FR-DEMO-00001' });
    await preservedRow.getByTestId('desk-deadline').getByText('End of the preservation').waitFor();
    assert.equal(
      await preservedRow.getByTestId('desk-deadline-other-side').textContent(),
      'for the other State to do: France',
    );
    await deDesk.close();
    await request
      .getByTestId('case-panel')
      .screenshot({ path: path.join(screenshotDirectory, 'desk-case-fr-en.png') });
    await switchLanguage(request, 'ar');
    await request.getByTestId('case-panel').getByText('سُجِّل الحفظ').waitFor();
    await request
      .getByTestId('case-panel')
      .screenshot({ path: path.join(screenshotDirectory, 'desk-case-fr-ar.png') });
    await frContext.close();
    await deContext.close();
  });

  test("Germany's legal reviewer refuses a request with a ground and reasons; France sees the refusal", async () => {
    const { fr, de, frContext, deContext } = await bothSides();
    const frId = await send(preservationDraft('FR', 'DE', 2));
    const deId = await incomingIdOf(frId);
    // A refusal rests on the screening checklist's concerns (docs/case-lifecycle.md, "Screening").
    await completeScreeningOver(await federation.node('DE').userClient('legal-reviewer'), deId, {
      'essential-interests': 'The conduct is not an offence under the law of the requested State.',
    });

    const request = await signInAs(frContext, fr, 'officer');
    await request.goto(`${fr.url}/requests/${frId}`);
    const frStatus = request.getByTestId('case-panel').getByTestId('case-status');
    await frStatus.waitFor();
    await markPage(request);

    const reviewer = await signInAs(deContext, de, 'legal-reviewer');
    await reviewer.getByRole('link', { name: 'Duty desk' }).click();
    const row = reviewer.locator(`tbody tr[data-request-id="${deId}"]`);
    await row.getByRole('button', { name: 'Acknowledge receipt of FR-DEMO-00002' }).click();
    await row.getByTestId('desk-status').filter({ hasText: 'Acknowledged' }).waitFor();
    await row.getByRole('link', { name: 'Open FR-DEMO-00002' }).click();
    const panel = reviewer.getByTestId('case-panel');
    const form = panel.getByTestId('transition-form');
    await panel.getByTestId('transition-begin-assessment').click();
    await form.getByTestId('transition-submit').click();
    await panel.locator('[data-testid="case-event"][data-transition="begin-assessment"]').waitFor();
    await panel.getByTestId('transition-refuse').click();
    await form.getByRole('checkbox').first().check();
    const reasons = 'The conduct is not an offence under the law of the requested State.';
    await form.getByLabel(/^Reasons/).fill(reasons);
    await form
      .getByLabel(/^How the requesting State was consulted/)
      .fill('Partial preservation was discussed by telephone.');
    await form.getByTestId('transition-submit').click();
    // The refusal is a response: it leaves once DE's supervisor approves it (the two-person rule).
    await approveWaitingResponse(await federation.node('DE').userClient('supervisor'), deId);

    await request.waitForFunction(
      `document.querySelector('[data-testid="case-panel"] [data-testid="case-status"]')?.getAttribute('data-status') === 'refused'`,
      undefined,
      { timeout: 30_000 },
    );
    const refusal = request
      .getByTestId('case-panel')
      .locator('[data-testid="case-event"][data-transition="refuse"]');
    await refusal.waitFor();
    assert.match((await refusal.textContent()) ?? '', new RegExp(reasons.replace('.', '\\.')));
    assert.equal(await refusal.getAttribute('data-origin'), 'other-node');
    await assertNotReloaded(request);
    await frContext.close();
    await deContext.close();
  });

  test("the questions Germany asks wait on both desks, and France's duty officer answers a colleague's request", async () => {
    const { fr, de, frContext, deContext } = await bothSides();
    const frId = await send(preservationDraft('FR', 'DE', 3));
    const deId = await incomingIdOf(frId);
    const reviewer = await federation.node('DE').userClient('legal-reviewer');
    for (const name of ['acknowledge', 'begin-assessment']) await makeTransition(reviewer, deId, name);

    // Germany's duty officer asks from the case page; the form warns that a question pauses a
    // preservation not yet recorded (Art. 42: without delay).
    const deDesk = await signInAs(deContext, de, 'duty-officer');
    await deDesk.goto(`${de.url}/requests/${deId}`);
    const dePanel = deDesk.getByTestId('case-panel');
    await dePanel.getByTestId('transition-request-clarification').click();
    const askForm = dePanel.getByTestId('transition-form');
    await askForm.getByTestId('clarification-pauses-preservation').waitFor();
    await askForm.getByLabel(/^Questions/).fill('In which time zone are the log times?');
    await askForm.getByTestId('transition-submit').click();
    await dePanel.locator('[data-testid="case-event"][data-transition="request-clarification"]').waitFor();
    await deDesk.goto(`${de.url}/desk`);
    const deRow = deDesk.locator(`tbody tr[data-request-id="${deId}"]`);
    assert.equal(
      await deRow.getByTestId('desk-awaiting-answer').textContent(),
      'Waiting for France to answer the questions',
    );
    // France's duty officer did not draft the request; it went through the 24/7 network, so the
    // desk lists it, says it is France's turn, and the case opens with the answer to give.
    const frDesk = await signInAs(frContext, fr, 'duty-officer');
    await frDesk.goto(`${fr.url}/desk`);
    const frRow = frDesk.locator('tbody tr[data-side="requesting"]').filter({ hasText: 'FR-DEMO-00003' });
    const awaiting = frRow.getByTestId('desk-awaiting-answer');
    await awaiting.waitFor({ timeout: 30_000 });
    assert.equal(await awaiting.textContent(), 'Questions from Germany to answer');
    // The row names the State on the other side, on both desks.
    assert.equal(await frRow.getByTestId('desk-other-state').textContent(), 'Germany');
    assert.equal(await deRow.getByTestId('desk-other-state').textContent(), 'France');
    await assertAccessible(frDesk, "the requesting State's duty desk");
    await frRow.getByRole('link', { name: 'Open FR-DEMO-00003' }).click();
    const panel = frDesk.getByTestId('case-panel');
    await panel.getByTestId('case-awaiting-answer').waitFor();
    await panel.getByTestId('transition-answer-clarification').click();
    await panel
      .getByTestId('transition-form')
      .getByLabel(/^Answer/)
      .fill('UTC.');
    await panel.getByTestId('transition-form').getByTestId('transition-submit').click();
    await panel.locator('[data-testid="case-event"][data-transition="answer-clarification"]').waitFor();
    await deRow.getByTestId('desk-awaiting-answer').waitFor({ state: 'detached', timeout: 30_000 });
    // Germany's desk says France answered, its turn again; the case opens with the answer on top.
    assert.equal(await deRow.getByTestId('desk-last-answer').textContent(), 'France answered the questions');
    await deRow.getByRole('link', { name: 'Open FR-DEMO-00003' }).click();
    const answered = deDesk.getByTestId('case-panel').getByTestId('case-last-answer');
    assert.equal(await answered.getAttribute('data-outcome'), 'answered');
    assert.match((await answered.textContent()) ?? '', /^France answered your questions:UTC\.$/);
    await frContext.close();
    await deContext.close();
  });
});
