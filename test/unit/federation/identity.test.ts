import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decodeProtectedHeader } from 'jose';
import { loadConfig } from '../../../src/config.ts';
import { PASSPHRASE_ITERATIONS } from '../../../src/federation/identity/key-file.ts';
import {
  activateNextKeys,
  createNextKeys,
  initNodeIdentity,
  loadNodeIdentity,
  NodeIdentityError,
  parseSecretariatKeys,
  readPublicKeyBundle,
} from '../../../src/federation/identity/identity-store.ts';
import { PublicKeyBundleSchema } from '../../../src/federation/identity/public-key-bundle.ts';
import { computeKid, generateSigningKeyPair } from '../../../src/federation/protocol/keys.ts';

const input = {
  nodeId: 'fr-ca',
  state: 'FR',
  authority: 'central-authority' as const,
  endpoint: 'https://comity.justice.example/',
  secretariat: null,
};
const now = new Date('2026-11-28T19:00:00.000Z');

function configFor(dataDirectory: string, passphrase?: string) {
  return loadConfig({
    COMITY_DATA_DIR: dataDirectory,
    COMITY_LOG_LEVEL: 'silent',
    ...(passphrase ? { COMITY_KEY_PASSPHRASE: passphrase } : {}),
  });
}

async function modeOf(file: string): Promise<number> {
  return (await stat(file)).mode & 0o777;
}

describe('node identity on disk', () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'comity-identity-'));
  });
  after(async () => rm(root, { recursive: true, force: true }));

  it('has no identity before comity init', async () => {
    assert.equal(await loadNodeIdentity(configFor(path.join(root, 'empty'))), undefined);
  });

  it('writes node.json and key files: private keys 0600 in a 0700 directory, and loads them back', async () => {
    const config = configFor(path.join(root, 'plain'));
    const directory = config.federation.identityDirectory;
    const file = await initNodeIdentity(directory, input, { now });
    assert.equal(file.endpoint, 'https://comity.justice.example', 'trailing slash removed');
    assert.equal(await modeOf(directory), 0o700);
    for (const name of ['signing.key.jwk', 'encryption.key.jwk']) {
      assert.equal(await modeOf(path.join(directory, name)), 0o600, name);
    }
    const nodeJson = JSON.parse(await readFile(path.join(directory, 'node.json'), 'utf8'));
    assert.deepEqual(nodeJson, {
      nodeId: 'fr-ca',
      state: 'FR',
      authority: 'central-authority',
      endpoint: 'https://comity.justice.example',
      secretariat: null,
      createdAt: now.toISOString(),
    });
    const signingFile = JSON.parse(await readFile(path.join(directory, 'signing.key.jwk'), 'utf8'));
    assert.equal(signingFile.crv, 'Ed25519');
    assert.equal(typeof signingFile.d, 'string');
    const publicFile = JSON.parse(await readFile(path.join(directory, 'signing.pub.jwk'), 'utf8'));
    assert.equal(publicFile.d, undefined);

    const identity = await loadNodeIdentity(config);
    assert.ok(identity);
    assert.equal(identity.nodeId, 'fr-ca');
    assert.equal(identity.secretariat, undefined);
    assert.equal(identity.keys.signing.kid, await computeKid(publicFile));
    assert.equal(identity.keys.encryption.publicJwk.crv, 'X25519');

    const bundle = PublicKeyBundleSchema.parse(await readPublicKeyBundle(directory));
    assert.deepEqual(
      bundle.keys.map((key) => [key.use, key.status, key.kid]),
      [
        ['sig', 'current', identity.keys.signing.kid],
        ['enc', 'current', identity.keys.encryption.kid],
      ],
    );
  });

  it('refuses to replace an existing identity unless forced, and --force gives new keys', async () => {
    const config = configFor(path.join(root, 'plain'));
    const directory = config.federation.identityDirectory;
    const before = await loadNodeIdentity(config);
    await assert.rejects(
      initNodeIdentity(directory, { ...input, nodeId: 'fr-other' }, { now }),
      (error: Error) =>
        error instanceof NodeIdentityError && /already exists .*\(node fr-ca\).*--force/.test(error.message),
    );
    assert.equal((await loadNodeIdentity(config))?.keys.signing.kid, before?.keys.signing.kid, 'unchanged');
    await initNodeIdentity(directory, { ...input, nodeId: 'fr-other' }, { now, isForced: true });
    const replaced = await loadNodeIdentity(config);
    assert.equal(replaced?.nodeId, 'fr-other');
    assert.notEqual(replaced?.keys.signing.kid, before?.keys.signing.kid);
  });

  it('refuses invalid input with the field named, and writes nothing', async () => {
    const directory = path.join(root, 'invalid', 'identity');
    await assert.rejects(
      initNodeIdentity(directory, { ...input, state: 'fr', endpoint: 'ftp://x.example' }, { now }),
      /state: .*endpoint: /,
    );
    await assert.rejects(stat(directory), { code: 'ENOENT' });
  });

  it('encrypts private keys with a passphrase (PBES2, p2c >= 600000) and needs it to load them', async () => {
    const passphrase = 'correct horse battery staple';
    const directory = configFor(path.join(root, 'encrypted')).federation.identityDirectory;
    await initNodeIdentity(directory, input, { now, passphrase });
    const text = (await readFile(path.join(directory, 'signing.key.jwk'), 'utf8')).trim();
    assert.equal(text.split('.').length, 5, 'a compact JWE');
    const header = decodeProtectedHeader(text);
    assert.equal(header.alg, 'PBES2-HS512+A256KW');
    assert.equal(header.enc, 'A256GCM');
    assert.ok(Number(header.p2c) >= 600_000 && PASSPHRASE_ITERATIONS >= 600_000);
    assert.ok(!text.includes('"d"'));
    assert.equal(await modeOf(path.join(directory, 'encryption.key.jwk')), 0o600);

    const identity = await loadNodeIdentity(configFor(path.join(root, 'encrypted'), passphrase));
    assert.equal(identity?.keys.signing.privateJwk.crv, 'Ed25519');
    const bundle = await readPublicKeyBundle(directory);
    assert.equal(
      bundle.keys[0]?.kid,
      identity?.keys.signing.kid,
      'public keys readable without the passphrase',
    );

    await assert.rejects(
      loadNodeIdentity(configFor(path.join(root, 'encrypted'), 'not the right passphrase')),
      (error: Error) =>
        error instanceof NodeIdentityError &&
        error.message ===
          'cannot decrypt the private key signing.key.jwk: COMITY_KEY_PASSPHRASE is not the passphrase given at comity init',
    );
    await assert.rejects(
      loadNodeIdentity(configFor(path.join(root, 'encrypted'))),
      (error: Error) =>
        error instanceof NodeIdentityError &&
        /encrypted with a passphrase: set COMITY_KEY_PASSPHRASE/.test(error.message),
    );
  });

  it('rotates keys: next keys beside the current ones, then activated, previous kept', async () => {
    const config = configFor(path.join(root, 'rotation'));
    const directory = config.federation.identityDirectory;
    await initNodeIdentity(directory, input, { now });
    const current = await loadNodeIdentity(config);
    const bundle = await createNextKeys(directory, { passphrase: undefined });
    assert.deepEqual(
      bundle.keys.map((key) => `${key.use}:${key.status}`),
      ['sig:current', 'enc:current', 'sig:next', 'enc:next'],
    );
    assert.equal(await modeOf(path.join(directory, 'signing.next.key.jwk')), 0o600);
    await assert.rejects(createNextKeys(directory, { passphrase: undefined }), /next keys already exist/);
    const nextSigningKid = bundle.keys[2]?.kid;

    const duringOverlap = await loadNodeIdentity(config);
    assert.equal(duringOverlap?.keys.signing.kid, current?.keys.signing.kid, 'not yet active');
    assert.deepEqual(
      duringOverlap?.decryptionKeys?.map((key) => key.kid),
      [current?.keys.encryption.kid, bundle.keys[3]?.kid],
      'decrypts with the next key too: peers may already encrypt to it',
    );
    const activated = await activateNextKeys(directory);
    assert.deepEqual(
      activated.keys.map((key) => `${key.use}:${key.status}`),
      ['sig:current', 'enc:current'],
    );
    const loaded = await loadNodeIdentity(config);
    assert.equal(loaded?.keys.signing.kid, nextSigningKid);
    assert.deepEqual(
      loaded?.decryptionKeys?.map((key) => key.kid),
      [bundle.keys[3]?.kid, current?.keys.encryption.kid],
      'the previous key still decrypts messages sealed before the switch',
    );
    assert.equal(await modeOf(path.join(directory, 'signing.previous.key.jwk')), 0o600);
    await assert.rejects(activateNextKeys(directory), /no next keys/);
  });

  it('pins the secretariat from its public key bundle or a JWK, and refuses a private key', async () => {
    const pair = await generateSigningKeyPair();
    assert.deepEqual(parseSecretariatKeys(JSON.stringify(pair.publicJwk)), [pair.publicJwk]);
    assert.deepEqual(parseSecretariatKeys(JSON.stringify({ keys: [pair.publicJwk] })), [pair.publicJwk]);
    const bundle = { v: 1, keys: [{ kid: pair.kid, use: 'sig', status: 'current', jwk: pair.publicJwk }] };
    assert.deepEqual(parseSecretariatKeys(JSON.stringify(bundle)), [pair.publicJwk]);
    assert.throws(() => parseSecretariatKeys(JSON.stringify(pair.privateJwk)), /PRIVATE key/);
    assert.throws(() => parseSecretariatKeys('not json'), /not valid JSON/);
  });
});
