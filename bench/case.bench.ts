/**
 * Case benchmark (the case lifecycle issue): how fast a case's events reach the people whose
 * screens are open, measured in a real Chromium page that listens to the node's live updates
 * (Server-Sent Events, GET /api/v1/live) with a signed-in session, between two real node
 * processes on loopback (PGlite), with a secretariat.
 *
 *   send → B's browser   an officer at A submits an emergency preservation request and A's supervisor
 *                        approves it, which sends it (submitted beforehand; measured from POST .../approve,
 *                        drafts made beforehand); the time until the `request-arrived` event is
 *                        read in the duty officer's page at B (delivery, receipt, live update).
 *   ack → A's browser    B's duty officer acknowledges (POST .../transitions); the time until
 *                        the `case-changed` event of the acknowledgement is read in the
 *                        officer's page at A (a federation message A → B and back to a screen).
 *
 * One request at a time, so each figure is the latency of an idle federation. Times are Date.now()
 * of this process and of the page: the same machine clock.
 *
 * Baseline, same run: a bare node:http server that writes an SSE event to the open page when it
 * is POSTed to (bench/baseline-server.ts is for INSERTs; this one is in this file): the cost of a
 * loopback POST and an EventSource in the same Chromium, with nothing else.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { preservationDraft } from '../src/demo/demo-drafts.ts';
import { approveRequest, draftRequest, makeTransition, submitRequest } from '../src/demo/federation-api.ts';
import { startFederation } from '../src/demo/federation-setup.ts';
import { signIn } from '../src/demo/node-api.ts';
import { waitFor } from '../src/demo/node-process.ts';
import type { Figure } from './foundation.bench.ts';
import { formatMs, percentile } from './statistics.ts';

const LAUNCH_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'];

type PageEvent = Readonly<{ kind: string; requestId: string; transition?: string; at: number }>;

/** Opens `url` in a page with `cookie`, and listens to `streamPath` there, keeping each event with its Date.now(). */
async function listeningPage(
  browser: Browser,
  url: string,
  cookie: string | undefined,
  streamPath: string,
): Promise<Page> {
  const context = await browser.newContext();
  if (cookie) {
    const [name, value] = cookie.split('=', 2) as [string, string];
    await context.addCookies([{ name, value, url }]);
  }
  const page = await context.newPage();
  await page.goto(`${url}/api/v1/health`);
  await page.evaluate((path) => {
    type Source = {
      addEventListener: (kind: string, listener: (event: { data: string }) => void) => void;
      onopen: (() => void) | null;
    };
    const page = globalThis as unknown as {
      benchEvents: PageEvent[];
      EventSource: new (path: string) => Source;
    };
    page.benchEvents = [];
    const source = new page.EventSource(path);
    for (const kind of ['request-arrived', 'case-changed', 'alert-raised']) {
      source.addEventListener(kind, (event) =>
        page.benchEvents.push({ ...JSON.parse(event.data), at: Date.now() }),
      );
    }
    return new Promise<void>((resolve) => {
      source.onopen = () => resolve();
    });
  }, streamPath);
  return page;
}

function eventsOf(page: Page): Promise<PageEvent[]> {
  return page.evaluate(() => (globalThis as unknown as { benchEvents: PageEvent[] }).benchEvents);
}

async function nextEvent(
  page: Page,
  matches: (event: PageEvent) => boolean,
  after: number,
): Promise<PageEvent> {
  return waitFor('the event in the page', async () => (await eventsOf(page)).slice(after).find(matches), {
    timeoutMs: 30_000,
    intervalMs: 5,
  });
}

function summary(samples: readonly number[]): string {
  return `${formatMs(percentile(samples, 0.5))} / ${formatMs(percentile(samples, 0.99))}`;
}

function ratio(value: number, baseline: number): string {
  return Number.isFinite(value) && Number.isFinite(baseline) && baseline > 0
    ? `${(value / baseline).toFixed(2)}×`
    : '—';
}

/** The floor: POST to a bare server that writes one SSE event to the page's stream, until the page has it. */
async function measureBaseline(browser: Browser, count: number): Promise<number[]> {
  const streams = new Set<http.ServerResponse>();
  const server = http.createServer((request, response) => {
    if (request.method === 'GET' && request.url === '/live') {
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
      response.write(': connected\n\n');
      streams.add(response);
      request.on('close', () => streams.delete(response));
      return;
    }
    if (request.method === 'POST' && request.url?.startsWith('/emit/')) {
      const requestId = request.url.slice('/emit/'.length);
      for (const stream of streams)
        stream.write(`event: case-changed\ndata: ${JSON.stringify({ kind: 'case-changed', requestId })}\n\n`);
      response.writeHead(204).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const page = await listeningPage(browser, url, undefined, '/live');
  const samples: number[] = [];
  try {
    for (let index = 0; index < count; index += 1) {
      const seen = (await eventsOf(page)).length;
      const started = Date.now();
      await fetch(`${url}/emit/${index}`, { method: 'POST' });
      const event = await nextEvent(page, (item) => item.requestId === String(index), seen);
      samples.push(event.at - started);
    }
  } finally {
    await page.context().close();
    for (const stream of streams) stream.end();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  return samples;
}

export async function runCaseBenchmarks(options: Readonly<{ quick: boolean }>): Promise<Figure[]> {
  const count = options.quick ? 20 : 100;
  const chromiumPath = process.env.COMITY_TEST_CHROMIUM ?? '/usr/bin/chromium';
  const browser = await chromium.launch({ executablePath: chromiumPath, args: LAUNCH_ARGS });
  const directory = mkdtempSync(path.join(os.tmpdir(), 'comity-bench-case-'));
  const sendToArrival: number[] = [];
  const acknowledgementToA: number[] = [];
  let baseline: number[] = [];
  try {
    baseline = await measureBaseline(browser, count);
    const federation = await startFederation({
      directory,
      states: ['FR', 'DE'],
      env: { COMITY_LOG_LEVEL: 'warn' },
      onProgress: (line) => process.stderr.write(`  ${line}\n`),
    });
    try {
      const a = federation.node('FR');
      const b = federation.node('DE');
      const officer = await a.userClient('officer');
      const supervisor = await a.userClient('supervisor');
      const duty = await b.userClient('duty-officer');
      const sessionOf = async (node: typeof a, role: 'officer' | 'duty-officer') => {
        const account = node.accounts?.[role];
        if (!account) throw new Error(`${node.spec.nodeId} has no ${role}`);
        const credentials = await signIn(node.url, account.username, account.password);
        return credentials.kind === 'session' ? credentials.cookie : undefined;
      };
      const pageAtA = await listeningPage(browser, a.url, await sessionOf(a, 'officer'), '/api/v1/live');
      const pageAtB = await listeningPage(browser, b.url, await sessionOf(b, 'duty-officer'), '/api/v1/live');
      const drafts: string[] = [];
      for (let index = 0; index < count; index += 1) {
        const content = {
          ...preservationDraft('FR', 'DE', index + 1),
          urgency: { level: 'emergency' as const, justification: 'Logs are rotated daily.' },
        };
        const drafted = (await draftRequest(officer, content)).id;
        await submitRequest(officer, drafted);
        drafts.push(drafted);
      }
      for (const requestId of drafts) {
        const seenAtB = (await eventsOf(pageAtB)).length;
        const sentAt = Date.now();
        await approveRequest(supervisor, requestId);
        const arrival = await nextEvent(pageAtB, (event) => event.kind === 'request-arrived', seenAtB);
        sendToArrival.push(arrival.at - sentAt);

        const seenAtA = (await eventsOf(pageAtA)).length;
        const acknowledgedAt = Date.now();
        await makeTransition(duty, arrival.requestId, 'acknowledge');
        const heard = await nextEvent(
          pageAtA,
          (event) => event.requestId === requestId && event.transition === 'acknowledge',
          seenAtA,
        );
        acknowledgementToA.push(heard.at - acknowledgedAt);
      }
    } finally {
      await federation.stop();
    }
  } finally {
    await browser.close();
    rmSync(directory, { recursive: true, force: true });
  }
  const floor = summary(baseline);
  return [
    {
      name: `send at A → request-arrived in B's open page (Chromium, SSE), PGlite, ${count} emergency requests one at a time: p50 / p99`,
      value: summary(sendToArrival),
      baseline: `${floor} (bare POST → SSE event in the same Chromium)`,
      ratio: ratio(percentile(sendToArrival, 0.99), percentile(baseline, 0.99)),
    },
    {
      name: `acknowledge at B → case-changed in A's open page, PGlite, ${count} acknowledgements: p50 / p99`,
      value: summary(acknowledgementToA),
      baseline: floor,
      ratio: ratio(percentile(acknowledgementToA, 0.99), percentile(baseline, 0.99)),
    },
  ];
}

export const CASE_METHOD =
  'Method: Date.now() in this process before the POST, and in a Chromium page (a signed-in session listening to GET /api/v1/live) when the event is read; ' +
  'one request at a time (an idle federation); secretariat, A and B are real processes on PGlite; ratio = p99 / baseline p99. ' +
  'Baseline: a bare node:http server writing one SSE event to the same Chromium when POSTed to.';
