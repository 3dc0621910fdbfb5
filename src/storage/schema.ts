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
  /** Where e-mail alerts go; null: none. */
  email: Generated<string | null>;
  is_disabled: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  /** A one-time password: the next sign-in must change it before anything else. */
  must_change_password: Generated<boolean>;
  /** TOTP shared secret (base32); null: not enrolled. */
  totp_secret: Generated<string | null>;
  /** When TOTP enrolment was confirmed with a first code; null: not (yet) enrolled. */
  totp_confirmed_at: Generated<Date | string | null>;
  /** The last TOTP time step accepted (a code is accepted once). */
  totp_last_step: Generated<string | number | null>;
  /** SHA-256 (hex) of each unused recovery code. */
  recovery_code_hashes: ColumnType<string[], string[] | undefined, string[]>;
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
  /** 'outgoing' (drafted here) or 'incoming' (received from a peer node). */
  direction: Generated<string>;
  /** The node the request was sent to (outgoing) or received from (incoming). */
  peer_node_id: string | null;
  /** The sender's id of an incoming request. */
  remote_request_id: string | null;
  /** Of a sent request: 'pending' | 'delivered' | 'failed' | 'cancelled'. */
  delivery_state: string | null;
  /** When an incoming request arrived. */
  received_at: Date | string | null;
  /** The status the case history folds to; null until the first transition after sending. */
  case_status: string | null;
  /** Of an incoming request: who the sending node says submitted it. */
  remote_submitted_by: string | null;
  /** Of an incoming request: the second person the sending node says approved its sending. */
  remote_approved_by: string | null;
}

export interface CaseEventsTable {
  id: Generated<string>;
  request_id: string;
  /** 1, 2, 3... per request, in the order this node applied the transitions. */
  sequence: number;
  transition: string;
  /** 'requesting' | 'requested'. */
  side: string;
  actor_id: string;
  actor_display_name: string;
  /** JSON array of role names; insert with JSON.stringify. */
  actor_roles: Json<unknown>;
  /** The transition's payload as the lifecycle validated it; insert with JSON.stringify. */
  payload: Json<unknown>;
  occurred_at: Date | string;
  recorded_at: Date | string;
  /** The federation message that carried the event from the other node. */
  received_message_id: string | null;
  /** The federation message that carries the event to the other node. */
  sent_message_id: string | null;
  /** `{ id, displayName }` of who approved it (the two-person rule); null when none had to. */
  approved_by: Json<unknown> | null;
  /**
   * How many of the other side's events its node held when it was made (src/core/case/
   * concurrent-steps.ts); null when not recorded: every event stored before it.
   */
  seen_other: number | null;
}

export interface AlertsTable {
  id: Generated<string>;
  /** One alert per key: "arrived:<request id>", "deadline:<request id>:acknowledge:missed"... */
  dedup_key: string;
  kind: string;
  request_id: string | null;
  /** JSON array of user ids; insert with JSON.stringify. */
  recipients: Json<unknown>;
  /** What the alert says, as data; insert with JSON.stringify. */
  details: Json<unknown>;
  raised_at: Date | string;
}

export interface DutyShiftsTable {
  id: Generated<string>;
  user_id: string;
  starts_at: Date | string;
  ends_at: Date | string;
  created_by: string | null;
  created_at: CreatedAt;
}

export interface HandoverNotesTable {
  id: Generated<string>;
  author_id: string;
  /** The next person on the roster when the note was written. */
  for_user_id: string | null;
  body: string;
  written_at: Date | string;
}

/** A change of a user's roles: applied at once, or pending until a second administrator approves. */
export interface RoleRequestsTable {
  id: Generated<string>;
  user_id: string;
  roles_added: ColumnType<string[], string[], string[]>;
  roles_removed: ColumnType<string[], string[], string[]>;
  status: 'pending' | 'approved' | 'applied' | 'superseded';
  /** null: the node's operator (the command line on the server). */
  requested_by: string | null;
  requested_at: Date | string;
  decided_by: string | null;
  decided_at: Date | string | null;
}

/** The two-person rule: something submitted to leave the node, and a second person's decision. */
export interface ApprovalsTable {
  id: Generated<string>;
  sequence: Generated<string>;
  subject_kind: 'request' | 'case-transition' | 'evidence-package';
  subject_id: string;
  request_id: string | null;
  request_type: string;
  submitted_revision: number;
  payload: ColumnType<unknown, string | null, string | null>;
  submitted_by: string | null;
  submitted_at: Date | string;
  decided_by: string | null;
  decided_at: Date | string | null;
  decision: 'approve' | 'return' | null;
  reasons: string | null;
  decision_reference: string | null;
}

export interface PeerDutyStatusTable {
  node_id: string;
  is_on_duty: boolean;
  /** When the peer's status changed, by the peer's clock. */
  as_of: Date | string;
  received_at: Date | string;
}

export interface WebhookEndpointsTable {
  id: Generated<string>;
  url: string;
  description: Generated<string>;
  /** whsec_<base64> (Standard Webhooks). */
  secret: string;
  created_at: CreatedAt;
}

export interface AlertDeliveriesTable {
  id: Generated<string>;
  alert_id: string;
  /** 'email' (target: a user) or 'webhook' (target: a webhook endpoint). */
  channel: string;
  target_id: string;
  /** pending | delivered | failed */
  status: Generated<string>;
  attempts: Generated<number>;
  next_attempt_at: Date | string;
  first_attempt_at: Date | string;
  last_attempt_at: Date | string | null;
  last_error: string | null;
  delivered_at: Date | string | null;
  lease_until: Date | string | null;
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

/** A treaty record entered in error, retracted (at most once): why, on whose word, by whom. */
export interface TreatyRecordRetractionsTable {
  record_id: string;
  reason: string;
  source: string | null;
  created_at: CreatedAt;
  created_by: string | null;
}

export interface NodeSettingsTable {
  key: string;
  value: Json<unknown>;
  updated_at: UpdatedAt;
}

export interface DirectoryNodesTable {
  node_id: string;
  state: string;
  authority: string;
  endpoint: string;
  /** BCP 47 tags; insert with JSON.stringify. */
  accepted_languages: Json<unknown>;
  service_level: Json<unknown>;
  /** What the node announced it accepts (message and request types); null: not announced. */
  accepts: ColumnType<unknown, string | null | undefined, string | null>;
  updated_at: UpdatedAt;
}

export interface DirectoryKeysTable {
  kid: string;
  node_id: string;
  use: string;
  /** The public JWK; insert with JSON.stringify. */
  jwk: Json<unknown>;
  not_before: Date | string;
  not_after: Date | string;
}

export interface DirectoryPublicationsTable {
  serial: number;
  /** The compact JWS the secretariat signed. */
  document: string;
  issued_at: Date | string;
  expires_at: Date | string;
}

export interface DirectoryCacheTable {
  /** Always 1: a node keeps one verified directory. */
  id: number;
  document: string;
  serial: number;
  fetched_at: Date | string;
}

export interface DirectoryRefreshStatusTable {
  /** Always 1: the latest refresh only. */
  id: number;
  attempted_at: Date | string;
  is_ok: boolean;
  /** Why it failed (unreachable, expired, rolled-back...); null when it succeeded. */
  reason: string | null;
  detail: string | null;
}

export interface OutboxMessagesTable {
  /** The envelope id (UUIDv7). */
  id: string;
  sequence: Generated<number>;
  case_id: string;
  peer_node_id: string;
  type: string;
  /** The compact JWS as posted. */
  message: string;
  digest: string;
  /** Digests of earlier signings of the same message (JSON array of strings). */
  previous_digests: ColumnType<unknown, string | undefined, string>;
  /** 'pending' | 'delivered' | 'failed' | 'cancelled'. */
  status: Generated<string>;
  attempts: Generated<number>;
  next_attempt_at: ColumnType<Date, Date | string | undefined, Date | string>;
  claimed_until: Date | string | null;
  last_attempt_at: Date | string | null;
  last_status_code: number | null;
  last_error: string | null;
  created_at: CreatedAt;
  delivered_at: Date | string | null;
  /** The receiver's signed receipt (compact JWS). */
  receipt: string | null;
  receipt_received_at: Date | string | null;
}

export interface InboxMessagesTable {
  /** The envelope id: the replay guard. */
  id: string;
  from_node_id: string;
  type: string;
  case_id: string;
  digest: string;
  message: string;
  /** The receipt this node signed and answered with (answered again to a replay). */
  receipt: string;
  received_at: Date | string;
  processed_at: Date | string;
}

export interface PeerStatesTable {
  peer_node_id: string;
  /** CircuitState (src/federation/delivery/circuit-breaker.ts); insert with JSON.stringify. */
  circuit: ColumnType<unknown, string | undefined, string>;
  consecutive_failures: Generated<number>;
  total_failures: Generated<number>;
  last_success_at: Date | string | null;
  last_failure_at: Date | string | null;
  last_error: string | null;
  updated_at: UpdatedAt;
}

export interface EvidenceItemsTable {
  id: string;
  request_id: string;
  file_name: string;
  media_type: string;
  /** bigint: a string from pg, a number or string from PGlite. */
  size_bytes: ColumnType<string | number, number, number>;
  sha256: string | null;
  description: string;
  /** Acquisition metadata (what, from whom, when, how, by whom, legal basis); insert with JSON.stringify. */
  acquisition: Json<unknown>;
  retention_until: ColumnType<Date | string | null, string | null, string | null>;
  is_sensitive: boolean;
  storage_key: string;
  /** 'uploading' | 'stored' | 'deleted'. */
  status: string;
  created_by: string | null;
  created_at: Date | string;
  stored_at: Date | string | null;
  deleted_at: Date | string | null;
  /** The package the item arrived in (requesting side) or was last sealed into (executing side). */
  package_id: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface EvidencePackagesTable {
  id: string;
  request_id: string;
  /** 'outgoing' | 'incoming'. */
  direction: string;
  peer_node_id: string;
  /** The signed manifest (compact JWS). */
  manifest: string;
  /** [{item, index, hash, size}]; insert with JSON.stringify. */
  chunks: Json<unknown>;
  package_key: string | null;
  /** 'sealed' | 'offered' | 'fetching' | 'verified' | 'failed'. */
  status: string;
  failure_reason: string | null;
  created_by: string | null;
  created_at: Date | string;
  updated_at: Date | string;
  is_outcome_recorded: Generated<boolean>;
}

export interface EvidenceConsentsTable {
  id: string;
  request_id: string;
  package_id: string;
  /** 'outgoing' (asked from here) | 'incoming' (asked of this node). */
  direction: string;
  peer_node_id: string;
  /** 'onward-transfer' | 'other-case' | 'disclosure'. */
  use_kind: string;
  use_target: string | null;
  reasons: string;
  /** 'pending' | 'granted' | 'refused'. */
  status: string;
  answer_conditions: string | null;
  answer_reasons: string | null;
  asked_by: string | null;
  asked_at: Date | string;
  answered_by: string | null;
  answered_at: Date | string | null;
  is_custody_pending: Generated<boolean>;
}

export interface EvidenceCustodyEventsTable {
  id: Generated<string>;
  item_id: string;
  sequence: number;
  kind: string;
  actor_id: string | null;
  actor_name: string;
  at: Date | string;
  /** Insert with JSON.stringify. */
  details: Json<unknown>;
  previous_hash: string | null;
  hash: string;
}

type BigintColumn = ColumnType<number, number | string | bigint, number | string | bigint>;

/** The audit log (src/core/audit/merkle.ts): one row per entry, the leaves of the tree. */
export interface AuditEntriesTable {
  seq: BigintColumn;
  entry: Uint8Array;
  leaf_hash: Uint8Array;
  /** The leaf hash of entry seq - 1 when this entry was appended (null for entry 0 and older rows). */
  prev_leaf_hash: Uint8Array | null;
  recorded_at: Date | string;
  action: string;
  actor: string | null;
  outcome: string;
}

/** Audit events recorded and not yet numbered into the tree (the appender empties it in batches). */
export interface AuditIntakeTable {
  /** bigserial: node-postgres returns it as text. */
  id: Generated<string>;
  /** The event as canonical JSON (an AuditEvent, without its number and time). */
  event: string;
  recorded_at: Date | string;
}

/** The tree's complete interior nodes: 2^level leaves from idx * 2^level. */
export interface AuditNodesTable {
  level: number;
  idx: BigintColumn;
  hash: Uint8Array;
}

export interface AuditTreeHeadsTable {
  tree_size: BigintColumn;
  root_hash: Uint8Array;
  signed_at: Date | string;
  key_id: string;
  signature: string;
  sent_to: string | null;
}

export interface AuditWitnessedHeadsTable {
  id: Generated<string>;
  node_id: string;
  tree_size: BigintColumn;
  root_hash: Uint8Array;
  signed_at: Date | string;
  key_id: string;
  signature: string;
  received_at: Date | string;
  flag: string | null;
}

export interface ScreeningChecklistsTable {
  request_id: string;
  /** JSON array of { itemId, answer, reasons }; insert with JSON.stringify. */
  answers: Json<unknown>;
  /** What Comity's own checks had found on each item when it was saved ({itemId: key}); null before. */
  findings_seen: Json<unknown> | null;
  revision: Generated<number>;
  updated_by: string | null;
  updated_at: UpdatedAt;
}

export interface DomesticLawProvisionsTable {
  id: Generated<string>;
  citation: string;
  title: string;
  maximum_penalty: Generated<string>;
  /** JSON array of catalogue offence ids (art-7 ... art-17); insert with JSON.stringify. */
  offences: Json<unknown>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  requests: RequestsTable;
  states: StatesTable;
  treaty_records: TreatyRecordsTable;
  treaty_record_retractions: TreatyRecordRetractionsTable;
  node_settings: NodeSettingsTable;
  outbox_messages: OutboxMessagesTable;
  inbox_messages: InboxMessagesTable;
  peer_states: PeerStatesTable;
  case_events: CaseEventsTable;
  alerts: AlertsTable;
  duty_shifts: DutyShiftsTable;
  handover_notes: HandoverNotesTable;
  peer_duty_status: PeerDutyStatusTable;
  role_requests: RoleRequestsTable;
  approvals: ApprovalsTable;
  webhook_endpoints: WebhookEndpointsTable;
  alert_deliveries: AlertDeliveriesTable;
  directory_nodes: DirectoryNodesTable;
  directory_keys: DirectoryKeysTable;
  directory_publications: DirectoryPublicationsTable;
  directory_cache: DirectoryCacheTable;
  directory_refresh_status: DirectoryRefreshStatusTable;
  evidence_items: EvidenceItemsTable;
  evidence_custody_events: EvidenceCustodyEventsTable;
  evidence_packages: EvidencePackagesTable;
  evidence_consents: EvidenceConsentsTable;
  audit_entries: AuditEntriesTable;
  audit_intake: AuditIntakeTable;
  audit_nodes: AuditNodesTable;
  audit_tree_heads: AuditTreeHeadsTable;
  audit_witnessed_heads: AuditWitnessedHeadsTable;
  screening_checklists: ScreeningChecklistsTable;
  domestic_law_provisions: DomesticLawProvisionsTable;
}

export type UserRow = Selectable<UsersTable>;
export type NewUserRow = Insertable<UsersTable>;
export type RequestRow = Selectable<RequestsTable>;
export type RequestUpdate = Updateable<RequestsTable>;
export type StateRow = Selectable<StatesTable>;
export type TreatyRecordRow = Selectable<TreatyRecordsTable>;
