/**
 * `npm run bench -- statements`: the CPU of the statements the node runs on every request and
 * message, compiled once (src/storage/compiled-once.ts) against the same statement built and
 * compiled by Kysely at every call (the baseline), in alternating rounds in one process, on PGlite
 * (on disk) and on PostgreSQL. The CPU is the process's own: on PGlite it holds the database's
 * work too, on PostgreSQL only the node's side.
 */
import type { Kysely } from 'kysely';
import { insertApiToken, selectApiTokenByHash } from '../src/storage/api-tokens.repository.ts';
import {
  selectRequestAwaitingDecision,
  submitRequestForApproval,
} from '../src/storage/approvals.repository.ts';
import type { CompiledStatement } from '../src/storage/compiled-once.ts';
import { selectNamedOpenCases } from '../src/storage/open-cases.repository.ts';
import { insertRequest, selectRequestById } from '../src/storage/requests.repository.ts';
import type { Database } from '../src/storage/schema.ts';
import { insertUser } from '../src/storage/users.repository.ts';
import { openBenchDatabase } from './bench-database.ts';
import type { Figure } from './foundation.bench.ts';
import { median } from './statistics.ts';

const ROUNDS = 9;
const CALLS_PER_ROUND = 500;

export const STATEMENTS_METHOD =
  'Method: each statement runs ' +
  `${CALLS_PER_ROUND} times a round, compiled once and then built by Kysely at every call, in ` +
  `${ROUNDS} alternating rounds after a warm-up, in one process; the figure is the median round's ` +
  'CPU (user + system) per call. On PGlite the process runs the database too; on PostgreSQL the ' +
  "server's CPU is not counted. Command: `npm run bench -- statements`.";

/** A prosecutor's request awaiting a supervisor's approval, and the supervisor's token. */
async function seed(db: Kysely<Database>) {
  const now = new Date('2026-12-07T10:00:00.000Z');
  const author = await insertUser(db, {
    username: 'author',
    displayName: 'Author',
    passwordHash: 'x',
    roles: ['officer'],
  });
  const supervisor = await insertUser(db, {
    username: 'supervisor',
    displayName: 'Supervisor',
    passwordHash: 'x',
    roles: ['supervisor'],
  });
  const tokenHash = 'a'.repeat(64);
  await insertApiToken(db, {
    userId: supervisor.id,
    name: 'bench',
    tokenHash,
    createdAt: now,
    expiresAt: null,
  });
  const request = await insertRequest(db, {
    type: 'preservation',
    content: { facts: 'x' },
    caseReference: 'BENCH-1',
    requestedState: 'DE',
    createdBy: author.id,
    now,
  });
  await submitRequestForApproval(db, {
    requestId: request.id,
    expectedRevision: request.revision,
    submittedBy: author.id,
    now,
  });
  return { tokenHash, requestId: request.id, deciderId: supervisor.id };
}

async function cpuPerCall(run: () => Promise<unknown>): Promise<number> {
  const start = process.cpuUsage();
  for (let call = 0; call < CALLS_PER_ROUND; call += 1) await run();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / CALLS_PER_ROUND;
}

async function compare<Values extends object>(
  db: Kysely<Database>,
  statement: CompiledStatement<Values, unknown>,
  values: Values,
): Promise<{ compiled: number; built: number }> {
  const compiled: number[] = [];
  const built: number[] = [];
  await cpuPerCall(() => statement(db, values));
  await cpuPerCall(() => statement.builtEachCall(db, values));
  for (let round = 0; round < ROUNDS; round += 1) {
    compiled.push(await cpuPerCall(() => statement(db, values)));
    built.push(await cpuPerCall(() => statement.builtEachCall(db, values)));
  }
  return { compiled: median(compiled), built: median(built) };
}

export async function runStatementBenchmarks(options: { databaseUrl?: string }): Promise<Figure[]> {
  const { handle, cleanup } = await openBenchDatabase(options.databaseUrl, 'statements');
  const database = options.databaseUrl ? 'PostgreSQL' : 'PGlite';
  try {
    const { tokenHash, requestId, deciderId } = await seed(handle.db);
    const statements: [string, () => Promise<{ compiled: number; built: number }>][] = [
      [
        'the API token lookup (every request with a token)',
        () => compare(handle.db, selectApiTokenByHash, { tokenHash }),
      ],
      ['a request by its id', () => compare(handle.db, selectRequestById, { id: requestId })],
      [
        'the request, its pending approval and the directory stamp (every send)',
        () =>
          compare(handle.db, selectRequestAwaitingDecision, {
            requestId,
            subjectId: requestId,
            deciderId,
          }),
      ],
      [
        'the open cases a round of the alert timers names (after each change of a case)',
        () =>
          compare(handle.db, selectNamedOpenCases, {
            terminalStatuses: ['refused', 'withdrawn', 'closed'],
            requestIds: [requestId],
          }),
      ],
    ];
    const figures: Figure[] = [];
    for (const [name, measure] of statements) {
      const { compiled, built } = await measure();
      figures.push({
        name: `${name}, ${database}: CPU a call`,
        value: `${compiled.toFixed(1)} µs (compiled once)`,
        baseline: `${built.toFixed(1)} µs (built by Kysely at every call)`,
        ratio: `${(compiled / built).toFixed(2)}×`,
      });
    }
    return figures;
  } finally {
    await cleanup();
  }
}
