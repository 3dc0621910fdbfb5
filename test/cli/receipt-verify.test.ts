/**
 * `comity receipt verify` on a node's database (PGlite): a receipt signed by a node of the
 * directory this node holds verifies (from a file, from standard input, by message id); a tampered
 * one, or one signed by a node the directory does not list, is refused in one line with a non-zero exit.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Kysely } from 'kysely';
import { messageDigest } from '../../src/federation/protocol/digest.ts';
import { signDirectory } from '../../src/federation/protocol/directory-document.ts';
import { generateSigningKeyPair } from '../../src/federation/protocol/keys.ts';
import { signReceipt } from '../../src/federation/protocol/receipt.ts';
import { createUuidV7 } from '../../src/federation/protocol/uuid-v7.ts';
import { writeDirectoryCache } from '../../src/storage/federation-directory.repository.ts';
import { insertOutboxMessage, recordDelivered } from '../../src/storage/outbox.repository.ts';
import type { Database } from '../../src/storage/schema.ts';
import { directoryNodeOf, planNode } from '../api/delivery-fixture.ts';
import { runComity, withDataDirectoryDatabase } from '../helpers/cli.ts';

describe('comity receipt verify (on the node database, PGlite)', () => {
  let dataDirectory: string;
  let receipt: string;
  let receiptFile: string;
  let signerKid: string;
  const messageId = createUuidV7();
  const message = 'header.payload.signature';

  const withDatabase = <T>(work: (db: Kysely<Database>) => Promise<T>): Promise<T> =>
    withDataDirectoryDatabase(dataDirectory, work);

  before(async () => {
    dataDirectory = await mkdtemp(path.join(os.tmpdir(), 'comity-cli-receipt-'));
    const germany = await planNode('de-247', 'DE');
    signerKid = germany.keys.signing.kid;
    const now = new Date();
    const document = await signDirectory(
      {
        v: 1,
        serial: 1,
        issuedAt: now.toISOString(),
        expiresAt: new Date(now.getTime() + 86_400_000).toISOString(),
        nodes: [directoryNodeOf(germany, 'https://de.example')],
      },
      await generateSigningKeyPair(),
    );
    receipt = await signReceipt(
      {
        messageId,
        digest: messageDigest(message),
        from: 'de-247',
        to: 'fr-247',
        receivedAt: now.toISOString(),
      },
      germany.keys.signing,
    );
    // Beside the data directory, not in it: a node's directory holds only what the node keeps.
    receiptFile = `${dataDirectory}.receipt.jws`;
    await writeFile(receiptFile, `${receipt}\n`);
    await withDatabase(async (db) => {
      await writeDirectoryCache(db, { document, serial: 1, fetchedAt: now });
      await insertOutboxMessage(db, {
        id: messageId,
        caseId: 'case-1',
        peerNodeId: 'de-247',
        type: 'request.submitted',
        message,
        digest: messageDigest(message),
        now,
      });
      await recordDelivered(db, messageId, { receipt, receiptReceivedAt: now, now, statusCode: 200 });
    });
  });
  after(async () => {
    await rm(dataDirectory, { recursive: true, force: true });
    await rm(receiptFile, { force: true });
  });

  it('a real receipt verifies from a file, from standard input and by message id, in one line', async () => {
    for (const run of [
      await runComity(dataDirectory, ['receipt', 'verify', receiptFile]),
      await runComity(dataDirectory, ['receipt', 'verify'], { input: receipt }),
      await runComity(dataDirectory, ['receipt', 'verify', '--message', messageId]),
    ]) {
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stdout.trim().split('\n').length, 1);
      assert.match(
        run.stdout,
        new RegExp(
          `^valid receipt: de-247 \\(key ${signerKid}\\) received message ${messageId} from fr-247 at `,
        ),
      );
      assert.match(run.stdout, new RegExp(`digest ${messageDigest(message)}`));
    }
  });

  it('a tampered receipt is refused with the reason and a non-zero exit', async () => {
    const [header, payload, signature] = receipt.split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as Record<
      string,
      unknown
    >;
    const forged = Buffer.from(JSON.stringify({ ...claims, to: 'it-247' })).toString('base64url');
    const run = await runComity(dataDirectory, ['receipt', 'verify', '-'], {
      input: [header, forged, signature].join('.'),
    });
    assert.equal(run.code, 1);
    assert.equal(run.stdout, '');
    assert.match(
      run.stderr,
      /^comity: invalid receipt \(receipt from de-247 for message .+\): bad-signature: /,
    );
    assert.equal(run.stderr.trim().split('\n').length, 1);
  });

  it('a receipt by a node the directory does not list, or no receipt at all, is refused', async () => {
    const stranger = await planNode('xx-1', 'IT');
    const unknown = await signReceipt(
      {
        messageId,
        digest: messageDigest(message),
        from: 'xx-1',
        to: 'fr-247',
        receivedAt: new Date().toISOString(),
      },
      stranger.keys.signing,
    );
    const bySomeone = await runComity(dataDirectory, ['receipt', 'verify'], { input: unknown });
    assert.equal(bySomeone.code, 1);
    assert.match(
      bySomeone.stderr,
      /unknown-signer: the directory of nodes this node holds lists no node xx-1/,
    );
    const garbage = await runComity(dataDirectory, ['receipt', 'verify'], { input: 'not a receipt' });
    assert.equal(garbage.code, 1);
    assert.match(garbage.stderr, /^comity: invalid receipt: malformed-receipt: /);
    const noMessage = await runComity(dataDirectory, ['receipt', 'verify', '--message', createUuidV7()]);
    assert.equal(noMessage.code, 1);
    assert.match(noMessage.stderr, /this node has no message/);
  });
});
