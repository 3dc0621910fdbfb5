/**
 * The tamper-evident audit log: `recordAudit` is the one entry point every security-relevant
 * action goes through (the API hook in src/http/app.ts, sign-in, federation send and receive,
 * operator commands). An entry is the canonical JSON of who did what to which record with which
 * outcome (never case content), numbered from 0 and appended to an RFC 6962 Merkle tree
 * (src/core/audit/merkle.ts). A call commits its event to the intake in one statement before it
 * answers; the node numbers what waits there into the tree in batches, off the calls' path, and
 * every read of the log does so first. Signed tree heads (Ed25519, the node's federation signing key) are
 * stored on a schedule; inclusion and consistency proofs read O(log n) stored hashes; the whole
 * log is checked by verifyAuditLog (comity audit verify).
 */
import type { JWK } from 'jose';
import type { AppContext } from '../app-context.ts';
import {
  appendLeaves,
  collectSubtreeKeys,
  type CompleteSubtreeHash,
  consistencyProofFrom,
  emptyRoot,
  equalBytes,
  hashLeaf,
  inclusionProofFrom,
  rootHashFrom,
  rootOfFrontier,
  type SubtreeNode,
  verifyConsistency,
  verifyInclusion,
} from '../core/audit/merkle.ts';
import { AppError } from '../core/errors.ts';
import { UUID_PATTERN } from '../core/ids.ts';
import { canonicalJson } from '../document/canonical-json.ts';
import type { FederationRuntime } from '../federation/context.ts';
import { queueAuditTreeHead } from '../federation/messages/audit-tree-head.message.ts';
import type { DirectoryNode } from '../federation/protocol/types.ts';
import {
  importVerificationKey,
  JWS_TYPES,
  parseCompactJws,
  signCompactJws,
  verifyCompactJws,
} from '../federation/protocol/index.ts';
import {
  appendAuditEntries,
  AUDIT_STORED_MIN_LEVEL,
  type AuditIntakeRow,
  foldAuditIntake,
  INTAKE_ROWS_PER_FOLD,
  hasAuditIntake,
  insertAuditIntake,
  type NewAuditEntry,
  auditNodeCoverage,
  auditTreeSize,
  insertAuditTreeHead,
  latestAuditTreeHead,
  listAuditEntries,
  listAuditTreeHeads,
  listWitnessedHeads,
  readAuditEntryRange,
  readAuditNodeRange,
  readTree,
  type StoredAuditEntry,
  type StoredTreeHead,
} from '../storage/audit.repository.ts';
import { findCaseReferences } from '../storage/requests.repository.ts';
import { findDisplayNames, findUsernamesByDisplayName } from '../storage/users.repository.ts';
import { type Actor, can } from '../policies/access.ts';
import type { Database } from '../storage/schema.ts';
import type { Kysely } from 'kysely';

export type AuditActor =
  | Readonly<{ kind: 'user'; id: string; username: string }>
  | Readonly<{ kind: 'anonymous'; username?: string }>
  | Readonly<{ kind: 'operator' }>
  | Readonly<{ kind: 'node'; nodeId: string }>;

export type AuditOutcome = 'success' | 'failure';

export type AuditEvent = Readonly<{
  /** What was done: `api:<METHOD> <route>`, `auth:sign-in`, `federation:receive`... */
  action: string;
  actor: AuditActor;
  /** The record acted on (a request id, a user id, a message id...), never its content. */
  resource?: string;
  outcome: AuditOutcome;
  /** Short facts (an HTTP status, a message type); never case content. */
  detail?: Readonly<Record<string, string | number | boolean | null>>;
}>;

export type AuditEntry = AuditEvent & Readonly<{ v: 1; seq: number; at: string }>;

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder('utf-8', { fatal: true });

/** The canonical bytes of an entry: what its leaf hash covers. */
export function encodeAuditEntry(entry: AuditEntry): Uint8Array {
  return textEncoder.encode(canonicalJson(entry));
}

export function decodeAuditEntry(bytes: Uint8Array): AuditEntry | undefined {
  try {
    const value = JSON.parse(textDecoder.decode(bytes)) as AuditEntry;
    return value && typeof value === 'object' && typeof value.seq === 'number' ? value : undefined;
  } catch {
    return undefined;
  }
}

function actorLabel(actor: AuditActor): string | null {
  switch (actor.kind) {
    case 'user':
      return actor.username;
    case 'anonymous':
      return actor.username ?? null;
    case 'operator':
      return 'operator';
    case 'node':
      return actor.nodeId;
  }
}

type Pending = { event: AuditEvent; at: Date; resolve: () => void; reject: (error: unknown) => void };

/**
 * How long recorded events wait in the intake before they are numbered into the tree: the events
 * of that span share one append (lock, frontier, hashes), and the calls that recorded them never
 * wait for it. Every read of the log numbers what waits first.
 */
const FOLD_DELAY_MS = 250;

/** After a fold failed (database unreachable, a log that does not hold), the next try waits this long. */
const FOLD_RETRY_MS = 5_000;

type Writer = {
  pending: Pending[];
  isFlushing: boolean;
  /** The folds of this process, one after the other. */
  folding: Promise<void>;
  foldTimer: NodeJS.Timeout | undefined;
  /** Told when a fold the timer ran failed (main.ts logs it); the timer tries again. */
  onFoldError: ((error: unknown) => void) | undefined;
  /** Set once the database is closing: no timer is armed any more. */
  isClosed: boolean;
};

/** One writer per database: what is recorded while an insert runs goes in the next one. */
const writers = new WeakMap<Kysely<Database>, Writer>();

function writerOf(db: Kysely<Database>): Writer {
  let writer = writers.get(db);
  if (!writer) {
    writer = {
      pending: [],
      isFlushing: false,
      folding: Promise.resolve(),
      foldTimer: undefined,
      onFoldError: undefined,
      isClosed: false,
    };
    writers.set(db, writer);
  }
  return writer;
}

async function flush(db: Kysely<Database>, writer: Writer): Promise<void> {
  writer.isFlushing = true;
  try {
    while (writer.pending.length > 0) {
      const batch = writer.pending.splice(0, writer.pending.length);
      try {
        await insertAuditIntake(
          db,
          batch.map(({ event, at }) => ({ event: canonicalJson(event), recordedAt: at })),
        );
        for (const item of batch) item.resolve();
        foldSoon(db, writer);
      } catch (error) {
        for (const item of batch) item.reject(error);
      }
    }
  } finally {
    writer.isFlushing = false;
  }
}

/** The entry an intake row becomes at number `seq`. */
function entryOfIntake(row: AuditIntakeRow, seq: number): NewAuditEntry {
  const event = JSON.parse(row.event) as AuditEvent;
  return {
    entry: encodeAuditEntry({ v: 1, seq, at: row.recordedAt.toISOString(), ...event }),
    recordedAt: row.recordedAt,
    action: event.action,
    actor: actorLabel(event.actor),
    outcome: event.outcome,
  };
}

/** Numbers everything waiting in the intake (after the folds of this process already asked for). */
function foldNow(db: Kysely<Database>, writer: Writer): Promise<void> {
  clearTimeout(writer.foldTimer);
  writer.foldTimer = undefined;
  const fold = writer.folding.then(async () => {
    while ((await foldAuditIntake(db, entryOfIntake)) === INTAKE_ROWS_PER_FOLD) {
      // A full batch may have left more behind.
    }
  });
  writer.folding = fold.catch(() => undefined);
  return fold;
}

function foldSoon(db: Kysely<Database>, writer: Writer, delayMs = FOLD_DELAY_MS): void {
  if (writer.foldTimer || writer.isClosed) return;
  writer.foldTimer = setTimeout(() => {
    writer.foldTimer = undefined;
    // A failure leaves the events in the intake (none is lost): it is reported, and tried again.
    foldNow(db, writer).catch((error: unknown) => {
      writer.onFoldError?.(error);
      foldSoon(db, writer, FOLD_RETRY_MS);
    });
  }, delayMs);
  writer.foldTimer.unref();
}

/** Reports the failures of the timer's folds to `onError` (the node's log, main.ts). */
export function reportAuditFoldErrors(db: Kysely<Database>, onError: (error: unknown) => void): void {
  writerOf(db).onFoldError = onError;
}

/**
 * Records one event; resolves once it is committed to the intake (one statement, shared by the
 * events recorded while the previous insert ran), so an answered call is an audited one. The
 * node numbers it into the tree within FOLD_DELAY_MS; a read of the log does so first.
 */
export function recordAudit(context: Pick<AppContext, 'db' | 'now'>, event: AuditEvent): Promise<void> {
  const writer = writerOf(context.db);
  return new Promise<void>((resolve, reject) => {
    writer.pending.push({ event, at: context.now(), resolve, reject });
    if (!writer.isFlushing) void flush(context.db, writer);
  });
}

/**
 * The intake row of an event that another statement writes with the change it records (a
 * message's reception, with its inbox row): the event is then committed exactly when the change
 * is. Call `auditIntakeWritten` once that statement committed.
 */
export function auditIntakeRowOf(context: Pick<AppContext, 'now'>, event: AuditEvent): AuditIntakeRow {
  return { event: canonicalJson(event), recordedAt: context.now() };
}

/** An intake row of auditIntakeRowOf was committed: it is numbered into the tree as recordAudit's are. */
export function auditIntakeWritten(db: Kysely<Database>): void {
  foldSoon(db, writerOf(db));
}

/**
 * Numbers into the tree every event recorded so far, by this process or another one on the same
 * database. Every read of the log (entries, heads, proofs, verification) does this first.
 */
export async function settleAuditLog(db: Kysely<Database>): Promise<void> {
  const writer = writerOf(db);
  await writer.folding;
  if (await hasAuditIntake(db)) await foldNow(db, writer);
}

/**
 * Before the database closes: numbers what waits and arms no timer any more (a fold must not run
 * on a closed database). Events recorded by other processes are theirs to number.
 */
export async function closeAuditLog(db: Kysely<Database>): Promise<void> {
  const writer = writerOf(db);
  writer.isClosed = true;
  clearTimeout(writer.foldTimer);
  writer.foldTimer = undefined;
  await settleAuditLog(db);
}

/** Appends many entries in one transaction (imports, benchmarks), after what waits in the intake. */
export async function recordAuditBatch(
  context: Pick<AppContext, 'db' | 'now'>,
  events: readonly AuditEvent[],
): Promise<number> {
  await settleAuditLog(context.db);
  const at = context.now();
  const { treeSize } = await appendAuditEntries(context.db, (firstSeq) =>
    events.map((event, offset) => ({
      entry: encodeAuditEntry({ v: 1, seq: firstSeq + offset, at: at.toISOString(), ...event }),
      recordedAt: at,
      action: event.action,
      actor: actorLabel(event.actor),
      outcome: event.outcome,
    })),
  );
  return treeSize;
}

// --- reading: entries, roots, proofs ----------------------------------------------------------

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const fromHex = (text: string) => new Uint8Array(Buffer.from(text, 'hex'));

function lookupIn(hashes: Map<string, Uint8Array>): CompleteSubtreeHash {
  return (level, index) => {
    const hash = hashes.get(`${level}:${index}`);
    if (!hash)
      throw new AppError('conflict', `the audit log lacks the node at level ${level}, index ${index}`);
    return hash;
  };
}

/**
 * Runs a tree computation over stored hashes: a dry run lists the subtrees it needs (their
 * coordinates depend on the sizes only), one statement fetches them, with the tree size and
 * one entry when asked.
 */
async function overStoredTree<T>(
  db: Kysely<Database>,
  run: (complete: CompleteSubtreeHash) => T,
  options: { entry?: number; size?: boolean } = {},
): Promise<{ result: () => T; size: number | undefined; entry: StoredAuditEntry | undefined }> {
  const read = await readTree(db, collectSubtreeKeys(run), options);
  return { result: () => run(lookupIn(read.hashes)), size: read.size, entry: read.entry };
}

async function rootAt(db: Kysely<Database>, treeSize: number): Promise<Uint8Array> {
  if (treeSize === 0) return emptyRoot();
  return (await overStoredTree(db, (complete) => rootHashFrom(complete, treeSize))).result();
}

export type AuditEntryView = Readonly<{
  seq: number;
  leafHash: string;
  entry: AuditEntry | null;
  /**
   * The case reference of the request the entry is about, read now (not part of the entry, so not
   * covered by its hash): the request id alone tells a reader nothing. Null when it is about no
   * request, or one with no reference, or one deleted since, or the reader may not read requests.
   */
  caseReference: string | null;
  /**
   * The name the node shows its user actor by now ("DE supervisor" beside "de.supervisor"), read
   * now like caseReference; null for other actors, or an account deleted since.
   */
  actorName: string | null;
}>;

/** The request an entry is about: the first id in the resource of a call under /api/v1/requests/:id. */
function requestIdOf(entry: AuditEntry | undefined): string | undefined {
  if (!entry?.resource || !/^api:[A-Z]+ \/api\/v1\/requests\/:id(\/|$)/.test(entry.action)) return undefined;
  const id = entry.resource.split('/')[0] ?? '';
  return UUID_PATTERN.test(id) ? id : undefined;
}

export async function listAudit(
  context: AppContext,
  filter: Readonly<{
    action?: string;
    kind?: 'read' | 'change';
    actor?: string;
    outcome?: string;
    before?: number;
    limit?: number;
  }>,
  /** The reader: case references are given to one who may read every request (request:read-all). */
  reader?: Actor,
): Promise<{ entries: AuditEntryView[]; treeSize: number }> {
  await settleAuditLog(context.db);
  const limit = Math.min(Math.max(filter.limit ?? 50, 1), 500);
  const { actor, ...rest } = filter;
  // An actor by username or node id as recorded, or by the name a person is shown by.
  const actors = actor ? [actor, ...(await findUsernamesByDisplayName(context.db, actor))] : undefined;
  const rows = await listAuditEntries(context.db, { ...rest, ...(actors ? { actors } : {}), limit });
  const decoded = rows.map((row) => ({ row, entry: decodeAuditEntry(row.entry) }));
  const names = await findDisplayNames(
    context.db,
    decoded.flatMap(({ entry }) => (entry?.actor.kind === 'user' && entry.actor.id ? [entry.actor.id] : [])),
  );
  const requestIds = can(reader, 'request:read-all')
    ? [...new Set(decoded.map(({ entry }) => requestIdOf(entry)).filter((id) => id !== undefined))]
    : [];
  const references = await findCaseReferences(context.db, requestIds);
  return {
    entries: decoded.map(({ row, entry }) => {
      const requestId = requestIdOf(entry);
      return {
        seq: row.seq,
        leafHash: hex(row.leafHash),
        entry: entry ?? null,
        caseReference: requestId === undefined ? null : (references.get(requestId) ?? null),
        actorName:
          entry?.actor.kind === 'user' && entry.actor.id ? (names.get(entry.actor.id) ?? null) : null,
      };
    }),
    treeSize: await auditTreeSize(context.db),
  };
}

export type TreeHeadView = Readonly<{
  treeSize: number;
  rootHash: string;
  /** The latest signed head (compact JWS, Ed25519), when the node has signed one. */
  signed: Readonly<{
    treeSize: number;
    rootHash: string;
    signedAt: string;
    keyId: string;
    signature: string;
  }> | null;
}>;

function signedView(head: StoredTreeHead | undefined): TreeHeadView['signed'] {
  if (!head) return null;
  return {
    treeSize: head.treeSize,
    rootHash: hex(head.rootHash),
    signedAt: head.signedAt.toISOString(),
    keyId: head.keyId,
    signature: head.signature,
  };
}

export async function currentTreeHead(context: AppContext): Promise<TreeHeadView> {
  await settleAuditLog(context.db);
  const treeSize = await auditTreeSize(context.db);
  const root = await rootAt(context.db, treeSize);
  return { treeSize, rootHash: hex(root), signed: signedView(await latestAuditTreeHead(context.db)) };
}

export type InclusionProofView = Readonly<{
  index: number;
  treeSize: number;
  leafHash: string;
  rootHash: string;
  proof: string[];
  /** The entry's canonical bytes, base64: what the leaf hash covers. */
  entry: string;
}>;

export async function auditInclusionProof(
  context: AppContext,
  index: number,
  treeSizeAsked?: number,
): Promise<InclusionProofView> {
  await settleAuditLog(context.db);
  // Without a size, the current one (one more statement); with one, a single statement.
  const treeSize = treeSizeAsked ?? (await auditTreeSize(context.db));
  const valid = Number.isSafeInteger(index) && index >= 0 && index < treeSize;
  const read = valid
    ? await overStoredTree(
        context.db,
        (complete) => ({
          proof: inclusionProofFrom(complete, index, treeSize),
          root: rootHashFrom(complete, treeSize),
        }),
        { entry: index, size: true },
      )
    : undefined;
  const size = read?.size ?? (await auditTreeSize(context.db));
  if (!read || treeSize > size) {
    throw new AppError('not-found', `no entry ${index} in a tree of ${treeSize} (the log holds ${size})`);
  }
  const row = read.entry;
  if (!row) throw new AppError('not-found', `no entry ${index}`);
  const { proof, root } = read.result();
  return {
    index,
    treeSize,
    leafHash: hex(row.leafHash),
    rootHash: hex(root),
    proof: proof.map(hex),
    entry: Buffer.from(row.entry).toString('base64'),
  };
}

export type ConsistencyProofView = Readonly<{
  oldSize: number;
  newSize: number;
  oldRootHash: string;
  newRootHash: string;
  proof: string[];
}>;

export async function auditConsistencyProof(
  context: AppContext,
  oldSize: number,
  newSizeAsked?: number,
): Promise<ConsistencyProofView> {
  await settleAuditLog(context.db);
  const newSize = newSizeAsked ?? (await auditTreeSize(context.db));
  const valid = Number.isSafeInteger(oldSize) && oldSize >= 0 && oldSize <= newSize;
  const read = valid
    ? await overStoredTree(
        context.db,
        (complete) => ({
          proof: consistencyProofFrom(complete, oldSize, newSize),
          oldRoot: oldSize === 0 ? emptyRoot() : rootHashFrom(complete, oldSize),
          newRoot: newSize === 0 ? emptyRoot() : rootHashFrom(complete, newSize),
        }),
        { size: true },
      )
    : undefined;
  const size = read?.size ?? (await auditTreeSize(context.db));
  if (!read || newSize > size) {
    throw new AppError(
      'not-found',
      `no consistency proof from ${oldSize} to ${newSize} (the log holds ${size})`,
    );
  }
  const result = read.result();
  return {
    oldSize,
    newSize,
    oldRootHash: hex(result.oldRoot),
    newRootHash: hex(result.newRoot),
    proof: result.proof.map(hex),
  };
}

export type WitnessedHeadView = Readonly<{
  nodeId: string;
  treeSize: number;
  rootHash: string;
  signedAt: string;
  receivedAt: string;
  keyId: string;
  signature: string;
  /** `smaller` (below a head the node sent before) or `forked` (same size, another root): its log was rewritten. */
  flag: 'smaller' | 'forked' | null;
}>;

/** The signed tree heads other nodes sent this node as their witness, newest first. */
export async function witnessedTreeHeads(context: AppContext): Promise<WitnessedHeadView[]> {
  const heads = await listWitnessedHeads(context.db, 200);
  return heads.map((head) => ({
    nodeId: head.nodeId,
    treeSize: head.treeSize,
    rootHash: hex(head.rootHash),
    signedAt: head.signedAt.toISOString(),
    receivedAt: head.receivedAt.toISOString(),
    keyId: head.keyId,
    signature: head.signature,
    flag: head.flag === 'smaller' || head.flag === 'forked' ? head.flag : null,
  }));
}

// --- signed tree heads ------------------------------------------------------------------------

export type TreeHeadPayload = Readonly<{
  v: 1;
  type: 'audit.tree-head';
  nodeId: string;
  treeSize: number;
  rootHash: string;
  signedAt: string;
}>;

/**
 * Signs the current tree head with the node's federation signing key and stores it (nothing
 * when the log has not grown since the last one, or the node has no identity yet).
 */
export async function signAuditTreeHead(context: AppContext): Promise<StoredTreeHead | undefined> {
  const federation = context.federation;
  if (!federation) return undefined;
  await settleAuditLog(context.db);
  const treeSize = await auditTreeSize(context.db);
  const latest = await latestAuditTreeHead(context.db);
  if (treeSize === 0 || (latest && latest.treeSize >= treeSize)) return latest;
  const root = await rootAt(context.db, treeSize);
  const signedAt = context.now();
  const payload: TreeHeadPayload = {
    v: 1,
    type: 'audit.tree-head',
    nodeId: federation.identity.nodeId,
    treeSize,
    rootHash: hex(root),
    signedAt: signedAt.toISOString(),
  };
  const signing = federation.identity.keys.signing;
  const signature = await signCompactJws(payload, signing, JWS_TYPES.auditTreeHead);
  const witness = witnessOf(context, federation);
  const head = {
    treeSize,
    rootHash: root,
    signedAt,
    keyId: signing.kid,
    signature,
    sentTo: witness?.nodeId ?? null,
  };
  await insertAuditTreeHead(context.db, head);
  if (witness) {
    await queueAuditTreeHead(context, federation, {
      to: witness,
      body: { treeSize, rootHash: hex(root), signedAt: payload.signedAt, signature },
    }).catch(() => undefined);
    federation.wakeDelivery();
  }
  return head;
}

/**
 * The node that witnesses this node's tree heads: COMITY_AUDIT_WITNESS_NODE, or the directory's
 * node at the secretariat's address; never this node itself, and only one that reads the type.
 */
function witnessOf(context: AppContext, federation: FederationRuntime): DirectoryNode | undefined {
  const configured = context.config?.audit?.witnessNodeId;
  const secretariatUrl = federation.identity.secretariat?.url;
  const candidate = configured
    ? federation.directory.findNode(configured)
    : secretariatUrl
      ? federation.directory
          .listNodes?.()
          .find((node) => new URL(node.endpoint).origin === new URL(secretariatUrl).origin)
      : undefined;
  if (!candidate || candidate.nodeId === federation.identity.nodeId) return undefined;
  return candidate;
}

/** How long after start the first tree head is signed (the interval instead, when shorter). */
const FIRST_TREE_HEAD_DELAY_MS = 30_000;

/** Signs a tree head every `intervalMs` (main.ts), the first one at most 30 s after start; stop() ends it. */
export function startAuditTreeHeadSigner(
  context: AppContext,
  intervalMs: number,
  onError: (error: unknown) => void,
): { stop: () => void } {
  const tick = () => void signAuditTreeHead(context).catch(onError);
  // A first head soon after start, so that a new node's log can be checked against a signed head
  // within a minute rather than after a whole interval; then one every interval.
  // (With an interval as short, the interval's own first tick comes as soon.)
  const first =
    intervalMs > FIRST_TREE_HEAD_DELAY_MS ? setTimeout(tick, FIRST_TREE_HEAD_DELAY_MS) : undefined;
  first?.unref();
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return {
    stop: () => {
      clearTimeout(first);
      clearInterval(timer);
    },
  };
}

/** Checks a signed tree head against a node's public signing keys; the payload when it holds. */
export async function checkTreeHeadSignature(
  compact: string,
  keys: readonly Readonly<{ kid: string; jwk: JWK }>[],
): Promise<TreeHeadPayload | undefined> {
  const parsed = parseCompactJws(compact, JWS_TYPES.auditTreeHead);
  if (!parsed.ok) return undefined;
  const key = keys.find((candidate) => candidate.kid === parsed.header.kid);
  if (!key) return undefined;
  if (!(await verifyCompactJws(compact, await importVerificationKey(key.jwk)))) return undefined;
  return parsed.payload as TreeHeadPayload;
}

// --- verification -----------------------------------------------------------------------------

export type AuditVerification =
  | Readonly<{ ok: true; treeSize: number; rootHash: string; signedHeads: number }>
  | Readonly<{ ok: false; firstBadEntry: number; reason: string }>;

const VERIFY_CHUNK = 20_000;

function changedWithItsHash(position: number): AuditVerification {
  return {
    ok: false,
    firstBadEntry: position,
    reason: `entry ${position} was changed together with its hash: entry ${position + 1} recorded another hash of it`,
  };
}

/**
 * Checks the whole stored log: every entry is where it says it is, its leaf hash covers its
 * bytes, every stored interior node is the hash of its children, every signed tree head matches
 * the tree at its size (and its signature, when keys are given), and no entry a node or head
 * covers is missing. Names the first entry that does not hold.
 */
export async function verifyAuditLog(
  db: Kysely<Database>,
  options: { signingKeys?: readonly Readonly<{ kid: string; jwk: JWK }>[] } = {},
): Promise<AuditVerification> {
  await settleAuditLog(db);
  const size = await auditTreeSize(db);
  const heads = await listAuditTreeHeads(db);
  let frontier: SubtreeNode[] = [];
  let headIndex = 0;
  const checkHeadsUpTo = async (position: number): Promise<AuditVerification | undefined> => {
    while (headIndex < heads.length && heads[headIndex]!.treeSize <= position) {
      const head = heads[headIndex]!;
      if (head.treeSize === position && !equalBytes(rootOfFrontier(frontier), head.rootHash)) {
        return {
          ok: false,
          firstBadEntry: Math.max(0, position - 1),
          reason: `the tree head signed at size ${head.treeSize} does not match the entries before it (one was changed)`,
        };
      }
      if (options.signingKeys) {
        const payload = await checkTreeHeadSignature(head.signature, options.signingKeys);
        if (!payload || payload.treeSize !== head.treeSize || payload.rootHash !== hex(head.rootHash)) {
          return {
            ok: false,
            firstBadEntry: Math.max(0, head.treeSize - 1),
            reason: `the tree head at size ${head.treeSize} is not signed by this node's key`,
          };
        }
      }
      headIndex += 1;
    }
    return undefined;
  };
  const headCheck = await checkHeadsUpTo(0);
  if (headCheck) return headCheck;
  for (let start = 0; start < size; start += VERIFY_CHUNK) {
    const end = Math.min(size, start + VERIFY_CHUNK);
    const rows = await readAuditEntryRange(db, start, end);
    const leafHashes: Uint8Array[] = [];
    for (let position = start; position < end; position += 1) {
      const row = rows[position - start];
      if (!row || row.seq !== position) {
        return { ok: false, firstBadEntry: position, reason: `entry ${position} is missing (deleted)` };
      }
      const decoded = decodeAuditEntry(row.entry);
      if (!decoded)
        return { ok: false, firstBadEntry: position, reason: `entry ${position} is not an audit entry` };
      if (decoded.seq !== position) {
        return {
          ok: false,
          firstBadEntry: position,
          reason: `entry ${position} holds entry ${decoded.seq} (entries were reordered)`,
        };
      }
      const leafHash = hashLeaf(row.entry);
      if (!equalBytes(leafHash, row.leafHash)) {
        return {
          ok: false,
          firstBadEntry: position,
          reason: `entry ${position} does not match its hash (changed)`,
        };
      }
      leafHashes.push(leafHash);
    }
    // Fold the chunk in one leaf at a time where a tree head falls inside it.
    const computed: SubtreeNode[] = [];
    let headFailure: AuditVerification | undefined;
    let offset = 0;
    while (offset < leafHashes.length) {
      const nextHead = heads[headIndex]?.treeSize;
      const stop =
        nextHead !== undefined && nextHead > start + offset && nextHead <= end
          ? nextHead - start
          : leafHashes.length;
      const appended = appendLeaves(frontier, start + offset, leafHashes.slice(offset, stop));
      computed.push(...appended.nodes);
      frontier = appended.frontier;
      offset = stop;
      headFailure ??= await checkHeadsUpTo(start + offset);
    }
    const byLevel = new Map<number, SubtreeNode[]>();
    for (const node of computed) {
      if (node.level < AUDIT_STORED_MIN_LEVEL) continue;
      const list = byLevel.get(node.level);
      if (list) list.push(node);
      else byLevel.set(node.level, [node]);
    }
    let nodeFailure: { first: number; level: number } | undefined;
    for (const [level, nodes] of byLevel) {
      const stored = await readAuditNodeRange(db, level, nodes[0]!.index, nodes[nodes.length - 1]!.index + 1);
      for (const node of nodes) {
        const hash = stored.get(node.index);
        if (!hash || !equalBytes(hash, node.hash)) {
          const first = node.index * 2 ** level;
          // The lowest level that does not hold names the changed entry most closely.
          if (
            !nodeFailure ||
            level < nodeFailure.level ||
            (level === nodeFailure.level && first < nodeFailure.first)
          ) {
            nodeFailure = { first, level };
          }
          break;
        }
      }
    }
    /**
     * The first entry in [from, to) of this chunk whose successor recorded another leaf hash of
     * it: an entry changed together with its own leaf hash, named exactly.
     */
    const pinpoint = async (from: number, to: number): Promise<number | undefined> => {
      for (let position = Math.max(from, start); position < Math.min(to, end, size - 1); position += 1) {
        const next =
          position + 1 < end ? rows[position + 1 - start] : (await readAuditEntryRange(db, end, end + 1))[0];
        const recorded = next?.prevLeafHash;
        if (recorded && !equalBytes(recorded, leafHashes[position - start]!)) return position;
      }
      return undefined;
    };
    if (nodeFailure) {
      const { first, level } = nodeFailure;
      const last = first + 2 ** level - 1;
      const exact = await pinpoint(first, last + 1);
      if (exact !== undefined) return changedWithItsHash(exact);
      return {
        ok: false,
        firstBadEntry: first,
        reason: `the tree over entries ${first} to ${last} does not match its stored hash (an entry and its hash were changed)`,
      };
    }
    if (headFailure && !headFailure.ok) {
      const exact = await pinpoint(start, headFailure.firstBadEntry + 1);
      return exact === undefined ? headFailure : changedWithItsHash(exact);
    }
  }
  const lastHead = heads.at(-1);
  if (lastHead && lastHead.treeSize > size) {
    return {
      ok: false,
      firstBadEntry: size,
      reason: `entries ${size} to ${lastHead.treeSize - 1} are missing: the tree head signed at size ${lastHead.treeSize} covers them`,
    };
  }
  const beyond = await auditNodeCoverage(db);
  if (beyond > size) {
    return {
      ok: false,
      firstBadEntry: size,
      reason: `entry ${size} is missing: the stored tree covers ${beyond} entries`,
    };
  }
  return { ok: true, treeSize: size, rootHash: hex(rootOfFrontier(frontier)), signedHeads: heads.length };
}

// --- proofs as files (comity audit export-proof / verify --proof) -------------------------------

export type InclusionProofFile = Readonly<{ kind: 'inclusion' } & InclusionProofView>;
export type ConsistencyProofFile = Readonly<{ kind: 'consistency' } & ConsistencyProofView>;
export type ProofFile = InclusionProofFile | ConsistencyProofFile;

/** Checks a proof file offline: the entry's hash, the proof, the roots it names. */
export function verifyProofFile(file: ProofFile): { ok: boolean; description: string } {
  if (file.kind === 'inclusion') {
    const entry = new Uint8Array(Buffer.from(file.entry, 'base64'));
    const leafHash = hashLeaf(entry);
    if (hex(leafHash) !== file.leafHash) {
      return {
        ok: false,
        description: `entry ${file.index}: its bytes do not match the leaf hash in the proof`,
      };
    }
    const ok = verifyInclusion(
      leafHash,
      file.index,
      file.treeSize,
      file.proof.map(fromHex),
      fromHex(file.rootHash),
    );
    return {
      ok,
      description: ok
        ? `entry ${file.index} is in the tree of ${file.treeSize} entries with root ${file.rootHash}`
        : `entry ${file.index}: the proof does not lead to root ${file.rootHash} at size ${file.treeSize}`,
    };
  }
  const ok = verifyConsistency(
    file.oldSize,
    file.newSize,
    fromHex(file.oldRootHash),
    fromHex(file.newRootHash),
    file.proof.map(fromHex),
  );
  return {
    ok,
    description: ok
      ? `the tree of ${file.oldSize} entries (root ${file.oldRootHash}) is a prefix of the tree of ${file.newSize} (root ${file.newRootHash})`
      : `the tree of ${file.oldSize} entries is not shown consistent with the tree of ${file.newSize}`,
  };
}
