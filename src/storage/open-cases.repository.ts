/**
 * All SQL of the duty desk and the alert timers' rounds: the open cases a person may see (or a
 * round names), in two reads whatever their number (the requests with their delivery moment, then
 * every event of those requests), so deadlines are computed in memory instead of one read per case.
 */
import { type Kysely, sql } from 'kysely';
import { listCaseEventsOf, type StoredCaseEvent } from './case-events.repository.ts';
import {
  authorScope,
  type RequestScopeFilter,
  type StoredRequest,
  selectRequests,
  toStoredRequest,
} from './requests.repository.ts';
import { compiledOnce, type ValueOf } from './compiled-once.ts';
import type { Database } from './schema.ts';

export type OpenCasesFilter = RequestScopeFilter &
  Readonly<{
    /** Case statuses that end a case (refused, withdrawn, closed): such cases are not open. */
    terminalStatuses: readonly string[];
    /** Only these requests (the cases a round of the alert timers names). */
    requestIds?: readonly string[];
  }>;

/** An open case as stored: the request (with when an outgoing one was delivered) and its history. */
export type OpenCaseRecord = Readonly<{
  request: StoredRequest & Readonly<{ deliveredAt: Date | null }>;
  events: readonly StoredCaseEvent[];
}>;

/** The requests that were sent or received and whose case has not ended, with their delivery moment. */
function selectOpenCases(db: Kysely<Database>, terminalStatuses: readonly string[]) {
  return (
    selectRequests(db)
      .select(
        sql<Date | string | null>`(select o.receipt_received_at from outbox_messages o
         where o.case_id = requests.id::text order by o.sequence limit 1)`.as('delivered_at'),
      )
      // A draft, and a request that waits for its second person, have not left: no case yet.
      .where('requests.status', 'not in', ['draft', 'awaiting-approval'])
      // The statuses as one array, so that the statement's text does not depend on them.
      .where(
        sql<boolean>`(requests.case_status is null or requests.case_status <> all(${terminalStatuses}::text[]))`,
      )
      .orderBy('requests.id')
  );
}

// The round of the alert timers that follows each change of a case reads it (compiled-once.ts).
export const selectNamedOpenCases = compiledOnce(
  (db, value: ValueOf<{ terminalStatuses: string[]; requestIds: string[] }>) =>
    selectOpenCases(db, value('terminalStatuses')).where(
      sql<boolean>`requests.id = any(${value('requestIds')}::uuid[])`,
    ),
);

/**
 * The requests that were sent or received and whose case has not ended, each with its history;
 * with `createdBy`, only that person's (and every incoming one with `isIncludingIncoming`); with
 * `isIncomingOnly`, the incoming ones alone.
 */
export async function listOpenCaseRecords(
  db: Kysely<Database>,
  filter: OpenCasesFilter,
): Promise<OpenCaseRecord[]> {
  const terminalStatuses = [...filter.terminalStatuses];
  const isEveryCase = filter.createdBy === undefined && filter.isIncomingOnly !== true;
  const rows =
    filter.requestIds !== undefined && isEveryCase
      ? await selectNamedOpenCases(db, { terminalStatuses, requestIds: [...filter.requestIds] })
      : await selectOpenCases(db, terminalStatuses)
          .where(authorScope(filter))
          .where((eb) =>
            filter.requestIds === undefined
              ? eb.lit(true)
              : sql<boolean>`requests.id = any(${[...filter.requestIds]}::uuid[])`,
          )
          .execute();
  const events = await listCaseEventsOf(
    db,
    rows.map((row) => row.id),
  );
  return rows.map((row) => {
    const stored = toStoredRequest(row);
    const deliveredAt =
      stored.direction === 'outgoing' && stored.deliveryState === 'delivered' && row.delivered_at
        ? new Date(row.delivered_at)
        : null;
    return { request: { ...stored, deliveredAt }, events: events.get(row.id) ?? [] };
  });
}
