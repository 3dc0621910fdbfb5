/**
 * PostgreSQL LISTEN/NOTIFY between the processes of a node. `listenForNotifications` keeps one
 * dedicated connection listening on a channel: when that connection is lost (server stopped or
 * restarted, session terminated, no answer) it connects again with back-off and listens again,
 * and calls `onConnected` after every (re)connection, because notifications sent while it was
 * away are lost: the listener then looks for itself. `notifyChannel` sends one.
 */
import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import type { DatabaseTimeouts } from '../config.ts';
import { reconnectDelayMs } from './connection-faults.ts';
import type { Database } from './schema.ts';

export type NotificationListenerOptions = Readonly<{
  url: string;
  /** A channel name: lower-case letters, digits and underscores. */
  channel: string;
  timeouts: DatabaseTimeouts;
  /** A notification arrived on the channel, with its payload ('' when it has none). */
  onNotification: (payload: string) => void;
  /** Listening (again): anything notified while disconnected was missed. */
  onConnected?: () => void;
  /** The connection failed or was lost; the listener tries again after `retryInMs`. */
  onError?: (error: unknown, retryInMs: number) => void;
}>;

export type NotificationListener = Readonly<{
  /** Resolves once the first LISTEN is in place (or has failed: retries go on in the background). */
  ready: Promise<void>;
  /** Stops listening and closes the connection; no callback runs afterwards. */
  close: () => Promise<void>;
}>;

const CHANNEL_PATTERN = /^[a-z_][a-z0-9_]{0,62}$/;

export function listenForNotifications(options: NotificationListenerOptions): NotificationListener {
  if (!CHANNEL_PATTERN.test(options.channel)) throw new TypeError(`invalid channel name ${options.channel}`);
  const { timeouts } = options;
  let isClosed = false;
  let client: pg.Client | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let failures = 0;

  function scheduleRetry(error: unknown): void {
    if (isClosed || retryTimer) return;
    failures += 1;
    const delayMs = reconnectDelayMs(failures, timeouts.retryMaxMs);
    options.onError?.(error, delayMs);
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void connect();
    }, delayMs);
  }

  async function connect(): Promise<void> {
    if (isClosed) return;
    const candidate = new pg.Client({
      connectionString: options.url,
      connectionTimeoutMillis: timeouts.connectTimeoutMs,
      query_timeout: timeouts.queryTimeoutMs,
      keepAlive: true,
    });
    // A connection lost later (or failing now) is replaced, once: never an unhandled 'error' event.
    let isLost = false;
    const onLost = (error: unknown) => {
      if (isLost) return;
      isLost = true;
      if (client === candidate) client = undefined;
      void candidate.end().catch(() => undefined);
      scheduleRetry(error);
    };
    candidate.on('error', onLost);
    candidate.on('end', () => {
      if (!isClosed) onLost(new Error('Connection terminated'));
    });
    candidate.on('notification', (message) => {
      if (!isClosed && message.channel === options.channel) options.onNotification(message.payload ?? '');
    });
    try {
      await candidate.connect();
      await candidate.query(`LISTEN ${options.channel}`);
    } catch (error) {
      onLost(error);
      return;
    }
    if (isClosed) {
      await candidate.end().catch(() => undefined);
      return;
    }
    client = candidate;
    failures = 0;
    options.onConnected?.();
  }

  const ready = connect();
  return {
    ready,
    close: async () => {
      isClosed = true;
      clearTimeout(retryTimer);
      retryTimer = undefined;
      await ready;
      const current = client;
      client = undefined;
      await current?.end().catch(() => undefined);
    },
  };
}

/** Sends a notification on `channel` (delivered when the surrounding transaction commits). */
export async function notifyChannel(db: Kysely<Database>, channel: string): Promise<void> {
  await sql`select pg_notify(${channel}, '')`.execute(db);
}
