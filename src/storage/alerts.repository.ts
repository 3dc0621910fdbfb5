/**
 * Alerts as the node keeps them (migration 2026-12-05T10-00-00_alerts): raised once per dedup
 * key, listed newest first.
 */
import { type Kysely, sql } from 'kysely';
import type { Database } from './schema.ts';

/** Where one copy of an alert goes: an e-mail to a user, or a call to a webhook endpoint. */
export type AlertDeliveryTarget = Readonly<{ channel: 'email' | 'webhook'; targetId: string }>;

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
 * delivery per target (due at once), so an alert is never stored without the copies that must
 * leave the node. The new alert, or undefined when one with its key existed (no delivery added).
 */
export async function insertAlert(
  db: Kysely<Database>,
  alert: NewAlert,
  deliveries: readonly AlertDeliveryTarget[] = [],
): Promise<StoredAlert | undefined> {
  const targets = JSON.stringify(
    deliveries.map((target) => ({ channel: target.channel, target_id: target.targetId })),
  );
  const result = await sql<AlertRow>`
    with inserted as (
      insert into alerts (dedup_key, kind, request_id, recipients, details, raised_at)
      values (${alert.dedupKey}, ${alert.kind}, ${alert.requestId}::uuid, ${JSON.stringify(alert.recipientUserIds)}::jsonb,
              ${JSON.stringify(alert.details)}::jsonb, ${alert.raisedAt.toISOString()}::timestamptz)
      on conflict (dedup_key) do nothing
      returning id, dedup_key, kind, request_id, recipients, details, raised_at
    ), deliveries as (
      insert into alert_deliveries (alert_id, channel, target_id, next_attempt_at, first_attempt_at)
      select inserted.id, target.channel, target.target_id::uuid, inserted.raised_at, inserted.raised_at
      from inserted cross join jsonb_to_recordset(${targets}::jsonb) as target(channel text, target_id text)
    )
    select * from inserted`.execute(db);
  const row = result.rows[0];
  return row && toStoredAlert(row);
}

type AlertRow = {
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
