/**
 * `npm test`: type check and lint, build the web UI if stale, start a throwaway PostgreSQL 15
 * cluster when the server binaries are installed, find Chromium, then run every test file with
 * node's test runner. Suites whose prerequisites are missing are skipped and named at the end;
 * with COMITY_REQUIRE_ALL_SUITES=1 (as .ci/run sets) a skipped suite fails the run.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const nodeBinary = process.execPath;
const env = process.env;
const isCheckSkipped = env.COMITY_TEST_SKIP_CHECK === '1';
const patterns = process.argv.slice(2);

function run(command: string, args: string[], options: { cwd?: string } = {}): number {
  const result = spawnSync(command, args, { cwd: options.cwd ?? root, stdio: 'inherit', env });
  return result.status ?? 1;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

type Cluster = { url: string; stop: () => void };

const POSTGRES_BIN = env.COMITY_TEST_POSTGRES_BIN ?? '/usr/lib/postgresql/15/bin';

async function startPostgresCluster(): Promise<Cluster | undefined> {
  if (!existsSync(path.join(POSTGRES_BIN, 'initdb'))) return undefined;
  const directory = mkdtempSync(path.join(os.tmpdir(), 'comity-pg-'));
  const isRoot = process.getuid?.() === 0;
  const asPostgres = (command: string[]): string[] =>
    isRoot ? ['su', 'postgres', '-s', '/bin/sh', '-c', command.map((c) => `'${c}'`).join(' ')] : command;
  if (isRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(directory, uid, gid);
    chmodSync(directory, 0o700);
  }
  const port = await freePort();
  const [initCommand, ...initArgs] = asPostgres([
    path.join(POSTGRES_BIN, 'initdb'), '-D', path.join(directory, 'data'), '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C.UTF-8',
  ]);
  execFileSync(initCommand!, initArgs, { stdio: 'ignore' });
  const [startCommand, ...startArgs] = asPostgres([
    path.join(POSTGRES_BIN, 'pg_ctl'), '-D', path.join(directory, 'data'), '-l', path.join(directory, 'log'), '-w', '-o',
    `-p ${port} -k ${directory} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300`,
    'start',
  ]);
  execFileSync(startCommand!, startArgs, { stdio: 'ignore' });
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: () => {
      const [stopCommand, ...stopArgs] = asPostgres([path.join(POSTGRES_BIN, 'pg_ctl'), '-D', path.join(directory, 'data'), '-m', 'immediate', 'stop']);
      spawnSync(stopCommand!, stopArgs, { stdio: 'ignore' });
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

function findChromium(): string | undefined {
  const candidates = [env.COMITY_TEST_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean) as string[];
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
  skipped.push('Browser suites: Chromium not found. Enable with: apt-get install chromium fonts-wqy-microhei');
}

const globs = patterns.length > 0 ? patterns : ['test/**/*.test.ts', 'src/**/*.test.ts'];
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
