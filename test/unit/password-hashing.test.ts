import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAppError } from '../../src/core/errors.ts';
import {
  assertPasswordHashAcceptable,
  generatePassword,
  hashPassword,
  waitAsLongAsAVerification,
  verifyPassword,
} from '../../src/services/password-hashing.ts';

describe('password hashing', () => {
  it('stores a self-describing scrypt hash (N=2^15, r=8, p=1, 16-byte salt, 32-byte key)', async () => {
    const hash = await hashPassword('correct horse battery');
    const parts = hash.split('$');
    assert.equal(parts.length, 6);
    assert.deepEqual(parts.slice(0, 4), ['scrypt', '32768', '8', '1']);
    assert.equal(Buffer.from(parts[4]!, 'base64url').length, 16);
    assert.equal(Buffer.from(parts[5]!, 'base64url').length, 32);
    assert.ok(!hash.includes('correct horse battery'));
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const hash = await hashPassword('correct horse battery');
    assert.equal(await verifyPassword('correct horse battery', hash), true);
    assert.equal(await verifyPassword('correct horse batterY', hash), false);
    assert.equal(await verifyPassword('', hash), false);
  });

  it('uses a fresh salt each time, so equal passwords give different hashes', async () => {
    const [first, second] = await Promise.all([
      hashPassword('same password here'),
      hashPassword('same password here'),
    ]);
    assert.notEqual(first, second);
    assert.notEqual(first.split('$')[4], second.split('$')[4]);
  });

  it('refuses passwords shorter than 12 characters with invalid-input', async () => {
    await assert.rejects(
      hashPassword('elevenchars'),
      (error) => isAppError(error) && error.code === 'invalid-input',
    );
    assert.match(await hashPassword('twelve chars'), /^scrypt\$/);
  });

  it('treats an unreadable or tampered hash as a mismatch, never as an error', async () => {
    const hash = await hashPassword('correct horse battery');
    assert.equal(await verifyPassword('correct horse battery', 'not a hash'), false);
    assert.equal(await verifyPassword('correct horse battery', hash.replace('$32768$', '$1048577$')), false);
    assert.equal(await verifyPassword('correct horse battery', hash.replace(/\$[^$]+$/, '$AAAA')), false);
    assert.equal(await verifyPassword('correct horse battery', hash.replace('scrypt$', 'bcrypt$')), false);
  });

  it('accepts a given hash only when it is as strong as its own or stronger', async () => {
    const hash = await hashPassword('correct horse battery');
    assert.doesNotThrow(() => assertPasswordHashAcceptable(hash));
    const salt = hash.split('$')[4];
    const key = hash.split('$')[5];
    assert.doesNotThrow(() => assertPasswordHashAcceptable(`scrypt$65536$8$1$${salt}$${key}`));
    for (const weaker of [
      `scrypt$16384$8$1$${salt}$${key}`,
      `scrypt$32768$4$1$${salt}$${key}`,
      `scrypt$32768$8$1$AAAA$${key}`,
      'not a hash',
      hash.replace('scrypt$', 'bcrypt$'),
    ]) {
      assert.throws(
        () => assertPasswordHashAcceptable(weaker),
        (error: unknown) => isAppError(error) && error.code === 'invalid-input',
        weaker,
      );
    }
  });

  it('has a dummy verification for unknown usernames that always fails', async () => {
    assert.equal(await waitAsLongAsAVerification(), false);
  });

  it('generates 20-character passwords from an unambiguous alphabet, different each time', () => {
    const password = generatePassword(20);
    assert.match(password, /^[A-HJ-NP-Za-km-z2-9]{20}$/);
    assert.notEqual(generatePassword(20), password);
  });
});
