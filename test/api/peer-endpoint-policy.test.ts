/**
 * Federation goes over HTTPS: a node refuses to send to a peer whose endpoint in the directory is
 * plain http off loopback (nothing queued, 422 insecure-peer-endpoint), a message queued before the
 * endpoint changed waits instead of going out in clear, and a secretariat refuses to register such
 * an endpoint, unless the development setting COMITY_FEDERATION_ALLOW_HTTP is on.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { preservationDraft } from '../../src/demo/demo-drafts.ts';
import { refusedEndpointReason } from '../../src/federation/protocol/endpoint-policy.ts';
import { json } from '../helpers/app.ts';
import { submitAndApprove } from '../helpers/approval.ts';
import { type ActingAs, asRole } from '../helpers/auth.ts';
import { DATABASE_TARGETS, PGLITE_TARGET } from '../helpers/database.ts';
import { type NodePair, startNodePair } from './delivery-fixture.ts';

/** TEST-NET-1 (RFC 5737): never routed, so nothing could answer there. */
const PLAIN_HTTP_ENDPOINT = 'http://192.0.2.10:8080';

describe('which peer endpoints a node sends to', () => {
  it('https anywhere; plain http only on loopback; anything else refused with its reason', () => {
    assert.equal(refusedEndpointReason('https://comity.justice.example', false), undefined);
    for (const loopback of [
      'http://127.0.0.1:8080',
      'http://127.8.9.10',
      'http://localhost:3000',
      'http://[::1]:8080',
    ]) {
      assert.equal(refusedEndpointReason(loopback, false), undefined, loopback);
    }
    assert.match(refusedEndpointReason(PLAIN_HTTP_ENDPOINT, false) ?? '', /plain HTTP.*must be https/);
    assert.match(refusedEndpointReason('http://127.0.0.1.example.org', false) ?? '', /plain HTTP/);
    assert.match(refusedEndpointReason('ftp://192.0.2.10', true) ?? '', /neither https nor http/);
    assert.match(refusedEndpointReason('not a url', true) ?? '', /not a URL/);
  });

  it('the development setting allows plain http anywhere', () => {
    assert.equal(refusedEndpointReason(PLAIN_HTTP_ENDPOINT, true), undefined);
  });
});

for (const target of DATABASE_TARGETS) {
  describe(`a peer with a plain-HTTP endpoint [${target.name}]`, { skip: target.skip }, () => {
    let pair: NodePair;
    let officer: ActingAs;

    before(async () => {
      pair = await startNodePair(target, { requesting: ['fr-tls', 'FR'], requested: ['de-tls', 'DE'] });
      officer = await asRole(pair.requesting, 'officer');
    });
    after(() => pair?.close());

    async function draft(serial: number): Promise<string> {
      const response = await pair.requesting.app.inject({
        method: 'POST',
        url: '/api/v1/requests',
        headers: officer.headers,
        payload: preservationDraft('FR', 'DE', serial),
      });
      assert.equal(response.statusCode, 201, response.body);
      return json<{ request: { id: string } }>(response).request.id;
    }

    const send = (id: string) => submitAndApprove(pair.requesting, id, officer);

    const read = async (id: string) => {
      const response = await pair.requesting.app.inject({
        method: 'GET',
        url: `/api/v1/requests/${id}`,
        headers: officer.headers,
      });
      return json<{ request: { status: string; delivery?: { state: string; lastError: string | null } } }>(
        response,
      ).request;
    };

    it('a send is refused with insecure-peer-endpoint and the request stays a draft', async () => {
      pair.directory.setEndpoint('de-tls', PLAIN_HTTP_ENDPOINT);
      try {
        const id = await draft(1);
        const refused = await send(id);
        assert.equal(refused.statusCode, 422, refused.body);
        const problem = json<{ type: string; detail: string }>(refused);
        assert.equal(problem.type, 'urn:comity:problem:insecure-peer-endpoint');
        assert.match(problem.detail, /de-tls.*192\.0\.2\.10.*plain HTTP.*nothing was sent/);
        assert.equal((await read(id)).status, 'draft');
      } finally {
        pair.directory.setEndpoint('de-tls', pair.requestedUrl);
      }
    });

    it('a message queued before the endpoint became plain http waits for an https one, then leaves', async () => {
      const id = await draft(2);
      assert.equal((await send(id)).statusCode, 202);
      pair.directory.setEndpoint('de-tls', PLAIN_HTTP_ENDPOINT);
      try {
        assert.deepEqual(await pair.requestingWorker.runOnce(), {
          attempted: 1,
          delivered: 0,
          failed: 0,
          retrying: 1,
        });
        const waiting = await read(id);
        assert.equal(waiting.delivery?.state, 'pending');
        assert.match(waiting.delivery?.lastError ?? '', /192\.0\.2\.10:8080 is plain HTTP/);
      } finally {
        pair.directory.setEndpoint('de-tls', pair.requestedUrl);
      }
      pair.clock.advance(3_600_000);
      assert.equal((await pair.requestingWorker.runOnce()).delivered, 1);
      assert.equal((await read(id)).delivery?.state, 'delivered');
    });
  });
}

describe('COMITY_FEDERATION_ALLOW_HTTP=true (development)', () => {
  let pair: NodePair;
  let officer: ActingAs;

  before(async () => {
    pair = await startNodePair(PGLITE_TARGET, {
      requesting: ['fr-dev', 'FR'],
      requested: ['de-dev', 'DE'],
      environment: { COMITY_FEDERATION_ALLOW_HTTP: 'true' },
    });
    officer = await asRole(pair.requesting, 'officer');
  });
  after(() => pair?.close());

  it('a send to a plain-HTTP endpoint off loopback is queued', async () => {
    pair.directory.setEndpoint('de-dev', PLAIN_HTTP_ENDPOINT);
    const drafted = await pair.requesting.app.inject({
      method: 'POST',
      url: '/api/v1/requests',
      headers: officer.headers,
      payload: preservationDraft('FR', 'DE', 3),
    });
    const id = json<{ request: { id: string } }>(drafted).request.id;
    const sent = await submitAndApprove(pair.requesting, id, officer);
    assert.equal(sent.statusCode, 202, sent.body);
  });
});
