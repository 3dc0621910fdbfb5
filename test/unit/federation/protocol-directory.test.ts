/** The signed directory: signed by the secretariat, verified against the pinned key at a time. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type DirectoryDocument,
  type DirectoryRejectionReason,
  generateSigningKeyPair,
  signCompactJws,
  signDirectory,
  type VerifyDirectoryResult,
  verifyDirectory,
} from '../../../src/federation/protocol/index.ts';
import { assembleToken, createTestNode, decodePayload, flipSignatureByte, NOW } from './protocol-fixtures.ts';

const secretariat = await generateSigningKeyPair();
const otherSecretariat = await generateSigningKeyPair();
const node = await createTestNode('fr-ca');

const document: DirectoryDocument = {
  v: 1,
  serial: 3,
  issuedAt: '2026-11-28T06:00:00Z',
  expiresAt: '2026-12-05T06:00:00Z',
  nodes: [
    {
      nodeId: node.nodeId,
      state: 'FR',
      authority: 'central-authority',
      endpoint: 'https://comity.example.fr',
      keys: node.directoryKeys,
      acceptedLanguages: ['fr', 'en'],
      serviceLevel: { acknowledgeWithinHours: 24 },
    },
  ],
};
const signed = await signDirectory(document, secretariat);

function assertRejected(result: VerifyDirectoryResult, reason: DirectoryRejectionReason): void {
  assert.equal(result.ok, false, `expected ${reason}, got ok`);
  if (!result.ok) assert.equal(result.reason, reason, result.detail);
}

describe('signed directory', () => {
  it('should verify with the pinned secretariat key and give the document back', async () => {
    const result = await verifyDirectory(signed, [secretariat.publicJwk], NOW);
    assert.ok(result.ok, result.ok ? '' : result.detail);
    assert.deepEqual(result.directory, document);
    assert.equal(result.kid, secretariat.kid);
  });

  it('should verify with any of several pinned keys (secretariat key rotation)', async () => {
    assert.ok((await verifyDirectory(signed, [otherSecretariat.publicJwk, secretariat.publicJwk], NOW)).ok);
  });

  it('should refuse a directory signed with a key that is not pinned', async () => {
    assertRejected(await verifyDirectory(signed, [otherSecretariat.publicJwk], NOW), 'unknown-key');
    assertRejected(
      await verifyDirectory(await signDirectory(document, otherSecretariat), [secretariat.publicJwk], NOW),
      'unknown-key',
    );
  });

  it('should refuse another key under the pinned kid, a flipped byte and a changed payload', async () => {
    const impostor = { ...otherSecretariat, kid: secretariat.kid };
    assertRejected(
      await verifyDirectory(await signDirectory(document, impostor), [secretariat.publicJwk], NOW),
      'bad-signature',
    );
    assertRejected(
      await verifyDirectory(flipSignatureByte(signed), [secretariat.publicJwk], NOW),
      'bad-signature',
    );
    const [header, , signature] = signed.split('.');
    const changed = Buffer.from(JSON.stringify({ ...document, serial: 4 })).toString('base64url');
    assertRejected(
      await verifyDirectory(`${header}.${changed}.${signature}`, [secretariat.publicJwk], NOW),
      'bad-signature',
    );
  });

  it('should refuse an expired directory and one issued in the future', async () => {
    assertRejected(
      await verifyDirectory(signed, [secretariat.publicJwk], new Date('2026-12-05T06:00:00.001Z')),
      'expired',
    );
    assert.ok((await verifyDirectory(signed, [secretariat.publicJwk], new Date('2026-12-05T06:00:00Z'))).ok);
    assertRejected(
      await verifyDirectory(signed, [secretariat.publicJwk], new Date('2026-11-28T05:54:59Z')),
      'not-yet-valid',
    );
  });

  it('should refuse an older directory than the one held (rollback)', async () => {
    assertRejected(
      await verifyDirectory(signed, [secretariat.publicJwk], NOW, { minimumSerial: 4 }),
      'rolled-back',
    );
    assert.ok((await verifyDirectory(signed, [secretariat.publicJwk], NOW, { minimumSerial: 3 })).ok);
  });

  it('should refuse alg none and garbage', async () => {
    const header = { alg: 'none', kid: secretariat.kid, typ: 'comity-directory+jws' };
    assertRejected(
      await verifyDirectory(assembleToken(header, decodePayload(signed), ''), [secretariat.publicJwk], NOW),
      'unsupported-algorithm',
    );
    assertRejected(await verifyDirectory('<html>', [secretariat.publicJwk], NOW), 'malformed-directory');
  });

  it('should refuse a validly signed directory with a kid that is not its key thumbprint, or a private key', async () => {
    const [entry] = document.nodes;
    assert.ok(entry);
    const [sig, enc] = entry.keys;
    assert.ok(sig && enc);
    const wrongKid = {
      ...document,
      nodes: [
        {
          ...entry,
          keys: [
            { ...sig, kid: enc.kid },
            { ...enc, kid: sig.kid },
          ],
        },
      ],
    };
    const privateKey = {
      ...document,
      nodes: [{ ...entry, keys: [{ ...sig, jwk: node.keys.signing.privateJwk }] }],
    };
    for (const payload of [wrongKid, privateKey, { ...document, v: 2 }]) {
      const compact = await signCompactJws(payload, secretariat, 'comity-directory+jws');
      assertRejected(await verifyDirectory(compact, [secretariat.publicJwk], NOW), 'schema-invalid');
    }
    await assert.rejects(signDirectory(wrongKid as DirectoryDocument, secretariat), TypeError);
  });

  it('should refuse to sign invalid documents (key use and curve, windows, duplicate nodes)', async () => {
    const [entry] = document.nodes;
    assert.ok(entry);
    const [sig] = entry.keys;
    assert.ok(sig);
    const invalid: unknown[] = [
      { ...document, nodes: [{ ...entry, keys: [{ ...sig, use: 'enc' }] }] },
      { ...document, nodes: [{ ...entry, keys: [{ ...sig, notAfter: sig.notBefore }] }] },
      { ...document, nodes: [entry, entry] },
      { ...document, expiresAt: document.issuedAt },
      { ...document, nodes: [{ ...entry, endpoint: 'ftp://example.org' }] },
      { ...document, nodes: [{ ...entry, nodeId: 'FR' }] },
    ];
    for (const payload of invalid)
      await assert.rejects(signDirectory(payload as DirectoryDocument, secretariat), TypeError);
  });
});
