/**
 * Account screens in a real browser against a real node, in English and Arabic with axe: an
 * administrator creates an account (one-time password shown once) and gives it a role that waits
 * for a second administrator, who approves it on the same screen; the new user must choose a
 * password before anything else, creates and revokes an API token, enrols TOTP (codes computed
 * here with the same library) and signs in with a code. The first administrator's one-time
 * password is in a 0600 file of the data directory, never in the node's output.
 *
 * Needs Chromium (COMITY_TEST_CHROMIUM) and a built UI. Screenshots go to test-results/screenshots/.
 */
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import jsqr from 'jsqr';
import { Secret, TOTP } from 'otpauth';
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { createNodeProcess, type NodeProcess, runComityOrThrow } from '../../src/demo/node-process.ts';
import {
  assertAccessible,
  chromiumPath,
  LAUNCH_ARGS,
  screenshot,
  screenshotDirectory,
  skipReason,
  switchLanguage,
} from './browser-helpers.ts';

const APPROVER_PASSWORD = 'the approver chose this one';

/** Waits until the locator matches exactly `count` elements. */
async function assertCount(locator: Locator, count: number): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    if ((await locator.count()) === count) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  assert.equal(await locator.count(), count);
}

/**
 * What a QR code drawn by web/src/components/QrCode.tsx says, as a phone's camera reads it: its
 * dark modules read from the SVG path, drawn four pixels a module on white, decoded by jsQR.
 */
async function readQrCode(svg: Locator): Promise<string | undefined> {
  const size = Number(((await svg.getAttribute('viewBox')) ?? '').split(' ')[2]);
  const modules = (await svg.locator('path').getAttribute('d')) ?? '';
  const scale = 4;
  const width = size * scale;
  const pixels = new Uint8ClampedArray(width * width * 4).fill(255);
  for (const [, x, y] of modules.matchAll(/M(\d+) (\d+)h1v1h-1z/g)) {
    for (let row = Number(y) * scale; row < (Number(y) + 1) * scale; row += 1) {
      for (let column = Number(x) * scale; column < (Number(x) + 1) * scale; column += 1) {
        pixels.fill(0, (row * width + column) * 4, (row * width + column) * 4 + 3);
      }
    }
  }
  // jsqr is CommonJS: its function is both the module and its `default`, which the types name.
  return jsqr.default(pixels, width, width)?.data;
}

function codeAt(secret: string, timestamp: number): string {
  return TOTP.generate({
    secret: Secret.fromBase32(secret),
    timestamp,
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
  });
}

describe('account screens in a browser', { skip: skipReason() }, () => {
  let dataDirectory: string;
  let node: NodeProcess;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let adminPage: Page;
  let oneTimePassword = '';
  const clerkPassword = 'clerk chooses this password';

  async function newPage(): Promise<Page> {
    const context = await browser.newContext({
      viewport: { width: 1366, height: 900 },
      locale: 'en-GB',
      bypassCSP: true,
    });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    return page;
  }

  async function signIn(page: Page, username: string, password: string): Promise<void> {
    await page.goto(`${node.url}/sign-in`);
    await page.getByLabel('Username').fill(username);
    await page.getByLabel(/^Password/).fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  before(async () => {
    await mkdir(screenshotDirectory, { recursive: true });
    dataDirectory = await mkdtemp(path.join(os.tmpdir(), 'comity-accounts-'));
    node = createNodeProcess({ name: 'accounts', dataDirectory, startTimeoutMs: 240_000 });
    await node.start();
    // The node's operator adds a second administrator on the stopped node (as the demo does).
    await node.stop();
    await runComityOrThrow(['user', 'add', 'approver', '--role', 'administrator', '--password-stdin'], {
      env: node.env,
      input: `${APPROVER_PASSWORD}\n`,
    });
    await node.start();
    browser = await chromium.launch({ executablePath: chromiumPath, args: LAUNCH_ARGS });
    adminPage = await newPage();
  });

  after(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await node?.stop();
    if (dataDirectory) await rm(dataDirectory, { recursive: true, force: true });
  });

  test("keeps the first administrator's one-time password out of the node's output, in a 0600 file", async () => {
    const file = path.join(dataDirectory, 'initial-admin-password');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const written = /password: (\S+)/.exec(await readFile(file, 'utf8'))?.[1];
    assert.ok(written);
    assert.ok(!node.outputTail().includes(written), 'the password is not in the output');
    assert.notEqual(node.adminPassword, written, 'the harness replaced it at the first sign-in');
    assert.match(node.outputTail(), /one-time password is in .*initial-admin-password/);
  });

  test('creates a user with a one-time password and a role that waits for a second administrator', async () => {
    await signIn(adminPage, 'admin', node.adminPassword ?? '');
    await adminPage.waitForURL(/\/requests$/);
    await adminPage.getByRole('link', { name: 'Users' }).click();
    await adminPage.getByRole('heading', { level: 1, name: 'Users and roles' }).waitFor();
    await adminPage.getByLabel(/^Username/).fill('clerk');
    await adminPage.getByLabel(/^Name/).fill('Court Clerk');
    await adminPage.getByRole('checkbox', { name: 'auditor', exact: true }).check();
    await adminPage.getByRole('button', { name: 'Create account' }).click();
    oneTimePassword = (await adminPage.getByTestId('one-time-password').textContent()) ?? '';
    assert.match(oneTimePassword, /^\S{12,}$/);
    const row = adminPage.locator('[data-testid="user-row"][data-username="clerk"]');
    await row.getByText('one-time password').waitFor();

    await assertAccessible(adminPage, 'users (en)');
    await screenshot(adminPage, 'accounts-users');
  });

  test("asks before resetting a password, and leaves another administrator's to the node's operator", async () => {
    const approver = adminPage.locator('[data-testid="user-row"][data-username="approver"]');
    await approver.getByText("Another administrator's password is reset by the node's operator").waitFor();
    assert.equal(await approver.getByRole('button', { name: 'Reset password of approver' }).count(), 0);

    await adminPage.getByLabel(/^Username/).fill('typist');
    await adminPage.getByLabel(/^Name/).fill('Typist');
    await adminPage.getByRole('checkbox', { name: 'officer', exact: true }).check();
    await adminPage.getByRole('button', { name: 'Create account' }).click();
    const notice = adminPage.getByTestId('one-time-password-notice');
    await notice.getByText('typist').first().waitFor();
    const first = await adminPage.getByTestId('one-time-password').textContent();
    const row = adminPage.locator('[data-testid="user-row"][data-username="typist"]');
    const dialog = adminPage.getByRole('dialog', { name: 'Reset the password of typist?' });
    // Cancelled: nothing is reset (the notice still shows the password given at creation).
    await row.getByRole('button', { name: 'Reset password of typist' }).click();
    await dialog
      .getByText('Their sessions end and their API tokens are revoked.', { exact: false })
      .waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    assert.equal(await adminPage.getByTestId('one-time-password').textContent(), first);
    // Confirmed: a new one-time password, shown once.
    await row.getByRole('button', { name: 'Reset password of typist' }).click();
    await dialog.getByRole('button', { name: 'Reset password' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await adminPage.waitForFunction(
      `document.querySelector('[data-testid="one-time-password"]')?.textContent !== ${JSON.stringify(first)}`,
    );
  });

  test('changes the address the e-mail alerts of an account go to, as comity user email does', async () => {
    const row = adminPage.locator('[data-testid="user-row"][data-username="clerk"]');
    await row.getByRole('button', { name: 'Change the roles of clerk' }).click();
    await row.getByLabel('E-mail for alerts').fill('clerk.alerts@example.gov');
    await row.getByRole('button', { name: 'Save', exact: true }).click();
    await row.getByLabel('E-mail for alerts').waitFor({ state: 'detached' });
    await adminPage.reload();
    await row.getByRole('button', { name: 'Change the roles of clerk' }).click();
    assert.equal(await row.getByLabel('E-mail for alerts').inputValue(), 'clerk.alerts@example.gov');
    assert.equal(await row.getByTestId('pending-grant').count(), 0, 'an e-mail change asks for no approval');
    await row.getByRole('button', { name: 'Cancel' }).click();
  });

  test('gives a role that reads case content: pending until another administrator approves it on the screen', async () => {
    const row = adminPage.locator('[data-testid="user-row"][data-username="clerk"]');
    await row.getByRole('button', { name: 'Change the roles of clerk' }).click();
    await row.getByRole('checkbox', { name: 'officer', exact: true }).check();
    await row.getByRole('button', { name: 'Save', exact: true }).click();
    // Every role an administrator grants here reads case content: both grants wait.
    await row.getByTestId('pending-grant').nth(1).waitFor();
    await row.getByTestId('pending-grant').getByText('Another administrator approves').first().waitFor();
    assert.equal(await row.getByRole('button', { name: 'Approve' }).count(), 0, 'not by the one who asked');

    const approverPage = await newPage();
    await signIn(approverPage, 'approver', APPROVER_PASSWORD);
    // An administrator and nothing else lands on the users and the grants that wait.
    await approverPage.waitForURL(/\/users$/);
    const seen = approverPage.locator('[data-testid="user-row"][data-username="clerk"]');
    for (const left of [1, 0]) {
      await seen.getByRole('button', { name: 'Approve' }).first().click();
      await assertCount(seen.getByTestId('pending-grant'), left);
    }
    const roles = (await seen.locator('td').nth(2).textContent()) ?? '';
    assert.match(roles, /auditor/);
    assert.match(roles, /officer/);
  });

  test('makes the new user choose a password first, then create and revoke a token', async () => {
    const page = await newPage();
    await signIn(page, 'clerk', oneTimePassword);
    await page.getByRole('heading', { level: 1, name: 'Choose your own password' }).waitFor();
    await assertAccessible(page, 'forced password change (en)');
    await screenshot(page, 'accounts-change-password');
    await page.getByLabel(/^Current password/).fill(oneTimePassword);
    await page
      .getByLabel(/^New password/)
      .first()
      .fill(clerkPassword);
    await page.getByLabel(/^New password again/).fill(clerkPassword);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByRole('heading', { level: 1, name: 'Requests' }).waitFor();

    await page.getByRole('link', { name: 'My account' }).click();
    await page.getByRole('heading', { level: 1, name: 'My account' }).waitFor();
    await page.getByLabel(/^Name/).fill('case system');
    await page.getByRole('button', { name: 'Create token' }).click();
    const secret = (await page.getByTestId('token-secret').textContent()) ?? '';
    assert.match(secret, /^comity_/);
    const answer = await page.request.get(`${node.url}/api/v1/desk`, {
      headers: { authorization: `Bearer ${secret}` },
    });
    assert.notEqual(answer.status(), 401, 'the token works');
    await page.getByRole('button', { name: 'Revoke the token case system' }).click();
    await page.getByTestId('token-row').getByText('revoked').waitFor();
    const afterRevoke = await page.request.get(`${node.url}/api/v1/desk`, {
      headers: { authorization: `Bearer ${secret}` },
    });
    assert.equal(afterRevoke.status(), 401);

    // The administrator sees it among every user's tokens, revoked.
    await adminPage.reload();
    await adminPage
      .locator('[data-testid="token-row"]')
      .filter({ hasText: 'case system' })
      .getByText('revoked')
      .waitFor();
  });

  test('enrols TOTP and signs in with a code, in English and Arabic', async () => {
    const page = await newPage();
    await signIn(page, 'clerk', clerkPassword);
    await page.getByRole('heading', { level: 1, name: 'Requests' }).waitFor();
    await page.goto(`${node.url}/account`);
    await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
    // Cancelling gives the screen back as it was; setting up again shows a new secret.
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
    // The secret is shown in groups of four, as authenticator apps accept it typed.
    const grouped = ((await page.getByTestId('totp-secret').textContent()) ?? '').trim();
    assert.match(grouped, /^([A-Z2-7]{4} )+[A-Z2-7]{1,4}$/);
    const secret = grouped.replaceAll(' ', '');
    assert.equal(await page.getByTestId('totp-secret').getAttribute('data-secret'), secret);
    // The QR code a phone scans holds exactly the otpauth link shown beside it.
    const link = ((await page.getByTestId('totp-uri').textContent()) ?? '').trim();
    assert.match(link, new RegExp(`^otpauth://totp/.*secret=${secret}`));
    // On a phone the link is followed into the authenticator app installed there.
    assert.equal(await page.getByTestId('totp-uri').getAttribute('href'), link);
    assert.equal(await readQrCode(page.getByRole('img', { name: /^QR code of the otpauth link/ })), link);
    await screenshot(page, 'accounts-totp-enrolment');
    await page.getByLabel(/^Code shown by the app/).fill(codeAt(secret, Date.now()));
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByTestId('recovery-codes').waitFor();
    assert.equal(await page.getByTestId('recovery-codes').locator('li').count(), 10);
    await assertAccessible(page, 'account with recovery codes (en)');
    await screenshot(page, 'accounts-recovery-codes');
    await page.getByRole('button', { name: 'I have kept them' }).click();
    await page
      .getByTestId('totp-status')
      .getByText(/Recovery codes left: 10/)
      .waitFor();

    await switchLanguage(page, 'ar');
    await page.getByRole('heading', { level: 1, name: 'حسابي' }).waitFor();
    await assertAccessible(page, 'account (ar)');
    await screenshot(page, 'accounts-account-ar');

    // Sign in again: the code is asked after the password (the next time step: a code is used once).
    const next = await newPage();
    await signIn(next, 'clerk', clerkPassword);
    await next.getByLabel(/^Authentication code/).waitFor();
    await assertAccessible(next, 'sign-in with a code (en)');
    await screenshot(next, 'accounts-sign-in-code');
    // A wrong code is named as such: the password was right, the code is what to type again.
    const rightCode = codeAt(secret, Date.now() + 30_000);
    const wrongCode = String((Number(rightCode) + 1) % 1_000_000).padStart(6, '0');
    await next.getByLabel(/^Authentication code/).fill(wrongCode);
    await next.getByRole('button', { name: 'Sign in' }).click();
    const refusal = next.getByTestId('problem-alert');
    await refusal.getByText('Wrong code', { exact: true }).waitFor();
    assert.doesNotMatch((await refusal.textContent()) ?? '', /password/);
    await next.getByLabel(/^Authentication code/).fill(codeAt(secret, Date.now() + 30_000));
    await next.getByRole('button', { name: 'Sign in' }).click();
    await next.getByRole('heading', { level: 1, name: 'Requests' }).waitFor();

    await switchLanguage(adminPage, 'ar');
    await adminPage.getByRole('heading', { level: 1, name: 'المستخدمون والأدوار' }).waitFor();
    assert.equal(await adminPage.evaluate('document.documentElement.dir'), 'rtl');
    await assertAccessible(adminPage, 'users (ar)');
    await screenshot(adminPage, 'accounts-users-ar');
  });
});
