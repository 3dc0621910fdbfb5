/**
 * The copies of alerts that leave the node (migration 2026-12-05T11-00-00_alert-channels): one row
 * per (alert, channel, target), written with the alert (alerts.repository.ts insertAlerts), claimed
 * by the alert delivery worker when due, and kept as delivered or failed; never deleted here.
 */
import { type Kysely, sql } from 'kysely';
import type { Database } from './schema.ts';

export const ALERT_DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type AlertDeliveryStatus = (typeof ALERT_DELIVERY_STATUSES)[number];
export type AlertChannel = 'email' | 'webhook';

/** `'pending'` in the statement's text, so that a generic plan knows how rare it is (see outbox.repository.ts). */
const PENDING = sql.lit<AlertDeliveryStatus>('pending');

/** A claimed delivery with what sending it needs (null where the target no longer exists). */
export type DueAlertDelivery = Readonly<{
  id: string;
  channel: string;
  targetId: string;
  attempts: number;
  firstAttemptAt: Date;
  alert: Readonly<{
    id: string;
    kind: string;
    requestId: string | null;
    details: Record<string, unknown>;
    raisedAt: Date;
  }>;
  request: Readonly<{ type: string; reference: string | null }> | null;
  /** The user's address (channel email), null when removed or the user is disabled. */
  email: string | null;
  /** The endpoint (channel webhook), null when removed. */
  webhook: Readonly<{ url: string; secret: string }> | null;
}>;

/** A delivery as an administrator sees it. */
export type AlertDeliveryView = Readonly<{
  id: string;
  alertId: string;
  alertKind: string;
  requestId: string | null;
  raisedAt: Date;
  channel: AlertChannel;
  /** The e-mail address or the webhook URL (null when it no longer exists). */
  target: string | null;
  status: AlertDeliveryStatus;
  attempts: number;
  nextAttemptAt: Date | null;
  lastAttemptAt: Date | null;
  lastError: string | null;
  deliveredAt: Date | null;
}>;

const toDate = (value: Date | string): Date => new Date(value);
const toDateOrNull = (value: Date | string | null): Date | null => (value === null ? null : new Date(value));

/**
 * Claims up to `limit` pending deliveries due at `now` for `leaseMs` (another worker process skips
 * them until then), oldest due first.
 */
export async function claimDueAlertDeliveries(
  db: Kysely<Database>,
  now: Date,
  limit: number,
  leaseMs: number,
): Promise<DueAlertDelivery[]> {
  const claimed = await db
    .updateTable('alert_deliveries')
    .set({ lease_until: new Date(now.getTime() + leaseMs) })
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('alert_deliveries')
        .select('id')
        .where('status', '=', PENDING)
        .where('next_attempt_at', '<=', now)
        .where((inner) => inner.or([inner('lease_until', 'is', null), inner('lease_until', '<=', now)]))
        .orderBy('next_attempt_at')
        .limit(limit)
        .forUpdate()
        .skipLocked(),
    )
    .returning('id')
    .execute();
  if (claimed.length === 0) return [];
  const rows = await db
    .selectFrom('alert_deliveries as d')
    .innerJoin('alerts as a', 'a.id', 'd.alert_id')
    .leftJoin('requests as r', 'r.id', 'a.request_id')
    .leftJoin('users as u', (join) =>
      join.on(sql<boolean>`d.channel = 'email' and u.id = d.target_id and u.is_disabled = false`),
    )
    .leftJoin('webhook_endpoints as w', (join) =>
      join.on(sql<boolean>`d.channel = 'webhook' and w.id = d.target_id`),
    )
    .select([
      'd.id',
      'd.channel',
      'd.target_id',
      'd.attempts',
      'd.first_attempt_at',
      'a.id as alert_id',
      'a.kind',
      'a.request_id',
      'a.details',
      'a.raised_at',
      'r.type as request_type',
      'r.case_reference',
      'u.email',
      'w.url',
      'w.secret',
    ])
    .where(
      'd.id',
      'in',
      claimed.map((row) => row.id),
    )
    .orderBy('d.next_attempt_at')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    channel: row.channel,
    targetId: row.target_id,
    attempts: row.attempts,
    firstAttemptAt: toDate(row.first_attempt_at),
    alert: {
      id: row.alert_id,
      kind: row.kind,
      requestId: row.request_id,
      details: row.details as Record<string, unknown>,
      raisedAt: toDate(row.raised_at),
    },
    request: row.request_type ? { type: row.request_type, reference: row.case_reference } : null,
    email: row.email ?? null,
    webhook: row.url && row.secret ? { url: row.url, secret: row.secret } : null,
  }));
}

/** Records a delivered copy. */
export async function recordAlertDelivered(db: Kysely<Database>, id: string, now: Date): Promise<void> {
  await db
    .updateTable('alert_deliveries')
    .set((eb) => ({
      status: 'delivered',
      attempts: eb('attempts', '+', 1),
      last_attempt_at: now,
      delivered_at: now,
      last_error: null,
      lease_until: null,
    }))
    .where('id', '=', id)
    .execute();
}

/** Records a failed attempt: retried at `nextAttemptAt`, or marked failed when it is null. */
export async function recordAlertAttemptFailed(
  db: Kysely<Database>,
  id: string,
  now: Date,
  error: string,
  nextAttemptAt: Date | null,
): Promise<void> {
  await db
    .updateTable('alert_deliveries')
    .set((eb) => ({
      status: nextAttemptAt ? 'pending' : 'failed',
      attempts: eb('attempts', '+', 1),
      last_attempt_at: now,
      last_error: error.slice(0, 1000),
      ...(nextAttemptAt ? { next_attempt_at: nextAttemptAt } : {}),
      lease_until: null,
    }))
    .where('id', '=', id)
    .execute();
}

/** When the next pending delivery is due (undefined: none pending). */
export async function findNextAlertDeliveryDue(db: Kysely<Database>): Promise<Date | undefined> {
  const row = await db
    .selectFrom('alert_deliveries')
    .select((eb) => eb.fn.min('next_attempt_at').as('due'))
    .where('status', '=', PENDING)
    .executeTakeFirst();
  return row?.due ? new Date(row.due as Date | string) : undefined;
}

/** Deliveries with the given statuses, oldest alert first, at most `limit`. */
export async function listAlertDeliveries(
  db: Kysely<Database>,
  statuses: readonly AlertDeliveryStatus[],
  limit: number,
): Promise<AlertDeliveryView[]> {
  if (statuses.length === 0) return [];
  const rows = await db
    .selectFrom('alert_deliveries as d')
    .innerJoin('alerts as a', 'a.id', 'd.alert_id')
    .leftJoin('users as u', (join) => join.on(sql<boolean>`d.channel = 'email' and u.id = d.target_id`))
    .leftJoin('webhook_endpoints as w', (join) =>
      join.on(sql<boolean>`d.channel = 'webhook' and w.id = d.target_id`),
    )
    .select([
      'd.id',
      'd.alert_id',
      'a.kind',
      'a.request_id',
      'a.raised_at',
      'd.channel',
      'u.email',
      'w.url',
      'd.status',
      'd.attempts',
      'd.next_attempt_at',
      'd.last_attempt_at',
      'd.last_error',
      'd.delivered_at',
    ])
    .where('d.status', 'in', [...statuses])
    .orderBy('a.raised_at')
    .orderBy('d.id')
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    id: row.id,
    alertId: row.alert_id,
    alertKind: row.kind,
    requestId: row.request_id,
    raisedAt: toDate(row.raised_at),
    channel: row.channel as AlertChannel,
    target: (row.channel === 'email' ? row.email : row.url) ?? null,
    status: row.status as AlertDeliveryStatus,
    attempts: row.attempts,
    nextAttemptAt: row.status === 'pending' ? toDate(row.next_attempt_at) : null,
    lastAttemptAt: toDateOrNull(row.last_attempt_at),
    lastError: row.last_error,
    deliveredAt: toDateOrNull(row.delivered_at),
  }));
}

/**
 * Puts a failed (or pending) delivery back in the queue, due at `now`, with a fresh count of
 * attempts and age; false when no such delivery is failed or pending.
 */
export async function requeueAlertDelivery(db: Kysely<Database>, id: string, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('alert_deliveries')
    .set({ status: 'pending', attempts: 0, next_attempt_at: now, first_attempt_at: now, lease_until: null })
    .where('id', '=', id)
    .where('status', 'in', ['failed', 'pending'])
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** How many alert deliveries wait (pending) and how many failed for good, per channel. */
export async function countAlertDeliveriesByStatus(
  db: Kysely<Database>,
): Promise<Array<Readonly<{ channel: string; status: string; count: number }>>> {
  const rows = await db
    .selectFrom('alert_deliveries')
    .select((eb) => ['channel', 'status', eb.fn.countAll<number>().as('count')])
    .where('status', 'in', ['pending', 'failed'])
    .groupBy(['channel', 'status'])
    .execute();
  return rows.map((row) => ({ channel: row.channel, status: row.status, count: Number(row.count) }));
}
