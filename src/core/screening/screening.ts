/**
 * Incoming screening (docs/case-lifecycle.md, "Screening"): the checklist a legal reviewer works
 * through when a request arrives, generated from the catalogue's `screeningItems`, and the rules
 * that tie the requested side's decision to it. Pure: no I/O, no clock.
 *
 * - Which items apply: those whose `appliesTo` lists the request type.
 * - Each applicable item is answered no-concern, concern or not-applicable, with reasons.
 * - A deciding transition (accept, propose-conditions, postpone, refuse) needs every applicable item
 *   answered; a preservation (Art. 42) or traffic-data disclosure (Art. 43) is gated only on refusal,
 *   since it is to be carried out quickly and may be refused only on limited grounds.
 * - A refusal's grounds are only grounds named by items answered "concern".
 * - Automatic flags: dual criminality (offences cited that this node's law map has no provision
 *   for; never for preservation), an offence outside the Convention's scope, and the requesting
 *   State's record of refusals on this node.
 */
import { z } from 'zod';
import type { Catalogue, ScreeningItemEntry } from '../catalogue/catalogue.ts';
import type { RequestContent } from '../request/draft.ts';

export const SCREENING_ANSWERS = ['no-concern', 'concern', 'not-applicable'] as const;
export type ScreeningAnswerValue = (typeof SCREENING_ANSWERS)[number];

export const ScreeningAnswerSchema = z
  .object({
    itemId: z.string().min(1).max(80),
    answer: z.enum(SCREENING_ANSWERS),
    reasons: z.string().trim().min(1, 'give the reasons for the answer').max(4000),
  })
  .strict();
export type ScreeningAnswer = z.infer<typeof ScreeningAnswerSchema>;

export const ScreeningAnswersSchema = z.array(ScreeningAnswerSchema).max(100);

/** The transitions of the requested side that decide on an incoming request. */
export const DECIDING_TRANSITIONS = ['accept', 'propose-conditions', 'postpone', 'refuse'] as const;

/**
 * Request types whose decision is gated only on refusal: preservation is carried out at once
 * (Art. 42(4)) and refused only on limited grounds (Art. 42(6)); so is the disclosure of preserved
 * traffic data (Art. 43(2)). Comity's practice, documented in docs/case-lifecycle.md.
 */
export const REFUSAL_ONLY_TYPES: readonly string[] = ['preservation', 'traffic-disclosure'];

/** Dual criminality is never a condition for preservation (Art. 42(4)), whatever the data says. */
const NO_DUAL_CRIMINALITY_TYPES: readonly string[] = ['preservation'];

/** The checklist's items for a request type, in the catalogue's order. */
export function applicableItems(catalogue: Catalogue, requestType: string): ScreeningItemEntry[] {
  return catalogue.screeningItems.filter(
    (item) =>
      (item.appliesTo as readonly string[]).includes(requestType) &&
      !(item.automatic === 'dual-criminality' && NO_DUAL_CRIMINALITY_TYPES.includes(requestType)),
  );
}

export type AnswerIssue = Readonly<{ index: number; itemId: string; message: string }>;

/** What is wrong with a set of answers for this request type: unknown items, items that do not apply, duplicates. */
export function answerIssues(
  catalogue: Catalogue,
  requestType: string,
  answers: readonly ScreeningAnswer[],
): AnswerIssue[] {
  const applicable = new Set(applicableItems(catalogue, requestType).map((item) => item.id));
  const known = new Set(catalogue.screeningItems.map((item) => item.id));
  const seen = new Set<string>();
  const issues: AnswerIssue[] = [];
  answers.forEach((answer, index) => {
    if (!known.has(answer.itemId)) {
      issues.push({
        index,
        itemId: answer.itemId,
        message: `the catalogue has no screening item "${answer.itemId}"`,
      });
    } else if (!applicable.has(answer.itemId)) {
      issues.push({
        index,
        itemId: answer.itemId,
        message: `the screening item "${answer.itemId}" does not apply to a ${requestType} request`,
      });
    } else if (seen.has(answer.itemId)) {
      issues.push({
        index,
        itemId: answer.itemId,
        message: `the screening item "${answer.itemId}" is answered twice`,
      });
    }
    seen.add(answer.itemId);
  });
  return issues;
}

/** The applicable items not answered yet. */
export function missingItems(
  catalogue: Catalogue,
  requestType: string,
  answers: readonly ScreeningAnswer[],
): string[] {
  const answered = new Set(answers.map((answer) => answer.itemId));
  return applicableItems(catalogue, requestType)
    .map((item) => item.id)
    .filter((id) => !answered.has(id));
}

/** The applicable items answered "concern", in the catalogue's order. */
function itemsOfConcern(
  catalogue: Catalogue,
  requestType: string,
  answers: readonly ScreeningAnswer[],
): ScreeningItemEntry[] {
  const concerns = new Set(answers.filter((a) => a.answer === 'concern').map((a) => a.itemId));
  return applicableItems(catalogue, requestType).filter((item) => concerns.has(item.id));
}

/** The refusal grounds the answers support: those named by items answered "concern". */
export function groundsSupported(
  catalogue: Catalogue,
  requestType: string,
  answers: readonly ScreeningAnswer[],
): string[] {
  return [...new Set(itemsOfConcern(catalogue, requestType, answers).flatMap((item) => item.groundIds))];
}

/**
 * The procedural duties that a refusal would bring, by the items answered "concern" (their
 * `dutyIds`), in the catalogue's order: what the refusal form reminds its author of.
 */
export function dutiesOnRefusal(
  catalogue: Catalogue,
  requestType: string,
  answers: readonly ScreeningAnswer[],
): string[] {
  return [...new Set(itemsOfConcern(catalogue, requestType, answers).flatMap((item) => item.dutyIds ?? []))];
}

/** Whether the transition is a decision that the checklist gates for this request type. */
export function isGatedDecision(requestType: string, transition: string): boolean {
  if (!(DECIDING_TRANSITIONS as readonly string[]).includes(transition)) return false;
  return !REFUSAL_ONLY_TYPES.includes(requestType) || transition === 'refuse';
}

export type DecisionCheck =
  | Readonly<{ ok: true }>
  | Readonly<{ ok: false; reason: 'checklist-incomplete'; missing: string[]; message: string }>
  | Readonly<{ ok: false; reason: 'checklist-outdated'; outdated: string[]; message: string }>
  | Readonly<{ ok: false; reason: 'ground-not-a-concern'; grounds: string[]; message: string }>;

/**
 * Whether the requested side may make this transition given the checklist: a gated decision needs
 * every applicable item answered, no answer given before what Comity found on its item changed
 * (`outdated`, outdatedItems), and a refusal only grounds that items answered "concern" support.
 */
export function checkDecision(
  catalogue: Catalogue,
  input: Readonly<{
    requestType: string;
    transition: string;
    payload: unknown;
    answers: readonly ScreeningAnswer[];
    outdated?: readonly string[];
  }>,
): DecisionCheck {
  if (!isGatedDecision(input.requestType, input.transition)) return { ok: true };
  const missing = missingItems(catalogue, input.requestType, input.answers);
  if (missing.length > 0) {
    return {
      ok: false,
      reason: 'checklist-incomplete',
      missing,
      message: `complete the screening checklist first; not answered: ${missing.join(', ')}`,
    };
  }
  const outdated = [...(input.outdated ?? [])];
  if (outdated.length > 0) {
    return {
      ok: false,
      reason: 'checklist-outdated',
      outdated,
      message: `what Comity found changed since these answers were saved; read them again and save the checklist: ${outdated.join(', ')}`,
    };
  }
  if (input.transition === 'refuse') {
    const grounds = groundsOf(input.payload);
    const supported = new Set(groundsSupported(catalogue, input.requestType, input.answers));
    const unsupported = grounds.filter((ground) => !supported.has(ground));
    if (unsupported.length > 0) {
      return {
        ok: false,
        reason: 'ground-not-a-concern',
        grounds: unsupported,
        message: `a refusal's grounds must rest on items of the checklist answered "concern"; not supported: ${unsupported.join(', ')}`,
      };
    }
  }
  return { ok: true };
}

function groundsOf(payload: unknown): string[] {
  if (typeof payload !== 'object' || payload === null) return [];
  const grounds = (payload as { grounds?: unknown }).grounds;
  return Array.isArray(grounds) ? grounds.filter((g): g is string => typeof g === 'string') : [];
}

/** The law map as screening reads it: the Convention offences (art-7...) that have a domestic provision. */
export type LawMapCoverage = ReadonlySet<string>;

/** Earlier requests from the same State this node refused, by ground. */
export type RequestingStateRecord = Readonly<{
  state: string | null;
  received: number;
  refused: number;
  groundCounts: Readonly<Record<string, number>>;
}>;

export type ScreeningFlag =
  | Readonly<{ itemId: string; kind: 'dual-criminality'; articles: number[] }>
  | Readonly<{ itemId: string; kind: 'outside-scope'; offences: string[] }>
  | Readonly<{ itemId: string; kind: 'requesting-state-record'; record: RequestingStateRecord }>;

type Offence = NonNullable<RequestContent['offences']>[number];

const CONVENTION_OFFENCE_ARTICLES = { min: 7, max: 17 };

function isConventionOffence(offence: Offence): boolean {
  const article = offence.conventionArticle;
  return (
    article !== undefined &&
    article >= CONVENTION_OFFENCE_ARTICLES.min &&
    article <= CONVENTION_OFFENCE_ARTICLES.max
  );
}

/** A short name of an offence for a flag: its provision, else its description, else its position. */
function offenceName(offence: Offence, index: number): string {
  return offence.domesticProvision || offence.description?.slice(0, 80) || `offence ${index + 1}`;
}

/**
 * The flags Comity raises by itself on the applicable items: dual criminality (Convention offences
 * cited that this node's law map has no domestic provision for), an offence outside the
 * Convention's scope (neither Arts. 7-17 nor, as the request states it, a serious crime), the
 * requesting State's record of refusals here.
 */
export function automaticFlags(
  catalogue: Catalogue,
  input: Readonly<{
    requestType: string;
    offences: readonly Offence[];
    coverage: LawMapCoverage;
    record: RequestingStateRecord;
  }>,
): ScreeningFlag[] {
  const flags: ScreeningFlag[] = [];
  const seriousYears = Number(
    catalogue.definitions.find((d) => d.id === 'serious-crime')?.parameters.minimumMaximumPenaltyYears ?? 4,
  );
  for (const item of applicableItems(catalogue, input.requestType)) {
    if (item.automatic === 'dual-criminality') {
      const articles = [
        ...new Set(
          input.offences
            .filter(isConventionOffence)
            .map((offence) => offence.conventionArticle as number)
            .filter((article) => !input.coverage.has(`art-${article}`)),
        ),
      ].sort((a, b) => a - b);
      if (articles.length > 0) flags.push({ itemId: item.id, kind: 'dual-criminality', articles });
    } else if (item.automatic === 'outside-scope') {
      const outside = input.offences
        .map((offence, index) => ({ offence, index }))
        .filter(
          ({ offence }) =>
            !isConventionOffence(offence) &&
            !offence.isLifeImprisonment &&
            !(offence.maximumPenaltyYears !== undefined && offence.maximumPenaltyYears >= seriousYears),
        )
        .map(({ offence, index }) => offenceName(offence, index));
      if (outside.length > 0) flags.push({ itemId: item.id, kind: 'outside-scope', offences: outside });
    } else if (item.automatic === 'requesting-state-record' && input.record.refused > 0) {
      flags.push({ itemId: item.id, kind: 'requesting-state-record', record: input.record });
    }
  }
  return flags;
}

/**
 * What Comity's own checks found where they raise no flag, as a proposed answer of no concern that
 * the legal reviewer confirms or changes (nothing is answered for them): every offence cited is a
 * Convention offence this node's law map has a provision for (dual criminality); none is outside
 * the Convention's scope; no earlier request from the requesting State was refused here. Nothing
 * is proposed where the request gives no offence, or the State is not known.
 */
export type ScreeningClearance =
  | Readonly<{ itemId: string; kind: 'dual-criminality'; articles: number[] }>
  | Readonly<{ itemId: string; kind: 'outside-scope'; articles: number[]; seriousCrimes: string[] }>
  | Readonly<{ itemId: string; kind: 'requesting-state-record'; state: string; received: number }>;

export function automaticClearances(
  catalogue: Catalogue,
  input: Parameters<typeof automaticFlags>[1],
): ScreeningClearance[] {
  const flagged = new Set(automaticFlags(catalogue, input).map((flag) => flag.itemId));
  const offences = input.offences;
  const conventionArticles = [
    ...new Set(offences.filter(isConventionOffence).map((offence) => offence.conventionArticle as number)),
  ].sort((a, b) => a - b);
  const clearances: ScreeningClearance[] = [];
  for (const item of applicableItems(catalogue, input.requestType)) {
    if (flagged.has(item.id)) continue;
    if (item.automatic === 'dual-criminality') {
      // Only where every offence is one the law map can answer for: a Convention offence.
      if (offences.length > 0 && offences.every(isConventionOffence)) {
        clearances.push({ itemId: item.id, kind: 'dual-criminality', articles: conventionArticles });
      }
    } else if (item.automatic === 'outside-scope') {
      if (offences.length > 0) {
        const seriousCrimes = offences
          .map((offence, index) => ({ offence, index }))
          .filter(({ offence }) => !isConventionOffence(offence))
          .map(({ offence, index }) => offenceName(offence, index));
        clearances.push({
          itemId: item.id,
          kind: 'outside-scope',
          articles: conventionArticles,
          seriousCrimes,
        });
      }
    } else if (item.automatic === 'requesting-state-record' && input.record.state) {
      clearances.push({
        itemId: item.id,
        kind: 'requesting-state-record',
        state: input.record.state,
        received: input.record.received,
      });
    }
  }
  return clearances;
}

/**
 * What Comity's own checks found on each item, as a key that changes when the finding does: the
 * flag's facts (the Convention articles without a provision, the offences outside the scope, the
 * refusals of the requesting State here and their grounds), or "clear". The number of requests
 * the State sent is left out: another request arriving changes nothing the reviewer answered.
 */
export function findingKeysOf(
  catalogue: Catalogue,
  requestType: string,
  flags: readonly ScreeningFlag[],
): Record<string, string> {
  const keys: Record<string, string> = {};
  for (const item of applicableItems(catalogue, requestType)) {
    if (!item.automatic) continue;
    const flag = flags.find((candidate) => candidate.itemId === item.id);
    keys[item.id] = !flag
      ? 'clear'
      : JSON.stringify(
          flag.kind === 'requesting-state-record'
            ? [flag.kind, flag.record.refused, Object.entries(flag.record.groundCounts).sort()]
            : flag.kind === 'dual-criminality'
              ? [flag.kind, flag.articles]
              : [flag.kind, flag.offences],
        );
  }
  return keys;
}

/**
 * The answered items whose finding changed since the answers were saved (`seen`: the keys then,
 * from findingKeysOf; null for a checklist saved before they were kept, whose answers stand).
 */
export function outdatedItems(
  answers: readonly ScreeningAnswer[],
  seen: unknown,
  current: Readonly<Record<string, string>>,
): string[] {
  if (typeof seen !== 'object' || seen === null || Array.isArray(seen)) return [];
  const before = seen as Record<string, unknown>;
  return answers
    .map((answer) => answer.itemId)
    .filter((itemId) => current[itemId] !== undefined && before[itemId] !== current[itemId]);
}

/** The Convention offences (Arts. 7-17 in the catalogue) that no domestic provision implements. */
export function uncoveredOffences(catalogue: Catalogue, coverage: LawMapCoverage): string[] {
  return catalogue.offences.map((offence) => offence.id).filter((id) => !coverage.has(id));
}
