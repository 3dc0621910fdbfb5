/**
 * A reader of a node's live updates (Server-Sent Events, GET /api/v1/live) for the demo, the
 * benchmark and the tests: opens the real HTTP stream with the given headers (a bearer token or a
 * session cookie), parses its events, and waits for one that matches.
 *
 *   const stream = await openEventStream(`${base}/api/v1/live`, { authorization: `Bearer ${token}` });
 *   const arrived = await stream.next((event) => event.name === 'request-arrived');
 */
import type { ApiClient } from './node-api.ts';

export type StreamEvent = Readonly<{
  name: string;
  data: unknown;
  /** performance.now() when the event was read: latency is measured from it. */
  receivedAt: number;
}>;

export type EventStream = Readonly<{
  /** Every event received so far, in order. */
  events: readonly StreamEvent[];
  /** The first event (already received or still to come) that matches; rejects after `timeoutMs`. */
  next: (matches: (event: StreamEvent) => boolean, timeoutMs?: number) => Promise<StreamEvent>;
  close: () => Promise<void>;
}>;

export async function openEventStream(url: string, headers: Record<string, string>): Promise<EventStream> {
  const controller = new AbortController();
  const response = await fetch(url, {
    headers: { ...headers, accept: 'text/event-stream' },
    signal: controller.signal,
  });
  if (response.status !== 200 || !response.body) {
    throw new Error(`event stream ${url} answered ${response.status}: ${await response.text()}`);
  }
  const events: StreamEvent[] = [];
  const waiters = new Set<() => void>();
  const reading = (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const lines = block.split('\n');
          const name = lines.find((line) => line.startsWith('event: '))?.slice(7);
          const data = lines
            .filter((line) => line.startsWith('data: '))
            .map((line) => line.slice(6))
            .join('\n');
          if (name) {
            events.push({ name, data: JSON.parse(data), receivedAt: performance.now() });
            for (const wake of [...waiters]) wake();
          }
          end = buffer.indexOf('\n\n');
        }
      }
    } catch {
      // Closed by close(): nothing more to read.
    }
  })();
  return {
    events,
    next: (matches, timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const found = events.find(matches);
          if (!found) return false;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching event within ${timeoutMs} ms; received ${JSON.stringify(events)}`));
        }, timeoutMs);
        if (!check()) waiters.add(check);
      }),
    close: async () => {
      controller.abort();
      await reading;
    },
  };
}

/** The live updates of a node as the client's account sees them. */
export function openLiveUpdates(client: ApiClient): Promise<EventStream> {
  const credentials = client.credentials;
  const headers: Record<string, string> =
    credentials?.kind === 'token'
      ? { authorization: `Bearer ${credentials.token}` }
      : credentials?.kind === 'session'
        ? { cookie: credentials.cookie }
        : {};
  return openEventStream(`${client.url}/api/v1/live`, headers);
}
