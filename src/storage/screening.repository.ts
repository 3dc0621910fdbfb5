/**
 * SQL for incoming screening: the checklist answers of an incoming request, and the requesting
 * State's record on this node (earlier incoming requests from it, those refused and their grounds).
 */
import { type Kysely, sql } from 'kysely';
import type { Database } from './schema.ts';

export type StoredChecklist = Readonly<{
  requestId: string;
  answers: unknown;
  /** What Comity's own checks had found on each item when it was saved; null when saved before that was kept. */
  findingsSeen: unknown;
  revision: number;
  updatedBy: Readonly<{ id: string; username: string; displayName: string }> | null;
  updatedAt: Date;
}>;

export async function findChecklist(
  db: Kysely<Database>,
  requestId: string,
): Promise<StoredChecklist | undefined> {
  const row = await db
    .selectFrom('screening_checklists')
    .leftJoin('users', 'users.id', 'screening_checklists.updated_by')
    .select([
      'screening_checklists.request_id',
      'screening_checklists.answers',
      'screening_checklists.findings_seen',
      'screening_checklists.revision',
      'screening_checklists.updated_by',
      'screening_checklists.updated_at',
      'users.username',
      'users.display_name',
    ])
    .where('screening_checklists.request_id', '=', requestId)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    requestId: row.request_id,
    answers: row.answers,
    findingsSeen: row.findings_seen,
    revision: row.revision,
    updatedBy: row.updated_by
      ? {
          id: row.updated_by,
          username: row.username ?? '',
          displayName: row.display_name || row.username || '',
        }
      : null,
    updatedAt: new Date(row.updated_at),
  };
}

/**
 * Stores the answers; with `expectedRevision`, only if the checklist is still at that revision
 * (0: not saved yet). Answers the new revision, or undefined when someone saved meanwhile.
 */
export async function saveChecklist(
  db: Kysely<Database>,
  input: Readonly<{
    requestId: string;
    answers: unknown;
    /** What Comity's own checks found on each item as the answers were given. */
    findingsSeen: Readonly<Record<string, string>>;
    userId: string;
    at: Date;
    expectedRevision?: number;
  }>,
): Promise<number | undefined> {
  const expected = input.expectedRevision;
  const written = {
    answers: JSON.stringify(input.answers),
    findings_seen: JSON.stringify(input.findingsSeen),
    updated_by: input.userId,
    updated_at: input.at,
  };
  if (expected === 0) {
    const row = await db
      .insertInto('screening_checklists')
      .values({ request_id: input.requestId, ...written })
      .onConflict((oc) => oc.column('request_id').doNothing())
      .returning('revision')
      .executeTakeFirst();
    return row?.revision;
  }
  if (expected !== undefined) {
    // A revision the caller saw: only that row, at that revision (none yet: nothing to update).
    const row = await db
      .updateTable('screening_checklists')
      .set({ ...written, revision: sql<number>`revision + 1` })
      .where('request_id', '=', input.requestId)
      .where('revision', '=', expected)
      .returning('revision')
      .executeTakeFirst();
    return row?.revision;
  }
  const row = await db
    .insertInto('screening_checklists')
    .values({ request_id: input.requestId, ...written })
    .onConflict((oc) =>
      oc
        .column('request_id')
        .doUpdateSet({ ...written, revision: sql<number>`screening_checklists.revision + 1` }),
    )
    .returning('revision')
    .executeTakeFirst();
  return row?.revision;
}

export type StateRecordRow = Readonly<{ received: number; refused: number; refusalPayloads: unknown[] }>;

/**
 * Earlier incoming requests whose requesting authority is `state` (all but `exceptRequestId`): how
 * many, how many refused, and the payloads of their refusals.
 */
export async function requestingStateRecord(
  db: Kysely<Database>,
  state: string,
  exceptRequestId: string,
): Promise<StateRecordRow> {
  const fromState = db
    .selectFrom('requests')
    .where('direction', '=', 'incoming')
    .where('id', '<>', exceptRequestId)
    .where(sql<string>`content->'requestingAuthority'->>'state'`, '=', state);
  const counts = await fromState
    .select([
      sql<string>`count(*)`.as('received'),
      sql<string>`count(*) filter (where case_status = 'refused')`.as('refused'),
    ])
    .executeTakeFirstOrThrow();
  const refusals = await db
    .selectFrom('case_events')
    .innerJoin('requests', 'requests.id', 'case_events.request_id')
    .select('case_events.payload')
    .where('case_events.transition', '=', 'refuse')
    .where('requests.direction', '=', 'incoming')
    .where('requests.id', '<>', exceptRequestId)
    .where(sql<string>`requests.content->'requestingAuthority'->>'state'`, '=', state)
    .execute();
  return {
    received: Number(counts.received),
    refused: Number(counts.refused),
    refusalPayloads: refusals.map((row) => row.payload),
  };
}
