/**
 * What an oversight body checks on each recorded two-person decision, from the record alone: that
 * a second person decided, and that an intrusive measure was approved with the reference of its
 * authorising decision. checkDecision (approval-rules.ts) refuses a decision that breaks them; these
 * checks show, after the fact, that every stored decision holds them (a row edited in the database
 * would show as broken).
 */
import { needsIntrusiveApproval } from './approval-rules.ts';

/** held: the rule is met; broken: the record does not show it met; pending: not decided yet; not-needed. */
export type CheckOutcome = 'held' | 'broken' | 'pending' | 'not-needed';

export type DecisionRecord = Readonly<{
  requestType: string;
  /** Of a response waiting on a case: its transition (a refusal needs no authorising decision). */
  transition?: string | null;
  submittedBy: string | null;
  decidedBy: string | null;
  decision: 'approve' | 'return' | null;
  decisionReference: string | null;
}>;

export type TwoPersonChecks = Readonly<{
  /** Decided by someone other than who submitted it, both known to the node. */
  secondPerson: CheckOutcome;
  /** An approved intrusive measure names its authorising decision. */
  decisionReference: CheckOutcome;
}>;

export function twoPersonChecksOf(record: DecisionRecord): TwoPersonChecks {
  if (record.decision === null) {
    return {
      secondPerson: 'pending',
      decisionReference: needsIntrusiveApproval(record) ? 'pending' : 'not-needed',
    };
  }
  const isSecondPerson =
    record.submittedBy !== null && record.decidedBy !== null && record.submittedBy !== record.decidedBy;
  const needsReference = record.decision === 'approve' && needsIntrusiveApproval(record);
  return {
    secondPerson: isSecondPerson ? 'held' : 'broken',
    decisionReference: !needsReference ? 'not-needed' : record.decisionReference?.trim() ? 'held' : 'broken',
  };
}

/** A recorded change of a user's roles, as the second-administrator check sees it. */
export type RoleChangeRecord = Readonly<{
  userId: string;
  status: 'pending' | 'approved' | 'applied' | 'superseded';
  /** null: the node's operator, on the server's command line. */
  requestedBy: string | null;
  decidedBy: string | null;
}>;

/**
 * Whether a change of roles that waited for a second administrator was approved by one: not the
 * administrator who asked, not the user it grants to. The operator (null) approves on the server
 * and counts as a second person to an administrator who asked; a change that needed no approval
 * (applied) or was replaced before anyone decided (superseded) has nothing to check.
 */
export function secondAdministratorCheckOf(change: RoleChangeRecord): CheckOutcome {
  if (change.status === 'pending') return 'pending';
  if (change.status !== 'approved') return 'not-needed';
  if (change.decidedBy === change.userId) return 'broken';
  if (change.decidedBy === null) return change.requestedBy === null ? 'broken' : 'held';
  return change.decidedBy === change.requestedBy ? 'broken' : 'held';
}
