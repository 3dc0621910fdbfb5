/**
 * Alerts as the node keeps them (migration 2026-12-05T10-00-00_alerts): raised once per dedup
 * key, listed newest first.
 */
import { type Kysely, sql } from 'kysely';
import { compiledOnce, type ValueOf } from './compiled-once.ts';
import type { Database } from './schema.ts';

export type NewAlert = Readonly<{
  dedupKey: string;
  kind: string;
  requestId: string | null;
  recipientUserIds: readonly string[];
  details: Readonly<Record<string, unknown>>;
  raisedAt: Date;
}>;

export type StoredAlert = Readonly<{
  id: string;
  dedupKey: string;
  kind: string;
  requestId: string | null;
  recipientUserIds: string[];
  details: Record<string, unknown>;
  raisedAt: Date;
}>;

/** An alert to store, with the users who get an e-mail copy of it. */
export type NewAlertWithCopies = NewAlert & Readonly<{ emailRecipients?: readonly string[] }>;

/**
 * Stores each alert unless one with its dedup key exists, and in the same statement one pending
 * delivery per target (due at once): an e-mail to each of its `emailRecipients`, a call to each
 * registered webhook endpoint. An alert is never stored without the copies that must leave the
 * node. One statement for all of them (a round of the alert timers raises its alerts at once).
 * The alerts stored, in the order given, each with how many copies were queued; an alert whose key
 * existed (or came earlier in `alerts`) is left out and queues nothing.
 */
export async function insertAlerts(
  db: Kysely<Database>,
  alerts: readonly NewAlertWithCopies[],
): Promise<(StoredAlert & Readonly<{ queuedDeliveries: number }>)[]> {
  if (alerts.length === 0) return [];
  const input = JSON.stringify(
    alerts.map((alert, position) => ({
      position,
      dedup_key: alert.dedupKey,
      kind: alert.kind,
      request_id: alert.requestId,
      recipients: alert.recipientUserIds,
      details: alert.details,
      raised_at: alert.raisedAt.toISOString(),
      email_recipients: alert.emailRecipients ?? [],
    })),
  );
  const result = await sql<AlertRow>`
    with input as (
      -- A key given twice is raised once, with what came first.
      select distinct on (dedup_key) *
        from jsonb_to_recordset(${input}::jsonb) as alert(position int, dedup_key text, kind text, request_id uuid,
             recipients jsonb, details jsonb, raised_at timestamptz, email_recipients jsonb)
       order by dedup_key, position
    ), inserted as (
      -- In key order: concurrent rounds take the keys' locks in one order (no deadlock).
      insert into alerts (dedup_key, kind, request_id, recipients, details, raised_at)
      select dedup_key, kind, request_id, recipients, details, raised_at from input order by dedup_key
      on conflict (dedup_key) do nothing
      returning id, dedup_key, kind, request_id, recipients, details, raised_at
    ), targets as (
      -- Each recipient once, however often the alert names them.
      select distinct inserted.id as alert_id, inserted.raised_at, 'email' as channel, recipient.id::uuid as target_id
        from inserted
        join input on input.dedup_key = inserted.dedup_key
        cross join jsonb_array_elements_text(input.email_recipients) as recipient(id)
      union all
      select inserted.id, inserted.raised_at, 'webhook', webhook_endpoints.id
        from inserted cross join webhook_endpoints
    ), deliveries as (
      insert into alert_deliveries (alert_id, channel, target_id, next_attempt_at, first_attempt_at)
      select alert_id, channel, target_id, raised_at, raised_at from targets
      returning alert_id
    ), queued as (
      select alert_id, count(*)::int as deliveries from deliveries group by alert_id
    )
    select inserted.*, coalesce(queued.deliveries, 0) as queued_deliveries
      from inserted
      join input on input.dedup_key = inserted.dedup_key
      left join queued on queued.alert_id = inserted.id
     order by input.position`.execute(db);
  return result.rows.map((row) => ({
    ...toStoredAlert(row),
    queuedDeliveries: Number(row.queued_deliveries),
  }));
}

const selectRaisedAlertKeys = compiledOnce((db, value: ValueOf<{ dedupKeys: string[] }>) =>
  db
    .selectFrom('alerts')
    .select('dedup_key')
    .where(sql<boolean>`dedup_key = any(${value('dedupKeys')}::text[])`),
);

/** Which of these dedup keys were raised already (one read for a round's worth of alerts). */
export async function listRaisedAlertKeys(
  db: Kysely<Database>,
  dedupKeys: readonly string[],
): Promise<Set<string>> {
  if (dedupKeys.length === 0) return new Set();
  const rows = await selectRaisedAlertKeys(db, { dedupKeys: [...dedupKeys] });
  return new Set(rows.map((row) => row.dedup_key));
}

type AlertRow = {
  queued_deliveries: number | string;
  id: string;
  dedup_key: string;
  kind: string;
  request_id: string | null;
  recipients: unknown;
  details: unknown;
  raised_at: Date | string;
};

/** The alerts of a request, oldest first. */
export async function listAlertsOfRequest(db: Kysely<Database>, requestId: string): Promise<StoredAlert[]> {
  const rows = await db
    .selectFrom('alerts')
    .select(['id', 'dedup_key', 'kind', 'request_id', 'recipients', 'details', 'raised_at'])
    .where('request_id', '=', requestId)
    .orderBy('raised_at')
    .orderBy('id')
    .execute();
  return rows.map(toStoredAlert);
}

function toStoredAlert(row: {
  id: string;
  dedup_key: string;
  kind: string;
  request_id: string | null;
  recipients: unknown;
  details: unknown;
  raised_at: Date | string;
}): StoredAlert {
  return {
    id: row.id,
    dedupKey: row.dedup_key,
    kind: row.kind,
    requestId: row.request_id,
    recipientUserIds: row.recipients as string[],
    details: row.details as Record<string, unknown>,
    raisedAt: new Date(row.raised_at),
  };
}
