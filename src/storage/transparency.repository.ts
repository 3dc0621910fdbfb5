/**
 * All SQL of the transparency report (docs/transparency.md): for each request sent or received in
 * a period, a few columns and moments, read in ONE statement that never selects the request's
 * content, payloads other than a refusal's grounds, nor anyone's name. The moments are the first
 * of each kind in the case history; the counting, percentiles and suppression are pure
 * (core/transparency/report.ts).
 */
import { type Kysely, sql } from 'kysely';
import type { Database } from './schema.ts';

/** One case as the report needs it. */
export type TransparencyCaseRow = Readonly<{
  direction: 'outgoing' | 'incoming';
  type: string;
  status: string;
  deliveryState: string | null;
  caseStatus: string | null;
  /** The requested State of an outgoing request. */
  requestedState: string | null;
  /** The node it was sent to or received from. */
  peerNodeId: string | null;
  /** Sent (first message of the case) or received. */
  startedAt: Date;
  /** When the requested side received it: its arrival, or the signed receipt of the first message. */
  receivedAt: Date | null;
  acknowledgedAt: Date | null;
  acceptedAt: Date | null;
  refusedAt: Date | null;
  preservedAt: Date | null;
  executedAt: Date | null;
  refusalGrounds: readonly string[];
}>;

type Row = {
  direction: string;
  type: string;
  status: string;
  delivery_state: string | null;
  case_status: string | null;
  requested_state: string | null;
  peer_node_id: string | null;
  started_at: Date | string;
  received_at: Date | string | null;
  acknowledged_at: Date | string | null;
  accepted_at: Date | string | null;
  refused_at: Date | string | null;
  preserved_at: Date | string | null;
  executed_at: Date | string | null;
  refusal_grounds: unknown;
};

const dateOrNull = (value: Date | string | null): Date | null => (value === null ? null : new Date(value));

function groundsOf(value: unknown): string[] {
  const parsed = typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
  return Array.isArray(parsed) ? parsed.filter((ground): ground is string => typeof ground === 'string') : [];
}

const firstEvent = (transition: string) =>
  sql`(select min(e.occurred_at) from case_events e where e.request_id = r.id and e.transition = ${transition})`;

/**
 * The requests sent or received from `from` (inclusive) to `to` (exclusive): sent ones by their
 * first message (a cancelled sending never left), received ones by their arrival.
 */
export async function listTransparencyCases(
  db: Kysely<Database>,
  from: Date,
  to: Date,
): Promise<TransparencyCaseRow[]> {
  const { rows } = await sql<Row>`
    with cases as (
      select r.direction, r.type, r.status, r.delivery_state, r.case_status, r.requested_state, r.peer_node_id,
             case when r.direction = 'incoming' then r.received_at else first.created_at end as started_at,
             case when r.direction = 'incoming' then r.received_at else first.receipt_received_at end as received_at,
             ${firstEvent('acknowledge')} as acknowledged_at,
             ${firstEvent('accept')} as accepted_at,
             ${firstEvent('refuse')} as refused_at,
             ${firstEvent('record-preservation')} as preserved_at,
             ${firstEvent('execute-fully')} as executed_at,
             (select e.payload -> 'grounds' from case_events e
               where e.request_id = r.id and e.transition = 'refuse' order by e.sequence limit 1) as refusal_grounds
        from requests r
        left join lateral (
          select o.created_at, o.receipt_received_at from outbox_messages o
           where o.case_id = r.id::text order by o.sequence limit 1
        ) first on true
       where r.status <> 'draft' and (r.direction = 'incoming' or r.delivery_state is distinct from 'cancelled')
    )
    select * from cases
     where started_at >= ${from}::timestamptz and started_at < ${to}::timestamptz`.execute(db);
  return rows.map((row) => ({
    direction: row.direction === 'incoming' ? 'incoming' : 'outgoing',
    type: row.type,
    status: row.status,
    deliveryState: row.delivery_state,
    caseStatus: row.case_status,
    requestedState: row.requested_state,
    peerNodeId: row.peer_node_id,
    startedAt: new Date(row.started_at),
    receivedAt: dateOrNull(row.received_at),
    acknowledgedAt: dateOrNull(row.acknowledged_at),
    acceptedAt: dateOrNull(row.accepted_at),
    refusedAt: dateOrNull(row.refused_at),
    preservedAt: dateOrNull(row.preserved_at),
    executedAt: dateOrNull(row.executed_at),
    refusalGrounds: groundsOf(row.refusal_grounds),
  }));
}
