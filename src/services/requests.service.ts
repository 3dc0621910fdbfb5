/**
 * Drafting requests: create, list, read, update and delete drafts, and say what validation finds
 * in them. Who may see and change a request is decided by src/policies/access.ts; this module
 * applies it so that a request the actor may not read is reported as not found (its existence
 * does not leak), one the actor may read but not change is forbidden, and a request that is no
 * longer a draft cannot be changed at all.
 *
 * Every change is conditional on the revision the caller last saw (optimistic concurrency): a
 * stale revision is a conflict and nothing is written.
 */
import {
  type AwaitingAnswer,
  awaitingAnswerOf,
  caseCatalogueFrom,
  TERMINAL_STATUSES,
} from '../core/case/case-model.ts';
import { AppError } from '../core/errors.ts';
import { findUnstorableTexts, refuseUnstorableTexts } from '../core/storable-text.ts';
import type { Locale } from '../core/i18n.ts';
import { type RequestContent, RequestContentSchema, type RequestTypeId } from '../core/request/draft.ts';
import type { Finding } from '../core/validation/finding.ts';
import { isReady, validateDraft } from '../core/validation/validate-draft.ts';
import type { AppContext } from '../app-context.ts';
import { type Actor, requestScopeOf } from '../policies/access.ts';
import {
  deleteDraftRow,
  findRequestById,
  insertRequest,
  listRequestsPage,
  type RequestListCursor,
  type RequestWrite,
  type StoredRequest,
  updateDraftContent,
} from '../storage/requests.repository.ts';
import { findRequestAwaitingDecision, type PendingDecision } from '../storage/approvals.repository.ts';
import { listCaseEventsOf } from '../storage/case-events.repository.ts';
import { findFirstInboxMessageOfCase } from '../storage/inbox.repository.ts';
import { caseOfRecord } from '../federation/messages/case-message.ts';
import { findFirstMessageOfCase } from '../storage/outbox.repository.ts';
import {
  caseStatusOf,
  loadCase,
  peerStateLookupOf,
  peerStateOf,
  transitionsFor,
  waitingResponseOf,
} from './case-view.ts';
import { loadDirectoryView } from './directory.service.ts';
import { accessTo, scopeFilterOf } from './request-access.ts';
import { UUID_PATTERN } from '../core/ids.ts';

/** The status a request has while its author may still change it. */
export const DRAFT_STATUS = 'draft';

/** A request as the API, the CLI and the formal document see it. Times are ISO 8601 (UTC). */
export type RequestView = Readonly<{
  id: string;
  type: RequestTypeId;
  status: string;
  /** Starts at 1, grows by one on every change; clients send it back in If-Match. */
  revision: number;
  caseReference: string | null;
  /** ISO 3166-1 alpha-2 code of the requested State, upper case, when the draft names one. */
  requestedState: string | null;
  content: RequestContent;
  createdBy: Readonly<{ id: string; username: string }>;
  createdAt: string;
  updatedAt: string;
  /** 'outgoing' (drafted at this node) or 'incoming' (sent by another State's node). */
  direction: 'outgoing' | 'incoming';
  /** The node it was sent to (outgoing) or received from (incoming). */
  peerNodeId: string | null;
  /** The State of that node, as the directory of nodes names it (null: no node, or not listed). */
  peerState: string | null;
  /** The sending node's id of an incoming request. */
  remoteRequestId: string | null;
  /** Of a sent request: pending, delivered, failed or cancelled; null for drafts and incoming ones. */
  deliveryState: string | null;
  /** When an incoming request arrived. */
  receivedAt: string | null;
  /** The status of its case (docs/case-lifecycle.md), the same on both nodes. */
  caseStatus: string;
  /** The message that carried the request and its receipt (read of one request only). */
  delivery: DeliveryView | null;
  /** The transitions of its case the actor may make now (read of one request only). */
  availableTransitions: string[];
}>;

/**
 * Delivery of the message that carried a request: for an outgoing request, its attempts and the
 * receipt the receiving node signed; for an incoming one, the receipt this node signed.
 */
export type DeliveryView = Readonly<{
  messageId: string;
  state: string;
  attempts: number | null;
  lastAttemptAt: string | null;
  nextAttemptAt: string | null;
  /** Why the last attempt failed, in words a person can act on. */
  lastError: string | null;
  /** base64url SHA-256 of the message as sent; the receipt is about these bytes. */
  digest: string;
  /** The signed receipt (compact JWS), once there is one. */
  receipt: string | null;
  receiptReceivedAt: string | null;
}>;

/** A request in a list: everything but its content and delivery details. */
export type RequestSummary = Omit<RequestView, 'content' | 'delivery' | 'availableTransitions'>;

/** A request as the list of requests shows it: its summary and what its case waits for. */
export type RequestListItem = RequestSummary &
  Readonly<{
    /**
     * The requested side's conditions or questions that wait for the requesting side's answer (the
     * case view's `awaitingAnswer` kind); null when nothing waits.
     */
    awaitingAnswer: AwaitingAnswer['kind'] | null;
  }>;

/** What validation says about a content, in one language. */
export type FindingsReport = Readonly<{
  findings: Finding[];
  /** True when no finding is blocking: the request may leave the node. */
  isReady: boolean;
}>;

export type RequestListFilters = Readonly<{
  type?: RequestTypeId;
  status?: string;
  direction?: 'outgoing' | 'incoming';
  /** Text the case reference contains (any case), or the start of the request's id. */
  q?: string;
  /** Only the cases that have not ended, or only those that have. */
  open?: 'true' | 'false';
  /** How many requests a page holds (default REQUEST_LIST_PAGE_SIZE). */
  limit?: number;
  /** The `nextCursor` of the page before. */
  cursor?: string;
}>;

/** How many requests a page of the list holds unless the caller asks for another number. */
export const REQUEST_LIST_PAGE_SIZE = 100;

/** A page of the requests list: the items, where the next page starts, and the filter's open cases. */
export type RequestListPageView = Readonly<{
  items: RequestListItem[];
  nextCursor: string | null;
  openCount: number;
}>;

/** The opaque text a client sends back for the next page. */
function encodeListCursor(cursor: RequestListCursor): string {
  return Buffer.from(JSON.stringify([cursor.updatedAt, cursor.id])).toString('base64url');
}

const LIST_CURSOR = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/** The cursor a client sent back; a text this node did not make is invalid input. */
function decodeListCursor(text: string): RequestListCursor {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    decoded = undefined;
  }
  if (
    Array.isArray(decoded) &&
    decoded.length === 2 &&
    typeof decoded[0] === 'string' &&
    LIST_CURSOR.test(decoded[0]) &&
    !Number.isNaN(Date.parse(decoded[0])) &&
    typeof decoded[1] === 'string' &&
    UUID_PATTERN.test(decoded[1])
  ) {
    return { updatedAt: decoded[0], id: decoded[1] };
  }
  throw new AppError(
    'invalid-input',
    'the cursor is not one this node gave: start again from the first page',
    [{ path: 'cursor', message: 'not a nextCursor of this list' }],
  );
}

function toRequestView(
  context: AppContext,
  stored: StoredRequest,
  delivery: DeliveryView | null = null,
  availableTransitions: string[] = [],
): RequestView {
  return {
    ...toRequestSummary(stored, peerStateOf(context, stored.peerNodeId)),
    // Stored content was checked against RequestContentSchema when it was written.
    content: stored.content as RequestContent,
    delivery,
    availableTransitions,
  };
}

/** The request as one read shows it: its delivery, and its case as it is now for the actor. */
async function fullRequestView(
  context: AppContext,
  actor: Actor,
  stored: StoredRequest,
): Promise<RequestView> {
  const { case: current } = await loadCase(context, stored);
  const view = toRequestView(
    context,
    stored,
    await findDelivery(context, stored),
    transitionsFor(context, actor, stored, current, (await waitingResponseOf(context, stored)) !== undefined),
  );
  return { ...view, caseStatus: current.status };
}

/** The delivery of the message that carried the request, if it left or arrived by federation. */
async function findDelivery(context: AppContext, stored: StoredRequest): Promise<DeliveryView | null> {
  if (stored.direction === 'incoming') {
    if (!stored.peerNodeId || !stored.remoteRequestId) return null;
    const received = await findFirstInboxMessageOfCase(context.db, stored.peerNodeId, stored.remoteRequestId);
    if (!received) return null;
    return {
      messageId: received.id,
      state: 'delivered',
      attempts: null,
      lastAttemptAt: null,
      nextAttemptAt: null,
      lastError: null,
      digest: received.digest,
      receipt: received.receipt,
      receiptReceivedAt: received.receivedAt.toISOString(),
    };
  }
  if (stored.deliveryState === null) return null;
  const message = await findFirstMessageOfCase(context.db, stored.id);
  if (!message) return null;
  return {
    messageId: message.id,
    state: message.status,
    attempts: message.attempts,
    lastAttemptAt: message.lastAttemptAt?.toISOString() ?? null,
    nextAttemptAt: message.status === 'pending' ? message.nextAttemptAt.toISOString() : null,
    lastError: message.lastError,
    digest: message.digest,
    receipt: message.receipt,
    receiptReceivedAt: message.receiptReceivedAt?.toISOString() ?? null,
  };
}

function toRequestSummary(stored: StoredRequest, peerState: string | null): RequestSummary {
  return {
    id: stored.id,
    type: stored.type as RequestTypeId,
    status: stored.status,
    revision: stored.revision,
    caseReference: stored.caseReference,
    requestedState: stored.requestedState,
    createdBy: stored.createdBy,
    createdAt: stored.createdAt.toISOString(),
    updatedAt: stored.updatedAt.toISOString(),
    direction: stored.direction,
    peerNodeId: stored.peerNodeId,
    peerState,
    remoteRequestId: stored.remoteRequestId,
    deliveryState: stored.deliveryState,
    receivedAt: stored.receivedAt?.toISOString() ?? null,
    caseStatus: caseStatusOf(stored),
  };
}

function notFound(id: string): AppError {
  return new AppError('not-found', `no request ${id}`);
}

function trimmedOrNull(value: string | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

/**
 * Checks the content against the schema (the HTTP layer already did; the CLI and other callers
 * may not have) and derives the columns that lists filter on.
 */
function toRequestWrite(content: unknown): RequestWrite {
  const parsed = RequestContentSchema.safeParse(content);
  if (!parsed.success) {
    const details = parsed.error.issues.map((issue) => ({
      path: ['body', ...issue.path.map(String)].join('.'),
      message: issue.message,
    }));
    throw new AppError('invalid-input', details.map((d) => `${d.path}: ${d.message}`).join('; '), details);
  }
  const checked = parsed.data;
  refuseUnstorableTexts(findUnstorableTexts(checked, 'body'));
  return {
    type: checked.type,
    content: checked,
    caseReference: trimmedOrNull(checked.caseReference),
    requestedState: trimmedOrNull(checked.requestedAuthority?.state)?.toUpperCase() ?? null,
  };
}

/** What `read` finds for request `id`, if the actor may read that request; otherwise not-found. */
async function readIfReadable<T>(
  context: AppContext,
  actor: Actor,
  id: string,
  read: () => Promise<T | undefined>,
  requestOf: (found: T) => StoredRequest,
): Promise<T> {
  if (!UUID_PATTERN.test(id)) throw notFound(id);
  const found = await read();
  if (found === undefined || accessTo(context, actor, requestOf(found)) === 'none') throw notFound(id);
  return found;
}

/** The stored request, if it exists and the actor may read it; otherwise not-found. */
export function findReadableRequest(context: AppContext, actor: Actor, id: string): Promise<StoredRequest> {
  return readIfReadable(
    context,
    actor,
    id,
    () => findRequestById(context.db, id),
    (stored) => stored,
  );
}

/** The stored request, if the actor may change it now at `expectedRevision` (when given). */
async function findEditableDraft(
  context: AppContext,
  actor: Actor,
  id: string,
  expectedRevision: number | undefined,
): Promise<StoredRequest> {
  const stored = await findReadableRequest(context, actor, id);
  if (accessTo(context, actor, stored) !== 'change') {
    throw new AppError('forbidden', 'only the author of a draft may change it');
  }
  if (stored.status !== DRAFT_STATUS) {
    throw new AppError('invalid-state', `request ${id} is ${stored.status}; only drafts can be changed`);
  }
  if (expectedRevision !== undefined && expectedRevision !== stored.revision) {
    throw staleRevision(id, stored.revision);
  }
  return stored;
}

function staleRevision(id: string, currentRevision: number | undefined): AppError {
  const current = currentRevision === undefined ? '' : ` (it is now at revision ${currentRevision})`;
  return new AppError(
    'conflict',
    `request ${id} was changed by someone else${current}; reload it and try again`,
  );
}

/** Runs validation on a content: the findings in the given language and whether it is ready. */
export async function findingsFor(
  context: AppContext,
  content: RequestContent,
  locale: Locale,
  options: Readonly<{
    /** The directory stamp when the caller read it already (getRequestForDecision). */
    directoryStamp?: string | undefined;
    /** The request has left its sender, received or sent (ValidateDraftOptions.isSent). */
    isSent?: boolean;
  }> = {},
): Promise<FindingsReport> {
  const directory = await loadDirectoryView(context, options.directoryStamp);
  const now = context.now().toISOString();
  const findings = validateDraft(content, context.catalogue, directory, locale, {
    today: now.slice(0, 10),
    now,
    isSent: options.isSent === true,
  });
  return { findings, isReady: isReady(findings) };
}

/**
 * The findings of a stored request. One that has left its sender (received from another State,
 * or sent from here) is read after sending, so advice on what to check before sending is left
 * out (ValidateDraftOptions.isSent); a draft, and one awaiting its approver, keep it.
 */
export function findingsOfRequest(
  context: AppContext,
  request: Pick<RequestView, 'content' | 'direction' | 'status'>,
  locale: Locale,
): Promise<FindingsReport> {
  const isSent =
    request.direction === 'incoming' ||
    (request.status !== 'draft' && request.status !== 'awaiting-approval');
  return findingsFor(context, request.content, locale, { isSent });
}

/**
 * Stores a new draft owned by the actor (the route requires request:draft) and answers it with
 * its findings in the given language.
 */
export async function createDraft(
  context: AppContext,
  actor: Actor,
  content: RequestContent,
  locale: Locale,
): Promise<Readonly<{ request: RequestView }> & FindingsReport> {
  const write = toRequestWrite(content);
  const stored = await insertRequest(context.db, { ...write, createdBy: actor.userId, now: context.now() });
  const request = toRequestView(context, stored);
  return {
    request,
    ...(await findingsFor(context, request.content, locale, { directoryStamp: stored.directoryStamp })),
  };
}

/**
 * A page of the requests the actor may read (requestScopeOf and requestAccessOf,
 * src/policies/access.ts), most recently updated first, with the open cases of the whole filter.
 */
export async function listRequests(
  context: AppContext,
  actor: Actor,
  filters: RequestListFilters = {},
): Promise<RequestListPageView> {
  const after = filters.cursor === undefined ? undefined : decodeListCursor(filters.cursor);
  const scope = requestScopeOf(actor);
  if (scope.kind === 'none') return { items: [], nextCursor: null, openCount: 0 };
  const page = await listRequestsPage(context.db, {
    ...scopeFilterOf(context, scope),
    ...(filters.type ? { type: filters.type } : {}),
    ...(filters.status ? { status: filters.status } : {}),
    ...(filters.direction ? { direction: filters.direction } : {}),
    ...(filters.q?.trim() ? { search: filters.q } : {}),
    ...(filters.open ? { isOpen: filters.open === 'true' } : {}),
    limit: filters.limit ?? REQUEST_LIST_PAGE_SIZE,
    terminalStatuses: TERMINAL_STATUSES,
    ...(after ? { after } : {}),
  });
  const stateOfNode = peerStateLookupOf(context);
  const readable = page.rows.filter((request) => accessTo(context, actor, request) !== 'none');
  const awaiting = await awaitingAnswersOf(context, readable);
  return {
    items: readable.map((request) => ({
      ...toRequestSummary(request, stateOfNode(request.peerNodeId)),
      awaitingAnswer: awaiting.get(request.id) ?? null,
    })),
    nextCursor: page.next ? encodeListCursor(page.next) : null,
    openCount: page.openCount,
  };
}

/**
 * What the cases among `requests` that have a history wait for from the requesting side
 * (conditions or questions), by request id: their histories in one read, folded in memory as the
 * case view folds them. A history that does not replay is reported on the request's own page.
 */
async function awaitingAnswersOf(
  context: AppContext,
  requests: readonly StoredRequest[],
): Promise<Map<string, AwaitingAnswer['kind']>> {
  const withHistory = requests.filter(
    (request) =>
      request.caseStatus !== null && !(TERMINAL_STATUSES as readonly string[]).includes(request.caseStatus),
  );
  const histories = await listCaseEventsOf(
    context.db,
    withHistory.map((request) => request.id),
  );
  const catalogue = caseCatalogueFrom(context.catalogue);
  const awaiting = new Map<string, AwaitingAnswer['kind']>();
  for (const request of withHistory) {
    const folded = caseOfRecord({ request, events: histories.get(request.id) ?? [] }, catalogue);
    const kind = folded.ok ? awaitingAnswerOf(folded.case)?.kind : undefined;
    if (kind) awaiting.set(request.id, kind);
  }
  return awaiting;
}

/** One request the actor may read; not-found otherwise (also for an id that is not a UUID). */
export async function getRequest(context: AppContext, actor: Actor, id: string): Promise<RequestView> {
  const stored = await findReadableRequest(context, actor, id);
  return fullRequestView(context, actor, stored);
}

/**
 * A request about to be decided on (approved and sent), as the actor may read it, with its
 * author's display name, its pending approval and the directory stamp for its validation, read
 * in one statement.
 */
export async function getRequestForDecision(
  context: AppContext,
  actor: Actor,
  id: string,
): Promise<
  Readonly<{
    request: RequestView;
    authorDisplayName: string;
    pendingApproval: PendingDecision | undefined;
    directoryStamp: string;
    /** The actor's display name (empty when they have none). */
    actorDisplayName: string;
  }>
> {
  const read = await readIfReadable(
    context,
    actor,
    id,
    () => findRequestAwaitingDecision(context.db, id, actor.userId),
    (found) => found.stored,
  );
  return {
    request: toRequestView(context, read.stored, await findDelivery(context, read.stored)),
    authorDisplayName: read.stored.authorDisplayName,
    pendingApproval: read.pendingApproval,
    directoryStamp: read.directoryStamp,
    actorDisplayName: read.deciderDisplayName ?? '',
  };
}

/**
 * Replaces a draft's content (its type may change too, since it is still a draft). With
 * `expectedRevision`, refuses with conflict unless the draft is still at that revision.
 */
export async function updateDraft(
  context: AppContext,
  actor: Actor,
  id: string,
  content: RequestContent,
  expectedRevision?: number,
): Promise<RequestView> {
  const write = toRequestWrite(content);
  const stored = await findEditableDraft(context, actor, id, expectedRevision);
  const isUpdated = await updateDraftContent(context.db, id, stored.revision, {
    ...write,
    now: context.now(),
  });
  if (!isUpdated) throw await explainRefusedWrite(context, actor, id);
  return getRequest(context, actor, id);
}

/** Deletes a draft of the actor's (at `expectedRevision` when given). */
export async function deleteDraft(
  context: AppContext,
  actor: Actor,
  id: string,
  expectedRevision?: number,
): Promise<void> {
  const stored = await findEditableDraft(context, actor, id, expectedRevision);
  const isDeleted = await deleteDraftRow(context.db, id, stored.revision);
  if (!isDeleted) throw await explainRefusedWrite(context, actor, id);
}

/** Why a conditional write touched no row: the request changed (or vanished) since it was read. */
async function explainRefusedWrite(context: AppContext, actor: Actor, id: string): Promise<AppError> {
  try {
    const now = await findEditableDraft(context, actor, id, undefined);
    return staleRevision(id, now.revision);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
}
