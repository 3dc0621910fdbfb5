/**
 * The evidence section of a request page in a real browser, on two real nodes: France sends a
 * preservation request to Germany through the API; Germany's duty officer uploads a small file on
 * the request page (tus from the browser), sees the item with the file's SHA-256, opens its
 * custody timeline (acquired, sealed; the chain intact). axe-core finds no serious or critical
 * violation. The screenshot goes to test-results/screenshots/evidence-section.png (gitignored).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Browser, chromium } from 'playwright-core';
import { createAccount } from '../../src/demo/node-api.ts';
import { deliverPreservationFromFrance, type Federation, startFederation } from '../helpers/node-process.ts';
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

  before(async () => {
    await mkdir(screenshotDirectory, { recursive: true });
    federation = await startFederation({ states: ['FR', 'DE'] });
    ({ deRequestId, frRequestId } = await deliverPreservationFromFrance(federation));
    browser = await chromium.launch({ executablePath: chromiumPath, args: LAUNCH_ARGS });
  });

  after(async () => {
    await browser?.close();
    await federation?.stop();
  });

  test("DE's duty officer uploads a file and sees it with its hash and custody timeline", async () => {
    const context = await browser.newContext({
      viewport: { width: 1366, height: 1000 },
      locale: 'en-GB',
      bypassCSP: true,
    });
    const page = await signInAs(context, federation.node('DE'), 'duty-officer');
    await page.goto(`${federation.node('DE').url}/requests/${deRequestId}`);
    const panel = page.getByTestId('evidence-panel');
    await panel.getByText('No evidence yet.').waitFor();

    const bytes = Buffer.from('2026-03-09T10:00:00Z GET /login 200 203.0.113.7\n'.repeat(500));
    await panel.locator('input[type="file"]').setInputFiles({
      name: 'access.log',
      mimeType: 'text/plain',
      buffer: bytes,
    });
    await panel.getByLabel('Description').fill('Web server access log, 9 March 2026');
    await panel.getByLabel('From whom').fill('Example Hosting GmbH');
    await panel.getByRole('button', { name: 'Upload' }).click();

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
    assert.match((await timeline.textContent()) ?? '', /Acquired.*Sealed/s);
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
    const form = dePackages.getByTestId('evidence-package-form');
    await form.getByLabel('access.log').check();
    await form.getByLabel('Confidential until').fill('2027-06-30');
    await form.getByRole('button', { name: 'Make the package' }).click();
    const made = dePackages.getByTestId('evidence-package');
    await made.getByText('Ready to send').waitFor();
    await made.getByRole('button', { name: 'Send' }).click();
    await made.getByText('Sent, awaiting verification').waitFor();
    await assertAccessible(dePage, 'evidence packages, executing side');
    await deContext.close();

    const frContext = await browser.newContext({
      viewport: { width: 1366, height: 1000 },
      locale: 'en-GB',
      bypassCSP: true,
      acceptDownloads: true,
    });
    // On the requesting side, a supervisor reads the request (request:read-all) and its evidence.
    const fr = federation.node('FR');
    const supervisor = await createAccount(
      { admin: fr.admin, approver: fr.approver },
      { username: 'fr.evidence-reader', displayName: 'FR evidence reader', roles: ['supervisor'] },
    );
    const frPage = await frContext.newPage();
    frPage.setDefaultTimeout(20_000);
    await frPage.goto(`${fr.url}/sign-in`);
    await frPage.getByLabel('Username').fill(supervisor.username);
    await frPage.getByLabel(/^Password/).fill(supervisor.password);
    await frPage.getByRole('button', { name: 'Sign in' }).click();
    await frPage.waitForURL(/\/requests$/);
    const received = frPage.getByTestId('evidence-packages-panel').getByTestId('evidence-package');
    for (let attempt = 0; attempt < 60; attempt += 1) {
      await frPage.goto(`${federation.node('FR').url}/requests/${frRequestId}`);
      await frPage.getByTestId('evidence-packages-panel').waitFor();
      if ((await received.count()) > 0 && (await received.getAttribute('data-status')) === 'verified') break;
      await frPage.waitForTimeout(500);
    }
    assert.equal(await received.getAttribute('data-status'), 'verified');
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
    await assertAccessible(frPage, 'evidence packages, requesting side');
    await frPage.getByTestId('evidence-packages-panel').screenshot({
      path: path.join(screenshotDirectory, 'evidence-packages-received.png'),
    });
    await frContext.close();
  });
});
