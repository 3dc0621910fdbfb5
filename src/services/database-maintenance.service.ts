/**
 * The embedded database's routine maintenance, run by the node itself: PGlite runs no autovacuum
 * (storage/maintenance.repository.ts says why it matters and which tables are due).
 *
 * Every `intervalMs` (PostgreSQL's autovacuum looks every minute) the node waits for a quiet
 * moment (quiet-moment.ts), reads which tables are due, and runs the first table's work; each
 * further due table waits for a quiet moment of its own. So a request that arrives meanwhile
 * waits at most for one table's VACUUM, never for the whole database's. A node busy for longer
 * than `latestMs` (an interval) does the work anyway, one table at a time: on a server autovacuum
 * does not wait either, a node that never rests must still freeze its rows, and the statements
 * it keeps prepared are planned again only once ANALYZE has counted the tables they read (until
 * then, a new node's plans are those made when its tables were nearly empty: docs/benchmarks.md,
 * "Routine maintenance of the embedded database").
 *
 * Only for PGlite: on a PostgreSQL server, autovacuum does this work.
 */
import type { Kysely } from 'kysely';
import {
  listMaintenanceDue,
  maintainTable,
  type TableMaintenance,
} from '../storage/maintenance.repository.ts';
import type { Database } from '../storage/schema.ts';
import { runAtQuietMoment } from './quiet-moment.ts';

export type DatabaseMaintenanceOptions = Readonly<{
  /** From one look at the due tables to the next, once none is left. */
  intervalMs: number;
  /** The longest wait for a quiet moment before the work runs anyway (default intervalMs). */
  latestMs?: number;
  /** The window in which the event loop is watched for quiet (default 1 s). */
  windowMs?: number;
  /** The event loop's busy share under which a window counts as quiet (default QUIET_LOOP_UTILIZATION). */
  quietBelow?: number;
  /** Told of each table's work once done, with how long it held the database. */
  onMaintained?: (work: TableMaintenance, durationMs: number) => void;
  /** Told of a failure; the next look comes an interval later. */
  onError?: (error: unknown) => void;
}>;

export type DatabaseMaintenance = Readonly<{
  /** No further work starts; resolves once the work in progress (if any) has ended. */
  stop: () => Promise<void>;
}>;

export function startDatabaseMaintenance(
  db: Kysely<Database>,
  options: DatabaseMaintenanceOptions,
): DatabaseMaintenance {
  const latestMs = options.latestMs ?? options.intervalMs;
  let isFirstSinceStart = true;
  let due: TableMaintenance[] = [];
  let isStopped = false;
  let cancel = (): void => undefined;
  let running: Promise<void> | undefined;

  const maintainNext = async () => {
    if (due.length === 0) {
      due = await listMaintenanceDue(db, { isFirstSinceStart });
      isFirstSinceStart = false;
    }
    const work = due.shift();
    if (work === undefined || isStopped) return;
    const start = performance.now();
    await maintainTable(db, work);
    options.onMaintained?.(work, performance.now() - start);
  };

  const schedule = (delayMs: number) => {
    if (isStopped) return;
    cancel = runAtQuietMoment(
      () => {
        running = maintainNext()
          .catch((error: unknown) => {
            due = [];
            options.onError?.(error);
          })
          .finally(() => {
            running = undefined;
            // The next due table at the next quiet moment; none left: a look an interval later.
            schedule(due.length > 0 ? 0 : options.intervalMs);
          });
      },
      {
        delayMs,
        latestMs,
        ...(options.windowMs === undefined ? {} : { windowMs: options.windowMs }),
        ...(options.quietBelow === undefined ? {} : { quietBelow: options.quietBelow }),
      },
    );
  };

  schedule(options.intervalMs);
  return {
    stop: async () => {
      isStopped = true;
      cancel();
      await running;
    },
  };
}
