/**
 * The case section of the request page in a real browser, on two real nodes: France sends a
 * preservation request to Germany through the API; in the browser, Germany's duty officer sees the
 * case (delivered, requested side, France), acknowledges it and records a preservation (a
 * preserved-until date too early is refused on the form, with the focus on the field); the focus
 * lands on each new event. France's officer then sees the preserved-until date in the history and
 * may only withdraw (a withdrawal without reasons is refused on the form). axe-core finds no
 * serious or critical violation; Arabic lays the section out right to left.
 *
 * Screenshots of the case section go to test-results/screenshots/case-*.png (gitignored).
 */
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
import { addDays, calendarDateOf } from '../../src/core/treaty/calendar-date.ts';
import { approveResponse, makeTransition, readCase } from '../../src/demo/federation-api.ts';
import {
  deliverPreservationFromFrance,
  type Federation,
  startFederation,
  waitFor,
} from '../helpers/node-process.ts';
import {
  assertAccessible,
  chromiumPath,
  documentLanguage,
  LAUNCH_ARGS,
  screenshotDirectory,
  signInAs,
  skipReason,
  switchLanguage,
  useThePhoneLayout,
  assertWithinPhoneWidth,
} from './browser-helpers.ts';

/** The element that has the keyboard focus: its test id and transition, or its tag. */
async function focused(page: Page): Promise<string> {
  return page.evaluate<string>(`(() => {
    const element = document.activeElement;
    if (!element || element === document.body) return 'body';
    const id = element.getAttribute('data-testid') ?? element.tagName.toLowerCase();
    const transition = element.getAttribute('data-transition');
    return transition ? id + ':' + transition : id;
  })()`);
}

/** The test ids of the case section's action buttons, in order. */
function offeredActions(panel: Locator): Promise<(string | null)[]> {
  return panel
    .locator('[data-testid^="transition-"]')
    .evaluateAll((buttons) => buttons.map((button) => button.getAttribute('data-testid')));
}

async function textOf(locator: Locator): Promise<string> {
  return (await locator.textContent()) ?? '';
}

/** A calendar date as the English UI writes it ("7 Mar 2027"). */
function formatDay(day: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(`${day}T12:00:00Z`));
}

/** Waits until the history's event of `transition` has the keyboard focus. */
async function waitForFocusOn(page: Page, transition: string): Promise<void> {
  await page.waitForFunction(
    `document.activeElement?.getAttribute('data-transition') === ${JSON.stringify(transition)}`,
  );
}

async function screenshotCase(page: Page, name: string): Promise<void> {
  await page.getByTestId('case-panel').screenshot({ path: path.join(screenshotDirectory, `${name}.png`) });
}

describe('the case section of a request, on two nodes', { skip: skipReason() }, () => {
  let federation: Federation;
  let browser: Browser;
  let frRequestId = '';
  let deRequestId = '';
  const today = calendarDateOf(new Date());

  before(async () => {
    await mkdir(screenshotDirectory, { recursive: true });
    federation = await startFederation({ states: ['FR', 'DE'] });
    ({ frRequestId, deRequestId } = await deliverPreservationFromFrance(federation));
    browser = await chromium.launch({ executablePath: chromiumPath, args: LAUNCH_ARGS });
  });

  after(async () => {
    await browser?.close();
    await federation?.stop();
  });

  /** Opens France's request page again until `isThere` holds: DE's steps arrive as messages. */
  async function reloadUntil(
    page: Page,
    requestId: string,
    description: string,
    isThere: () => Promise<boolean>,
  ): Promise<void> {
    await waitFor(
      description,
      async () => {
        await page.goto(`${federation.node('FR').url}/requests/${requestId}`);
        await page.getByTestId('case-panel').getByTestId('case-status').waitFor();
        return (await isThere()) ? true : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    );
  }

  /** A browser in English, in the reader's time zone. */
  function newContext(timezoneId: string) {
    return browser.newContext({
      viewport: { width: 1366, height: 1000 },
      locale: 'en-GB',
      // waitForFunction's string predicates run by eval, which the node's CSP refuses (ui.test.ts walks it).
      bypassCSP: true,
      timezoneId,
    });
  }

  test("DE's duty officer acknowledges and records a preservation; focus follows each new event", async () => {
    const context = await newContext('Europe/Berlin');
    const page = await signInAs(context, federation.node('DE'), 'duty-officer');
    // The list opens on what arrived, since nothing was sent from here, and counts the open cases.
    await page.goto(`${federation.node('DE').url}/requests`);
    await page.locator(`tr[data-request-id="${deRequestId}"]`).waitFor();
    assert.equal(await page.getByTestId('tab-incoming').getAttribute('aria-selected'), 'true');
    assert.match(await textOf(page.getByTestId('tab-incoming-open')), /^open: [1-9]\d*$/);
    assert.equal(await page.getByTestId('tab-outgoing-open').count(), 0, 'nothing sent from here');
    // The other tab stays reachable: chosen, it is named in the address and shown, empty.
    await page.getByTestId('tab-outgoing').click();
    await page.getByTestId('requests-empty').waitFor();
    assert.match(page.url(), /\?direction=outgoing$/);
    assert.equal(await page.getByTestId('tab-outgoing').getAttribute('aria-selected'), 'true');
    await page.goto(`${federation.node('DE').url}/requests/${deRequestId}`);
    const panel = page.getByTestId('case-panel');
    await panel.getByTestId('case-no-events').waitFor();
    assert.equal(await panel.getByTestId('case-status').getAttribute('data-status'), 'delivered');
    assert.equal(await panel.getByTestId('case-status').textContent(), 'Delivered');
    assert.match(await textOf(panel.getByTestId('case-side')), /the requested State/);
    assert.match(await textOf(panel.getByTestId('case-counterpart')), /France/);
    // Who at France submitted the request and who approved its sending (the two-person rule).
    const sentStep = panel.locator('[data-testid="case-step"][data-step="sent"]');
    assert.match(await textOf(sentStep), /France, the other State/);
    assert.match(await textOf(sentStep), /FR officer/);
    assert.equal(await textOf(sentStep.getByTestId('step-approved-by').locator('dd')), 'FR supervisor');
    assert.deepEqual(await offeredActions(panel), ['transition-acknowledge']);
    // The duty officer reads the screening but does not answer it: the acknowledgement comes first.
    await page.getByTestId('screening-panel').waitFor();
    const acknowledgeBox = await panel.getByTestId('transition-acknowledge').boundingBox();
    const screeningBox = await page.getByTestId('screening-panel').boundingBox();
    assert.ok(
      acknowledgeBox && screeningBox && acknowledgeBox.y < screeningBox.y,
      'actions before the screening',
    );
    await assertAccessible(page, 'case section of a delivered request');

    // Acknowledge with a note, from the keyboard: the form opens on its first field.
    await panel.getByTestId('transition-acknowledge').focus();
    await page.keyboard.press('Enter');
    const form = panel.getByTestId('transition-form');
    await form.waitFor();
    assert.equal(await focused(page), 'textarea');
    // The note goes to the requesting State with the step: the field says so before it is written.
    await form.getByLabel('Note to France (optional)').waitFor();
    await form.getByText(/^Sent to France with this step, under your name/).waitFor();
    await page.keyboard.type('Received by the 24/7 desk');
    await form.getByTestId('transition-submit').click();
    const acknowledged = panel.locator('[data-testid="case-event"][data-transition="acknowledge"]');
    await acknowledged.waitFor();
    await waitForFocusOn(page, 'acknowledge');
    assert.equal(await focused(page), 'case-event:acknowledge');
    assert.equal(await panel.getByTestId('case-status').getAttribute('data-status'), 'acknowledged');
    assert.match(await textOf(acknowledged), /Receipt acknowledged/);
    assert.match(await textOf(acknowledged), /This node/);
    assert.match(await textOf(acknowledged), /DE duty officer \(duty officer\)/);
    assert.equal(
      await textOf(acknowledged.getByTestId('event-note').locator('dd')),
      'Received by the 24/7 desk',
    );

    // Record the preservation: a date under the 60 days of Art. 42(8) is refused on the form.
    await panel.getByTestId('transition-record-preservation').click();
    await form.waitFor();
    const until = form.getByLabel('Preserved until');
    // The end date is proposed: the 90 days the request asks for, from the day it took effect.
    await form.getByText(/The request asks for 90 days\./).waitFor();
    const [year, month, day] = addDays(today, 90).split('-');
    assert.equal(await until.inputValue(), `${day}/${month}/${year}`);
    await until.fill(addDays(today, 30));
    await form.getByTestId('transition-submit').click();
    await form.getByText(/Choose .* or later\./).waitFor();
    assert.equal(await until.getAttribute('aria-invalid'), 'true');
    assert.equal(await focused(page), 'preserved-until-input');
    await assertAccessible(page, 'preservation form with an error');

    const preservedUntil = addDays(today, 75);
    await until.fill(preservedUntil);
    // Escape in the date's calendar closes the calendar, not the form with what was typed in it.
    const calendarButton = form.getByRole('button', { name: 'Pick a date' }).first();
    await calendarButton.click();
    await page.waitForFunction(
      `document.querySelector('[data-testid="transition-form"] button[aria-label="Pick a date"]')?.getAttribute('aria-expanded') === 'true'`,
    );
    await page.keyboard.press('Escape');
    await page.waitForFunction(
      `document.querySelector('[data-testid="transition-form"] button[aria-label="Pick a date"]')?.getAttribute('aria-expanded') === 'false'`,
    );
    assert.equal(await form.count(), 1, 'the form stays open');
    assert.equal(await until.inputValue(), preservedUntil.split('-').reverse().join('/'));
    await form.getByTestId('transition-submit').click();
    const preserved = panel.locator('[data-testid="case-event"][data-transition="record-preservation"]');
    await preserved.waitFor();
    await waitForFocusOn(page, 'record-preservation');
    assert.equal(await panel.getByTestId('case-status').getAttribute('data-status'), 'preserved');
    assert.equal(
      await preserved.getByTestId('event-preserved-until').locator('time').getAttribute('datetime'),
      preservedUntil,
    );
    assert.equal(await form.count(), 0, 'the form closes once the transition is made');
    // A preservation keeps the data: no package is made on it, and its panel says where it goes instead.
    const packages = page.getByTestId('evidence-packages-panel');
    assert.match(
      (await packages.getByTestId('preservation-no-packages').textContent()) ?? '',
      /asks that the data be kept, not sent, and no evidence is sent on it/,
    );
    assert.equal(await packages.getByTestId('evidence-package-form').count(), 0);
    // Evidence uploaded now is kept, unless the custodian says otherwise, as long as the data is preserved.
    const evidence = page.getByTestId('evidence-panel');
    await evidence.getByText(/^Proposed: the last day of the preservation, /).waitFor();
    const [keptYear, keptMonth, keptDay] = preservedUntil.split('-');
    assert.equal(
      await evidence.getByTestId('evidence-retention-input').inputValue(),
      `${keptDay}/${keptMonth}/${keptYear}`,
    );
    // Once preserved, DE may extend the preservation or record its follow-up request.
    assert.deepEqual(await offeredActions(panel), ['transition-extend', 'transition-convert']);
    await panel.getByTestId('transition-extend').click();
    await form.waitFor();
    // An extension runs past the date the data is preserved until now: the form says which.
    const extendTo = form.getByLabel('Preserved until');
    await form.getByText(/Preserved until .* now: choose a later date\./).waitFor();
    await extendTo.fill(addDays(today, 40));
    await form.getByTestId('transition-submit').click();
    await form.getByText(/Choose .* or later\./).waitFor();
    assert.equal(await extendTo.getAttribute('aria-invalid'), 'true');
    // The node's own refusal of a date is worded on the field and in the summary, not folded away
    // as technical details: the form sends a date the node refuses (the call is changed on its way).
    await page.route('**/api/v1/requests/*/transitions', async (route) => {
      const body = route.request().postDataJSON() as { payload: Record<string, unknown> };
      await route.continue({
        postData: JSON.stringify({
          ...body,
          payload: { ...body.payload, preservedUntil: addDays(today, 40) },
        }),
      });
    });
    await extendTo.fill(addDays(today, 100));
    await form.getByTestId('transition-submit').click();
    const summary = form.getByTestId('problem-alert');
    await summary.waitFor();
    const worded = /Choose .* or a later date\./;
    await summary.getByRole('listitem').filter({ hasText: 'Preserved until' }).getByText(worded).waitFor();
    await form.locator('.mantine-InputWrapper-error').getByText(worded).waitFor();
    assert.equal(await summary.getByTestId('problem-technical').count(), 0, 'nothing left only in English');
    await page.unroute('**/api/v1/requests/*/transitions');
    // Escape does not throw away what was written: the form stays until Cancel.
    await page.keyboard.press('Escape');
    assert.equal(await form.count(), 1, 'a form with what was written stays open on Escape');
    await form.getByTestId('transition-cancel').click();
    await form.waitFor({ state: 'detached' });
    await assertAccessible(page, 'case section with a history');
    await screenshotCase(page, 'case-de-en');

    // Arabic: the same section right to left, labels in Arabic.
    await switchLanguage(page, 'ar');
    assert.deepEqual(await documentLanguage(page), { lang: 'ar', dir: 'rtl' });
    await panel.getByTestId('case-status').filter({ hasText: 'البيانات محفوظة' }).waitFor();
    await preserved.getByText('سُجِّل الحفظ').waitFor();
    // The note typed in English keeps its own direction on the Arabic screen.
    assert.equal(
      await acknowledged.getByTestId('event-note').locator('dd [dir="auto"]').textContent(),
      'Received by the 24/7 desk',
    );
    await assertAccessible(page, 'case section in Arabic');
    await screenshotCase(page, 'case-de-ar');
    await context.close();
  });

  test("FR's officer sees the preserved-until date and may only withdraw, with reasons", async () => {
    const context = await newContext('Europe/Paris');
    const page = await signInAs(context, federation.node('FR'), 'officer');
    const panel = page.getByTestId('case-panel');
    // DE's transitions reach FR as federation messages: read the page again until they have arrived.
    await reloadUntil(
      page,
      frRequestId,
      'FR shows the preservation',
      async () => (await panel.getByTestId('case-status').getAttribute('data-status')) === 'preserved',
    );
    // The header says where the case is, as the case panel does, not only that the request was sent.
    assert.equal(await page.getByTestId('save-state').textContent(), 'Data preserved');
    const preserved = panel.locator('[data-testid="case-event"][data-transition="record-preservation"]');
    await preserved.waitFor();
    assert.equal(
      await preserved.getByTestId('event-preserved-until').locator('time').getAttribute('datetime'),
      addDays(today, 75),
    );
    assert.equal(await preserved.getAttribute('data-origin'), 'other-node');
    // The reminder of Art. 42(8) names the preserved-until date as the last day, and its basis.
    const expiry = panel.getByTestId('case-deadline');
    assert.equal(
      await expiry.getByTestId('deadline-last-day').locator('time').getAttribute('datetime'),
      addDays(today, 75),
    );
    assert.match(await textOf(expiry), /Basis\s*Art\. 42\(8\)/);
    // The last day is Germany's, the State that keeps the data: due at the last minute of that
    // day on Berlin's clocks, which Paris shares, not at the next midnight (a day later) nor at
    // midnight UTC (an hour later).
    const lastDayWritten = new Intl.DateTimeFormat('en-GB', {
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      timeZone: 'UTC',
    }).format(new Date(`${addDays(today, 75)}T12:00:00Z`));
    assert.match(await textOf(expiry), /Last day \(Germany time\)/);
    assert.match(await textOf(expiry), new RegExp(`Due \\(your time\\)\\s*${lastDayWritten}, 23:59`));
    assert.match(await textOf(expiry), new RegExp(`Due \\(Germany time\\)\\s*${lastDayWritten}, 23:59`));
    assert.doesNotMatch(await textOf(expiry), /, 00:59/);
    assert.match(await textOf(preserved), /Germany, the other State/);
    assert.match(await textOf(panel.getByTestId('case-side')), /the requesting State/);
    assert.match(await textOf(panel.getByTestId('case-counterpart')), /Germany/);
    assert.deepEqual(
      await panel
        .locator('[data-testid="case-event"]')
        .evaluateAll((events) => events.map((event) => event.getAttribute('data-transition'))),
      ['acknowledge', 'record-preservation'],
    );

    // The request flow's steps come first; each message shows its delivery and its signed receipt,
    // verified by the node against the directory; the figures show the steps reached.
    assert.deepEqual(
      await panel
        .locator('[data-testid="case-step"]')
        .evaluateAll((steps) => steps.map((step) => step.getAttribute('data-step'))),
      ['drafted', 'sent', 'delivered'],
    );
    const sent = panel.locator('[data-testid="case-step"][data-step="sent"]');
    assert.equal(await sent.getByTestId('case-message').getAttribute('data-state'), 'delivered');
    const receipt = sent.getByTestId('case-receipt');
    assert.equal(await receipt.getAttribute('data-verified'), 'true');
    await receipt.locator('summary').click();
    assert.match(await textOf(receipt.getByTestId('case-receipt-message').locator('dd')), /^[0-9a-f-]{36}$/);
    assert.match(await textOf(receipt), /Verified: the signature checks out/);
    assert.equal(await preserved.getByTestId('case-receipt').getAttribute('data-verified'), 'true');
    const figures = panel.getByTestId('case-figures');
    assert.notEqual(await textOf(figures.getByTestId('figure-deliver').locator('dd')), 'not reached yet');
    assert.notEqual(await textOf(figures.getByTestId('figure-acknowledge').locator('dd')), 'not reached yet');
    assert.equal(await textOf(figures.getByTestId('figure-decide').locator('dd')), 'not reached yet');
    assert.match(
      await textOf(panel.getByTestId('case-other-side')),
      /Data preserved — Last message from this node: Delivered/,
    );
    // What Germany may do next, so the requesting side knows what to expect.
    assert.equal(
      await textOf(panel.getByTestId('case-other-side-next')),
      'What Germany may do nextExtend the preservation or Convert into a follow-up request',
    );
    await assertAccessible(page, 'case section with a receipt open');
    await screenshotCase(page, 'case-fr-receipt-en');
    await receipt.locator('summary').click();

    // The list of requests says where the case stands, as the case section does, not just "Sent".
    await page.goto(`${federation.node('FR').url}/requests`);
    const listed = page.locator(`tr[data-request-id="${frRequestId}"]`);
    assert.equal(await textOf(listed.locator('[data-case-status]')), 'Data preserved');
    // On a phone the status stands next to the type, in view before the table scrolls sideways.
    await useThePhoneLayout(page);
    await assertWithinPhoneWidth(listed.locator('[data-case-status]'), 'status');
    // Rows of one type are told apart there: the reference and the State under the type.
    const summary = listed.getByTestId('request-row-summary');
    assert.match(await textOf(summary), / · Germany$/);
    await assertWithinPhoneWidth(summary, 'reference and State');
    await page.setViewportSize({ width: 1366, height: 1000 });
    await page.goto(`${federation.node('FR').url}/requests/${frRequestId}`);
    await panel.getByTestId('case-status').waitFor();

    // Withdrawing needs reasons: the empty form is refused and the focus goes to the field.
    await panel.getByTestId('transition-withdraw').click();
    const form = panel.getByTestId('transition-form');
    await form.getByTestId('transition-submit').click();
    await form.getByText('Required.').waitFor();
    assert.equal(await form.getByLabel(/^Reasons/).getAttribute('aria-invalid'), 'true');
    assert.equal(await focused(page), 'textarea');
    await assertAccessible(page, 'withdraw form with an error');
    await screenshotCase(page, 'case-fr-en');

    // Escape closes the form and gives the focus back to its button; nothing was withdrawn.
    await page.keyboard.press('Escape');
    await form.waitFor({ state: 'detached' });
    assert.equal(await focused(page), 'transition-withdraw');
    assert.equal(await panel.getByTestId('case-status').getAttribute('data-status'), 'preserved');
    await context.close();
  });

  test("DE's legal reviewer converts the preservation; closing it says the data stays preserved (Art. 42(8))", async () => {
    const context = await newContext('Europe/Berlin');
    const page = await signInAs(context, federation.node('DE'), 'legal-reviewer');
    await page.goto(`${federation.node('DE').url}/requests/${deRequestId}`);
    const panel = page.getByTestId('case-panel');
    await panel.getByTestId('transition-convert').click();
    const form = panel.getByTestId('transition-form');
    await form.getByLabel(/^Reference of the follow-up request/).fill('FR-MLA-2026-0042');
    await form.getByTestId('transition-submit').click();
    await panel.locator('[data-testid="case-status"][data-status="converted"]').waitFor();
    // On a phone in Spanish, the long status wraps inside the screen and the page does not widen.
    await switchLanguage(page, 'es');
    await useThePhoneLayout(page);
    const status = panel.getByTestId('case-status');
    await status.getByText('Convertida en solicitud de seguimiento').waitFor();
    await assertWithinPhoneWidth(status, 'the converted status');
    await page.waitForFunction(
      'document.documentElement.scrollWidth <= document.documentElement.clientWidth',
    );
    await page.setViewportSize({ width: 1366, height: 1000 });
    await switchLanguage(page, 'en');
    // Closing is bookkeeping here: the form says the preservation goes on until the follow-up
    // request is decided, before anyone confirms.
    await panel.getByTestId('transition-close').click();
    // And that nothing can follow a closed case, on either side.
    await form
      .getByTestId('close-is-final')
      .getByText(/^Closing is the last step/)
      .waitFor();
    await form
      .getByTestId('close-keeps-preservation')
      .getByText(/data stays preserved until a decision/)
      .waitFor();
    await assertAccessible(page, 'closing a converted preservation');
    await context.close();
  });

  test('conditions Germany proposes say on both sides whose answer is awaited, and the answer form repeats them', async () => {
    const { frRequestId: frId, deRequestId: deId } = await deliverPreservationFromFrance(federation);
    const de = federation.node('DE');
    const duty = await de.userClient('duty-officer');
    await makeTransition(duty, deId, 'acknowledge');
    await makeTransition(duty, deId, 'begin-assessment');
    const conditions = 'Use the data only in the proceedings named in the request.';
    await makeTransition(await de.userClient('legal-reviewer'), deId, 'propose-conditions', {
      text: conditions,
    });

    const context = await newContext('Europe/Paris');
    const page = await signInAs(context, federation.node('FR'), 'officer');
    const panel = page.getByTestId('case-panel');
    const awaiting = panel.getByTestId('case-awaiting-answer');
    // The conditions reach France as a message: read the page again until they have arrived.
    await reloadUntil(page, frId, 'FR shows the conditions', async () => (await awaiting.count()) > 0);
    assert.match(await textOf(awaiting), /^Germany proposes conditions; this side answers/);
    assert.equal(await textOf(awaiting.getByTestId('case-awaiting-text')), conditions);
    // Germany waits for France's answer: not a list of Germany's own steps.
    assert.equal(
      await textOf(panel.getByTestId('case-other-side-next').locator('dd')),
      'Nothing now: the case waits for this side.',
    );
    // The officer may decline them, and reads that a supervisor may accept them.
    assert.match(
      await textOf(panel.getByTestId('case-others-may-too')),
      /^Also possible on this side, by others: .*Accept the conditions \(supervisor\)/,
    );
    // The form says what it answers.
    await panel.getByTestId('transition-decline-conditions').click();
    const form = panel.getByTestId('transition-form');
    assert.match(
      await textOf(form.getByTestId('transition-answering')),
      new RegExp(`^You are answering:\\s*${conditions}`),
    );
    await assertAccessible(page, 'answering conditions');
    await screenshotCase(page, 'case-fr-conditions');
    // The officer's list of requests says the answer is theirs, on the request's row.
    await page.goto(`${federation.node('FR').url}/requests`);
    const row = page.locator(`tr[data-request-id="${frId}"]`);
    assert.equal(
      await textOf(row.getByTestId('request-awaiting-answer')),
      'Conditions from Germany to answer',
    );
    await context.close();

    // Germany reads the same conditions as waiting for France.
    const deContext = await newContext('Europe/Berlin');
    const dePage = await signInAs(deContext, de, 'legal-reviewer');
    await dePage.goto(`${de.url}/requests/${deId}`);
    await dePage
      .getByTestId('case-awaiting-answer')
      .getByText('Conditions proposed to France, waiting for its answer:')
      .waitFor();
    await deContext.close();
  });

  test("a response's results and described files show to its approver and to the requesting State; accepted conditions stay in view", async () => {
    const { frRequestId: frId, deRequestId: deId } = await deliverPreservationFromFrance(federation);
    const de = federation.node('DE');
    const duty = await de.userClient('duty-officer');
    const reviewer = await de.userClient('legal-reviewer');
    await makeTransition(duty, deId, 'acknowledge');
    await makeTransition(duty, deId, 'begin-assessment');
    const conditions = 'Use the data only in the proceedings named in the request.';
    await makeTransition(reviewer, deId, 'propose-conditions', { text: conditions });
    const frSupervisor = await federation.node('FR').userClient('supervisor');
    await waitFor(
      'the conditions at France',
      async () => ((await readCase(frSupervisor, frId)).awaitingAnswer ? true : undefined),
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    await makeTransition(frSupervisor, frId, 'accept-conditions');
    await waitFor(
      'the acceptance at Germany',
      async () => ((await readCase(duty, deId)).conditionsInForce.length > 0 ? true : undefined),
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    await makeTransition(reviewer, deId, 'accept');
    await makeTransition(duty, deId, 'begin-execution');
    await makeTransition(duty, deId, 'execute-fully', {
      text: 'The account data, as the provider gave it.',
      results: [
        { kind: 'subscriber-data', identifier: 'mailbox r.doe@example.de', subscriber: { name: 'R. Doe' } },
        { kind: 'preserved-until', item: 'the mailbox', until: addDays(today, 90) },
        { kind: 'other', label: 'Relaying provider', value: 'Relay.example SE, Stockholm' },
      ],
      attachments: [
        { name: 'mailbox.mbox', mediaType: 'application/mbox', sizeBytes: 2048, sha256: 'ab'.repeat(32) },
      ],
    });
    const expected = [
      'mailbox r.doe@example.de: name: R. Doe',
      `the mailbox: preserved until ${formatDay(addDays(today, 90))}`,
      'Relaying provider: Relay.example SE, Stockholm',
    ];
    // The supervisor approves what they read: the results and the files, not only the text.
    const deContext = await newContext('Europe/Berlin');
    const supervisor = await signInAs(deContext, de, 'supervisor');
    await supervisor.goto(`${de.url}/requests/${deId}`);
    // The conditions France accepted stay on the case after its next steps, on both sides.
    assert.match(
      await textOf(supervisor.getByTestId('case-conditions-in-force')),
      new RegExp(
        `^Conditions in force, accepted by France on .*must comply with them \\(Art\\. 40\\(27\\)\\)${conditions}$`,
      ),
    );
    await screenshotCase(supervisor, 'case-conditions-in-force');
    const approval = supervisor.getByTestId('approval-panel');
    await approval.getByTestId('event-results').waitFor();
    assert.deepEqual(await approval.getByTestId('event-results').locator('li').allTextContents(), expected);
    assert.match(
      (await approval.getByTestId('event-attachments').textContent()) ?? '',
      /^mailbox\.mbox \(application\/mbox, 2,048 bytes\), SHA-256 (ab){32}$/,
    );
    await deContext.close();
    await approveResponse(await de.userClient('supervisor'), deId);
    // France reads them in the case's history once the response arrives.
    const frContext = await newContext('Europe/Paris');
    const officer = await signInAs(frContext, federation.node('FR'), 'officer');
    const executed = officer.locator('[data-testid="case-event"][data-transition="execute-fully"]');
    await reloadUntil(officer, frId, 'the response at France', async () => (await executed.count()) > 0);
    assert.deepEqual(await executed.getByTestId('event-results').locator('li').allTextContents(), expected);
    assert.match(
      await textOf(officer.getByTestId('case-conditions-in-force')),
      /^Conditions in force, accepted by this side on .*: they must be complied with/,
    );
    await frContext.close();
  });
});
