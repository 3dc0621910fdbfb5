/**
 * The shape of a case as both nodes keep it: the requesting node (which drafted and sent the
 * request) and the requested node (which assesses and executes it) hold the same history of events
 * and fold it with the same pure function (lifecycle.ts), so they show the same status.
 *
 * IMPORTANT: events are persisted and travel between nodes as federation messages. Changing the
 * shape of an event or of a payload needs a migration of stored histories and a protocol version.
 */
import { ROLES, type Role } from '../roles.ts';
import { z } from 'zod';
import type { Catalogue } from '../catalogue/catalogue.ts';
import { REQUEST_TYPE_IDS, type RequestTypeId, URGENCY_LEVELS } from '../request/draft.ts';

/** Every status a case can have (design.md, "A case's life"); the last four are for preservation (Art. 42). */
export const CASE_STATUSES = [
  'draft',
  'awaiting-approval',
  'sent',
  'delivered',
  'acknowledged',
  'under-assessment',
  'clarification-requested',
  'accepted',
  'postponed',
  'in-execution',
  'executed-partly',
  'executed-fully',
  'refused',
  'withdrawn',
  'closed',
  'preserved',
  'extended',
  'converted',
  'lapsed',
] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

/** From sending until the request is executed in full: the requested side still owes an answer. */
export const IN_PROGRESS_STATUSES: readonly CaseStatus[] = CASE_STATUSES.slice(
  CASE_STATUSES.indexOf('sent'),
  CASE_STATUSES.indexOf('executed-partly') + 1,
);

/**
 * Statuses that end a case: no step moves it on. A notice of exculpatory disclosure (Art. 40(19),
 * Art. 40(5)), which changes no status, may still follow one: a trial can come long after.
 */
export const TERMINAL_STATUSES: readonly CaseStatus[] = ['refused', 'withdrawn', 'closed'];

/** The two sides of a case: the State that asks and the State that is asked. */
export const CASE_SIDES = ['requesting', 'requested'] as const;
export type CaseSide = (typeof CASE_SIDES)[number];

/** The roles a person may hold on a node (the accounts' roles, src/core/roles.ts). */
export const PERSON_ROLES = ROLES;
export type PersonRole = Role;

/**
 * The node itself, acting without a person: it records the signed receipt of delivery and lets a
 * preservation lapse when its period has run out. No user is ever given this role.
 */
export const NODE_ROLE = 'node';
export const CASE_ROLES = [...PERSON_ROLES, NODE_ROLE] as const;
export type CaseRole = (typeof CASE_ROLES)[number];

export type UrgencyLevel = (typeof URGENCY_LEVELS)[number];

/** Who makes a transition: an identifier (user id, or the node's id), the side and the roles held. */
export type CaseActor = Readonly<{ id: string; side: CaseSide; roles: readonly CaseRole[] }>;

/** A calendar date, YYYY-MM-DD. */
export type CalendarDate = string;

/** One attachment of a response, described (the file travels as evidence, not in the event). */
export const AttachmentSchema = z
  .object({
    name: z.string().trim().min(1).max(300),
    mediaType: z.string().trim().min(1).max(200),
    sizeBytes: z.number().int().min(0),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
  })
  .strict();

/** A structured result of execution, so the requesting node can use it without reading prose. */
export const ResultSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('subscriber-data'),
      /** The identifier asked about (an IP address with its time, an account...). */
      identifier: z.string().trim().min(1).max(500),
      subscriber: z.record(z.string().min(1).max(100), z.string().max(2000)),
    })
    .strict(),
  z
    .object({
      kind: z.literal('preserved-until'),
      /** What was preserved, e.g. an account or a set of logs. */
      item: z.string().trim().min(1).max(500),
      until: z.iso.date(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('other'),
      label: z.string().trim().min(1).max(300),
      value: z.string().max(10_000),
    })
    .strict(),
]);

/** A response of the requested side: what was done, structured results, attachments described. */
export const ResponseSchema = z
  .object({
    text: z.string().trim().min(1).max(20_000),
    results: z.array(ResultSchema).max(1000).default([]),
    attachments: z.array(AttachmentSchema).max(1000).default([]),
  })
  .strict();
export type CaseResponse = z.output<typeof ResponseSchema>;

/**
 * One entry of a case's history: who (actor id, side and roles), when (RFC 3339 UTC), which
 * transition, and its payload as validated. Replaying the events gives the case (lifecycle.ts).
 */
export const CaseEventSchema = z
  .object({
    transition: z.string().min(1).max(60),
    actor: z
      .object({
        id: z.string().min(1).max(200),
        side: z.enum(CASE_SIDES),
        roles: z.array(z.enum(CASE_ROLES)),
      })
      .strict(),
    at: z.iso.datetime(),
    payload: z.unknown(),
  })
  .strict();
export type CaseEvent = Readonly<{
  transition: string;
  actor: CaseActor;
  /** RFC 3339 UTC instant. */
  at: string;
  payload: unknown;
}>;

/** Conditions the requested side sets for its assistance (Art. 40(27) as the catalogue cites it). */
export type Conditions = Readonly<{ text: string; state: 'proposed' | 'accepted' | 'declined' }>;

/** The case as both nodes see it: its status, what the transitions recorded, and its history. */
export type Case = Readonly<{
  requestType: RequestTypeId;
  urgency: UrgencyLevel;
  /** A date the requesting side suggested for execution, with reasons (Art. 40(25)). */
  suggestedDeadline?: Readonly<{ date: CalendarDate; reasons: string }>;
  status: CaseStatus;
  /** The status a clarification or a postponement interrupted; the case returns to it. */
  resumeStatus?: CaseStatus;
  /** The actor who submitted the draft for approval (two-person rule). */
  submittedBy?: string;
  clarification?: Readonly<{ questions: string; answerBy?: CalendarDate; askedAt: string; answer?: string }>;
  postponement?: Readonly<{ reasons: string; until: CalendarDate }>;
  conditions?: Conditions;
  responses: readonly CaseResponse[];
  refusal?: Readonly<{ grounds: readonly string[]; reasons: string; consultation: Consultation }>;
  preservation?: Readonly<{
    tookEffectOn: CalendarDate;
    preservedUntil: CalendarDate;
    extensionRequest?: Readonly<{ requestedUntil: CalendarDate; reasons: string }>;
    followUp?: Readonly<{ reference: string }>;
  }>;
  withdrawal?: Readonly<{ reasons: string }>;
  /** Notices of exculpatory disclosure the recipient of the information gave, oldest first. */
  exculpatoryNotices?: readonly ExculpatoryNotice[];
  history: readonly CaseEvent[];
}>;

/**
 * A notice that information or evidence the other State gave will be, or was, disclosed because it
 * is exculpatory to an accused person (Art. 40(19) for evidence received on request, Art. 40(5) for
 * spontaneous information): no consent is needed, but notice is, before the disclosure or, when
 * that was impossible, without delay after it; the State that gave it may ask to be consulted.
 */
export type ExculpatoryNotice = Readonly<{
  /** `prior`: before the disclosure; `after`: prior notice was impossible. */
  timing: 'prior' | 'after';
  /** What is disclosed, to whom and in which proceedings, and why it is exculpatory. */
  disclosure: string;
  /** The day planned (prior) or the day it was disclosed (after). */
  date: CalendarDate;
  /** Why notice could not be given before (required when `after`). */
  priorNoticeImpossible?: string;
  /** The received evidence packages it covers (none: the information itself, or not in a package). */
  packageIds: readonly string[];
  notifiedAt: string;
  consultationRequested?: Readonly<{ reasons: string; at: string }>;
  /** The consultation held, as the recipient records it: the day and its outcome. */
  consultationHeld?: Readonly<{ heldOn: CalendarDate; outcome: string; at: string }>;
}>;

/** A notice given before the disclosure whose consultation was asked for and not yet held: the disclosure waits for it. */
export function isConsultationPending(notice: ExculpatoryNotice): boolean {
  return notice.consultationRequested !== undefined && notice.consultationHeld === undefined;
}

/**
 * What the requested side asked that waits for the requesting side's answer: conditions proposed
 * (Art. 40(27)) or questions (a clarification), with the text to answer; null when nothing waits.
 */
export type AwaitingAnswer = Readonly<{ kind: 'conditions' | 'clarification'; text: string }>;

export function awaitingAnswerOf(current: Case): AwaitingAnswer | null {
  if (current.conditions?.state === 'proposed') return { kind: 'conditions', text: current.conditions.text };
  if (
    current.status === 'clarification-requested' &&
    current.clarification &&
    !current.clarification.answer
  ) {
    return { kind: 'clarification', text: current.clarification.questions };
  }
  return null;
}

/**
 * The requesting side's answer the requested side has not acted on yet: the case's last step
 * answered its questions, or accepted or declined its conditions (with the note or reasons given);
 * null once the requested side has made another step, or when the last step was no answer.
 */
export type AnswerGiven = Readonly<{
  kind: 'clarification' | 'conditions';
  outcome: 'answered' | 'accepted' | 'declined';
  text: string;
  at: string;
}>;

export function answerGivenOf(current: Case): AnswerGiven | null {
  const last = current.history.at(-1);
  if (!last) return null;
  const payload = (last.payload ?? {}) as { note?: string; reasons?: string };
  switch (last.transition) {
    case 'answer-clarification':
      return {
        kind: 'clarification',
        outcome: 'answered',
        text: current.clarification?.answer ?? '',
        at: last.at,
      };
    case 'accept-conditions':
      return { kind: 'conditions', outcome: 'accepted', text: payload.note ?? '', at: last.at };
    case 'decline-conditions':
      return { kind: 'conditions', outcome: 'declined', text: payload.reasons ?? '', at: last.at };
    default:
      return null;
  }
}

/**
 * The conditions the requesting side accepted (Art. 40(27): conditions accepted must be complied
 * with), each with when, oldest first: they bind for the rest of the case, so both sides keep them
 * in view. Read from the history, since conditions proposed later replace the case's current ones
 * while the accepted ones still bind.
 */
export type ConditionsInForce = Readonly<{ text: string; acceptedAt: string }>;

export function conditionsInForceOf(current: Case): ConditionsInForce[] {
  const accepted: ConditionsInForce[] = [];
  let proposed: string | undefined;
  for (const event of current.history) {
    if (event.transition === 'propose-conditions') {
      const text = (event.payload as { text?: unknown } | null)?.text;
      proposed = typeof text === 'string' ? text : undefined;
    } else if (event.transition === 'accept-conditions' && proposed !== undefined) {
      accepted.push({ text: proposed, acceptedAt: event.at });
      proposed = undefined;
    } else if (event.transition === 'decline-conditions') {
      proposed = undefined;
    }
  }
  return accepted;
}

/** The record of the consultation before refusing or postponing (Art. 40(27) as the catalogue cites it). */
export const ConsultationSchema = z
  .object({
    /**
     * Whether the requesting State was consulted (Art. 40(27): consult before refusing or
     * postponing). Absent in a record made before the form asked it: the record says nothing.
     */
    requestingStateConsulted: z.boolean().optional(),
    /** Whether assistance in part was considered. */
    partialAssistanceConsidered: z.boolean(),
    /** Whether assistance under conditions was considered. */
    conditionalAssistanceConsidered: z.boolean(),
    /** How the requesting State was consulted and what was considered, or why it was not. */
    summary: z.string().trim().min(1).max(10_000),
  })
  .strict();
export type Consultation = z.output<typeof ConsultationSchema>;

/**
 * What the lifecycle reads from the catalogue: the grounds for refusal and the minimum
 * preservation period. A parameter, so the rules stay data and tests can pass a changed copy.
 */
export type CaseCatalogue = Readonly<{
  refusalGround: (id: string) => Readonly<{ kind: string; appliesTo: readonly RequestTypeId[] }> | undefined;
  /** Art. 42(8): the fewest days a preservation lasts. */
  minimumPreservationDays: number;
}>;

/** Comity's reading of the catalogue for the lifecycle. */
export function caseCatalogueFrom(catalogue: Catalogue): CaseCatalogue {
  const rule = catalogue.rules.find((entry) => entry.id === 'preservation-period-too-short');
  const minimum = rule?.parameters.minimumDays;
  if (typeof minimum !== 'number') {
    throw new Error(
      'the catalogue has no minimumDays for the rule preservation-period-too-short (Art. 42(8))',
    );
  }
  return {
    refusalGround: (id) => catalogue.refusalGrounds.find((entry) => entry.id === id),
    minimumPreservationDays: minimum,
  };
}

export const RequestTypeSchema = z.enum(REQUEST_TYPE_IDS);
export const UrgencySchema = z.enum(URGENCY_LEVELS);
