/**
 * Idle memory (issue 12, light nodes): resident set size (VmRSS) of an idle node, 5 s after it
 * became healthy, next to a bare Node process running an empty Fastify server in the same run.
 *
 *   PGlite, first start   `comity serve` on an empty data directory and no cached template (initdb)
 *   PGlite, restarted     the same node started again on its data directory (a node's usual state)
 *   PGlite, from template an empty data directory loading this release's cached template
 *   PostgreSQL 15         `comity serve` with DATABASE_URL (the server's memory is not counted)
 *   small-node settings   restarted, with what docs/operations.md ("A small node") advises: glibc's
 *                         malloc arenas at 2, one V8 worker thread; then also WebAssembly without
 *                         its optimising compiler (--liftoff-only, which costs PGlite throughput)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Figure } from './foundation.bench.ts';
import { ROOT, residentMemoryMiB, startProcess } from './node-process.ts';

const SETTLE_MS = 5000;
/** The small-node settings of docs/operations.md: Node's flags, and the environment of its process. */
const SMALL_NODE_FLAGS = ['--v8-pool-size=1'];
const SMALL_NODE_ENVIRONMENT = { MALLOC_ARENA_MAX: '2' };

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

export async function runMemoryBenchmarks(options: { databaseUrl?: string }): Promise<Figure[]> {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'comity-bench-memory-'));
  const serve = [path.join(ROOT, 'src', 'cli', 'main.ts'), 'serve'];
  const cache = path.join(scratch, 'cache');
  try {
    const bare = await idleResidentMiB(
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
    const figures: Figure[] = [];
    const node = path.join(scratch, 'node');
    figures.push(
      figure(
        'idle node, PGlite, first start on an empty data directory (initdb, no template)',
        await idleResidentMiB(serve, node, { COMITY_CACHE_DIR: 'none' }),
      ),
    );
    figures.push(
      figure('idle node, PGlite, restarted on its data directory', await idleResidentMiB(serve, node, {})),
    );
    const { ensureTemplate } = await import('../src/storage/pglite-template.ts');
    await ensureTemplate(cache);
    figures.push(
      figure(
        'idle node, PGlite, first start from the cached template',
        await idleResidentMiB(serve, path.join(scratch, 'templated'), { COMITY_CACHE_DIR: cache }),
      ),
    );
    figures.push(
      figure(
        'idle node, PGlite, restarted, COMITY_PGLITE_SHARED_BUFFERS_MB=128 (PostgreSQL default)',
        await idleResidentMiB(serve, node, { COMITY_PGLITE_SHARED_BUFFERS_MB: '128' }),
      ),
    );
    figures.push(
      figure(
        'idle node, PGlite, restarted, small-node settings (MALLOC_ARENA_MAX=2, --v8-pool-size=1)',
        await idleResidentMiB(serve, node, SMALL_NODE_ENVIRONMENT, SMALL_NODE_FLAGS),
      ),
    );
    figures.push(
      figure(
        'idle node, PGlite, restarted, small-node settings and --liftoff-only',
        await idleResidentMiB(serve, node, SMALL_NODE_ENVIRONMENT, [...SMALL_NODE_FLAGS, '--liftoff-only']),
      ),
    );
    if (options.databaseUrl) {
      figures.push(
        figure(
          'idle node, PostgreSQL 15 (the server not counted)',
          await idleResidentMiB(serve, path.join(scratch, 'postgres'), { DATABASE_URL: options.databaseUrl }),
        ),
      );
      figures.push(
        figure(
          'idle node, PostgreSQL 15, small-node settings (MALLOC_ARENA_MAX=2, --v8-pool-size=1)',
          await idleResidentMiB(
            serve,
            path.join(scratch, 'postgres'),
            { DATABASE_URL: options.databaseUrl, ...SMALL_NODE_ENVIRONMENT },
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
