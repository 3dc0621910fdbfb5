/**
 * The node's configuration: the only module that reads `process.env`.
 *
 * Every setting is documented here and in docs/configuration.md. `loadConfig()` parses the
 * environment once, reports every problem at the same time and returns a nested, frozen object
 * that the rest of the program receives as an argument.
 */
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

const booleanString = z
  .enum(['true', 'false', '1', '0'])
  .transform((value) => value === 'true' || value === '1');

/** How long the node waits for PostgreSQL (docs/configuration.md), in milliseconds. */
export type DatabaseTimeouts = Readonly<{
  /** A new connection (TCP, TLS, authentication). */
  connectTimeoutMs: number;
  /** PostgreSQL's statement_timeout: the server cancels a longer statement. */
  statementTimeoutMs: number;
  /** The node gives up waiting for the answer to a query (a hung server or a frozen network). */
  queryTimeoutMs: number;
  /** Longest pause between two attempts to reach the server again (back-off cap). */
  retryMaxMs: number;
}>;

export const DATABASE_TIMEOUT_DEFAULTS: DatabaseTimeouts = Object.freeze({
  connectTimeoutMs: 5000,
  statementTimeoutMs: 15_000,
  queryTimeoutMs: 20_000,
  retryMaxMs: 30_000,
});

/**
 * Default messages in flight per delivery worker. On PostgreSQL, 64 lets delivery keep pace with
 * sends under load (docs/benchmarks.md, "Message batches"); on the embedded database, which runs
 * one statement at a time, more in flight slowed the sends without speeding delivery.
 */
export const DELIVERY_CONCURRENCY = Object.freeze({ postgres: 64, pglite: 16 });

/** Shared buffers of the embedded database, in MiB, unless COMITY_PGLITE_SHARED_BUFFERS_MB says otherwise. */
export const PGLITE_SHARED_BUFFERS_DEFAULT_MB = 16;

/** Seconds between two looks for tables of the embedded database due for maintenance, unless COMITY_PGLITE_MAINTENANCE_INTERVAL_SECONDS says otherwise. */
export const PGLITE_MAINTENANCE_INTERVAL_DEFAULT_SECONDS = 60;

const EnvSchema = z.object({
  /** TCP port of the web UI, the API and (later) the federation endpoint. Default 8080. */
  COMITY_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  /** Interface to listen on. Default 127.0.0.1 (this machine only); use 0.0.0.0 behind a reverse proxy. */
  COMITY_HOST: z.string().min(1).default('127.0.0.1'),
  /** Directory for the embedded database (PGlite) and other node files. Default ./.comity in the working directory. */
  COMITY_DATA_DIR: z.string().min(1).default('.comity'),
  /**
   * Shared buffers of the embedded database (PGlite), in MiB: its page cache inside the WebAssembly
   * heap, which keeps what it has touched. Default 16 (PostgreSQL's own default is 128).
   */
  COMITY_PGLITE_SHARED_BUFFERS_MB: z.coerce
    .number()
    .int()
    .min(1)
    .max(4096)
    .default(PGLITE_SHARED_BUFFERS_DEFAULT_MB),
  /**
   * How often the embedded database (PGlite, which runs no autovacuum) is looked at for tables due
   * for VACUUM or ANALYZE, in seconds; the work runs at quiet moments. Default 60, as autovacuum's
   * naptime; 0 turns it off.
   */
  COMITY_PGLITE_MAINTENANCE_INTERVAL_SECONDS: z.coerce
    .number()
    .int()
    .min(0)
    .max(86_400)
    .default(PGLITE_MAINTENANCE_INTERVAL_DEFAULT_SECONDS),
  /**
   * Where a node keeps a migrated, empty embedded database that a node starting on an empty data
   * directory copies instead of creating one (`comity demo` fills it). Default $XDG_CACHE_HOME/comity
   * or ~/.cache/comity; `none` turns the copy off.
   */
  COMITY_CACHE_DIR: z.string().min(1).optional(),
  /**
   * A JSON file the node applies at its first start, while its database has no account: the accounts
   * to create instead of the generated administrator and, on a secretariat, the nodes to register
   * before it publishes the directory (src/services/first-start.service.ts). `comity demo` uses it.
   */
  COMITY_FIRST_START_FILE: z.string().min(1).optional(),
  /** A PostgreSQL connection string. When set, the node uses that server instead of the embedded database. Secret. */
  DATABASE_URL: z.string().url().optional(),
  /** Milliseconds to wait for a new PostgreSQL connection before the attempt counts as failed. Default 5000. */
  COMITY_DATABASE_CONNECT_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(100)
    .max(300_000)
    .default(DATABASE_TIMEOUT_DEFAULTS.connectTimeoutMs),
  /** PostgreSQL's statement_timeout for the node's connections, in milliseconds. Default 15000. */
  COMITY_DATABASE_STATEMENT_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(100)
    .max(3_600_000)
    .default(DATABASE_TIMEOUT_DEFAULTS.statementTimeoutMs),
  /** Milliseconds the node waits for any answer to a query (a hung server or network). Default 20000. */
  COMITY_DATABASE_QUERY_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(100)
    .max(3_600_000)
    .default(DATABASE_TIMEOUT_DEFAULTS.queryTimeoutMs),
  /** Longest pause between two attempts to reach PostgreSQL again (start-up, notifications). Default 30000. */
  COMITY_DATABASE_RETRY_MAX_MS: z.coerce
    .number()
    .int()
    .min(100)
    .max(600_000)
    .default(DATABASE_TIMEOUT_DEFAULTS.retryMaxMs),
  /** Public base URL of the node as users reach it (used in printed links and for the Secure cookie flag). */
  COMITY_PUBLIC_URL: z.string().url().optional(),
  /** Minutes a web session lasts without activity. Default 480 (8 hours). */
  COMITY_SESSION_IDLE_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60)
    .default(480),
  /**
   * Seconds before a web session ends at which the UI warns and offers to extend it (WCAG 2.2.1).
   * Default 120 (2 minutes).
   */
  COMITY_SESSION_WARNING_SECONDS: z.coerce.number().int().min(10).max(3600).default(120),
  /** Hours a web session lasts at most, active or not. Default 12. */
  COMITY_SESSION_MAX_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(12),
  /**
   * Password checks per second, node-wide, for sign-ins from addresses that have failed recently
   * (docs/operations.md, "Sign-in throttling"). Default 20.
   */
  COMITY_SIGN_IN_CHECKS_PER_SECOND: z.coerce.number().int().min(1).max(10_000).default(20),
  /**
   * The reverse proxies whose X-Forwarded-For the node believes for the client address: a
   * comma-separated list of addresses or CIDR ranges (e.g. 127.0.0.1,10.0.0.0/8). Default: none.
   */
  COMITY_TRUSTED_PROXIES: z
    .string()
    .regex(/^[0-9A-Fa-f.:/]+(\s*,\s*[0-9A-Fa-f.:/]+)*$/, 'addresses or CIDR ranges separated by commas')
    .optional(),
  /**
   * Roles whose holders must sign in with a second factor (TOTP): comma-separated role names
   * (e.g. administrator,custodian). Such a user enrols at the next sign-in before doing anything
   * else. Unknown role names stop the node at start. Default: none.
   */
  COMITY_MFA_REQUIRED_ROLES: z
    .string()
    .regex(/^\s*([a-z-]+(\s*,\s*[a-z-]+)*)?\s*$/, 'role names separated by commas')
    .optional(),
  /** Longest life of an API token, in days: a token asks for at most this at creation. Default 365. */
  COMITY_TOKEN_MAX_DAYS: z.coerce.number().int().min(1).max(3650).default(365),
  /** Force the Secure flag on cookies (true/false). Default: on when COMITY_PUBLIC_URL is https. */
  COMITY_COOKIE_SECURE: booleanString.optional(),
  /** ISO 3166-1 alpha-2 code of the State this node serves (or EU). Pre-fills the requesting State in drafts. */
  COMITY_NODE_STATE: z
    .string()
    .regex(/^([A-Z]{2})$/, 'must be an ISO 3166-1 alpha-2 code such as FR, or EU')
    .optional(),
  /** Log level: fatal, error, warn, info, debug, trace or silent. Default info. */
  COMITY_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Directory holding the built web UI. Default web/dist in the checkout. */
  COMITY_WEB_DIR: z.string().min(1).optional(),
  /** Largest accepted JSON request body, in bytes. Default 1 MiB. */
  COMITY_BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(64 * 1024 * 1024)
    .default(1024 * 1024),
  /** node (default) or secretariat: a secretariat node also publishes the signed directory of nodes. */
  COMITY_MODE: z.enum(['node', 'secretariat']).default('node'),
  /** Passphrase that encrypts `comity backup` archives and opens them for `comity restore`. Secret. */
  COMITY_BACKUP_PASSPHRASE: z.string().min(1).optional(),
  /** Passphrase that decrypts the node's private key files when `comity init --passphrase` encrypted them. Secret. */
  COMITY_KEY_PASSPHRASE: z.string().min(1).optional(),
  /** Seconds between two fetches of the secretariat's signed directory. Default 300. */
  COMITY_DIRECTORY_REFRESH_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
  /** On a secretariat: seconds a published directory is valid (renewed half way). Default 604800 (7 days). */
  COMITY_DIRECTORY_VALIDITY_SECONDS: z.coerce
    .number()
    .int()
    .min(10)
    .max(90 * 86_400)
    .default(7 * 86_400),
  /** Largest accepted federation message, in bytes. Default 2 MiB. */
  COMITY_FEDERATION_MAX_MESSAGE_BYTES: z.coerce
    .number()
    .int()
    .min(4096)
    .max(256 * 1024 * 1024)
    .default(2 * 1024 * 1024),
  /** How far a message's createdAt may be from this node's clock, in seconds. Default 300. */
  COMITY_FEDERATION_CLOCK_SKEW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
  /**
   * Messages a delivery worker has in flight at once; a claim's messages for one peer go in
   * batches of up to 32. Default 64 on PostgreSQL, 16 on the embedded database (DELIVERY_CONCURRENCY).
   */
  COMITY_DELIVERY_CONCURRENCY: z.coerce.number().int().min(1).max(256).optional(),
  /** Milliseconds between two looks at the outbox when no wake-up arrives. Default 1000. */
  COMITY_DELIVERY_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(1000),
  /** Timeout of one delivery attempt (HTTP POST to a peer), in milliseconds. Default 10000. */
  COMITY_DELIVERY_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(10_000),
  /**
   * Development only: send to peers whose endpoint is plain http on any host (true/false). Default
   * false: https everywhere, plain http on a loopback address only (src/federation/protocol/endpoint-policy.ts).
   */
  COMITY_FEDERATION_ALLOW_HTTP: booleanString.default(false),
  /**
   * host:port of a separate listener that serves only GET /metrics (Prometheus), e.g. 127.0.0.1:9464
   * (a port the monitoring reaches and users do not). Default: none.
   */
  COMITY_METRICS_ADDRESS: z
    .string()
    .regex(/^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, 'give host:port, e.g. 127.0.0.1:9464')
    .optional(),
  /** A bearer token (at least 32 characters) that opens GET /metrics on the node's own port. Secret. Default: none. */
  COMITY_METRICS_TOKEN: z.string().min(32, 'at least 32 characters').optional(),
  /**
   * Days this node keeps the right to re-deliver a delivered message: a peer restored from a backup
   * asks for what it received after its backup, and gets what was delivered within this window. Default 30.
   */
  COMITY_DELIVERED_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  /** Milliseconds between two rounds of the alert timers (arrivals, deadlines, escalation). Default 30000. */
  COMITY_ALERT_TIMERS_INTERVAL_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  /**
   * The role the State designates to approve intrusive measures (real-time collection of traffic
   * data, interception of content, extradition), e.g. the role of whoever records the judicial
   * validation; the approver also holds the supervisor role and gives the decision's reference.
   * Default legal-reviewer.
   */
  COMITY_INTRUSIVE_APPROVER_ROLE: z
    .string()
    .regex(/^[a-z][a-z-]{1,40}$/, 'give one of the roles, e.g. legal-reviewer')
    .default('legal-reviewer'),
  /** Seconds between two signed tree heads of the audit log (signed only when it grew). Default 600. */
  COMITY_AUDIT_TREE_HEAD_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(600),
  /** The node id that witnesses this node's signed audit tree heads. Unset: the secretariat's node. */
  COMITY_AUDIT_WITNESS_NODE: z.string().min(1).max(200).optional(),
  /**
   * Publish the transparency report (GET /api/v1/transparency and its public page) to everyone
   * (true/false). Default true; false answers 404 and the page says it is not published.
   */
  COMITY_TRANSPARENCY_PUBLISHED: booleanString.default(true),
  /** Days before a preservation expires (Art. 42(8)) at which the requesting side is reminded. Default 14. */
  COMITY_PRESERVATION_REMINDER_DAYS: z.coerce.number().int().min(1).max(365).default(14),
  /**
   * The mail server e-mail alerts go through, e.g. smtp://user:pass@mail.example.org:587 or
   * smtps://...:465. Unset: no e-mail alerts. Secret (it may hold a password).
   */
  COMITY_SMTP_URL: z
    .string()
    .url()
    .refine((value) => /^smtps?:\/\//.test(value), 'must start with smtp:// or smtps://')
    .optional(),
  /** The From address of e-mail alerts. Default comity@<host of the public URL>. */
  COMITY_ALERT_FROM: z.string().min(3).max(254).optional(),
  /** Attempts of one alert delivery (an e-mail, a webhook call) before it is marked failed. Default 12. */
  COMITY_ALERT_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(1000).default(12),
  /** Hours an alert delivery is retried at most, from its first attempt, before it is marked failed. Default 24. */
  COMITY_ALERT_MAX_AGE_HOURS: z.coerce
    .number()
    .min(0.01)
    .max(24 * 30)
    .default(24),
  /** Timeout of one alert delivery attempt (SMTP or webhook), in milliseconds. Default 10000. */
  COMITY_ALERT_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(10_000),
  /** Largest evidence item accepted by upload, in bytes. Default 107374182400 (100 GiB). */
  COMITY_EVIDENCE_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(2 ** 50)
    .default(100 * 1024 ** 3),
  /** How often the evidence transfer worker looks for packages to fetch and verdicts to record, in ms. Default 1000. */
  COMITY_EVIDENCE_TRANSFER_INTERVAL_MS: z.coerce.number().int().min(10).max(3_600_000).default(1000),
});

export type Config = Readonly<{
  http: Readonly<{
    port: number;
    host: string;
    publicUrl: string;
    bodyLimitBytes: number;
    webDirectory: string;
    /** Addresses or CIDR ranges of reverse proxies whose X-Forwarded-For is believed; empty: none. */
    trustedProxies: readonly string[];
  }>;
  database: Readonly<
    | {
        kind: 'pglite';
        directory: string;
        /** Shared buffers in MiB; default PGLITE_SHARED_BUFFERS_DEFAULT_MB. */
        sharedBuffersMb?: number;
        /** Between two looks for tables due for VACUUM or ANALYZE (services/database-maintenance.service.ts); 0 or absent: none. */
        maintenanceIntervalMs?: number;
        /** Where a migrated template database is cached (src/storage/pglite-template.ts); none: no template. */
        templateDirectory?: string;
        /** A new database is made without tables (a restore migrates and fills it itself). */
        isBlank?: boolean;
      }
    /** Without `timeouts`, DATABASE_TIMEOUT_DEFAULTS apply. */
    | { kind: 'postgres'; url: string; timeouts?: DatabaseTimeouts }
  >;
  session: Readonly<{
    idleMinutes: number;
    maxHours: number;
    /** Seconds before a session ends at which the UI warns and offers to extend it. */
    warningSeconds: number;
    isCookieSecure: boolean;
    /** Node-wide password checks per second for addresses with recent failures. */
    signInChecksPerSecond: number;
    /** Longest life of an API token, in days. */
    tokenMaxDays: number;
    /** Roles whose holders must sign in with TOTP (checked against the roles at start). */
    mfaRequiredRoles: readonly string[];
  }>;
  node: Readonly<{
    state: string | undefined;
    dataDirectory: string;
    /** COMITY_BACKUP_PASSPHRASE: the passphrase of backup archives, unless given on standard input. */
    backupPassphrase: string | undefined;
    /** COMITY_FIRST_START_FILE: accounts (and a secretariat's nodes) made at the first start. */
    firstStartFile?: string | undefined;
  }>;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Prometheus metrics: on a listener of their own, and/or on the node's port behind a token. */
  metrics: Readonly<{
    address: Readonly<{ host: string; port: number }> | undefined;
    token: string | undefined;
  }>;
  federation: Readonly<{
    mode: 'node' | 'secretariat';
    /** Where `comity init` wrote node.json and the key files: <data dir>/identity. */
    identityDirectory: string;
    keyPassphrase: string | undefined;
    directoryRefreshSeconds: number;
    /** On a secretariat: how long each directory it publishes is valid. */
    directoryValiditySeconds: number;
    maxMessageBytes: number;
    clockSkewSeconds: number;
    deliveryConcurrency: number;
    deliveryPollMs: number;
    deliveryTimeoutMs: number;
    /** COMITY_FEDERATION_ALLOW_HTTP: plain-http peers off loopback (development only). */
    allowsPlainHttpPeers: boolean;
    /** Days a delivered message is re-delivered to a restored peer that asks for it. */
    deliveredRetentionDays: number;
  }>;
  duty: Readonly<{ alertTimersIntervalMs: number; preservationReminderDays: number }>;
  /** The two-person rule: who approves what leaves the node (src/core/approval). */
  /** One of the roles of src/core/roles.ts (startNode refuses to start otherwise). */
  approval: Readonly<{ intrusiveApproverRole: string }>;
  /** The audit log (services/audit.service.ts): how often a tree head is signed. */
  audit: Readonly<{ treeHeadIntervalMs: number; witnessNodeId: string | undefined }>;
  /** How alerts travel beyond the screen (e-mail, webhooks). */
  alerts: Readonly<{
    /** Unset: no e-mail alerts. */
    smtpUrl: string | undefined;
    fromAddress: string;
    maxAttempts: number;
    maxAgeMs: number;
    timeoutMs: number;
  }>;
  /** Evidence items: their sealed files and the at-rest key live in `directory` (<data dir>/evidence). */
  evidence: Readonly<{ directory: string; maxBytes: number; transferIntervalMs: number }>;
  /** The public transparency report (docs/transparency.md); absent: published. */
  transparency?: Readonly<{ isPublished: boolean }>;
}>;

/** The timeouts of a database configuration (the defaults where none are given, as on PGlite). */
export function databaseTimeoutsOf(database: Config['database']): DatabaseTimeouts {
  return (database.kind === 'postgres' ? database.timeouts : undefined) ?? DATABASE_TIMEOUT_DEFAULTS;
}

/** Thrown when the environment holds invalid settings; `problems` lists every one of them. */
export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

const projectRoot = path.resolve(import.meta.dirname, '..');

/** "127.0.0.1:9464" or "[::1]:9464" -> host and port. */
function hostAndPort(value: string): { host: string; port: number } {
  const separator = value.lastIndexOf(':');
  return {
    host: value.slice(0, separator).replace(/^\[(.*)\]$/, '$1'),
    port: Number(value.slice(separator + 1)),
  };
}

/** COMITY_CACHE_DIR, else $XDG_CACHE_HOME/comity, else ~/.cache/comity; undefined for `none`. */
function cacheDirectoryOf(
  setting: string | undefined,
  environment: Record<string, string | undefined>,
): string | undefined {
  if (setting === 'none') return undefined;
  if (setting) return path.resolve(setting);
  const base = environment.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'comity');
}

/**
 * Where this user's Comity keeps cached files (COMITY_CACHE_DIR, $XDG_CACHE_HOME/comity or
 * ~/.cache/comity), or undefined when COMITY_CACHE_DIR=none: for commands such as `comity demo`
 * that need no other node setting.
 */
export function loadCacheDirectory(
  environment: Record<string, string | undefined> = process.env,
): string | undefined {
  return cacheDirectoryOf(environment.COMITY_CACHE_DIR || undefined, environment);
}

/** Parses an environment (by default `process.env`) into a Config, or throws ConfigError. */
export function loadConfig(environment: Record<string, string | undefined> = process.env): Config {
  const parsed = EnvSchema.safeParse(environment);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const env = parsed.data;
  if (env.COMITY_DATABASE_QUERY_TIMEOUT_MS < env.COMITY_DATABASE_STATEMENT_TIMEOUT_MS) {
    // The server should cancel a slow statement (and say so) before the node stops waiting for it.
    throw new ConfigError([
      'COMITY_DATABASE_QUERY_TIMEOUT_MS: must be at least COMITY_DATABASE_STATEMENT_TIMEOUT_MS',
    ]);
  }
  if (
    env.COMITY_MODE === 'secretariat' &&
    env.COMITY_DIRECTORY_VALIDITY_SECONDS < 2 * env.COMITY_DIRECTORY_REFRESH_SECONDS
  ) {
    // The secretariat renews its directory at a refresh once half its validity has passed: with a
    // longer interval the directory would expire before the next refresh renews it.
    throw new ConfigError([
      'COMITY_DIRECTORY_VALIDITY_SECONDS: must be at least twice COMITY_DIRECTORY_REFRESH_SECONDS on a secretariat',
    ]);
  }
  const dataDirectory = path.resolve(env.COMITY_DATA_DIR);
  const cacheDirectory = cacheDirectoryOf(env.COMITY_CACHE_DIR, environment);
  const publicUrl = env.COMITY_PUBLIC_URL ?? `http://localhost:${env.COMITY_PORT}`;
  return Object.freeze({
    http: Object.freeze({
      port: env.COMITY_PORT,
      host: env.COMITY_HOST,
      publicUrl,
      bodyLimitBytes: env.COMITY_BODY_LIMIT_BYTES,
      webDirectory: path.resolve(env.COMITY_WEB_DIR ?? path.join(projectRoot, 'web', 'dist')),
      trustedProxies: Object.freeze(
        (env.COMITY_TRUSTED_PROXIES ?? '')
          .split(',')
          .map((entry) => entry.trim())
          .filter((entry) => entry !== ''),
      ),
    }),
    database: Object.freeze(
      env.DATABASE_URL
        ? {
            kind: 'postgres' as const,
            url: env.DATABASE_URL,
            timeouts: Object.freeze({
              connectTimeoutMs: env.COMITY_DATABASE_CONNECT_TIMEOUT_MS,
              statementTimeoutMs: env.COMITY_DATABASE_STATEMENT_TIMEOUT_MS,
              queryTimeoutMs: env.COMITY_DATABASE_QUERY_TIMEOUT_MS,
              retryMaxMs: env.COMITY_DATABASE_RETRY_MAX_MS,
            }),
          }
        : {
            kind: 'pglite' as const,
            directory: path.join(dataDirectory, 'pglite'),
            sharedBuffersMb: env.COMITY_PGLITE_SHARED_BUFFERS_MB,
            maintenanceIntervalMs: env.COMITY_PGLITE_MAINTENANCE_INTERVAL_SECONDS * 1000,
            ...(cacheDirectory === undefined ? {} : { templateDirectory: cacheDirectory }),
          },
    ),
    session: Object.freeze({
      idleMinutes: env.COMITY_SESSION_IDLE_MINUTES,
      maxHours: env.COMITY_SESSION_MAX_HOURS,
      warningSeconds: env.COMITY_SESSION_WARNING_SECONDS,
      isCookieSecure: env.COMITY_COOKIE_SECURE ?? publicUrl.startsWith('https:'),
      signInChecksPerSecond: env.COMITY_SIGN_IN_CHECKS_PER_SECOND,
      tokenMaxDays: env.COMITY_TOKEN_MAX_DAYS,
      mfaRequiredRoles: Object.freeze(
        (env.COMITY_MFA_REQUIRED_ROLES ?? '')
          .split(',')
          .map((role) => role.trim())
          .filter((role) => role !== ''),
      ),
    }),
    node: Object.freeze({
      state: env.COMITY_NODE_STATE,
      dataDirectory,
      backupPassphrase: env.COMITY_BACKUP_PASSPHRASE,
      firstStartFile: env.COMITY_FIRST_START_FILE,
    }),
    logLevel: env.COMITY_LOG_LEVEL,
    metrics: Object.freeze({
      address: env.COMITY_METRICS_ADDRESS
        ? Object.freeze(hostAndPort(env.COMITY_METRICS_ADDRESS))
        : undefined,
      token: env.COMITY_METRICS_TOKEN,
    }),
    federation: Object.freeze({
      mode: env.COMITY_MODE,
      identityDirectory: path.join(dataDirectory, 'identity'),
      keyPassphrase: env.COMITY_KEY_PASSPHRASE,
      directoryRefreshSeconds: env.COMITY_DIRECTORY_REFRESH_SECONDS,
      directoryValiditySeconds: env.COMITY_DIRECTORY_VALIDITY_SECONDS,
      maxMessageBytes: env.COMITY_FEDERATION_MAX_MESSAGE_BYTES,
      clockSkewSeconds: env.COMITY_FEDERATION_CLOCK_SKEW_SECONDS,
      deliveryConcurrency:
        env.COMITY_DELIVERY_CONCURRENCY ?? DELIVERY_CONCURRENCY[env.DATABASE_URL ? 'postgres' : 'pglite'],
      deliveryPollMs: env.COMITY_DELIVERY_POLL_MS,
      deliveryTimeoutMs: env.COMITY_DELIVERY_TIMEOUT_MS,
      allowsPlainHttpPeers: env.COMITY_FEDERATION_ALLOW_HTTP,
      deliveredRetentionDays: env.COMITY_DELIVERED_RETENTION_DAYS,
    }),
    duty: Object.freeze({
      alertTimersIntervalMs: env.COMITY_ALERT_TIMERS_INTERVAL_MS,
      preservationReminderDays: env.COMITY_PRESERVATION_REMINDER_DAYS,
    }),
    approval: Object.freeze({ intrusiveApproverRole: env.COMITY_INTRUSIVE_APPROVER_ROLE }),
    audit: Object.freeze({
      treeHeadIntervalMs: env.COMITY_AUDIT_TREE_HEAD_INTERVAL_SECONDS * 1000,
      witnessNodeId: env.COMITY_AUDIT_WITNESS_NODE,
    }),
    alerts: Object.freeze({
      smtpUrl: env.COMITY_SMTP_URL,
      fromAddress: env.COMITY_ALERT_FROM ?? `comity@${new URL(publicUrl).hostname}`,
      maxAttempts: env.COMITY_ALERT_MAX_ATTEMPTS,
      maxAgeMs: Math.round(env.COMITY_ALERT_MAX_AGE_HOURS * 3_600_000),
      timeoutMs: env.COMITY_ALERT_TIMEOUT_MS,
    }),
    transparency: Object.freeze({ isPublished: env.COMITY_TRANSPARENCY_PUBLISHED }),
    evidence: Object.freeze({
      directory: path.join(dataDirectory, 'evidence'),
      maxBytes: env.COMITY_EVIDENCE_MAX_BYTES,
      transferIntervalMs: env.COMITY_EVIDENCE_TRANSFER_INTERVAL_MS,
    }),
  });
}

const ClientEnvSchema = z.object({
  /** Base URL of the node the `comity request` commands talk to. Default http://localhost:8080. */
  COMITY_API_URL: z.string().url().default('http://localhost:8080'),
  /** API token the `comity request` commands send as `Authorization: Bearer`. Secret. */
  COMITY_API_TOKEN: z.string().min(1).optional(),
});

/** Where the CLI finds a running node's API, and the token it authenticates with. */
export type ClientConfig = Readonly<{ apiUrl: string; apiToken: string | undefined }>;

/**
 * Parses the settings of the CLI commands that act through a node's API (rather than on the
 * node's own database), or throws ConfigError. Separate from `loadConfig` so such a command
 * needs none of the node's settings.
 */
export function loadClientConfig(
  environment: Record<string, string | undefined> = process.env,
): ClientConfig {
  // An empty variable (`export COMITY_API_TOKEN=`) means "not set", as a shell user expects.
  const parsed = ClientEnvSchema.safeParse({
    COMITY_API_URL: environment.COMITY_API_URL || undefined,
    COMITY_API_TOKEN: environment.COMITY_API_TOKEN || undefined,
  });
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  return Object.freeze({
    apiUrl: parsed.data.COMITY_API_URL.replace(/\/+$/, ''),
    apiToken: parsed.data.COMITY_API_TOKEN,
  });
}
