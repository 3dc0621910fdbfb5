/**
 * All SQL about consent for a use of received evidence (docs/evidence.md, "Conditions of use and
 * consent"): asked on the requesting node (`outgoing`), answered on the executing node
 * (`incoming`); the same id on both sides. The inbox writes the ask and the answer in its
 * receiving statement (inbox.repository.ts) with `is_custody_pending`, which the evidence transfer
 * round clears once it has recorded the step in the items' custody chains.
 */
import { type Kysely, type Selectable, sql } from 'kysely';
import type { EvidenceConsentAnswerWrite, EvidenceConsentAskWrite } from './message-effects.ts';
import { insertOutboxMessage, type NewOutboxMessage } from './outbox.repository.ts';
import type { Database, EvidenceConsentsTable } from './schema.ts';

export type ConsentUseKind = 'onward-transfer' | 'other-case' | 'disclosure';
export type ConsentStatus = 'pending' | 'granted' | 'refused';

export type StoredConsent = Readonly<{
  id: string;
  requestId: string;
  packageId: string;
  direction: 'outgoing' | 'incoming';
  peerNodeId: string;
  use: Readonly<{ kind: ConsentUseKind; target: string | null }>;
  reasons: string;
  status: ConsentStatus;
  answerConditions: string | null;
  answerReasons: string | null;
  askedBy: string | null;
  askedAt: Date;
  answeredBy: string | null;
  answeredAt: Date | null;
  isCustodyPending: boolean;
}>;

function toConsent(row: Selectable<EvidenceConsentsTable>): StoredConsent {
  return {
    id: row.id,
    requestId: row.request_id,
    packageId: row.package_id,
    direction: row.direction as StoredConsent['direction'],
    peerNodeId: row.peer_node_id,
    use: { kind: row.use_kind as ConsentUseKind, target: row.use_target },
    reasons: row.reasons,
    status: row.status as ConsentStatus,
    answerConditions: row.answer_conditions,
    answerReasons: row.answer_reasons,
    askedBy: row.asked_by,
    askedAt: new Date(row.asked_at),
    answeredBy: row.answered_by,
    answeredAt: row.answered_at === null ? null : new Date(row.answered_at),
    isCustodyPending: row.is_custody_pending,
  };
}

export async function findConsent(db: Kysely<Database>, id: string): Promise<StoredConsent | undefined> {
  const row = await db.selectFrom('evidence_consents').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toConsent(row) : undefined;
}

export async function listConsentsOfRequest(
  db: Kysely<Database>,
  requestId: string,
): Promise<StoredConsent[]> {
  const rows = await db
    .selectFrom('evidence_consents')
    .selectAll()
    .where('request_id', '=', requestId)
    .orderBy('asked_at')
    .orderBy('id')
    .execute();
  return rows.map(toConsent);
}

/** Asks and answers that arrived by message and are not yet in the items' custody chains. */
export async function listConsentsWithCustodyPending(db: Kysely<Database>): Promise<StoredConsent[]> {
  const rows = await db
    .selectFrom('evidence_consents')
    .selectAll()
    .where('is_custody_pending', '=', true)
    .orderBy('asked_at')
    .execute();
  return rows.map(toConsent);
}

export async function markConsentCustodyRecorded(db: Kysely<Database>, id: string): Promise<void> {
  await db.updateTable('evidence_consents').set({ is_custody_pending: false }).where('id', '=', id).execute();
}

/** The requesting node asks: the consent row (pending) and the message, in one transaction. */
export async function insertConsentAskAndQueue(
  db: Kysely<Database>,
  input: Readonly<{
    id: string;
    requestId: string;
    packageId: string;
    peerNodeId: string;
    use: Readonly<{ kind: ConsentUseKind; target: string | null }>;
    reasons: string;
    askedBy: string;
    message: NewOutboxMessage;
  }>,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('evidence_consents')
      .values({
        id: input.id,
        request_id: input.requestId,
        package_id: input.packageId,
        direction: 'outgoing',
        peer_node_id: input.peerNodeId,
        use_kind: input.use.kind,
        use_target: input.use.target,
        reasons: input.reasons,
        status: 'pending',
        asked_by: input.askedBy,
        asked_at: input.message.now,
      })
      .execute();
    await insertOutboxMessage(trx, input.message);
  });
}

/**
 * The executing node answers a pending ask and queues the answer, in one transaction. False,
 * nothing written, when the ask was not pending (answered meanwhile).
 */
export async function answerConsentAndQueue(
  db: Kysely<Database>,
  input: Readonly<{
    id: string;
    status: 'granted' | 'refused';
    conditions: string | null;
    reasons: string;
    answeredBy: string;
    message: NewOutboxMessage;
  }>,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const result = await trx
      .updateTable('evidence_consents')
      .set({
        status: input.status,
        answer_conditions: input.conditions,
        answer_reasons: input.reasons,
        answered_by: input.answeredBy,
        answered_at: input.message.now,
      })
      .where('id', '=', input.id)
      .where('direction', '=', 'incoming')
      .where('status', '=', 'pending')
      .executeTakeFirst();
    const isAnswered = Number(result.numUpdatedRows) === 1;
    if (isAnswered) await insertOutboxMessage(trx, input.message);
    return isAnswered;
  });
}

/**
 * The inbox's CTE part for an ask arriving at the executing node: a pending incoming consent, only
 * for a package this node sent to the asking node for that request.
 */
export function consentAskInsert(ask: EvidenceConsentAskWrite) {
  return sql`
    insert into evidence_consents
           (id, request_id, package_id, direction, peer_node_id, use_kind, use_target, reasons,
            status, asked_at, is_custody_pending)
    select ${ask.consentId}::uuid, p.request_id, p.id, 'incoming', ${ask.peerNodeId}::text,
           ${ask.use.kind}::text, ${ask.use.target}::text, ${ask.reasons}::text, 'pending',
           ${ask.askedAt}::timestamptz, true
      from evidence_packages p
     where p.id = ${ask.packageId}::uuid
       and p.direction = 'outgoing'
       and p.peer_node_id = ${ask.peerNodeId}::text
       and p.request_id = ${ask.requestId}::uuid
       and exists (select 1 from inbox)
    on conflict (id) do nothing
    returning id`;
}

/** The inbox's CTE part for the answer arriving at the requesting node (only from the node asked). */
export function consentAnswerUpdate(answer: EvidenceConsentAnswerWrite) {
  return sql`
    update evidence_consents
       set status = ${answer.isGranted ? 'granted' : 'refused'}::text,
           answer_conditions = ${answer.conditions}::text,
           answer_reasons = ${answer.reasons}::text,
           answered_at = ${answer.answeredAt}::timestamptz,
           is_custody_pending = true
     where id = ${answer.consentId}::uuid
       and direction = 'outgoing'
       and peer_node_id = ${answer.peerNodeId}::text
       and status = 'pending'
       and exists (select 1 from inbox)
    returning id`;
}
