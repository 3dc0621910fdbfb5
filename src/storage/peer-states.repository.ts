/**
 * All SQL about the health of peers as this node's delivery workers see it: the circuit breaker
 * state (shared by every process of the node), consecutive and total failures, the last success
 * and the last failure with its error.
 */
import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

export type StoredPeerState = Readonly<{
  peerNodeId: string;
  /** The CircuitState JSON (parsed with parseCircuitState). */
  circuit: unknown;
  consecutiveFailures: number;
  totalFailures: number;
  lastSuccessAt: Date | null;
  lastFailureAt: Date | null;
  lastError: string | null;
}>;

function toStoredPeerState(row: {
  peer_node_id: string;
  circuit: unknown;
  consecutive_failures: number;
  total_failures: number;
  last_success_at: Date | string | null;
  last_failure_at: Date | string | null;
  last_error: string | null;
}): StoredPeerState {
  return {
    peerNodeId: row.peer_node_id,
    circuit: typeof row.circuit === 'string' ? (JSON.parse(row.circuit) as unknown) : row.circuit,
    consecutiveFailures: Number(row.consecutive_failures),
    totalFailures: Number(row.total_failures),
    lastSuccessAt: row.last_success_at === null ? null : new Date(row.last_success_at),
    lastFailureAt: row.last_failure_at === null ? null : new Date(row.last_failure_at),
    lastError: row.last_error,
  };
}

export async function listPeerStates(db: Kysely<Database>): Promise<StoredPeerState[]> {
  const rows = await db.selectFrom('peer_states').selectAll().orderBy('peer_node_id').execute();
  return rows.map(toStoredPeerState);
}

/** The peer answered: store its (closed) circuit and the time. */
export async function recordPeerSuccess(
  db: Kysely<Database>,
  peerNodeId: string,
  update: Readonly<{ circuit: unknown; now: Date }>,
): Promise<void> {
  await db
    .insertInto('peer_states')
    .values({
      peer_node_id: peerNodeId,
      circuit: JSON.stringify(update.circuit),
      consecutive_failures: 0,
      last_success_at: update.now,
      updated_at: update.now,
    })
    .onConflict((conflict) =>
      conflict.column('peer_node_id').doUpdateSet({
        circuit: JSON.stringify(update.circuit),
        consecutive_failures: 0,
        last_success_at: update.now,
        updated_at: update.now,
      }),
    )
    .execute();
}

/**
 * The peer could not be reached or failed; `circuit` is the new state computed from the one read
 * before the attempt.
 */
export async function recordPeerFailure(
  db: Kysely<Database>,
  peerNodeId: string,
  update: Readonly<{ circuit: unknown; consecutiveFailures: number; now: Date; error: string }>,
): Promise<void> {
  const error = update.error.slice(0, 2000);
  await db
    .insertInto('peer_states')
    .values({
      peer_node_id: peerNodeId,
      circuit: JSON.stringify(update.circuit),
      consecutive_failures: update.consecutiveFailures,
      total_failures: 1,
      last_failure_at: update.now,
      last_error: error,
      updated_at: update.now,
    })
    .onConflict((conflict) =>
      conflict.column('peer_node_id').doUpdateSet((eb) => ({
        circuit: JSON.stringify(update.circuit),
        consecutive_failures: update.consecutiveFailures,
        total_failures: eb('peer_states.total_failures', '+', 1),
        last_failure_at: update.now,
        last_error: error,
        updated_at: update.now,
      })),
    )
    .execute();
}

/** Closes a peer's circuit by hand (an administrator retried its messages). */
export async function resetPeerCircuit(
  db: Kysely<Database>,
  peerNodeId: string,
  update: Readonly<{ circuit: unknown; now: Date }>,
): Promise<void> {
  await db
    .updateTable('peer_states')
    .set({ circuit: JSON.stringify(update.circuit), consecutive_failures: 0, updated_at: update.now })
    .where('peer_node_id', '=', peerNodeId)
    .execute();
}
