/**
 * A notice of exculpatory disclosure in a real browser (Art. 40(5), Art. 40(19)): Germany's legal
 * reviewer, who received spontaneous information from France, gives notice of a disclosure already
 * made (the form asks why notice could not come first, and refuses it without); the case shows the
 * notice; France's supervisor reads it and asks to be consulted, and the notice says so, in English
 * and in Arabic (right to left); Germany records the consultation held. axe-core finds no WCAG 2.2 A or AA violation. Two nodes in one
 * process over loopback HTTP.
 *
 * Screenshots go to test-results/screenshots/exculpatory-*.png (gitignored).
 */
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { type Browser, chromium, type Page } from 'playwright-core';
import { spontaneousInformationDraft } from '../../src/demo/demo-drafts.ts';
import { makeTransition, type NodePair, startNodePair } from '../api/delivery-fixture.ts';
import { asRole, createUser, type TestUser } from '../helpers/auth.ts';
import { PGLITE_TARGET } from '../helpers/database.ts';
import {
  assertConformsToWcag22AA,
  chromiumPath,
  LAUNCH_ARGS,
  screenshot,
  screenshotDirectory,
  signInWith,
  skipReason,
  switchLanguage,
} from './browser-helpers.ts';

describe('a notice of exculpatory disclosure, in the browser', { skip: skipReason() }, () => {
  let pair: NodePair;
  let browser: Browser;
  let ids: Readonly<{ requestingId: string; requestedId: string }>;
  let readers: Readonly<{ requesting: TestUser; requested: TestUser }>;

  before(async () => {
    await mkdir(screenshotDirectory, { recursive: true });
    pair = await startNodePair(PGLITE_TARGET, {
      requesting: ['fr-exculpatory-ui', 'FR'],
      requested: ['de-exculpatory-ui', 'DE'],
      requestedAuthority: 'central-authority',
    });
    const officer = await asRole(pair.requesting, 'officer');
    const reviewer = await asRole(pair.requested, 'legal-reviewer');
    ids = await pair.deliverRequest(officer, reviewer, spontaneousInformationDraft('FR', 'DE'));
    await makeTransition(pair.requested, reviewer, ids.requestedId, 'acknowledge', {});
    readers = {
      requesting: await createUser(pair.requesting, { roles: ['supervisor'] }),
      requested: await createUser(pair.requested, { roles: ['legal-reviewer'] }),
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

  test('the recipient gives notice after the disclosure, saying why not before; the sender asks to be consulted', async () => {
    const recipient = await openCase(pair.requestedUrl, readers.requested, ids.requestedId);
    try {
      // No request, so no requested State: this side received the information.
      assert.match(
        (await recipient.getByTestId('case-side').textContent()) ?? '',
        /the State that received it/,
      );
      // Nothing is decided on spontaneous information: no screening checklist to answer.
      assert.equal(await recipient.locator('#screening-title').count(), 0);
      await recipient.getByTestId('transition-notify-exculpatory-disclosure').click();
      const form = recipient.getByTestId('transition-form');
      assert.match((await form.getByTestId('exculpatory-help').textContent()) ?? '', /No consent is needed/);
      // Spontaneous information came without an evidence package: the form says so.
      assert.match(
        (await form.getByTestId('exculpatory-no-packages').textContent()) ?? '',
        /^Spontaneous information comes without evidence packages/,
      );
      await form.getByLabel('After it: notice could not be given before').check();
      await form.getByTestId('transition-submit').click();
      // Nothing sent: what is disclosed and why not before are both required.
      assert.equal(await form.locator('[aria-invalid="true"]').count(), 2);
      await form
        .getByLabel('What is disclosed, to whom, in which proceedings, and why it is exculpatory')
        .fill('The session log from the other suspect was read out at the hearing of M. K. (case 2026/88).');
      await form
        .getByLabel('Why notice could not be given before')
        .fill('The court ordered it read at the hearing, without adjournment.');
      // What was written is no longer marked missing.
      assert.equal(await form.locator('[aria-invalid="true"]').count(), 0);
      await assertConformsToWcag22AA(recipient, 'notice of exculpatory disclosure, form (en)');
      await screenshot(recipient, 'exculpatory-form-en');
      await form.getByTestId('transition-submit').click();
      const notice = recipient.getByTestId('exculpatory-notice');
      await notice.waitFor();
      assert.equal(await notice.getAttribute('data-timing'), 'after');
      assert.match((await notice.textContent()) ?? '', /after the disclosure of/);
      assert.match((await notice.textContent()) ?? '', /Why not before:The court ordered it/);
      assert.match(
        (await notice.getByTestId('exculpatory-consultation').textContent()) ?? '',
        /^No consultation asked for\.$/,
      );
    } finally {
      await recipient.context().close();
    }

    await pair.requestedWorker.runOnce();
    const sender = await openCase(pair.requestingUrl, readers.requesting, ids.requestingId);
    try {
      await sender.getByTestId('exculpatory-notice').waitFor();
      // The step that answers the notice is offered beside it.
      await sender.getByTestId('notice-step-request-consultation').click();
      const form = sender.getByTestId('transition-form');
      await form
        .getByLabel('Reasons')
        .fill('The log names a protected witness: we ask to agree a redaction.');
      await form.getByTestId('transition-submit').click();
      const consultation = sender.getByTestId('exculpatory-consultation');
      await consultation.getByText(/redaction/).waitFor();
      assert.match((await consultation.textContent()) ?? '', /^Consultation asked for .*:The log names/);
      await assertConformsToWcag22AA(sender, 'notice of exculpatory disclosure, consultation asked (en)');
      await screenshot(sender, 'exculpatory-sender-en', { isFullPage: true });
      await switchLanguage(sender, 'ar');
      await sender
        .locator('#exculpatory-notices-title')
        .getByText(/^إشعارات/)
        .waitFor();
      assert.equal(await sender.evaluate('document.documentElement.dir'), 'rtl');
      await assertConformsToWcag22AA(sender, 'notice of exculpatory disclosure (ar)');
      await screenshot(sender, 'exculpatory-sender-ar', { isFullPage: true });
    } finally {
      await sender.context().close();
    }

    // Germany consults and records the consultation: the notice says when it was held.
    await pair.requestingWorker.runOnce();
    const consulted = await openCase(pair.requestedUrl, readers.requested, ids.requestedId);
    try {
      await consulted.getByTestId('exculpatory-consultation-pending').waitFor();
      await consulted.getByTestId('notice-step-record-consultation').click();
      const form = consulted.getByTestId('transition-form');
      await form
        .getByLabel('What was said and agreed')
        .fill('Agreed by telephone: the witness name is redacted.');
      await form.getByTestId('transition-submit').click();
      const held = consulted.getByTestId('exculpatory-consultation-held');
      await held.waitFor();
      assert.match((await held.textContent()) ?? '', /^Consultation held on /);
      assert.equal(await consulted.getByTestId('exculpatory-consultation-pending').count(), 0);
      await assertConformsToWcag22AA(consulted, 'notice of exculpatory disclosure, consultation held (en)');
    } finally {
      await consulted.context().close();
    }
  });
});
