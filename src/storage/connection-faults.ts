/**
 * Telling "the database is unreachable or does not answer" apart from every other database
 * error, and the back-off between two attempts to reach it again. A fault of the connection
 * becomes AppError('database-unavailable') (503 in src/http/problem.ts): the node keeps running
 * and the caller may try again; any other error (a constraint, a bug) stays what it is.
 */
import { AppError, isAppError } from '../core/errors.ts';

/** Socket errors of Node that mean the server cannot be reached (now). */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * PostgreSQL error codes (SQLSTATE) of an unavailable server: class 08 (connection exception) and
 * these: the server shuts down or terminated the session (57P01 admin_shutdown, 57P02
 * crash_shutdown), is starting or stopping (57P03 cannot_connect_now), the statement ran past
 * statement_timeout (57014 query_canceled), or too many connections (53300).
 */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '57014', '53300']);

/** What node-postgres says when a connection dies or does not answer in time. */
const DRIVER_MESSAGES = [
  /^Connection terminated/,
  /^timeout exceeded when trying to connect/,
  /^Query read timeout/,
  /is not queryable/,
  /^Cannot use a pool after calling end/,
];

function isFaultItself(error: unknown): boolean {
  if (error === null || typeof error !== 'object') return false;
  if (isAppError(error)) return error.code === 'database-unavailable';
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code) || /^08[0-9A-Z]{3}$/.test(code)) {
      return true;
    }
  }
  if (typeof message === 'string' && DRIVER_MESSAGES.some((pattern) => pattern.test(message))) return true;
  // A connection to "localhost" tries every address: AggregateError of refusals.
  return error instanceof AggregateError && error.errors.some(isFaultItself);
}

/** Whether `error` (or one of its causes) says the database is unreachable or not answering. */
export function isConnectionFault(error: unknown): boolean {
  for (let current = error, depth = 0; current !== undefined && depth < 8; depth += 1) {
    if (isFaultItself(current)) return true;
    current = current instanceof Error ? current.cause : undefined;
  }
  return false;
}

/**
 * Whether a failure to open a connection is the server's state rather than the node's settings:
 * every failure but a refused login (class 28) or a database that does not exist (3D000). A
 * database closed to new sessions (ALLOW_CONNECTIONS false: 55000) is unavailable, as is a
 * server that does not answer.
 */
export function isConnectFault(error: unknown): boolean {
  const code = error !== null && typeof error === 'object' ? (error as { code?: unknown }).code : undefined;
  return !(typeof code === 'string' && (code.startsWith('28') || code === '3D000'));
}

/** The error a caller sees for a connection fault: database-unavailable, with the fault as cause. */
export function databaseUnavailable(error: unknown): AppError {
  if (isAppError(error) && error.code === 'database-unavailable') return error;
  const reason = error instanceof Error ? error.message : String(error);
  const unavailable = new AppError('database-unavailable', `the database is unavailable: ${reason}`);
  unavailable.cause = error;
  return unavailable;
}

/** First pause before trying to reach the database again; it doubles up to the configured cap. */
export const FIRST_RECONNECT_DELAY_MS = 250;

/** The pause before attempt `attempt` + 1 (attempt counts from 1): 250 ms, 500 ms... up to `maxMs`. */
export function reconnectDelayMs(attempt: number, maxMs: number): number {
  return Math.min(maxMs, FIRST_RECONNECT_DELAY_MS * 2 ** Math.min(Math.max(0, attempt - 1), 20));
}
