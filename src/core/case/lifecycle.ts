/**
 * The case lifecycle, pure: no I/O, no clock (the moment is a parameter), no framework but zod.
 * Both nodes of a case apply `applyTransition` to the same events and fold histories with
 * `replay`, so they reach the same state. The rules are the table in transitions.ts.
 */
import type { z } from 'zod';
import {
  type Case,
  type CaseActor,
  type CaseCatalogue,
  type CaseEvent,
  type CaseRole,
  type CaseSide,
  type CaseStatus,
  TERMINAL_STATUSES,
} from './case-model.ts';
import { type FieldCode, fieldCodeOf, jsonPointer, zodIssueParams } from '../field-codes.ts';
import { OpenPayloadSchema } from './payloads.ts';
import { PRECONDITION_CHECKS } from './preconditions.ts';
import {
  type CasePatch,
  findTransition,
  type Precondition,
  TRANSITIONS,
  type TransitionDefinition,
} from './transitions.ts';

/**
 * One problem with a payload: where (a dotted path, and a JSON pointer into the payload), what
 * (in English), and why as a stable code with its limit or date bound (src/core/field-codes.ts).
 */
export type PayloadIssue = Readonly<{ path: string; pointer: string; message: string }> & FieldCode;

/** Why a transition was not made; `status` is always the case's current status. */
export type TransitionRefusal = Readonly<
  { transition: string; status: CaseStatus | 'none'; message: string } & (
    | { reason: 'unknown-transition' }
    | { reason: 'not-from-status'; allowedFrom: readonly CaseStatus[] }
    | { reason: 'side-not-allowed'; side: CaseSide; allowedSides: readonly CaseSide[] }
    | { reason: 'role-not-allowed'; roles: readonly CaseRole[]; allowedRoles: readonly CaseRole[] }
    | { reason: 'precondition-unmet'; precondition: Precondition }
    | { reason: 'invalid-payload'; issues: readonly PayloadIssue[] }
  )
>;

export type TransitionResult =
  | Readonly<{ ok: true; case: Case; event: CaseEvent }>
  | Readonly<{ ok: false; refusal: TransitionRefusal }>;

/** A transition asked for: its name and its payload (checked against the transition's schema). */
export type TransitionRequest = Readonly<{ name: string; payload: unknown }>;

/** Who may open a case: a person who drafts requests on the requesting node. */
export const OPEN_RULE = Object.freeze({
  name: 'open',
  sides: ['requesting'] as readonly CaseSide[],
  roles: ['officer', 'duty-officer', 'supervisor'] as readonly CaseRole[],
});

/**
 * Opens a case in `draft`: the first event of every history, carrying the request type, the
 * urgency and any suggested deadline (never the request's content).
 */
export function openCase(payload: unknown, actor: CaseActor, now: Date): TransitionResult {
  const refusal = actorRefusal(OPEN_RULE, 'none', actor);
  if (refusal) return { ok: false, refusal };
  const parsed = OpenPayloadSchema.safeParse(payload, { reportInput: true });
  if (!parsed.success) return { ok: false, refusal: payloadRefusal('open', 'none', parsed.error) };
  const event = makeEvent('open', actor, now, parsed.data);
  const opened: Case = { ...parsed.data, status: 'draft', responses: [], history: [event] };
  return { ok: true, case: opened, event };
}

/**
 * Makes a transition if the table allows it: the current status, the actor's side and roles, the
 * preconditions and the payload are checked in that order, and the first that fails is named.
 * On success the new case carries the event appended to its history.
 */
export function applyTransition(
  current: Case,
  request: TransitionRequest,
  actor: CaseActor,
  now: Date,
  catalogue: CaseCatalogue,
): TransitionResult {
  const refusal = transitionRefusal(current, request, actor, now, catalogue);
  if (refusal.refusal) return { ok: false, refusal: refusal.refusal };
  const { definition, payload } = refusal;
  const event = makeEvent(definition.name, actor, now, payload);
  const patch = definition.record(current, payload as never, event);
  const status = nextStatus(current, definition);
  return {
    ok: true,
    case: patchCase(current, { ...patch, status, history: [...current.history, event] }),
    event,
  };
}

/**
 * Why a person on this node may not make `name` now although replay would accept it: the
 * preconditions the transition adds for new steps only (`newStepRequires`). Histories recorded
 * before such a rule, and a peer's steps, are folded without them; undefined when none fails.
 */
export function newStepRefusal(
  current: Case,
  name: string,
  actor: CaseActor,
  now: Date,
): TransitionRefusal | undefined {
  const definition = findTransition(name);
  const failed = definition?.newStepRequires.find(
    (precondition) => !PRECONDITION_CHECKS[precondition].holds(current, actor, now),
  );
  if (definition === undefined || failed === undefined) return undefined;
  return {
    reason: 'precondition-unmet',
    transition: definition.name,
    status: current.status,
    precondition: failed,
    message: PRECONDITION_CHECKS[failed].unmet,
  };
}

/** The transitions this actor may make now (status, side and roles allow them), for menus and checks. */
export function availableTransitions(current: Case, actor: CaseActor): TransitionDefinition[] {
  return allowedFromStatus(current.status).filter(
    (definition) => !actorRefusal(definition, current.status, actor),
  );
}

/**
 * Folds a history into its case, applying each event with its own actor and moment. A history
 * starts with `open`; an event the rules refuse stops the fold and is named by its index.
 */
export function replay(events: readonly CaseEvent[], catalogue: CaseCatalogue): FoldResult {
  const [first, ...rest] = events;
  if (first?.transition !== 'open') {
    const refusal: TransitionRefusal = {
      reason: 'unknown-transition',
      transition: first?.transition ?? '(none)',
      status: 'none',
      message: 'a case history starts with the event "open"',
    };
    return { ok: false, index: 0, refusal };
  }
  const opened = openCase(first.payload, first.actor, new Date(first.at));
  if (!opened.ok) return { ok: false, index: 0, refusal: opened.refusal };
  const applied = applyEvents(opened.case, rest, catalogue);
  return applied.ok ? applied : { ...applied, index: applied.index + 1 };
}

/** A case after a history, or the first event the rules refuse (its index in the events given). */
export type FoldResult =
  | Readonly<{ ok: true; case: Case }>
  | Readonly<{ ok: false; index: number; refusal: TransitionRefusal }>;

/**
 * Applies `events` in order to `start`, each with its own actor and moment. `prepare` may adjust
 * the case before each event (request-case.ts: a sent request is delivered once the requested
 * side acts on it).
 */
export function applyEvents(
  start: Case,
  events: readonly CaseEvent[],
  catalogue: CaseCatalogue,
  prepare: (current: Case, event: CaseEvent) => Case = (current) => current,
): FoldResult {
  let current = start;
  for (const [index, event] of events.entries()) {
    const result = applyTransition(
      prepare(current, event),
      { name: event.transition, payload: event.payload },
      event.actor,
      new Date(event.at),
      catalogue,
    );
    if (!result.ok) return { ok: false, index, refusal: result.refusal };
    current = result.case;
  }
  return { ok: true, case: current };
}

type Checked =
  | Readonly<{ refusal: TransitionRefusal; definition?: undefined; payload?: undefined }>
  | Readonly<{ refusal?: undefined; definition: TransitionDefinition; payload: unknown }>;

function transitionRefusal(
  current: Case,
  request: TransitionRequest,
  actor: CaseActor,
  now: Date,
  catalogue: CaseCatalogue,
): Checked {
  const { status } = current;
  const definition = findTransition(request.name);
  if (!definition) {
    const message = `there is no transition "${request.name}"`;
    return { refusal: { reason: 'unknown-transition', transition: request.name, status, message } };
  }
  if (!definition.from.includes(status)) {
    const message = TERMINAL_STATUSES.includes(status)
      ? `a ${status} case is finished: "${definition.name}" cannot follow it`
      : `"${definition.name}" cannot be made on a ${status} case (only from ${definition.from.join(', ')})`;
    return {
      refusal: {
        reason: 'not-from-status',
        transition: definition.name,
        status,
        allowedFrom: definition.from,
        message,
      },
    };
  }
  const actorProblem = actorRefusal(definition, status, actor);
  if (actorProblem) return { refusal: actorProblem };
  for (const precondition of definition.requires) {
    const check = PRECONDITION_CHECKS[precondition];
    if (!check.holds(current, actor, now)) {
      return {
        refusal: {
          reason: 'precondition-unmet',
          transition: definition.name,
          status,
          precondition,
          message: check.unmet,
        },
      };
    }
  }
  // With the input reported, a member left out is coded `required`, a wrong one not (field-codes.ts).
  const parsed = definition
    .payload({ case: current, now, catalogue })
    .safeParse(request.payload, { reportInput: true });
  if (!parsed.success) return { refusal: payloadRefusal(definition.name, status, parsed.error) };
  return { definition, payload: parsed.data };
}

type ActorRule = Readonly<{ name: string; sides: readonly CaseSide[]; roles: readonly CaseRole[] }>;

function actorRefusal(
  rule: ActorRule,
  status: CaseStatus | 'none',
  actor: CaseActor,
): TransitionRefusal | undefined {
  if (!rule.sides.includes(actor.side)) {
    return {
      reason: 'side-not-allowed',
      transition: rule.name,
      status,
      side: actor.side,
      allowedSides: rule.sides,
      message: `the ${actor.side} side cannot make "${rule.name}" (only the ${rule.sides.join(' or ')} side)`,
    };
  }
  if (!actor.roles.some((role) => rule.roles.includes(role))) {
    return {
      reason: 'role-not-allowed',
      transition: rule.name,
      status,
      roles: actor.roles,
      allowedRoles: rule.roles,
      message: `"${rule.name}" needs one of the roles ${rule.roles.join(', ')}`,
    };
  }
  return undefined;
}

function payloadRefusal(
  transition: string,
  status: CaseStatus | 'none',
  error: z.ZodError,
): TransitionRefusal {
  const issues = error.issues.map((issue) => ({
    path: issue.path.join('.'),
    pointer: jsonPointer(issue.path),
    message: issue.message,
    ...fieldCodeOf({ keyword: issue.code, params: zodIssueParams(issue) }),
  }));
  const message = issues
    .map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message))
    .join('; ');
  return { reason: 'invalid-payload', transition, status, issues, message };
}

function allowedFromStatus(status: CaseStatus): TransitionDefinition[] {
  return TRANSITION_LIST.filter((definition) => definition.from.includes(status));
}

const TRANSITION_LIST: readonly TransitionDefinition[] = TRANSITIONS;

function nextStatus(current: Case, definition: TransitionDefinition): CaseStatus {
  if (definition.to === 'unchanged') return current.status;
  if (definition.to === 'resume') return current.resumeStatus ?? current.status;
  return definition.to;
}

function makeEvent(transition: string, actor: CaseActor, now: Date, payload: unknown): CaseEvent {
  return {
    transition,
    actor: { id: actor.id, side: actor.side, roles: [...actor.roles] },
    at: now.toISOString(),
    payload,
  };
}

/** Applies a patch; a member set to undefined is removed, so replayed and applied cases compare equal. */
function patchCase(current: Case, patch: CasePatch & Pick<Case, 'status' | 'history'>): Case {
  const next: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) delete next[key];
    else next[key] = value;
  }
  return next as Case;
}
