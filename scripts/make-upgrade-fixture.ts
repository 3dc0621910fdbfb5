/**
 * Writes the upgrade fixture of this release: the databases of two real nodes that exchanged a
 * preservation request and an emergency request (acknowledged, preservation recorded), on PGlite
 * (each node's data directory, packed) and on PostgreSQL (a pg_dump of each node's database, and its
 * data directory with the identity files), with what each node's API answered at the time.
 * test/process/upgrade.process.test.ts starts today's code on each and checks that nothing was lost.
 *
 *   node scripts/make-upgrade-fixture.ts            # into test/fixtures/upgrade/<package version>/
 *
 * Run it once per release, from the release's own checkout; the files are committed. The keys in
 * these data directories are test keys of a throwaway federation, nothing else.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { runEmergencyScenario } from '../src/demo/emergency-scenario.ts';
import { type Federation, startFederation } from '../src/demo/federation-setup.ts';
import { runPreservationScenario } from '../src/demo/preservation-scenario.ts';
import { POSTGRES_BIN, startPostgresCluster } from './postgres-cluster.ts';
import {
  type NodeSnapshot,
  snapshotRequests,
  UPGRADE_FIXTURE_STATES,
} from '../test/fixtures/upgrade/snapshot.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const { version } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
const target = path.join(ROOT, 'test', 'fixtures', 'upgrade', version);

async function exchange(federation: Federation): Promise<void> {
  const [from, to] = UPGRADE_FIXTURE_STATES;
  for (const run of [runPreservationScenario, runEmergencyScenario]) {
    const outcome = await run(federation, {
      from,
      to,
      print: (line) => process.stdout.write(`    ${line}\n`),
    });
    if (!outcome.isSuccess) throw new Error(`scenario failed at ${outcome.failedStep}: ${outcome.reason}`);
  }
}

/** Packs a node's data directory, without logs and ready files (they belong to one run). */
function pack(directory: string, file: string): void {
  execFileSync('tar', [
    '--exclude=*.log',
    '--exclude=.*.ready.json',
    '--exclude=pglite.lock',
    '--sort=name',
    '--owner=0',
    '--group=0',
    '-cJf',
    file,
    '-C',
    directory,
    '.',
  ]);
}

async function run(kind: 'pglite' | 'postgres'): Promise<Record<string, NodeSnapshot>> {
  const work = mkdtempSync(path.join(os.tmpdir(), `comity-upgrade-fixture-${kind}-`));
  const cluster = kind === 'postgres' ? await startPostgresCluster() : undefined;
  if (kind === 'postgres' && !cluster)
    throw new Error('PostgreSQL server binaries not found (apt-get install postgresql)');
  const databases = new Map<string, string>();
  const databaseUrlFor = async (name: string): Promise<string> => {
    const database = `comity_${name.replaceAll('-', '_')}`;
    const client = new pg.Client({ connectionString: cluster!.url });
    await client.connect();
    await client.query(`create database ${database}`);
    await client.end();
    const url = new URL(cluster!.url);
    url.pathname = `/${database}`;
    databases.set(name, url.toString());
    return url.toString();
  };
  try {
    process.stdout.write(`${kind}: starting a federation in ${work}\n`);
    const federation = await startFederation({
      directory: work,
      states: UPGRADE_FIXTURE_STATES,
      ...(cluster ? { databaseUrlFor } : {}),
      env: { COMITY_DIRECTORY_REFRESH_SECONDS: '5', COMITY_DELIVERY_POLL_MS: '200' },
      acknowledgeWithinHours: 1,
      shouldKeepLogs: false,
    });
    const snapshots: Record<string, NodeSnapshot> = {};
    try {
      await exchange(federation);
      for (const node of federation.nodes) {
        const officer = await node.userClient('officer');
        const dutyOfficer = await node.userClient('duty-officer');
        snapshots[node.spec.nodeId] = {
          adminPassword: node.adminPassword,
          officerToken: officer.credentials,
          dutyOfficerToken: dutyOfficer.credentials,
          requests: await snapshotRequests([officer, dutyOfficer]),
        };
      }
    } finally {
      await federation.stop();
    }
    mkdirSync(path.join(target, kind), { recursive: true });
    for (const node of federation.nodes) {
      const name = node.spec.nodeId;
      if (kind === 'postgres') {
        const url = databases.get(name)!;
        execFileSync(path.join(POSTGRES_BIN, 'pg_dump'), [
          '--no-owner',
          '--no-privileges',
          '-f',
          path.join(target, kind, `${name}.sql`),
          url,
        ]);
      }
      pack(node.process.dataDirectory, path.join(target, kind, `${name}.tar.xz`));
    }
    return snapshots;
  } finally {
    cluster?.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

rmSync(target, { recursive: true, force: true });
const expected = {
  release: version,
  madeAt: new Date().toISOString(),
  pglite: await run('pglite'),
  postgres: await run('postgres'),
};
writeFileSync(path.join(target, 'expected.json'), `${JSON.stringify(expected, null, 2)}\n`);
process.stdout.write(`upgrade fixture of ${version} written to ${path.relative(ROOT, target)}\n`);
