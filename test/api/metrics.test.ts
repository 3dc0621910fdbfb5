/**
 * Metrics for the node's monitoring (Prometheus text format): on the node's port only with the
 * metrics token, on a listener of their own without one; what they count: deliveries with their
 * latency and the outbox per peer (two nodes over loopback), refused incoming messages, refused
 * sign-ins.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config.ts';
import { preservationDraft } from '../../src/demo/demo-drafts.ts';
import { type RunningNode, startNode } from '../../src/main.ts';
import { submitAndApprove } from '../helpers/approval.ts';
import { asRole } from '../helpers/auth.ts';
import { DATABASE_TARGETS } from '../helpers/database.ts';
import { type NodePair, startNodePair } from './delivery-fixture.ts';

const TOKEN = 'metrics-token-for-the-monitoring-0123456789';

/** The value of a sample line `name{labels} value`, or undefined. */
function sample(text: string, line: RegExp): number | undefined {
  const found = text.split('\n').find((candidate) => line.test(candidate));
  return found === undefined ? undefined : Number(found.split(' ').at(-1));
}

describe('metrics on a running node (PGlite)', () => {
  let directory: string;
  let node: RunningNode;

  before(async () => {
    directory = mkdtempSync(path.join(os.tmpdir(), 'comity-metrics-'));
    node = await startNode(
      loadConfig({
        COMITY_PORT: '0',
        COMITY_DATA_DIR: directory,
        COMITY_LOG_LEVEL: 'silent',
        COMITY_METRICS_TOKEN: TOKEN,
        COMITY_METRICS_ADDRESS: '127.0.0.1:0',
      }),
    );
  });
  after(async () => {
    await node?.stop();
    rmSync(directory, { recursive: true, force: true });
  });

  it('opens GET /metrics on the node port only with the metrics token', async () => {
    const anonymous = await fetch(`${node.url}/metrics`);
    assert.equal(anonymous.status, 401);
    assert.match(String(anonymous.headers.get('content-type')), /application\/problem\+json/);
    const wrong = await fetch(`${node.url}/metrics`, { headers: { authorization: 'Bearer not-the-token' } });
    assert.equal(wrong.status, 401);
    const right = await fetch(`${node.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(right.status, 200);
    assert.match(String(right.headers.get('content-type')), /^text\/plain; version=0\.0\.4/);
    const text = await right.text();
    assert.match(text, /# TYPE comity_delivery_latency_seconds histogram/);
    assert.match(text, /# TYPE comity_outbox_pending_messages gauge/);
    assert.match(text, /# TYPE comity_process_resident_memory_bytes gauge/);
    assert.equal(sample(text, /^comity_alert_deliveries\{channel="webhook",status="failed"\}/), 0);
    // A new node's database has used some thousands of transaction IDs, far below PostgreSQL's limit.
    const age = sample(text, /^comity_database_transaction_id_age /);
    assert.ok(age !== undefined && age > 0 && age < 2 ** 31, `transaction ID age ${age}`);
  });

  it('serves the same on its own listener, and nothing else there', async () => {
    assert.ok(node.metricsPort);
    const metrics = await fetch(`http://127.0.0.1:${node.metricsPort}/metrics`);
    assert.equal(metrics.status, 200);
    assert.match(await metrics.text(), /comity_sign_in_failures_total/);
    assert.equal((await fetch(`http://127.0.0.1:${node.metricsPort}/api/v1/health`)).status, 404);
  });

  it('counts refused sign-ins and refused federation messages', async () => {
    const read = async () =>
      (await fetch(`http://127.0.0.1:${node.metricsPort}/metrics`).then((response) =>
        response.text(),
      )) as string;
    const before = await read();
    const refusedBefore =
      sample(before, /^comity_incoming_messages_refused_total\{reason="malformed-message"\}/) ?? 0;
    const signInBefore = sample(before, /^comity_sign_in_failures_total /) ?? 0;
    const signIn = await fetch(`${node.url}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'not the password' }),
    });
    assert.equal(signIn.status, 401);
    const message = await fetch(`${node.url}/federation/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/jose' },
      body: '',
    });
    assert.equal(message.status, 400);
    const after = await read();
    assert.equal(sample(after, /^comity_sign_in_failures_total /), signInBefore + 1);
    assert.equal(
      sample(after, /^comity_incoming_messages_refused_total\{reason="malformed-message"\}/),
      refusedBefore + 1,
    );
  });
});

describe('metrics without a token', () => {
  it('answer 404 on the node port', async () => {
    const directory = mkdtempSync(path.join(os.tmpdir(), 'comity-metrics-'));
    const node = await startNode(
      loadConfig({ COMITY_PORT: '0', COMITY_DATA_DIR: directory, COMITY_LOG_LEVEL: 'silent' }),
    );
    try {
      const response = await fetch(`${node.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
      assert.equal(response.status, 404);
      assert.equal(node.metricsPort, undefined);
    } finally {
      await node.stop();
      rmSync(directory, { recursive: true, force: true });
    }
  });
});

for (const target of DATABASE_TARGETS) {
  describe(`delivery metrics [${target.name}]`, { skip: target.skip }, () => {
    let pair: NodePair;
    before(async () => {
      pair = await startNodePair(target, {
        requesting: ['fr-metrics', 'FR'],
        requested: ['de-metrics', 'DE'],
      });
    });
    after(async () => {
      await pair?.close();
    });

    it('observe each delivery with its latency, and the outbox per peer', async () => {
      const officer = await asRole(pair.requesting, 'officer');
      const duty = await asRole(pair.requested, 'duty-officer');
      const drafted = await pair.requesting.app.inject({
        method: 'POST',
        url: '/api/v1/requests',
        headers: officer.headers,
        payload: preservationDraft('FR', 'DE', 3),
      });
      const id = (JSON.parse(drafted.body) as { request: { id: string } }).request.id;
      await submitAndApprove(pair.requesting, id, officer);
      const metrics = pair.requesting.context.metrics!;
      const waiting = (await metrics.exposition()).body;
      assert.equal(sample(waiting, /^comity_outbox_pending_messages\{peer="de-metrics"\}/), 1);
      assert.ok(
        (sample(waiting, /^comity_outbox_oldest_pending_age_seconds\{peer="de-metrics"\}/) ?? -1) >= 0,
      );

      pair.clock.advance(250);
      assert.equal((await pair.requestingWorker.runOnce()).delivered, 1);
      const sent = (await metrics.exposition()).body;
      assert.equal(sample(sent, /^comity_outbox_pending_messages\{peer="de-metrics"\}/), 0);
      assert.equal(sample(sent, /^comity_delivery_latency_seconds_count\{peer="de-metrics"\}/), 1);
      assert.equal(sample(sent, /^comity_delivery_latency_seconds_sum\{peer="de-metrics"\}/), 0.25);
      assert.equal(sample(sent, /^comity_delivery_latency_seconds_bucket\{le="0.1",peer="de-metrics"\}/), 0);
      assert.equal(sample(sent, /^comity_delivery_latency_seconds_bucket\{le="0.25",peer="de-metrics"\}/), 1);
      assert.equal(sample(sent, /^comity_peer_circuit_state\{peer="de-metrics",state="closed"\}/), 1);
      void duty;
    });
  });
}
