/**
 * Evidence items of a case, on the requested (executing) side: who may attach and read them, the
 * upload's start and end (the parts in between are the upload store's: evidence-upload-store.ts),
 * the chain of custody of each item, downloads (sensitive items only with evidence:read-sensitive
 * and a reason, both recorded), deletion and retention. docs/evidence.md.
 */
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { z } from 'zod';
import type { AppContext } from '../app-context.ts';
import { AppError } from '../core/errors.ts';
import { findUnstorableTexts, refuseUnstorableTexts } from '../core/storable-text.ts';
import { UUID_PATTERN } from '../core/ids.ts';
import { openAtRest } from '../evidence/at-rest.ts';
import {
  type CustodyChainCheck,
  type CustodyEvent,
  checkCustodyChain,
  custodyEventHash,
} from '../evidence/custody-chain.ts';
import { type Actor, can, evidenceAccessOf } from '../policies/access.ts';
import {
  type CustodyEventWrite,
  type CustodyHasher,
  type EvidenceItemChange,
  findEvidenceItem,
  insertEvidenceItem,
  listCustodyEvents,
  type HeldEvidenceItem,
  listEvidenceItems,
  listHeldEvidenceItems,
  recordCustody,
  type StoredCustodyEvent,
  type StoredEvidenceItem,
} from '../storage/evidence.repository.ts';
import { findRequestById, type StoredRequest } from '../storage/requests.repository.ts';
import { findDisplayNames } from '../storage/users.repository.ts';
import { peerStateLookupOf } from './case-view.ts';

/** Where an item's files live: <evidence dir>/items/<id>.sealed, <evidence dir>/uploads/<id>/. */
export function evidencePaths(context: AppContext) {
  const root = context.config.evidence.directory;
  return {
    root,
    items: path.join(root, 'items'),
    uploads: path.join(root, 'uploads'),
    itemFile: (storageKey: string) => path.join(root, 'items', storageKey),
    uploadDirectory: (id: string) => path.join(root, 'uploads', id),
  };
}

const Text = (max: number) => z.string().trim().min(1).max(max);

/** What an upload says about its item (tus Upload-Metadata, each value base64 in the header). */
export const EvidenceUploadMetadataSchema = z
  .object({
    filename: Text(255).describe("the file's name"),
    filetype: Text(255).optional().describe('its media type; default application/octet-stream'),
    description: z.string().trim().max(4000).optional(),
    sensitive: z.enum(['true', 'false']).optional().describe('true: child sexual abuse material'),
    retentionUntil: z.iso.date().optional().describe('YYYY-MM-DD: kept until then, then due for deletion'),
    what: Text(2000).optional().describe('acquisition: what was acquired'),
    fromWhom: Text(500).optional().describe('acquisition: from whom (a provider, a person)'),
    when: Text(100)
      .optional()
      .describe(
        'acquisition: when (ISO 8601 with its UTC offset, as the web form sends it; other text is kept as given)',
      ),
    how: Text(2000).optional().describe('acquisition: how (tool, method)'),
    byWhom: Text(500).optional().describe('acquisition: by whom'),
    legalBasis: Text(1000).optional().describe('acquisition: the legal basis (an order, an article)'),
  })
  .strip();
export type EvidenceUploadMetadata = z.infer<typeof EvidenceUploadMetadataSchema>;

/** How far ahead of this node's clock an acquisition time may be (the uploader's clock may run fast). */
const ACQUISITION_CLOCK_SKEW_MS = 5 * 60 * 1000;

/**
 * Upload-Metadata decoded ({ key: value or null }) -> the item's metadata, or invalid-input. An
 * acquisition time given as an ISO 8601 moment cannot be later than `now`: evidence is not
 * acquired in the future (free text is kept as given).
 */
export function parseEvidenceUploadMetadata(metadata: Record<string, string | null | undefined>, now: Date) {
  const present = Object.fromEntries(
    Object.entries(metadata).filter(([, value]) => typeof value === 'string'),
  );
  refuseUnstorableTexts(findUnstorableTexts(present, 'metadata'));
  const parsed = EvidenceUploadMetadataSchema.safeParse(present);
  if (!parsed.success) {
    throw new AppError(
      'invalid-input',
      'the upload metadata is not valid',
      parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
    );
  }
  const when = parsed.data.when;
  const moment = when !== undefined && /^\d{4}-\d{2}-\d{2}T/.test(when) ? Date.parse(when) : Number.NaN;
  if (moment > now.getTime() + ACQUISITION_CLOCK_SKEW_MS) {
    throw new AppError('invalid-input', `the acquisition time ${when} is later than now`, [
      { path: 'metadata.when', message: 'evidence cannot be acquired after the moment of its upload' },
    ]);
  }
  return parsed.data;
}

function notFound(what: string): AppError {
  return new AppError('not-found', `no ${what}`);
}

/** The request, if the actor may see its evidence (upload: also attach to it); otherwise not-found or forbidden. */
export async function findEvidenceRequest(
  context: AppContext,
  actor: Actor,
  requestId: string,
  need: 'upload' | 'read',
): Promise<StoredRequest> {
  if (!UUID_PATTERN.test(requestId)) throw notFound(`request ${requestId}`);
  const request = await findRequestById(context.db, requestId);
  const access = request ? evidenceAccessOf(actor, request) : 'none';
  if (!request || access === 'none') throw notFound(`request ${requestId}`);
  // Evidence is attached by the executing side only: a request sent from here has no uploads.
  if (need === 'upload' && request.direction !== 'incoming') throw notFound(`request ${requestId}`);
  if (need === 'upload' && access !== 'upload') {
    throw new AppError('forbidden', 'your roles do not allow evidence:upload');
  }
  return request;
}

async function findItemOf(
  context: AppContext,
  actor: Actor,
  requestId: string,
  itemId: string,
  need: 'upload' | 'read',
): Promise<StoredEvidenceItem> {
  await findEvidenceRequest(context, actor, requestId, need);
  const item = UUID_PATTERN.test(itemId) ? await findEvidenceItem(context.db, itemId) : undefined;
  if (!item || item.requestId !== requestId) throw notFound(`evidence item ${itemId}`);
  return item;
}

/** The item an upload (its tus id is the item's id) adds to, while it is still uploading. */
export async function findUploadingItem(
  context: AppContext,
  actor: Actor,
  requestId: string,
  itemId: string,
): Promise<StoredEvidenceItem> {
  const item = await findItemOf(context, actor, requestId, itemId, 'upload');
  if (item.status !== 'uploading') {
    throw new AppError('invalid-state', `evidence item ${itemId} is ${item.status}; its upload is over`);
  }
  return item;
}

/** What the upload store keeps beside the parts of an upload (state.json). */
export type UploadState = {
  itemId: string;
  size: number;
  offset: number;
  /** The sealed parts, in order; each holds `length` bytes of plaintext. */
  parts: { file: string; length: number }[];
  actor: { id: string; name: string };
};

/** Records a new item (status uploading). The upload store writes its first state.json. */
export async function beginEvidenceUpload(
  context: AppContext,
  actor: Actor,
  input: Readonly<{ requestId: string; itemId: string; size: number; metadata: EvidenceUploadMetadata }>,
): Promise<UploadState> {
  await findEvidenceRequest(context, actor, input.requestId, 'upload');
  if (input.size > context.config.evidence.maxBytes) {
    throw new AppError(
      'payload-too-large',
      `evidence items are limited to ${context.config.evidence.maxBytes} bytes`,
    );
  }
  const { metadata } = input;
  await insertEvidenceItem(context.db, {
    id: input.itemId,
    requestId: input.requestId,
    fileName: metadata.filename,
    mediaType: metadata.filetype ?? 'application/octet-stream',
    sizeBytes: input.size,
    description: metadata.description ?? '',
    acquisition: {
      what: metadata.what ?? null,
      fromWhom: metadata.fromWhom ?? null,
      when: metadata.when ?? null,
      how: metadata.how ?? null,
      byWhom: metadata.byWhom ?? null,
      legalBasis: metadata.legalBasis ?? null,
    },
    retentionUntil: metadata.retentionUntil ?? null,
    isSensitive: metadata.sensitive === 'true',
    storageKey: `${input.itemId}.sealed`,
    createdBy: actor.userId,
    createdAt: context.now(),
  });
  return {
    itemId: input.itemId,
    size: input.size,
    offset: 0,
    parts: [],
    actor: { id: actor.userId, name: actor.username },
  };
}

function hasherFor(itemId: string): CustodyHasher {
  return (event, sequence, previousHash) =>
    custodyEventHash({ itemId, sequence, ...event, at: event.at.toISOString() }, previousHash);
}

/** Appends custody events to an item's chain, with the item's change, in one transaction. */
export async function appendCustody(
  context: AppContext,
  itemId: string,
  events: readonly CustodyEventWrite[],
  change?: EvidenceItemChange,
): Promise<void> {
  const isRecorded = await recordCustody(context.db, itemId, events, hasherFor(itemId), change);
  if (!isRecorded) throw notFound(`evidence item ${itemId}`);
}

/** How an item was acquired, as the uploader declared it (null: not said). */
export type Acquisition = Readonly<{
  what: string | null;
  fromWhom: string | null;
  when: string | null;
  how: string | null;
  byWhom: string | null;
  legalBasis: string | null;
}>;

/** An item as the API, the CLI and the web UI show it. */
export type EvidenceItemView = Readonly<{
  id: string;
  requestId: string;
  fileName: string;
  mediaType: string;
  sizeBytes: number;
  sha256: string | null;
  description: string;
  acquisition: Acquisition;
  retentionUntil: string | null;
  isDueForDeletion: boolean;
  isSensitive: boolean;
  status: StoredEvidenceItem['status'];
  createdAt: string;
  storedAt: string | null;
  deletedAt: string | null;
  custody: Readonly<{ lastEvent: string | null; eventCount: number; chain: CustodyChainCheck }>;
}>;

export type CustodyEventView = Readonly<{
  id: string;
  sequence: number;
  kind: string;
  /**
   * As recorded (the account's id and login, or another node's name), with the account's display
   * name now, read beside the chain (not part of what its hashes cover); null for another node.
   */
  actor: Readonly<{ id: string | null; name: string; displayName: string | null }>;
  at: string;
  details: unknown;
  previousHash: string | null;
  hash: string;
}>;

function toCustodyEvent(event: StoredCustodyEvent): CustodyEvent {
  return { ...event, at: event.at.toISOString() };
}

function isDue(item: StoredEvidenceItem, now: Date): boolean {
  return (
    item.status === 'stored' &&
    item.retentionUntil !== null &&
    item.retentionUntil < now.toISOString().slice(0, 10)
  );
}

function toView(
  item: StoredEvidenceItem,
  events: readonly StoredCustodyEvent[],
  now: Date,
): EvidenceItemView {
  return {
    id: item.id,
    requestId: item.requestId,
    fileName: item.fileName,
    mediaType: item.mediaType,
    sizeBytes: item.sizeBytes,
    sha256: item.sha256,
    description: item.description,
    acquisition: item.acquisition as Acquisition,
    retentionUntil: item.retentionUntil,
    isDueForDeletion: isDue(item, now),
    isSensitive: item.isSensitive,
    status: item.status,
    createdAt: item.createdAt.toISOString(),
    storedAt: item.storedAt?.toISOString() ?? null,
    deletedAt: item.deletedAt?.toISOString() ?? null,
    custody: {
      lastEvent: events.at(-1)?.kind ?? null,
      eventCount: events.length,
      chain: checkCustodyChain(events.map(toCustodyEvent)),
    },
  };
}

/** The evidence items of a request with the state of their chain of custody. */
export async function listEvidence(
  context: AppContext,
  actor: Actor,
  requestId: string,
): Promise<EvidenceItemView[]> {
  await findEvidenceRequest(context, actor, requestId, 'read');
  return viewsOf(context, await listEvidenceItems(context.db, requestId), context.now());
}

/** Items as the API shows them, their custody events read in one statement for all. */
async function viewsOf(
  context: AppContext,
  items: readonly StoredEvidenceItem[],
  now: Date,
): Promise<EvidenceItemView[]> {
  const events = await listCustodyEvents(
    context.db,
    items.map((item) => item.id),
  );
  const byItem = Map.groupBy(events, (event) => event.itemId);
  return items.map((item) => toView(item, byItem.get(item.id) ?? [], now));
}

/** One item, its custody timeline and the result of checking the chain. */
export async function getEvidence(
  context: AppContext,
  actor: Actor,
  requestId: string,
  itemId: string,
): Promise<EvidenceItemView & Readonly<{ timeline: CustodyEventView[] }>> {
  const item = await findItemOf(context, actor, requestId, itemId, 'read');
  const events = await listCustodyEvents(context.db, [item.id]);
  const displayNames = await findDisplayNames(
    context.db,
    events.flatMap((event) => (event.actor.id === null ? [] : [event.actor.id])),
  );
  return {
    ...toView(item, events, context.now()),
    timeline: events.map((event) => {
      const recorded = toCustodyEvent(event);
      const displayName = event.actor.id === null ? null : (displayNames.get(event.actor.id) ?? null);
      return { ...recorded, actor: { ...recorded.actor, displayName } };
    }),
  };
}

/**
 * The decrypted bytes of a stored item, after recording `downloaded` (with the reason, if any).
 * A sensitive item needs evidence:read-sensitive and a reason.
 */
export async function openEvidenceContent(
  context: AppContext,
  actor: Actor,
  requestId: string,
  itemId: string,
  reason: string | undefined,
): Promise<Readonly<{ item: StoredEvidenceItem; content: Readable }>> {
  const item = await findItemOf(context, actor, requestId, itemId, 'read');
  const trimmedReason = reason?.trim() || undefined;
  if (item.isSensitive) {
    if (!can(actor, 'evidence:read-sensitive')) {
      throw new AppError(
        'forbidden',
        'this item is sensitive: your roles do not allow evidence:read-sensitive',
      );
    }
    if (!trimmedReason) {
      throw new AppError('invalid-input', 'this item is sensitive: give the reason for this access', [
        { path: 'reason', message: 'required for a sensitive item' },
      ]);
    }
  }
  if (item.status !== 'stored') {
    throw new AppError(
      'invalid-state',
      `evidence item ${itemId} is ${item.status}; it has no content to download`,
    );
  }
  const file = evidencePaths(context).itemFile(item.storageKey);
  const sealed = createReadStream(file);
  await new Promise<void>((resolve, reject) => {
    sealed.once('open', () => resolve());
    sealed.once('error', reject);
  });
  await appendCustody(context, item.id, [
    {
      kind: 'downloaded',
      actor: { id: actor.userId, name: actor.username },
      at: context.now(),
      details: trimmedReason ? { reason: trimmedReason } : {},
    },
  ]);
  return { item, content: sealed.pipe(openAtRest(evidencePaths(context).root)) };
}

/** Deletes an item's bytes and records `deleted` with the reason; the item and its chain stay. */
export async function deleteEvidence(
  context: AppContext,
  actor: Actor,
  requestId: string,
  itemId: string,
  reason: string,
): Promise<EvidenceItemView> {
  const item = await findItemOf(context, actor, requestId, itemId, 'read');
  if (item.status === 'deleted')
    throw new AppError('invalid-state', `evidence item ${itemId} is already deleted`);
  const paths = evidencePaths(context);
  await appendCustody(
    context,
    item.id,
    [
      {
        kind: 'deleted',
        actor: { id: actor.userId, name: actor.username },
        at: context.now(),
        details: { reason, sha256: item.sha256, wasComplete: item.status === 'stored' },
      },
    ],
    { kind: 'deleted', at: context.now() },
  );
  await rm(paths.itemFile(item.storageKey), { force: true });
  await rm(paths.uploadDirectory(item.id), { recursive: true, force: true });
  const deleted = await getEvidence(context, actor, requestId, itemId);
  const { timeline: _timeline, ...view } = deleted;
  return view;
}

/** What the register lists: GET /api/v1/evidence's filters. */
export type EvidenceRegisterQuery = Readonly<{
  status?: StoredEvidenceItem['status'];
  /** Only stored items past their retention date. */
  due?: boolean;
  direction?: 'incoming' | 'outgoing';
  /**
   * Text the request's case reference or the file name contains (any case), or the start of the
   * item's id or of its SHA-256.
   */
  q?: string;
  /** The `nextCursor` of the page shown: the page after it. */
  cursor?: string;
  /** The older name of `cursor`, still understood. */
  before?: string;
  limit?: number;
}>;

/** An item of the register: the item as the API shows it, and the request it belongs to. */
export type EvidenceRegisterItem = EvidenceItemView &
  Readonly<{
    request: HeldEvidenceItem['request'] &
      Readonly<{
        id: string;
        /** The State of the node the request came from or went to, as the directory names it. */
        peerState: string | null;
      }>;
  }>;

export const REGISTER_PAGE_SIZE = 100;

/**
 * The evidence the node holds, across requests, newest first, a page at a time (evidence:read,
 * which the route requires): items attached here to requests received, and items received with
 * the packages of requests sent from here, each with the state of its chain of custody.
 */
export async function listEvidenceRegister(
  context: AppContext,
  query: EvidenceRegisterQuery,
): Promise<
  Readonly<{ items: EvidenceRegisterItem[]; nextCursor: string | null; nextBefore: string | null }>
> {
  const limit = query.limit ?? REGISTER_PAGE_SIZE;
  const after = await registerCursorOf(context, query);
  const now = context.now();
  const search = query.q?.trim();
  // One more than the page: whether there is a page after it.
  const found = await listHeldEvidenceItems(
    context.db,
    {
      ...(query.status ? { status: query.status } : {}),
      ...(query.due ? { retainedBefore: now.toISOString().slice(0, 10) } : {}),
      ...(query.direction ? { direction: query.direction } : {}),
      ...(search ? { search } : {}),
      ...(after ? { beforeItemId: after } : {}),
    },
    limit + 1,
  );
  const page = found.slice(0, limit);
  const views = await viewsOf(context, page, now);
  const stateOfNode = peerStateLookupOf(context);
  const items = page.map((item, index) => ({
    ...(views[index] as EvidenceItemView),
    request: { id: item.requestId, ...item.request, peerState: stateOfNode(item.request.peerNodeId) },
  }));
  const next = found.length > limit ? (page.at(-1)?.id ?? null) : null;
  return { items, nextCursor: next, nextBefore: next };
}

/**
 * Where the page asked starts: after the item the cursor names (its id, which the register
 * answered as nextCursor), whose time and id the query compares exactly; or the first page.
 * A cursor that names no item of this node is invalid input, named by the parameter given.
 */
async function registerCursorOf(
  context: AppContext,
  query: EvidenceRegisterQuery,
): Promise<string | undefined> {
  const name = query.cursor !== undefined ? 'cursor' : 'before';
  const given = query.cursor ?? query.before;
  if (given === undefined) return undefined;
  const refuse = (message: string, detail: string): never => {
    throw new AppError('invalid-input', message, [
      {
        path: `querystring.${name}`,
        pointer: `/${name}`,
        in: 'querystring',
        message: detail,
        code: 'invalid-value',
      },
    ]);
  };
  if (query.cursor !== undefined && query.before !== undefined && query.cursor !== query.before) {
    refuse('give the next page as cursor alone (before is its older name)', 'not the same page as before');
  }
  const last = UUID_PATTERN.test(given) ? await findEvidenceItem(context.db, given) : undefined;
  if (!last) {
    refuse(
      `no evidence item ${given}: the cursor is not one this register gave, start again from the first page`,
      'not an evidence item of this node',
    );
  }
  return given;
}
