/**
 * The two-person rule in a real browser, on two real nodes (France, Germany): France's officer
 * submits a request from the request page; France's supervisor finds it in the approval queue,
 * returns it with reasons (a return without reasons is not offered), then approves the submission
 * that follows, which sends it: Germany holds it. The approval panel records who submitted and who
 * decided (the request page reads the approvals once for the panel and the send button). In Arabic
 * the queue and the panel are laid out right to left and the supervisor approves an emergency
 * request from them. axe-core finds no serious or critical violation.
 *
 * Screenshots go to test-results/screenshots/approval-*.png (gitignored).
 */
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Browser, chromium, type Request } from 'playwright-core';
import { preservationDraft, storedDataDraft } from '../../src/demo/demo-drafts.ts';
import {
  approveRequest,
  draftRequest,
  listIncomingRequests,
  readDelivery,
  submitRequest,
} from '../../src/demo/federation-api.ts';
import { type Federation, startFederation, waitFor } from '../helpers/node-process.ts';
import {
  assertAccessible,
  choose,
  chromiumPath,
  documentLanguage,
  LAUNCH_ARGS,
  screenshotDirectory,
  signInAs,
  skipReason,
  switchLanguage,
} from './browser-helpers.ts';

describe('approving what leaves the node, in the browser', { skip: skipReason() }, () => {
  let federation: Federation;
  let browser: Browser;

  before(async () => {
    await mkdir(screenshotDirectory, { recursive: true });
    federation = await startFederation({ states: ['FR', 'DE'] });
    browser = await chromium.launch({ executablePath: chromiumPath, args: LAUNCH_ARGS });
  });

  after(async () => {
    await browser?.close();
    await federation?.stop();
  });

  function newContext() {
    return browser.newContext({
      viewport: { width: 1366, height: 1000 },
      locale: 'en-GB',
      bypassCSP: true,
      timezoneId: 'Europe/Paris',
    });
  }

  test("a State's node names its State on the sign-in page, before anyone signs in", async () => {
    const context = await newContext();
    try {
      const page = await context.newPage();
      await page.goto(`${federation.node('DE').url}/sign-in`);
      await page.getByLabel('Username').waitFor();
      // Which of Germany's nodes, too: a State may run several (its central authority, its 24/7 point of contact).
      await page.getByRole('banner').getByText('Node: Germany · 24/7 point of contact').waitFor();
    } finally {
      await context.close();
    }
  });

  test('the officer submits; the supervisor returns with reasons, then approves, which sends it', async () => {
    const fr = federation.node('FR');
    const officer = await fr.userClient('officer');
    const drafted = await draftRequest(officer, preservationDraft('FR', 'DE', 41));
    assert.ok(drafted.isReady, drafted.blocking.join('; '));

    const officerContext = await newContext();
    const officerPage = await signInAs(officerContext, fr, 'officer');
    // The page reads the approvals once, for its approval panel and its send button alike.
    const approvalsPath = `/api/v1/requests/${drafted.id}/approvals`;
    const isApprovalsRead = (request: Request) =>
      request.method() === 'GET' && new URL(request.url()).pathname === approvalsPath;
    let approvalsReads = 0;
    const countApprovalsRead = (request: Request) => {
      if (isApprovalsRead(request)) approvalsReads += 1;
    };
    officerPage.on('request', countApprovalsRead);
    const approvalsRead = officerPage.waitForResponse((response) => isApprovalsRead(response.request()));
    await officerPage.goto(`${fr.url}/requests/${drafted.id}`);
    await officerPage.getByTestId('checklist-ready').waitFor();
    await approvalsRead;
    await officerPage.getByTestId('send-request').waitFor();
    officerPage.off('request', countApprovalsRead);
    assert.equal(approvalsReads, 1, 'the approvals are read once');
    assert.ok(
      (await officerPage.getByTestId('required-mark').count()) > 0,
      'the draft marks its required elements',
    );
    await officerPage.getByTestId('send-request').click();
    const dialog = officerPage.getByRole('dialog', { name: 'Submit this request for approval?' });
    await dialog.getByText(/A supervisor other than you approves it/).waitFor();
    await dialog.getByRole('button', { name: 'Submit', exact: true }).click();
    const panel = officerPage.getByTestId('approval-panel');
    await panel.locator('[data-testid="approval-record"][data-state="pending"]').waitFor();
    await panel.getByTestId('approval-waiting').waitFor();
    assert.equal(await panel.getByTestId('approval-approve').count(), 0, 'the author cannot approve');
    // Nothing has left yet: the note says so, and does not call the request sent.
    const note = officerPage.getByTestId('read-only-note');
    await note.getByText(/^Submitted for approval: nothing has been sent to Germany yet\./).waitFor();
    assert.doesNotMatch((await note.textContent()) ?? '', /Sent/);
    // Read-only now: no asterisks, as no note explains them (the draft had both).
    assert.equal(await officerPage.getByTestId('required-note').count(), 0);
    assert.equal(await officerPage.getByTestId('required-mark').count(), 0);
    // Its lines are shown whole, wrapped, not cut at the edge of a single-line box.
    const authorityName = officerPage.locator('#el-requesting-authority').getByLabel('Name of the authority');
    assert.equal(await authorityName.evaluate((field) => field.tagName), 'TEXTAREA');
    assert.equal(await authorityName.evaluate((field) => field.scrollWidth <= field.clientWidth), true);
    // Nor does the case claim a status at the other State, which holds nothing yet.
    assert.equal(
      await officerPage.getByTestId('case-other-side').textContent(),
      'Nothing yet: the request has not been sent.',
    );
    assert.equal(
      await officerPage.getByTestId('case-no-events').textContent(),
      'Nothing has been recorded on this case yet: the request has not been sent.',
    );
    // The case has nothing for its author to do: it waits for the supervisor's decision above.
    await officerPage
      .getByTestId('case-no-actions')
      .filter({
        hasText: 'Nothing to do on the case until a supervisor decides on what was submitted, above.',
      })
      .waitFor();
    assert.equal(await officerPage.getByTestId('save-state').textContent(), 'Awaiting approval');
    await assertAccessible(officerPage, 'a request awaiting approval, as its author');

    const supervisorContext = await newContext();
    // A supervisor lands on what waits for approval.
    const supervisorPage = await signInAs(supervisorContext, fr, 'supervisor');
    assert.match(new URL(supervisorPage.url()).pathname, /^\/approvals$/);
    const row = supervisorPage.getByTestId('approval-row').filter({ hasText: 'FR officer' });
    await row.first().waitFor();
    assert.match((await row.first().textContent()) ?? '', /Germany/, 'the State it goes to');
    assert.equal(
      await row.first().getByTestId('approval-request-type').textContent(),
      'Expedited preservation of stored electronic data',
      'which kind of request',
    );
    await assertAccessible(supervisorPage, 'the approval queue');
    await supervisorPage.screenshot({ path: path.join(screenshotDirectory, 'approval-queue.png') });
    await row.first().getByRole('link').click();
    const decision = supervisorPage.getByTestId('approval-decision');
    await decision.waitFor();
    // Nothing can have come back on a request not yet sent: no evidence panels stand empty between
    // the case and the request the supervisor is approving.
    assert.equal(await supervisorPage.getByTestId('evidence-panel').count(), 0);
    assert.equal(await supervisorPage.getByTestId('evidence-packages-panel').count(), 0);
    // Not "nothing to do": the case points the supervisor to the decision waiting for them.
    await supervisorPage
      .getByTestId('case-no-actions')
      .filter({ hasText: 'You have a decision to take on this request' })
      .waitFor();
    assert.equal(
      await decision.getByTestId('approval-return').isDisabled(),
      true,
      'no return without reasons',
    );
    await decision.getByLabel('Why it goes back').fill('Give the time zone of the log times.');
    await decision.getByTestId('approval-return').click();
    const returned = supervisorPage.locator('[data-testid="approval-record"][data-state="returned"]');
    await returned.waitFor();
    assert.match((await returned.textContent()) ?? '', /Returned by FR supervisor/);
    assert.match((await returned.textContent()) ?? '', /Give the time zone of the log times\./);

    // Submitted again; the supervisor approves, which sends it.
    await submitRequest(officer, drafted.id);
    await supervisorPage.reload();
    // Approving sends at once: it asks first, and cancelling sends nothing.
    await supervisorPage.getByTestId('approval-approve').click();
    const confirm = supervisorPage.getByRole('dialog', { name: 'Approve and send now?' });
    await confirm.getByText(/cannot be taken back/).waitFor();
    await assertAccessible(supervisorPage, 'the approval confirmation');
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'hidden' });
    assert.equal(
      await supervisorPage.locator('[data-testid="approval-record"][data-state="approved"]').count(),
      0,
      'nothing approved or sent',
    );
    await supervisorPage.getByTestId('approval-approve').click();
    await confirm.getByRole('button', { name: 'Approve and send' }).click();
    const approved = supervisorPage.locator('[data-testid="approval-record"][data-state="approved"]');
    await approved.waitFor();
    // Who and when, the time zone named, as the case history below names it.
    assert.match(
      (await approved.textContent()) ?? '',
      /Submitted by FR officer on .+ \d{2}:\d{2} (UTC|GMT|[A-Z]{3,4})/,
    );
    assert.match((await approved.textContent()) ?? '', /Approved by FR supervisor/);
    await assertAccessible(supervisorPage, 'the approval panel of a sent request');
    assert.doesNotMatch(
      (await supervisorPage.getByTestId('case-other-side').textContent()) ?? '',
      /has not been sent/,
      'once sent, the other side is not said to hold nothing because nothing was sent',
    );
    await supervisorPage
      .getByTestId('approval-panel')
      .screenshot({ path: path.join(screenshotDirectory, 'approval-panel.png') });
    await waitFor(
      'the request delivered to DE',
      async () => ((await readDelivery(officer, drafted.id)).state === 'delivered' ? true : undefined),
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    const duty = await federation.node('DE').userClient('duty-officer');
    assert.ok((await listIncomingRequests(duty)).some((item) => item.remoteRequestId === drafted.id));
    await officerContext.close();
    await supervisorContext.close();
  });

  test('a request no node of the requested State receives cannot be submitted, and the page says why before anyone tries', async () => {
    // Germany's only node is its 24/7 point of contact; stored data (Art. 44) goes to a central authority.
    const fr = federation.node('FR');
    const officer = await fr.userClient('officer');
    const drafted = await draftRequest(officer, storedDataDraft('FR', 'DE', 43));
    assert.ok(drafted.isReady, drafted.blocking.join('; '));
    const context = await newContext();
    try {
      const page = await signInAs(context, fr, 'officer');
      await page.goto(`${fr.url}/requests/${drafted.id}`);
      await page.getByTestId('checklist-ready').waitFor();
      // The whole explanation at the top, where it is read before the form; a short reason by the button.
      const note = page.getByTestId('no-node-there-note');
      await note.waitFor();
      assert.match(
        (await note.textContent()) ?? '',
        /^The directory of nodes lists no Comity node of Germany that receives this kind of request \(Central authority\)/,
      );
      const blocker = page.getByTestId('send-blocker');
      assert.equal(
        await blocker.textContent(),
        'No Comity node of Germany receives this kind of request (Central authority): see the note at the top.',
      );
      assert.equal(await page.getByTestId('send-request').isDisabled(), true);

      // On a new draft the note comes as soon as the State is chosen, before a field is written.
      await page.goto(`${fr.url}/requests/new`);
      await page.locator('[data-type="stored-data"]').click();
      await page.getByTestId('type-continue').click();
      assert.equal(await page.getByTestId('no-node-there-note').count(), 0);
      await choose(page.locator('#el-requested-authority').getByLabel('State'), 'Germ', /Germany/);
      await page
        .getByTestId('no-node-there-note')
        .getByText(/no Comity node of Germany/)
        .waitFor();
      // A type Germany's node receives (preservation goes to its 24/7 point of contact): no note.
      await choose(
        page.getByRole('combobox', { name: 'Type of request' }).first(),
        '',
        /^Expedited preservation/,
      );
      await page.getByTestId('no-node-there-note').waitFor({ state: 'detached' });
    } finally {
      await context.close();
    }
  });

  test("a request whose message has not reached the other State says so, not the other State's status", async () => {
    const fr = federation.node('FR');
    const de = federation.node('DE');
    const officer = await fr.userClient('officer');
    const drafted = await draftRequest(officer, preservationDraft('FR', 'DE', 44));
    assert.ok(drafted.isReady, drafted.blocking.join('; '));
    // Germany's node is down: the approval queues the message, which waits for it.
    await de.process.stop();
    const context = await newContext();
    try {
      await submitRequest(officer, drafted.id);
      await approveRequest(await fr.userClient('supervisor'), drafted.id);
      const page = await signInAs(context, fr, 'officer');
      await page.goto(`${fr.url}/requests/${drafted.id}`);
      const otherSide = page.getByTestId('case-other-side');
      await otherSide.getByText('Nothing yet: the request has not reached it.').waitFor();
      assert.equal(
        await page.getByTestId('case-other-side-next').locator('dd').textContent(),
        'Nothing until the request reaches it (see its delivery).',
      );
      // Its delivery says in words why the message waits: Germany's node refuses the connection.
      const error = page.getByTestId('delivery-error');
      await waitFor(
        'a failed attempt shown on the request',
        async () => {
          await page.reload();
          return error.waitFor({ timeout: 3_000 }).then(
            () => true,
            () => undefined,
          );
        },
        { timeoutMs: 60_000, intervalMs: 500 },
      );
      assert.equal(await error.getAttribute('data-kind'), 'refused');
      await error.getByText(/^The other end refused the connection: it is not running/).waitFor();
      await error.getByText(/ECONNREFUSED/).waitFor();
      await page
        .getByTestId('delivery-panel')
        .screenshot({ path: path.join(screenshotDirectory, 'delivery-refused.png') });
      // Germany's node back: the message arrives, and the section says where the case is there.
      await de.process.start();
      await waitFor(
        'the request delivered to DE',
        async () => ((await readDelivery(officer, drafted.id)).state === 'delivered' ? true : undefined),
        { timeoutMs: 60_000, intervalMs: 250 },
      );
      await page.reload();
      await otherSide.getByText(/^Delivered — /).waitFor();
    } finally {
      if (!de.process.isRunning()) await de.process.start();
      await context.close();
    }
  });

  test('in Arabic, the queue and the panel read right to left and an emergency is approved from them', async () => {
    const fr = federation.node('FR');
    const officer = await fr.userClient('officer');
    const drafted = await draftRequest(officer, {
      ...preservationDraft('FR', 'DE', 42),
      urgency: { level: 'emergency', justification: 'Logs are rotated daily.' },
    });
    await submitRequest(officer, drafted.id);

    const context = await newContext();
    const page = await signInAs(context, fr, 'supervisor');
    await switchLanguage(page, 'ar');
    await page.goto(`${fr.url}/approvals`);
    assert.deepEqual(await documentLanguage(page), { lang: 'ar', dir: 'rtl' });
    await page.getByRole('heading', { name: 'بانتظار الموافقة' }).waitFor();
    const first = page.getByTestId('approval-row').first();
    await first.waitFor();
    assert.match((await first.textContent()) ?? '', /طوارئ/);
    await assertAccessible(page, 'the approval queue in Arabic');
    await page.screenshot({ path: path.join(screenshotDirectory, 'approval-queue-ar.png') });
    await first.getByRole('link').click();
    const button = page.getByTestId('approval-approve');
    await button.waitFor();
    assert.equal((await button.textContent())?.trim(), 'الموافقة والإرسال');
    await button.click();
    await page
      .getByRole('dialog', { name: 'الموافقة والإرسال الآن؟' })
      .getByRole('button', { name: 'الموافقة والإرسال' })
      .click();
    await page.locator('[data-testid="approval-record"][data-state="approved"]').waitFor();
    assert.equal(
      await page.evaluate<string>(
        `getComputedStyle(document.querySelector('[data-testid="approval-panel"]')).direction`,
      ),
      'rtl',
    );
    await assertAccessible(page, 'the approval panel in Arabic');
    await waitFor(
      'the emergency request delivered to DE',
      async () => ((await readDelivery(officer, drafted.id)).state === 'delivered' ? true : undefined),
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    await context.close();
  });
});
