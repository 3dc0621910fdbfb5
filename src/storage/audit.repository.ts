/**
 * SQL of the audit log: the intake where calls record their events in one statement; appending
 * entries with the interior nodes they complete (one transaction, serialised by an advisory lock
 * so two processes never number two entries alike), from the intake or directly,
 * reading the complete-subtree hashes a proof needs in one query, pages of entries, and the
 * signed tree heads. The tree itself is computed in src/core/audit/merkle.ts.
 */
import { type Kysely, type Selectable, sql } from 'kysely';
import {
  appendLeaves,
  frontierKeys,
  hashChildren,
  hashLeaf,
  type SubtreeNode,
} from '../core/audit/merkle.ts';
import { compiledOnce, type ValueOf } from './compiled-once.ts';
import type { Database } from './schema.ts';

/** The advisory lock that serialises appends (an arbitrary constant of this table). */
const AUDIT_APPEND_LOCK = 6962_0001;
const ENTRY_ROWS_PER_INSERT = 4000;
/**
 * Interior nodes are stored from this level up (subtrees of 8 leaves and more): a smaller subtree
 * is hashed again from its at most 4 leaf hashes when a proof needs it, so an append writes about
 * one node row per 8 entries.
 */
export const AUDIT_STORED_MIN_LEVEL = 3;
const NODE_ROWS_PER_INSERT = 8000;

export type NewAuditEntry = Readonly<{
  entry: Uint8Array;
  recordedAt: Date;
  action: string;
  actor: string | null;
  outcome: string;
}>;

export type StoredAuditEntry = Readonly<{
  seq: number;
  entry: Uint8Array;
  leafHash: Uint8Array;
  /** The leaf hash of the entry before, as recorded when this one was appended. */
  prevLeafHash?: Uint8Array | null;
}>;

export async function auditTreeSize(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('audit_entries')
    .select(sql<number | null>`max(seq)`.as('last'))
    .executeTakeFirstOrThrow();
  return row.last === null ? 0 : Number(row.last) + 1;
}

/** How many entries the stored interior nodes cover (a deleted last entry leaves its nodes behind). */
export async function auditNodeCoverage(db: Kysely<Database>): Promise<number> {
  const rows = await db
    .selectFrom('audit_nodes')
    .select(['level', sql<number>`max(idx)`.as('last')])
    .groupBy('level')
    .execute();
  return Math.max(0, ...rows.map((row) => (Number(row.last) + 1) * 2 ** row.level));
}

/** What one read of the tree returns: hashes of complete subtrees, and optionally the size and one entry. */
export type TreeRead = Readonly<{
  /** "level:index" -> hash of that complete subtree; level 0 are leaf hashes. */
  hashes: Map<string, Uint8Array>;
  /** The number of entries (when asked). */
  size: number | undefined;
  /** The entry asked for, when it exists. */
  entry: StoredAuditEntry | undefined;
}>;

/**
 * One statement for a whole proof: the stored interior nodes by primary key, the leaf hashes of
 * the subtrees smaller than 8 (hashed up here), optionally one entry and the tree size. Its text
 * never changes (the keys travel as arrays), so the database parses and plans a short, fixed query
 * rather than one that grows with the proof.
 */
export async function readTree(
  db: Kysely<Database>,
  keys: ReadonlyArray<readonly [number, number]>,
  options: { entry?: number; size?: boolean } = {},
): Promise<TreeRead> {
  const hashes = new Map<string, Uint8Array>();
  const stored = keys.filter(([level]) => level >= AUDIT_STORED_MIN_LEVEL);
  const leafIndexes = new Set<number>();
  for (const [level, index] of keys) {
    if (level >= AUDIT_STORED_MIN_LEVEL) continue;
    for (let leaf = index * 2 ** level; leaf < (index + 1) * 2 ** level; leaf += 1) leafIndexes.add(leaf);
  }
  if (stored.length === 0 && leafIndexes.size === 0 && options.entry === undefined && !options.size)
    return { hashes, size: undefined, entry: undefined };
  const levels = stored.map(([level]) => level);
  const indexes = stored.map(([, index]) => index);
  const rows = await sql<{
    kind: string;
    level: number;
    idx: number | string | null;
    hash: Uint8Array | null;
    entry: Uint8Array | null;
  }>`select 'n'::text as kind, n.level::int as level, n.idx as idx, n.hash as hash, null::bytea as entry
      from unnest(${levels}::smallint[], ${indexes}::bigint[]) as k(level, idx)
      join audit_nodes n on n.level = k.level and n.idx = k.idx
    union all
    select 'l'::text, 0, e.seq, e.leaf_hash, null::bytea
      from unnest(${[...leafIndexes]}::bigint[]) as k(seq) join audit_entries e on e.seq = k.seq
    union all
    select 'e'::text, 0, seq, leaf_hash, entry from audit_entries where seq = ${options.entry ?? null}::bigint
    union all
    select 's'::text, 0, max(seq), null::bytea, null::bytea from audit_entries having ${options.size === true}::boolean`.execute(
    db,
  );
  let size: number | undefined;
  let entry: StoredAuditEntry | undefined;
  for (const row of rows.rows) {
    if (row.kind === 's') size = row.idx === null ? 0 : Number(row.idx) + 1;
    else if (row.kind === 'e' && row.entry && row.hash) {
      entry = { seq: Number(row.idx), entry: row.entry, leafHash: row.hash };
    } else if (row.hash) hashes.set(`${row.kind === 'n' ? row.level : 0}:${Number(row.idx)}`, row.hash);
  }
  for (const [level, index] of keys) {
    if (level === 0 || level >= AUDIT_STORED_MIN_LEVEL) continue;
    const hash = hashFromLeaves(hashes, level, index);
    if (hash) hashes.set(`${level}:${index}`, hash);
  }
  return { hashes, size, entry };
}

function hashFromLeaves(
  leaves: Map<string, Uint8Array>,
  level: number,
  index: number,
): Uint8Array | undefined {
  if (level === 0) return leaves.get(`0:${index}`);
  const left = hashFromLeaves(leaves, level - 1, 2 * index);
  const right = hashFromLeaves(leaves, level - 1, 2 * index + 1);
  return left && right ? hashChildren(left, right) : undefined;
}

/** The hashes of these complete subtrees ("level:index" -> hash); level 0 are leaf hashes. */
export async function readSubtreeHashes(
  db: Kysely<Database>,
  keys: ReadonlyArray<readonly [number, number]>,
): Promise<Map<string, Uint8Array>> {
  return (await readTree(db, keys)).hashes;
}

/**
 * Appends entries after the last one: `build(firstSeq)` makes their bytes once the numbering
 * is known (an entry names its own number). One transaction; returns the new tree size.
 */
export async function appendAuditEntries(
  db: Kysely<Database>,
  build: (firstSeq: number) => NewAuditEntry[],
): Promise<{ firstSeq: number; treeSize: number }> {
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${AUDIT_APPEND_LOCK})`.execute(trx);
    return appendUnderLock(trx, build);
  });
}

/** Most waiting events numbered in one transaction (a fold that took this many may have left more). */
export const INTAKE_ROWS_PER_FOLD = 2000;

export type AuditIntakeRow = Readonly<{ event: string; recordedAt: Date }>;

// Most requests that change something record one event (compiled-once.ts).
const insertOneAuditIntake = compiledOnce((db, value: ValueOf<AuditIntakeRow>) =>
  db.insertInto('audit_intake').values({ event: value('event'), recorded_at: value('recordedAt') }),
);

/** Records events to be numbered later (one statement; see foldAuditIntake). */
export async function insertAuditIntake(
  db: Kysely<Database>,
  rows: readonly AuditIntakeRow[],
): Promise<void> {
  if (rows.length === 0) return;
  const [only] = rows;
  if (rows.length === 1 && only !== undefined) {
    await insertOneAuditIntake(db, only);
    return;
  }
  await db
    .insertInto('audit_intake')
    .values(rows.map((row) => ({ event: row.event, recorded_at: row.recordedAt })))
    .execute();
}

/** Whether some recorded event waits to be numbered. */
export async function hasAuditIntake(db: Kysely<Database>): Promise<boolean> {
  const row = await sql<{ waiting: boolean }>`select exists (select 1 from audit_intake) as waiting`.execute(
    db,
  );
  return row.rows[0]?.waiting === true;
}

/**
 * Numbers the oldest waiting events (at most INTAKE_ROWS_PER_FOLD) and appends them to the tree,
 * in one transaction under the append lock: they leave the intake in the transaction that makes
 * them entries, so none is lost or appended twice, whichever process folds. `build` makes each
 * entry's bytes from its event and number. Returns how many were appended.
 */
export async function foldAuditIntake(
  db: Kysely<Database>,
  build: (row: AuditIntakeRow, seq: number) => NewAuditEntry,
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${AUDIT_APPEND_LOCK})`.execute(trx);
    const taken = await sql<{ id: string; event: string; recorded_at: Date | string }>`
      delete from audit_intake
      where id in (select id from audit_intake order by id limit ${INTAKE_ROWS_PER_FOLD})
      returning id, event, recorded_at`.execute(trx);
    if (taken.rows.length === 0) return 0;
    const rows = taken.rows
      .sort((a, b) => Number(a.id) - Number(b.id))
      .map((row) => ({ event: row.event, recordedAt: new Date(row.recorded_at) }));
    await appendUnderLock(trx, (firstSeq) => rows.map((row, offset) => build(row, firstSeq + offset)));
    return rows.length;
  });
}

/** The append itself, inside a transaction that holds the append lock. */
async function appendUnderLock(
  trx: Kysely<Database>,
  build: (firstSeq: number) => NewAuditEntry[],
): Promise<{ firstSeq: number; treeSize: number }> {
  const size = await auditTreeSize(trx);
  const keys = frontierKeys(size);
  // The last leaf hash too: the first new entry records it (prev_leaf_hash).
  const hashes = await readSubtreeHashes(trx, size > 0 ? [...keys, [0, size - 1]] : keys);
  const lastLeafHash = size > 0 ? hashes.get(`0:${size - 1}`) : undefined;
  const frontier: SubtreeNode[] = keys.map(([level, index]) => {
    const hash = hashes.get(`${level}:${index}`);
    if (!hash) throw new Error(`the audit log lacks the node at level ${level}, index ${index}`);
    return { level, index, hash };
  });
  const entries = build(size);
  const leafHashes = entries.map((entry) => hashLeaf(entry.entry));
  const nodes = appendLeaves(frontier, size, leafHashes).nodes.filter(
    (node) => node.level >= AUDIT_STORED_MIN_LEVEL,
  );
  for (let start = 0; start < entries.length; start += ENTRY_ROWS_PER_INSERT) {
    await trx
      .insertInto('audit_entries')
      .values(
        entries.slice(start, start + ENTRY_ROWS_PER_INSERT).map((entry, offset) => ({
          seq: size + start + offset,
          entry: entry.entry,
          leaf_hash: leafHashes[start + offset]!,
          prev_leaf_hash: start + offset === 0 ? (lastLeafHash ?? null) : leafHashes[start + offset - 1]!,
          recorded_at: entry.recordedAt,
          action: entry.action,
          actor: entry.actor,
          outcome: entry.outcome,
        })),
      )
      .execute();
  }
  for (let start = 0; start < nodes.length; start += NODE_ROWS_PER_INSERT) {
    await trx
      .insertInto('audit_nodes')
      .values(
        nodes
          .slice(start, start + NODE_ROWS_PER_INSERT)
          .map((node) => ({ level: node.level, idx: node.index, hash: node.hash })),
      )
      .execute();
  }
  return { firstSeq: size, treeSize: size + entries.length };
}

/** Entries from `from` (inclusive) to `to` (exclusive), in order, for verification. */
export async function readAuditEntryRange(
  db: Kysely<Database>,
  from: number,
  to: number,
): Promise<StoredAuditEntry[]> {
  const rows = await db
    .selectFrom('audit_entries')
    .select(['seq', 'entry', 'leaf_hash', 'prev_leaf_hash'])
    .where('seq', '>=', from)
    .where('seq', '<', to)
    .orderBy('seq')
    .execute();
  return rows.map((row) => ({
    seq: Number(row.seq),
    entry: row.entry,
    leafHash: row.leaf_hash,
    prevLeafHash: row.prev_leaf_hash,
  }));
}

/** Stored interior nodes of one level with index in [from, to). */
export async function readAuditNodeRange(
  db: Kysely<Database>,
  level: number,
  from: number,
  to: number,
): Promise<Map<number, Uint8Array>> {
  const rows = await db
    .selectFrom('audit_nodes')
    .select(['idx', 'hash'])
    .where('level', '=', level)
    .where('idx', '>=', from)
    .where('idx', '<', to)
    .execute();
  return new Map(rows.map((row) => [Number(row.idx), row.hash]));
}

export type AuditEntryFilter = Readonly<{
  action?: string;
  /** Reads of case content (`api:GET …`) only, or everything else (changes, sign-ins, messages). */
  kind?: 'read' | 'change';
  /** Entries by any of these actors (usernames, node ids); none: every actor. */
  actors?: readonly string[];
  outcome?: string;
  /** Entries numbered below this one (paging backwards from the newest). */
  before?: number;
  limit: number;
}>;

export async function listAuditEntries(
  db: Kysely<Database>,
  filter: AuditEntryFilter,
): Promise<StoredAuditEntry[]> {
  let query = db.selectFrom('audit_entries').select(['seq', 'entry', 'leaf_hash']).orderBy('seq', 'desc');
  if (filter.action) query = query.where('action', 'like', `${filter.action.replace(/[%_\\]/g, '\\$&')}%`);
  if (filter.kind === 'read') query = query.where('action', 'like', 'api:GET %');
  if (filter.kind === 'change') query = query.where('action', 'not like', 'api:GET %');
  if (filter.actors && filter.actors.length > 0) query = query.where('actor', 'in', [...filter.actors]);
  if (filter.outcome) query = query.where('outcome', '=', filter.outcome);
  if (filter.before !== undefined) query = query.where('seq', '<', filter.before);
  const rows = await query.limit(filter.limit).execute();
  return rows.map((row) => ({ seq: Number(row.seq), entry: row.entry, leafHash: row.leaf_hash }));
}

export type StoredTreeHead = Readonly<{
  treeSize: number;
  rootHash: Uint8Array;
  signedAt: Date;
  keyId: string;
  signature: string;
  sentTo: string | null;
}>;

export async function insertAuditTreeHead(db: Kysely<Database>, head: StoredTreeHead): Promise<void> {
  await db
    .insertInto('audit_tree_heads')
    .values({
      tree_size: head.treeSize,
      root_hash: head.rootHash,
      signed_at: head.signedAt,
      key_id: head.keyId,
      signature: head.signature,
      sent_to: head.sentTo,
    })
    .onConflict((c) => c.column('tree_size').doNothing())
    .execute();
}

function toTreeHead(row: {
  tree_size: number;
  root_hash: Uint8Array;
  signed_at: Date | string;
  key_id: string;
  signature: string;
  sent_to: string | null;
}): StoredTreeHead {
  return {
    treeSize: Number(row.tree_size),
    rootHash: row.root_hash,
    signedAt: new Date(row.signed_at),
    keyId: row.key_id,
    signature: row.signature,
    sentTo: row.sent_to,
  };
}

export async function latestAuditTreeHead(db: Kysely<Database>): Promise<StoredTreeHead | undefined> {
  const row = await db
    .selectFrom('audit_tree_heads')
    .selectAll()
    .orderBy('tree_size', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? toTreeHead(row) : undefined;
}

export async function listAuditTreeHeads(db: Kysely<Database>): Promise<StoredTreeHead[]> {
  const rows = await db.selectFrom('audit_tree_heads').selectAll().orderBy('tree_size').execute();
  return rows.map(toTreeHead);
}

export type WitnessedHead = Readonly<{
  nodeId: string;
  treeSize: number;
  rootHash: Uint8Array;
  signedAt: Date;
  keyId: string;
  signature: string;
  receivedAt: Date;
  flag: string | null;
}>;

function toWitnessedHead(row: Selectable<Database['audit_witnessed_heads']>): WitnessedHead {
  return {
    nodeId: row.node_id,
    treeSize: Number(row.tree_size),
    rootHash: row.root_hash,
    signedAt: new Date(row.signed_at),
    keyId: row.key_id,
    signature: row.signature,
    receivedAt: new Date(row.received_at),
    flag: row.flag,
  };
}

export async function latestWitnessedHead(
  db: Kysely<Database>,
  nodeId: string,
): Promise<WitnessedHead | undefined> {
  const row = await db
    .selectFrom('audit_witnessed_heads')
    .selectAll()
    .where('node_id', '=', nodeId)
    .orderBy('received_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? toWitnessedHead(row) : undefined;
}

/** The tree heads peers sent this node as their witness, newest first (at most `limit`). */
export async function listWitnessedHeads(db: Kysely<Database>, limit: number): Promise<WitnessedHead[]> {
  const rows = await db
    .selectFrom('audit_witnessed_heads')
    .selectAll()
    .orderBy('received_at', 'desc')
    .orderBy('tree_size', 'desc')
    .limit(limit)
    .execute();
  return rows.map(toWitnessedHead);
}
