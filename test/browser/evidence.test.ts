/**
 * The evidence section of a request page in a real browser, on two real nodes: France sends a
 * request for the disclosure of preserved traffic data (Art. 43) to Germany through the API;
 * Germany's duty officer uploads a small file on
 * the request page (tus from the browser), sees the item with the file's SHA-256, opens its
 * custody timeline (acquired, sealed; the chain intact). axe-core finds no serious or critical
 * violation. France's supervisor exports the verified package for a court from the page (a tar
 * that unpacks and verifies offline). The screenshot goes to test-results/screenshots/evidence-section.png (gitignored).
 * Then the conditions of use: FR's supervisor tries to pass the evidence on to Spain and is told it
 * is blocked (Art. 36(3)); asks for consent; DE's legal reviewer grants it on the request page;
 * FR sees it granted and records the onward transfer.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Browser, chromium } from 'playwright-core';
import { makeTransition } from '../../src/demo/federation-api.ts';
import { verifyExportFolder } from '../../src/evidence/export-bundle.ts';
import {
  bringToExecution,
  deliverTrafficDisclosureFromFrance,
  type Federation,
  startFederation,
} from '../helpers/node-process.ts';
import {
  assertAccessible,
  chromiumPath,
  LAUNCH_ARGS,
  screenshotDirectory,
  signInAs,
  skipReason,
} from './browser-helpers.ts';

describe('the evidence section of a received request', { skip: skipReason() }, () => {
  let federation: Federation;
  let browser: Browser;
  let deRequestId = '';
  let frRequestId = '';
  let frSupervisor: { username: string; password: string } | undefined;

  before(async () => {
    await mkdir(screenshotDirectory, { recursive: true });
    federation = await startFederation({ states: ['FR', 'DE'] });
    // With a warning for Germany to review: an IPv4 address without its source port.
    ({ deRequestId, frRequestId } = await deliverTrafficDisclosureFromFrance(federation, (content) => ({
      ...content,
      identifiers: content.identifiers?.map(({ port: _port, ...identifier }) => identifier),
    })));
    // Evidence answers a request in execution: accepted on the case, its execution begun.
    await bringToExecution(federation, deRequestId);
    browser = await chromium.launch({ executablePath: chromiumPath, args: LAUNCH_ARGS });
  });

  after(async () => {
    await browser?.close();
    await federation?.stop();
  });

  test("DE's evidence custodian lands on the requests received, opens one, and sees no legal assessment", async () => {
    const context = await browser.newContext({
      viewport: { width: 1366, height: 1000 },
      locale: 'en-GB',
      bypassCSP: true,
    });
    const de = federation.node('DE');
    const page = await signInAs(context, de, 'evidence-custodian');
    await page.waitForURL(/\/requests\?direction=incoming$/);
    assert.equal(await page.getByTestId('tab-outgoing').count(), 0, 'a custodian sends no request');
    const navigation = page.getByRole('navigation', { name: 'Main navigation' });
    await navigation.getByRole('link', { name: 'Requests' }).waitFor();
    assert.equal(await navigation.getByRole('link', { name: 'New request' }).count(), 0, 'nor drafts one');
    // The row names the requesting State, not only the node it came from.
    const received = page.locator(`tr[data-request-id="${deRequestId}"]`);
    assert.match((await received.textContent()) ?? '', /France/);
    await page.locator(`a[href="/requests/${deRequestId}"]`).first().click();
    await page.getByTestId('case-panel').waitFor();
    await page.getByTestId('evidence-panel').waitFor();
    assert.equal(await page.getByTestId('screening-panel').count(), 0);
    assert.equal(await page.getByRole('alert').count(), 0, 'no refusal shown for what is not fetched');
    assert.match(
      (await page.getByTestId('read-only-note').textContent()) ?? '',
      /^Received from France \(node [a-z0-9-]+\) on /,
    );
    // The request itself, which a custodian neither changes nor assesses, is folded, one button away.
    const toggle = page.getByTestId('request-fold-toggle');
    const requestContent = page.locator('#request-content');
    assert.match((await page.getByTestId('request-folded').textContent()) ?? '', /The request as received/);
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
    assert.equal(await requestContent.isVisible(), false);
    const typeChooser = page.getByLabel('Type of request', { exact: true });
    assert.ok((await typeChooser.count()) > 0);
    assert.equal(await typeChooser.first().isVisible(), false, 'nor its type chooser');
    await toggle.click();
    const reference = requestContent.locator('#el-case-reference textarea').first();
    await reference.waitFor();
    assert.match(await reference.inputValue(), /^FR-DISC-/);
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    assert.equal(await toggle.textContent(), 'Hide the request');
    await assertAccessible(page, 'received request, unfolded, as a custodian');
    // Folded again, a field named by the checklist is still one click away: the form opens on it.
    await toggle.click();
    assert.equal(await requestContent.isVisible(), false);
    // The checklist is the requested side's reading: what arrived, and whom to ask for the rest.
    const checklist = page.getByTestId('checklist');
    await checklist.getByRole('heading', { name: 'Contents checked' }).waitFor();
    assert.match(
      (await page.getByTestId('checklist-note').textContent()) ?? '',
      /Only the requesting State can change it/,
    );
    await checklist.locator('li[data-element] button').first().click();
    await page.waitForFunction('document.activeElement?.closest("#request-content") !== null');
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    await context.close();
  });

  test("DE's duty officer reads the received request at a glance, then in full without its empty fields", async () => {
    const context = await browser.newContext({
      viewport: { width: 1366, height: 1000 },
      locale: 'en-GB',
      bypassCSP: true,
    });
    const page = await signInAs(context, federation.node('DE'), 'duty-officer');
    await page.goto(`${federation.node('DE').url}/requests/${deRequestId}`);
    // At the top: who asks, for what, about what, for how long.
    const glance = page.getByTestId('request-glance');
    await glance.waitFor();
    // The State by its name, once the list of States is read.
    await glance.getByTestId('glance-from').filter({ hasText: 'France' }).waitFor();
    assert.match((await glance.getByTestId('glance-offences').textContent()) ?? '', /Art\. 10/);
    assert.match((await glance.getByTestId('glance-identifiers').textContent()) ?? '', /203\.0\.113\.54/);
    assert.match((await glance.getByTestId('glance-data').textContent()) ?? '', /Traffic data — from/);
    // Which data, in the request's own words, not only its kind.
    assert.match(
      (await glance.getByTestId('glance-data-description').textContent()) ?? '',
      /^Traffic data preserved under the earlier request: the connection logs of the server at 203\.0\.113\.54/,
    );
    // The request it follows: the preservation that kept the data it asks for.
    assert.match((await glance.getByTestId('glance-follows').textContent()) ?? '', /FR-DEMO-00001/);
    const glanceBox = await glance.boundingBox();
    const caseBox = await page.getByTestId('case-panel').boundingBox();
    assert.ok(glanceBox && caseBox && glanceBox.y < caseBox.y, 'the summary comes before the case');

    // The request in full shows what the requesting State wrote: no empty field, no drafting hint.
    await glance.getByTestId('glance-read-all').click();
    await page.waitForFunction('document.activeElement?.id === "request-content"');
    const requested = page.locator('#el-requested-authority');
    await requested.getByLabel('Name of the authority').waitFor();
    assert.equal(await requested.getByLabel('Contact details').count(), 0, 'an empty field is left out');
    assert.equal(await page.getByTestId('required-note').count(), 0, "the drafter's note is left out");
    const showAll = page.getByRole('switch', { name: 'Show every field' });
    await showAll.check();
    await requested.getByLabel('Contact details').waitFor();
    await showAll.uncheck();
    await requested.getByLabel('Contact details').waitFor({ state: 'detached' });

    // A checklist row on an element that is not complete shows every field, so its gap can be seen.
    const unfinished = page.locator(
      '[data-testid="checklist"] li[data-element]:not([data-state="complete"]) button',
    );
    assert.ok((await unfinished.count()) > 0, 'the request France sends has warnings to review');
    await unfinished.first().click();
    assert.equal(await showAll.isChecked(), true);
    await assertAccessible(page, 'received request, at a glance and in full');
    await context.close();
  });

  test("DE's duty officer uploads a file and sees it with its hash and custody timeline", async () => {
    const context = await browser.newContext({
      viewport: { width: 1366, height: 1000 },
      locale: 'en-GB',
      bypassCSP: true,
      timezoneId: 'Europe/Berlin',
    });
    const page = await signInAs(context, federation.node('DE'), 'duty-officer');
    await page.goto(`${federation.node('DE').url}/requests/${deRequestId}`);
    const panel = page.getByTestId('evidence-panel');
    await panel.getByText('No evidence yet.').waitFor();
    assert.equal(
      await page.getByTestId('request-folded').count(),
      0,
      'a duty officer, who assesses, reads it in full',
    );
    // The side panel keeps its text inside its card: the sender's long reference breaks.
    const delivery = page.getByTestId('delivery-panel');
    await delivery.waitFor();
    assert.ok(
      await delivery.evaluate((element) => element.scrollWidth <= element.clientWidth),
      'the delivery panel does not spill out of its card',
    );

    const bytes = Buffer.from('2026-03-09T10:00:00Z GET /login 200 203.0.113.7\n'.repeat(500));
    // From the case's actions, a way down to the evidence section, which takes the focus.
    await page.getByTestId('case-to-evidence').click();
    await page.waitForFunction("document.activeElement?.id === 'evidence-title'");
    // The file picker says what to do before a file is chosen.
    await panel.getByText('Choose a file…').waitFor();
    await panel.locator('input[type="file"]').setInputFiles({
      name: 'access.log',
      mimeType: 'text/plain',
      buffer: bytes,
    });
    await panel.getByLabel('Description').fill('Web server access log, 9 March 2026');
    await panel.getByLabel('From whom').fill('Example Hosting GmbH');
    // The moment of acquisition is a date and time in the language's form: what the field cannot
    // read is named on it, and nothing is uploaded.
    const when = panel.getByTestId('acquisition-when-input');
    await panel
      .getByText('In your time zone (Europe/Berlin); the record keeps its offset from UTC.')
      .waitFor();
    await when.fill('the morning of 9 March');
    await panel.getByRole('button', { name: 'Upload' }).click();
    await panel.getByText(/Not a date: write it like/).waitFor();
    assert.equal(await when.getAttribute('aria-invalid'), 'true');
    assert.equal(await panel.getByTestId('evidence-item').count(), 0);
    await when.fill('31/12/2099 09:30');
    await panel.getByRole('button', { name: 'Upload' }).click();
    await panel
      .getByText('Evidence is not acquired in the future: give the moment it was acquired.')
      .waitFor();
    assert.equal(await panel.getByTestId('evidence-item').count(), 0);
    await when.fill('09/03/2026 10:15');
    // The date it is kept until, after which the register lists it as due for deletion.
    const keepUntil = panel.getByTestId('evidence-retention-input');
    await keepUntil.fill('01/01/2020');
    await panel.getByRole('button', { name: 'Upload' }).click();
    await panel.getByText('Choose a date after today.').waitFor();
    assert.equal(await panel.getByTestId('evidence-item').count(), 0);
    await keepUntil.fill('31/12/2030');
    // A record of acquisition with parts left empty: asked first, the parts named, since the record
    // is sealed with the item. "Complete the record" uploads nothing.
    await panel.getByRole('button', { name: 'Upload' }).click();
    const incomplete = page.getByRole('dialog', { name: 'Upload without a complete record?' });
    await incomplete.getByText('leaves out: What was acquired, How, By whom and Legal basis.').waitFor();
    await incomplete.getByRole('button', { name: 'Complete the record' }).click();
    await incomplete.waitFor({ state: 'hidden' });
    assert.equal(await panel.getByTestId('evidence-item').count(), 0);
    await panel.getByLabel('What was acquired').fill('Access log of the web server');
    await panel.getByRole('button', { name: 'Upload' }).click();
    await incomplete.getByText('leaves out: How, By whom and Legal basis.').waitFor();
    await incomplete.getByRole('button', { name: 'Upload anyway' }).click();

    const item = panel.getByTestId('evidence-item');
    await item.waitFor();
    assert.match((await item.textContent()) ?? '', /access\.log/);
    assert.equal(
      await item.locator('[data-digest]').first().getAttribute('data-digest'),
      createHash('sha256').update(bytes).digest('hex'),
    );
    assert.equal(await item.getByTestId('chain-status').textContent(), 'Chain of custody intact (2 events)');

    await item.getByRole('button', { name: 'Show custody' }).click();
    const timeline = item.getByTestId('custody-timeline');
    await timeline.waitFor();
    assert.deepEqual(
      await timeline
        .locator('tbody tr')
        .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-kind'))),
      ['acquired', 'sealed'],
    );
    assert.match((await timeline.textContent()) ?? '', /Taken into custody \(uploaded\).*Sealed/s);
    // The acquisition record stands beside the chain it opens.
    assert.equal(
      await timeline.getByTestId('acquisition-fromWhom').locator('dd').textContent(),
      'Example Hosting GmbH',
    );
    // Kept as a moment with Berlin's offset in March, shown in the UI language.
    const acquiredAt = await item.evaluate(async (_, id) => {
      const answer = await fetch(`/api/v1/requests/${id}/evidence`);
      const body = (await answer.json()) as { items: { acquisition: { when?: string } }[] };
      return body.items[0]?.acquisition.when;
    }, deRequestId);
    assert.equal(acquiredAt, '2026-03-09T10:15+01:00');
    assert.match(
      (await timeline.getByTestId('acquisition-when').locator('dd').textContent()) ?? '',
      /2026.*10:15/,
    );
    // The package form offers the item just stored, without a reload.
    await page.getByTestId('evidence-package-form').getByLabel('access.log').waitFor({ timeout: 10_000 });
    // The file itself is never shown in the page.
    assert.equal(await panel.locator('img, iframe, video, embed, object').count(), 0);
    await assertAccessible(page, 'evidence section');
    await panel.screenshot({ path: path.join(screenshotDirectory, 'evidence-section.png') });
    await context.close();
  });

  test('DE sends the item in a package; FR sees it verified and downloads the item decrypted', async () => {
    const deContext = await browser.newContext({
      viewport: { width: 1366, height: 1000 },
      locale: 'en-GB',
      bypassCSP: true,
    });
    const dePage = await signInAs(deContext, federation.node('DE'), 'duty-officer');
    await dePage.goto(`${federation.node('DE').url}/requests/${deRequestId}`);
    const dePackages = dePage.getByTestId('evidence-packages-panel');
    // A disclosure of preserved traffic data (Art. 43) is answered with evidence; a preservation is not.
    assert.equal(await dePackages.getByTestId('preservation-no-packages').count(), 0);
    const form = dePackages.getByTestId('evidence-package-form');
    // Nothing chosen yet: the button says why it cannot be used.
    await form.getByTestId('package-choose-first').waitFor();
    await form.getByLabel('access.log').check();
    assert.equal(await form.getByTestId('package-choose-first').count(), 0);
    // The conditions of use are a group of their own, apart from the items.
    const conditions = form.getByRole('group', { name: 'Conditions of use' });
    assert.equal(await conditions.getByRole('checkbox').count(), 2);
    assert.equal(await conditions.getByLabel('access.log').count(), 0);
    await conditions.getByLabel('Confidential until').fill('2027-06-30');
    await form.getByRole('button', { name: 'Make the package' }).click();
    const made = dePackages.getByTestId('evidence-package');
    await made.getByText('Sealed, not sent yet').waitFor();
    await made.getByText('Package for France', { exact: true }).waitFor();
    // The item's chain says where it was sealed into.
    const deItem = dePage.getByTestId('evidence-panel').getByTestId('evidence-item').first();
    await deItem.getByRole('button', { name: 'Show custody' }).click();
    await deItem
      .getByTestId('custody-package')
      .filter({ hasText: /^In a package for France$/ })
      .waitFor();
    // The two-person rule: the duty officer asks, DE's supervisor approves on the same page.
    await made.getByRole('button', { name: 'Submit for approval' }).click();
    await made.getByTestId('package-awaiting-approval').waitFor();
    assert.equal(await made.getByText('Sealed, not sent yet').count(), 0, 'one status at a time');
    assert.equal(await made.getAttribute('data-status'), 'sealed', 'nothing left the node yet');
    await assertAccessible(dePage, 'evidence packages, executing side');
    await deContext.close();
    const supervisorContext = await browser.newContext({
      viewport: { width: 1366, height: 1000 },
      locale: 'en-GB',
      bypassCSP: true,
    });
    // A response waits for approval too: two decisions, each under what it decides.
    await makeTransition(
      await federation.node('DE').userClient('duty-officer'),
      deRequestId,
      'execute-partly',
      {
        text: 'The access log; the rest follows.',
      },
    );
    const supervisorPage = await signInAs(supervisorContext, federation.node('DE'), 'supervisor');
    await supervisorPage.goto(`${federation.node('DE').url}/requests/${deRequestId}`);
    const decisions = supervisorPage.getByTestId('approval-decision');
    await decisions.nth(1).waitFor();
    assert.deepEqual(
      await Promise.all([0, 1].map(async (index) => decisions.nth(index).getAttribute('aria-label'))),
      ['Evidence package', 'Response: Report partial execution'],
    );
    // The response goes back to the duty officer, with reasons; the package stays to be decided.
    const response = supervisorPage.getByRole('group', { name: 'Response: Report partial execution' });
    await response.getByLabel('Why it goes back').fill('Say which part follows, and when.');
    await response.getByRole('button', { name: 'Return with reasons' }).click();
    await supervisorPage.getByTestId('approval-decision').nth(1).waitFor({ state: 'detached' });
    await supervisorPage.getByRole('button', { name: 'Approve and send the package' }).click();
    await supervisorPage
      .getByRole('dialog', { name: 'Approve and send now?' })
      .getByRole('button', { name: 'Approve and send the package' })
      .click();
    // The package has left DE: it is awaiting FR's verification, or FR has already verified it
    // (delivery can be faster than the page's refresh after the approval).
    const sent = supervisorPage
      .getByTestId('evidence-packages-panel')
      .locator('[data-testid="evidence-package"]:is([data-status="offered"], [data-status="verified"])');
    await sent.waitFor();
    assert.match(
      (await sent.textContent()) ?? '',
      /Sent, awaiting verification|Verified/,
      'the status is shown in words',
    );
    await supervisorContext.close();

    const frContext = await browser.newContext({
      viewport: { width: 1366, height: 1000 },
      locale: 'en-GB',
      bypassCSP: true,
      acceptDownloads: true,
    });
    // On the requesting side, a supervisor reads the request (request:read-all) and its evidence.
    const fr = federation.node('FR');
    const frPage = await signInAs(frContext, fr, 'supervisor');
    frSupervisor = fr.accounts?.supervisor;
    const received = frPage.getByTestId('evidence-packages-panel').getByTestId('evidence-package');
    for (let attempt = 0; attempt < 60; attempt += 1) {
      await frPage.goto(`${federation.node('FR').url}/requests/${frRequestId}`);
      await frPage.getByTestId('evidence-packages-panel').waitFor();
      if ((await received.count()) > 0 && (await received.getAttribute('data-status')) === 'verified') break;
      await frPage.waitForTimeout(500);
    }
    assert.equal(await received.getAttribute('data-status'), 'verified');
    assert.equal(await received.getByText('Package from Germany', { exact: true }).count(), 1);
    assert.match(
      (await received.getByTestId('package-conditions').textContent()) ?? '',
      /Art\. 40.*Art\. 36.*2027-06-30/s,
    );
    const item = frPage.getByTestId('evidence-panel').getByTestId('evidence-item');
    assert.match((await item.textContent()) ?? '', /access\.log/);
    // Nothing is uploaded on the requesting side.
    assert.equal(await frPage.getByTestId('evidence-upload').count(), 0);
    const [download] = await Promise.all([
      frPage.waitForEvent('download'),
      item.getByRole('button', { name: 'Download' }).click(),
    ]);
    const saved = await download.path();
    const bytes = Buffer.from('2026-03-09T10:00:00Z GET /login 200 203.0.113.7\n'.repeat(500));
    assert.equal(
      createHash('sha256')
        .update(await readFile(saved))
        .digest('hex'),
      createHash('sha256').update(bytes).digest('hex'),
    );
    await item.getByRole('button', { name: 'Show custody' }).click();
    await item.getByTestId('custody-timeline').locator('tr[data-kind="downloaded"]').waitFor();
    // Where it came from: the sending State by name (not its node's id), never an empty "In a
    // package for".
    assert.deepEqual(await item.getByTestId('custody-package').allTextContents(), [
      'In a package from Germany',
    ]);
    // The chain here starts at the arrival: said, with whose custody it was in before.
    assert.match(
      (await item.getByTestId('custody-starts-here').textContent()) ?? '',
      /starts when the package from Germany arrived\. Before that, the item was in the custody of Germany/,
    );
    // A step the node made itself is named with its State, not as "node fr-poc".
    const receivedRow = item.getByTestId('custody-timeline').locator('tr[data-kind="received"]');
    assert.match((await receivedRow.textContent()) ?? '', /The node fr-\w+ \(France\)/);

    // The court-ready export: a reason, the items decrypted; the tar unpacks and verifies offline.
    await received.getByTestId('export-open').click();
    const exportForm = received.getByTestId('evidence-export-form');
    await exportForm.getByLabel(/^Reason for the export/).fill('Production before the court');
    await exportForm.getByLabel('Decrypted (plain files)').check();
    await assertAccessible(frPage, 'evidence export form');
    const [archive] = await Promise.all([
      frPage.waitForEvent('download'),
      exportForm.getByRole('button', { name: 'Export' }).click(),
    ]);
    assert.match(archive.suggestedFilename(), /^evidence-export-[0-9a-f-]+\.tar$/);
    const unpacked = await mkdtemp(path.join(os.tmpdir(), 'comity-browser-export-'));
    try {
      const untarred = spawnSync('tar', ['-xf', await archive.path(), '-C', unpacked]);
      assert.equal(untarred.status, 0, untarred.stderr.toString());
      const checks = await verifyExportFolder(unpacked);
      assert.ok(
        checks.every((check) => check.ok),
        checks.map((check) => check.line).join('\n'),
      );
    } finally {
      await rm(unpacked, { recursive: true, force: true });
    }
    await received.getByRole('status').waitFor();
    await assertAccessible(frPage, 'evidence packages, requesting side');
    await frPage.getByTestId('evidence-packages-panel').screenshot({
      path: path.join(screenshotDirectory, 'evidence-packages-received.png'),
    });
    await frContext.close();

    // The officer who drafted the request (no evidence:read) reads the evidence that answers it.
    const authorContext = await browser.newContext({
      viewport: { width: 1366, height: 1000 },
      locale: 'en-GB',
      bypassCSP: true,
    });
    const authorPage = await signInAs(authorContext, fr, 'officer');
    await authorPage.goto(`${fr.url}/requests/${frRequestId}`);
    const authorPackage = authorPage.getByTestId('evidence-packages-panel').getByTestId('evidence-package');
    await authorPackage.waitFor();
    assert.equal(await authorPackage.getAttribute('data-status'), 'verified');
    assert.match(
      (await authorPage.getByTestId('evidence-panel').getByTestId('evidence-item').textContent()) ?? '',
      /access\.log/,
    );
    await authorContext.close();

    // Back at DE, once FR verified the package (the request in execution): the executing side is
    // told what is left, to report the execution on the case, in the words of the case's own buttons.
    const deAgain = await browser.newContext({ viewport: { width: 1366, height: 1000 }, locale: 'en-GB' });
    const dutyPage = await signInAs(deAgain, federation.node('DE'), 'duty-officer');
    await dutyPage.goto(`${federation.node('DE').url}/requests/${deRequestId}`);
    await dutyPage
      .getByTestId('execution-to-report')
      .getByText(/verified the evidence sent.*“Report full execution” or “Report partial execution”/)
      .waitFor();
    await deAgain.close();
  });

  test("FR asks DE's consent to pass the evidence on; DE's legal reviewer grants it; FR records the transfer", async () => {
    assert.ok(frSupervisor, 'the previous test creates the FR supervisor');
    const fr = federation.node('FR');
    const frContext = await browser.newContext({
      viewport: { width: 1366, height: 1000 },
      locale: 'en-GB',
      bypassCSP: true,
    });
    const frPage = await frContext.newPage();
    frPage.setDefaultTimeout(20_000);
    await frPage.goto(`${fr.url}/sign-in`);
    await frPage.getByLabel('Username').fill(frSupervisor.username);
    await frPage.getByLabel(/^Password/).fill(frSupervisor.password);
    await frPage.getByRole('button', { name: 'Sign in' }).click();
    // A supervisor lands on what waits for approval.
    await frPage.waitForURL(/\/approvals$/);
    await frPage.goto(`${fr.url}/requests/${frRequestId}`);
    const panel = frPage.getByTestId('evidence-consent-panel');
    const form = panel.getByTestId('consent-ask-form');
    await form.getByLabel('Use', { exact: true }).selectOption('onward-transfer');
    await form.getByLabel(/^State/).fill('ES');
    await form.getByRole('button', { name: 'Record the use' }).click();
    const blocked = form.getByTestId('consent-required');
    await blocked.waitFor();
    assert.match((await blocked.textContent()) ?? '', /Art\. 36\(3\)/);
    await form.getByLabel(/^Reasons/).fill('The suspect now lives in Spain.');
    await form.getByRole('button', { name: 'Ask for consent' }).click();
    await panel.getByTestId('evidence-consent').getByText('Waiting for the answer').waitFor();
    await assertAccessible(frPage, 'consent to use evidence, requesting side');

    const deContext = await browser.newContext({
      viewport: { width: 1366, height: 1000 },
      locale: 'en-GB',
      bypassCSP: true,
    });
    const dePage = await signInAs(deContext, federation.node('DE'), 'legal-reviewer');
    const asks = dePage.getByTestId('evidence-consent-panel').getByTestId('evidence-consent');
    for (let attempt = 0; attempt < 60; attempt += 1) {
      await dePage.goto(`${federation.node('DE').url}/requests/${deRequestId}`);
      await dePage.getByTestId('evidence-consent-panel').waitFor();
      if ((await asks.count()) > 0) break;
      await dePage.waitForTimeout(500);
    }
    const answerForm = asks.getByTestId('consent-answer-form');
    await answerForm
      .getByLabel('Conditions of the consent (optional)')
      .fill('Only to the Spanish prosecutor.');
    await answerForm.getByLabel(/^Reasons/).fill('Same offence.');
    await assertAccessible(dePage, 'consent to use evidence, executing side');
    await answerForm.getByRole('button', { name: 'Send the answer' }).click();
    await asks.getByText('Granted').waitFor();
    await deContext.close();

    const answered = panel.getByTestId('evidence-consent');
    for (let attempt = 0; attempt < 60; attempt += 1) {
      await frPage.goto(`${fr.url}/requests/${frRequestId}`);
      await panel.waitFor();
      if ((await answered.getAttribute('data-status')) === 'granted') break;
      await frPage.waitForTimeout(500);
    }
    assert.equal(await answered.getAttribute('data-status'), 'granted');
    await form.getByLabel('Use', { exact: true }).selectOption('onward-transfer');
    await form.getByLabel(/^State/).fill('ES');
    await form.getByRole('button', { name: 'Record the use' }).click();
    await form.getByText('The use is recorded in the chain of custody.').waitFor();
    await panel.screenshot({ path: path.join(screenshotDirectory, 'evidence-consent.png') });
    // A disclosure marked exculpatory (Art. 40(19)) waits for a notice of the case naming the package.
    await form.getByLabel('Use', { exact: true }).selectOption('disclosure');
    await form.getByLabel(/^Exculpatory to an accused person/).check();
    const noticeState = form.getByTestId('exculpatory-notice-state');
    await noticeState.waitFor();
    assert.equal(await noticeState.getAttribute('data-state'), 'no-notice');
    assert.match((await noticeState.textContent()) ?? '', /give it first/);
    assert.equal(await form.getByRole('button', { name: 'Record the use' }).isDisabled(), true);
    await frContext.close();
  });
  test("each node's register lists the evidence it holds: DE's custodian the file attached, FR's supervisor the file received", async () => {
    const context = await browser.newContext({
      viewport: { width: 1366, height: 1000 },
      locale: 'en-GB',
      bypassCSP: true,
    });
    const de = federation.node('DE');
    const page = await signInAs(context, de, 'evidence-custodian');
    const navigation = page.getByRole('navigation', { name: 'Main navigation' });
    await navigation.getByRole('link', { name: 'Evidence held' }).click();
    assert.equal(
      await navigation.getByRole('link', { name: 'Duty desk' }).count(),
      0,
      'a custodian does not staff the 24/7 desk',
    );
    const rows = page.getByTestId('register-item');
    await rows.first().waitFor();
    const row = rows.filter({ hasText: 'access.log' });
    assert.equal(await row.count(), 1);
    assert.match((await row.textContent()) ?? '', /Attached here/);
    assert.match((await row.textContent()) ?? '', /France/, 'the other State by name');
    assert.match((await row.textContent()) ?? '', /Intact, \d+ events/);
    assert.match((await row.textContent()) ?? '', /31 Dec 2030/, 'kept until the date given at upload');
    assert.match((await page.getByTestId('register-summary').textContent()) ?? '', /^Items shown: \d+$/);
    // Nothing of it is past a retention date: the filter shows the register empty.
    await page.getByTestId('register-due').click();
    await page.getByTestId('register-empty').waitFor();
    // The filters live in the address: a reload, or a link sent to a colleague, keeps them.
    assert.equal(new URL(page.url()).search, '?due=true');
    await page.reload();
    await page.getByTestId('register-empty').waitFor();
    assert.equal(await page.getByTestId('register-due').isChecked(), true);
    await page.getByTestId('register-due').click();
    await row.waitFor();
    await assertAccessible(page, 'evidence register');
    await page.screenshot({ path: path.join(screenshotDirectory, 'evidence-register.png'), fullPage: true });
    // The row leads to its request.
    await row.getByRole('link').click();
    await page.getByTestId('evidence-panel').waitFor();
    assert.equal(new URL(page.url()).pathname, `/requests/${deRequestId}`);
    await context.close();

    const frContext = await browser.newContext({
      viewport: { width: 390, height: 844 },
      locale: 'en-GB',
      bypassCSP: true,
    });
    const fr = federation.node('FR');
    const frPage = await signInAs(frContext, fr, 'supervisor');
    await frPage.goto(`${fr.url}/evidence`);
    await frPage
      .getByLabel('Requests', { exact: true })
      .selectOption({ label: 'Received from another State' });
    assert.equal(new URL(frPage.url()).search, '?direction=outgoing');
    const received = frPage.getByTestId('register-item').filter({ hasText: 'access.log' });
    await received.waitFor();
    assert.match((await received.textContent()) ?? '', new RegExp(de.spec.nodeId));
    assert.ok(
      await frPage.evaluate('document.documentElement.scrollWidth <= document.documentElement.clientWidth'),
      'the page keeps to the width of a phone; the table scrolls in its own region',
    );
    await assertAccessible(frPage, 'evidence register on a phone');
    await frContext.close();

    // An officer who drafts requests is not offered the register, nor given it.
    const officerContext = await browser.newContext({
      viewport: { width: 1366, height: 1000 },
      locale: 'en-GB',
    });
    const officerPage = await signInAs(officerContext, fr, 'officer');
    await officerPage.goto(`${fr.url}/evidence`);
    await officerPage.getByTestId('page-not-allowed').waitFor();
    assert.equal(await officerPage.getByRole('link', { name: 'Evidence held' }).count(), 0);
    await officerContext.close();
  });
});
