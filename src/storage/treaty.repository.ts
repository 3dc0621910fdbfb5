/**
 * All SQL about treaty-status records (signatures, deposits, reports). Records are only ever
 * added: a correction is a new record with its own source, and a record entered in error is
 * retracted (a retraction beside it, with its reason), so the history of what the node was told,
 * and by whom, stays readable.
 */
import { type Kysely, sql } from 'kysely';
import type { Database } from './schema.ts';

/** A record as stored, with the participant's kind from the directory and its author. */
export type StoredTreatyRecord = Readonly<{
  id: string;
  stateCode: string;
  /** 'state' or 'organization', from the directory of States. */
  kind: string;
  action: string;
  date: string | null;
  dateNote: string | null;
  source: string;
  evidence: string;
  note: string | null;
  /** 'seed' (from src/data/treaty), 'api', 'import' or 'cli'. */
  origin: string;
  createdAt: Date;
  createdBy: Readonly<{ id: string; username: string }> | null;
  /** Why, on whose word and by whom the record was retracted; null while it counts. */
  retraction: StoredRetraction | null;
}>;

export type StoredRetraction = Readonly<{
  reason: string;
  source: string | null;
  createdAt: Date;
  createdBy: Readonly<{ id: string; username: string }> | null;
}>;

export type RetractionInsert = Readonly<{
  recordId: string;
  reason: string;
  source: string | null;
  createdBy: string | null;
}>;

export type TreatyRecordInsert = Readonly<{
  stateCode: string;
  action: string;
  date: string | null;
  dateNote: string | null;
  source: string;
  evidence: string;
  note: string | null;
  origin: string;
  createdBy: string | null;
}>;

/** A participant of the directory, as the treaty records need it. */
export type DirectoryParticipant = Readonly<{ code: string; iso3: string | null; kind: string }>;

function selectRecords(db: Kysely<Database>) {
  return db
    .selectFrom('treaty_records')
    .innerJoin('states', 'states.code', 'treaty_records.state_code')
    .leftJoin('users', 'users.id', 'treaty_records.created_by')
    .leftJoin('treaty_record_retractions as retractions', 'retractions.record_id', 'treaty_records.id')
    .leftJoin('users as retracted_by', 'retracted_by.id', 'retractions.created_by')
    .select([
      'treaty_records.id',
      'treaty_records.state_code',
      'states.kind',
      'treaty_records.action',
      'treaty_records.date',
      'treaty_records.date_note',
      'treaty_records.source',
      'treaty_records.evidence',
      'treaty_records.note',
      'treaty_records.origin',
      'treaty_records.created_at',
      'treaty_records.created_by',
      'users.username',
      'retractions.reason as retraction_reason',
      'retractions.source as retraction_source',
      'retractions.created_at as retracted_at',
      'retractions.created_by as retracted_by_id',
      'retracted_by.username as retracted_by_username',
    ]);
}

type JoinedRow = Readonly<{
  id: string;
  state_code: string;
  kind: string;
  action: string;
  date: string | null;
  date_note: string | null;
  source: string;
  evidence: string;
  note: string | null;
  origin: string;
  created_at: Date;
  created_by: string | null;
  username: string | null;
  retraction_reason: string | null;
  retraction_source: string | null;
  retracted_at: Date | null;
  retracted_by_id: string | null;
  retracted_by_username: string | null;
}>;

function toStoredRecord(row: JoinedRow): StoredTreatyRecord {
  return {
    id: row.id,
    stateCode: row.state_code,
    kind: row.kind,
    action: row.action,
    date: row.date,
    dateNote: row.date_note,
    source: row.source,
    evidence: row.evidence,
    note: row.note,
    origin: row.origin,
    createdAt: row.created_at,
    createdBy: row.created_by && row.username ? { id: row.created_by, username: row.username } : null,
    retraction:
      row.retraction_reason !== null && row.retracted_at !== null
        ? {
            reason: row.retraction_reason,
            source: row.retraction_source,
            createdAt: row.retracted_at,
            createdBy:
              row.retracted_by_id && row.retracted_by_username
                ? { id: row.retracted_by_id, username: row.retracted_by_username }
                : null,
          }
        : null,
  };
}

/** The advisory lock every change to the records takes first (an arbitrary constant, beside the audit log's). */
const TREATY_RECORDS_LOCK = 6962_0002;

/**
 * Takes the records' lock until the transaction ends: a change checks the records it rests on (a
 * ratification its signature, a retraction the records resting on it) and then writes, so two
 * changes at once would each pass against records the other is changing.
 */
export async function lockTreatyRecords(trx: Kysely<Database>): Promise<void> {
  await sql`select pg_advisory_xact_lock(${TREATY_RECORDS_LOCK})`.execute(trx);
}

/** Every record, retracted ones too, by date (undated last), then participant, then time of entry. */
export async function listTreatyRecords(db: Kysely<Database>): Promise<StoredTreatyRecord[]> {
  return listRecordsWhere(db, false);
}

/** The records that count: every record but the retracted ones, in the same order. */
export async function listCountedTreatyRecords(db: Kysely<Database>): Promise<StoredTreatyRecord[]> {
  return listRecordsWhere(db, true);
}

async function listRecordsWhere(db: Kysely<Database>, isCountedOnly: boolean): Promise<StoredTreatyRecord[]> {
  const rows = await selectRecords(db)
    .$if(isCountedOnly, (query) => query.where('retractions.record_id', 'is', null))
    .orderBy('treaty_records.date', (order) => order.asc().nullsLast())
    .orderBy('treaty_records.state_code')
    .orderBy('treaty_records.created_at')
    .orderBy('treaty_records.id')
    .execute();
  return rows.map(toStoredRecord);
}

export async function findTreatyRecord(
  db: Kysely<Database>,
  id: string,
): Promise<StoredTreatyRecord | undefined> {
  const row = await selectRecords(db).where('treaty_records.id', '=', id).executeTakeFirst();
  return row ? toStoredRecord(row) : undefined;
}

/** Inserts the records in one statement (all or none) and returns their ids in order. */
export async function insertTreatyRecords(
  db: Kysely<Database>,
  records: readonly TreatyRecordInsert[],
): Promise<string[]> {
  if (records.length === 0) return [];
  const rows = await db
    .insertInto('treaty_records')
    .values(
      records.map((record) => ({
        state_code: record.stateCode,
        action: record.action,
        date: record.date,
        date_note: record.dateNote,
        source: record.source,
        evidence: record.evidence,
        note: record.note,
        origin: record.origin,
        created_by: record.createdBy,
      })),
    )
    .returning('id')
    .execute();
  return rows.map((row) => row.id);
}

/**
 * Records the retraction of a record; false when the record was already retracted (the first
 * retraction stands, and says why).
 */
export async function insertRetraction(db: Kysely<Database>, retraction: RetractionInsert): Promise<boolean> {
  const rows = await db
    .insertInto('treaty_record_retractions')
    .values({
      record_id: retraction.recordId,
      reason: retraction.reason,
      source: retraction.source,
      created_by: retraction.createdBy,
    })
    .onConflict((conflict) => conflict.column('record_id').doNothing())
    .returning('record_id')
    .execute();
  return rows.length === 1;
}

/** The participants of the directory (code, alpha-3, kind), to check the codes of new records. */
export async function listDirectoryParticipants(db: Kysely<Database>): Promise<DirectoryParticipant[]> {
  return db.selectFrom('states').select(['code', 'iso3', 'kind']).orderBy('code').execute();
}
