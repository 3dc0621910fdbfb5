/**
 * What federation background work (directory refresh, delivery) reports while no HTTP request is
 * in progress: one JSON line per event on stderr, in the shape of the HTTP log (pino levels), and
 * nothing below the configured COMITY_LOG_LEVEL.
 */
import type { Config } from '../config.ts';

export type FederationLog = Readonly<{
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
  write: (line: string) => void = (line) => process.stderr.write(line),
  name = 'federation',
): FederationLog {
  const threshold = LEVELS[level];
  const emit = (value: number, message: string, fields: Record<string, unknown> = {}) => {
    if (value < threshold) return;
    write(`${JSON.stringify({ level: value, time: Date.now(), name, msg: message, ...fields })}\n`);
  };
  return {
    info: (message, fields) => emit(LEVELS.info, message, fields),
    warn: (message, fields) => emit(LEVELS.warn, message, fields),
  };
}
