/**
 * The delivery worker's HTTP client (src/federation/delivery/message-poster.ts) against a local
 * server: what it sends, what it answers for statuses, long, cut-off and missing answers, and the
 * single re-post when a kept-alive connection was closed by the peer before answering.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createHttpPoster } from '../../../src/federation/delivery/message-poster.ts';

type Handler = (request: http.IncomingMessage, body: string, response: http.ServerResponse) => void;

describe('message poster (node:http)', () => {
  let server: http.Server;
  let url: string;
  let handler: Handler = (_request, _body, response) => response.end('{}');
  const sockets = new Set<Socket>();
  const poster = createHttpPoster({ maxSockets: 4, maxAnswerBytes: 100 });

  before(async () => {
    server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => handler(request, Buffer.concat(chunks).toString(), response));
    });
    server.on('connection', (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/federation/v1/messages`;
  });
  after(async () => {
    poster.close();
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it('posts the message as application/jose and answers the status and body, whatever the status', async () => {
    let seen: { method?: string; type?: string; body?: string } = {};
    handler = (request, body, response) => {
      seen = { method: request.method, type: request.headers['content-type'], body };
      response.writeHead(409, { 'content-type': 'application/problem+json' }).end('{"receipt":"r"}');
    };
    const answer = await poster.post(url, 'a.b.c', 2000);
    assert.deepEqual(seen, { method: 'POST', type: 'application/jose', body: 'a.b.c' });
    assert.deepEqual(answer, { status: 409, text: '{"receipt":"r"}' });
  });

  it('keeps at most maxAnswerBytes of a long answer', async () => {
    handler = (_request, _body, response) => response.end('x'.repeat(10_000));
    const answer = await poster.post(url, 'a.b.c', 2000);
    assert.equal(answer.status, 200);
    assert.equal(answer.text, 'x'.repeat(100));
  });

  it('rejects with a TimeoutError when no answer comes in time', async () => {
    handler = () => {};
    await assert.rejects(poster.post(url, 'a.b.c', 100), { name: 'TimeoutError' });
  });

  it('rejects when the answer is cut off or nobody listens', async () => {
    handler = (_request, _body, response) => {
      response.writeHead(200, { 'content-length': '1000' });
      response.write('partial');
      setTimeout(() => response.socket?.destroy(), 10);
    };
    await assert.rejects(poster.post(url, 'a.b.c', 2000));
    await assert.rejects(poster.post('http://127.0.0.1:1/federation/v1/messages', 'a.b.c', 2000));
  });

  it('posts once more on a new connection when the peer closed a kept-alive one without answering', async () => {
    const requestsBySocket = new Map<Socket, number>();
    let posts = 0;
    let hasDropped = false;
    handler = (request, _body, response) => {
      posts += 1;
      const socket = request.socket;
      const count = (requestsBySocket.get(socket) ?? 0) + 1;
      requestsBySocket.set(socket, count);
      if (count === 2 && !hasDropped) {
        hasDropped = true;
        socket.destroy();
        return;
      }
      response.end('{"receipt":"r"}');
    };
    // Fill and free every pooled connection, then reuse one: the server drops it unanswered.
    await Promise.all(Array.from({ length: 4 }, () => poster.post(url, 'warm', 2000)));
    const answer = await poster.post(url, 'a.b.c', 2000);
    assert.deepEqual(answer, { status: 200, text: '{"receipt":"r"}' });
    assert.equal(hasDropped, true);
    assert.equal(posts, 6);
  });
});
