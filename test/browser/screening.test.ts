/**
 * Screening in a real browser, on two real nodes: France sends a preservation request to
 * Germany; Germany's legal reviewer opens it, finds the screening checklist the catalogue
 * generates for a preservation (no dual criminality: Art. 42), is told to complete it before
 * refusing, answers every item with reasons (a concern on essential interests), saves it, and
 * refuses on the one ground the concern supports. The law map screen adds a provision and the
 * compliance view shows which Convention offences still lack one. axe-core finds no serious or
 * critical violation in English and in Arabic, which lays the screens out right to left.
 *
 * Screenshots go to test-results/screenshots/screening-*.png (gitignored).
 */
import assert from 'node:assert/strict';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Browser, chromium } from 'playwright-core';
import { makeTransition } from '../../src/demo/federation-api.ts';
import {
  deliverPreservationFromFrance,
  type Federation,
  startFederation,
  temporaryDirectory,
} from '../helpers/node-process.ts';
import {
  approveWaitingResponse,
  assertAccessible,
  chromiumPath,
  documentLanguage,
  LAUNCH_ARGS,
  screenshotDirectory,
  signInAs,
  skipReason,
  switchLanguage,
} from './browser-helpers.ts';

describe('screening and the law map in the browser', { skip: skipReason() }, () => {
  let federation: Federation;
  let browser: Browser;
  let deRequestId = '';
  let frRequestId = '';
  const templateDirectory = temporaryDirectory('comity-screening-template-');

  before(async () => {
    await mkdir(screenshotDirectory, { recursive: true });
    // One migrated template for the three processes, rather than three databases built at once.
    federation = await startFederation({
      states: ['FR', 'DE'],
      templateDirectory,
    });
    ({ deRequestId, frRequestId } = await deliverPreservationFromFrance(federation));
    const duty = await federation.node('DE').userClient('duty-officer');
    await makeTransition(duty, deRequestId, 'acknowledge', { note: 'Received.' });
    await makeTransition(duty, deRequestId, 'begin-assessment');
    browser = await chromium.launch({ executablePath: chromiumPath, args: LAUNCH_ARGS });
  });

  after(async () => {
    await browser?.close();
    await federation?.stop();
    await rm(templateDirectory, { recursive: true, force: true });
  });

  test("DE's legal reviewer completes the checklist and refuses on the ground its concern supports", async () => {
    const context = await browser.newContext({
      viewport: { width: 1366, height: 1000 },
      locale: 'en-GB',
      bypassCSP: true,
      timezoneId: 'Europe/Berlin',
    });
    const page = await signInAs(context, federation.node('DE'), 'legal-reviewer');
    await page.goto(`${federation.node('DE').url}/requests/${deRequestId}`);
    const screening = page.getByTestId('screening-panel');
    await screening.waitFor();
    // A preservation is carried out without waiting for the checklist: only a refusal waits, and
    // the panel says so rather than that nothing can be decided.
    assert.match(
      (await screening.getByTestId('screening-intro').textContent()) ?? '',
      /accepting does not wait for the checklist\. A refusal does/,
    );
    const items = screening.getByTestId('screening-item');
    const ids = await items.evaluateAll((all) => all.map((item) => item.getAttribute('data-item')));
    assert.deepEqual(ids, [
      'essential-interests',
      'domestic-prohibition',
      'non-discrimination',
      'preservation-dual-criminality',
      'outside-scope',
      'protected-expression',
      'security-research',
      'requesting-state-record',
    ]);
    // "Text verified" is said of a paraphrase of the treaty: an item of Comity's practice has none.
    const practiceItem = screening.locator(
      '[data-testid="screening-item"][data-item="requesting-state-record"]',
    );
    await practiceItem.getByText('Comity’s practice, not treaty text', { exact: true }).waitFor();
    assert.equal(await practiceItem.getByText(/^Text (not )?verified$/).count(), 0);
    const treatyItem = screening.locator('[data-testid="screening-item"][data-item="essential-interests"]');
    assert.equal(await treatyItem.getByText(/^Text (not )?verified$/).count(), 1);
    // The items a refusal may rest on come first, apart from Comity's own flags, under the
    // grounds the catalogue allows for a preservation.
    const groups = screening.getByTestId('screening-group');
    assert.deepEqual(
      await groups.evaluateAll((all) =>
        all.map((group) => [
          group.getAttribute('data-group'),
          [...group.querySelectorAll('[data-testid="screening-item"]')].map((item) =>
            item.getAttribute('data-item'),
          ),
        ]),
      ),
      [
        [
          'ground',
          [
            'essential-interests',
            'domestic-prohibition',
            'non-discrimination',
            'preservation-dual-criminality',
          ],
        ],
        ['flag', ['outside-scope', 'protected-expression', 'security-research', 'requesting-state-record']],
      ],
    );
    await screening.getByRole('heading', { name: 'Grounds a refusal may rest on' }).waitFor();
    await screening
      .getByRole('heading', { name: 'Comity’s flags: context for the review, never a ground by themselves' })
      .waitFor();
    assert.equal(
      await screening.getByTestId('screening-grounds-for-type').textContent(),
      'For this type of request, a refusal may rest only on: Limited grounds for refusing preservation (Art. 42(6)); Dual criminality reservation for preservation (Art. 42(5)).',
    );
    assert.equal(await screening.getByTestId('screening-state').getAttribute('data-complete'), 'false');
    assert.match((await screening.textContent()) ?? '', /Comity’s practice, not treaty text/);
    await assertAccessible(page, 'screening checklist');

    // No refusal before the checklist is complete.
    const panel = page.getByTestId('case-panel');
    await panel.getByTestId('transition-refuse').click();
    await panel.getByTestId('screening-required').waitFor();
    await panel.getByTestId('transition-refuse').click();

    // Where Comity's own check found nothing to flag, the answer is proposed, with what it found;
    // not recorded until the reviewer saves.
    const scope = screening.locator('[data-testid="screening-item"][data-item="outside-scope"]');
    assert.equal(await scope.getByTestId('answer-no-concern').isChecked(), true);
    assert.match(
      await scope.getByTestId('screening-reasons').inputValue(),
      /^Every offence cited is a Convention offence: Art\. 10\.$/,
    );
    await scope.getByTestId('screening-proposed').waitFor();
    const record = screening.locator('[data-testid="screening-item"][data-item="requesting-state-record"]');
    // The State by its name, once the list of States is read; this is the first request from France.
    await page.waitForFunction(
      `document.querySelector('[data-item="requesting-state-record"] [data-testid="screening-reasons"]')?.value.includes('France')`,
    );
    assert.match(
      await record.getByTestId('screening-reasons').inputValue(),
      /^No earlier request from France has been received here\.$/,
    );
    assert.equal(await screening.getByTestId('screening-state').getAttribute('data-complete'), 'false');

    // An answer without its reasons: the node refuses the save, and the form says why beside the
    // field, in the UI's words (the browser's own bubble, in the browser's language, does not show).
    const first = screening.locator(`[data-testid="screening-item"][data-item="${ids[0]}"]`);
    await first.getByTestId('answer-no-concern').check();
    await first.getByTestId('screening-reasons').fill('');
    await screening.getByTestId('screening-save').click();
    await page.waitForFunction(
      `document.querySelector('[data-item="${ids[0]}"] [data-testid="screening-reasons"]')?.getAttribute('aria-invalid') === 'true'`,
    );
    assert.equal(await screening.getByTestId('screening-state').getAttribute('data-complete'), 'false');

    // Answer every item with reasons: a concern on essential interests.
    for (const id of ids) {
      const item = screening.locator(`[data-testid="screening-item"][data-item="${id}"]`);
      const choice = id === 'essential-interests' ? 'concern' : 'no-concern';
      await item.getByTestId(`answer-${choice}`).check();
      await item
        .getByTestId('screening-reasons')
        .fill(
          id === 'essential-interests'
            ? 'Execution would prejudice an ongoing national security matter.'
            : 'Checked: no concern.',
        );
    }
    await screening.getByTestId('screening-save').click();
    await page.waitForFunction(
      `document.querySelector('[data-testid="screening-state"]')?.getAttribute('data-complete') === 'true'`,
    );
    // Who screened it and when, beside its state.
    assert.match(
      (await screening.getByTestId('screening-saved-by').textContent()) ?? '',
      /^Last saved by DE legal reviewer, \d/,
    );
    await page
      .getByTestId('screening-panel')
      .screenshot({ path: path.join(screenshotDirectory, 'screening-en.png') });

    // The refusal form offers only the ground the concern supports.
    await panel.getByTestId('transition-refuse').click();
    const form = panel.getByTestId('transition-form');
    await form.waitFor();
    // The ground; then the consultation: the requesting State consulted, partial and conditional assistance.
    assert.equal(await form.getByRole('checkbox').count(), 4);
    // What the reviewer writes goes to France: the form says so before anything is written.
    assert.match(
      (await form.getByTestId('transition-sent-note').textContent()) ?? '',
      /^What you write here is sent to France with this step, under your name/,
    );
    // It says why only this ground: the screening's concern supports it.
    await form
      .getByText(/^The grounds your screening supports: each rests on an item of the screening/)
      .waitFor();
    await form.getByRole('checkbox', { name: /Limited grounds for refusing preservation/ }).check();
    await form.getByLabel(/^Reasons/).fill('Execution would prejudice an ongoing national security matter.');
    await form.getByRole('checkbox', { name: 'The requesting State was consulted' }).check();
    await form
      .getByLabel(/^How the requesting State was consulted/)
      .fill('Partial preservation was discussed by telephone.');
    await assertAccessible(page, 'refusal form tied to the checklist');
    await form.getByTestId('transition-submit').click();
    // Submitted, the refusal waits at once, without a reload: the approval panel shows it with its
    // grounds and reasons (what its approver reads), and the case offers no other step meanwhile.
    const waiting = page.locator('[data-testid="approval-record"][data-state="pending"]');
    const says = waiting.getByTestId('approval-says');
    await says.getByText('Execution would prejudice an ongoing national security matter.').waitFor();
    await says.getByText(/Limited grounds for refusing preservation/).waitFor();
    await panel.getByTestId('case-no-actions').waitFor();
    assert.equal(await panel.getByTestId('transition-refuse').count(), 0);
    assert.equal(await panel.getByTestId('transition-accept').count(), 0);
    // The checklist the refusal rests on is read-only meanwhile: its approver reads it as submitted.
    assert.equal(await screening.getByTestId('screening-save').count(), 0);
    // The duty desk says why its row offers no step: the response waits for a supervisor.
    await page.goto(`${federation.node('DE').url}/desk`);
    await page
      .locator(`tr[data-request-id="${deRequestId}"]`)
      .getByTestId('desk-awaiting-approval')
      .filter({ hasText: 'Response waiting for a supervisor’s approval' })
      .waitFor();
    // The refusal is a response: it waits for DE's supervisor, then leaves (the two-person rule).
    await approveWaitingResponse(await federation.node('DE').userClient('supervisor'), deRequestId);
    await page.goto(`${federation.node('DE').url}/requests/${deRequestId}`);
    const refusal = panel.locator('[data-testid="case-event"][data-transition="refuse"]');
    await refusal.waitFor();
    // It says the requesting State was consulted, as the reviewer recorded.
    assert.match(
      (await refusal.getByTestId('event-state-consulted').textContent()) ?? '',
      /consulted\s*Yes$/,
    );
    // The refusal names its second person beside the reviewer who made it.
    assert.match((await refusal.getByTestId('event-approved-by').textContent()) ?? '', /^Approved by\S/);
    assert.equal(await panel.getByTestId('case-status').getAttribute('data-status'), 'refused');

    // France reads the refusal at the top of its request, not only deep in the case's history.
    const frContext = await browser.newContext({ viewport: { width: 1366, height: 1000 }, locale: 'en-GB' });
    try {
      const frPage = await signInAs(frContext, federation.node('FR'), 'officer');
      const note = frPage.getByTestId('read-only-note');
      for (let attempt = 0; ; attempt += 1) {
        await frPage.goto(`${federation.node('FR').url}/requests/${frRequestId}`);
        await note.waitFor();
        if (/^Refused by Germany/.test((await note.textContent()) ?? '') || attempt === 20) break;
        await frPage.waitForTimeout(500);
      }
      assert.equal(
        await note.textContent(),
        'Refused by Germany: its grounds and reasons are in the case below. A sent request can no longer be changed.',
      );
    } finally {
      await frContext.close();
    }

    // Arabic: right to left, the checklist in Arabic, still accessible.
    await switchLanguage(page, 'ar');
    assert.deepEqual(await documentLanguage(page), { lang: 'ar', dir: 'rtl' });
    await screening.getByText('فحص الطلب الوارد').waitFor();
    await screening.getByText('السيادة أو الأمن أو النظام العام أو المصالح الأساسية الأخرى').waitFor();
    await assertAccessible(page, 'screening checklist in Arabic');
    // Each item's article reads right to left, the word first ("المادة" then its number), in
    // the text's own font: it is a citation, not machine text.
    const citation = (await page.evaluate(
      "(() => { const cite = document.querySelector('[data-testid=\"screening-panel\"] .citation'); const style = getComputedStyle(cite); return { text: cite.textContent, direction: style.direction, isMonospace: style.fontFamily.includes('monospace') }; })()",
    )) as { text: string; direction: string; isMonospace: boolean };
    assert.match(citation.text, /^المادة /);
    assert.equal(citation.direction, 'rtl');
    assert.equal(citation.isMonospace, false);
    await page
      .getByTestId('screening-panel')
      .screenshot({ path: path.join(screenshotDirectory, 'screening-ar.png') });

    // The next request from France is flagged with this refusal, in words: the State and the
    // ground by name, never their codes.
    const { deRequestId: nextId } = await deliverPreservationFromFrance(federation);
    await switchLanguage(page, 'en');
    await page.goto(`${federation.node('DE').url}/requests/${nextId}`);
    const flag = page.getByTestId('screening-flag').filter({ hasText: 'earlier requests from France' });
    await flag.waitFor();
    const flagText = (await flag.textContent()) ?? '';
    assert.match(flagText, /refused 1 of \d+ earlier requests from France\./);
    assert.match(
      flagText,
      /Grounds: Limited grounds for refusing preservation \(Art\. 42\(6\)\) \(refusals: 1\)\./,
    );
    assert.doesNotMatch(flagText, /preservation-limited-grounds|from FR\b/);
    await context.close();
  });

  test('the law map: a legal reviewer adds a provision; the compliance view shows what is missing, in English and Arabic', async () => {
    const context = await browser.newContext({
      viewport: { width: 1366, height: 1000 },
      locale: 'en-GB',
      bypassCSP: true,
    });
    const page = await signInAs(context, federation.node('DE'), 'legal-reviewer');
    await page.getByRole('link', { name: 'Domestic law map' }).click();
    await page.getByTestId('law-map-empty').waitFor();
    await page.getByTestId('compliance-table').waitFor();
    assert.match((await page.getByTestId('compliance-summary').textContent()) ?? '', /11 of 11/);
    await assertAccessible(page, 'empty law map');

    await page.getByTestId('law-citation').fill('StGB § 202a');
    await page.getByTestId('law-title').fill('Data espionage');
    await page.getByTestId('law-penalty').fill('3 years');
    await page.getByTestId('law-offence-art-7').check();
    await page.getByTestId('law-add').click();
    await page.getByTestId('law-provision').waitFor();
    await page.waitForFunction(
      `document.querySelector('[data-testid="compliance-offence"][data-offence="art-7"] [data-implemented]')?.getAttribute('data-implemented') === 'true'`,
    );
    assert.match((await page.getByTestId('compliance-summary').textContent()) ?? '', /10 of 11/);
    assert.equal(
      await page.getByTestId('compliance-csv').getAttribute('href'),
      '/api/v1/law-map/compliance.csv',
    );
    await assertAccessible(page, 'law map with a provision');

    await switchLanguage(page, 'ar');
    assert.deepEqual(await documentLanguage(page), { lang: 'ar', dir: 'rtl' });
    await page.getByRole('heading', { name: 'خريطة القانون الداخلي' }).waitFor();
    await assertAccessible(page, 'law map in Arabic');
    await page.screenshot({
      path: path.join(screenshotDirectory, 'screening-law-map-ar.png'),
      fullPage: true,
    });
    await context.close();
  });
});
