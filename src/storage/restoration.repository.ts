/**
 * Whether this node was restored from a backup and still has to ask its peers to deliver again what
 * it received after the backup (sync.redeliver-request). Kept in node_settings under one key, written
 * by the restore in the same transaction as the restored rows, so the node asks at its next start.
 */
import { type Kysely, sql } from 'kysely';
import type { Database } from './schema.ts';

const RESTORED_KEY = 'restored-from-backup';

export type Restoration = Readonly<{ restoredAt: string; backupCreatedAt: string; isResyncPending: boolean }>;

/** Records that the database was restored (the peers are not asked yet). */
export async function markRestored(
  db: Kysely<Database>,
  restoredAt: Date,
  backupCreatedAt: string,
): Promise<void> {
  const value: Restoration = { restoredAt: restoredAt.toISOString(), backupCreatedAt, isResyncPending: true };
  await db
    .insertInto('node_settings')
    .values({ key: RESTORED_KEY, value: JSON.stringify(value), updated_at: restoredAt })
    .onConflict((conflict) =>
      conflict.column('key').doUpdateSet({ value: JSON.stringify(value), updated_at: restoredAt }),
    )
    .execute();
}

export async function findRestoration(db: Kysely<Database>): Promise<Restoration | undefined> {
  const row = await db
    .selectFrom('node_settings')
    .select('value')
    .where('key', '=', RESTORED_KEY)
    .executeTakeFirst();
  if (!row) return undefined;
  return (typeof row.value === 'string' ? JSON.parse(row.value) : row.value) as Restoration;
}

/** The peers were asked: the re-sync requests are in the outbox. */
export async function markResyncRequested(db: Kysely<Database>, now: Date): Promise<void> {
  await sql`
    update node_settings
       set value = jsonb_set(value, '{isResyncPending}', 'false'::jsonb), updated_at = ${now}::timestamptz
     where key = ${RESTORED_KEY}`.execute(db);
}

/** When this node received the last message it holds from `peerNodeId`; null when none. */
export async function lastReceivedFrom(db: Kysely<Database>, peerNodeId: string): Promise<Date | null> {
  const row = await db
    .selectFrom('inbox_messages')
    .select((eb) => eb.fn.max('received_at').as('last'))
    .where('from_node_id', '=', peerNodeId)
    .executeTakeFirst();
  return row?.last ? new Date(row.last) : null;
}
