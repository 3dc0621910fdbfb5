/** Node keys, kids and UUIDv7 message ids. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  computeKid,
  createUuidV7,
  createUuidV7Generator,
  generateNodeKeys,
  hasPrivateMaterial,
  isKeyValidAt,
  keyPairFromPrivateJwk,
  selectRecipientEncryptionKey,
  uuidV7Timestamp,
} from '../../../src/federation/protocol/index.ts';

describe('node keys', () => {
  it('should generate an Ed25519 signing and an X25519 encryption key pair with thumbprint kids', async () => {
    const keys = await generateNodeKeys();
    assert.equal(keys.signing.publicJwk.crv, 'Ed25519');
    assert.equal(keys.encryption.publicJwk.crv, 'X25519');
    assert.equal(keys.signing.kid, await computeKid(keys.signing.publicJwk));
    assert.notEqual(keys.signing.kid, keys.encryption.kid);
    assert.equal(hasPrivateMaterial(keys.signing.publicJwk), false);
    assert.equal(hasPrivateMaterial(keys.signing.privateJwk), true);
    assert.deepEqual(await keyPairFromPrivateJwk(keys.encryption.privateJwk), keys.encryption);
  });

  it('should compute the RFC 7638 thumbprint (RFC 8037 appendix A.3 example)', async () => {
    const jwk = { kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' };
    assert.equal(await computeKid(jwk), 'kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k');
    assert.equal(
      await computeKid({ ...jwk, kid: 'ignored', use: 'sig' }),
      'kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k',
    );
  });

  it('should treat validity windows as inclusive', () => {
    const key = { notBefore: '2026-01-01T00:00:00Z', notAfter: '2026-12-31T00:00:00Z' };
    assert.equal(isKeyValidAt(key, new Date('2026-01-01T00:00:00Z')), true);
    assert.equal(isKeyValidAt(key, new Date('2026-12-31T00:00:00Z')), true);
    assert.equal(isKeyValidAt(key, new Date('2025-12-31T23:59:59.999Z')), false);
    assert.equal(isKeyValidAt(key, new Date('2026-12-31T00:00:00.001Z')), false);
    assert.equal(isKeyValidAt({ notBefore: 'x', notAfter: 'y' }, new Date()), false);
  });
});

describe('selectRecipientEncryptionKey', () => {
  it('should pick the valid enc key with the latest notBefore, never a sig key or an invalid one', async () => {
    const [old, next, future] = await Promise.all([
      generateNodeKeys(),
      generateNodeKeys(),
      generateNodeKeys(),
    ]);
    const enc = (pair: typeof old.encryption, notBefore: string, notAfter: string) => ({
      kid: pair.kid,
      use: 'enc' as const,
      jwk: pair.publicJwk,
      notBefore,
      notAfter,
    });
    const keys = [
      { ...enc(old.signing, '2026-11-25T00:00:00Z', '2027-12-01T00:00:00Z'), use: 'sig' as const },
      enc(old.encryption, '2026-01-01T00:00:00Z', '2026-12-01T00:00:00Z'),
      enc(next.encryption, '2026-11-20T00:00:00Z', '2027-12-01T00:00:00Z'),
      enc(future.encryption, '2027-06-01T00:00:00Z', '2028-12-01T00:00:00Z'),
    ];
    assert.equal(
      selectRecipientEncryptionKey(keys, new Date('2026-11-28T00:00:00Z'))?.kid,
      next.encryption.kid,
    );
    assert.equal(
      selectRecipientEncryptionKey(keys, new Date('2026-11-10T00:00:00Z'))?.kid,
      old.encryption.kid,
    );
    assert.equal(selectRecipientEncryptionKey(keys, new Date('2029-01-01T00:00:00Z')), undefined);
  });
});

describe('UUIDv7', () => {
  it('should make version 7, variant 10 ids carrying the time', () => {
    const before = Date.now();
    const id = createUuidV7();
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.ok(Math.abs(uuidV7Timestamp(id) - before) < 1000);
  });

  it('should sort in creation order within a millisecond and when the clock goes back', () => {
    const times = [1000, 1000, 1000, 999, 1001];
    const generate = createUuidV7Generator({
      now: () => times.shift() ?? 1001,
      fillRandom: (bytes) => bytes.fill(0xff),
    });
    const ids = Array.from({ length: 5 }, generate);
    assert.deepEqual([...ids].sort(), ids);
    assert.equal(new Set(ids).size, 5);
  });

  it('should move to the next millisecond when the counter overflows', () => {
    const generate = createUuidV7Generator({ now: () => 5000, fillRandom: (bytes) => bytes.fill(0xff) });
    const ids = Array.from({ length: 4200 }, generate);
    assert.deepEqual([...ids].sort(), ids);
    assert.equal(new Set(ids).size, ids.length);
    assert.ok(uuidV7Timestamp(ids.at(-1) ?? '') > 5000);
  });
});
