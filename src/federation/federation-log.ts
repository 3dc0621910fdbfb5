/**
 * What federation background work (directory refresh, delivery) reports while no HTTP request is
 * in progress: one JSON line per event on stderr, in the shape of the HTTP log (pino levels), and
 * nothing below the configured COMITY_LOG_LEVEL. On a terminal, one readable line per event
 * instead (pino-pretty, as the HTTP log): JSON lines are for log collectors, not for people.
 */
import { createRequire } from 'node:module';
import type { Config } from '../config.ts';

/**
 * pino-pretty, loaded the first time a log line goes to a terminal: a node whose output goes to a
 * file or a log collector (a service, the demo's nodes) never loads its 29 modules.
 */
export function prettyPrinter(): typeof import('pino-pretty') {
  return createRequire(import.meta.url)('pino-pretty') as typeof import('pino-pretty');
}

/** How a person reads the node's log lines on a terminal (the HTTP log uses the same). */
export const READABLE_LOG_OPTIONS = Object.freeze({
  colorize: true,
  translateTime: 'SYS:HH:MM:ss.l',
  // A request's two lines read "incoming request GET /api/v1/health", "request completed 200".
  messageFormat: '{msg}{if req.method} {req.method} {req.url}{end}{if res.statusCode} {res.statusCode}{end}',
  ignore: 'pid,hostname,req,res,reqId,responseTime',
  singleLine: true,
});

let readable: ((line: string) => string) | undefined;

/** Writes a JSON log line to stderr: as it is, or readable when stderr is a terminal. */
function writeToStderr(line: string): void {
  if (!process.stderr.isTTY) {
    process.stderr.write(line);
    return;
  }
  readable ??= prettyPrinter().prettyFactory(READABLE_LOG_OPTIONS) as (line: string) => string;
  process.stderr.write(readable(line));
}

export type FederationLog = Readonly<{
  debug: (message: string, fields?: Record<string, unknown>) => void;
  info: (message: string, fields?: Record<string, unknown>) => void;
  warn: (message: string, fields?: Record<string, unknown>) => void;
}>;

const LEVELS: Readonly<Record<Config['logLevel'], number>> = {
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
  silent: Number.POSITIVE_INFINITY,
};

/** A log that writes at or above `level` to `write` (stderr by default), its lines named `name`. */
export function createFederationLog(
  level: Config['logLevel'],
  write: (line: string) => void = writeToStderr,
  name = 'federation',
): FederationLog {
  const threshold = LEVELS[level];
  const emit = (value: number, message: string, fields: Record<string, unknown> = {}) => {
    if (value < threshold) return;
    write(`${JSON.stringify({ level: value, time: Date.now(), name, msg: message, ...fields })}\n`);
  };
  return {
    debug: (message, fields) => emit(LEVELS.debug, message, fields),
    info: (message, fields) => emit(LEVELS.info, message, fields),
    warn: (message, fields) => emit(LEVELS.warn, message, fields),
  };
}
