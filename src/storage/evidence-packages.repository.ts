/**
 * All SQL about evidence packages (outgoing on the executing node, incoming on the requesting
 * node): their signed manifest, chunk list, status. The inbox writes incoming packages and the
 * receiver's verdict on outgoing ones in its receiving statement (inbox.repository.ts).
 */
import { type Kysely, type Selectable, sql } from 'kysely';
import type { EvidencePackageOfferWrite, EvidencePackageVerdictWrite } from './message-effects.ts';
import { insertOutboxMessage, type NewOutboxMessage } from './outbox.repository.ts';
import type { Database, EvidencePackagesTable } from './schema.ts';

export type PackageChunk = Readonly<{ item: string; index: number; hash: string; size: number }>;
export type PackageStatus = 'sealed' | 'offered' | 'fetching' | 'verified' | 'failed';

export type StoredEvidencePackage = Readonly<{
  id: string;
  requestId: string;
  direction: 'outgoing' | 'incoming';
  peerNodeId: string;
  manifest: string;
  chunks: readonly PackageChunk[];
  packageKey: string | null;
  status: PackageStatus;
  failureReason: string | null;
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
  isOutcomeRecorded: boolean;
}>;

function toPackage(row: Selectable<EvidencePackagesTable>): StoredEvidencePackage {
  return {
    id: row.id,
    requestId: row.request_id,
    direction: row.direction as StoredEvidencePackage['direction'],
    peerNodeId: row.peer_node_id,
    manifest: row.manifest,
    chunks: (typeof row.chunks === 'string' ? JSON.parse(row.chunks) : row.chunks) as PackageChunk[],
    packageKey: row.package_key,
    status: row.status as PackageStatus,
    failureReason: row.failure_reason,
    createdBy: row.created_by,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
    isOutcomeRecorded: row.is_outcome_recorded,
  };
}

export async function insertOutgoingPackage(
  db: Kysely<Database>,
  input: Readonly<{
    id: string;
    requestId: string;
    peerNodeId: string;
    manifest: string;
    chunks: readonly PackageChunk[];
    /** base64url; kept until the package is settled (the offer carries it, encrypted). */
    packageKey: string;
    createdBy: string;
    now: Date;
  }>,
): Promise<void> {
  await db
    .insertInto('evidence_packages')
    .values({
      id: input.id,
      request_id: input.requestId,
      direction: 'outgoing',
      peer_node_id: input.peerNodeId,
      manifest: input.manifest,
      chunks: JSON.stringify(input.chunks),
      package_key: input.packageKey,
      status: 'sealed',
      failure_reason: null,
      created_by: input.createdBy,
      created_at: input.now,
      updated_at: input.now,
    })
    .execute();
}

export async function findEvidencePackage(
  db: Kysely<Database>,
  id: string,
): Promise<StoredEvidencePackage | undefined> {
  const row = await db.selectFrom('evidence_packages').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toPackage(row) : undefined;
}

export async function listEvidencePackagesOfRequest(
  db: Kysely<Database>,
  requestId: string,
): Promise<StoredEvidencePackage[]> {
  const rows = await db
    .selectFrom('evidence_packages')
    .selectAll()
    .where('request_id', '=', requestId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(toPackage);
}

/** Incoming packages still being fetched (what the transfer worker resumes after a restart). */
export async function listIncomingPackagesToFetch(db: Kysely<Database>): Promise<StoredEvidencePackage[]> {
  const rows = await db
    .selectFrom('evidence_packages')
    .selectAll()
    .where('direction', '=', 'incoming')
    .where('status', '=', 'fetching')
    .orderBy('created_at')
    .execute();
  return rows.map(toPackage);
}

/** Outgoing packages the receiver has given its verdict on, not yet recorded in the items' custody. */
export async function listOutgoingVerdictsToRecord(db: Kysely<Database>): Promise<StoredEvidencePackage[]> {
  const rows = await db
    .selectFrom('evidence_packages')
    .selectAll()
    .where('direction', '=', 'outgoing')
    .where('status', 'in', ['verified', 'failed'])
    .where('is_outcome_recorded', '=', false)
    .execute();
  return rows.map(toPackage);
}

export async function markVerdictRecorded(db: Kysely<Database>, id: string): Promise<void> {
  await db.updateTable('evidence_packages').set({ is_outcome_recorded: true }).where('id', '=', id).execute();
}

/**
 * Moves a package from one of `from` to `to` (with the reason of a failure); the package key goes
 * once the package is settled. False when the package was not in one of `from`.
 */
export async function moveEvidencePackage(
  db: Kysely<Database>,
  id: string,
  from: readonly PackageStatus[],
  to: PackageStatus,
  now: Date,
  failureReason: string | null = null,
): Promise<boolean> {
  const isSettled = to === 'verified' || to === 'failed';
  const result = await db
    .updateTable('evidence_packages')
    .set({
      status: to,
      failure_reason: failureReason,
      updated_at: now,
      ...(isSettled ? { package_key: null } : {}),
    })
    .where('id', '=', id)
    .where('status', 'in', [...from])
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** The inbox's CTE part for an offered package: a new incoming package, fetched by the worker. */
export function offeredPackageInsert(offer: EvidencePackageOfferWrite) {
  return sql`
    insert into evidence_packages
           (id, request_id, direction, peer_node_id, manifest, chunks, package_key, status,
            created_at, updated_at)
    select ${offer.packageId}::uuid, ${offer.requestId}::uuid, 'incoming', ${offer.peerNodeId}::text,
           ${offer.manifest}::text, ${JSON.stringify(offer.chunks)}::jsonb, ${offer.packageKey}::text,
           'fetching', ${offer.receivedAt}::timestamptz, ${offer.receivedAt}::timestamptz
      from inbox
    on conflict (id) do nothing
    returning id`;
}

/** The inbox's CTE part for the receiver's verdict on an outgoing package (only from its addressee). */
export function packageVerdictUpdate(verdict: EvidencePackageVerdictWrite) {
  return sql`
    update evidence_packages
       set status = ${verdict.isVerified ? 'verified' : 'failed'}::text,
           failure_reason = ${verdict.failureReason}::text,
           updated_at = ${verdict.receivedAt}::timestamptz
     where id = ${verdict.packageId}::uuid
       and direction = 'outgoing'
       and peer_node_id = ${verdict.peerNodeId}::text
       and status in ('offered', 'sealed')
       and exists (select 1 from inbox)
    returning id`;
}

/**
 * Moves a package from one of `from` to `to` and queues the message that says so, in one
 * transaction (transactional outbox). False, nothing written, when the package was not in `from`.
 */
export async function movePackageAndQueue(
  db: Kysely<Database>,
  input: Readonly<{
    packageId: string;
    from: readonly PackageStatus[];
    to: PackageStatus;
    failureReason?: string | null;
    message: NewOutboxMessage;
  }>,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const isMoved = await moveEvidencePackage(
      trx,
      input.packageId,
      input.from,
      input.to,
      input.message.now,
      input.failureReason ?? null,
    );
    if (isMoved) await insertOutboxMessage(trx, input.message);
    return isMoved;
  });
}
