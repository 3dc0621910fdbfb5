/**
 * `comity evidence export|verify` after a real transfer between two nodes over loopback, on both
 * databases: the requesting node's custodian exports the verified package decrypted and encrypted
 * to an age recipient; the export is a folder `sha256sum -c` and Debian's `age -d` read, whose
 * custody report (PDF) reads as text; exporting is recorded in each item's custody chain; and
 * `comity evidence verify` passes the intact export offline and fails, naming what, on a flipped
 * byte in an item, an altered manifest, a manifest signed by another key, and a removed or altered
 * custody event.
 */
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { trafficDisclosureDraft } from '../../src/demo/demo-drafts.ts';
import { okpThumbprint } from '../../src/evidence/export-bundle.ts';
import { readManifest, signManifest } from '../../src/evidence/package-manifest.ts';
import { runEvidenceTransferRound } from '../../src/services/evidence-transfer.service.ts';
import { type NodePair, startNodePair } from '../api/delivery-fixture.ts';
import { ageSkipReason, runAge } from '../helpers/age-files.ts';
import { sendEvidencePackage } from '../helpers/approval.ts';
import { call, TUS } from '../helpers/raw-http.ts';
import { json } from '../helpers/app.ts';
import { type ActingAs, asRole, bearerAs } from '../helpers/auth.ts';
import { runComity } from '../helpers/cli.ts';
import { DATABASE_TARGETS } from '../helpers/database.ts';

const hasPdftotext = spawnSync('pdftotext', ['-v'], { stdio: 'ignore' }).error === undefined;
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

const metadataHeader = (metadata: Record<string, string>) =>
  Object.entries(metadata)
    .map(([key, value]) => `${key} ${Buffer.from(value).toString('base64')}`)
    .join(',');

type CustodyFile = {
  items: {
    itemId: string;
    events: { kind: string; sequence: number; id: string; details: Record<string, unknown> }[];
  }[];
};

for (const target of DATABASE_TARGETS) {
  describe(`comity evidence export and verify [${target.name}]`, { skip: target.skip }, () => {
    let pair: NodePair;
    let work: string;
    let requestedId: string;
    let requestingId: string;
    let custodian: ActingAs;
    let requestingCustodian: ActingAs;
    let packageId: string;
    const files = [randomBytes(200 * 1024 + 17), Buffer.from('subscriber,ip\nalice,192.0.2.1\n')];
    const at = (name: string) => path.join(work, name);
    const cli = (args: readonly string[], token = requestingCustodian) =>
      runComity(at('cli-data'), args, {
        env: {
          COMITY_API_URL: pair.requestingUrl,
          COMITY_API_TOKEN: (token.headers.authorization ?? '').replace(/^Bearer /, ''),
        },
      });

    async function upload(bytes: Buffer, metadata: Record<string, string>): Promise<string> {
      const created = await call(pair.requestedUrl, {
        method: 'POST',
        path: `/api/v1/requests/${requestedId}/evidence/uploads`,
        headers: {
          ...custodian.headers,
          ...TUS,
          'upload-length': String(bytes.length),
          'upload-metadata': metadataHeader(metadata),
        },
      });
      assert.equal(created.status, 201, created.body.toString());
      const location = String(created.headers.location);
      const done = await call(pair.requestedUrl, {
        method: 'PATCH',
        path: location,
        headers: {
          ...custodian.headers,
          ...TUS,
          'content-type': 'application/offset+octet-stream',
          'upload-offset': '0',
        },
        body: bytes,
      });
      assert.equal(done.status, 204, done.body.toString());
      return location.split('/').at(-1) ?? '';
    }

    before(async () => {
      work = mkdtempSync(path.join(os.tmpdir(), 'comity-evidence-export-'));
      pair = await startNodePair(target, {
        requesting: ['fr-export', 'FR'],
        requested: ['de-export', 'DE'],
        requestingEnvironment: { COMITY_DATA_DIR: at('requesting') },
        requestedEnvironment: { COMITY_DATA_DIR: at('requested') },
      });
      const author = await asRole(pair.requesting, 'officer');
      const supervisor = await asRole(pair.requested, 'supervisor');
      custodian = await bearerAs(pair.requested, 'evidence-custodian');
      requestingCustodian = await bearerAs(pair.requesting, 'evidence-custodian');
      ({ requestedId, requestingId } = await pair.deliverRequest(
        author,
        supervisor,
        trafficDisclosureDraft('FR', 'DE', 1),
      ));
      // Evidence answers a request in execution: accepted, its execution begun.
      await pair.bringToExecution(requestedId);
      const first = await upload(files[0] ?? Buffer.alloc(0), {
        filename: 'mailbox export.mbox',
        what: 'Mailbox export',
        fromWhom: 'Example Mail GmbH',
        legalBasis: 'Order of the Amtsgericht',
      });
      const second = await upload(files[1] ?? Buffer.alloc(0), { filename: 'subscriber.csv' });
      const made = await pair.requested.app.inject({
        method: 'POST',
        url: `/api/v1/requests/${requestedId}/evidence/packages`,
        headers: custodian.headers,
        payload: {
          itemIds: [first, second],
          conditions: { limitedToRequestPurpose: true, onwardTransferNeedsConsent: true },
        },
      });
      assert.equal(made.statusCode, 201, made.body);
      packageId = json<{ package: { id: string } }>(made).package.id;
      // The two-person rule: the custodian asks, a supervisor approves, which offers the package.
      const sent = await sendEvidencePackage(pair.requested, requestedId, packageId, custodian);
      assert.equal(sent.statusCode, 200, sent.body);
      await pair.requestedWorker.runOnce();
      assert.deepEqual(await runEvidenceTransferRound(pair.requesting.context), ['verified']);
    });

    after(async () => {
      await pair?.close();
      if (work) rmSync(work, { recursive: true, force: true });
    });

    it('exports the package decrypted: files, SHA256SUMS, custody events, a report in French; verify passes', async () => {
      const run = await cli([
        'evidence',
        'export',
        requestingId,
        at('decrypted'),
        '--decrypted',
        '--lang',
        'fr',
        '--reason',
        'Production before the investigating judge',
      ]);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, new RegExp(`^exported package ${packageId} to .*: 2 items, 9 files`));
      assert.deepEqual(readFileSync(at('decrypted/items/001-mailbox_export.mbox')), files[0]);
      assert.deepEqual(readFileSync(at('decrypted/items/002-subscriber.csv')), files[1]);
      const sums = spawnSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: at('decrypted') });
      assert.equal(sums.status, 0, sums.stderr.toString());
      assert.match(sums.stdout.toString(), /manifest\.jws: OK/);

      const manifest = JSON.parse(readFileSync(at('decrypted/manifest.json'), 'utf8'));
      assert.deepEqual(
        manifest.items.map((item: { sha256: string }) => item.sha256),
        files.map(sha256),
      );
      const signer = JSON.parse(readFileSync(at('decrypted/signer.jwk.json'), 'utf8'));
      assert.equal(signer.nodeId, 'de-export');
      assert.equal(signer.kid, okpThumbprint(signer.jwk));

      // Exporting is in each item's custody chain, with who and why.
      const custody = JSON.parse(readFileSync(at('decrypted/custody.json'), 'utf8')) as CustodyFile;
      for (const chain of custody.items) {
        assert.deepEqual(
          chain.events.map((event) => event.kind),
          ['received', 'verified', 'exported'],
        );
        assert.equal(chain.events[2]?.details.reason, 'Production before the investigating judge');
        const timeline = await pair.requesting.app.inject({
          method: 'GET',
          url: `/api/v1/requests/${requestingId}/evidence/${chain.itemId}`,
          headers: requestingCustodian.headers,
        });
        const body = json<{ timeline: { kind: string; actor: { name: string } }[] }>(timeline);
        assert.equal(body.timeline.at(-1)?.kind, 'exported');
        assert.match(body.timeline.at(-1)?.actor.name ?? '', /\S/);
      }

      const verify = await runComity(at('cli-data'), ['evidence', 'verify', at('decrypted')]);
      assert.equal(verify.code, 0, verify.stderr);
      assert.match(verify.stdout, /^ok {4}manifest signature: valid, by node de-export with key /m);
      assert.match(
        verify.stdout,
        /items\/001-mailbox_export\.mbox: SHA-256 [0-9a-f]{64} matches the signed manifest/,
      );
      assert.match(
        verify.stdout,
        /custody chain of items\/002-subscriber\.csv: 3 events, hashes and links intact/,
      );
      assert.match(verify.stdout, /SHA256SUMS: 8 files match/);
      assert.match(verify.stdout, /all 7 checks passed\n$/);
    });

    it('writes a custody report that reads as text, in the language asked', {
      skip: !hasPdftotext && 'pdftotext (poppler-utils) is not installed',
    }, () => {
      const text = spawnSync('pdftotext', ['-enc', 'UTF-8', at('decrypted/custody-report.pdf'), '-'])
        .stdout.toString()
        .replace(/\s+/g, ' ');
      assert.match(text, /Rapport de conservation d'une exportation de preuves/);
      assert.match(text, /mailbox export\.mbox/);
      assert.match(text, new RegExp(sha256(files[0] ?? Buffer.alloc(0)).slice(0, 32)));
      assert.match(text, /Example Mail GmbH/);
      assert.match(
        text,
        /Utilisation limitée aux fins de la demande \(art\. 40\) : oui|Utilisation limitée aux fins de la demande \(art\. 40\): oui/,
      );
      assert.match(text, /exporté/);
      // Moments in French words, to the millisecond, in UTC: "Exporté le : 8 décembre 2026 à 10:04:11,123 UTC".
      assert.match(text, /Exporté le : \d{1,2} [a-zéû]+ \d{4} à \d{2}:\d{2}:\d{2},\d{3} UTC/);
      assert.doesNotMatch(text, /\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC/);
      assert.match(text, /Production before the investigating judge/);
      assert.match(text, /de-export/);
    });

    it("exports the items encrypted to an age recipient: Debian's age decrypts them, verify checks them", {
      skip: ageSkipReason,
    }, async () => {
      const keygen = await runComity(at('cli-data'), ['evidence', 'keygen', '-o', at('court.key')]);
      assert.equal(keygen.code, 0, keygen.stderr);
      const recipient = keygen.stdout.trim();
      const run = await cli([
        'evidence',
        'export',
        packageId,
        at('sealed'),
        '--age-recipient',
        recipient,
        '--reason',
        'Disclosure to the defence expert',
      ]);
      assert.equal(run.code, 0, run.stderr);
      const plain = runAge(['-d', '-i', at('court.key'), at('sealed/items/001-mailbox_export.mbox.age')]);
      assert.deepEqual(plain, files[0]);
      const withoutKey = await runComity(at('cli-data'), ['evidence', 'verify', at('sealed')]);
      assert.equal(withoutKey.code, 0, withoutKey.stderr);
      assert.match(withoutKey.stdout, /encrypted form matches the digest recorded at export/);
      const withKey = await runComity(at('cli-data'), [
        'evidence',
        'verify',
        at('sealed'),
        '-i',
        at('court.key'),
      ]);
      assert.equal(withKey.code, 0, withKey.stderr);
      assert.match(
        withKey.stdout,
        /001-mailbox_export\.mbox\.age: decrypted, SHA-256 [0-9a-f]{64} matches the signed manifest/,
      );
      const other = await runComity(at('cli-data'), ['evidence', 'keygen', '-o', at('other.key')]);
      assert.equal(other.code, 0);
      const wrongKey = await runComity(at('cli-data'), [
        'evidence',
        'verify',
        at('sealed'),
        '-i',
        at('other.key'),
      ]);
      assert.equal(wrongKey.code, 1);
      assert.match(
        wrongKey.stderr,
        /^comity: FAILED: items\/001-mailbox_export\.mbox\.age \(item mailbox export\.mbox\) does not decrypt: no identity matches/m,
      );
    });

    /** A copy of the intact export, changed by `change`, must fail verify with `expected`. */
    async function assertFails(name: string, change: (folder: string) => void, expected: RegExp) {
      const folder = at(`tampered-${name}`);
      cpSync(at('decrypted'), folder, { recursive: true });
      change(folder);
      const run = await runComity(at('cli-data'), ['evidence', 'verify', folder]);
      assert.equal(run.code, 1, `${name}: ${run.stdout}`);
      const lines = run.stderr.trim().split('\n');
      assert.equal(lines.length, 1, run.stderr);
      assert.match(lines[0] ?? '', expected);
    }

    it('fails, naming the problem, on a flipped byte, an altered manifest, another key, a removed or altered custody event', async () => {
      await assertFails(
        'item',
        (folder) => {
          const file = path.join(folder, 'items/002-subscriber.csv');
          const bytes = readFileSync(file);
          bytes[3] = (bytes[3] ?? 0) ^ 0x01;
          writeFileSync(file, bytes);
        },
        /^comity: FAILED: items\/002-subscriber\.csv \(item subscriber\.csv\): its SHA-256 does not match the signed manifest$/,
      );
      await assertFails(
        'manifest',
        (folder) => {
          const file = path.join(folder, 'manifest.jws');
          const [header, payload, signature] = readFileSync(file, 'utf8').trim().split('.');
          const content = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8'));
          content.conditions.onwardTransferNeedsConsent = false;
          const altered = Buffer.from(JSON.stringify(content)).toString('base64url');
          writeFileSync(file, `${header}.${altered}.${signature}\n`);
        },
        /^comity: FAILED: manifest\.jws: /,
      );
      await assertFails(
        'other-key',
        (folder) => {
          const file = path.join(folder, 'manifest.jws');
          const reading = readManifest(readFileSync(file, 'utf8').trim());
          assert.ok(reading.ok);
          const { privateKey, publicKey } = generateKeyPairSync('ed25519');
          const jwk = publicKey.export({ format: 'jwk' }) as { kty: string; crv: string; x: string };
          const signed = signManifest(reading.manifest, {
            kid: okpThumbprint(jwk),
            privateJwk: privateKey.export({ format: 'jwk' }),
          });
          writeFileSync(file, `${signed}\n`);
        },
        /^comity: FAILED: manifest\.jws: signed with another key \(key \S+ of node de-export\)$/,
      );
      const custodyOf = (folder: string) => path.join(folder, 'custody.json');
      await assertFails(
        'removed-event',
        (folder) => {
          const custody = JSON.parse(readFileSync(custodyOf(folder), 'utf8')) as CustodyFile;
          custody.items[0]?.events.splice(1, 1);
          writeFileSync(custodyOf(folder), JSON.stringify(custody, null, 2));
        },
        /^comity: FAILED: custody chain of items\/001-mailbox_export\.mbox: event 3 \([0-9a-f-]+\) is broken: expected event 2 here, found 3$/,
      );
      await assertFails(
        'altered-event',
        (folder) => {
          const custody = JSON.parse(readFileSync(custodyOf(folder), 'utf8')) as CustodyFile;
          const event = custody.items[1]?.events[2];
          assert.ok(event);
          event.details.reason = 'Something else';
          writeFileSync(custodyOf(folder), JSON.stringify(custody, null, 2));
        },
        /^comity: FAILED: custody chain of items\/002-subscriber\.csv: event 3 \([0-9a-f-]+\) is broken: its content does not match its hash/,
      );
      await assertFails(
        'sums',
        (folder) =>
          writeFileSync(
            path.join(folder, 'export.json'),
            `${readFileSync(path.join(folder, 'export.json'), 'utf8')} `,
          ),
        /^comity: FAILED: export\.json does not match its SHA-256 in SHA256SUMS \(changed after export\)$/,
      );
    });

    it('refuses an export without a form, to a user without evidence:read, and over the API without a reason', async () => {
      const noForm = await cli(['evidence', 'export', requestingId, at('none'), '--reason', 'x']);
      assert.equal(noForm.code, 1);
      assert.equal(
        noForm.stderr,
        'comity: choose the form of the items: --decrypted, or --age-recipient age1...\n',
      );
      const officer = await bearerAs(pair.requesting, 'officer');
      const refused = await cli(
        ['evidence', 'export', requestingId, at('none'), '--decrypted', '--reason', 'x'],
        officer,
      );
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /^comity: .+\n$/);
      const noReason = await pair.requesting.app.inject({
        method: 'POST',
        url: '/api/v1/evidence/exports',
        headers: requestingCustodian.headers,
        payload: { id: packageId, form: 'decrypted', reason: ' ' },
      });
      assert.equal(noReason.statusCode, 400);
    });
  });
}
