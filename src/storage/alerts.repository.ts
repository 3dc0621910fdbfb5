/**
 * Alerts as the node keeps them (migration 2026-12-05T10-00-00_alerts): raised once per dedup
 * key, listed newest first.
 */
import type { Kysely } from 'kysely';
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

/** Stores the alert unless one with its dedup key exists; the new alert, or undefined when it did. */
export async function insertAlert(db: Kysely<Database>, alert: NewAlert): Promise<StoredAlert | undefined> {
  const row = await db
    .insertInto('alerts')
    .values({
      dedup_key: alert.dedupKey,
      kind: alert.kind,
      request_id: alert.requestId,
      recipients: JSON.stringify(alert.recipientUserIds),
      details: JSON.stringify(alert.details),
      raised_at: alert.raisedAt,
    })
    .onConflict((conflict) => conflict.column('dedup_key').doNothing())
    .returning(['id', 'dedup_key', 'kind', 'request_id', 'recipients', 'details', 'raised_at'])
    .executeTakeFirst();
  return row && toStoredAlert(row);
}

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
