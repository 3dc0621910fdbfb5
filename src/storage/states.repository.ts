/**
 * All SQL about the directory of States. Names and the profile are jsonb; the service parses them
 * into domain types. Seeding only ever inserts codes that are missing, so a profile the
 * administrator edited is never overwritten by a newer seed.
 */
import { type Kysely, sql } from 'kysely';

import type { Database } from './schema.ts';

/** A directory row as stored, with the username of whoever last edited the profile. */
export type StoredState = Readonly<{
  code: string;
  iso3: string | null;
  numericCode: string | null;
  kind: string;
  names: unknown;
  profile: unknown;
  updatedAt: Date;
  updatedBy: Readonly<{ id: string; username: string }> | null;
}>;

/** What seeding writes for one State. */
export type StateInsert = Readonly<{
  code: string;
  iso3: string | null;
  numericCode: string | null;
  kind: string;
  names: unknown;
  profile: unknown;
}>;

function selectStates(db: Kysely<Database>) {
  return db
    .selectFrom('states')
    .leftJoin('users', 'users.id', 'states.updated_by')
    .select([
      'states.code',
      'states.iso3',
      'states.numeric_code',
      'states.kind',
      'states.names',
      'states.profile',
      'states.updated_at',
      'states.updated_by',
      'users.username',
    ]);
}

type JoinedRow = Readonly<{
  code: string;
  iso3: string | null;
  numeric_code: string | null;
  kind: string;
  names: unknown;
  profile: unknown;
  updated_at: Date;
  updated_by: string | null;
  username: string | null;
}>;

/** pg and PGlite both parse jsonb; a driver configured otherwise would hand back text. */
function parseJson(value: unknown): unknown {
  return typeof value === 'string' ? JSON.parse(value) : value;
}

function toStoredState(row: JoinedRow): StoredState {
  return {
    code: row.code,
    iso3: row.iso3,
    numericCode: row.numeric_code,
    kind: row.kind,
    names: parseJson(row.names),
    profile: parseJson(row.profile),
    updatedAt: new Date(row.updated_at),
    updatedBy: row.updated_by ? { id: row.updated_by, username: row.username ?? '' } : null,
  };
}

/** Inserts the States whose code is not in the table yet; returns how many were inserted. */
export async function insertMissingStates(
  db: Kysely<Database>,
  states: readonly StateInsert[],
  now: Date,
): Promise<number> {
  if (states.length === 0) return 0;
  const inserted = await db
    .insertInto('states')
    .values(
      states.map((state) => ({
        code: state.code,
        iso3: state.iso3,
        numeric_code: state.numericCode,
        kind: state.kind,
        names: JSON.stringify(state.names),
        profile: JSON.stringify(state.profile),
        updated_at: now,
      })),
    )
    .onConflict((conflict) => conflict.column('code').doNothing())
    .returning('code')
    .execute();
  return inserted.length;
}

/** Every State, by code. */
export async function listStoredStates(db: Kysely<Database>): Promise<StoredState[]> {
  const rows = await selectStates(db).orderBy('states.code').execute();
  return rows.map(toStoredState);
}

/**
 * A stamp that changes whenever a State is added, changed or removed, in this process or in
 * another one sharing the database: the directory's version, which the database raises in the
 * same transaction as the change (migration 2026-12-23T10-00-00_directory-version).
 */
export async function readDirectoryStamp(db: Kysely<Database>): Promise<string> {
  const result = await sql<{ stamp: string }>`select ${directoryStampExpression()} as stamp`.execute(db);
  return result.rows[0]?.stamp ?? '';
}

/** The directory stamp as an expression, for a read that takes it along with something else. */
export function directoryStampExpression() {
  return sql<string>`(select version::text from directory_version)`;
}

export async function findStoredState(db: Kysely<Database>, code: string): Promise<StoredState | undefined> {
  const row = await selectStates(db).where('states.code', '=', code).executeTakeFirst();
  return row ? toStoredState(row) : undefined;
}

/** Replaces a State's profile; false when no State has the code. */
export async function updateStoredProfile(
  db: Kysely<Database>,
  code: string,
  write: Readonly<{ profile: unknown; updatedBy: string; now: Date }>,
): Promise<boolean> {
  const result = await db
    .updateTable('states')
    .set({ profile: JSON.stringify(write.profile), updated_by: write.updatedBy, updated_at: write.now })
    .where('code', '=', code)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
