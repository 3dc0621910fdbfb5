/**
 * openMessage: a round trip, and every reason a receiver refuses a message, each produced by the
 * smallest change that should trigger exactly that reason.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  encryptBody,
  type OpenMessageOptions,
  type OpenResult,
  openMessage,
  type RejectionReason,
  sealMessage,
  signEnvelope,
} from '../../../src/federation/protocol/index.ts';
import {
  assembleToken,
  base64urlJson,
  CLOCK_SKEW_SECONDS,
  createTestNode,
  decodePayload,
  directoryKeyOf,
  envelopeFrom,
  flipSignatureByte,
  forgeHs256Token,
  MAX_BYTES,
  NOW,
  openOptionsFor,
  resolverFor,
  sealPing,
} from './protocol-fixtures.ts';
import {
  type RequestSubmittedBody,
  requestSubmittedMessage,
} from '../../../src/federation/messages/request-submitted.message.ts';

const sender = await createTestNode('fr-ca');
const recipient = await createTestNode('de-247');
const stranger = await createTestNode('xx-stranger');

function assertRejected(result: OpenResult, reason: RejectionReason): void {
  assert.equal(result.ok, false, `expected ${reason}, got ok`);
  if (!result.ok) assert.equal(result.reason, reason, result.detail);
}

function openAsRecipient(compact: string, overrides: Partial<OpenMessageOptions> = {}): Promise<OpenResult> {
  return openMessage(compact, openOptionsFor(recipient, sender, overrides));
}

/** A resolver that records whether it was asked, to prove no key was used. */
function spyResolver() {
  const calls: string[] = [];
  const resolve = resolverFor(sender);
  return {
    calls,
    resolveSenderKey: (nodeId: string, kid: string, at: Date) => {
      calls.push(`${nodeId}/${kid}`);
      return resolve(nodeId, kid, at);
    },
  };
}

const requestSubmittedBody = {
  request: { type: 'preservation', caseReference: 'FR-1', preservationDays: 90 },
  requestId: 'req-1',
  submittedAt: NOW.toISOString(),
  submittedBy: { displayName: 'A prosecutor' },
};

/** A message of `type` with `body` as is (not validated), sealed with the library. */
function sealAs(from: typeof sender, to: typeof recipient, type: string, body: unknown): Promise<string> {
  return sealMessage({
    envelope: envelopeFrom(from, to, { type }),
    body,
    senderSigning: from.keys.signing,
    recipientEncryption: to.keys.encryption,
  });
}

describe('openMessage', () => {
  describe('round trip', () => {
    it('should open a ping sealed for this node, with its digest and sender kid', async () => {
      const compact = await sealPing(sender, recipient);
      const result = await openAsRecipient(compact);
      assert.ok(result.ok, result.ok ? '' : result.detail);
      assert.equal(result.type, 'ping');
      assert.deepEqual(result.body, {});
      assert.equal(result.envelope.from, 'fr-ca');
      assert.equal(result.senderKid, sender.keys.signing.kid);
      assert.match(result.digest, /^[A-Za-z0-9_-]{43}$/);
    });

    it('should open a request.submitted message and give its typed body', async () => {
      const compact = await sealMessage({
        envelope: envelopeFrom(sender, recipient, { type: 'request.submitted', case: 'req-1' }),
        body: requestSubmittedBody,
        senderSigning: sender.keys.signing,
        recipientEncryption: recipient.keys.encryption,
      });
      const result = await openAsRecipient(compact);
      assert.ok(result.ok, result.ok ? '' : result.detail);
      assert.equal(result.type, 'request.submitted');
      const body = result.body as RequestSubmittedBody;
      assert.equal(body.request.type, 'preservation');
      assert.equal(body.submittedBy.displayName, 'A prosecutor');
    });

    it('should write the envelope members in protocol order whatever the caller order', async () => {
      const { v, id, from, to, type, createdAt } = envelopeFrom(sender, recipient);
      const compact = await sealMessage({
        envelope: { createdAt, case: 'case-1', type, to, from, id, v },
        body: {},
        senderSigning: sender.keys.signing,
        recipientEncryption: recipient.keys.encryption,
      });
      assert.deepEqual(Object.keys(decodePayload(compact)), [
        'v',
        'id',
        'from',
        'to',
        'type',
        'case',
        'createdAt',
        'body',
      ]);
    });

    it('should not put the body in clear in the message', async () => {
      const compact = await sealMessage({
        envelope: envelopeFrom(sender, recipient, { type: 'request.submitted' }),
        body: requestSubmittedBody,
        senderSigning: sender.keys.signing,
        recipientEncryption: recipient.keys.encryption,
      });
      assert.doesNotMatch(JSON.stringify(decodePayload(compact)), /prosecutor|FR-1/);
    });

    it('should refuse to seal an invalid body or envelope (throws, nothing is signed)', async () => {
      await assert.rejects(
        sealMessage({
          envelope: envelopeFrom(sender, recipient, { type: 'request.submitted' }),
          body: { request: { type: 'no-such-type' } },
          bodySchema: requestSubmittedMessage.bodySchema,
          senderSigning: sender.keys.signing,
          recipientEncryption: recipient.keys.encryption,
        }),
        TypeError,
      );
      await assert.rejects(
        sealMessage({
          envelope: { ...envelopeFrom(sender, recipient), to: 'Not A Node' },
          body: {},
          senderSigning: sender.keys.signing,
          recipientEncryption: recipient.keys.encryption,
        }),
        TypeError,
      );
    });
  });

  describe('message-too-large', () => {
    it('should refuse a message over maxBytes before parsing it', async () => {
      assertRejected(await openAsRecipient('x'.repeat(MAX_BYTES + 1)), 'message-too-large');
    });

    it('should count bytes, not characters', async () => {
      const compact = await sealPing(sender, recipient);
      assertRejected(await openAsRecipient(compact, { maxBytes: compact.length - 1 }), 'message-too-large');
      assert.ok((await openAsRecipient(compact, { maxBytes: compact.length })).ok);
      assertRejected(await openAsRecipient('é'.repeat(600), { maxBytes: 1000 }), 'message-too-large');
    });
  });

  describe('malformed-message', () => {
    it('should refuse a token that does not have 3 parts', async () => {
      const compact = await sealPing(sender, recipient);
      const [header, payload] = compact.split('.');
      assertRejected(await openAsRecipient(`${header}.${payload}`), 'malformed-message');
      assertRejected(await openAsRecipient(`${compact}.${header}`), 'malformed-message');
      assertRejected(await openAsRecipient(''), 'malformed-message');
    });

    it('should refuse parts that are not base64url, and base64 padding or alphabet as non-canonical', async () => {
      const compact = await sealPing(sender, recipient);
      const [header, payload, signature] = compact.split('.');
      assertRejected(await openAsRecipient(`${header}.${payload}*.${signature}`), 'malformed-message');
      assertRejected(await openAsRecipient(`${header}=.${payload}.${signature}`), 'non-canonical-encoding');
      assertRejected(await openAsRecipient(`${header}.${payload}.${signature}+/`), 'non-canonical-encoding');
    });

    it('should refuse a payload or header that is not JSON', async () => {
      const compact = await sealPing(sender, recipient);
      const [header, , signature] = compact.split('.');
      const notJson = Buffer.from('{"v":1,"from":"fr-ca"', 'utf8').toString('base64url');
      assertRejected(await openAsRecipient(`${header}.${notJson}.${signature}`), 'malformed-message');
      assertRejected(await openAsRecipient(`${notJson}.${notJson}.${signature}`), 'malformed-message');
      assertRejected(
        await openAsRecipient(`${base64urlJson(['EdDSA'])}.${notJson}.${signature}`),
        'malformed-message',
      );
    });

    it('should refuse a header with other members than alg, kid and typ (crit, b64, jwk...)', async () => {
      const compact = await sealPing(sender, recipient);
      const payload = decodePayload(compact);
      const header = { alg: 'EdDSA', kid: sender.keys.signing.kid, typ: 'comity-message+jws' };
      const signature = compact.split('.')[2] ?? '';
      for (const extra of [
        { crit: ['b64'], b64: false },
        { jwk: sender.keys.signing.publicJwk },
        { x5u: 'https://x' },
      ]) {
        assertRejected(
          await openAsRecipient(assembleToken({ ...header, ...extra }, payload, signature)),
          'malformed-message',
        );
      }
    });

    it('should refuse another kind of JWS (typ) and an empty signature', async () => {
      const compact = await sealPing(sender, recipient);
      const payload = decodePayload(compact);
      const signature = compact.split('.')[2] ?? '';
      const receiptTyp = { alg: 'EdDSA', kid: sender.keys.signing.kid, typ: 'comity-receipt+jws' };
      assertRejected(
        await openAsRecipient(assembleToken(receiptTyp, payload, signature)),
        'malformed-message',
      );
      const header = { alg: 'EdDSA', kid: sender.keys.signing.kid, typ: 'comity-message+jws' };
      assertRejected(await openAsRecipient(assembleToken(header, payload, '')), 'malformed-message');
    });

    it('should refuse a payload that names no valid sender', async () => {
      const compact = await signEnvelope(
        { ...envelopeFrom(sender, recipient), from: undefined, body: 'x' },
        sender.keys.signing,
      );
      assertRejected(await openAsRecipient(compact), 'malformed-message');
      assertRejected(
        await openAsRecipient(await signEnvelope([1, 2], sender.keys.signing)),
        'malformed-message',
      );
    });

    it('should turn an unexpected exception into malformed-message', async () => {
      const compact = await sealPing(sender, recipient);
      const self = { nodeId: recipient.nodeId, encryption: [null] } as unknown as OpenMessageOptions['self'];
      assertRejected(await openAsRecipient(compact, { self }), 'malformed-message');
    });
  });

  describe('unsupported-algorithm', () => {
    it('should refuse alg none without looking up any key', async () => {
      const compact = await sealPing(sender, recipient);
      const spy = spyResolver();
      const header = { alg: 'none', kid: sender.keys.signing.kid, typ: 'comity-message+jws' };
      assertRejected(
        await openAsRecipient(assembleToken(header, decodePayload(compact), ''), spy),
        'unsupported-algorithm',
      );
      assertRejected(
        await openAsRecipient(assembleToken({ alg: 'none' }, decodePayload(compact), ''), spy),
        'unsupported-algorithm',
      );
      assert.deepEqual(spy.calls, []);
    });

    it('should refuse an HMAC token keyed with the sender public key without looking up any key', async () => {
      const compact = await sealPing(sender, recipient);
      const spy = spyResolver();
      const header = { kid: sender.keys.signing.kid, typ: 'comity-message+jws' };
      const publicKeyBytes = Buffer.from(String(sender.keys.signing.publicJwk.x), 'base64url');
      for (const hmacKey of [publicKeyBytes, JSON.stringify(sender.keys.signing.publicJwk)]) {
        const forged = forgeHs256Token(header, decodePayload(compact), hmacKey);
        assertRejected(await openAsRecipient(forged, spy), 'unsupported-algorithm');
      }
      assert.deepEqual(spy.calls, []);
    });

    it('should refuse any other algorithm and a missing alg', async () => {
      const compact = await sealPing(sender, recipient);
      const [, payload, signature] = compact.split('.');
      for (const alg of ['RS256', 'ES256', 'HS512', 'EDDSA', undefined, 1]) {
        const header = base64urlJson({ alg, kid: sender.keys.signing.kid, typ: 'comity-message+jws' });
        assertRejected(await openAsRecipient(`${header}.${payload}.${signature}`), 'unsupported-algorithm');
      }
    });
  });

  describe('unknown-sender', () => {
    it('should refuse a node that is not in the directory', async () => {
      assertRejected(await openAsRecipient(await sealPing(stranger, recipient)), 'unknown-sender');
    });

    it('should refuse a kid the sender does not have, and an encryption key used as signing key', async () => {
      const compact = await sealPing(sender, recipient);
      const encAsSig = (nodeId: string, kid: string) =>
        nodeId === 'fr-ca' && kid === sender.keys.signing.kid
          ? { ...directoryKeyOf(sender.keys.encryption, 'enc'), kid }
          : undefined;
      assertRejected(await openAsRecipient(compact, { resolveSenderKey: encAsSig }), 'unknown-sender');
      const otherKid = await signEnvelope(decodePayload(compact), stranger.keys.signing);
      assertRejected(await openAsRecipient(otherKid), 'unknown-sender');
    });

    it('should let a failure of the directory lookup itself propagate (the sender retries)', async () => {
      const compact = await sealPing(sender, recipient);
      const failing = () => {
        throw new Error('directory unavailable');
      };
      await assert.rejects(openAsRecipient(compact, { resolveSenderKey: failing }), /directory unavailable/);
    });
  });

  describe('expired-key', () => {
    it('should refuse a key after its notAfter and before its notBefore', async () => {
      const compact = await sealPing(sender, recipient);
      const expired = { notBefore: '2025-01-01T00:00:00Z', notAfter: '2026-11-28T09:59:59.999Z' };
      const future = { notBefore: '2026-11-28T10:00:00.001Z', notAfter: '2027-01-01T00:00:00Z' };
      for (const window of [expired, future]) {
        const node = { ...sender, directoryKeys: [directoryKeyOf(sender.keys.signing, 'sig', window)] };
        assertRejected(
          await openAsRecipient(compact, { resolveSenderKey: resolverFor(node) }),
          'expired-key',
        );
      }
    });

    it('should accept a key at the bounds of its window', async () => {
      const compact = await sealPing(sender, recipient);
      const window = { notBefore: NOW.toISOString(), notAfter: NOW.toISOString() };
      const node = { ...sender, directoryKeys: [directoryKeyOf(sender.keys.signing, 'sig', window)] };
      assert.ok((await openAsRecipient(compact, { resolveSenderKey: resolverFor(node) })).ok);
    });
  });

  describe('bad-signature', () => {
    it('should refuse a signature with one flipped byte', async () => {
      assertRejected(
        await openAsRecipient(flipSignatureByte(await sealPing(sender, recipient))),
        'bad-signature',
      );
    });

    it('should refuse a payload changed after signing', async () => {
      const compact = await sealPing(sender, recipient);
      const [header, , signature] = compact.split('.');
      const changed = base64urlJson({ ...decodePayload(compact), case: 'case-2' });
      assertRejected(await openAsRecipient(`${header}.${changed}.${signature}`), 'bad-signature');
    });

    it("should refuse a message signed with another key under the sender's kid", async () => {
      const compact = await sealPing(sender, recipient);
      const impostor = { ...stranger.keys.signing, kid: sender.keys.signing.kid };
      assertRejected(
        await openAsRecipient(await signEnvelope(decodePayload(compact), impostor)),
        'bad-signature',
      );
    });
  });

  describe('schema-invalid', () => {
    it('should refuse a valid signature over a schema-invalid envelope', async () => {
      const valid = decodePayload(await sealPing(sender, recipient));
      for (const invalid of [
        { ...valid, extra: true },
        { ...valid, v: 2 },
        { ...valid, id: 'not-a-uuid' },
        { ...valid, type: 'No Such Type' },
        { ...valid, type: 'x'.repeat(65) },
        { ...valid, createdAt: '28/11/2026' },
        { ...valid, body: undefined },
      ]) {
        const result = await openAsRecipient(await signEnvelope(invalid, sender.keys.signing));
        assertRejected(result, 'schema-invalid');
      }
    });

    it('should refuse a well-named type this node does not speak as unsupported-message-type', async () => {
      const valid = decodePayload(await sealPing(sender, recipient));
      const result = await openAsRecipient(
        await signEnvelope({ ...valid, type: 'case.teleported' }, sender.keys.signing),
      );
      assertRejected(result, 'unsupported-message-type');
      assert.match(result.ok ? '' : result.detail, /case\.teleported/);
    });

    it('should read request content forward-compatibly: unknown members dropped, unknown request types refused', async () => {
      const newerBody = {
        ...requestSubmittedBody,
        request: {
          ...requestSubmittedBody.request,
          elementOfALaterVersion: 'kept in the stored message, not read',
          urgency: { level: 'urgent', scoreOfALaterVersion: 3 },
        },
      };
      const opened = await openAsRecipient(await sealAs(sender, recipient, 'request.submitted', newerBody));
      assert.ok(opened.ok, opened.ok ? '' : opened.detail);
      const body = opened.body as RequestSubmittedBody;
      assert.equal(body.request.type, requestSubmittedBody.request.type);
      assert.deepEqual(body.request.urgency, { level: 'urgent' });
      assert.equal(Object.hasOwn(body.request, 'elementOfALaterVersion'), false);

      for (const request of [
        { ...requestSubmittedBody.request, type: 'request-type-of-a-later-version' },
        { ...requestSubmittedBody.request, preservationDays: 'ninety' },
      ]) {
        const refused = await openAsRecipient(
          await sealAs(sender, recipient, 'request.submitted', { ...requestSubmittedBody, request }),
        );
        assertRejected(refused, 'schema-invalid');
      }
    });

    it('should refuse a valid signature over a body invalid for its type', async () => {
      for (const body of [
        { request: { type: 'preservation' } },
        { ...requestSubmittedBody, extra: 1 },
        'text',
      ]) {
        const jwe = await encryptBody(
          body,
          { type: 'request.submitted', from: sender.nodeId },
          recipient.keys.encryption,
        );
        const envelope = { ...envelopeFrom(sender, recipient, { type: 'request.submitted' }), body: jwe };
        assertRejected(
          await openAsRecipient(await signEnvelope(envelope, sender.keys.signing)),
          'schema-invalid',
        );
      }
    });

    it('should refuse a body encrypted for another message type (cty)', async () => {
      const jwe = await encryptBody({}, { type: 'ping', from: sender.nodeId }, recipient.keys.encryption);
      const envelope = { ...envelopeFrom(sender, recipient, { type: 'request.submitted' }), body: jwe };
      const result = await openAsRecipient(await signEnvelope(envelope, sender.keys.signing));
      assertRejected(result, 'schema-invalid');
    });

    it('should refuse a body another node encrypted, re-sent by the sender as its own (iss)', async () => {
      const jwe = await encryptBody({}, { type: 'ping', from: stranger.nodeId }, recipient.keys.encryption);
      const envelope = { ...envelopeFrom(sender, recipient), body: jwe };
      assertRejected(
        await openAsRecipient(await signEnvelope(envelope, sender.keys.signing)),
        'schema-invalid',
      );
    });
  });

  describe('wrong-addressee', () => {
    it('should refuse a message for another node', async () => {
      const result = await openAsRecipient(await sealPing(sender, stranger));
      assertRejected(result, 'wrong-addressee');
    });
  });

  describe('stale-message', () => {
    const skewMs = CLOCK_SKEW_SECONDS * 1000;

    it('should refuse a createdAt too far in the past or in the future, and give the verified envelope', async () => {
      for (const offset of [-skewMs - 1, skewMs + 1]) {
        const createdAt = new Date(NOW.getTime() + offset).toISOString();
        const result = await openAsRecipient(await sealPing(sender, recipient, { createdAt }));
        assertRejected(result, 'stale-message');
        if (!result.ok) {
          assert.equal(result.envelope?.createdAt, createdAt);
          assert.match(result.digest ?? '', /^[A-Za-z0-9_-]{43}$/);
        }
      }
    });

    it('should accept a createdAt exactly at the edge of the window', async () => {
      for (const offset of [-skewMs, skewMs]) {
        const createdAt = new Date(NOW.getTime() + offset).toISOString();
        assert.ok((await openAsRecipient(await sealPing(sender, recipient, { createdAt }))).ok);
      }
    });
  });

  describe('undecryptable', () => {
    it('should refuse a body encrypted to another key', async () => {
      const jwe = await encryptBody({}, { type: 'ping', from: sender.nodeId }, stranger.keys.encryption);
      const envelope = { ...envelopeFrom(sender, recipient), body: jwe };
      assertRejected(
        await openAsRecipient(await signEnvelope(envelope, sender.keys.signing)),
        'undecryptable',
      );
    });

    it("should refuse a body encrypted to another key but labelled with this node's kid", async () => {
      const jwe = await encryptBody(
        {},
        { type: 'ping', from: sender.nodeId },
        {
          ...stranger.keys.encryption,
          kid: recipient.keys.encryption.kid,
        },
      );
      const envelope = { ...envelopeFrom(sender, recipient), body: jwe };
      assertRejected(
        await openAsRecipient(await signEnvelope(envelope, sender.keys.signing)),
        'undecryptable',
      );
    });

    it('should refuse a tampered ciphertext', async () => {
      const jwe = await encryptBody(
        { a: 1 },
        { type: 'ping', from: sender.nodeId },
        recipient.keys.encryption,
      );
      const parts = jwe.split('.');
      const ciphertext = Buffer.from(parts[3] ?? '', 'base64url');
      ciphertext[0] = (ciphertext[0] ?? 0) ^ 0x01;
      parts[3] = ciphertext.toString('base64url');
      const envelope = { ...envelopeFrom(sender, recipient), body: parts.join('.') };
      assertRejected(
        await openAsRecipient(await signEnvelope(envelope, sender.keys.signing)),
        'undecryptable',
      );
    });

    it('should refuse body algorithms other than ECDH-ES/A256GCM as unsupported', async () => {
      const jwe = await encryptBody({}, { type: 'ping', from: sender.nodeId }, recipient.keys.encryption);
      const parts = jwe.split('.');
      const header = JSON.parse(Buffer.from(parts[0] ?? '', 'base64url').toString('utf8')) as Record<
        string,
        unknown
      >;
      parts[0] = base64urlJson({ ...header, enc: 'A128GCM' });
      const envelope = { ...envelopeFrom(sender, recipient), body: parts.join('.') };
      assertRejected(
        await openAsRecipient(await signEnvelope(envelope, sender.keys.signing)),
        'unsupported-algorithm',
      );
    });

    it('should refuse an ephemeral key (epk) that is not a public X25519 key of 32 bytes', async () => {
      const jwe = await encryptBody({}, { type: 'ping', from: sender.nodeId }, recipient.keys.encryption);
      const parts = jwe.split('.');
      const header = JSON.parse(Buffer.from(parts[0] ?? '', 'base64url').toString('utf8')) as {
        epk: { x: string };
      };
      const x = Buffer.from(header.epk.x, 'base64url');
      const epks = [
        { ...header.epk, x: x.subarray(0, 31).toString('base64url') },
        { ...header.epk, x: Buffer.concat([x, Buffer.from([0])]).toString('base64url') },
        { ...header.epk, crv: 'Ed25519' },
        { ...header.epk, d: header.epk.x },
        'not a key',
      ];
      for (const epk of epks) {
        parts[0] = base64urlJson({ ...header, epk });
        const envelope = { ...envelopeFrom(sender, recipient), body: parts.join('.') };
        assertRejected(
          await openAsRecipient(await signEnvelope(envelope, sender.keys.signing)),
          'undecryptable',
        );
      }
    });
  });

  describe('key rotation', () => {
    it('should decrypt with whichever of its encryption keys the body names', async () => {
      const next = await createTestNode('de-247');
      const self = {
        nodeId: recipient.nodeId,
        encryption: [next.keys.encryption, recipient.keys.encryption],
      };
      const toOld = await sealPing(sender, recipient);
      const toNew = await sealMessage({
        envelope: envelopeFrom(sender, recipient),
        body: {},
        senderSigning: sender.keys.signing,
        recipientEncryption: next.keys.encryption,
      });
      assert.ok((await openAsRecipient(toOld, { self })).ok);
      assert.ok((await openAsRecipient(toNew, { self })).ok);
      assertRejected(await openAsRecipient(toNew), 'undecryptable');
    });

    it('should verify with the old signing key while both are published, and refuse it after its notAfter', async () => {
      const next = await createTestNode('fr-ca');
      const oldKey = directoryKeyOf(sender.keys.signing, 'sig', {
        notBefore: '2026-01-01T00:00:00Z',
        notAfter: '2026-12-01T00:00:00Z',
      });
      const newKey = directoryKeyOf(next.keys.signing, 'sig', {
        notBefore: '2026-11-20T00:00:00Z',
        notAfter: '2027-12-01T00:00:00Z',
      });
      const rotating = { ...sender, directoryKeys: [oldKey, newKey] };
      const resolveSenderKey = resolverFor(rotating);
      const signedWithNew = await sealMessage({
        envelope: envelopeFrom(sender, recipient),
        body: {},
        senderSigning: next.keys.signing,
        recipientEncryption: recipient.keys.encryption,
      });
      assert.ok((await openAsRecipient(await sealPing(sender, recipient), { resolveSenderKey })).ok);
      assert.ok((await openAsRecipient(signedWithNew, { resolveSenderKey })).ok);

      const later = new Date('2026-12-01T00:00:01Z');
      const lateOld = await sealPing(sender, recipient, { createdAt: later.toISOString() });
      assertRejected(await openAsRecipient(lateOld, { resolveSenderKey, now: later }), 'expired-key');
      const lateNew = await sealMessage({
        envelope: envelopeFrom(sender, recipient, { createdAt: later.toISOString() }),
        body: {},
        senderSigning: next.keys.signing,
        recipientEncryption: recipient.keys.encryption,
      });
      assert.ok((await openAsRecipient(lateNew, { resolveSenderKey, now: later })).ok);
    });
  });
});
