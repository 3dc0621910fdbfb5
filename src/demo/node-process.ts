/**
 * Runs Comity nodes as real operating-system processes on this machine: `comity init` and the
 * other operator commands as short CLI processes, then `comity serve` as a long-running child with
 * its own data directory (PGlite) or DATABASE_URL, port and mode. `comity demo`, the process tests
 * (test/helpers/node-process.ts) and the benchmarks (bench/node-process.ts) all start nodes this
 * way, so what they exercise is exactly what an operator runs.
 *
 * A node binds its port itself: the given one, or on its first start any free port (COMITY_PORT=0),
 * kept for its restarts. It reports the port in its ready file (src/ready-file.ts), and the start
 * is complete only when GET /api/v1/health on that port answers with the same process instance:
 * never a port that was merely free a moment earlier, never another process answering there.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import { type ReadyReport, readReadyFile, removeReadyFile } from '../ready-file.ts';
import { generateDemoPassword, replaceOneTimePassword } from './node-api.ts';
import { PROJECT_ROOT } from './project-root.ts';

export { PROJECT_ROOT };
/** The `comity` command line, as bin/comity runs it. */
export const CLI_ENTRY = path.join(PROJECT_ROOT, 'src', 'cli', 'main.ts');

/** Characters of a child's output kept in memory for error messages. */
const OUTPUT_TAIL_CHARS = 16_000;

export type CliResult = Readonly<{ code: number; stdout: string; stderr: string }>;

/**
 * Runs `comity <args>` as its own process (the pinned Node binary, this checkout) and collects
 * its output. Never throws for a non-zero exit: the caller decides; throws only on timeout.
 */
export async function runComity(
  args: readonly string[],
  options: Readonly<{
    env?: Record<string, string | undefined>;
    input?: string;
    timeoutMs?: number;
    /** Called with each line of standard output as it comes (the command still runs). */
    onLine?: (line: string) => void;
  }> = {},
): Promise<CliResult> {
  const child = spawn(process.execPath, [CLI_ENTRY, ...args], {
    cwd: PROJECT_ROOT,
    env: cleanEnvironment({ ...inheritedEnvironment(), COMITY_LOG_LEVEL: 'silent', ...options.env }),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let linesSeen = 0;
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    if (!options.onLine) return;
    const lines = stdout.split('\n').slice(0, -1);
    for (const line of lines.slice(linesSeen)) options.onLine(line);
    linesSeen = lines.length;
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.stdin.end(options.input ?? '');
  const timeoutMs = options.timeoutMs ?? 60_000;
  const code = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`comity ${args.join(' ')} did not finish within ${timeoutMs} ms\n${stdout}${stderr}`));
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (status, signal) => {
      clearTimeout(timer);
      resolve(status ?? (signal ? 128 : 1));
    });
  });
  return { code, stdout, stderr };
}

/** Like runComity, but a non-zero exit throws with the command's own error line. */
export async function runComityOrThrow(
  args: readonly string[],
  options: Parameters<typeof runComity>[1] = {},
): Promise<CliResult> {
  const result = await runComity(args, options);
  if (result.code !== 0) {
    const reason = (result.stderr.trim() || result.stdout.trim()).split('\n').slice(-3).join(' | ');
    throw new Error(`comity ${args.join(' ')} exited with ${result.code}: ${reason}`);
  }
  return result;
}

/**
 * This process's environment without the node's settings (COMITY_*, DATABASE_URL): a node started
 * here gets exactly the settings given for it, never the operator's own node settings (a
 * DATABASE_URL in the shell would otherwise put every demo node in one database).
 */
function inheritedEnvironment(): Record<string, string | undefined> {
  return Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('COMITY_') && name !== 'DATABASE_URL'),
  );
}

/** Drops variables set to undefined (spawn would pass the string "undefined"). */
function cleanEnvironment(env: Record<string, string | undefined>): Record<string, string> {
  const clean: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (value !== undefined) clean[name] = value;
  return clean;
}

/** What a node process is started with; the same settings on every restart. */
export type NodeProcessOptions = Readonly<{
  /** Short label for messages and the log file name, e.g. "fr-poc". */
  name: string;
  /** COMITY_DATA_DIR: identity files and, without databaseUrl, the PGlite database. */
  dataDirectory: string;
  /** The port to listen on; without it the first start takes any free port, and restarts keep it. */
  port?: number;
  mode?: 'node' | 'secretariat';
  /** A PostgreSQL connection string; without it the node uses PGlite in dataDirectory. */
  databaseUrl?: string;
  /**
   * Where users and peers reach the node listening on `port` (COMITY_PUBLIC_URL), e.g. a TLS reverse
   * proxy in front of it; default http://127.0.0.1:<port>.
   */
  publicUrlFor?: (port: number) => string;
  /** More environment variables (COMITY_DIRECTORY_REFRESH_SECONDS, COMITY_DELIVERY_POLL_MS...). */
  env?: Record<string, string | undefined>;
  /** Appends the node's output to this file (the demo keeps one log per node). */
  logFile?: string;
  /** How long to wait for the node to be ready after spawning. Default 90 s (PGlite initdb is slow on a busy machine). */
  startTimeoutMs?: number;
  /**
   * The program to run instead of `comity serve` (a script and its arguments): the benchmarks' bare
   * baseline server, or a program embedding a node (test/fixtures/node-with-witness.ts). It must
   * take `--ready-file` and answer /api/v1/health as the node does; its stdin is a pipe
   * (`child.stdin`) the caller may write commands to.
   */
  program?: readonly string[];
  /** Node's own options for the process, before its program (the demo's `--liftoff-only`). */
  nodeArguments?: readonly string[];
}>;

/** A node process that can be stopped, killed and started again on the same data. */
export type NodeProcess = {
  readonly name: string;
  /** http://127.0.0.1:<port>; throws before the first start when no port was given. */
  readonly url: string;
  /** The port given, or the one the first start got; undefined before that. */
  readonly port: number | undefined;
  /** Where users and peers reach it (COMITY_PUBLIC_URL): `url`, or the proxy in front of it. */
  readonly publicUrl: string;
  readonly dataDirectory: string;
  /** The environment every `comity` command about this node must run with (same data, database, mode, port). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The first administrator's password: the one-time one the first start wrote, replaced through the API at once. */
  adminPassword: string | undefined;
  /** The running child, or undefined while stopped. */
  readonly child: ChildProcess | undefined;
  isRunning: () => boolean;
  /** Spawns `comity serve` and waits until it reports its port and that port answers as this process. */
  start: () => Promise<void>;
  /** SIGTERM (clean shutdown), SIGKILL after a grace period. */
  stop: () => Promise<void>;
  /** SIGKILL: the crash a power cut or the OOM killer causes. Resolves once the process is gone. */
  kill: () => Promise<void>;
  /** The last characters the node wrote on stdout and stderr. */
  outputTail: () => string;
};

/** The environment a node runs with: its port (0: any free port), data, database and mode. */
export function nodeEnvironment(
  options: NodeProcessOptions,
  port: number | undefined = options.port,
): Record<string, string | undefined> {
  return {
    COMITY_PORT: String(port ?? 0),
    COMITY_HOST: '127.0.0.1',
    COMITY_PUBLIC_URL: port === undefined ? undefined : publicUrlOf(options, port),
    COMITY_DATA_DIR: options.dataDirectory,
    COMITY_MODE: options.mode ?? 'node',
    DATABASE_URL: options.databaseUrl,
    ...options.env,
  };
}

function publicUrlOf(options: NodeProcessOptions, port: number): string {
  return options.publicUrlFor?.(port) ?? `http://127.0.0.1:${port}`;
}

/** Every node process this process started and that may still run. */
const liveChildren = new Set<ChildProcess>();

/**
 * SIGKILLs every node process this process started. Runs by itself when this process exits, so a
 * test runner that ends a test file, or a demo that fails, leaves no node behind; call it from a
 * signal handler too (a process killed by a signal without a handler runs no exit hook).
 */
export function killAllNodeProcesses(): void {
  for (const child of liveChildren) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  liveChildren.clear();
}
process.on('exit', killAllNodeProcesses);

/**
 * The first administrator's password after a first start: the node writes the one-time password
 * to a file (its standard output is not a terminal) and names it; the harness reads it and
 * replaces it through the API, as the first sign-in must, so callers get a usable password.
 */
async function firstAdministratorPassword(startOutput: string, url: string): Promise<string | undefined> {
  const file = /one-time password is in (\S+) \(/.exec(startOutput)?.[1];
  const printed = /password:\s+(\S+)/.exec(startOutput)?.[1];
  const written = file ? /password:\s+(\S+)/.exec(readFileSync(file, 'utf8'))?.[1] : undefined;
  const oneTimePassword = written ?? printed;
  if (!oneTimePassword) return undefined;
  const password = generateDemoPassword();
  await replaceOneTimePassword(url, 'admin', oneTimePassword, password);
  return password;
}

/** Prepares (does not start) a node process. Run `comity init` with `env` before the first start. */
export function createNodeProcess(options: NodeProcessOptions): NodeProcess {
  mkdirSync(options.dataDirectory, { recursive: true });
  // Per process name: several processes may share one data directory (on PostgreSQL).
  const readyFile = path.join(options.dataDirectory, `.${options.name}.ready.json`);
  let port = options.port;
  let child: ChildProcess | undefined;
  let tail = '';
  let log: WriteStream | undefined;
  if (options.logFile) log = createWriteStream(options.logFile, { flags: 'a' });

  const record = (chunk: Buffer | string): void => {
    const text = chunk.toString();
    tail = (tail + text).slice(-OUTPUT_TAIL_CHARS);
    log?.write(text);
  };

  const waitForExit = (target: ChildProcess, timeoutMs: number): Promise<boolean> =>
    target.exitCode !== null || target.signalCode !== null
      ? Promise.resolve(true)
      : new Promise((resolve) => {
          const timer = setTimeout(() => resolve(false), timeoutMs);
          target.once('exit', () => {
            clearTimeout(timer);
            resolve(true);
          });
        });

  /** Waits for the child's ready file, then for its port to answer as this very process. */
  const waitUntilReady = async (started: ChildProcess, closed: Promise<void>): Promise<ReadyReport> => {
    const timeoutMs = options.startTimeoutMs ?? 90_000;
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (started.exitCode !== null || started.signalCode !== null) {
        await Promise.race([closed, delay(1000)]); // its last words (EADDRINUSE...) into the tail
        throw new Error(
          `${options.name} exited during start-up (${started.exitCode ?? started.signalCode}):\n${tail}`,
        );
      }
      const report = readReadyFile(readyFile);
      if (report !== undefined && report.pid === started.pid) {
        const answer = await healthInstance(`http://127.0.0.1:${report.port}`);
        if (answer !== undefined && answer !== report.instance) {
          throw new Error(
            `${options.name} reported port ${report.port}, but another process answers there (instance ${answer})`,
          );
        }
        if (answer === report.instance) return report;
      }
      await delay(50);
    }
    throw new Error(`${options.name} was not ready within ${timeoutMs} ms:\n${tail}`);
  };

  const handle: NodeProcess = {
    name: options.name,
    get url() {
      if (port === undefined) throw new Error(`${options.name} has no port yet: start it first`);
      return `http://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    get publicUrl() {
      if (port === undefined) throw new Error(`${options.name} has no port yet: start it first`);
      return publicUrlOf(options, port);
    },
    dataDirectory: options.dataDirectory,
    get env() {
      return nodeEnvironment(options, port);
    },
    adminPassword: undefined,
    get child() {
      return child;
    },
    isRunning: () => child !== undefined && child.exitCode === null && child.signalCode === null,
    outputTail: () => tail,
    start: async () => {
      if (handle.isRunning()) return;
      record(`\n--- ${new Date().toISOString()} starting ${options.name} on port ${port ?? '(any free)'}\n`);
      removeReadyFile(readyFile);
      const program = options.program ?? [CLI_ENTRY, 'serve'];
      const nodeArguments = options.nodeArguments ?? [];
      const started = spawn(process.execPath, [...nodeArguments, ...program, '--ready-file', readyFile], {
        cwd: PROJECT_ROOT,
        env: cleanEnvironment({ ...inheritedEnvironment(), COMITY_LOG_LEVEL: 'warn', ...handle.env }),
        stdio: [options.program ? 'pipe' : 'ignore', 'pipe', 'pipe'],
      });
      child = started;
      liveChildren.add(started);
      started.once('exit', () => liveChildren.delete(started));
      const closed = new Promise<void>((resolve) => started.once('close', () => resolve()));
      const startOutput: string[] = [];
      started.stdout?.on('data', (chunk: Buffer) => {
        startOutput.push(chunk.toString());
        record(chunk);
      });
      started.stderr?.on('data', record);
      let report: ReadyReport;
      try {
        report = await waitUntilReady(started, closed);
      } catch (error) {
        started.kill('SIGKILL');
        throw error;
      }
      port = report.port;
      // The process itself, on loopback: its public URL may be a proxy not running yet.
      const password = await firstAdministratorPassword(
        startOutput.join(''),
        `http://127.0.0.1:${report.port}`,
      );
      if (password) handle.adminPassword = password;
    },
    stop: async () => {
      const running = child;
      if (!running || !handle.isRunning()) return;
      running.kill('SIGTERM');
      if (!(await waitForExit(running, 10_000))) {
        running.kill('SIGKILL');
        await waitForExit(running, 10_000);
      }
    },
    kill: async () => {
      const running = child;
      if (!running || !handle.isRunning()) return;
      running.kill('SIGKILL');
      await waitForExit(running, 10_000);
      record(`\n--- ${new Date().toISOString()} ${options.name} killed (SIGKILL)\n`);
    },
  };
  return handle;
}

/** The process instance the node at `url` reports on GET /api/v1/health, or undefined if none answers. */
async function healthInstance(url: string): Promise<string | undefined> {
  try {
    const response = await fetch(`${url}/api/v1/health`, { signal: AbortSignal.timeout(2000) });
    const body = (await response.json()) as { node?: { instance?: unknown } };
    return typeof body.node?.instance === 'string' ? body.node.instance : '(none)';
  } catch {
    return undefined;
  }
}

/** Whether the node at `url` answers GET /api/v1/health with 200 (within 2 s). */
export async function isHealthy(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/api/v1/health`, { signal: AbortSignal.timeout(2000) });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

export function delay(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

/** Thrown by a `waitFor` check to stop waiting at once (the awaited thing can no longer happen). */
export class GiveUpError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GiveUpError';
  }
}

/**
 * Polls `check` until it returns a value other than undefined, or throws after `timeoutMs` with
 * `description` (so a test or the demo says what it was waiting for). A check that throws is
 * retried, except with GiveUpError.
 */
export async function waitFor<T>(
  description: string,
  check: () => Promise<T | undefined>,
  options: Readonly<{ timeoutMs: number; intervalMs?: number }>,
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      if (error instanceof GiveUpError) throw error;
      lastError = error;
    }
    await delay(options.intervalMs ?? 100);
  }
  const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
  throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${description}${cause}`);
}
