/**
 * Approvals: the two-person rule (docs/case-lifecycle.md, "Approval"). One row per submission of
 * something that would leave the node (a request, a response carried by a case transition, an
 * evidence package): who submitted it and when, at which revision of the subject, and once a
 * second person decided, who, when, approve or return, the reasons of a return and the reference
 * of the authorising decision of an intrusive measure. At most one undecided row per subject.
 * Frozen: later changes go in new migration files. PostgreSQL 15 subset (runs on PGlite too).
 */
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and do not use the app's types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('approvals')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    // The order of submissions on this node (several can share a moment).
    .addColumn('sequence', 'bigserial', (c) => c.notNull())
    .addColumn('subject_kind', 'text', (c) => c.notNull())
    .addColumn('subject_id', 'text', (c) => c.notNull())
    // The request the subject belongs to (the request, the case of a response, the evidence's request).
    .addColumn('request_id', 'uuid', (c) => c.references('requests.id').onDelete('cascade'))
    .addColumn('request_type', 'text', (c) => c.notNull())
    .addColumn('submitted_revision', 'integer', (c) => c.notNull())
    // What is approved when it is more than the subject's row (a case transition: name and payload).
    .addColumn('payload', 'jsonb')
    .addColumn('submitted_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('submitted_at', 'timestamptz', (c) => c.notNull())
    .addColumn('decided_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('decided_at', 'timestamptz')
    .addColumn('decision', 'text')
    .addColumn('reasons', 'text')
    .addColumn('decision_reference', 'text')
    .addCheckConstraint(
      'approvals_subject_kind_check',
      sql`subject_kind in ('request', 'case-transition', 'evidence-package')`,
    )
    .addCheckConstraint(
      'approvals_decision_check',
      sql`decision is null or decision in ('approve', 'return')`,
    )
    .execute();
  await sql`create unique index approvals_one_pending_per_subject
              on approvals (subject_kind, subject_id) where decision is null`.execute(db);
  await db.schema.createIndex('approvals_request_idx').on('approvals').column('request_id').execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('approvals').execute();
}
