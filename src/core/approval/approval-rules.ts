/**
 * The two-person rule, pure: nothing (a request, a response to the requesting State, an evidence
 * package) leaves the node until a second person approves it. Who may approve what:
 *
 * - never the person who submitted it (the drafter);
 * - only someone who holds the supervisor role;
 * - an intrusive measure (real-time collection of traffic data, interception of content,
 *   extradition) also needs the role the State designates (COMITY_INTRUSIVE_APPROVER_ROLE, e.g. the
 *   role of the person who records judicial validation) and the reference of the authorising
 *   decision;
 * - a return to the drafter needs reasons;
 * - a decision is made once: a second approval (or a return after an approval) is refused;
 * - what is approved is what was submitted: a subject changed since (another revision) cannot be
 *   approved; it can still be returned, which sends nothing, so that it does not wait for ever
 *   (a case changed by the other State's message while its response waited).
 *
 * No I/O, no clock: the record, the actor, and the decision are parameters.
 */
import type { RequestTypeId } from '../request/draft.ts';
import type { Role } from '../roles.ts';

/** What waits for a second person. */
export const APPROVAL_SUBJECT_KINDS = ['request', 'case-transition', 'evidence-package'] as const;
export type ApprovalSubjectKind = (typeof APPROVAL_SUBJECT_KINDS)[number];

export const APPROVAL_DECISIONS = ['approve', 'return'] as const;
export type ApprovalDecision = (typeof APPROVAL_DECISIONS)[number];

/** The role every approver holds. */
export const APPROVER_ROLE: Role = 'supervisor';

/**
 * The request types whose execution is an intrusive measure: real-time collection of traffic
 * data, interception of content data, extradition.
 */
export const INTRUSIVE_REQUEST_TYPES: readonly RequestTypeId[] = [
  'real-time-traffic',
  'interception',
  'extradition',
];

export function isIntrusive(requestType: string): boolean {
  return (INTRUSIVE_REQUEST_TYPES as readonly string[]).includes(requestType);
}

/** What is approved, as the intrusive-measure rule reads it. */
export type ApprovalSubject = Readonly<{
  requestType: string;
  /** Of a response waiting on a case: its transition (a refusal, a report of execution); else null or absent. */
  transition?: string | null | undefined;
}>;

/** The response that refuses: it authorises nothing, whatever the measure asked. */
export const REFUSAL_TRANSITION = 'refuse';

/**
 * Whether approving `subject` is approving an intrusive measure: a request of an intrusive type,
 * its execution reported, its evidence sent. A refusal of one intrudes on nobody: it needs the
 * two-person rule's supervisor, not the designated role nor an authorising decision.
 */
export function needsIntrusiveApproval(subject: ApprovalSubject): boolean {
  return isIntrusive(subject.requestType) && subject.transition !== REFUSAL_TRANSITION;
}

/** An approval record as the rules see it. */
export type ApprovalRecord = Readonly<{
  kind: ApprovalSubjectKind;
  /** The request type the subject belongs to (a request, the case of a response, an evidence package). */
  requestType: string;
  /** Of a response waiting on a case: its transition; else null or absent. */
  transition?: string | null | undefined;
  submittedBy: string;
  /** The subject's revision when it was submitted. */
  submittedRevision: number;
  decision: ApprovalDecision | null;
}>;

export type Approver = Readonly<{ id: string; roles: readonly Role[] }>;

export type DecisionInput = Readonly<{
  decision: ApprovalDecision;
  /** The subject's revision now: it must be the one submitted. */
  currentRevision: number;
  /** Why it goes back to the drafter (a return). */
  reasons?: string | undefined;
  /** The reference of the authorising decision (an intrusive measure's approval). */
  decisionReference?: string | undefined;
}>;

export type ApprovalPolicy = Readonly<{
  /** The role the State designates to approve intrusive measures (one of src/core/roles.ts). */
  intrusiveApproverRole: string;
}>;

export type ApprovalRefusalReason =
  | 'already-decided'
  | 'subject-changed'
  | 'approver-is-submitter'
  | 'not-a-supervisor'
  | 'designated-role-missing'
  | 'decision-reference-missing'
  | 'reasons-missing';

export type ApprovalVerdict =
  | Readonly<{ ok: true }>
  | Readonly<{ ok: false; reason: ApprovalRefusalReason; message: string }>;

function refuse(reason: ApprovalRefusalReason, message: string): ApprovalVerdict {
  return { ok: false, reason, message };
}

/**
 * Whether `approver` may make `input` on `record`, and if not the first rule it breaks (checked in
 * the order of the module comment, state first).
 */
export function checkDecision(
  record: ApprovalRecord,
  approver: Approver,
  input: DecisionInput,
  policy: ApprovalPolicy,
): ApprovalVerdict {
  if (record.decision !== null) {
    return refuse('already-decided', `this was already decided (${record.decision}); nothing was changed`);
  }
  if (input.decision === 'approve' && input.currentRevision !== record.submittedRevision) {
    return refuse(
      'subject-changed',
      `it changed since it was submitted (revision ${record.submittedRevision}, now ${input.currentRevision}); return it, and it must be submitted again`,
    );
  }
  if (approver.id === record.submittedBy) {
    return refuse(
      'approver-is-submitter',
      'a second person must decide: the person who submitted it cannot approve or return it (two-person rule)',
    );
  }
  if (!approver.roles.includes(APPROVER_ROLE)) {
    return refuse('not-a-supervisor', 'only a supervisor may approve or return what leaves the node');
  }
  if (input.decision === 'return') {
    if (!input.reasons?.trim()) return refuse('reasons-missing', 'say why it goes back to the drafter');
    return { ok: true };
  }
  if (needsIntrusiveApproval(record)) {
    if (!holdsDesignatedRole(approver.roles, record, policy)) {
      return refuse(
        'designated-role-missing',
        `an intrusive measure (${record.requestType}) needs the approval of the role the State designates: ${policy.intrusiveApproverRole}`,
      );
    }
    if (!input.decisionReference?.trim()) {
      return refuse(
        'decision-reference-missing',
        'an intrusive measure needs the reference of the authorising decision (e.g. the judicial validation)',
      );
    }
  }
  return { ok: true };
}

/** Whether someone with `roles` holds what approving `subject` needs beyond the supervisor's role. */
export function holdsDesignatedRole(
  roles: readonly string[],
  subject: ApprovalSubject,
  policy: ApprovalPolicy,
): boolean {
  return !needsIntrusiveApproval(subject) || roles.includes(policy.intrusiveApproverRole);
}

/** Whether an approver of `subject` must give the reference of an authorising decision. */
export function needsDecisionReference(subject: ApprovalSubject): boolean {
  return needsIntrusiveApproval(subject);
}

/**
 * The case transitions of the requested side that carry a response to the requesting State
 * (execution results and refusals): they wait for a second person. Acknowledgements and the other
 * lifecycle steps carry no content and go alone.
 */
export const RESPONSE_TRANSITIONS: readonly string[] = ['execute-partly', 'execute-fully', 'refuse'];

export function isResponseTransition(name: string): boolean {
  return RESPONSE_TRANSITIONS.includes(name);
}
