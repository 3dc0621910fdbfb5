/**
 * All SQL about evidence items and their chain of custody. An event is appended with its item
 * locked (select ... for update), so two events of one item never take the same place in its chain;
 * the caller computes each event's hash from its place (sequence) and the previous event's hash.
 */
import { type Kysely, type Selectable, sql, type Transaction } from 'kysely';
import type { Database, EvidenceCustodyEventsTable, EvidenceItemsTable } from './schema.ts';
import { containing, identifierStart } from './like-patterns.ts';

export type StoredEvidenceItem = Readonly<{
  id: string;
  requestId: string;
  fileName: string;
  mediaType: string;
  sizeBytes: number;
  sha256: string | null;
  description: string;
  acquisition: unknown;
  retentionUntil: string | null;
  isSensitive: boolean;
  storageKey: string;
  status: 'uploading' | 'stored' | 'deleted';
  createdBy: string | null;
  createdAt: Date;
  storedAt: Date | null;
  deletedAt: Date | null;
  packageId: string | null;
}>;

export type StoredCustodyEvent = Readonly<{
  id: string;
  itemId: string;
  sequence: number;
  kind: string;
  actor: Readonly<{ id: string | null; name: string }>;
  at: Date;
  details: unknown;
  previousHash: string | null;
  hash: string;
}>;

/** An event to append; `hashOf` seals it once its place in the chain is known. */
export type CustodyEventWrite = Readonly<{
  kind: string;
  actor: Readonly<{ id: string | null; name: string }>;
  at: Date;
  details: unknown;
}>;
export type CustodyHasher = (
  event: CustodyEventWrite,
  sequence: number,
  previousHash: string | null,
) => string;

function parsedJson(value: unknown): unknown {
  return typeof value === 'string' ? JSON.parse(value) : value;
}

function dateOnly(value: Date | string | null): string | null {
  if (value === null) return null;
  return typeof value === 'string' ? value.slice(0, 10) : value.toISOString().slice(0, 10);
}

function toItem(row: Selectable<EvidenceItemsTable>): StoredEvidenceItem {
  return {
    id: row.id,
    requestId: row.request_id,
    fileName: row.file_name,
    mediaType: row.media_type,
    sizeBytes: Number(row.size_bytes),
    sha256: row.sha256,
    description: row.description,
    acquisition: parsedJson(row.acquisition),
    retentionUntil: dateOnly(row.retention_until),
    isSensitive: row.is_sensitive,
    storageKey: row.storage_key,
    status: row.status as StoredEvidenceItem['status'],
    createdBy: row.created_by,
    createdAt: new Date(row.created_at),
    storedAt: row.stored_at === null ? null : new Date(row.stored_at),
    deletedAt: row.deleted_at === null ? null : new Date(row.deleted_at),
    packageId: row.package_id ?? null,
  };
}

function toEvent(row: Selectable<EvidenceCustodyEventsTable>): StoredCustodyEvent {
  return {
    id: row.id,
    itemId: row.item_id,
    sequence: row.sequence,
    kind: row.kind,
    actor: { id: row.actor_id, name: row.actor_name },
    at: new Date(row.at),
    details: parsedJson(row.details),
    previousHash: row.previous_hash,
    hash: row.hash,
  };
}

export type NewEvidenceItem = Readonly<{
  id: string;
  requestId: string;
  fileName: string;
  mediaType: string;
  sizeBytes: number;
  description: string;
  acquisition: unknown;
  retentionUntil: string | null;
  isSensitive: boolean;
  storageKey: string;
  createdBy: string | null;
  createdAt: Date;
  /** The package it arrived in (requesting side). */
  packageId?: string;
}>;

export async function insertEvidenceItem(db: Kysely<Database>, item: NewEvidenceItem): Promise<void> {
  await db
    .insertInto('evidence_items')
    .values({
      id: item.id,
      request_id: item.requestId,
      file_name: item.fileName,
      media_type: item.mediaType,
      size_bytes: item.sizeBytes,
      description: item.description,
      acquisition: JSON.stringify(item.acquisition),
      retention_until: item.retentionUntil,
      is_sensitive: item.isSensitive,
      storage_key: item.storageKey,
      status: 'uploading',
      created_by: item.createdBy,
      created_at: item.createdAt,
      package_id: item.packageId ?? null,
    })
    .execute();
}

export async function findEvidenceItem(
  db: Kysely<Database>,
  id: string,
): Promise<StoredEvidenceItem | undefined> {
  const row = await db.selectFrom('evidence_items').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toItem(row) : undefined;
}

/** The items of a request, oldest first (deleted ones included: their chain stays). */
export async function listEvidenceItems(
  db: Kysely<Database>,
  requestId: string,
): Promise<StoredEvidenceItem[]> {
  const rows = await db
    .selectFrom('evidence_items')
    .selectAll()
    .where('request_id', '=', requestId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(toItem);
}

/** Which items of the register to list (all when empty). */
export type HeldEvidenceFilter = Readonly<{
  status?: StoredEvidenceItem['status'];
  /** Only stored items whose retention date is before this day (YYYY-MM-DD): due for deletion. */
  retainedBefore?: string;
  /** incoming: attached here to a request received; outgoing: received with a request sent from here. */
  direction?: 'incoming' | 'outgoing';
  /**
   * Text the request's case reference or the file name contains (any case), or the start of the
   * item's id or of its SHA-256.
   */
  search?: string;
  /** Only items older than this one (the last of the page shown). */
  beforeItemId?: string;
}>;

/** An item of the register with the request it belongs to. */
export type HeldEvidenceItem = StoredEvidenceItem &
  Readonly<{
    request: Readonly<{
      type: string;
      caseReference: string | null;
      direction: 'incoming' | 'outgoing';
      peerNodeId: string | null;
    }>;
  }>;

/** The items the node holds across requests, newest first, `limit` at most (deleted ones too). */
export async function listHeldEvidenceItems(
  db: Kysely<Database>,
  filter: HeldEvidenceFilter,
  limit: number,
): Promise<HeldEvidenceItem[]> {
  let query = db
    .selectFrom('evidence_items as item')
    .innerJoin('requests', 'requests.id', 'item.request_id')
    .selectAll('item')
    .select([
      'requests.type as request_type',
      'requests.case_reference as request_case_reference',
      'requests.direction as request_direction',
      'requests.peer_node_id as request_peer_node_id',
    ]);
  if (filter.status) query = query.where('item.status', '=', filter.status);
  if (filter.retainedBefore) {
    query = query
      .where('item.status', '=', 'stored')
      .where('item.retention_until', '<', filter.retainedBefore);
  }
  if (filter.direction) query = query.where('requests.direction', '=', filter.direction);
  const search = filter.search?.trim();
  if (search) {
    const start = identifierStart(search);
    query = query.where((eb) =>
      eb.or([
        eb('requests.case_reference', 'ilike', containing(search)),
        eb('item.file_name', 'ilike', containing(search)),
        eb(sql<string>`item.id::text`, 'like', start),
        eb('item.sha256', 'like', start),
      ]),
    );
  }
  if (filter.beforeItemId) {
    const { beforeItemId } = filter;
    query = query.where(({ eb, refTuple, selectFrom }) =>
      eb(
        refTuple('item.created_at', 'item.id'),
        '<',
        selectFrom('evidence_items as last')
          .select(['last.created_at', 'last.id'])
          .where('last.id', '=', beforeItemId)
          .$asTuple('created_at', 'id'),
      ),
    );
  }
  const rows = await query
    .orderBy('item.created_at', 'desc')
    .orderBy('item.id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    ...toItem(row),
    request: {
      type: row.request_type,
      caseReference: row.request_case_reference,
      direction: row.request_direction === 'outgoing' ? 'outgoing' : 'incoming',
      peerNodeId: row.request_peer_node_id,
    },
  }));
}

/** The custody events of items, oldest first per item. */
export async function listCustodyEvents(
  db: Kysely<Database>,
  itemIds: readonly string[],
): Promise<StoredCustodyEvent[]> {
  if (itemIds.length === 0) return [];
  const rows = await db
    .selectFrom('evidence_custody_events')
    .selectAll()
    .where('item_id', 'in', itemIds)
    .orderBy('item_id')
    .orderBy('sequence')
    .execute();
  return rows.map(toEvent);
}

async function appendEvents(
  trx: Transaction<Database>,
  itemId: string,
  events: readonly CustodyEventWrite[],
  hashOf: CustodyHasher,
): Promise<void> {
  const last = await trx
    .selectFrom('evidence_custody_events')
    .select(['sequence', 'hash'])
    .where('item_id', '=', itemId)
    .orderBy('sequence', 'desc')
    .limit(1)
    .executeTakeFirst();
  let sequence = last?.sequence ?? 0;
  let previousHash = last?.hash ?? null;
  for (const event of events) {
    sequence += 1;
    const hash = hashOf(event, sequence, previousHash);
    await trx
      .insertInto('evidence_custody_events')
      .values({
        item_id: itemId,
        sequence,
        kind: event.kind,
        actor_id: event.actor.id,
        actor_name: event.actor.name,
        at: event.at,
        details: JSON.stringify(event.details),
        previous_hash: previousHash,
        hash,
      })
      .execute();
    previousHash = hash;
  }
}

/** Item changes that go with custody events, in the same transaction. */
export type EvidenceItemChange =
  | Readonly<{ kind: 'stored'; sha256: string; at: Date }>
  | Readonly<{ kind: 'deleted'; at: Date }>
  | Readonly<{ kind: 'none' }>;

/**
 * Appends events to an item's chain (with the item locked) and applies `change` to the item, in
 * one transaction. Answers false, changing nothing, when the item is gone.
 */
export async function recordCustody(
  db: Kysely<Database>,
  itemId: string,
  events: readonly CustodyEventWrite[],
  hashOf: CustodyHasher,
  change: EvidenceItemChange = { kind: 'none' },
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const locked = await trx
      .selectFrom('evidence_items')
      .select('id')
      .where('id', '=', itemId)
      .forUpdate()
      .executeTakeFirst();
    if (!locked) return false;
    await appendEvents(trx, itemId, events, hashOf);
    if (change.kind === 'stored') {
      await trx
        .updateTable('evidence_items')
        .set({ status: 'stored', sha256: change.sha256, stored_at: change.at })
        .where('id', '=', itemId)
        .execute();
    } else if (change.kind === 'deleted') {
      await trx
        .updateTable('evidence_items')
        .set({ status: 'deleted', deleted_at: change.at })
        .where('id', '=', itemId)
        .execute();
    }
    return true;
  });
}
