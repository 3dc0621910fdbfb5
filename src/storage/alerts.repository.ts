/**
 * Alerts as the node keeps them (migration 2026-12-05T10-00-00_alerts): raised once per dedup
 * key, listed newest first.
 */
import { type Kysely, sql } from 'kysely';
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

/**
 * Stores the alert unless one with its dedup key exists, and in the same statement one pending
 * delivery per target (due at once): an e-mail to each of `emailRecipients`, a call to each
 * registered webhook endpoint. An alert is never stored without the copies that must leave the
 * node. The new alert with how many copies were queued, or undefined when one with its key existed
 * (no delivery added).
 */
export async function insertAlert(
  db: Kysely<Database>,
  alert: NewAlert,
  emailRecipients: readonly string[] = [],
): Promise<(StoredAlert & Readonly<{ queuedDeliveries: number }>) | undefined> {
  const targets = JSON.stringify(emailRecipients.map((userId) => ({ channel: 'email', target_id: userId })));
  const result = await sql<AlertRow>`
    with inserted as (
      insert into alerts (dedup_key, kind, request_id, recipients, details, raised_at)
      values (${alert.dedupKey}, ${alert.kind}, ${alert.requestId}::uuid, ${JSON.stringify(alert.recipientUserIds)}::jsonb,
              ${JSON.stringify(alert.details)}::jsonb, ${alert.raisedAt.toISOString()}::timestamptz)
      on conflict (dedup_key) do nothing
      returning id, dedup_key, kind, request_id, recipients, details, raised_at
    ), targets as (
      select target.channel, target.target_id::uuid as target_id
        from jsonb_to_recordset(${targets}::jsonb) as target(channel text, target_id text)
      union all
      select 'webhook', id from webhook_endpoints
    ), deliveries as (
      insert into alert_deliveries (alert_id, channel, target_id, next_attempt_at, first_attempt_at)
      select inserted.id, targets.channel, targets.target_id, inserted.raised_at, inserted.raised_at
      from inserted cross join targets
      returning 1
    )
    select inserted.*, (select count(*) from deliveries)::int as queued_deliveries from inserted`.execute(db);
  const row = result.rows[0];
  return row && { ...toStoredAlert(row), queuedDeliveries: Number(row.queued_deliveries) };
}

/** Which of these dedup keys were raised already (one read for a round's worth of alerts). */
export async function listRaisedAlertKeys(
  db: Kysely<Database>,
  dedupKeys: readonly string[],
): Promise<Set<string>> {
  if (dedupKeys.length === 0) return new Set();
  const rows = await db
    .selectFrom('alerts')
    .select('dedup_key')
    .where(sql<boolean>`dedup_key = any(${[...dedupKeys]}::text[])`)
    .execute();
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
