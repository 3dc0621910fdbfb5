/** Receipts: signed by the receiver over the message digest, verified by the sender. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  messageDigest,
  type ReceiptRejectionReason,
  signCompactJws,
  signReceipt,
  type VerifyReceiptResult,
  verifyReceipt,
} from '../../../src/federation/protocol/index.ts';
import {
  assembleToken,
  createTestNode,
  decodePayload,
  directoryKeyOf,
  flipSignatureByte,
  forgeHs256Token,
  NOW,
  sealPing,
} from './protocol-fixtures.ts';

const sender = await createTestNode('fr-ca');
const receiver = await createTestNode('de-247');
const stranger = await createTestNode('xx-stranger');
const message = await sealPing(sender, receiver);
const messageId = String(decodePayload(message).id);
const digest = messageDigest(message);
const receiverKey = directoryKeyOf(receiver.keys.signing, 'sig');

const receiptInput = {
  messageId,
  digest,
  from: receiver.nodeId,
  to: sender.nodeId,
  receivedAt: NOW.toISOString(),
};
const receipt = await signReceipt(receiptInput, receiver.keys.signing);

function verifyAsSender(compact: string, overrides: Partial<Parameters<typeof verifyReceipt>[1]> = {}) {
  return verifyReceipt(compact, {
    receiverKey,
    expectedMessageId: messageId,
    expectedDigest: digest,
    now: NOW,
    ...overrides,
  });
}

function assertRejected(result: VerifyReceiptResult, reason: ReceiptRejectionReason): void {
  assert.equal(result.ok, false, `expected ${reason}, got ok`);
  if (!result.ok) assert.equal(result.reason, reason, result.detail);
}

describe('receipts', () => {
  it('should verify a receipt for the message sent, from and to the right nodes', async () => {
    const result = await verifyAsSender(receipt, { expectedFrom: 'de-247', expectedTo: 'fr-ca' });
    assert.ok(result.ok, result.ok ? '' : result.detail);
    assert.deepEqual(result.receipt, { v: 1, type: 'receipt', ...receiptInput });
    assert.equal(result.kid, receiver.keys.signing.kid);
  });

  it('should digest the compact JWS bytes as base64url SHA-256', () => {
    assert.equal(messageDigest('abc'), 'ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0');
  });

  it('should refuse a receipt about other bytes (wrong digest)', async () => {
    assertRejected(
      await verifyAsSender(receipt, { expectedDigest: messageDigest(`${message}x`) }),
      'wrong-digest',
    );
  });

  it('should refuse a receipt for another message', async () => {
    const other = String(decodePayload(await sealPing(sender, receiver)).id);
    assertRejected(await verifyAsSender(receipt, { expectedMessageId: other }), 'wrong-message');
  });

  it('should refuse a receipt naming other parties', async () => {
    assertRejected(await verifyAsSender(receipt, { expectedFrom: 'xx-stranger' }), 'wrong-parties');
    assertRejected(await verifyAsSender(receipt, { expectedTo: 'xx-stranger' }), 'wrong-parties');
  });

  it('should refuse a receipt signed by another node', async () => {
    assertRejected(
      await verifyAsSender(await signReceipt(receiptInput, stranger.keys.signing)),
      'unknown-key',
    );
    const impostor = { ...stranger.keys.signing, kid: receiver.keys.signing.kid };
    assertRejected(await verifyAsSender(await signReceipt(receiptInput, impostor)), 'bad-signature');
  });

  it('should refuse a flipped signature byte', async () => {
    assertRejected(await verifyAsSender(flipSignatureByte(receipt)), 'bad-signature');
  });

  it('should refuse alg none and an HMAC keyed with the public key', async () => {
    const payload = decodePayload(receipt);
    const header = { kid: receiver.keys.signing.kid, typ: 'comity-receipt+jws' };
    assertRejected(
      await verifyAsSender(assembleToken({ ...header, alg: 'none' }, payload, '')),
      'unsupported-algorithm',
    );
    const hmacKey = Buffer.from(String(receiver.keys.signing.publicJwk.x), 'base64url');
    assertRejected(await verifyAsSender(forgeHs256Token(header, payload, hmacKey)), 'unsupported-algorithm');
  });

  it('should refuse a message JWS passed off as a receipt, and garbage', async () => {
    assertRejected(await verifyAsSender(message), 'malformed-receipt');
    assertRejected(await verifyAsSender('not.a.receipt'), 'malformed-receipt');
  });

  it('should refuse a validly signed receipt with an invalid payload', async () => {
    const payload = { ...decodePayload(receipt), extra: 1 };
    const compact = await signCompactJws(payload, receiver.keys.signing, 'comity-receipt+jws');
    assertRejected(await verifyAsSender(compact), 'schema-invalid');
  });

  it('should refuse a receipt whose key is outside its validity, and accept either key during rotation', async () => {
    const expired = directoryKeyOf(receiver.keys.signing, 'sig', {
      notBefore: '2025-01-01T00:00:00Z',
      notAfter: '2026-01-01T00:00:00Z',
    });
    assertRejected(await verifyAsSender(receipt, { receiverKey: expired }), 'expired-key');
    const next = await createTestNode('de-247');
    const both = [directoryKeyOf(next.keys.signing, 'sig'), receiverKey];
    assert.ok((await verifyAsSender(receipt, { receiverKey: both })).ok);
    assert.ok(
      (await verifyAsSender(await signReceipt(receiptInput, next.keys.signing), { receiverKey: both })).ok,
    );
  });

  it('should refuse to sign an invalid receipt', async () => {
    await assert.rejects(signReceipt({ ...receiptInput, digest: 'short' }, receiver.keys.signing), TypeError);
  });
});
