/**
 * The named preconditions of the transition table (transitions.ts), each a pure predicate over the
 * case, the actor and the moment, with the sentence a refusal shows when it does not hold.
 */
import { type Case, type CaseActor, type CaseSide, isConsultationPending } from './case-model.ts';
import { todayOf } from './payloads.ts';
import type { Precondition } from './transitions.ts';

type PreconditionCheck = Readonly<{
  holds: (current: Case, actor: CaseActor, now: Date) => boolean;
  /** Why the transition is refused when the precondition does not hold. */
  unmet: string;
}>;

export const PRECONDITION_CHECKS: Readonly<Record<Precondition, PreconditionCheck>> = {
  'approver-is-not-submitter': {
    holds: (current, actor) => current.submittedBy !== actor.id,
    unmet: 'the person who submitted the draft cannot also approve it (two-person rule)',
  },
  'conditions-pending': {
    holds: (current) => current.conditions?.state === 'proposed',
    unmet: 'no conditions are waiting for an answer',
  },
  'no-conditions-pending': {
    holds: (current) => current.conditions?.state !== 'proposed',
    unmet: 'conditions proposed to the requesting side are still waiting for its answer',
  },
  'is-preservation': {
    holds: (current) => current.requestType === 'preservation',
    unmet: 'only a preservation request (Art. 42) is preserved',
  },
  'preservation-running': {
    holds: (current, _actor, now) => isPreservationRunning(current, now),
    unmet: 'the preserved-until date has passed',
  },
  'preservation-expired': {
    holds: (current, _actor, now) =>
      current.preservation !== undefined && !isPreservationRunning(current, now),
    unmet: 'the preserved-until date has not passed yet',
  },
  'is-request-for-assistance': {
    holds: (current) => current.requestType !== 'spontaneous-information',
    unmet:
      'spontaneous information (Art. 40(4)) is not a request: it is acknowledged and closed, never assessed, accepted or refused',
  },
  closable: {
    holds: (current) =>
      current.status !== 'acknowledged' || current.requestType === 'spontaneous-information',
    unmet:
      'a request is closed once executed, converted or lapsed; only spontaneous information is closed once acknowledged',
  },
  'holds-information-received': {
    holds: (current, actor) => actor.side === recipientSideOf(current) && holdsInformation(current),
    unmet:
      'only the State that received the information gives notice of its disclosure: spontaneous information once delivered, a request once accepted',
  },
  'exculpatory-notice-unanswered': {
    holds: (current, actor) =>
      actor.side !== recipientSideOf(current) &&
      (current.exculpatoryNotices ?? []).some((notice) => notice.consultationRequested === undefined),
    unmet:
      'only the State that gave the information asks to be consulted, once a notice, on a notice of its disclosure',
  },
  'consultation-pending': {
    holds: (current, actor) =>
      actor.side === recipientSideOf(current) &&
      (current.exculpatoryNotices ?? []).some(isConsultationPending),
    unmet:
      'only the State that received the information records a consultation, once the other State asked for one on a notice',
  },
  'no-extension-pending': {
    holds: (current) => current.preservation?.extensionRequest === undefined,
    unmet: 'an extension has already been asked for and not yet granted',
  },
};

/**
 * The side that received information from the other: the requested side for spontaneous
 * information (Art. 40(4)), the requesting side for a request's answer.
 */
export function recipientSideOf(current: Case): CaseSide {
  return current.requestType === 'spontaneous-information' ? 'requested' : 'requesting';
}

/**
 * Spontaneous information is held from its delivery; a request's evidence from its acceptance on
 * (packages may come from then, before the execution begins).
 */
function holdsInformation(current: Case): boolean {
  return (
    current.requestType === 'spontaneous-information' ||
    current.responses.length > 0 ||
    current.history.some((event) => event.transition === 'accept' || event.transition === 'begin-execution')
  );
}

/** The data is preserved through the whole of its preserved-until date (UTC). */
function isPreservationRunning(current: Case, now: Date): boolean {
  const until = current.preservation?.preservedUntil;
  return until !== undefined && todayOf(now) <= until;
}
