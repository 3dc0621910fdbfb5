/**
 * All SQL about requests. A request row keeps its structured content as jsonb and, beside it,
 * the few fields lists filter and sort on (type, case reference, requested State), copied from
 * the content on every write so a list never has to open the JSON.
 *
 * Writes that depend on what the caller last saw (update, delete) are conditional on the
 * revision and the status, in the same statement, so a concurrent change makes them touch no
 * row instead of overwriting it.
 */
import { type Expression, type ExpressionBuilder, type Kysely, type SqlBool, sql } from 'kysely';
import { compiledOnce, type ValueOf } from './compiled-once.ts';
import type { Database } from './schema.ts';
import { directoryStampExpression } from './states.repository.ts';
import { containing, identifierStart } from './like-patterns.ts';

/** A request as stored, with its author's username. */
export type StoredRequest = Readonly<{
  id: string;
  type: string;
  status: string;
  revision: number;
  caseReference: string | null;
  requestedState: string | null;
  content: unknown;
  createdBy: Readonly<{ id: string; username: string }>;
  /** The author's display name (what a sent request says it was submitted by). */
  authorDisplayName: string;
  createdAt: Date;
  updatedAt: Date;
  /** 'outgoing' (drafted here) or 'incoming' (received from a peer node). */
  direction: 'outgoing' | 'incoming';
  /** The node it was sent to (outgoing) or received from (incoming). */
  peerNodeId: string | null;
  /** The sender's id of an incoming request. */
  remoteRequestId: string | null;
  /** Of a sent request: pending, delivered, failed or cancelled. */
  deliveryState: string | null;
  /** When an incoming request arrived. */
  receivedAt: Date | null;
  /** The status its case history folds to; null before the first transition after sending. */
  caseStatus: string | null;
  /**
   * Of an incoming request, as the sending node's message names them: who submitted it and the
   * second person who approved its sending (null when the message did not say, or outgoing).
   */
  remoteSubmittedBy: string | null;
  remoteApprovedBy: string | null;
}>;

/** What a write stores: the content and the columns derived from it. */
export type RequestWrite = Readonly<{
  type: string;
  content: unknown;
  caseReference: string | null;
  requestedState: string | null;
}>;

export type RequestListFilter = Readonly<{
  /** Only requests created by this user; undefined for every request of the node. */
  createdBy?: string;
  /** With createdBy: also every incoming request (people who handle what other States send). */
  isIncludingIncoming?: boolean;
  /**
   * With createdBy: also every outgoing request of these types that is not a draft (the types of
   * the 24/7 network, which the duty officer on shift follows up whoever drafted them).
   */
  pointOfContactTypes?: readonly string[];
  /** Only the requests other States' nodes sent here (whoever created them). */
  isIncomingOnly?: boolean;
  direction?: 'outgoing' | 'incoming';
  type?: string;
  status?: string;
  /** Only requests whose case reference contains this text (any case), or whose id starts with it. */
  search?: string;
  /** Only the cases that have not ended (true), or only those that have (false). */
  isOpen?: boolean;
}>;

/** Where a page of the list ends: the last row's exact update time (microseconds) and id. */
export type RequestListCursor = Readonly<{ updatedAt: string; id: string }>;

export type RequestListPage = Readonly<{
  rows: StoredRequest[];
  /** Where the next page starts; undefined on the last page. */
  next: RequestListCursor | undefined;
  /** The cases of the whole filter (every page, whatever isOpen says) that have not ended. */
  openCount: number;
}>;

/** The columns of a request row that StoredRequest reads (with its author's names from users). */
const REQUEST_COLUMNS = [
  'id',
  'type',
  'status',
  'revision',
  'case_reference',
  'requested_state',
  'content',
  'created_by',
  'created_at',
  'updated_at',
  'direction',
  'peer_node_id',
  'remote_request_id',
  'delivery_state',
  'received_at',
  'case_status',
  'remote_submitted_by',
  'remote_approved_by',
] as const;

export function selectRequests(db: Kysely<Database>) {
  return db
    .selectFrom('requests')
    .innerJoin('users', 'users.id', 'requests.created_by')
    .select(REQUEST_COLUMNS.map((column) => `requests.${column}` as const))
    .select(['users.username', 'users.display_name']);
}

export type JoinedRow = Readonly<{
  id: string;
  type: string;
  status: string;
  revision: number;
  case_reference: string | null;
  requested_state: string | null;
  content: unknown;
  created_by: string;
  username: string;
  display_name: string;
  created_at: Date;
  updated_at: Date;
  direction: string;
  peer_node_id: string | null;
  remote_request_id: string | null;
  delivery_state: string | null;
  received_at: Date | string | null;
  case_status: string | null;
  remote_submitted_by: string | null;
  remote_approved_by: string | null;
}>;

export function toStoredRequest(row: JoinedRow): StoredRequest {
  return {
    id: row.id,
    type: row.type,
    status: row.status,
    revision: Number(row.revision),
    caseReference: row.case_reference,
    requestedState: row.requested_state,
    // pg and PGlite both parse jsonb; a driver configured otherwise would hand back text.
    content: typeof row.content === 'string' ? JSON.parse(row.content) : row.content,
    createdBy: { id: row.created_by, username: row.username },
    authorDisplayName: row.display_name,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
    direction: row.direction === 'incoming' ? 'incoming' : 'outgoing',
    peerNodeId: row.peer_node_id,
    remoteRequestId: row.remote_request_id,
    deliveryState: row.delivery_state,
    receivedAt: row.received_at === null ? null : new Date(row.received_at),
    caseStatus: row.case_status,
    remoteSubmittedBy: row.remote_submitted_by,
    remoteApprovedBy: row.remote_approved_by,
  };
}

/** The case references of the requests with these ids (null when a request has none; absent ids left out). */
export async function findCaseReferences(
  db: Kysely<Database>,
  ids: readonly string[],
): Promise<Map<string, string | null>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('requests')
    .select(['id', 'case_reference'])
    .where('id', 'in', [...ids])
    .execute();
  return new Map(rows.map((row) => [row.id, row.case_reference]));
}

/**
 * Inserts a draft and reads it back as stored, with the directory stamp its validation needs
 * (states.repository.ts), in one statement.
 */
export async function insertRequest(
  db: Kysely<Database>,
  write: RequestWrite & Readonly<{ createdBy: string; now: Date }>,
): Promise<StoredRequest & Readonly<{ directoryStamp: string }>> {
  const [row] = await insertDraft(db, {
    type: write.type,
    content: JSON.stringify(write.content),
    caseReference: write.caseReference,
    requestedState: write.requestedState,
    createdBy: write.createdBy,
    now: write.now,
  });
  if (row === undefined) throw new Error('the new draft was not returned');
  return { ...toStoredRequest(row), directoryStamp: row.directory_stamp };
}

// Every new draft runs it (compiled-once.ts).
const insertDraft = compiledOnce(
  (
    db,
    value: ValueOf<{
      type: string;
      content: string;
      caseReference: string | null;
      requestedState: string | null;
      createdBy: string;
      now: Date;
    }>,
  ) =>
    db
      .with('inserted', (cte) =>
        cte
          .insertInto('requests')
          .values({
            type: value('type'),
            status: 'draft',
            content: value('content'),
            case_reference: value('caseReference'),
            requested_state: value('requestedState'),
            created_by: value('createdBy'),
            created_at: value('now'),
            updated_at: value('now'),
          })
          .returning(REQUEST_COLUMNS),
      )
      .selectFrom('inserted')
      .innerJoin('users', 'users.id', 'inserted.created_by')
      .select(REQUEST_COLUMNS.map((column) => `inserted.${column}` as const))
      .select(['users.username', 'users.display_name', directoryStampExpression().as('directory_stamp')]),
);

// Most requests to the API read a request by its id (compiled-once.ts).
export const selectRequestById = compiledOnce((db, value: ValueOf<{ id: string }>) =>
  selectRequests(db).where('requests.id', '=', value('id')),
);

export async function findRequestById(db: Kysely<Database>, id: string): Promise<StoredRequest | undefined> {
  const [row] = await selectRequestById(db, { id });
  return row ? toStoredRequest(row) : undefined;
}

/** The part of a filter that says whose requests a person may list (their access scope). */
export type RequestScopeFilter = Pick<
  RequestListFilter,
  'createdBy' | 'isIncludingIncoming' | 'isIncomingOnly' | 'pointOfContactTypes'
>;

/**
 * What a filter's `createdBy` keeps: that person's requests (and every incoming one if asked, and
 * the outgoing ones of `pointOfContactTypes` that are not drafts); `isIncomingOnly`: the incoming
 * ones alone.
 */
export function authorScope(filter: RequestScopeFilter) {
  return (eb: ExpressionBuilder<Database, 'requests'>): Expression<SqlBool> => {
    const { createdBy, pointOfContactTypes } = filter;
    if (filter.isIncomingOnly) return eb('requests.direction', '=', 'incoming');
    if (createdBy === undefined) return eb.lit(true);
    const kept = [eb('requests.created_by', '=', createdBy)];
    if (filter.isIncludingIncoming) kept.push(eb('requests.direction', '=', 'incoming'));
    if (pointOfContactTypes !== undefined && pointOfContactTypes.length > 0) {
      kept.push(
        eb.and([
          eb('requests.direction', '=', 'outgoing'),
          eb('requests.status', '!=', 'draft'),
          eb('requests.type', 'in', [...pointOfContactTypes]),
        ]),
      );
    }
    return kept.length === 1 ? kept[0]! : eb.or(kept);
  };
}

/** The filter's rows, whatever page: its scope, direction, type, status and search. */
function filteredRequests(db: Kysely<Database>, filter: RequestListFilter) {
  let query = db.selectFrom('requests').where(authorScope(filter));
  if (filter.direction !== undefined) query = query.where('requests.direction', '=', filter.direction);
  if (filter.type !== undefined) query = query.where('requests.type', '=', filter.type);
  if (filter.status !== undefined) query = query.where('requests.status', '=', filter.status);
  const search = filter.search?.trim();
  if (search) {
    query = query.where((eb) =>
      eb.or([
        eb('requests.case_reference', 'ilike', containing(search)),
        eb(sql<string>`requests.id::text`, 'like', identifierStart(search)),
      ]),
    );
  }
  return query;
}

/** A case that has not ended: no case status yet (a draft), or one that is not terminal. */
function isOpenCase(terminalStatuses: readonly string[]) {
  return (eb: ExpressionBuilder<Database, 'requests'>): Expression<SqlBool> =>
    eb.or([
      eb('requests.case_status', 'is', null),
      eb('requests.case_status', 'not in', [...terminalStatuses]),
    ]);
}

/**
 * One page of the requests a filter keeps, most recently updated first (ties by id), after
 * `after` when given; with the count of the filter's cases that have not ended.
 */
export async function listRequestsPage(
  db: Kysely<Database>,
  filter: RequestListFilter &
    Readonly<{ limit: number; after?: RequestListCursor; terminalStatuses: readonly string[] }>,
): Promise<RequestListPage> {
  let query = filteredRequests(db, filter)
    .innerJoin('users', 'users.id', 'requests.created_by')
    .select(REQUEST_COLUMNS.map((column) => `requests.${column}` as const))
    .select([
      'users.username',
      'users.display_name',
      sql<string>`to_char(requests.updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as(
        'updated_at_exact',
      ),
    ]);
  if (filter.isOpen !== undefined) {
    const open = isOpenCase(filter.terminalStatuses);
    query = query.where((eb) => (filter.isOpen ? open(eb) : eb.not(open(eb))));
  }
  const { after } = filter;
  if (after) {
    const at = sql<Date>`${after.updatedAt}::timestamptz`;
    query = query.where((eb) =>
      eb.or([
        eb('requests.updated_at', '<', at),
        eb.and([eb('requests.updated_at', '=', at), eb('requests.id', '>', after.id)]),
      ]),
    );
  }
  const [rows, counted] = await Promise.all([
    query
      .orderBy('requests.updated_at', 'desc')
      .orderBy('requests.id')
      .limit(filter.limit + 1)
      .execute(),
    filteredRequests(db, filter)
      .where(isOpenCase(filter.terminalStatuses))
      .select((eb) => eb.fn.countAll<string>().as('count'))
      .executeTakeFirstOrThrow(),
  ]);
  const page = rows.slice(0, filter.limit);
  const last = page.at(-1);
  return {
    rows: page.map(toStoredRequest),
    next: rows.length > filter.limit && last ? { updatedAt: last.updated_at_exact, id: last.id } : undefined,
    openCount: Number(counted.count),
  };
}

/**
 * Replaces the content of a draft whose revision is still `expectedRevision`, and bumps the
 * revision. Returns false (and changes nothing) when the row is gone, no longer a draft, or was
 * changed meanwhile.
 */
export async function updateDraftContent(
  db: Kysely<Database>,
  id: string,
  expectedRevision: number,
  write: RequestWrite & Readonly<{ now: Date }>,
): Promise<boolean> {
  const result = await db
    .updateTable('requests')
    .set((eb) => ({
      type: write.type,
      content: JSON.stringify(write.content),
      case_reference: write.caseReference,
      requested_state: write.requestedState,
      revision: eb('revision', '+', 1),
      updated_at: write.now,
    }))
    .where('id', '=', id)
    .where('status', '=', 'draft')
    .where('revision', '=', expectedRevision)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Deletes a draft still at `expectedRevision`; false when nothing matched. */
export async function deleteDraftRow(
  db: Kysely<Database>,
  id: string,
  expectedRevision: number,
): Promise<boolean> {
  const result = await db
    .deleteFrom('requests')
    .where('id', '=', id)
    .where('status', '=', 'draft')
    .where('revision', '=', expectedRevision)
    .executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}
