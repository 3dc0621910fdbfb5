import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type CliRun, runComity as runCli } from '../helpers/cli.ts';
import { initNodeIdentity, readPublicKeyBundle } from '../../src/federation/identity/identity-store.ts';
import { PublicKeyBundleSchema } from '../../src/federation/identity/public-key-bundle.ts';
import { addNodeKeys, publishDirectory, registerNode } from '../../src/services/secretariat.service.ts';
import { DATABASE_TARGETS } from '../helpers/database.ts';
import { startTestSecretariat } from '../helpers/secretariat-fixture.ts';

function runComity(
  dataDirectory: string,
  args: string[],
  input = '',
  env: Record<string, string> = {},
): Promise<CliRun> {
  return runCli(dataDirectory, args, { input, env });
}

const NODE_ARGS = [
  'init',
  '--node-id',
  'fr-ca',
  '--state',
  'FR',
  '--authority',
  'central-authority',
  '--endpoint',
  'https://comity.justice.example',
];

describe('comity init, comity keys and comity secretariat', () => {
  let temporary: string;
  let secretariatKeys: string;
  before(async () => {
    temporary = await mkdtemp(path.join(os.tmpdir(), 'comity-cli-init-'));
  });
  after(async () => rm(temporary, { recursive: true, force: true }));

  it('creates a secretariat identity and prints its public keys as JSON with comity keys public', async () => {
    const data = path.join(temporary, 'secretariat');
    const created = await runComity(data, [
      'init',
      '--node-id',
      'secretariat',
      '--state',
      'UN',
      '--endpoint',
      'http://127.0.0.1:9',
      '--secretariat',
    ]);
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /COMITY_MODE=secretariat comity serve/);
    const printed = await runComity(data, ['keys', 'public']);
    assert.equal(printed.code, 0, printed.stderr);
    const bundle = PublicKeyBundleSchema.parse(JSON.parse(printed.stdout));
    assert.equal(bundle.nodeId, 'secretariat');
    secretariatKeys = path.join(temporary, 'secretariat.keys.json');
    await writeFile(secretariatKeys, printed.stdout);
  });

  it('creates a node identity with 0600 key files, prints the public keys and the next steps', async () => {
    const data = path.join(temporary, 'node');
    const run = await runComity(data, [
      ...NODE_ARGS,
      '--secretariat-url',
      'http://127.0.0.1:9/',
      '--secretariat-key',
      secretariatKeys,
    ]);
    assert.equal(run.code, 0, run.stderr);
    const identity = path.join(data, 'identity');
    assert.equal((await stat(identity)).mode & 0o777, 0o700);
    for (const name of ['signing.key.jwk', 'encryption.key.jwk']) {
      assert.equal((await stat(path.join(identity, name))).mode & 0o777, 0o600, name);
    }
    const nodeJson = JSON.parse(await readFile(path.join(identity, 'node.json'), 'utf8'));
    assert.equal(nodeJson.nodeId, 'fr-ca');
    assert.equal(nodeJson.secretariat.url, 'http://127.0.0.1:9');
    assert.equal(nodeJson.secretariat.publicJwks.length, 1);
    assert.match(run.stdout, /"kid": "[A-Za-z0-9_-]{43}"/);
    assert.match(run.stdout, /Next steps:\n {2}1\. Send your public keys to the secretariat/);
    assert.match(run.stdout, /NOT encrypted/);
  });

  it('refuses to overwrite the identity without --force: exit 1 and one line, keys unchanged', async () => {
    const data = path.join(temporary, 'node');
    const before = await readFile(path.join(data, 'identity', 'signing.key.jwk'), 'utf8');
    const again = await runComity(data, [
      ...NODE_ARGS,
      '--secretariat-url',
      'http://127.0.0.1:9',
      '--secretariat-key',
      secretariatKeys,
    ]);
    assert.equal(again.code, 1);
    assert.equal(again.stdout, '');
    assert.match(
      again.stderr,
      /^comity: a node identity already exists in .* \(node fr-ca\); use --force to replace it and its keys\n$/,
    );
    assert.equal(await readFile(path.join(data, 'identity', 'signing.key.jwk'), 'utf8'), before);
  });

  it('encrypts the keys with a passphrase from stdin, and refuses bad input with one line', async () => {
    const data = path.join(temporary, 'encrypted');
    const args = [
      ...NODE_ARGS,
      '--secretariat-url',
      'http://127.0.0.1:9',
      '--secretariat-key',
      secretariatKeys,
    ];
    const run = await runComity(data, [...args, '--passphrase-stdin'], 'a long enough passphrase\n');
    assert.equal(run.code, 0, run.stderr);
    const text = await readFile(path.join(data, 'identity', 'signing.key.jwk'), 'utf8');
    assert.equal(text.trim().split('.').length, 5);
    assert.match(run.stdout, /COMITY_KEY_PASSPHRASE/);

    const short = await runComity(path.join(temporary, 'short'), [...args, '--passphrase-stdin'], 'short\n');
    assert.equal(short.code, 1);
    assert.match(short.stderr, /^comity: the passphrase must have at least 12 characters\n$/);
    const unknownState = await runComity(path.join(temporary, 'bad'), [
      ...args.map((arg) => (arg === 'FR' ? 'QQ' : arg)),
    ]);
    assert.equal(unknownState.code, 1);
    assert.match(unknownState.stderr, /^comity: --state QQ is not a State of the directory/);
    const noSecretariat = await runComity(path.join(temporary, 'bad'), NODE_ARGS);
    assert.equal(noSecretariat.code, 1);
    assert.match(noSecretariat.stderr, /give the secretariat to trust/);
    const privateKey = path.join(temporary, 'private.json');
    await writeFile(privateKey, await readFile(path.join(temporary, 'node', 'identity', 'signing.key.jwk')));
    const leaked = await runComity(path.join(temporary, 'bad'), [
      ...NODE_ARGS,
      '--secretariat-url',
      'http://127.0.0.1:9',
      '--secretariat-key',
      privateKey,
    ]);
    assert.equal(leaked.code, 1);
    assert.match(leaked.stderr, /PRIVATE key/);
    await assert.rejects(stat(path.join(temporary, 'bad', 'identity', 'node.json')), { code: 'ENOENT' });
  });

  it("rotates keys, and refuses to activate next keys the secretariat's current directory does not list yet unless forced", async () => {
    const data = path.join(temporary, 'rotating');
    const args = [
      ...NODE_ARGS,
      '--secretariat-url',
      'http://127.0.0.1:9',
      '--secretariat-key',
      secretariatKeys,
    ];
    assert.equal((await runComity(data, args)).code, 0);
    const rotated = await runComity(data, ['keys', 'rotate']);
    assert.equal(rotated.code, 0, rotated.stderr);
    const bundle = PublicKeyBundleSchema.parse(
      JSON.parse((await runComity(data, ['keys', 'public'])).stdout),
    );
    assert.deepEqual(
      bundle.keys.map((key) => key.status),
      ['current', 'current', 'next', 'next'],
    );
    const unreachable = await runComity(data, ['keys', 'activate']);
    assert.equal(unreachable.code, 1);
    assert.match(
      unreachable.stderr,
      /^comity: could not check the secretariat's current directory \(unreachable: .*\); try again once it answers, or use --force\n$/,
    );
    const forced = await runComity(data, ['keys', 'activate', '--force']);
    assert.equal(forced.code, 0, forced.stderr);
    const after = PublicKeyBundleSchema.parse(JSON.parse((await runComity(data, ['keys', 'public'])).stdout));
    assert.deepEqual(
      after.keys.map((key) => key.kid),
      bundle.keys.slice(2).map((key) => key.kid),
    );
  });

  it("activates next keys once the secretariat's current directory (fetched and verified) lists them", async () => {
    const clock = { now: new Date(Date.now() - 60_000) };
    const secretariat = await startTestSecretariat(DATABASE_TARGETS[0]!, clock);
    try {
      const url = await secretariat.app.listen({ port: 0, host: '127.0.0.1' });
      const pinned = path.join(temporary, 'listening-secretariat.keys.json');
      await writeFile(
        pinned,
        JSON.stringify(await readPublicKeyBundle(secretariat.context.config.federation.identityDirectory)),
      );
      const data = path.join(temporary, 'rotating-listed');
      const args = [...NODE_ARGS, '--secretariat-url', url, '--secretariat-key', pinned];
      assert.equal((await runComity(data, args)).code, 0);
      assert.equal((await runComity(data, ['keys', 'rotate'])).code, 0);
      const bundle = PublicKeyBundleSchema.parse(
        JSON.parse((await runComity(data, ['keys', 'public'])).stdout),
      );
      const current = bundle.keys.filter((key) => key.status === 'current');
      const next = bundle.keys.filter((key) => key.status === 'next');
      await registerNode(secretariat.context, {
        nodeId: bundle.nodeId,
        state: bundle.state,
        authority: bundle.authority,
        endpoint: bundle.endpoint,
        keys: current,
      });
      await publishDirectory(secretariat.context);
      const early = await runComity(data, ['keys', 'activate']);
      assert.equal(early.code, 1);
      assert.match(
        early.stderr,
        /^comity: the secretariat's current directory \(serial 1\) does not list the next keys .* as valid yet: have the secretariat add and publish them, or use --force\n$/,
      );
      await addNodeKeys(secretariat.context, { nodeId: bundle.nodeId, keys: next });
      const unpublished = await runComity(data, ['keys', 'activate']);
      assert.equal(unpublished.code, 1, 'added but not yet published');
      await publishDirectory(secretariat.context);
      const activated = await runComity(data, ['keys', 'activate']);
      assert.equal(activated.code, 0, activated.stderr);
      assert.match(activated.stdout, /The next keys are now current/);

      // Re-pinning the secretariat: keys that do not sign what it serves (this node's own, by
      // mistake) are refused and the pin is unchanged; its own keys are pinned.
      const identityFile = path.join(data, 'identity', 'node.json');
      const pinBefore = await readFile(identityFile, 'utf8');
      const ownKeys = path.join(temporary, 'rotating-listed.keys.json');
      await writeFile(ownKeys, (await runComity(data, ['keys', 'public'])).stdout);
      const wrong = await runComity(data, ['keys', 'pin-secretariat', '--secretariat-key', ownKeys]);
      assert.equal(wrong.code, 1);
      assert.match(
        wrong.stderr,
        /^comity: the secretariat's current directory at .* does not verify with the keys given .*: are they the secretariat's\?; nothing was pinned \(--force pins without this check\)\n$/,
      );
      assert.equal(await readFile(identityFile, 'utf8'), pinBefore);
      const right = await runComity(data, ['keys', 'pin-secretariat', '--secretariat-key', pinned]);
      assert.equal(right.code, 0, right.stderr);
      assert.match(right.stdout, /^Pinned 1 secretariat key at /);
    } finally {
      await secretariat.close();
    }
  });

  it('registers the node at the secretariat from its keys file and publishes the directory', async () => {
    const nodeKeys = path.join(temporary, 'fr-ca.keys.json');
    const printed = await runComity(path.join(temporary, 'node'), ['keys', 'public']);
    await writeFile(nodeKeys, printed.stdout);
    const secretariat = path.join(temporary, 'secretariat');
    const asSecretariat = { COMITY_MODE: 'secretariat' };

    const refused = await runComity(secretariat, ['secretariat', 'publish']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /COMITY_MODE=secretariat/);

    const germanyDirectory = path.join(temporary, 'de-poc', 'identity');
    await initNodeIdentity(
      germanyDirectory,
      {
        nodeId: 'de-poc',
        state: 'DE',
        authority: 'point-of-contact',
        endpoint: 'https://de.example',
        secretariat: null,
      },
      { now: new Date() },
    );
    const germanyKeys = path.join(temporary, 'de-poc.keys.json');
    await writeFile(germanyKeys, JSON.stringify(await readPublicKeyBundle(germanyDirectory)));

    const added = await runComity(
      secretariat,
      ['secretariat', 'add-node', nodeKeys, germanyKeys, '--languages', 'fr,en', '--ack-hours', '4'],
      '',
      asSecretariat,
    );
    assert.equal(added.code, 0, added.stderr);
    assert.match(
      added.stdout,
      /registered node de-poc \(DE, point-of-contact\) at https:\/\/de\.example with 2 keys/,
    );
    assert.match(
      added.stdout,
      /registered node fr-ca \(FR, central-authority\) at https:\/\/comity\.justice\.example with 2 keys/,
    );
    const published = await runComity(secretariat, ['secretariat', 'publish'], '', asSecretariat);
    assert.equal(published.code, 0, published.stderr);
    assert.match(published.stdout, /published directory serial 1 with 2 nodes, valid until /);
    const listed = await runComity(secretariat, ['secretariat', 'list', '--json'], '', asSecretariat);
    assert.equal(listed.code, 0, listed.stderr);
    const list = JSON.parse(listed.stdout);
    assert.deepEqual(
      list.nodes.map((node: { nodeId: string }) => node.nodeId),
      ['de-poc', 'fr-ca'],
    );
    assert.deepEqual(list.nodes[1].acceptedLanguages, ['fr', 'en']);
    assert.deepEqual(list.nodes[1].serviceLevel, { acknowledgeWithinHours: 4 });
    assert.equal(list.latestPublication.serial, 1);
  });
});
