/**
 * What an unsuccessful delivery attempt means for the message: try again later (transient), stop
 * and show it to a person (permanent), or treat it as delivered (the peer already has it and sent
 * the original receipt back). Pure: the worker passes what it saw, this decides.
 *
 * The peer's problem `type` decides before the status does, because it names the reason
 * (urn:comity:problem:federation-<reason>, docs/federation.md); the status is the fallback for
 * answers from something that is not a Comity node (a proxy, a load balancer), and for a reason
 * this version does not know (a newer peer's: a 503 of it is transient, a 4xx permanent).
 */

import { REJECTION_REASONS } from '../protocol/types.ts';

export type FailureKind = 'transient' | 'permanent' | 'duplicate-delivered';

/** What one attempt produced, short of a verified receipt. */
export type AttemptOutcome =
  /** No HTTP answer: connection refused or reset, DNS failure, timeout. */
  | Readonly<{ kind: 'no-response' }>
  | Readonly<{
      kind: 'response';
      status: number;
      /** The problem+json `type`, when the answer was one. */
      problemType?: string;
      /** Whether the answer carried a receipt that verified (signature, message id, digest). */
      hasValidReceipt: boolean;
    }>;

const FEDERATION_PROBLEM_PREFIX = 'urn:comity:problem:federation-';

/**
 * Reasons a peer gives that a later attempt can cure without a person: the message was too old
 * when it arrived (the next attempt is signed afresh), the peer's directory has expired (it trusts
 * no node until its secretariat answers again), or the peer does not know the sender's new key yet
 * (it refreshes its directory; a rotation in progress). Anything else it names about the message
 * itself will be refused again.
 */
const TRANSIENT_REASONS: ReadonlySet<string> = new Set([
  'stale-message',
  'directory-expired',
  'unknown-sender-key',
]);

/** The reasons of this protocol version; a reason outside it (a newer peer's) is judged by its status. */
const KNOWN_REASONS: ReadonlySet<string> = new Set(REJECTION_REASONS);

/** Statuses that say "not now": timeouts, too early, rate limits, server errors. */
function isTransientStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}

/** The federation reason in a problem type, e.g. "bad-signature"; undefined for other types. */
export function federationReasonOf(problemType: string | undefined): string | undefined {
  if (!problemType?.startsWith(FEDERATION_PROBLEM_PREFIX)) return undefined;
  return problemType.slice(FEDERATION_PROBLEM_PREFIX.length);
}

export function classifyFailure(outcome: AttemptOutcome): FailureKind {
  if (outcome.kind === 'no-response') return 'transient';
  const { status } = outcome;
  const reason = federationReasonOf(outcome.problemType);
  if (reason === 'replayed-message') {
    // The peer already processed the message. With its original receipt, that is a delivery;
    // without one, asking again will not produce one.
    return outcome.hasValidReceipt ? 'duplicate-delivered' : 'permanent';
  }
  if (reason !== undefined && KNOWN_REASONS.has(reason)) {
    return TRANSIENT_REASONS.has(reason) ? 'transient' : 'permanent';
  }
  // A 2xx without a receipt that verifies: the peer may be mid-key-rotation or our directory
  // stale; posting again is harmless (the inbox answers a replay with the receipt).
  if (status >= 200 && status < 300) return 'transient';
  if (isTransientStatus(status)) return 'transient';
  // 3xx (redirects are not followed), 404 (not a Comity node there), 413, other 4xx.
  return 'permanent';
}

/**
 * What the answer to a whole batch (docs/federation.md section 6.4) means: each message answered
 * in it (200); "not now" for every message (a status that says so); the peer does not serve
 * batches (an older release: 404, 405, 415), so its messages go one by one from now on; or the
 * batch itself was refused (413, another 4xx), so these messages go one by one.
 */
export type BatchAnswerKind = 'answered' | 'transient' | 'not-served' | 'refused';

export function classifyBatchAnswer(status: number): BatchAnswerKind {
  if (status === 200) return 'answered';
  if (isTransientStatus(status)) return 'transient';
  if (status === 404 || status === 405 || status === 415) return 'not-served';
  return 'refused';
}
