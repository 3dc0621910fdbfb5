/**
 * Foundation benchmarks (issue: drafting node). Each figure is printed next to a baseline measured
 * in the same run, because the machine is shared and noisy: compare ratios and medians.
 *
 *   cold start     `node src/cli/main.ts serve` on a fresh data directory, spawn -> healthy;
 *                  baseline: bench/baseline-server.ts (bare node:http + a fresh PGlite) the same way
 *   validation     validateDraft on a full preservation draft, median per call;
 *                  baseline: RequestContentSchema.parse of the same draft (schema parse only)
 *   round trip     POST /api/v1/requests (authenticate, parse, validate, store, answer with findings)
 *                  with 50 concurrent clients in a closed loop, the first 250 requests not counted,
 *                  median and p99; baseline: bare HTTP POST + INSERT the same way
 *   idle memory    resident set size of a node 5 s after it became healthy; baseline: the bare server
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { RequestContentSchema } from '../src/core/request/draft.ts';
import { validateDraft } from '../src/core/validation/validate-draft.ts';
import { loadCatalogue } from '../src/data/catalogue/index.ts';
import { seedDirectoryView } from '../src/data/states/index.ts';
import { createTokenFor } from '../src/demo/node-api.ts';
import { type BenchNode, ROOT, residentMemoryMiB, startProcess } from './node-process.ts';
import { formatMs, median, percentile } from './statistics.ts';

const draft = JSON.parse(
  readFileSync(path.join(import.meta.dirname, 'fixtures', 'full-preservation-draft.json'), 'utf8'),
);
const nodeArgs = [path.join(ROOT, 'src', 'cli', 'main.ts'), 'serve'];
const baselineArgs = [path.join(ROOT, 'bench', 'baseline-server.ts')];

export type Figure = { name: string; value: string; baseline: string; ratio: string; note?: string };

async function measureStartups(
  args: string[],
  runs: number,
  environment: Record<string, string>,
): Promise<number[]> {
  const samples: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const started = await startProcess(args, environment);
    samples.push(started.startupMs);
    await started.stop();
  }
  return samples;
}

function timeCalls(call: () => unknown, iterations: number): number[] {
  for (let warm = 0; warm < 200; warm += 1) call();
  const samples: number[] = [];
  for (let index = 0; index < iterations; index += 1) {
    const started = performance.now();
    call();
    samples.push(performance.now() - started);
  }
  return samples;
}

async function signInAndCreateToken(target: BenchNode): Promise<string> {
  if (!target.adminPassword) throw new Error('the node printed no administrator password');
  const credentials = await createTokenFor(target.url, 'admin', target.adminPassword);
  if (credentials.kind !== 'token') throw new Error('token creation answered no token');
  return credentials.token;
}

/**
 * Runs `warmUp` then `total` POSTs with `concurrency` clients in one closed loop, each client
 * sending its next request when its last is answered; returns the latencies (ms) of the last
 * `total` (by the order they were sent) and the wall time from the first of them to the end. The
 * clients open their connections and the node warms up within the loop, so the measure starts
 * with 50 clients already at work: neither 50 requests sent at the same instant after an idle
 * pause nor connections opened under load (Node accepts one per turn of its event loop) are in it
 * (docs/benchmarks.md, "Every request its turn").
 */
async function loadTest(
  url: string,
  headers: Record<string, string>,
  body: string,
  load: Readonly<{ warmUp: number; total: number; concurrency: number }>,
): Promise<{ latencies: number[]; wallMs: number }> {
  const latencies: number[] = [];
  let issued = 0;
  let measureStarted = 0;
  const client = async () => {
    while (issued < load.warmUp + load.total) {
      const isMeasured = issued >= load.warmUp;
      if (issued === load.warmUp) measureStarted = performance.now();
      issued += 1;
      const begin = performance.now();
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      });
      await response.arrayBuffer();
      if (response.status >= 300) throw new Error(`unexpected ${response.status} from ${url}`);
      if (isMeasured) latencies.push(performance.now() - begin);
    }
  };
  await Promise.all(Array.from({ length: load.concurrency }, client));
  return { latencies, wallMs: performance.now() - measureStarted };
}

const ratio = (value: number, baseline: number): string => `${(value / baseline).toFixed(2)}×`;

export async function runFoundationBenchmarks(options: {
  databaseUrl?: string;
  quick?: boolean;
}): Promise<Figure[]> {
  const figures: Figure[] = [];
  const environment: Record<string, string> = options.databaseUrl
    ? { DATABASE_URL: options.databaseUrl }
    : {};
  const databaseLabel = options.databaseUrl ? 'PostgreSQL 15' : 'PGlite';

  if (!options.databaseUrl) {
    const runs = options.quick ? 2 : 5;
    const nodeStarts = await measureStartups(nodeArgs, runs, environment);
    const baselineStarts = await measureStartups(baselineArgs, runs, environment);
    figures.push({
      name: `cold start to healthy (fresh data dir, median of ${runs})`,
      value: formatMs(median(nodeStarts)),
      baseline: `${formatMs(median(baselineStarts))} (bare http + fresh PGlite)`,
      ratio: ratio(median(nodeStarts), median(baselineStarts)),
    });

    const catalogue = loadCatalogue();
    const directory = seedDirectoryView();
    const iterations = options.quick ? 2000 : 20000;
    const parsed = RequestContentSchema.parse(draft);
    const validation = timeCalls(() => validateDraft(parsed, catalogue, directory, 'en'), iterations);
    const parsing = timeCalls(() => RequestContentSchema.parse(draft), iterations);
    figures.push({
      name: `validation of a full preservation draft (median of ${iterations})`,
      value: formatMs(median(validation)),
      baseline: `${formatMs(median(parsing))} (zod schema parse of the same draft)`,
      ratio: ratio(median(validation), median(parsing)),
    });
  }

  const total = options.quick ? 500 : 3000;
  const concurrency = 50;
  const body = JSON.stringify(draft);
  const target = await startProcess(nodeArgs, environment);
  const baseline = await startProcess(baselineArgs, environment);
  try {
    const token = await signInAndCreateToken(target);
    const authorization = { authorization: `Bearer ${token}` };
    // Five requests a client before the measure, in the same loop (see loadTest).
    const load = { warmUp: 5 * concurrency, total, concurrency };
    const measured = await loadTest(`${target.url}/api/v1/requests`, authorization, body, load);
    const bare = await loadTest(`${baseline.url}/api/v1/requests`, {}, body, load);
    figures.push({
      name: `create-and-validate round trip, ${databaseLabel}, ${concurrency} clients, ${total} requests: median`,
      value: formatMs(median(measured.latencies)),
      baseline: `${formatMs(median(bare.latencies))} (bare POST + INSERT)`,
      ratio: ratio(median(measured.latencies), median(bare.latencies)),
    });
    figures.push({
      name: `create-and-validate round trip, ${databaseLabel}: p99`,
      value: formatMs(percentile(measured.latencies, 0.99)),
      baseline: formatMs(percentile(bare.latencies, 0.99)),
      ratio: ratio(percentile(measured.latencies, 0.99), percentile(bare.latencies, 0.99)),
    });
    figures.push({
      name: `create-and-validate throughput, ${databaseLabel}`,
      value: `${((total / measured.wallMs) * 1000).toFixed(0)} req/s`,
      baseline: `${((total / bare.wallMs) * 1000).toFixed(0)} req/s`,
      ratio: ratio(total / measured.wallMs, total / bare.wallMs),
    });
  } finally {
    await target.stop();
    await baseline.stop();
  }

  if (!options.databaseUrl) {
    const idle = await startProcess(nodeArgs, environment);
    const bareIdle = await startProcess(baselineArgs, environment);
    await new Promise((resolve) => setTimeout(resolve, 5000));
    const rss = residentMemoryMiB(idle.process.pid!);
    const bareRss = residentMemoryMiB(bareIdle.process.pid!);
    await idle.stop();
    await bareIdle.stop();
    figures.push({
      name: 'resident memory of an idle node (5 s after healthy)',
      value: `${rss.toFixed(0)} MiB`,
      baseline: `${bareRss.toFixed(0)} MiB (bare http + PGlite)`,
      ratio: ratio(rss, bareRss),
    });
  }
  return figures;
}
