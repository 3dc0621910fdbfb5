/**
 * Incoming screening (docs/case-lifecycle.md, "Screening"): the checklist of a request received
 * here, generated from the catalogue for its type, the legal reviewer's answers, the flags Comity
 * raises by itself (dual criminality against this node's law map, an offence outside the
 * Convention's scope, the requesting State's record here), and the check the case service makes
 * before the requested side decides (core/screening: a complete checklist; a refusal's grounds
 * only from concerns).
 */
import type { ScreeningItemEntry } from '../core/catalogue/catalogue.ts';
import type { LocalizedText } from '../core/i18n.ts';
import { AppError } from '../core/errors.ts';
import type { RequestContent } from '../core/request/draft.ts';
import {
  answerIssues,
  applicableItems,
  automaticClearances,
  automaticFlags,
  checkDecision,
  dutiesOnRefusal,
  findingKeysOf,
  groundsSupported,
  missingItems,
  outdatedItems,
  type RequestingStateRecord,
  type ScreeningAnswer,
  ScreeningAnswersSchema,
  type ScreeningClearance,
  type ScreeningFlag,
} from '../core/screening/screening.ts';
import type { AppContext } from '../app-context.ts';
import type { Actor } from '../policies/access.ts';
import type { StoredRequest } from '../storage/requests.repository.ts';
import { findChecklist, requestingStateRecord, saveChecklist } from '../storage/screening.repository.ts';
import { caseStatusOf, waitingResponseOf } from './case-view.ts';
import { lawMapCoverage } from './law-map.service.ts';
import { findReadableRequest } from './requests.service.ts';

/** Case statuses in which the checklist can no longer change: the decision it supports is final. */
const SETTLED_STATUSES: readonly string[] = ['refused', 'withdrawn', 'closed'];

export type ScreeningItemView = Readonly<{
  id: string;
  kind: ScreeningItemEntry['kind'];
  article: number | null;
  paragraph: string | null;
  basis: 'treaty' | 'practice';
  verified: boolean;
  groundIds: string[];
  title: LocalizedText;
  explanation: LocalizedText;
  answer: ScreeningAnswer['answer'] | null;
  reasons: string | null;
  flags: ScreeningFlag[];
  /** Answered before what Comity found on the item changed (another refusal of the State here since...). */
  isOutdated: boolean;
  /** Where Comity's own check raised no flag: what it found, a proposed "no concern" to confirm. */
  clearance: ScreeningClearance | null;
}>;

export type ScreeningView = Readonly<{
  requestId: string;
  requestType: string;
  requestingState: string | null;
  caseStatus: string;
  /** Every applicable item answered, and no answer outdated. */
  complete: boolean;
  missing: string[];
  /** The items answered before what Comity found on them changed: to read again and save. */
  outdated: string[];
  /** The refusal grounds the items answered "concern" support. */
  groundsSupported: string[];
  /** The procedural duties a refusal would bring, by the items answered "concern" (catalogue refusalGrounds ids). */
  dutiesOnRefusal: string[];
  /** The decisions the checklist gates for this request type. */
  gatedTransitions: string[];
  revision: number;
  updatedBy: string | null;
  /** Who saved it last, by the name the node shows (an auditor reads who screened). */
  updatedByName: string | null;
  updatedAt: string | null;
  /** Whether the checklist can still change (the case is not refused, withdrawn or closed). */
  open: boolean;
  record: RequestingStateRecord;
  items: ScreeningItemView[];
}>;

function contentOf(stored: StoredRequest): RequestContent {
  // Stored content was checked against RequestContentSchema when it was received.
  return stored.content as RequestContent;
}

function requestingStateOf(stored: StoredRequest): string | null {
  return contentOf(stored).requestingAuthority?.state ?? null;
}

async function incomingRequest(context: AppContext, actor: Actor, requestId: string): Promise<StoredRequest> {
  const stored = await findReadableRequest(context, actor, requestId);
  if (stored.direction !== 'incoming') {
    throw new AppError(
      'invalid-state',
      'screening is for requests received here, not for requests this node sent',
    );
  }
  return stored;
}

function storedAnswers(answers: unknown): ScreeningAnswer[] {
  const parsed = ScreeningAnswersSchema.safeParse(answers);
  return parsed.success ? parsed.data : [];
}

async function stateRecord(context: AppContext, stored: StoredRequest): Promise<RequestingStateRecord> {
  const state = requestingStateOf(stored);
  if (!state) return { state: null, received: 0, refused: 0, groundCounts: {} };
  const row = await requestingStateRecord(context.db, state, stored.id);
  const groundCounts: Record<string, number> = {};
  for (const payload of row.refusalPayloads) {
    const grounds = (payload as { grounds?: unknown } | null)?.grounds;
    if (!Array.isArray(grounds)) continue;
    for (const ground of grounds) groundCounts[String(ground)] = (groundCounts[String(ground)] ?? 0) + 1;
  }
  return { state, received: row.received, refused: row.refused, groundCounts };
}

/** What Comity's own checks find on a request now: its input, flags and their keys. */
async function findingsOf(context: AppContext, stored: StoredRequest) {
  const checked = {
    requestType: stored.type,
    offences: contentOf(stored).offences ?? [],
    coverage: await lawMapCoverage(context),
    record: await stateRecord(context, stored),
  };
  const flags = automaticFlags(context.catalogue, checked);
  return { checked, flags, keys: findingKeysOf(context.catalogue, stored.type, flags) };
}

async function viewOf(context: AppContext, stored: StoredRequest): Promise<ScreeningView> {
  const checklist = await findChecklist(context.db, stored.id);
  const answers = storedAnswers(checklist?.answers);
  const { checked, flags, keys } = await findingsOf(context, stored);
  const { record } = checked;
  const clearances = automaticClearances(context.catalogue, checked);
  const byItem = new Map(answers.map((answer) => [answer.itemId, answer]));
  const missing = missingItems(context.catalogue, stored.type, answers);
  const status = caseStatusOf(stored);
  // A settled case's checklist is the record of the decision it supported: what Comity finds
  // later does not make it to be read again.
  const outdated = SETTLED_STATUSES.includes(status)
    ? []
    : outdatedItems(answers, checklist?.findingsSeen, keys);
  return {
    requestId: stored.id,
    requestType: stored.type,
    requestingState: requestingStateOf(stored),
    caseStatus: status,
    complete: missing.length === 0 && outdated.length === 0,
    missing,
    outdated,
    groundsSupported: groundsSupported(context.catalogue, stored.type, answers),
    dutiesOnRefusal: dutiesOnRefusal(context.catalogue, stored.type, answers),
    gatedTransitions: ['accept', 'propose-conditions', 'postpone', 'refuse'].filter(
      (transition) =>
        !checkDecision(context.catalogue, {
          requestType: stored.type,
          transition,
          payload: {},
          answers: [],
        }).ok,
    ),
    revision: checklist?.revision ?? 0,
    updatedBy: checklist?.updatedBy?.username ?? null,
    updatedByName: checklist?.updatedBy?.displayName ?? null,
    updatedAt: checklist?.updatedAt.toISOString() ?? null,
    open: !SETTLED_STATUSES.includes(status),
    record,
    items: applicableItems(context.catalogue, stored.type).map((item) => ({
      id: item.id,
      kind: item.kind,
      article: item.article ?? null,
      paragraph: item.paragraph ?? null,
      basis: item.provenance.basis,
      verified: item.provenance.verified,
      groundIds: [...item.groundIds],
      title: item.title,
      explanation: item.explanation,
      answer: byItem.get(item.id)?.answer ?? null,
      reasons: byItem.get(item.id)?.reasons ?? null,
      flags: flags.filter((flag) => flag.itemId === item.id),
      isOutdated: outdated.includes(item.id),
      clearance: clearances.find((clearance) => clearance.itemId === item.id) ?? null,
    })),
  };
}

/** The checklist of a request received here, with its answers and flags. */
export async function screeningOf(
  context: AppContext,
  actor: Actor,
  requestId: string,
): Promise<ScreeningView> {
  return viewOf(context, await incomingRequest(context, actor, requestId));
}

/**
 * Stores the answers (all of them: the checklist as the reviewer leaves it; some may still be
 * missing). With `expectedRevision`, only if nobody saved meanwhile (conflict otherwise).
 */
export async function saveScreening(
  context: AppContext,
  actor: Actor,
  requestId: string,
  input: Readonly<{ answers: readonly ScreeningAnswer[]; expectedRevision?: number | undefined }>,
): Promise<ScreeningView> {
  const stored = await incomingRequest(context, actor, requestId);
  const status = caseStatusOf(stored);
  if (SETTLED_STATUSES.includes(status)) {
    throw new AppError(
      'invalid-state',
      `the case is ${status}: its screening checklist can no longer change`,
    );
  }
  // A decision resting on the checklist waits for its approver, who reads it as it was submitted.
  if ((await waitingResponseOf(context, stored)) !== undefined) {
    throw new AppError(
      'awaiting-approval',
      `a response on request ${requestId} waits for a supervisor's approval: its screening checklist changes only once it is approved or returned; nothing was changed`,
    );
  }
  const issues = answerIssues(context.catalogue, stored.type, input.answers);
  if (issues.length > 0) {
    throw new AppError(
      'invalid-input',
      issues[0]?.message ?? 'the answers are not valid',
      issues.map((issue) => ({ path: `body.answers.${issue.index}.itemId`, message: issue.message })),
    );
  }
  // What the reviewer saw beside each item as they saved: an answer outlives only that finding.
  const { keys } = await findingsOf(context, stored);
  assertOutdatedReread(await findChecklist(context.db, stored.id), keys, input.answers);
  const revision = await saveChecklist(context.db, {
    requestId: stored.id,
    answers: input.answers,
    findingsSeen: keys,
    userId: actor.userId,
    at: context.now(),
    ...(input.expectedRevision === undefined ? {} : { expectedRevision: input.expectedRevision }),
  });
  if (revision === undefined) {
    throw new AppError('conflict', 'someone saved the checklist meanwhile; reload it and try again');
  }
  return viewOf(context, stored);
}

/**
 * Refuses to save, word for word, an answer given before what Comity found on its item changed:
 * saved again unchanged, it would say under the reviewer's name what the new finding contradicts
 * ("no earlier request of this State was refused here"). Its answer or reasons must change.
 */
function assertOutdatedReread(
  checklist: Awaited<ReturnType<typeof findChecklist>>,
  keys: Readonly<Record<string, string>>,
  answers: readonly ScreeningAnswer[],
): void {
  const before = storedAnswers(checklist?.answers);
  const outdated = new Set(outdatedItems(before, checklist?.findingsSeen, keys));
  const unchanged = answers
    .map((answer, index) => ({ answer, index }))
    .filter(({ answer }) => {
      if (!outdated.has(answer.itemId)) return false;
      const saved = before.find((candidate) => candidate.itemId === answer.itemId);
      return saved?.answer === answer.answer && saved.reasons.trim() === answer.reasons.trim();
    });
  if (unchanged.length === 0) return;
  throw new AppError(
    'invalid-input',
    `what Comity found changed since these answers were given; answer them again, with reasons that take the new finding into account: ${unchanged.map(({ answer }) => answer.itemId).join(', ')}`,
    unchanged.map(({ index }) => ({
      pointer: `/answers/${index}/reasons`,
      path: `answers.${index}.reasons`,
      message: 'given before what Comity found on this item changed: write the reasons again',
    })),
  );
}

/**
 * Throws unless the requested side may make this decision on a request received here: the checklist
 * complete, and a refusal's grounds only grounds items answered "concern" support. Requests this
 * node sent, and transitions that decide nothing, pass.
 */
export async function assertScreenedFor(
  context: AppContext,
  stored: StoredRequest,
  transition: string,
  payload: unknown,
): Promise<void> {
  if (stored.direction !== 'incoming') return;
  const checklist = await findChecklist(context.db, stored.id);
  const answers = storedAnswers(checklist?.answers);
  const { keys } = await findingsOf(context, stored);
  const check = checkDecision(context.catalogue, {
    requestType: stored.type,
    transition,
    payload,
    answers,
    outdated: outdatedItems(answers, checklist?.findingsSeen, keys),
  });
  if (check.ok) return;
  if (check.reason === 'checklist-incomplete') {
    throw new AppError(
      'invalid-state',
      check.message,
      check.missing.map((id) => ({ path: `screening.${id}`, message: 'not answered' })),
    );
  }
  if (check.reason === 'checklist-outdated') {
    throw new AppError(
      'invalid-state',
      check.message,
      check.outdated.map((id) => ({
        path: `screening.${id}`,
        message: 'answered before what Comity found changed',
      })),
    );
  }
  throw new AppError(
    'invalid-state',
    check.message,
    check.grounds.map((ground) => ({
      path: 'body.payload.grounds',
      message: `${ground}: no item answered "concern" supports it`,
    })),
  );
}
