/**
 * Table types for Kysely. Column names are snake_case; repositories map rows to domain types.
 * Keep in step with src/storage/migrations.
 */
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string, string>;

export interface UsersTable {
  id: Generated<string>;
  username: string;
  display_name: string;
  password_hash: string;
  roles: ColumnType<string[], string[], string[]>;
  locale: string | null;
  is_disabled: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface SessionsTable {
  id_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: CreatedAt;
  last_seen_at: UpdatedAt;
  expires_at: Date | string;
}

export interface ApiTokensTable {
  id: Generated<string>;
  user_id: string;
  name: string;
  token_hash: string;
  created_at: CreatedAt;
  expires_at: Date | string | null;
  revoked_at: Date | string | null;
  last_used_at: Date | string | null;
}

export interface RequestsTable {
  id: Generated<string>;
  type: string;
  status: Generated<string>;
  /** The RequestContent JSON; insert and update with JSON.stringify. */
  content: Json<unknown>;
  case_reference: string | null;
  requested_state: string | null;
  revision: Generated<number>;
  created_by: string;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface StatesTable {
  code: string;
  iso3: string | null;
  numeric_code: string | null;
  kind: string;
  names: Json<unknown>;
  profile: Json<unknown>;
  updated_at: UpdatedAt;
  updated_by: string | null;
}

export interface TreatyRecordsTable {
  id: Generated<string>;
  state_code: string;
  action: string;
  /** 'YYYY-MM-DD' (the date parser keeps dates as strings on both drivers). */
  date: string | null;
  date_note: string | null;
  source: string;
  evidence: string;
  note: string | null;
  origin: string;
  created_at: CreatedAt;
  created_by: string | null;
}

export interface NodeSettingsTable {
  key: string;
  value: Json<unknown>;
  updated_at: UpdatedAt;
}

export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  requests: RequestsTable;
  states: StatesTable;
  treaty_records: TreatyRecordsTable;
  node_settings: NodeSettingsTable;
}

export type UserRow = Selectable<UsersTable>;
export type NewUserRow = Insertable<UsersTable>;
export type RequestRow = Selectable<RequestsTable>;
export type RequestUpdate = Updateable<RequestsTable>;
export type StateRow = Selectable<StatesTable>;
export type TreatyRecordRow = Selectable<TreatyRecordsTable>;
