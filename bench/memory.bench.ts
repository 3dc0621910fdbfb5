/**
 * Idle memory (issue 12, light nodes): resident set size (VmRSS) of an idle node, 5 s after it
 * became healthy, next to a bare Node process running an empty Fastify server in the same run.
 *
 *   PGlite, first start   `comity serve` on an empty data directory and no cached template (initdb)
 *   PGlite, restarted     the same node started again on its data directory (a node's usual state)
 *   PGlite, from template an empty data directory loading this release's cached template
 *   PostgreSQL 15         `comity serve` with DATABASE_URL (the server's memory is not counted)
 *   as `comity serve`     restarted with what bin/comity sets (`comity serve`, `npm start`): glibc's
 *                         malloc arenas at 2 and its mmap threshold fixed at 128 KiB, and Node's
 *                         compile cache (warm after the first start)
 *   small-node settings   as `comity serve`, with what docs/operations.md ("Small nodes") adds: one
 *                         V8 worker thread; then also WebAssembly without its optimising compiler
 *                         (--liftoff-only, which costs PGlite throughput)
 * Restarts are measured RUNS times (the median is given): idle memory varies from start to start.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Figure } from './foundation.bench.ts';
import { ROOT, residentMemoryMiB, startProcess } from './node-process.ts';

const SETTLE_MS = 5000;
/** Idle memory varies by some 30 MiB from one start to the next (what V8 optimised, when it collected): medians. */
const RUNS = 3;
/** The small-node settings of docs/operations.md: Node's flags, and the environment of its process. */
const SMALL_NODE_FLAGS = ['--v8-pool-size=1'];

/** Starts `program` on `dataDirectory`, waits SETTLE_MS once healthy, returns its RSS in MiB. */
async function idleResidentMiB(
  program: readonly string[],
  dataDirectory: string,
  environment: Record<string, string>,
  nodeFlags: readonly string[] = [],
): Promise<number> {
  const node = await startProcess([...nodeFlags, ...program], environment, dataDirectory);
  try {
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    return residentMemoryMiB(node.process.pid!);
  } finally {
    await node.stop();
  }
}

/** The median of RUNS restarts (each measure as idleResidentMiB). */
async function medianIdleResidentMiB(...args: Parameters<typeof idleResidentMiB>): Promise<number> {
  const figures: number[] = [];
  for (let run = 0; run < RUNS; run++) figures.push(await idleResidentMiB(...args));
  return figures.sort((a, b) => a - b)[Math.floor(RUNS / 2)]!;
}

export async function runMemoryBenchmarks(options: { databaseUrl?: string }): Promise<Figure[]> {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'comity-bench-memory-'));
  const serve = [path.join(ROOT, 'src', 'cli', 'main.ts'), 'serve'];
  const cache = path.join(scratch, 'cache');
  try {
    const bare = await medianIdleResidentMiB(
      [path.join(ROOT, 'bench', 'empty-fastify.ts')],
      path.join(scratch, 'bare'),
      {},
    );
    const figure = (name: string, rss: number): Figure => ({
      name,
      value: `${rss.toFixed(0)} MiB`,
      baseline: `${bare.toFixed(0)} MiB (empty Fastify server)`,
      ratio: `${(rss / bare).toFixed(2)}×`,
    });
    // What bin/comity (`comity serve`, `npm start`) sets: two malloc arenas, large blocks mapped
    // on their own, and Node's compile cache in the cache directory (warm from the first start on).
    const asComityServe = {
      MALLOC_ARENA_MAX: '2',
      MALLOC_MMAP_THRESHOLD_: '131072',
      NODE_COMPILE_CACHE: path.join(cache, 'node-compile-cache'),
    };
    const figures: Figure[] = [];
    const node = path.join(scratch, 'node');
    figures.push(
      figure(
        'idle node, PGlite, first start on an empty data directory (initdb, no template), one run',
        await idleResidentMiB(serve, node, { COMITY_CACHE_DIR: 'none' }),
      ),
    );
    figures.push(
      figure(
        'idle node, PGlite, restarted on its data directory, `node src/cli/main.ts serve` (no settings)',
        await medianIdleResidentMiB(serve, node, {}),
      ),
    );
    await idleResidentMiB(serve, node, asComityServe);
    figures.push(
      figure(
        'idle node, PGlite, restarted, as `comity serve` runs it (the malloc settings and compile cache of bin/comity)',
        await medianIdleResidentMiB(serve, node, asComityServe),
      ),
    );
    const { ensureTemplate } = await import('../src/storage/pglite-template.ts');
    await ensureTemplate(cache);
    figures.push(
      figure(
        'idle node, PGlite, first start from the cached template, as `comity serve` runs it, one run',
        await idleResidentMiB(serve, path.join(scratch, 'templated'), {
          COMITY_CACHE_DIR: cache,
          ...asComityServe,
        }),
      ),
    );
    figures.push(
      figure(
        'idle node, PGlite, restarted, as `comity serve`, COMITY_PGLITE_SHARED_BUFFERS_MB=128 (PostgreSQL default), one run',
        await idleResidentMiB(serve, node, { ...asComityServe, COMITY_PGLITE_SHARED_BUFFERS_MB: '128' }),
      ),
    );
    figures.push(
      figure(
        'idle node, PGlite, restarted, as `comity serve` with --v8-pool-size=1 (small-node settings)',
        await medianIdleResidentMiB(serve, node, asComityServe, SMALL_NODE_FLAGS),
      ),
    );
    figures.push(
      figure(
        'idle node, PGlite, restarted, small-node settings and --liftoff-only',
        await medianIdleResidentMiB(serve, node, asComityServe, [...SMALL_NODE_FLAGS, '--liftoff-only']),
      ),
    );
    if (options.databaseUrl) {
      const postgres = { DATABASE_URL: options.databaseUrl };
      figures.push(
        figure(
          'idle node, PostgreSQL 15 (the server not counted), `node src/cli/main.ts serve` (no settings)',
          await medianIdleResidentMiB(serve, path.join(scratch, 'postgres'), postgres),
        ),
      );
      figures.push(
        figure(
          'idle node, PostgreSQL 15, as `comity serve` runs it (the malloc settings and compile cache of bin/comity)',
          await medianIdleResidentMiB(serve, path.join(scratch, 'postgres'), {
            ...postgres,
            ...asComityServe,
          }),
        ),
      );
      figures.push(
        figure(
          'idle node, PostgreSQL 15, as `comity serve` with --v8-pool-size=1 (small-node settings)',
          await medianIdleResidentMiB(
            serve,
            path.join(scratch, 'postgres'),
            { ...postgres, ...asComityServe },
            SMALL_NODE_FLAGS,
          ),
        ),
      );
    }
    return figures;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
