/**
 * The checked-in test vectors (test/fixtures/federation-vectors/*.json, embedded in docs/federation.md):
 * the code must still make exactly these bytes, and open and verify them. If this fails after a
 * deliberate protocol change, regenerate with `node test/fixtures/federation-vectors/generate.ts` and bump
 * the protocol version; otherwise the change broke the wire format.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { compactDecrypt, type JWK } from 'jose';
import {
  computeKid,
  importDecryptionKey,
  type DirectoryDocument,
  type DirectoryKey,
  type KeyPairJwk,
  keyPairFromPrivateJwk,
  messageDigest,
  openMessage,
  sealMessageDeterministic,
  signDirectory,
  signReceipt,
  verifyDirectory,
  verifyReceipt,
} from '../../../src/federation/protocol/index.ts';
import { DEFAULT_MESSAGE_REGISTRY } from '../../../src/federation/messages/registry.ts';
import {
  buildVectorFiles,
  DOCS_PATH,
  embedVectorsInDocs,
  readVectorFiles,
} from '../../fixtures/federation-vectors/generate.ts';

const vectorsDirectory = path.join(import.meta.dirname, '..', '..', 'fixtures', 'federation-vectors');

async function readVector<T>(name: string): Promise<T> {
  return JSON.parse(await readFile(path.join(vectorsDirectory, name), 'utf8')) as T;
}

type VectorKeyPair = KeyPairJwk & { seedLabel: string };
type Keys = {
  sender: { nodeId: string; signing: VectorKeyPair; encryption: VectorKeyPair };
  recipient: { nodeId: string; signing: VectorKeyPair; encryption: VectorKeyPair };
  secretariat: { nodeId: string; signing: VectorKeyPair };
  ephemeral: VectorKeyPair;
};
type MessageVector = {
  inputs: {
    envelope: {
      v: 1;
      id: string;
      from: string;
      to: string;
      type: 'ping' | 'request.submitted';
      case: string;
      createdAt: string;
    };
    body: unknown;
    bodyPlaintext: string;
    ivBase64url: string;
    openAt: string;
    clockSkewSeconds: number;
  };
  expected: { bodyJwe: string; payloadJson: string; messageJws: string; digest: string };
};
type ReceiptVector = {
  inputs: { messageId: string; digest: string; from: string; to: string; receivedAt: string };
  expected: { payloadJson: string; receiptJws: string };
};
type DirectoryVector = {
  inputs: { document: DirectoryDocument; verifyAt: string };
  expected: { payloadJson: string; directoryJws: string };
};

const keys = await readVector<Keys>('keys.json');

function sigKey(pair: KeyPairJwk): DirectoryKey {
  return {
    kid: pair.kid,
    use: 'sig',
    jwk: pair.publicJwk,
    notBefore: '2026-01-01T00:00:00Z',
    notAfter: '2027-12-31T23:59:59Z',
  };
}

describe('federation test vectors', () => {
  it('should be exactly what the generator makes (regenerating changes nothing)', async () => {
    const built = await buildVectorFiles();
    const onDisk = await readVectorFiles(Object.keys(built));
    for (const [name, text] of Object.entries(built))
      assert.equal(onDisk[name], text, `${name} differs from the generator`);
  });

  it('should be embedded, as they are, in docs/federation.md', async () => {
    const docs = await readFile(DOCS_PATH, 'utf8');
    assert.equal(
      embedVectorsInDocs(docs, await buildVectorFiles()),
      docs,
      'run node test/fixtures/federation-vectors/generate.ts',
    );
  });

  it('should have keys whose public parts and kids derive from the private JWKs', async () => {
    const pairs = [
      keys.sender.signing,
      keys.sender.encryption,
      keys.recipient.signing,
      keys.recipient.encryption,
      keys.secretariat.signing,
      keys.ephemeral,
    ];
    for (const pair of pairs) {
      const derived = await keyPairFromPrivateJwk(pair.privateJwk as JWK);
      assert.deepEqual(derived.publicJwk, pair.publicJwk);
      assert.equal(await computeKid(pair.publicJwk), pair.kid);
    }
  });

  for (const file of ['message-ping.json', 'message-request-submitted.json']) {
    describe(file, async () => {
      const vector = await readVector<MessageVector>(file);

      it('should seal to the exact expected bytes with the fixed epk and IV', async () => {
        const sealed = await sealMessageDeterministic(
          {
            envelope: vector.inputs.envelope,
            body: vector.inputs.body,
            senderSigning: keys.sender.signing,
            recipientEncryption: keys.recipient.encryption,
          },
          {
            ephemeralPrivateJwk: keys.ephemeral.privateJwk,
            iv: Buffer.from(vector.inputs.ivBase64url, 'base64url'),
          },
        );
        assert.equal(sealed, vector.expected.messageJws);
        assert.equal(
          Buffer.from(sealed.split('.')[1] ?? '', 'base64url').toString('utf8'),
          vector.expected.payloadJson,
        );
        assert.equal(JSON.parse(vector.expected.payloadJson).body, vector.expected.bodyJwe);
        assert.equal(messageDigest(sealed), vector.expected.digest);
      });

      it('should decrypt the body JWE to the exact plaintext with the recipient key', async () => {
        const { plaintext, protectedHeader } = await compactDecrypt(
          vector.expected.bodyJwe,
          await importDecryptionKey(keys.recipient.encryption.privateJwk),
        );
        assert.equal(Buffer.from(plaintext).toString('utf8'), vector.inputs.bodyPlaintext);
        assert.equal(protectedHeader.cty, vector.inputs.envelope.type);
      });

      it('should open to the expected envelope and body as the recipient', async () => {
        const result = await openMessage(vector.expected.messageJws, {
          bodySchemaOf: (type) => DEFAULT_MESSAGE_REGISTRY.find(type)?.bodySchema,
          resolveSenderKey: (nodeId, kid) =>
            nodeId === keys.sender.nodeId && kid === keys.sender.signing.kid
              ? sigKey(keys.sender.signing)
              : undefined,
          self: { nodeId: keys.recipient.nodeId, encryption: keys.recipient.encryption },
          now: new Date(vector.inputs.openAt),
          clockSkewSeconds: vector.inputs.clockSkewSeconds,
          maxBytes: 256 * 1024,
        });
        assert.ok(result.ok, result.ok ? '' : result.detail);
        assert.deepEqual(result.body, vector.inputs.body);
        assert.deepEqual(
          { ...result.envelope, body: undefined },
          { ...vector.inputs.envelope, body: undefined },
        );
        assert.equal(result.digest, vector.expected.digest);
      });
    });
  }

  it('should refuse each negative vector with its own reason, before or instead of opening it', async () => {
    const keys = await readVector<Keys>('keys.json');
    const negative = await readVector<{
      openAt: string;
      clockSkewSeconds: number;
      vectors: Array<{ name: string; message: string; reason: string; problemType: string }>;
    }>('message-negative.json');
    assert.deepEqual([...new Set(negative.vectors.map((vector) => vector.reason))].sort(), [
      'duplicate-member',
      'non-canonical-encoding',
    ]);
    for (const vector of negative.vectors) {
      const result = await openMessage(vector.message, {
        bodySchemaOf: (type) => DEFAULT_MESSAGE_REGISTRY.find(type)?.bodySchema,
        resolveSenderKey: (nodeId, kid) =>
          nodeId === keys.sender.nodeId && kid === keys.sender.signing.kid
            ? sigKey(keys.sender.signing)
            : undefined,
        self: { nodeId: keys.recipient.nodeId, encryption: keys.recipient.encryption },
        now: new Date(negative.openAt),
        clockSkewSeconds: negative.clockSkewSeconds,
        maxBytes: 256 * 1024,
      });
      assert.equal(result.ok, false, vector.name);
      assert.equal(
        result.ok ? '' : result.reason,
        vector.reason,
        `${vector.name}: ${result.ok ? '' : result.detail}`,
      );
      assert.equal(vector.problemType, `urn:comity:problem:federation-${vector.reason}`);
    }
  });

  it('should sign the receipt vector to the exact bytes and verify it against the message digest', async () => {
    const vector = await readVector<ReceiptVector>('receipt.json');
    const message = await readVector<MessageVector>('message-request-submitted.json');
    assert.equal(vector.inputs.digest, message.expected.digest);
    const receiptJws = await signReceipt(vector.inputs, keys.recipient.signing);
    assert.equal(receiptJws, vector.expected.receiptJws);
    assert.equal(
      Buffer.from(receiptJws.split('.')[1] ?? '', 'base64url').toString('utf8'),
      vector.expected.payloadJson,
    );
    const verified = await verifyReceipt(receiptJws, {
      receiverKey: sigKey(keys.recipient.signing),
      expectedMessageId: message.inputs.envelope.id,
      expectedDigest: messageDigest(message.expected.messageJws),
      now: new Date(vector.inputs.receivedAt),
    });
    assert.ok(verified.ok, verified.ok ? '' : verified.detail);
  });

  it('should sign the directory vector to the exact bytes and verify it with the pinned secretariat key', async () => {
    const vector = await readVector<DirectoryVector>('directory.json');
    const directoryJws = await signDirectory(vector.inputs.document, keys.secretariat.signing);
    assert.equal(directoryJws, vector.expected.directoryJws);
    assert.equal(
      Buffer.from(directoryJws.split('.')[1] ?? '', 'base64url').toString('utf8'),
      vector.expected.payloadJson,
    );
    const verified = await verifyDirectory(
      directoryJws,
      [keys.secretariat.signing.publicJwk],
      new Date(vector.inputs.verifyAt),
    );
    assert.ok(verified.ok, verified.ok ? '' : verified.detail);
    assert.deepEqual(verified.directory, vector.inputs.document);
  });
});
