/**
 * The directory of nodes as this node sees it. A State node fetches the secretariat's signed
 * directory from `{secretariat.url}/federation/v1/directory`, verifies it against the secretariat
 * keys pinned at `comity init` (never against a key the document carries), refuses one with a
 * lower serial than it already has (an attacker replaying an old directory, e.g. one listing a
 * since-retired key), keeps it in the database (directory_cache) and answers lookups from memory.
 * It refreshes every COMITY_DIRECTORY_REFRESH_SECONDS; when the secretariat is unreachable it
 * keeps working with the directory it has, until that directory expires. Then it fails closed (no
 * node is known, so no message is accepted or sealed) but says so (`expiredSince`): the receiver,
 * the delivery worker, sending and the health check treat an expired directory as a transient
 * fault, and the client tries the secretariat again within seconds (every 0.25 s for two seconds,
 * then 0.5 s, 1 s, 2 s... up to the interval) until a fresh directory arrives. Each refresh's
 * outcome is also kept in the database for the peers screen and `comity peers`.
 *
 * A secretariat node reads its own latest publication from its database instead (and renews it
 * before it expires).
 */
import type { JWK } from 'jose';
import type { AppContext } from '../../app-context.ts';
import {
  findLatestPublication,
  readDirectoryCache,
  writeDirectoryCache,
  writeDirectoryRefresh,
} from '../../storage/federation-directory.repository.ts';
import type { DirectoryLookup, NodeIdentity } from '../context.ts';
import { createFederationLog, type FederationLog } from '../federation-log.ts';
import { MAX_DIRECTORY_BYTES, verifyDirectory } from '../protocol/directory-document.ts';
import type { AuthorityKind, DirectoryDocument, DirectoryKey, DirectoryNode } from '../protocol/types.ts';

/**
 * When the node holds no usable directory, it asks the secretariat again every RETRY_MS for
 * QUICK_RETRIES times (two seconds: a node started with its secretariat joins as soon as the
 * secretariat serves), then after twice as long each time, up to the refresh interval.
 */
const RETRY_MS = 250;
const QUICK_RETRIES = 8;

/** The wait before the next fetch after `failures` fetches in a row left the node without a usable directory. */
export function retryDelayMs(failures: number, intervalMs: number): number {
  return Math.min(intervalMs, RETRY_MS * 2 ** Math.min(Math.max(failures - QUICK_RETRIES, 0), 16));
}

/** What the last refresh did, for tests, logs and the peers screen. */
export type DirectoryRefreshOutcome = Readonly<
  | { ok: true; serial: number; isNew: boolean; at: string }
  | { ok: false; reason: string; detail: string; at: string }
>;

export type DirectoryClient = DirectoryLookup &
  Readonly<{
    /** Loads the cached directory, fetches a fresh one (waits for it only when none is cached), starts the timer. */
    start: () => Promise<void>;
    /** Stops the refresh timer and waits for a refresh in progress (lookups keep answering from memory). */
    stop: () => Promise<void>;
    lastOutcome: () => DirectoryRefreshOutcome | undefined;
    /** The verified directory in use, if any (expired or not). */
    current: () => DirectoryDocument | undefined;
  }>;

export type DirectoryClientOptions = Readonly<{
  context: AppContext;
  identity: NodeIdentity;
  log?: FederationLog;
  /** Replaces the global fetch (tests). */
  fetch?: typeof globalThis.fetch;
  /** Timeout of one fetch of the directory, in milliseconds. Default: COMITY_DELIVERY_TIMEOUT_MS. */
  timeoutMs?: number;
  /**
   * On a secretariat: publishes a new directory when the current one is half way to expiry, and
   * says which serial it published (the composition root passes the secretariat service's).
   */
  renewOwnDirectory?: () => Promise<Readonly<{ serial: number }> | undefined>;
  /**
   * Called once a refresh gives the node a usable directory again after the one it held had
   * expired (an outage of the secretariat is over): the runtime makes the messages that waited
   * due at once instead of at their next back-off.
   */
  onUsableAgain?: () => Promise<void>;
}>;

type Held = {
  document: DirectoryDocument;
  compact: string;
  fetchedAt: Date;
  byId: ReadonlyMap<string, DirectoryNode>;
};

type Fetched = Readonly<{ ok: true; compact: string } | { ok: false; reason: string; detail: string }>;

/** Fetches the secretariat's current directory (compact JWS), unverified. */
async function fetchDirectoryFrom(
  secretariatUrl: string,
  fetchDirectory: typeof globalThis.fetch,
  timeoutMs: number,
): Promise<Fetched> {
  const url = `${secretariatUrl}/federation/v1/directory`;
  try {
    const response = await fetchDirectory(url, {
      headers: { accept: 'application/jose' },
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
    });
    if (response.status !== 200) {
      await response.body?.cancel();
      return { ok: false, reason: 'secretariat-error', detail: `GET ${url} answered ${response.status}` };
    }
    const compact = await readBodyWithin(response, MAX_DIRECTORY_BYTES);
    if (compact === undefined) {
      return { ok: false, reason: 'too-large', detail: `the directory exceeds ${MAX_DIRECTORY_BYTES} bytes` };
    }
    return { ok: true, compact };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return {
      ok: false,
      reason: 'unreachable',
      detail: `GET ${url} failed: ${cause ?? (error as Error).message}`,
    };
  }
}

/**
 * The secretariat's CURRENT directory, fetched now and verified against the pinned keys (not the
 * copy a node cached): what `comity keys activate` checks before a node signs with new keys.
 */
export async function fetchCurrentDirectory(
  input: Readonly<{
    secretariatUrl: string;
    pinnedKeys: readonly JWK[];
    now: Date;
    clockSkewSeconds: number;
    timeoutMs: number;
    fetch?: typeof globalThis.fetch;
  }>,
): Promise<
  Readonly<{ ok: true; directory: DirectoryDocument } | { ok: false; reason: string; detail: string }>
> {
  const fetched = await fetchDirectoryFrom(
    input.secretariatUrl,
    input.fetch ?? globalThis.fetch,
    input.timeoutMs,
  );
  if (!fetched.ok) return fetched;
  const verified = await verifyDirectory(fetched.compact, input.pinnedKeys, input.now, {
    clockSkewSeconds: input.clockSkewSeconds,
  });
  return verified.ok ? { ok: true, directory: verified.directory } : verified;
}

/** Reads at most `limit` bytes of a response body; undefined when it is larger. */
async function readBodyWithin(response: Response, limit: number): Promise<string | undefined> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) return undefined;
  if (!response.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += chunk.byteLength;
    if (size > limit) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Verifies, caches and serves the directory of nodes (see the module comment). */
export function createDirectoryClient(options: DirectoryClientOptions): DirectoryClient {
  const { context, identity } = options;
  const config = context.config.federation;
  const isSecretariat = config.mode === 'secretariat';
  const log = options.log ?? createFederationLog(context.config.logLevel);
  const fetchDirectory = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? config.deliveryTimeoutMs;

  let held: Held | undefined;
  /** The highest serial ever verified here (also from an expired cached directory): never go below it. */
  let minimumSerial = 0;
  let outcome: DirectoryRefreshOutcome | undefined;
  let inFlight: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let hasWarnedExpired = false;

  const pinnedKeys = (): readonly JWK[] =>
    isSecretariat
      ? [identity.keys.signing.publicJwk, ...(identity.secretariat?.publicJwks ?? [])]
      : (identity.secretariat?.publicJwks ?? []);

  const hold = (document: DirectoryDocument, compact: string, fetchedAt: Date): void => {
    held = { document, compact, fetchedAt, byId: new Map(document.nodes.map((node) => [node.nodeId, node])) };
    minimumSerial = Math.max(minimumSerial, document.serial);
    hasWarnedExpired = false;
  };

  /** Keeps the outcome in the database too (the CLI reads it there); a failing database only loses the note. */
  const persist = async (next: DirectoryRefreshOutcome): Promise<void> => {
    try {
      await writeDirectoryRefresh(context.db, {
        attemptedAt: new Date(next.at),
        isOk: next.ok,
        reason: next.ok ? null : next.reason,
        detail: next.ok ? null : next.detail,
      });
    } catch (error) {
      log.warn(`could not record the directory refresh: ${(error as Error).message}`);
    }
  };

  const record = async (next: DirectoryRefreshOutcome): Promise<void> => {
    outcome = next;
    await persist(next);
    if (!next.ok) {
      const using = held ? `still using directory serial ${held.document.serial}` : 'no directory in use';
      log.warn(`directory refresh failed (${next.reason}): ${next.detail}; ${using}`, {
        reason: next.reason,
      });
    }
  };

  /** The directory lookups may use: none once it has expired (fail closed). */
  const usable = (): Held | undefined => {
    if (!held) return undefined;
    if (context.now().getTime() > Date.parse(held.document.expiresAt)) {
      if (!hasWarnedExpired) {
        hasWarnedExpired = true;
        log.warn(
          `the directory (serial ${held.document.serial}) expired at ${held.document.expiresAt}; no node is trusted until a fresh one is fetched`,
        );
      }
      return undefined;
    }
    return held;
  };

  const loadCache = async (): Promise<void> => {
    if (isSecretariat) return;
    const cached = await readDirectoryCache(context.db);
    if (!cached) return;
    const verified = await verifyDirectory(cached.document, pinnedKeys(), context.now(), {
      clockSkewSeconds: config.clockSkewSeconds,
    });
    if (verified.ok) {
      hold(verified.directory, cached.document, cached.fetchedAt);
      return;
    }
    // Signed by the pinned key but out of date: its serial still bounds what may come next.
    if (verified.reason === 'expired' || verified.reason === 'not-yet-valid') {
      minimumSerial = Math.max(minimumSerial, cached.serial);
    }
    if (verified.reason === 'expired') {
      // Valid when it was fetched: held so the node knows it has an EXPIRED directory (a transient
      // fault, expiredSince) rather than none; lookups fail closed all the same.
      const asFetched = await verifyDirectory(cached.document, pinnedKeys(), cached.fetchedAt, {
        clockSkewSeconds: config.clockSkewSeconds,
      });
      if (asFetched.ok) hold(asFetched.directory, cached.document, cached.fetchedAt);
    }
    log.warn(`the cached directory is not usable (${verified.reason}): ${verified.detail}`);
  };

  const fetchFromSecretariat = (secretariatUrl: string): Promise<Fetched> =>
    fetchDirectoryFrom(secretariatUrl, fetchDirectory, timeoutMs);

  const refreshOnce = async (): Promise<void> => {
    const now = context.now();
    const at = now.toISOString();
    let compact: string;
    if (isSecretariat) {
      try {
        const renewed = await options.renewOwnDirectory?.();
        if (renewed)
          log.info(`renewed the directory as serial ${renewed.serial}`, { serial: renewed.serial });
      } catch (error) {
        log.warn(`could not renew the directory: ${(error as Error).message}`);
      }
      const latest = await findLatestPublication(context.db);
      if (!latest) {
        await record({
          ok: false,
          reason: 'unpublished',
          detail: 'no directory published yet (comity secretariat publish)',
          at,
        });
        return;
      }
      compact = latest.document;
    } else {
      if (!identity.secretariat) {
        await record({
          ok: false,
          reason: 'no-secretariat',
          detail: 'no secretariat was pinned at comity init',
          at,
        });
        return;
      }
      const fetched = await fetchFromSecretariat(identity.secretariat.url);
      if (!fetched.ok) {
        await record({ ok: false, reason: fetched.reason, detail: fetched.detail, at });
        return;
      }
      compact = fetched.compact;
    }

    const verified = await verifyDirectory(compact, pinnedKeys(), now, {
      minimumSerial,
      clockSkewSeconds: config.clockSkewSeconds,
    });
    if (!verified.ok) {
      await record({ ok: false, reason: verified.reason, detail: verified.detail, at });
      return;
    }
    const { directory } = verified;
    if (held && directory.serial === held.document.serial) {
      if (compact.trim() !== held.compact.trim()) {
        await record({
          ok: false,
          reason: 'conflicting-serial',
          detail: `a different directory with the serial ${directory.serial} already in use`,
          at,
        });
        return;
      }
      held.fetchedAt = now;
      await record({ ok: true, serial: directory.serial, isNew: false, at });
      return;
    }
    if (!isSecretariat) {
      const isWritten = await writeDirectoryCache(context.db, {
        document: compact,
        serial: directory.serial,
        fetchedAt: now,
      });
      if (!isWritten) {
        // Another process on this database already holds a newer directory: use that one.
        await loadCache();
        await record({
          ok: false,
          reason: 'rolled-back',
          detail: `serial ${directory.serial} is older than the directory this node's database holds`,
          at,
        });
        return;
      }
    }
    hold(directory, compact, now);
    log.info(`directory serial ${directory.serial} in use (${directory.nodes.length} nodes)`, {
      serial: directory.serial,
    });
    await record({ ok: true, serial: directory.serial, isNew: true, at });
  };

  /** A refresh, and the onUsableAgain hook when it ended an expiry. */
  const refreshAndResume = async (): Promise<void> => {
    const wasExpired = held !== undefined && usable() === undefined;
    await refreshOnce();
    if (wasExpired && usable() !== undefined) await options.onUsableAgain?.();
  };

  const refresh = (): Promise<void> => {
    inFlight ??= refreshAndResume()
      .catch(async (error: unknown) => {
        await record({
          ok: false,
          reason: 'internal',
          detail: error instanceof Error ? error.message : String(error),
          at: context.now().toISOString(),
        });
      })
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  };

  /**
   * The next refresh comes after the configured interval while a directory that has not expired
   * is held. Until then (a node started before the secretariat was reachable, or whose directory
   * expired during an outage) it retries sooner: every 0.25 s for two seconds, then 0.5 s, 1 s,
   * 2 s... up to the interval, so the node joins, or trusts its peers again, within moments of the
   * secretariat coming up (nodes started with their secretariat, as `comity demo` starts them).
   */
  let isRunning = false;
  let failedFirstFetches = 0;
  const scheduleNextRefresh = (): void => {
    if (!isRunning) return;
    const intervalMs = config.directoryRefreshSeconds * 1000;
    const isUsable = usable() !== undefined;
    failedFirstFetches = isUsable ? 0 : failedFirstFetches + 1;
    const delayMs = isUsable ? intervalMs : retryDelayMs(failedFirstFetches, intervalMs);
    timer = setTimeout(() => {
      void refresh().finally(scheduleNextRefresh);
    }, delayMs);
    timer.unref();
  };

  const nodesOf = (): readonly DirectoryNode[] => usable()?.document.nodes ?? [];

  return {
    findNode: (nodeId: string): DirectoryNode | undefined => usable()?.byId.get(nodeId),
    findNodeFor: (state: string, authority: AuthorityKind): DirectoryNode | undefined =>
      nodesOf().find((node) => node.state === state && node.authority === authority),
    findKey: (nodeId: string, kid: string): DirectoryKey | undefined =>
      usable()
        ?.byId.get(nodeId)
        ?.keys.find((key) => key.kid === kid),
    listNodes: (): readonly DirectoryNode[] => held?.document.nodes ?? [],
    describe: () =>
      held
        ? {
            serial: held.document.serial,
            issuedAt: held.document.issuedAt,
            expiresAt: held.document.expiresAt,
            fetchedAt: held.fetchedAt.toISOString(),
          }
        : undefined,
    expiredSince: () => (held && usable() === undefined ? held.document.expiresAt : undefined),
    refresh,
    start: async () => {
      await loadCache();
      if (held) void refresh();
      else await refresh();
      isRunning = true;
      scheduleNextRefresh();
    },
    stop: async () => {
      isRunning = false;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await inFlight;
    },
    lastOutcome: () => outcome,
    current: () => held?.document,
  };
}
