/**
 * The audit screen in a real browser on real node processes, in English and Arabic with axe.
 * France's and Germany's nodes sign their tree heads every 2 seconds and send them to Germany's
 * node as witness (COMITY_AUDIT_WITNESS_NODE). Germany's auditor (the demo's account) signs in,
 * opens "Audit log", sees the signed tree head and the consistency check the browser made with the
 * server's own Merkle code, filters the entries (the auditor's own sign-in, a failed sign-in), and
 * sees France's heads among those the node witnesses, and the directory of States names each
 * State's Comity node. Last, the same federation's secretariat: its
 * administrator lands on the register of nodes, where both nodes are published as registered,
 * and its menu offers nothing of a State's node (requests, desk, evidence).
 *
 * Screenshots go to test-results/screenshots/audit-*.png (gitignored).
 */
import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import { type ProofFile, verifyProofFile } from '../../src/services/audit.service.ts';
import { after, before, describe, test } from 'node:test';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { type Federation, startFederation } from '../helpers/node-process.ts';
import {
  assertAccessible,
  chromiumPath,
  documentLanguage,
  LAUNCH_ARGS,
  screenshot,
  screenshotDirectory,
  skipReason,
  switchLanguage,
  useThePhoneLayout,
  assertWithinPhoneWidth,
} from './browser-helpers.ts';

describe('the audit screen', { skip: skipReason(), timeout: 600_000 }, () => {
  let federation: Federation;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let auditor: { username: string; password: string };

  before(async () => {
    await mkdir(screenshotDirectory, { recursive: true });
    federation = await startFederation({
      states: ['FR', 'DE'],
      // Three processes start at once; on a loaded machine that takes longer than the default.
      startTimeoutMs: 240_000,
      env: { COMITY_AUDIT_TREE_HEAD_INTERVAL_SECONDS: '2', COMITY_AUDIT_WITNESS_NODE: 'de-poc' },
    });
    const de = federation.node('DE');
    // The demo's auditor (an oversight body's reader), as `comity demo` makes it.
    const demoAuditor = de.accounts?.auditor;
    assert.ok(demoAuditor, 'the federation has its demo accounts');
    auditor = demoAuditor;
    browser = await chromium.launch({ executablePath: chromiumPath, args: LAUNCH_ARGS });
    context = await browser.newContext({
      viewport: { width: 1366, height: 900 },
      locale: 'en-GB',
      bypassCSP: true,
    });
    page = await context.newPage();
    page.setDefaultTimeout(20_000);
  });

  after(async () => {
    await context?.close();
    await browser?.close();
    await federation?.stop();
  });

  /** Reloads /audit until the witnessed heads include one from France (heads are signed every 2 s). */
  async function openAuditWithWitnessedHead(): Promise<void> {
    const url = `${federation.node('DE').url}/audit`;
    for (let attempt = 0; attempt < 60; attempt += 1) {
      await page.goto(url);
      await page.getByTestId('audit-tree-head').waitFor();
      const witnessed = page.getByTestId('audit-witnessed').getByRole('cell', { name: 'fr-poc' });
      const verification = page.getByTestId('audit-verification');
      if ((await witnessed.count()) > 0 && (await verification.count()) > 0) return;
      await page.waitForTimeout(1000);
    }
    assert.fail('France has not sent a signed tree head to Germany, or Germany has not signed its own');
  }

  test('an auditor signs in, sees the signed tree head checked, filters entries and the witnessed heads, in English', async () => {
    const de = federation.node('DE');
    // A failed sign-in first: an entry to find.
    await page.goto(`${de.url}/sign-in`);
    await page.getByLabel('Username').fill('nobody');
    await page.getByLabel(/^Password/).fill('not the password at all');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('problem-alert').waitFor();

    await page.goto(`${de.url}/sign-in`);
    await page.getByLabel('Username').fill(auditor.username);
    await page.getByLabel(/^Password/).fill(auditor.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => !url.pathname.endsWith('/sign-in'));
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('heading', { level: 1, name: 'Audit log' }).waitFor();

    await openAuditWithWitnessedHead();
    const head = page.getByTestId('audit-tree-head');
    await head.getByText(/Latest signed tree head: [\d,]+ entries, signed/).waitFor();
    // What a signed head's size and the word "consistent" mean, for an auditor who is no engineer.
    assert.match(
      (await page.getByTestId('audit-signed-note').textContent()) ?? '',
      /later entries wait for the next one\. “Consistent” means/,
    );
    assert.equal(
      await page.getByTestId('audit-verification').textContent(),
      'The log today is consistent with the signed tree head',
    );
    const witnessRow = page
      .getByTestId('audit-witnessed')
      .getByRole('row')
      .filter({ hasText: 'fr-poc' })
      .first();
    await witnessRow.getByText('consistent').waitFor();

    // Filters: failures only, then sign-ins by the auditor.
    const entries = page.getByTestId('audit-entries');
    // Actions are chosen by their plain words; the table shows the words beside the action recorded.
    await page.getByRole('combobox', { name: 'Action' }).click();
    await page.getByRole('option', { name: 'Signed in', exact: true }).click();
    await page.getByRole('textbox', { name: 'Actor' }).fill('nobody');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    // The table before the filters also lists nobody's sign-ins: wait until only theirs are left.
    await page.waitForFunction(`(() => {
      const rows = [...document.querySelectorAll('[data-testid="audit-entries"] tbody tr')];
      const signIns = rows.filter((row) => (row.textContent ?? '').includes('auth:sign-in'));
      return signIns.length > 0 && signIns.every((row) => (row.textContent ?? '').includes('nobody'));
    })()`);
    const failedRows = entries.getByRole('row').filter({ hasText: 'auth:sign-in' });
    assert.ok((await failedRows.count()) >= 1);
    // A failed sign-in reads as refused, with its reason; never as "Signed in".
    await failedRows
      .first()
      .getByText('Sign-in refused: wrong username or password', { exact: true })
      .waitFor();
    assert.equal(await failedRows.getByText('Signed in', { exact: true }).count(), 0);
    for (const row of await failedRows.all()) {
      assert.match((await row.textContent()) ?? '', /nobody/);
      assert.match((await row.textContent()) ?? '', /failure/);
    }
    // A record of what happened when: to the second, its time zone named, on one line.
    const when = failedRows.first().locator('time');
    assert.match((await when.textContent()) ?? '', /\d{2}:\d{2}:\d{2} (UTC|GMT[+-]?\d*|[A-Z]{3,4})$/);
    assert.equal(
      await when.evaluate(
        (element) => element.ownerDocument.defaultView?.getComputedStyle(element).whiteSpace,
      ),
      'nowrap',
    );
    await page.getByRole('textbox', { name: 'Actor' }).fill(auditor.username);
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await entries.getByRole('row').filter({ hasText: auditor.username }).first().waitFor();
    await entries
      .getByRole('row')
      .filter({ hasText: auditor.username })
      .getByText('success')
      .first()
      .waitFor();
    assert.equal(await entries.getByRole('row').filter({ hasText: 'nobody' }).count(), 0);

    // Changes apart from the reads of case content: the auditor's own reads drop out.
    await page.getByRole('combobox', { name: 'Action' }).click();
    await page.getByRole('option', { name: 'Any action' }).click();
    await page.getByRole('textbox', { name: 'Actor' }).fill('');
    await page.getByRole('combobox', { name: 'Show' }).click();
    await page.getByRole('option', { name: 'Changes, sign-ins and messages' }).click();
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForFunction(`(() => {
      const rows = [...document.querySelectorAll('[data-testid="audit-entries"] tbody tr')];
      return rows.length > 0 && rows.some((row) => (row.textContent ?? '').includes('auth:sign-in'))
        && rows.every((row) => !(row.textContent ?? '').includes('api:GET'));
    })()`);

    await assertAccessible(page, 'audit (en)');
    await screenshot(page, 'audit-en');

    // An entry's proof downloads as a file that verifies offline (comity audit verify --proof):
    // the oldest entry on the page, which the latest signed head covers, against that signed root.
    const oldest = entries.locator('tbody tr').last();
    const position = Number(await oldest.locator('td').first().textContent());
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      oldest.getByRole('button', { name: `Download the proof that entry ${position} is in the log` }).click(),
    ]);
    assert.equal(download.suggestedFilename(), `audit-proof-${position}.json`);
    const proof = JSON.parse(await readFile(await download.path(), 'utf8')) as ProofFile;
    assert.equal(proof.kind, 'inclusion');
    assert.equal(proof.kind === 'inclusion' && proof.index, position);
    assert.equal(verifyProofFile(proof).ok, true, verifyProofFile(proof).description);

    // The directory of States names each State's Comity node beside what it notified the
    // depositary (nothing yet, for these two).
    const directory = await context.newPage();
    await directory.goto(`${de.url}/directory`);
    const germany = directory.locator('tr[data-state-code="DE"]');
    await germany.getByTestId('comity-nodes').getByText('de-poc').waitFor();
    assert.equal((await germany.getByText('not notified').count()) > 0, true);
    assert.match(
      (await directory.locator('tr[data-state-code="FR"]').getByTestId('comity-nodes').textContent()) ?? '',
      /^Comity node: fr-poc$/,
    );
    await directory.close();
  });

  test('on a phone, the register of two-person decisions shows each check beside what it checks, and the audit log its verdict whole', async () => {
    const de = federation.node('DE');
    await page.goto(`${de.url}/decisions`);
    await useThePhoneLayout(page);
    // The demo's accounts were given their roles: each change shows its second administrator's check.
    const row = page.getByTestId('role-change-row').first();
    await row.waitFor();
    await assertWithinPhoneWidth(row.getByTestId('check-second-administrator'), 'check');
    // Roles the operator gave on the server (the demo's accounts file) say so: not "no approval needed".
    const byOperator = page
      .getByTestId('role-change-row')
      .filter({ hasText: 'Applied by the node operator, on the server' })
      .first();
    assert.equal(
      await byOperator.getByTestId('check-second-administrator').textContent(),
      'The node operator',
    );
    assert.equal(await page.getByText('Applied at once (no approval needed)').count(), 0);
    // The audit log's verdict on its tree head is read whole on a phone, not cut short.
    await page.goto(`${de.url}/audit`);
    const verdict = page.getByTestId('audit-verification');
    await verdict.waitFor();
    assert.equal(
      await verdict.evaluate((element) =>
        [element, ...element.querySelectorAll('*')].every((part) => part.scrollWidth <= part.clientWidth + 1),
      ),
      true,
      (await verdict.textContent()) ?? '',
    );
    await page.setViewportSize({ width: 1366, height: 900 });
    await page.getByRole('heading', { level: 1, name: 'Audit log' }).waitFor();
  });

  test('shows the same screen in Arabic, right to left', async () => {
    await switchLanguage(page, 'ar');
    assert.deepEqual(await documentLanguage(page), { lang: 'ar', dir: 'rtl' });
    await page.getByRole('heading', { level: 1, name: 'سجل التدقيق' }).waitFor();
    await page.getByTestId('audit-verification').waitFor();
    await page.getByTestId('audit-witnessed').getByRole('cell', { name: 'fr-poc' }).first().waitFor();
    await assertAccessible(page, 'audit (ar)');
    await screenshot(page, 'audit-ar');
  });

  test("the secretariat's administrator lands on the register of nodes, with nothing of a State's node", async () => {
    const secretariatPage = await context.newPage();
    await secretariatPage.goto(`${federation.secretariat.url}/sign-in`);
    // Another origin than Germany's node: its language is the browser's (English), not Arabic.
    await secretariatPage.getByLabel('Username').fill('admin');
    await secretariatPage.getByLabel(/^Password/).fill(federation.secretariat.adminPassword ?? '');
    await secretariatPage.getByRole('button', { name: 'Sign in' }).click();
    await secretariatPage.waitForURL(/\/register$/);
    await secretariatPage.getByRole('heading', { level: 1, name: 'Register of nodes' }).waitFor();
    const nodes = secretariatPage.getByTestId('register-nodes');
    // The secretariat lists itself too: it is every node's witness by default.
    for (const nodeId of ['secretariat', 'fr-poc', 'de-poc']) {
      await nodes.locator(`tr[data-node="${nodeId}"]`).getByText('published as registered').waitFor();
    }
    assert.match(
      (await secretariatPage.getByTestId('register-publication').textContent()) ?? '',
      /^Directory no\. \d+, published .*; nodes listed: 3\. /,
    );
    const menu = secretariatPage.getByRole('navigation');
    await menu.getByRole('link', { name: 'Register of nodes' }).waitFor();
    for (const name of ['Requests', 'New request', 'Duty desk', 'Evidence held']) {
      assert.equal(await menu.getByRole('link', { name, exact: true }).count(), 0, name);
    }
    await assertAccessible(secretariatPage, 'register of nodes (en)');
    await screenshot(secretariatPage, 'secretariat-register');
    // The secretariat's own auditor (as `comity demo` makes it) opens its audit log, where the
    // heads it witnesses for the nodes are: an administrator alone cannot grant the role.
    const secretariatAuditor = federation.secretariatAuditor;
    assert.ok(secretariatAuditor, 'the secretariat has an auditor');
    await secretariatPage.context().clearCookies();
    await secretariatPage.goto(`${federation.secretariat.url}/sign-in`);
    await secretariatPage.getByLabel('Username').fill(secretariatAuditor.username);
    await secretariatPage.getByLabel(/^Password/).fill(secretariatAuditor.password);
    await secretariatPage.getByRole('button', { name: 'Sign in' }).click();
    await secretariatPage.waitForURL((url) => !url.pathname.endsWith('/sign-in'));
    await secretariatPage.goto(`${federation.secretariat.url}/audit`);
    await secretariatPage.getByRole('heading', { level: 1, name: 'Audit log' }).waitFor();
    // Here Germany is the witness (COMITY_AUDIT_WITNESS_NODE), so the secretariat holds none.
    await secretariatPage.getByText('Tree heads this node witnesses', { exact: true }).waitFor();
    await secretariatPage.getByText('No node has sent its tree head here.').waitFor();
    await secretariatPage.close();
  });
});
