/**
 * Federation delivery and reception: the transactional outbox (one row per message to send, with
 * its attempts and receipt), the inbox (one row per message received: its id is the replay
 * guard), the health of each peer (circuit breaker), and the federation columns of requests.
 * Frozen: later changes go in new migration files. PostgreSQL 15 subset (runs on PGlite too).
 */
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and do not use the app's types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('outbox_messages')
    // The envelope id (UUIDv7), the same at every attempt: the receiver's replay guard.
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    // Order of creation across processes: messages of a case leave in this order.
    .addColumn('sequence', 'bigserial', (c) => c.notNull().unique())
    .addColumn('case_id', 'text', (c) => c.notNull())
    .addColumn('peer_node_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    // The compact JWS as it is posted (signed afresh when it grows too old to be accepted).
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('digest', 'text', (c) => c.notNull())
    // Digests of earlier signings of the same message: a receipt for any of them proves delivery.
    .addColumn('previous_digests', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    // Lease of the process posting the message now; another process does not claim it before.
    .addColumn('claimed_until', 'timestamptz')
    .addColumn('last_attempt_at', 'timestamptz')
    .addColumn('last_status_code', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('delivered_at', 'timestamptz')
    .addColumn('receipt', 'text')
    .addColumn('receipt_received_at', 'timestamptz')
    .addCheckConstraint(
      'outbox_messages_status_check',
      sql`status in ('pending', 'delivered', 'failed', 'cancelled')`,
    )
    .execute();
  // The claim query: due pending messages, oldest first.
  await db.schema
    .createIndex('outbox_messages_due_idx')
    .on('outbox_messages')
    .columns(['status', 'next_attempt_at'])
    .execute();
  // "Is there an older undelivered message in this case?"
  await db.schema
    .createIndex('outbox_messages_case_idx')
    .on('outbox_messages')
    .columns(['case_id', 'sequence'])
    .execute();
  await db.schema
    .createIndex('outbox_messages_peer_idx')
    .on('outbox_messages')
    .columns(['peer_node_id', 'status'])
    .execute();

  await db.schema
    .createTable('inbox_messages')
    // The envelope id: a second message with the same id is a replay and is not processed again.
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('from_node_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('case_id', 'text', (c) => c.notNull())
    .addColumn('digest', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('receipt', 'text', (c) => c.notNull())
    .addColumn('received_at', 'timestamptz', (c) => c.notNull())
    .addColumn('processed_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('inbox_messages_case_idx')
    .on('inbox_messages')
    .columns(['from_node_id', 'case_id'])
    .execute();

  await db.schema
    .createTable('peer_states')
    .addColumn('peer_node_id', 'text', (c) => c.primaryKey())
    .addColumn('circuit', 'jsonb', (c) =>
      c.notNull().defaultTo(sql`'{"status":"closed","consecutiveFailures":0}'::jsonb`),
    )
    .addColumn('consecutive_failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('total_failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_success_at', 'timestamptz')
    .addColumn('last_failure_at', 'timestamptz')
    .addColumn('last_error', 'text')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .alterTable('requests')
    .addColumn('direction', 'text', (c) => c.notNull().defaultTo('outgoing'))
    .execute();
  await db.schema.alterTable('requests').addColumn('peer_node_id', 'text').execute();
  await db.schema.alterTable('requests').addColumn('remote_request_id', 'text').execute();
  await db.schema.alterTable('requests').addColumn('delivery_state', 'text').execute();
  await db.schema.alterTable('requests').addColumn('received_at', 'timestamptz').execute();
  // One incoming request per (sender, sender's request id), whatever happens upstream.
  await db.schema
    .createIndex('requests_incoming_remote_idx')
    .on('requests')
    .columns(['peer_node_id', 'remote_request_id'])
    .unique()
    .where(sql.ref('direction'), '=', 'incoming')
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('requests_incoming_remote_idx').execute();
  for (const column of ['received_at', 'delivery_state', 'remote_request_id', 'peer_node_id', 'direction']) {
    await db.schema.alterTable('requests').dropColumn(column).execute();
  }
  for (const table of ['peer_states', 'inbox_messages', 'outbox_messages']) {
    await db.schema.dropTable(table).execute();
  }
}
