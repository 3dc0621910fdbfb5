/**
 * `npm test`: type check and lint, build the web UI if stale, start a throwaway PostgreSQL 15
 * cluster when the server binaries are installed, find Chromium, then run every test file with
 * node's test runner. `--tier unit|storage|api|cli|browser|process` runs one tier (test/<tier>/) and
 * skips the type check (npm run test:<tier>). Suites whose prerequisites are missing are skipped and named at the end;
 * with COMITY_REQUIRE_ALL_SUITES=1 (as .ci/run sets) a skipped suite fails the run.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { type Cluster, POSTGRES_BIN, startPostgresCluster } from './postgres-cluster.ts';

const root = path.resolve(import.meta.dirname, '..');
const nodeBinary = process.execPath;
const env = process.env;
/** The test tiers, each a folder of test/ (unit also takes the tests beside src/core code). */
const TIERS: Record<string, readonly string[]> = {
  unit: ['test/unit/**/*.test.ts', 'src/**/*.test.ts'],
  storage: ['test/storage/**/*.test.ts'],
  api: ['test/api/**/*.test.ts'],
  cli: ['test/cli/**/*.test.ts'],
  browser: ['test/browser/**/*.test.ts'],
  process: ['test/process/**/*.test.ts'],
};
const args = process.argv.slice(2);
const tierIndex = args.indexOf('--tier');
const tier = tierIndex === -1 ? undefined : args[tierIndex + 1];
if (tier !== undefined && !(tier in TIERS)) {
  process.stderr.write(`unknown tier ${tier}; the tiers are ${Object.keys(TIERS).join(', ')}\n`);
  process.exit(2);
}
const patterns =
  tier === undefined
    ? args
    : [...(TIERS[tier] ?? []), ...args.filter((_, index) => index !== tierIndex && index !== tierIndex + 1)];
// A tier run is a quick loop: the type check and lint belong to the full run (npm test, npm run check).
const isCheckSkipped = env.COMITY_TEST_SKIP_CHECK === '1' || tier !== undefined;

function run(command: string, args: string[], options: { cwd?: string } = {}): number {
  const result = spawnSync(command, args, { cwd: options.cwd ?? root, stdio: 'inherit', env });
  return result.status ?? 1;
}

function findChromium(): string | undefined {
  const candidates = [env.COMITY_TEST_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(
    Boolean,
  ) as string[];
  return candidates.find((candidate) => existsSync(candidate));
}

if (!isCheckSkipped) {
  process.stdout.write('== type check and lint (npm run check)\n');
  if (run('npm', ['run', '--silent', 'check']) !== 0) process.exit(1);
}
if (run(nodeBinary, [path.join(root, 'scripts', 'build-web-if-stale.ts')]) !== 0) process.exit(1);

const skipped: string[] = [];
let cluster: Cluster | undefined;
if (env.COMITY_TEST_POSTGRES_URL) {
  process.stdout.write('== PostgreSQL suites use COMITY_TEST_POSTGRES_URL\n');
} else {
  cluster = await startPostgresCluster();
  if (cluster) {
    env.COMITY_TEST_POSTGRES_URL = cluster.url;
    process.stdout.write(`== started a throwaway PostgreSQL cluster at ${cluster.url}\n`);
  } else {
    skipped.push(
      `PostgreSQL storage and API suites: no server binaries in ${POSTGRES_BIN}. ` +
        'Enable with: apt-get install postgresql (or set COMITY_TEST_POSTGRES_URL to a server you can create databases on).',
    );
  }
}
const chromium = findChromium();
if (chromium) {
  env.COMITY_TEST_CHROMIUM = chromium;
} else {
  skipped.push(
    'Browser suites: Chromium not found. Enable with: apt-get install chromium fonts-wqy-microhei',
  );
}

const nginx = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((candidate) => existsSync(candidate));
if (nginx) {
  env.COMITY_TEST_NGINX = nginx;
} else {
  skipped.push('TLS reverse-proxy suite: nginx not found. Enable with: apt-get install nginx');
}

const ageBinary = [env.COMITY_TEST_AGE, '/usr/bin/age'].find(
  (candidate) => candidate && spawnSync(candidate, ['--version'], { stdio: 'ignore' }).status === 0,
);
if (ageBinary) {
  env.COMITY_TEST_AGE = ageBinary;
} else {
  skipped.push("Interoperability with Debian's age (evidence files): age not found. Enable with: apt-get install age");
}

const hasPoppler = spawnSync('pdftoppm', ['-v'], { stdio: 'ignore' }).status === 0;
if (!hasPoppler) {
  skipped.push(
    'PDF text and rendering checks: poppler-utils not found. Enable with: apt-get install poppler-utils',
  );
}

const globs = patterns.length > 0 ? patterns : Object.values(TIERS).flat();
const child = spawn(nodeBinary, ['--test', '--test-concurrency=2', '--test-timeout=300000', ...globs], {
  cwd: root,
  stdio: 'inherit',
  env,
});
const code: number = await new Promise((resolve) => child.on('exit', (status) => resolve(status ?? 1)));
cluster?.stop();

if (skipped.length > 0) {
  process.stdout.write('\n== Suites skipped on this machine:\n');
  for (const line of skipped) process.stdout.write(`  - ${line}\n`);
  if (env.COMITY_REQUIRE_ALL_SUITES === '1') {
    process.stdout.write('COMITY_REQUIRE_ALL_SUITES=1: a skipped suite is a failure.\n');
    process.exit(1);
  }
}
process.exit(code);
