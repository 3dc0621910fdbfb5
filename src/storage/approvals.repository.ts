/**
 * SQL for approvals (the two-person rule): what was submitted to leave the node, by whom, at which
 * revision, and the second person's decision. The request-specific writes change the request's
 * status in the same statement as the approval row (a submission, a return); the approval that
 * sends a request is in federation-requests.repository.ts (approveAndQueueRequest), in the same
 * statement as the outgoing message.
 */
import { type Kysely, sql } from 'kysely';
import type { ApprovalDecision, ApprovalSubjectKind } from '../core/approval/approval-rules.ts';
import { UUID_PATTERN } from '../core/ids.ts';
import { selectRequests, type StoredRequest, toStoredRequest } from './requests.repository.ts';
import { compiledOnce, type ValueOf } from './compiled-once.ts';
import type { Database } from './schema.ts';
import { directoryStampExpression } from './states.repository.ts';

export type StoredApproval = Readonly<{
  id: string;
  /** The order of submission: the register's cursor. */
  sequence: string;
  kind: ApprovalSubjectKind;
  subjectId: string;
  requestId: string | null;
  requestType: string;
  submittedRevision: number;
  payload: unknown;
  submittedBy: Readonly<{ id: string | null; username: string | null; displayName: string | null }>;
  submittedAt: Date;
  decidedBy: Readonly<{ id: string | null; username: string | null; displayName: string | null }> | null;
  decidedAt: Date | null;
  decision: ApprovalDecision | null;
  reasons: string | null;
  decisionReference: string | null;
  /** The request's case reference, to show in a queue. */
  caseReference: string | null;
  urgency: string | null;
  /** The request's side and other State, for a register: outgoing names the requested State. */
  direction: string | null;
  requestedState: string | null;
  peerNodeId: string | null;
}>;

function parsedJson(value: unknown): unknown {
  return typeof value === 'string' ? JSON.parse(value) : value;
}

function asDate(value: Date | string): Date {
  return value instanceof Date ? value : new Date(value);
}

function selectApprovals(db: Kysely<Database>) {
  return db
    .selectFrom('approvals')
    .leftJoin('users as submitter', 'submitter.id', 'approvals.submitted_by')
    .leftJoin('users as decider', 'decider.id', 'approvals.decided_by')
    .leftJoin('requests', 'requests.id', 'approvals.request_id')
    .select([
      'approvals.id',
      'approvals.sequence',
      'approvals.subject_kind',
      'approvals.subject_id',
      'approvals.request_id',
      'approvals.request_type',
      'approvals.submitted_revision',
      'approvals.payload',
      'approvals.submitted_by',
      'approvals.submitted_at',
      'approvals.decided_by',
      'approvals.decided_at',
      'approvals.decision',
      'approvals.reasons',
      'approvals.decision_reference',
      'submitter.username as submitter_username',
      'submitter.display_name as submitter_display_name',
      'decider.username as decider_username',
      'decider.display_name as decider_display_name',
      'requests.case_reference',
      'requests.direction',
      'requests.requested_state',
      'requests.peer_node_id',
      sql<string | null>`requests.content -> 'urgency' ->> 'level'`.as('urgency'),
    ]);
}

type ApprovalRow = Awaited<ReturnType<ReturnType<typeof selectApprovals>['executeTakeFirstOrThrow']>>;

function toStoredApproval(row: ApprovalRow): StoredApproval {
  return {
    id: row.id,
    sequence: String(row.sequence),
    kind: row.subject_kind,
    subjectId: row.subject_id,
    requestId: row.request_id,
    requestType: row.request_type,
    submittedRevision: row.submitted_revision,
    payload: parsedJson(row.payload),
    submittedBy: {
      id: row.submitted_by,
      username: row.submitter_username,
      displayName: row.submitter_display_name,
    },
    submittedAt: asDate(row.submitted_at),
    decidedBy:
      row.decided_at === null
        ? null
        : { id: row.decided_by, username: row.decider_username, displayName: row.decider_display_name },
    decidedAt: row.decided_at === null ? null : asDate(row.decided_at),
    decision: row.decision,
    reasons: row.reasons,
    decisionReference: row.decision_reference,
    caseReference: row.case_reference,
    urgency: row.urgency,
    direction: row.direction,
    requestedState: row.requested_state,
    peerNodeId: row.peer_node_id,
  };
}

const selectApprovalById = compiledOnce((db, value: ValueOf<{ id: string }>) =>
  selectApprovals(db).where('approvals.id', '=', value('id')),
);

export async function findApproval(db: Kysely<Database>, id: string): Promise<StoredApproval | undefined> {
  if (!UUID_PATTERN.test(id)) return undefined;
  const [row] = await selectApprovalById(db, { id });
  return row ? toStoredApproval(row) : undefined;
}

const selectPendingApproval = compiledOnce(
  (db, value: ValueOf<{ kind: ApprovalSubjectKind; subjectId: string }>) =>
    selectApprovals(db)
      .where('approvals.subject_kind', '=', value('kind'))
      .where('approvals.subject_id', '=', value('subjectId'))
      .where('approvals.decision', 'is', null),
);

/** The undecided approval of a subject, if there is one. */
export async function findPendingApproval(
  db: Kysely<Database>,
  kind: ApprovalSubjectKind,
  subjectId: string,
): Promise<StoredApproval | undefined> {
  const [row] = await selectPendingApproval(db, { kind, subjectId });
  return row ? toStoredApproval(row) : undefined;
}

/** What the send path needs of a request's pending approval (the two-person rule's check). */
export type PendingDecision = Readonly<{
  id: string;
  submittedBy: Readonly<{ id: string | null; username: string | null }>;
  submittedRevision: number;
}>;

/**
 * A request with its pending approval, if any, and the directory stamp its validation needs, in
 * one statement of plain joins (the send path runs it for every request approved): the unique
 * index of pending approvals gives at most one.
 */
/** The subjects of `kind` that wait for a decision (the cases whose response waits: the desk reads them once). */
export async function listSubjectsAwaitingDecision(
  db: Kysely<Database>,
  kind: ApprovalSubjectKind,
): Promise<ReadonlySet<string>> {
  const rows = await db
    .selectFrom('approvals')
    .select('subject_id')
    .where('subject_kind', '=', kind)
    .where('decision', 'is', null)
    .execute();
  return new Set(rows.map((row) => row.subject_id));
}

/** The send path runs it for every request approved (compiled-once.ts). */
export const selectRequestAwaitingDecision = compiledOnce(
  (db, value: ValueOf<{ requestId: string; subjectId: string; deciderId: string }>) =>
    selectRequests(db)
      .leftJoin('approvals', (join) =>
        join
          .on('approvals.subject_kind', '=', 'request')
          // The request's id as the approval stores it (a UUID's text, lower case), whatever the
          // caller's case. A value, not a join on requests.id::text, which cost the sending node
          // 0.3-0.7 ms of CPU a message in the federation benchmark (docs/benchmarks.md).
          .on('approvals.subject_id', '=', value('subjectId'))
          .on('approvals.decision', 'is', null),
      )
      .leftJoin('users as submitter', 'submitter.id', 'approvals.submitted_by')
      .select([
        'approvals.id as approval_id',
        'approvals.submitted_by as approval_submitted_by',
        'approvals.submitted_revision as approval_submitted_revision',
        'submitter.username as approval_submitter_username',
        directoryStampExpression().as('directory_stamp'),
        (eb) =>
          eb
            .selectFrom('users as decider')
            .select('decider.display_name')
            .where('decider.id', '=', value('deciderId'))
            .as('decider_display_name'),
      ])
      .where('requests.id', '=', value('requestId')),
);

export async function findRequestAwaitingDecision(
  db: Kysely<Database>,
  requestId: string,
  deciderId: string,
): Promise<
  | Readonly<{
      stored: StoredRequest;
      pendingApproval: PendingDecision | undefined;
      directoryStamp: string;
      /** The display name of the person deciding (the message that sends the request names them). */
      deciderDisplayName: string | null;
    }>
  | undefined
> {
  const [row] = await selectRequestAwaitingDecision(db, {
    requestId,
    // The request's id as the approval stores it (see the statement).
    subjectId: requestId.toLowerCase(),
    deciderId,
  });
  if (!row) return undefined;
  return {
    stored: toStoredRequest(row),
    pendingApproval:
      row.approval_id === null
        ? undefined
        : {
            id: row.approval_id,
            submittedBy: { id: row.approval_submitted_by, username: row.approval_submitter_username },
            submittedRevision: Number(row.approval_submitted_revision),
          },
    directoryStamp: row.directory_stamp,
    deciderDisplayName: row.decider_display_name,
  };
}

/** Approvals, in the order they were submitted: the undecided ones (a queue) or every one of a request. */
export async function listApprovals(
  db: Kysely<Database>,
  filter: Readonly<{
    isPendingOnly?: boolean;
    requestId?: string;
    subject?: Readonly<{ kind: ApprovalSubjectKind; id: string }>;
  }>,
): Promise<StoredApproval[]> {
  let query = selectApprovals(db);
  if (filter.subject !== undefined) {
    query = query
      .where('approvals.subject_kind', '=', filter.subject.kind)
      .where('approvals.subject_id', '=', filter.subject.id);
  }
  if (filter.isPendingOnly) query = query.where('approvals.decision', 'is', null);
  if (filter.requestId !== undefined) query = query.where('approvals.request_id', '=', filter.requestId);
  const rows = await query.orderBy('approvals.sequence', 'asc').execute();
  return rows.map(toStoredApproval);
}

export type ApprovalState = 'pending' | 'approved' | 'returned';

/**
 * One page of every approval, newest first: the register an oversight body reads. `before` is the
 * sequence of the last row of the previous page.
 */
export async function listApprovalPage(
  db: Kysely<Database>,
  filter: Readonly<{ state?: ApprovalState; kind?: ApprovalSubjectKind; before?: string; limit: number }>,
): Promise<StoredApproval[]> {
  let query = selectApprovals(db);
  if (filter.state === 'pending') query = query.where('approvals.decision', 'is', null);
  if (filter.state === 'approved') query = query.where('approvals.decision', '=', 'approve');
  if (filter.state === 'returned') query = query.where('approvals.decision', '=', 'return');
  if (filter.kind !== undefined) query = query.where('approvals.subject_kind', '=', filter.kind);
  if (filter.before !== undefined) query = query.where('approvals.sequence', '<', filter.before);
  const rows = await query.orderBy('approvals.sequence', 'desc').limit(filter.limit).execute();
  return rows.map(toStoredApproval);
}

/** Counts over every approval of the node, whatever a register's filter. */
export type ApprovalTotals = Readonly<{
  pending: number;
  approved: number;
  returned: number;
  /** Decided by the person who submitted it, or by nobody the node knows: the rule not shown held. */
  secondPersonNotShown: number;
  /** Intrusive measures approved without the reference of an authorising decision. */
  decisionReferenceMissing: number;
}>;

export async function countApprovals(
  db: Kysely<Database>,
  intrusiveRequestTypes: readonly string[],
): Promise<ApprovalTotals> {
  const { rows } = await sql<{
    pending: number;
    approved: number;
    returned: number;
    second_person_not_shown: number;
    decision_reference_missing: number;
  }>`
    select count(*) filter (where decision is null)::int as pending,
           count(*) filter (where decision = 'approve')::int as approved,
           count(*) filter (where decision = 'return')::int as returned,
           count(*) filter (where decision is not null
                              and (decided_by is null or submitted_by is null
                                   or decided_by = submitted_by))::int as second_person_not_shown,
           count(*) filter (where decision = 'approve'
                              and request_type = any(${[...intrusiveRequestTypes]}::text[])
                              -- A refusal authorises nothing (approval-rules.ts, needsIntrusiveApproval).
                              and not (subject_kind = 'case-transition' and payload->>'name' = 'refuse')
                              and coalesce(btrim(decision_reference), '') = '')::int
             as decision_reference_missing
      from approvals`.execute(db);
  const row = rows[0];
  return {
    pending: row?.pending ?? 0,
    approved: row?.approved ?? 0,
    returned: row?.returned ?? 0,
    secondPersonNotShown: row?.second_person_not_shown ?? 0,
    decisionReferenceMissing: row?.decision_reference_missing ?? 0,
  };
}

export type NewApproval = Readonly<{
  kind: ApprovalSubjectKind;
  subjectId: string;
  requestId: string | null;
  requestType: string;
  submittedRevision: number;
  payload: unknown;
  submittedBy: string;
  now: Date;
}>;

/** Stores a submission; undefined when the subject already waits for a decision. */
export async function insertApproval(
  db: Kysely<Database>,
  approval: NewApproval,
): Promise<string | undefined> {
  const { rows } = await sql<{ id: string }>`
    insert into approvals (subject_kind, subject_id, request_id, request_type, submitted_revision,
                           payload, submitted_by, submitted_at)
    values (${approval.kind}, ${approval.subjectId}, ${approval.requestId}::uuid, ${approval.requestType},
            ${approval.submittedRevision}, ${approval.payload === undefined ? null : JSON.stringify(approval.payload)}::jsonb,
            ${approval.submittedBy}::uuid, ${approval.now})
    on conflict (subject_kind, subject_id) where decision is null do nothing
    returning id::text as id`.execute(db);
  return rows[0]?.id;
}

/**
 * A draft still at `expectedRevision` becomes 'awaiting-approval' (its revision grows by one) and
 * its approval row is stored, in ONE statement; undefined (nothing written) otherwise.
 */
export async function submitRequestForApproval(
  db: Kysely<Database>,
  submission: Readonly<{ requestId: string; expectedRevision: number; submittedBy: string; now: Date }>,
): Promise<string | undefined> {
  const { requestId, expectedRevision, submittedBy, now } = submission;
  const { rows } = await sql<{ id: string }>`
    with marked as (
      update requests
         set status = 'awaiting-approval', revision = revision + 1, updated_at = ${now}
       where id = ${requestId}::uuid and status = 'draft' and revision = ${expectedRevision}
         and direction = 'outgoing'
      returning id, type, revision
    )
    insert into approvals (subject_kind, subject_id, request_id, request_type, submitted_revision,
                           submitted_by, submitted_at)
    select 'request', marked.id::text, marked.id, marked.type, marked.revision, ${submittedBy}::uuid, ${now}
      from marked
    returning id::text as id`.execute(db);
  return rows[0]?.id;
}

/**
 * A second person's decision on a pending approval that changes nothing else (a return of a
 * response, an evidence package's decision). False when it was already decided.
 */
export async function recordDecision(
  db: Kysely<Database>,
  decision: Readonly<{
    approvalId: string;
    decision: ApprovalDecision;
    decidedBy: string;
    reasons: string | null;
    decisionReference: string | null;
    now: Date;
  }>,
): Promise<boolean> {
  const result = await db
    .updateTable('approvals')
    .set({
      decision: decision.decision,
      decided_by: decision.decidedBy,
      decided_at: decision.now,
      reasons: decision.reasons,
      decision_reference: decision.decisionReference,
    })
    .where('id', '=', decision.approvalId)
    .where('decision', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Returns a request awaiting approval to its drafter, in ONE statement: the approval is decided
 * 'return' with the reasons and the request is a draft again (its revision grows by one). False
 * (nothing written) when the approval was decided meanwhile or the request is not that revision.
 */
export async function returnRequestToDraft(
  db: Kysely<Database>,
  change: Readonly<{
    approvalId: string;
    requestId: string;
    expectedRevision: number;
    decidedBy: string;
    reasons: string;
    now: Date;
  }>,
): Promise<boolean> {
  const { rows } = await sql<{ returned: number }>`
    with decided as (
      update approvals
         set decision = 'return', decided_by = ${change.decidedBy}::uuid, decided_at = ${change.now},
             reasons = ${change.reasons}
       where id = ${change.approvalId}::uuid and decision is null
         and exists (select 1 from requests where id = ${change.requestId}::uuid
                     and status = 'awaiting-approval' and revision = ${change.expectedRevision})
      returning id
    ), returned as (
      update requests
         set status = 'draft', revision = revision + 1, updated_at = ${change.now}
       where id = ${change.requestId}::uuid and status = 'awaiting-approval'
         and revision = ${change.expectedRevision} and exists (select 1 from decided)
      returning id
    )
    select count(*)::int as returned from returned`.execute(db);
  return Number(rows[0]?.returned ?? 0) === 1;
}

/**
 * Undoes a decision whose effect could not be written (the case changed as the approved response
 * was being queued): the approval is pending again, so the refusal changes nothing.
 */
export async function undoDecision(db: Kysely<Database>, approvalId: string): Promise<void> {
  await db
    .updateTable('approvals')
    .set({ decision: null, decided_by: null, decided_at: null, reasons: null, decision_reference: null })
    .where('id', '=', approvalId)
    .execute();
}
