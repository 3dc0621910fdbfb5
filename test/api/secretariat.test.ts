import { DEFAULT_MESSAGE_REGISTRY } from '../../src/federation/messages/registry.ts';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { createNextKeys } from '../../src/federation/identity/identity-store.ts';
import type { PublicKeyBundle } from '../../src/federation/identity/public-key-bundle.ts';
import { verifyDirectory } from '../../src/federation/protocol/directory-document.ts';
import { isKeyValidAt } from '../../src/federation/protocol/keys.ts';
import {
  addNodeKeys,
  listRegisteredNodes,
  publishDirectory,
  registerNode,
  renewDirectoryIfDue,
  retireKey,
} from '../../src/services/secretariat.service.ts';
import { json, startTestApp } from '../helpers/app.ts';
import { asRole } from '../helpers/auth.ts';
import { DATABASE_TARGETS } from '../helpers/database.ts';
import {
  type Clock,
  createNodeBundle,
  startTestSecretariat,
  type TestSecretariat,
} from '../helpers/secretariat-fixture.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

function registrationOf(bundle: PublicKeyBundle) {
  return {
    nodeId: bundle.nodeId,
    state: bundle.state,
    authority: bundle.authority,
    endpoint: bundle.endpoint,
    keys: bundle.keys,
  };
}

describe('COMITY_DIRECTORY_VALIDITY_SECONDS', () => {
  it('defaults to 7 days and is refused below 10 s or, on a secretariat, below two refresh intervals', () => {
    assert.equal(loadConfig({}).federation.directoryValiditySeconds, 7 * 24 * 3600);
    const secretariat = { COMITY_MODE: 'secretariat', COMITY_DIRECTORY_REFRESH_SECONDS: '5' };
    assert.equal(
      loadConfig({ ...secretariat, COMITY_DIRECTORY_VALIDITY_SECONDS: '10' }).federation
        .directoryValiditySeconds,
      10,
    );
    for (const environment of [
      { COMITY_DIRECTORY_VALIDITY_SECONDS: '9' },
      { ...secretariat, COMITY_DIRECTORY_VALIDITY_SECONDS: '9' },
      { ...secretariat, COMITY_DIRECTORY_REFRESH_SECONDS: '6', COMITY_DIRECTORY_VALIDITY_SECONDS: '11' },
    ]) {
      assert.throws(
        () => loadConfig(environment),
        (error: unknown) =>
          error instanceof ConfigError && /COMITY_DIRECTORY_VALIDITY_SECONDS/.test(error.problems.join()),
        JSON.stringify(environment),
      );
    }
  });
});

for (const target of DATABASE_TARGETS) {
  describe(`secretariat register and signed directory [${target.name}]`, { skip: target.skip }, () => {
    const clock: Clock = { now: new Date('2026-12-01T09:00:00.000Z') };
    let secretariat: TestSecretariat;
    let france: Awaited<ReturnType<typeof createNodeBundle>>;
    let germany: Awaited<ReturnType<typeof createNodeBundle>>;
    before(async () => {
      secretariat = await startTestSecretariat(target, clock);
      france = await createNodeBundle(secretariat.root, {
        nodeId: 'fr-ca',
        state: 'FR',
        authority: 'central-authority',
      });
      germany = await createNodeBundle(secretariat.root, {
        nodeId: 'de-247',
        state: 'DE',
        authority: 'point-of-contact',
      });
    });
    after(async () => secretariat?.close());

    /** The register as the secretariat's screen reads it: node id → publication state, and the serial. */
    async function register() {
      const reader = await asRole(secretariat, 'officer');
      const response = await secretariat.app.inject({
        method: 'GET',
        url: '/api/v1/secretariat/register',
        headers: reader.headers,
      });
      assert.equal(response.statusCode, 200, response.body);
      const body = json<{
        nodes: { nodeId: string; publication: string; keys: { kid: string }[] }[];
        latestPublication: { serial: number; nodeCount: number } | null;
      }>(response);
      return {
        states: Object.fromEntries(body.nodes.map((node) => [node.nodeId, node.publication])),
        keys: Object.fromEntries(body.nodes.map((node) => [node.nodeId, node.keys.length])),
        latest: body.latestPublication,
      };
    }

    async function fetchDirectory() {
      const response = await secretariat.app.inject({ method: 'GET', url: '/federation/v1/directory' });
      return response;
    }

    it('has no directory to serve before the first publication', async () => {
      const response = await fetchDirectory();
      assert.equal(response.statusCode, 503);
      assert.equal(json<{ type: string }>(response).type, 'urn:comity:problem:unavailable');
    });

    it('registers nodes with their keys, languages, service level and what they read', async () => {
      // The keys file announces what the node reads: the message types of its registry and the request types.
      assert.deepEqual(france.bundle.accepts?.messageTypes, DEFAULT_MESSAGE_REGISTRY.types);
      assert.ok(france.bundle.accepts?.messageTypes.includes('request.submitted'));
      assert.ok(france.bundle.accepts?.requestTypes.includes('preservation'));
      await registerNode(secretariat.context, {
        ...registrationOf(france.bundle),
        ...(france.bundle.accepts ? { accepts: france.bundle.accepts } : {}),
        acceptedLanguages: ['fr', 'en'],
        serviceLevel: { acknowledgeWithinHours: 4 },
      });
      await registerNode(secretariat.context, registrationOf(germany.bundle));
      // Registering again (a new endpoint) keeps what is not given again.
      await registerNode(secretariat.context, {
        ...registrationOf(france.bundle),
        endpoint: 'https://fr-ca.example/',
      });
      const nodes = await listRegisteredNodes(secretariat.context);
      assert.deepEqual(
        nodes.map((node) => [node.nodeId, node.state, node.authority, node.keys.length]),
        [
          ['de-247', 'DE', 'point-of-contact', 2],
          ['fr-ca', 'FR', 'central-authority', 2],
        ],
      );
      const fr = nodes[1]!;
      assert.deepEqual(fr.acceptedLanguages, ['fr', 'en']);
      assert.deepEqual(fr.serviceLevel, { acknowledgeWithinHours: 4 });
      assert.deepEqual(fr.accepts, france.bundle.accepts, 'kept when registered again without it');
      assert.equal(nodes[0]?.accepts, undefined, 'a node that announced nothing reads the v1 baseline');
      assert.equal(fr.keys[0]?.notBefore, clock.now.toISOString());
      // The secretariat's screen: registered, nothing published yet.
      assert.deepEqual(await register(), {
        states: { 'de-247': 'not-published', 'fr-ca': 'not-published' },
        keys: { 'de-247': 2, 'fr-ca': 2 },
        latest: null,
      });
    });

    it('refuses a plain-HTTP endpoint off loopback (every node would refuse to send there), changing nothing', async () => {
      await assert.rejects(
        registerNode(secretariat.context, {
          ...registrationOf(france.bundle),
          nodeId: 'fr-plain',
          endpoint: 'http://fr-plain.example/',
        }),
        (error: Error & { code?: string }) =>
          error.code === 'invalid-input' &&
          /fr-plain: http:\/\/fr-plain\.example\/? is plain HTTP/.test(error.message),
      );
      const nodes = await listRegisteredNodes(secretariat.context);
      assert.ok(!nodes.some((node) => node.nodeId === 'fr-plain'));
    });

    it('refuses a key whose kid is not its thumbprint, a key of another node and a bad State, changing nothing', async () => {
      const [sig, enc] = france.bundle.keys;
      const forged = { ...sig!, kid: enc!.kid };
      await assert.rejects(
        registerNode(secretariat.context, {
          ...registrationOf(france.bundle),
          nodeId: 'fr-forged',
          keys: [forged, enc!],
        }),
        (error: Error & { code?: string }) =>
          error.code === 'invalid-input' && /thumbprint/.test(error.message),
      );
      await assert.rejects(
        registerNode(secretariat.context, { ...registrationOf(france.bundle), nodeId: 'fr-copy' }),
        (error: Error & { code?: string }) =>
          error.code === 'conflict' && /already registered for node fr-ca/.test(error.message),
      );
      await assert.rejects(
        registerNode(secretariat.context, {
          ...registrationOf(germany.bundle),
          nodeId: 'xx-node',
          state: 'de',
        }),
        (error: Error & { code?: string }) =>
          error.code === 'invalid-input' && /^state: /.test(error.message),
      );
      await assert.rejects(
        registerNode(secretariat.context, {
          ...registrationOf(germany.bundle),
          keys: germany.bundle.keys.slice(0, 1),
        }),
        /signing \(sig\) and an encryption \(enc\) key/,
      );
      assert.equal((await listRegisteredNodes(secretariat.context)).length, 2);
    });

    it('publishes a directory signed with the secretariat key that lists the nodes with keys and validity', async () => {
      const summary = await publishDirectory(secretariat.context);
      assert.equal(summary.serial, 1);
      assert.equal(summary.nodeCount, 2);
      const response = await fetchDirectory();
      assert.equal(response.statusCode, 200);
      assert.match(String(response.headers['content-type']), /^application\/jose/);
      const verified = await verifyDirectory(
        response.body,
        [secretariat.identity.keys.signing.publicJwk],
        clock.now,
      );
      assert.ok(verified.ok, JSON.stringify(verified));
      assert.equal(verified.kid, secretariat.identity.keys.signing.kid);
      const { directory } = verified;
      assert.equal(directory.serial, 1);
      assert.equal(directory.issuedAt, clock.now.toISOString());
      assert.equal(Date.parse(directory.expiresAt) - Date.parse(directory.issuedAt), 7 * DAY_MS);
      const fr = directory.nodes.find((node) => node.nodeId === 'fr-ca');
      assert.deepEqual(
        fr?.keys.map((key) => [key.kid, key.use]).sort(),
        france.bundle.keys.map((key) => [key.kid, key.use]).sort(),
      );
      assert.ok(fr?.keys.every((key) => isKeyValidAt(key, clock.now)));
      assert.equal(fr?.endpoint, 'https://fr-ca.example');
      assert.deepEqual(fr?.serviceLevel, { acknowledgeWithinHours: 4 });
      assert.deepEqual(fr?.accepts, france.bundle.accepts);
      assert.equal(
        Object.hasOwn(directory.nodes.find((node) => node.nodeId === 'de-247') ?? {}, 'accepts'),
        false,
      );

      const other = await verifyDirectory(response.body, [germany.bundle.keys[0]!.jwk], clock.now);
      assert.equal(other.ok, false, 'does not verify with another key');
      const published = await register();
      assert.deepEqual(published.states, { 'de-247': 'published', 'fr-ca': 'published' });
      assert.deepEqual(
        { serial: published.latest?.serial, nodeCount: published.latest?.nodeCount },
        { serial: 1, nodeCount: 2 },
      );
    });

    it('gives every publication a higher serial', async () => {
      assert.equal((await publishDirectory(secretariat.context)).serial, 2);
      const response = await fetchDirectory();
      assert.equal(response.headers['x-comity-directory-serial'], '2');
    });

    it('rotates a key: next keys published beside the current ones, both valid, then the old one retired', async () => {
      const next = await createNextKeys(france.directory, { passphrase: undefined });
      clock.now = new Date(clock.now.getTime() + 60_000);
      const added = await addNodeKeys(secretariat.context, { nodeId: 'fr-ca', keys: next.keys });
      assert.equal(added.length, 2, 'only the next keys are new');
      // Until it is published, the screen says France's entry changed since.
      assert.deepEqual((await register()).states, { 'de-247': 'published', 'fr-ca': 'changed' });
      await publishDirectory(secretariat.context);
      assert.deepEqual((await register()).states, { 'de-247': 'published', 'fr-ca': 'published' });
      let verified = await verifyDirectory(
        (await fetchDirectory()).body,
        [secretariat.identity.keys.signing.publicJwk],
        clock.now,
      );
      assert.ok(verified.ok);
      const signingKeys = verified.directory.nodes
        .find((node) => node.nodeId === 'fr-ca')!
        .keys.filter((key) => key.use === 'sig');
      assert.equal(signingKeys.length, 2);
      assert.ok(
        signingKeys.every((key) => isKeyValidAt(key, clock.now)),
        'overlap: both verify',
      );

      const oldKid = france.bundle.keys[0]!.kid;
      const retired = await retireKey(secretariat.context, { kid: oldKid, graceHours: 1 });
      assert.equal(retired.notAfter, new Date(clock.now.getTime() + 3_600_000).toISOString());
      clock.now = new Date(clock.now.getTime() + 2 * 3_600_000);
      await publishDirectory(secretariat.context);
      verified = await verifyDirectory(
        (await fetchDirectory()).body,
        [secretariat.identity.keys.signing.publicJwk],
        clock.now,
      );
      assert.ok(verified.ok);
      const kids = verified.directory.nodes
        .find((node) => node.nodeId === 'fr-ca')!
        .keys.map((key) => key.kid);
      assert.ok(!kids.includes(oldKid), 'a retired key is gone once its grace period ended');
      assert.ok(kids.includes(next.keys[2]!.kid));
      await assert.rejects(retireKey(secretariat.context, { kid: 'A'.repeat(43) }), /no registered key/);
    });

    it('renews the directory at half its lifetime, with the same nodes and a new serial', async () => {
      const before = await verifyDirectory(
        (await fetchDirectory()).body,
        [secretariat.identity.keys.signing.publicJwk],
        clock.now,
      );
      assert.ok(before.ok);
      assert.equal(await renewDirectoryIfDue(secretariat.context), undefined, 'not due yet');
      clock.now = new Date(clock.now.getTime() + 4 * DAY_MS);
      const renewed = await renewDirectoryIfDue(secretariat.context);
      assert.equal(renewed?.serial, before.directory.serial + 1);
      const after = await verifyDirectory(
        (await fetchDirectory()).body,
        [secretariat.identity.keys.signing.publicJwk],
        clock.now,
      );
      assert.ok(after.ok);
      assert.deepEqual(after.directory.nodes, before.directory.nodes);
      assert.equal(after.directory.issuedAt, clock.now.toISOString());
    });

    it('publishes and renews with the validity COMITY_DIRECTORY_VALIDITY_SECONDS sets', async () => {
      const { config } = secretariat.context;
      const shortLived = {
        ...secretariat.context,
        config: { ...config, federation: { ...config.federation, directoryValiditySeconds: 60 } },
      };
      clock.now = new Date(clock.now.getTime() + 31_000);
      assert.equal(await renewDirectoryIfDue(secretariat.context), undefined, '7 days: not due yet');
      const renewed = await renewDirectoryIfDue(shortLived);
      assert.ok(renewed, 'half of 60 s has passed: due');
      assert.equal(Date.parse(renewed.expiresAt) - Date.parse(renewed.issuedAt), 60_000);
      clock.now = new Date(clock.now.getTime() + 29_000);
      assert.equal(await renewDirectoryIfDue(shortLived), undefined, 'not half way yet');
      clock.now = new Date(clock.now.getTime() + 1000);
      assert.equal((await renewDirectoryIfDue(shortLived))?.serial, renewed.serial + 1);
      const published = await publishDirectory(shortLived);
      assert.equal(Date.parse(published.expiresAt) - Date.parse(published.issuedAt), 60_000);
    });
  });

  describe(`directory on a node that is not a secretariat [${target.name}]`, { skip: target.skip }, () => {
    it('answers 404 problem+json and refuses secretariat operations', async () => {
      const subject = await startTestApp(target);
      try {
        const response = await subject.app.inject({ method: 'GET', url: '/federation/v1/directory' });
        assert.equal(response.statusCode, 404);
        assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
        assert.equal(json<{ type: string }>(response).type, 'urn:comity:problem:not-found');
        await assert.rejects(
          publishDirectory(subject.context),
          /not a secretariat: run it with COMITY_MODE=secretariat/,
        );
        const reader = await asRole(subject, 'officer');
        const register = await subject.app.inject({
          method: 'GET',
          url: '/api/v1/secretariat/register',
          headers: reader.headers,
        });
        assert.equal(register.statusCode, 404, register.body);
        assert.match(json<{ detail: string }>(register).detail, /keeps no register of nodes/);
      } finally {
        await subject.close();
      }
    });
  });
}
