/**
 * All SQL about treaty-status records (signatures, deposits, reports). Records are only ever
 * added: a correction is a new record with its own source, so the history of what the node was
 * told, and by whom, stays readable.
 */
import type { Kysely } from 'kysely';
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
  };
}

/** Every record, by date (undated last), then participant, then time of entry. */
export async function listTreatyRecords(db: Kysely<Database>): Promise<StoredTreatyRecord[]> {
  const rows = await selectRecords(db)
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

/** The participants of the directory (code, alpha-3, kind), to check the codes of new records. */
export async function listDirectoryParticipants(db: Kysely<Database>): Promise<DirectoryParticipant[]> {
  return db.selectFrom('states').select(['code', 'iso3', 'kind']).orderBy('code').execute();
}
