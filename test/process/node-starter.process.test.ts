/**
 * Process test of the node starter (src/demo/node-process.ts) that `comity demo`, the
 * process tests and the benchmarks use: a node whose port is taken fails to start with its own
 * error, even when the process holding the port answers /api/v1/health like a node; a node given no
 * port binds a free one itself, reports it, and keeps it across a kill -9 and a restart.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { createNodeProcess, type NodeProcess, temporaryDirectory } from '../helpers/node-process.ts';

/** Health as reported by the node on `url`: its process instance. */
async function instanceAt(url: string): Promise<string> {
  const response = await fetch(`${url}/api/v1/health`);
  return ((await response.json()) as { node: { instance: string } }).node.instance;
}

describe('node starter', { timeout: 240_000 }, () => {
  const nodes: NodeProcess[] = [];
  after(async () => {
    await Promise.all(nodes.map((node) => node.stop()));
  });

  it('reports a node whose port is taken as failed, even if the holder answers like a node', async () => {
    // Another "node" on the port: healthy, as fr-poc was when de-poc was given its port.
    const impostor = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ status: 'ok', node: { instance: 'another-process' } }));
    });
    await new Promise<void>((resolve) => impostor.listen(0, '127.0.0.1', resolve));
    const address = impostor.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const node = createNodeProcess({
      name: 'de-poc',
      dataDirectory: path.join(temporaryDirectory(), 'de-poc'),
      port,
    });
    nodes.push(node);
    try {
      await assert.rejects(node.start(), /de-poc exited during start-up[\s\S]*EADDRINUSE/);
      assert.equal(node.isRunning(), false);
    } finally {
      await new Promise<void>((resolve) => impostor.close(() => resolve()));
    }

    // Once the port is free, the same node starts on it.
    await node.start();
    assert.equal(node.port, port);
    assert.notEqual(await instanceAt(node.url), 'another-process');
  });

  it('lets a node bind a free port itself and keeps that port across kill -9 and restart', async () => {
    const node = createNodeProcess({
      name: 'fr-poc',
      dataDirectory: path.join(temporaryDirectory(), 'fr-poc'),
    });
    nodes.push(node);
    assert.equal(node.port, undefined);
    assert.throws(() => node.url, /fr-poc has no port yet/);
    await node.start();
    const port = node.port;
    assert.ok(port !== undefined && port > 0);
    assert.equal(node.env.COMITY_PORT, String(port), 'operator commands get the port the node took');
    const firstInstance = await instanceAt(node.url);

    await node.kill();
    await node.start();
    assert.equal(node.port, port);
    assert.notEqual(await instanceAt(node.url), firstInstance, 'the port answers as the new process');
  });
});
