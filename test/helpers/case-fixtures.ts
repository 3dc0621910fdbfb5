/**
 * Cases in every status and a valid payload for every transition, for the lifecycle tests. The
 * catalogue here is a small stand-in (three grounds, 60 days), independent of the data lawyers edit.
 */
import type { RequestTypeId } from '../../src/core/request/draft.ts';
import type {
  Case,
  CaseActor,
  CaseCatalogue,
  CaseRole,
  CaseSide,
  CaseStatus,
  Conditions,
  ExculpatoryNotice,
} from '../../src/core/case/case-model.ts';
import { applyTransition, openCase } from '../../src/core/case/lifecycle.ts';
import type { TransitionName } from '../../src/core/case/transitions.ts';

/** The moment most tests act at. */
export const NOW = new Date('2026-03-10T12:00:00.000Z');

export const CASE_CATALOGUE: CaseCatalogue = {
  refusalGround: (id) =>
    ({
      'mla-essential-interests': { kind: 'may-refuse', appliesTo: ['mla', 'stored-data'] as RequestTypeId[] },
      'mla-fiscal-matters': { kind: 'not-a-ground', appliesTo: ['mla'] as RequestTypeId[] },
      'preservation-limited-grounds': { kind: 'may-refuse', appliesTo: ['preservation'] as RequestTypeId[] },
    })[id],
  minimumPreservationDays: 60,
};

export function actor(side: CaseSide, ...roles: CaseRole[]): CaseActor {
  return { id: `${side}-${roles.join('+') || 'nobody'}`, side, roles };
}

export const CONSULTATION = {
  partialAssistanceConsidered: true,
  conditionalAssistanceConsidered: true,
  summary: 'Partial disclosure and disclosure under conditions were discussed by telephone on 2026-03-09.',
};

export const RESPONSE = {
  text: 'Subscriber data for the address at the given time.',
  results: [
    {
      kind: 'subscriber-data',
      identifier: '203.0.113.7 2026-02-01T10:00:00Z',
      subscriber: { name: 'A. N.' },
    },
  ],
  attachments: [{ name: 'reply.pdf', mediaType: 'application/pdf', sizeBytes: 1024, sha256: 'a'.repeat(64) }],
};

/** A transition's valid payload, and what the case must be like for it (type, conditions, moment). */
export type TransitionSample = Readonly<{
  payload: unknown;
  requestType?: RequestTypeId;
  conditions?: Conditions;
  exculpatoryNotices?: readonly ExculpatoryNotice[];
  now?: Date;
}>;

/** A notice of exculpatory disclosure as a case records it, given before the disclosure. */
export const EXCULPATORY_NOTICE: ExculpatoryNotice = {
  timing: 'prior',
  disclosure:
    'The log excerpt showing another account logged in at the time will be disclosed to the defence in case 2026/117.',
  date: '2026-03-12',
  packageIds: [],
  notifiedAt: '2026-03-09T10:00:00.000Z',
};

export const SAMPLES: Readonly<Record<TransitionName, TransitionSample>> = {
  'submit-for-approval': { payload: {} },
  'return-to-draft': { payload: { reasons: 'The summary of facts is missing the dates.' } },
  'approve-and-send': { payload: {} },
  'record-delivery': { payload: { receiptDigest: 'b'.repeat(64) } },
  acknowledge: { payload: { note: 'Received by the duty desk.' } },
  'begin-assessment': { payload: {} },
  'request-clarification': {
    payload: { questions: 'Which time zone are the log times in?', answerBy: '2026-03-20' },
  },
  'answer-clarification': { payload: { answer: 'UTC.' } },
  'propose-conditions': { payload: { text: 'Use only in the proceedings named in the request.' } },
  'accept-conditions': {
    payload: {},
    conditions: { text: 'Use only in these proceedings.', state: 'proposed' },
  },
  'decline-conditions': {
    payload: { reasons: 'Our law requires disclosure to the defence.' },
    conditions: { text: 'Use only in these proceedings.', state: 'proposed' },
  },
  accept: { payload: {} },
  postpone: {
    payload: {
      reasons: 'Execution would disturb an ongoing domestic investigation.',
      until: '2026-04-15',
      consultation: CONSULTATION,
    },
  },
  resume: { payload: {} },
  'begin-execution': { payload: {} },
  'execute-partly': { payload: RESPONSE },
  'execute-fully': { payload: RESPONSE },
  refuse: {
    payload: {
      grounds: ['mla-essential-interests'],
      reasons: 'Disclosure would reveal a protected source.',
      consultation: CONSULTATION,
    },
  },
  withdraw: { payload: { reasons: 'The suspect was identified otherwise.' } },
  // Spontaneous information: closable once acknowledged as well as once finished.
  close: { payload: {}, requestType: 'spontaneous-information' },
  'record-preservation': {
    payload: { tookEffectOn: '2026-03-09', preservedUntil: '2026-05-08' },
    requestType: 'preservation',
  },
  'request-extension': {
    payload: { requestedUntil: '2026-07-31', reasons: 'The follow-up request awaits a court order.' },
    requestType: 'preservation',
  },
  extend: { payload: { preservedUntil: '2026-07-31' }, requestType: 'preservation' },
  convert: { payload: { followUpReference: 'CASE-2026-0042' }, requestType: 'preservation' },
  lapse: { payload: {}, requestType: 'preservation', now: new Date('2026-05-01T00:00:00.000Z') },
  // Spontaneous information: its recipient (the requested side) holds it from its delivery on.
  'notify-exculpatory-disclosure': {
    payload: {
      timing: 'prior',
      disclosure: EXCULPATORY_NOTICE.disclosure,
      date: '2026-03-12',
    },
    requestType: 'spontaneous-information',
  },
  'request-consultation': {
    payload: {
      notice: 0,
      reasons: 'The log excerpt names a protected source: we ask to consult on redactions.',
    },
    requestType: 'spontaneous-information',
    exculpatoryNotices: [EXCULPATORY_NOTICE],
  },
  'record-consultation': {
    payload: {
      notice: 0,
      heldOn: '2026-03-10',
      outcome: 'Agreed by telephone: the witness name is redacted.',
    },
    requestType: 'spontaneous-information',
    exculpatoryNotices: [
      {
        ...EXCULPATORY_NOTICE,
        consultationRequested: { reasons: 'A protected witness.', at: '2026-03-09T12:00:00.000Z' },
      },
    ],
  },
};

/** The members a case in this status has once it got there (a preservation record, an open question...). */
function membersOf(status: CaseStatus): Partial<Case> {
  switch (status) {
    case 'awaiting-approval':
      return { submittedBy: 'requesting-officer-a' };
    case 'clarification-requested':
      return {
        resumeStatus: 'under-assessment',
        clarification: { questions: 'Which time zone?', askedAt: '2026-03-05T09:00:00.000Z' },
      };
    case 'postponed':
      return {
        resumeStatus: 'accepted',
        postponement: { reasons: 'Ongoing domestic investigation.', until: '2026-04-01' },
      };
    case 'preserved':
    case 'extended':
    case 'converted':
    case 'lapsed':
      return { preservation: { tookEffectOn: '2026-02-01', preservedUntil: '2026-04-30' } };
    default:
      return {};
  }
}

/** A case in the status, shaped for the sample of the transition about to be tried. */
export function caseIn(status: CaseStatus, sample: TransitionSample = { payload: {} }): Case {
  return {
    requestType: sample.requestType ?? 'mla',
    urgency: 'urgent',
    status,
    responses: [],
    history: [],
    ...membersOf(status),
    ...(sample.conditions ? { conditions: sample.conditions } : {}),
    ...(sample.exculpatoryNotices ? { exculpatoryNotices: sample.exculpatoryNotices } : {}),
  };
}

/** One step of a scripted history: the transition, who makes it, its payload, and when. */
export type Step = readonly [name: string, who: CaseActor, payload: unknown, at: string];

/** Opens a case and makes each step, failing the test on the first refusal. */
export function walk(
  open: { requestType: RequestTypeId; urgency: Case['urgency'] } & Record<string, unknown>,
  openedAt: string,
  steps: readonly Step[],
): Case {
  const opened = openCase(open, actor('requesting', 'officer'), new Date(openedAt));
  if (!opened.ok) throw new Error(opened.refusal.message);
  return steps.reduce((current, [name, who, payload, at]) => {
    const result = applyTransition(current, { name, payload }, who, new Date(at), CASE_CATALOGUE);
    if (!result.ok) throw new Error(`${name}: ${result.refusal.message}`);
    return result.case;
  }, opened.case);
}
