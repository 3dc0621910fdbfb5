/**
 * `npm run bench [-- <suite>] [--quick]`: runs benchmarks and prints a Markdown table of figures,
 * each next to its baseline from the same run. Suites: foundation (default; `--only pglite|postgres`), federation, case, desk,
 * assets, evidence (`--size 256M` for a quick run; 2 GiB by default; then the transfer node to node,
 * `--transfer-size 64M`, 512 MiB by default; `--transfer-only` skips the sealing, `--sealing-only` the
 * transfer; `--rss-size 5G` adds one sealing of a file that size for peak memory), backup, memory,
 * demo, census (statements per message, PostgreSQL; `--count N` messages per phase), scale (`--sizes 2,4,8`), federation (`--only pglite|postgres` for one database's half, `--tail` for the slowest messages at 50/s), audit (`--entries N`; 1 million by default, 100,000 with --quick), maintenance (`--messages N`; 51,200 by default, 10,240 with --quick), statements (the statements
 * compiled once against Kysely building them at every call).
 * The PostgreSQL figures use COMITY_TEST_POSTGRES_URL, or a throwaway cluster when Debian's server is installed.
 * Record the output in docs/benchmarks.md with the command that produced it.
 */
import os from 'node:os';
import { runAssetBenchmarks } from './assets.bench.ts';
import { AUDIT_METHOD, runAuditBenchmarks } from './audit.bench.ts';
import { type Cluster, POSTGRES_BIN, startPostgresCluster } from '../scripts/postgres-cluster.ts';
import { BACKUP_METHOD, runBackupBenchmarks } from './backup.bench.ts';
import { CASE_METHOD, runCaseBenchmarks } from './case.bench.ts';
import { CENSUS_SERVER_SETTINGS, censusTable, runStatementCensus } from './census.bench.ts';
import { runDemoBenchmarks } from './demo.bench.ts';
import { runDeskBenchmarks } from './desk.bench.ts';
import { EVIDENCE_METHOD, parseSize, runEvidenceBenchmarks } from './evidence.bench.ts';
import { EVIDENCE_TRANSFER_METHOD, runEvidenceTransferBenchmarks } from './evidence-transfer.bench.ts';
import { FEDERATION_METHOD, runFederationBenchmarks } from './federation.bench.ts';
import { type Figure, runFoundationBenchmarks } from './foundation.bench.ts';
import { MAINTENANCE_METHOD, runMaintenanceBenchmarks } from './maintenance.bench.ts';
import { runMemoryBenchmarks } from './memory.bench.ts';
import { runScaleBenchmarks, scaleTable } from './scale.bench.ts';
import { runStatementBenchmarks, STATEMENTS_METHOD } from './statements.bench.ts';

const args = process.argv.slice(2);
const isQuick = args.includes('--quick');
const sizeIndex = args.indexOf('--size');
const sizeArgument = sizeIndex === -1 ? undefined : args[sizeIndex + 1];
const transferSizeIndex = args.indexOf('--transfer-size');
const transferSizeArgument = transferSizeIndex === -1 ? undefined : args[transferSizeIndex + 1];
const rssSizeIndex = args.indexOf('--rss-size');
const rssSizeArgument = rssSizeIndex === -1 ? undefined : args[rssSizeIndex + 1];
const suite =
  args.find(
    (arg, index) =>
      !arg.startsWith('--') &&
      (sizeIndex === -1 || index !== sizeIndex + 1) &&
      (transferSizeIndex === -1 || index !== transferSizeIndex + 1) &&
      (rssSizeIndex === -1 || index !== rssSizeIndex + 1) &&
      (args.indexOf('--count') === -1 || index !== args.indexOf('--count') + 1) &&
      (args.indexOf('--messages') === -1 || index !== args.indexOf('--messages') + 1),
  ) ?? 'foundation';

/** A new, empty database on the PostgreSQL server at `url`; returns its URL. */
async function createBenchDatabase(url: string): Promise<string> {
  const database = `comity_bench_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`create database ${database}`);
  await client.end();
  const target = new URL(url);
  target.pathname = `/${database}`;
  return target.toString();
}

/**
 * Runs `measure` on COMITY_TEST_POSTGRES_URL's server, or on a throwaway cluster stopped after it;
 * says so when there is no PostgreSQL server.
 */
async function onPostgres(measure: (url: string) => Promise<void>): Promise<void> {
  const cluster: Cluster | undefined = process.env.COMITY_TEST_POSTGRES_URL
    ? undefined
    : await startPostgresCluster();
  const url = process.env.COMITY_TEST_POSTGRES_URL ?? cluster?.url;
  if (url === undefined) {
    process.stdout.write('\n(PostgreSQL figures skipped: no server; apt-get install postgresql)\n');
    return;
  }
  try {
    await measure(url);
  } finally {
    cluster?.stop();
  }
}

function printTable(title: string, figures: readonly Figure[]): void {
  process.stdout.write(
    `\n### ${title}\n\n| measure | Comity | baseline (same run) | ratio |\n|---|---|---|---|\n`,
  );
  for (const figure of figures) {
    process.stdout.write(`| ${figure.name} | ${figure.value} | ${figure.baseline} | ${figure.ratio} |\n`);
  }
}

process.stdout.write(
  `Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ` +
    `Node ${process.version}, ${new Date().toISOString()}${isQuick ? ' (quick run)' : ''}\n`,
);

if (suite === 'foundation') {
  // `--only pglite` or `--only postgres` runs one database's half, as for the federation suite.
  const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
  if (only !== 'postgres')
    printTable('Foundation — PGlite', await runFoundationBenchmarks({ quick: isQuick }));
  const cluster: Cluster | undefined =
    only === 'pglite' || process.env.COMITY_TEST_POSTGRES_URL ? undefined : await startPostgresCluster();
  const url = process.env.COMITY_TEST_POSTGRES_URL ?? cluster?.url;
  if (url) {
    try {
      printTable(
        'Foundation — PostgreSQL 15',
        await runFoundationBenchmarks({ quick: isQuick, databaseUrl: await createBenchDatabase(url) }),
      );
    } finally {
      cluster?.stop();
    }
  } else if (only !== 'pglite') {
    process.stdout.write('\n(PostgreSQL figures skipped: no server; apt-get install postgresql)\n');
  }
} else if (suite === 'memory') {
  const cluster: Cluster | undefined = process.env.COMITY_TEST_POSTGRES_URL
    ? undefined
    : await startPostgresCluster();
  const url = process.env.COMITY_TEST_POSTGRES_URL ?? cluster?.url;
  try {
    const databaseUrl = url ? await createBenchDatabase(url) : undefined;
    printTable('Idle memory (VmRSS 5 s after healthy)', await runMemoryBenchmarks({ databaseUrl }));
  } finally {
    cluster?.stop();
  }
} else if (suite === 'scale') {
  // `--sizes 2,4,8` chooses the federations; each node holds up to 11 connections of the cluster's 300.
  const sizesIndex = args.indexOf('--sizes');
  const sizes = (sizesIndex === -1 ? (isQuick ? '2,4' : '2,4,8,16,24') : (args[sizesIndex + 1] ?? ''))
    .split(',')
    .map(Number);
  const cluster: Cluster | undefined = process.env.COMITY_TEST_POSTGRES_URL
    ? undefined
    : await startPostgresCluster();
  const url = process.env.COMITY_TEST_POSTGRES_URL ?? cluster?.url;
  if (!url) throw new Error('the scale simulation needs PostgreSQL: apt-get install postgresql');
  try {
    const rows = await runScaleBenchmarks({
      sizes,
      databaseUrlFor: () => createBenchDatabase(url),
      onProgress: (line) => process.stderr.write(`${line}\n`),
    });
    process.stdout.write(
      `\n### Scale simulation — PostgreSQL 15, one database per node\n\n${scaleTable(rows)}`,
    );
  } finally {
    cluster?.stop();
  }
} else if (suite === 'census') {
  const cluster = await startPostgresCluster(CENSUS_SERVER_SETTINGS);
  if (!cluster) throw new Error('the statement census needs PostgreSQL: apt-get install postgresql');
  try {
    const countIndex = args.indexOf('--count');
    const count = countIndex === -1 ? (isQuick ? 100 : 300) : Number(args[countIndex + 1]);
    const phases = await runStatementCensus({
      adminUrl: cluster.url,
      createDatabase: () => createBenchDatabase(cluster.url),
      phases: [
        // 50 a second, as in the federation benchmark's latency phase: what a message costs a node
        // that is not busy. One at a time: the next one is sent as soon as the one before is answered.
        { perSecond: 50, count },
        { concurrency: 1, count },
        { concurrency: 4, count },
        { concurrency: 32, count },
      ],
    });
    process.stdout.write(
      `\n### Statement census — PostgreSQL 15 (pg_stat_statements)\n${censusTable(phases)}`,
    );
  } finally {
    cluster.stop();
  }
} else if (suite === 'demo') {
  const { figures, progress } = await runDemoBenchmarks();
  printTable('`comity demo` start-up — PGlite', figures);
  process.stdout.write(`\nProgress lines, seconds since spawn:\n\n${progress.join('\n')}\n`);
} else if (suite === 'case') {
  printTable('Case events to open screens — PGlite', await runCaseBenchmarks({ quick: isQuick }));
  process.stdout.write(`\n${CASE_METHOD}\n`);
} else if (suite === 'assets') {
  printTable('Web UI, first visit — bytes transferred', await runAssetBenchmarks());
} else if (suite === 'evidence') {
  if (!args.includes('--transfer-only')) {
    const size = parseSize(sizeArgument ?? (isQuick ? '256M' : '2G'));
    const rssSize = rssSizeArgument === undefined ? undefined : parseSize(rssSizeArgument);
    printTable('Evidence sealing', await runEvidenceBenchmarks({ size, rssSize }));
    process.stdout.write(`\n${EVIDENCE_METHOD}\n`);
  }
  if (!args.includes('--sealing-only')) {
    const transferSize = parseSize(transferSizeArgument ?? (isQuick ? '64M' : '512M'));
    printTable(
      'Evidence transfer, node to node — PGlite',
      await runEvidenceTransferBenchmarks({ size: transferSize }),
    );
    process.stdout.write(`\n${EVIDENCE_TRANSFER_METHOD}\n`);
  }
} else if (suite === 'desk') {
  printTable('Duty desk — PGlite', await runDeskBenchmarks({ quick: isQuick }));
} else if (suite === 'federation') {
  // `--only pglite` or `--only postgres` runs one database's half (to compare a change quickly).
  const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
  // `--tail`: the slowest messages at 50/s, each split at B's inbox (where a p99 comes from).
  const shouldPrintTail = args.includes('--tail');
  if (only !== 'postgres') {
    printTable(
      'Federation A → B — PGlite',
      await runFederationBenchmarks({ quick: isQuick, shouldPrintTail }),
    );
  }
  const cluster: Cluster | undefined =
    only === 'pglite' || process.env.COMITY_TEST_POSTGRES_URL ? undefined : await startPostgresCluster();
  const url = only === 'pglite' ? undefined : (process.env.COMITY_TEST_POSTGRES_URL ?? cluster?.url);
  if (url) {
    try {
      const createDatabase = () => createBenchDatabase(url);
      printTable(
        'Federation A → B — PostgreSQL 15',
        await runFederationBenchmarks({ quick: isQuick, createDatabase, shouldPrintTail }),
      );
    } finally {
      cluster?.stop();
    }
  } else if (only !== 'pglite') {
    process.stdout.write('\n(PostgreSQL figures skipped: no server; apt-get install postgresql)\n');
  }
  process.stdout.write(`\n${FEDERATION_METHOD}\n`);
} else if (suite === 'backup') {
  printTable('Backup and restore — PGlite', await runBackupBenchmarks({ quick: isQuick }));
  const cluster: Cluster | undefined = process.env.COMITY_TEST_POSTGRES_URL
    ? undefined
    : await startPostgresCluster();
  const url = process.env.COMITY_TEST_POSTGRES_URL ?? cluster?.url;
  if (url) {
    try {
      const createDatabase = () => createBenchDatabase(url);
      printTable(
        'Backup and restore — PostgreSQL 15',
        await runBackupBenchmarks({ quick: isQuick, createDatabase, postgresBin: POSTGRES_BIN }),
      );
    } finally {
      cluster?.stop();
    }
  } else {
    process.stdout.write('\n(PostgreSQL figures skipped: no server; apt-get install postgresql)\n');
  }
  process.stdout.write(`\n${BACKUP_METHOD}\n`);
} else if (suite === 'audit') {
  const entriesIndex = args.indexOf('--entries');
  const entries = entriesIndex === -1 ? (isQuick ? 100_000 : 1_000_000) : Number(args[entriesIndex + 1]);
  const appendSample = Math.min(entries, isQuick ? 20_000 : 100_000);
  const log = (line: string) => process.stderr.write(`audit bench: ${line}\n`);
  printTable(
    `Audit log — PGlite, ${entries.toLocaleString('en')} entries`,
    await runAuditBenchmarks({ entries, appendSample, log }),
  );
  await onPostgres(async (url) =>
    printTable(
      `Audit log — PostgreSQL 15, ${entries.toLocaleString('en')} entries`,
      await runAuditBenchmarks({ entries, appendSample, log, databaseUrl: await createBenchDatabase(url) }),
    ),
  );
  process.stdout.write(`\n${AUDIT_METHOD}\n`);
} else if (suite === 'statements') {
  printTable('Statements compiled once — PGlite, on disk', await runStatementBenchmarks({}));
  await onPostgres(async (url) =>
    printTable(
      'Statements compiled once — PostgreSQL 15',
      await runStatementBenchmarks({ databaseUrl: await createBenchDatabase(url) }),
    ),
  );
  process.stdout.write(`\n${STATEMENTS_METHOD}\n`);
} else if (suite === 'maintenance') {
  const messagesIndex = args.indexOf('--messages');
  const messages = messagesIndex === -1 ? (isQuick ? 10_240 : 51_200) : Number(args[messagesIndex + 1]);
  printTable(
    "Routine maintenance of the embedded database — PGlite, a sending node's outbox",
    await runMaintenanceBenchmarks({
      messages,
      log: (line) => process.stderr.write(`maintenance bench: ${line}\n`),
    }),
  );
  process.stdout.write(`\n${MAINTENANCE_METHOD}\n`);
} else {
  process.stderr.write(
    `unknown benchmark suite "${suite}" (known: foundation, federation, census, case, desk, assets, evidence, backup, memory, demo, scale, audit, maintenance, statements)\n`,
  );
  process.exit(1);
}
