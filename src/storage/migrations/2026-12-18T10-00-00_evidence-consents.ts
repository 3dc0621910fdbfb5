/**
 * Consent for a use of received evidence (onward transfer, use in another case, disclosure before
 * the confidentiality date): asked on the requesting node (`outgoing`), answered on the executing
 * node (`incoming`), one row on each side with the same id. And the custody events that record
 * each ask, answer and use. Frozen: later changes go in new migration files. PostgreSQL 15 subset
 * (runs on PGlite too).
 */
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and do not use the app's types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('evidence_consents')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('request_id', 'uuid', (c) => c.notNull().references('requests.id').onDelete('cascade'))
    .addColumn('package_id', 'uuid', (c) =>
      c.notNull().references('evidence_packages.id').onDelete('cascade'),
    )
    // 'outgoing' (asked from here, the requesting node) | 'incoming' (asked of this node, the executing node).
    .addColumn('direction', 'text', (c) => c.notNull())
    .addColumn('peer_node_id', 'text', (c) => c.notNull())
    // 'onward-transfer' | 'other-case' | 'disclosure', and its target (a State, a case reference, or null).
    .addColumn('use_kind', 'text', (c) => c.notNull())
    .addColumn('use_target', 'text')
    .addColumn('reasons', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('answer_conditions', 'text')
    .addColumn('answer_reasons', 'text')
    .addColumn('asked_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('asked_at', 'timestamptz', (c) => c.notNull())
    .addColumn('answered_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('answered_at', 'timestamptz')
    // A step that arrived by message (an ask here, an answer there) waits for its custody events.
    .addColumn('is_custody_pending', 'boolean', (c) => c.notNull().defaultTo(false))
    .addCheckConstraint('evidence_consents_direction_check', sql`direction in ('outgoing', 'incoming')`)
    .addCheckConstraint(
      'evidence_consents_use_check',
      sql`use_kind in ('onward-transfer', 'other-case', 'disclosure')`,
    )
    .addCheckConstraint('evidence_consents_status_check', sql`status in ('pending', 'granted', 'refused')`)
    .execute();
  await db.schema
    .createIndex('evidence_consents_request_idx')
    .on('evidence_consents')
    .column('request_id')
    .execute();
  await db.schema
    .createIndex('evidence_consents_custody_idx')
    .on('evidence_consents')
    .column('is_custody_pending')
    .where(sql.ref('is_custody_pending'), '=', true)
    .execute();
  await sql`alter table evidence_custody_events drop constraint evidence_custody_events_kind_check`.execute(
    db,
  );
  await sql`alter table evidence_custody_events add constraint evidence_custody_events_kind_check
    check (kind in ('acquired', 'sealed', 'sent', 'received', 'verified', 'opened', 'downloaded',
                    'exported', 'deleted', 'consent-requested', 'consent-answered', 'used'))`.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table evidence_custody_events drop constraint evidence_custody_events_kind_check`.execute(
    db,
  );
  await sql`alter table evidence_custody_events add constraint evidence_custody_events_kind_check
    check (kind in ('acquired', 'sealed', 'sent', 'received', 'verified', 'opened', 'downloaded',
                    'exported', 'deleted'))`.execute(db);
  await db.schema.dropTable('evidence_consents').execute();
}
