/**
 * The case transitions as data: one entry per transition says which side and which roles may make
 * it, from which statuses, to which status, what else must hold (named preconditions), what its
 * payload must be (a zod schema), what it records on the case, and the article it rests on (cited
 * as the catalogue cites it; "Comity's practice" where the catalogue says nothing).
 * docs/case-lifecycle.md shows this table; a unit test checks that the two agree.
 */
import type { z } from 'zod';
import {
  type Case,
  type CaseEvent,
  type CaseResponse,
  type CaseRole,
  type CaseSide,
  type CaseStatus,
  IN_PROGRESS_STATUSES,
} from './case-model.ts';
import {
  clarificationAnswerPayload,
  clarificationRequestPayload,
  conditionsPayload,
  conversionPayload,
  deliveryPayload,
  emptyPayload,
  extensionPayload,
  consultationRecordPayload,
  consultationRequestPayload,
  extensionRequestPayload,
  exculpatoryNoticePayload,
  notePayload,
  type PayloadContext,
  postponementPayload,
  preservationPayload,
  reasonsPayload,
  refusalPayload,
  responsePayload,
} from './payloads.ts';

/** Conditions beyond the status; each is checked by a pure predicate in preconditions.ts. */
export const PRECONDITIONS = [
  /** Two-person rule: the approver is not the person who submitted the draft. */
  'approver-is-not-submitter',
  'conditions-pending',
  'no-conditions-pending',
  'is-preservation',
  /** The preserved-until date has not passed. */
  'preservation-running',
  /** The preserved-until date has passed. */
  'preservation-expired',
  'no-extension-pending',
  /** Not spontaneous information (Art. 40(4)): a request, which is assessed and decided on. */
  'is-request-for-assistance',
  /** Executed, converted or lapsed; or spontaneous information, once acknowledged. */
  'closable',
  /**
   * The actor's side holds what the other State gave: the requesting side once the requested side
   * accepted the request (its evidence may come from then on); the receiving side of spontaneous
   * information (Art. 40(4)).
   */
  'holds-information-received',
  /** The actor's side gave the information, and a notice of the other side has no consultation asked yet. */
  'exculpatory-notice-unanswered',
  /** The actor's side received the information, and the other side asked to be consulted on a notice, not yet held. */
  'consultation-pending',
] as const;
export type Precondition = (typeof PRECONDITIONS)[number];

/**
 * Where the case goes: a status, `resume` (the status a clarification or postponement
 * interrupted) or `unchanged` (the transition records something without moving the case).
 */
export type TransitionTarget = CaseStatus | 'resume' | 'unchanged';

/** What a transition writes on the case besides its status and history; `undefined` removes a member. */
export type CasePatch = { [Key in keyof Case]?: Case[Key] | undefined };

export type TransitionDefinition = Readonly<{
  name: string;
  sides: readonly CaseSide[];
  roles: readonly CaseRole[];
  from: readonly CaseStatus[];
  to: TransitionTarget;
  requires: readonly Precondition[];
  /**
   * Preconditions of a step a person makes now, on this node, that replay does not check: a rule
   * narrowed after histories were recorded, which those histories (and steps of a peer on an
   * earlier release) need not meet (lifecycle.ts, newStepRefusal).
   */
  newStepRequires: readonly Precondition[];
  /** The article and paragraph it rests on, as the catalogue cites them, or "Comity's practice". */
  basis: string;
  payload: (context: PayloadContext) => z.ZodType;
  record: (current: Case, payload: never, event: CaseEvent) => CasePatch;
}>;

function define<const Name extends string, Schema extends z.ZodType>(
  entry: Readonly<{
    name: Name;
    sides: readonly CaseSide[];
    roles: readonly CaseRole[];
    from: readonly CaseStatus[];
    to: TransitionTarget;
    requires?: readonly Precondition[];
    newStepRequires?: readonly Precondition[];
    basis: string;
    payload: (context: PayloadContext) => Schema;
    record?: (current: Case, payload: z.output<Schema>, event: CaseEvent) => CasePatch;
  }>,
): TransitionDefinition & { name: Name } {
  return { requires: [], newStepRequires: [], record: () => ({}), ...entry };
}

const REQUESTING: readonly CaseSide[] = ['requesting'];
const REQUESTED: readonly CaseSide[] = ['requested'];
const BOTH: readonly CaseSide[] = ['requesting', 'requested'];

/** People who may draft and follow a request on the requesting node. */
const DRAFTERS: readonly CaseRole[] = ['officer', 'duty-officer', 'supervisor'];
/** People who decide on an incoming request (grounds for refusal, conditions, postponement). */
const DECIDERS: readonly CaseRole[] = ['legal-reviewer', 'supervisor'];
/** People who handle an incoming request day to day. */
const HANDLERS: readonly CaseRole[] = ['officer', 'duty-officer', 'legal-reviewer', 'supervisor'];
/** People who carry out an accepted request and send back what it produced. */
const EXECUTORS: readonly CaseRole[] = ['officer', 'duty-officer', 'evidence-custodian', 'supervisor'];

const PRESERVATION_HELD: readonly CaseStatus[] = ['preserved', 'extended'];

/**
 * Where information one State gave the other may be held by its recipient: spontaneous information
 * once delivered; a request's evidence from its acceptance on (packages may come from then),
 * through a pause, and after the case ended, however it ended (a trial may come long after; a
 * request refused after a pause may have sent packages before it). The precondition
 * `holds-information-received` narrows it to the recipient, once something may have come.
 */
const INFORMATION_HELD: readonly CaseStatus[] = [
  'delivered',
  'acknowledged',
  'clarification-requested',
  'accepted',
  'postponed',
  'in-execution',
  'executed-partly',
  'executed-fully',
  'refused',
  'withdrawn',
  'closed',
];

/** Where a case can be withdrawn from: once sent, until it is finished. */
const OPEN_AFTER_SENDING: readonly CaseStatus[] = [
  ...IN_PROGRESS_STATUSES,
  ...PRESERVATION_HELD,
  'converted',
];

export const TRANSITIONS = [
  define({
    name: 'submit-for-approval',
    sides: REQUESTING,
    roles: DRAFTERS,
    from: ['draft'],
    to: 'awaiting-approval',
    basis: "Comity's practice (two-person rule)",
    payload: emptyPayload,
    record: (_current, _payload, event) => ({ submittedBy: event.actor.id }),
  }),
  define({
    name: 'return-to-draft',
    sides: REQUESTING,
    roles: ['supervisor'],
    from: ['awaiting-approval'],
    to: 'draft',
    basis: "Comity's practice (two-person rule)",
    payload: reasonsPayload,
    record: () => ({ submittedBy: undefined }),
  }),
  define({
    name: 'approve-and-send',
    sides: REQUESTING,
    roles: ['supervisor'],
    from: ['awaiting-approval'],
    to: 'sent',
    requires: ['approver-is-not-submitter'],
    basis: "Art. 40(13) (central authority to central authority); approval is Comity's practice",
    payload: emptyPayload,
  }),
  define({
    name: 'record-delivery',
    sides: REQUESTING,
    roles: ['node'],
    from: ['sent'],
    to: 'delivered',
    basis: "Comity's practice (signed receipt, docs/federation.md)",
    payload: deliveryPayload,
  }),
  define({
    name: 'acknowledge',
    sides: REQUESTED,
    roles: HANDLERS,
    from: ['delivered'],
    to: 'acknowledged',
    basis: "Comity's practice (a person confirms receipt within the State's declared service level)",
    payload: notePayload,
  }),
  define({
    name: 'begin-assessment',
    sides: REQUESTED,
    roles: HANDLERS,
    from: ['acknowledged'],
    to: 'under-assessment',
    newStepRequires: ['is-request-for-assistance'],
    basis: "Comity's practice",
    payload: emptyPayload,
  }),
  define({
    name: 'request-clarification',
    sides: REQUESTED,
    roles: HANDLERS,
    from: ['under-assessment', 'accepted', 'in-execution'],
    to: 'clarification-requested',
    basis: 'Art. 40(21)(a) (the catalogue prefers asking for more information to refusing)',
    payload: clarificationRequestPayload,
    record: (current, payload, event) => ({
      resumeStatus: current.status,
      clarification: { ...payload, askedAt: event.at },
    }),
  }),
  define({
    name: 'answer-clarification',
    sides: REQUESTING,
    roles: DRAFTERS,
    from: ['clarification-requested'],
    to: 'resume',
    basis: "Comity's practice",
    payload: clarificationAnswerPayload,
    record: (current, payload) => ({
      resumeStatus: undefined,
      clarification: current.clarification && { ...current.clarification, answer: payload.answer },
    }),
  }),
  define({
    name: 'propose-conditions',
    sides: REQUESTED,
    roles: DECIDERS,
    from: ['under-assessment'],
    to: 'unchanged',
    requires: ['no-conditions-pending'],
    basis: 'Art. 40(27)',
    payload: conditionsPayload,
    record: (_current, payload) => ({ conditions: { text: payload.text, state: 'proposed' } }),
  }),
  define({
    name: 'accept-conditions',
    sides: REQUESTING,
    roles: ['supervisor'],
    from: ['under-assessment'],
    to: 'unchanged',
    requires: ['conditions-pending'],
    basis: 'Art. 40(27) (conditions accepted must be complied with)',
    payload: notePayload,
    record: (current) => ({ conditions: current.conditions && { ...current.conditions, state: 'accepted' } }),
  }),
  define({
    name: 'decline-conditions',
    sides: REQUESTING,
    roles: ['officer', 'supervisor'],
    from: ['under-assessment'],
    to: 'unchanged',
    requires: ['conditions-pending'],
    basis: 'Art. 40(27)',
    payload: reasonsPayload,
    record: (current) => ({ conditions: current.conditions && { ...current.conditions, state: 'declined' } }),
  }),
  define({
    name: 'accept',
    sides: REQUESTED,
    roles: DECIDERS,
    from: ['under-assessment'],
    to: 'accepted',
    requires: ['no-conditions-pending'],
    basis: "Comity's practice",
    payload: notePayload,
  }),
  define({
    name: 'postpone',
    sides: REQUESTED,
    roles: DECIDERS,
    from: ['under-assessment', 'accepted', 'in-execution'],
    to: 'postponed',
    basis: 'Art. 40(26) (postponement), Art. 40(27) (consult before postponing)',
    payload: postponementPayload,
    record: (current, payload) => ({
      resumeStatus: current.status,
      postponement: { reasons: payload.reasons, until: payload.until },
    }),
  }),
  define({
    name: 'resume',
    sides: REQUESTED,
    roles: DECIDERS,
    from: ['postponed'],
    to: 'resume',
    basis: 'Art. 40(26)',
    payload: notePayload,
    record: () => ({ resumeStatus: undefined, postponement: undefined }),
  }),
  define({
    name: 'begin-execution',
    sides: REQUESTED,
    roles: EXECUTORS,
    from: ['accepted'],
    to: 'in-execution',
    basis: "Comity's practice",
    payload: notePayload,
  }),
  define({
    name: 'execute-partly',
    sides: REQUESTED,
    roles: EXECUTORS,
    from: ['in-execution', 'executed-partly'],
    to: 'executed-partly',
    basis: 'Art. 40(27) (partial assistance)',
    payload: () => responsePayload,
    record: appendResponse,
  }),
  define({
    name: 'execute-fully',
    sides: REQUESTED,
    roles: EXECUTORS,
    from: ['in-execution', 'executed-partly'],
    to: 'executed-fully',
    basis: 'Art. 40(25) (execute as soon as possible)',
    payload: () => responsePayload,
    record: appendResponse,
  }),
  define({
    name: 'refuse',
    sides: REQUESTED,
    roles: DECIDERS,
    from: ['under-assessment', 'clarification-requested', 'postponed'],
    to: 'refused',
    basis:
      'grounds as the catalogue lists them (e.g. Art. 40(21), Art. 42(6)); Art. 40(24) reasons; Art. 40(27) consultation',
    payload: refusalPayload,
    record: (_current, payload) => ({ resumeStatus: undefined, refusal: payload }),
  }),
  define({
    name: 'withdraw',
    sides: REQUESTING,
    roles: DRAFTERS,
    from: OPEN_AFTER_SENDING,
    to: 'withdrawn',
    basis: "Comity's practice (the requesting State says when assistance is no longer needed)",
    payload: reasonsPayload,
    record: (_current, payload) => ({ resumeStatus: undefined, withdrawal: payload }),
  }),
  define({
    name: 'close',
    sides: BOTH,
    roles: ['officer', 'legal-reviewer', 'supervisor'],
    from: ['acknowledged', 'executed-partly', 'executed-fully', 'converted', 'lapsed'],
    to: 'closed',
    requires: ['closable'],
    basis:
      "Comity's practice; spontaneous information (Art. 40(4)-(5)) is closed once acknowledged, its conditions of use kept",
    payload: notePayload,
  }),
  define({
    name: 'record-preservation',
    sides: REQUESTED,
    roles: EXECUTORS,
    from: ['acknowledged', 'under-assessment', 'accepted', 'in-execution'],
    to: 'preserved',
    requires: ['is-preservation'],
    basis: 'Art. 42(8) (at least 60 days)',
    payload: preservationPayload,
    record: (_current, payload) => ({
      preservation: { tookEffectOn: payload.tookEffectOn, preservedUntil: payload.preservedUntil },
    }),
  }),
  define({
    name: 'request-extension',
    sides: REQUESTING,
    roles: DRAFTERS,
    from: PRESERVATION_HELD,
    to: 'unchanged',
    requires: ['preservation-running', 'no-extension-pending'],
    basis: "Comity's practice (an extension before expiry; not in the catalogue)",
    payload: extensionRequestPayload,
    record: (current, payload) => ({
      preservation: current.preservation && { ...current.preservation, extensionRequest: payload },
    }),
  }),
  define({
    name: 'extend',
    sides: REQUESTED,
    roles: EXECUTORS,
    from: PRESERVATION_HELD,
    to: 'extended',
    requires: ['preservation-running'],
    basis: "Comity's practice (not in the catalogue)",
    payload: extensionPayload,
    record: (current, payload) =>
      current.preservation
        ? { preservation: { ...withoutExtensionRequest(current.preservation), ...payload } }
        : {},
  }),
  define({
    name: 'convert',
    sides: BOTH,
    roles: HANDLERS,
    from: PRESERVATION_HELD,
    to: 'converted',
    requires: ['preservation-running'],
    basis: 'Art. 42(8) (kept until the follow-up request is decided)',
    payload: conversionPayload,
    record: (current, payload) => ({
      preservation: current.preservation && {
        ...withoutExtensionRequest(current.preservation),
        followUp: { reference: payload.followUpReference },
      },
    }),
  }),
  define({
    name: 'lapse',
    sides: REQUESTED,
    roles: ['node', 'officer', 'duty-officer', 'supervisor'],
    from: PRESERVATION_HELD,
    to: 'lapsed',
    requires: ['preservation-expired'],
    basis: 'Art. 42(8) (the period ends without a follow-up request)',
    payload: emptyPayload,
  }),
  define({
    name: 'notify-exculpatory-disclosure',
    sides: BOTH,
    roles: HANDLERS,
    from: INFORMATION_HELD,
    to: 'unchanged',
    requires: ['holds-information-received'],
    basis:
      'Art. 40(19) (evidence received on request), Art. 40(5) (spontaneous information): exculpatory information may be disclosed, with notice to the State that gave it',
    payload: exculpatoryNoticePayload,
    record: (current, payload, event) => ({
      exculpatoryNotices: [...(current.exculpatoryNotices ?? []), { ...payload, notifiedAt: event.at }],
    }),
  }),
  define({
    name: 'request-consultation',
    sides: BOTH,
    roles: ['officer', 'legal-reviewer', 'supervisor'],
    from: INFORMATION_HELD,
    to: 'unchanged',
    requires: ['exculpatory-notice-unanswered'],
    basis: 'Art. 40(19), Art. 40(5) (the State that gave the information may ask to be consulted)',
    payload: consultationRequestPayload,
    record: (current, payload, event) => ({
      exculpatoryNotices: (current.exculpatoryNotices ?? []).map((notice, index) =>
        index === payload.notice
          ? { ...notice, consultationRequested: { reasons: payload.reasons, at: event.at } }
          : notice,
      ),
    }),
  }),
  define({
    name: 'record-consultation',
    sides: BOTH,
    roles: HANDLERS,
    from: INFORMATION_HELD,
    to: 'unchanged',
    requires: ['consultation-pending'],
    basis:
      'Art. 40(19), Art. 40(5) (the recipient consults the State that gave the information when it asks)',
    payload: consultationRecordPayload,
    record: (current, payload, event) => ({
      exculpatoryNotices: (current.exculpatoryNotices ?? []).map((notice, index) =>
        index === payload.notice
          ? {
              ...notice,
              consultationHeld: { heldOn: payload.heldOn, outcome: payload.outcome, at: event.at },
            }
          : notice,
      ),
    }),
  }),
] as const;

function appendResponse(current: Case, payload: CaseResponse): CasePatch {
  return { responses: [...current.responses, payload] };
}

function withoutExtensionRequest(preservation: NonNullable<Case['preservation']>) {
  const { extensionRequest: _dropped, ...rest } = preservation;
  return rest;
}

export type TransitionName = (typeof TRANSITIONS)[number]['name'];

const BY_NAME: ReadonlyMap<string, TransitionDefinition> = new Map(
  TRANSITIONS.map((entry) => [entry.name, entry as TransitionDefinition]),
);

/** The transition with this name, or undefined for a name the lifecycle does not know. */
export function findTransition(name: string): TransitionDefinition | undefined {
  return BY_NAME.get(name);
}
