/**
 * The v1 test vectors checked by a second, independent implementation of the JOSE operations they
 * use, written here on node:crypto alone (no jose, no Comity protocol code): Ed25519 signatures of
 * the compact JWS (RFC 7515, RFC 8037), the message digest, and the body JWE with ECDH-ES on X25519,
 * the Concat KDF and A256GCM (RFC 7516, RFC 7518 sections 4.6 and 5.3). A node written in another
 * language follows the same steps; a difference between this and jose would show here.
 */
import assert from 'node:assert/strict';
import {
  createDecipheriv,
  createHash,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  type JsonWebKey,
  verify,
} from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';

const VECTORS = path.join(import.meta.dirname, '..', '..', 'fixtures', 'federation-vectors');

function readVector<T>(name: string): T {
  return JSON.parse(readFileSync(path.join(VECTORS, name), 'utf8')) as T;
}

type Jwk = JsonWebKey & { kty: string; crv: string; x: string; d?: string };
type KeyPair = { kid: string; publicJwk: Jwk; privateJwk: Jwk };
const keys = readVector<{
  sender: { nodeId: string; signing: KeyPair; encryption: KeyPair };
  recipient: { nodeId: string; signing: KeyPair; encryption: KeyPair };
  secretariat: { signing: KeyPair };
}>('keys.json');

const fromBase64url = (text: string): Buffer => Buffer.from(text, 'base64url');
const decodeJson = (text: string): unknown => JSON.parse(fromBase64url(text).toString('utf8'));

/** RFC 7515 compact serialization, verified with Ed25519 (RFC 8037): header, payload bytes. */
function verifyCompactJws(compact: string, publicJwk: Jwk): { header: unknown; payload: string } {
  const parts = compact.split('.');
  assert.equal(parts.length, 3, 'a compact JWS has three parts');
  const [header = '', payload = '', signature = ''] = parts;
  const key = createPublicKey({ key: publicJwk, format: 'jwk' });
  const isValid = verify(null, Buffer.from(`${header}.${payload}`, 'ascii'), key, fromBase64url(signature));
  assert.ok(isValid, 'the Ed25519 signature verifies');
  return { header: decodeJson(header), payload: fromBase64url(payload).toString('utf8') };
}

/** Concat KDF of RFC 7518 section 4.6.2, for direct key agreement (AlgorithmID = enc), no apu/apv. */
function concatKdf(sharedSecret: Buffer, enc: string, keyBits: number): Buffer {
  const lengthPrefixed = (value: Buffer) => Buffer.concat([uint32(value.length), value]);
  const otherInfo = Buffer.concat([
    lengthPrefixed(Buffer.from(enc, 'ascii')),
    lengthPrefixed(Buffer.alloc(0)),
    lengthPrefixed(Buffer.alloc(0)),
    uint32(keyBits),
  ]);
  // One round of SHA-256 gives the 256 bits A256GCM needs.
  return createHash('sha256')
    .update(Buffer.concat([uint32(1), sharedSecret, otherInfo]))
    .digest();
}

function uint32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32BE(value);
  return buffer;
}

/** RFC 7516 compact JWE with ECDH-ES (X25519) and A256GCM: the protected header and the plaintext. */
function decryptCompactJwe(
  compact: string,
  recipientPrivateJwk: Jwk,
): { header: Record<string, unknown>; plaintext: string } {
  const parts = compact.split('.');
  assert.equal(parts.length, 5, 'a compact JWE has five parts');
  const [protectedHeader = '', encryptedKey, iv = '', ciphertext = '', tag = ''] = parts;
  assert.equal(encryptedKey, '', 'ECDH-ES in direct key agreement carries no encrypted key');
  const header = decodeJson(protectedHeader) as Record<string, unknown> & {
    epk: Jwk;
    enc: string;
    alg: string;
  };
  assert.equal(header.alg, 'ECDH-ES');
  assert.equal(header.enc, 'A256GCM');
  const sharedSecret = diffieHellman({
    privateKey: createPrivateKey({ key: recipientPrivateJwk, format: 'jwk' }),
    publicKey: createPublicKey({ key: header.epk, format: 'jwk' }),
  });
  const contentKey = concatKdf(sharedSecret, header.enc, 256);
  const decipher = createDecipheriv('aes-256-gcm', contentKey, fromBase64url(iv));
  decipher.setAAD(Buffer.from(protectedHeader, 'ascii'));
  decipher.setAuthTag(fromBase64url(tag));
  const plaintext = Buffer.concat([decipher.update(fromBase64url(ciphertext)), decipher.final()]).toString(
    'utf8',
  );
  return { header, plaintext };
}

type MessageVector = {
  inputs: { envelope: Record<string, unknown>; bodyPlaintext: string };
  expected: {
    bodyJweProtectedHeader: Record<string, unknown>;
    bodyJwe: string;
    messageProtectedHeader: unknown;
    payloadJson: string;
    messageJws: string;
    digest: string;
  };
};

describe('federation v1 vectors, checked without jose', () => {
  for (const name of ['message-ping.json', 'message-request-submitted.json']) {
    describe(name, () => {
      const vector = readVector<MessageVector>(name);

      it('verifies the message signature with the sender key and reads the envelope', () => {
        const { header, payload } = verifyCompactJws(
          vector.expected.messageJws,
          keys.sender.signing.publicJwk,
        );
        assert.deepEqual(header, vector.expected.messageProtectedHeader);
        assert.equal(payload, vector.expected.payloadJson);
        const envelope = JSON.parse(payload) as Record<string, unknown>;
        assert.deepEqual({ ...envelope, body: undefined }, { ...vector.inputs.envelope, body: undefined });
        assert.equal(envelope.body, vector.expected.bodyJwe);
      });

      it('computes the digest a receipt is about (SHA-256 of the compact JWS)', () => {
        assert.equal(
          createHash('sha256').update(vector.expected.messageJws, 'utf8').digest('base64url'),
          vector.expected.digest,
        );
      });

      it('decrypts the body with the recipient key: ECDH-ES on X25519, Concat KDF, A256GCM', () => {
        const { header, plaintext } = decryptCompactJwe(
          vector.expected.bodyJwe,
          keys.recipient.encryption.privateJwk,
        );
        assert.deepEqual(header, vector.expected.bodyJweProtectedHeader);
        assert.equal(header.kid, keys.recipient.encryption.kid);
        assert.equal(header.cty, vector.inputs.envelope.type);
        assert.equal(header.iss, vector.inputs.envelope.from);
        assert.equal(plaintext, vector.inputs.bodyPlaintext);
      });

      it('refuses the body with another key and a changed protected header', () => {
        assert.throws(() => decryptCompactJwe(vector.expected.bodyJwe, keys.sender.encryption.privateJwk));
        const [, ...rest] = vector.expected.bodyJwe.split('.');
        const otherHeader = Buffer.from(
          JSON.stringify({ ...vector.expected.bodyJweProtectedHeader, iss: 'someone-else' }),
        ).toString('base64url');
        assert.throws(() =>
          decryptCompactJwe([otherHeader, ...rest].join('.'), keys.recipient.encryption.privateJwk),
        );
      });
    });
  }

  it('verifies the receipt with the receiver key', () => {
    const vector = readVector<{
      expected: { protectedHeader: unknown; payloadJson: string; receiptJws: string };
    }>('receipt.json');
    const { header, payload } = verifyCompactJws(
      vector.expected.receiptJws,
      keys.recipient.signing.publicJwk,
    );
    assert.deepEqual(header, vector.expected.protectedHeader);
    assert.equal(payload, vector.expected.payloadJson);
  });

  it('verifies the directory with the secretariat key', () => {
    const vector = readVector<{
      expected: { protectedHeader: unknown; payloadJson: string; directoryJws: string };
    }>('directory.json');
    const { header, payload } = verifyCompactJws(
      vector.expected.directoryJws,
      keys.secretariat.signing.publicJwk,
    );
    assert.deepEqual(header, vector.expected.protectedHeader);
    assert.equal(payload, vector.expected.payloadJson);
  });

  it('refuses a signature by another key', () => {
    const vector = readVector<MessageVector>('message-ping.json');
    assert.throws(
      () => verifyCompactJws(vector.expected.messageJws, keys.recipient.signing.publicJwk),
      /signature/,
    );
  });
});
