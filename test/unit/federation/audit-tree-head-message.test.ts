/**
 * The audit.tree-head message (src/federation/messages/audit-tree-head.message.ts): a head whose
 * signed JWS names the body's size, root and the envelope's sender is kept as a witnessed head; one
 * that does not is refused as schema-invalid.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { auditTreeHeadMessage } from '../../../src/federation/messages/audit-tree-head.message.ts';
import { generateSigningKeyPair, JWS_TYPES, signCompactJws } from '../../../src/federation/protocol/index.ts';

const ROOT = 'ab'.repeat(32);
const AT = '2026-12-12T10:00:00.000Z';

async function message(payload: Record<string, unknown>, from = 'fr-ca') {
  const signing = await generateSigningKeyPair();
  const signature = await signCompactJws(payload, signing, JWS_TYPES.auditTreeHead);
  const body = auditTreeHeadMessage.bodySchema.parse({
    treeSize: 8,
    rootHash: ROOT,
    signedAt: AT,
    signature,
  });
  return {
    kid: signing.kid,
    received: { envelope: { from } as never, body, receivedAt: new Date(AT) },
  };
}

const head = { v: 1, type: 'audit.tree-head', nodeId: 'fr-ca', treeSize: 8, rootHash: ROOT, signedAt: AT };

describe('audit.tree-head message', () => {
  it('keeps a head signed for its size, root and sender', async () => {
    const { kid, received } = await message(head);
    const effect = await auditTreeHeadMessage.receive(received, {} as never);
    assert.equal(effect?.kind, 'audit-witnessed-head');
    assert.ok(effect?.kind === 'audit-witnessed-head');
    assert.equal(effect.head.nodeId, 'fr-ca');
    assert.equal(effect.head.treeSize, 8);
    assert.equal(effect.head.keyId, kid);
  });

  it('refuses a head whose signed size, root or node differs from the message', async () => {
    for (const payload of [
      { ...head, treeSize: 9 },
      { ...head, rootHash: 'cd'.repeat(32) },
      { ...head, nodeId: 'de-247' },
    ]) {
      const { received } = await message(payload);
      const effect = await auditTreeHeadMessage.receive(received, {} as never);
      assert.equal(effect?.kind, 'refused');
    }
  });

  it('refuses a body that is not a head', () => {
    assert.ok(
      !auditTreeHeadMessage.bodySchema.safeParse({
        treeSize: -1,
        rootHash: ROOT,
        signedAt: AT,
        signature: 'x',
      }).success,
    );
    assert.ok(
      !auditTreeHeadMessage.bodySchema.safeParse({
        treeSize: 1,
        rootHash: 'XYZ',
        signedAt: AT,
        signature: 'x',
      }).success,
    );
  });
});
