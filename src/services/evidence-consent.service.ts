/**
 * Conditions of use of received evidence, enforced (docs/evidence.md, "Conditions of use and
 * consent"). Requesting side: a use of a received package that its conditions block (onward
 * transfer to a third State, use in another case, disclosure before the confidentiality date) is
 * refused with `consent-required` (the condition and its article) until the executing State's
 * consent to that use is recorded; `askEvidenceConsent` asks it (evidence.consent-requested),
 * `recordEvidenceUse` records a use once it is free. Executing side: `answerEvidenceConsent`
 * grants (with conditions) or refuses (with reasons) an ask (evidence.consent-answered). Each ask,
 * answer and use is a custody event of every item of the package, on each node; a step that
 * arrived by message is recorded by the evidence transfer round (`recordConsentCustody`).
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { AppContext } from '../app-context.ts';
import {
  type BlockingCondition,
  blockingConditions,
  conditionsStillBlocking,
  EVIDENCE_USE_KINDS,
  type EvidenceUse,
  findCoveringConsent,
  isTargetRequired,
  utcDate,
} from '../core/evidence/consent.ts';
import { isConsultationPending } from '../core/case/case-model.ts';
import { AppError } from '../core/errors.ts';
import { UUID_PATTERN } from '../core/ids.ts';
import { readManifest } from '../evidence/package-manifest.ts';
import type { FederationRuntime } from '../federation/context.ts';
import { queueEvidenceConsentAnswered } from '../federation/messages/evidence-consent-answered.message.ts';
import { queueEvidenceConsentRequested } from '../federation/messages/evidence-consent-requested.message.ts';
import { type Actor, evidenceAccessOf } from '../policies/access.ts';
import {
  findConsent,
  listConsentsOfRequest,
  listConsentsWithCustodyPending,
  markConsentCustodyRecorded,
  type StoredConsent,
} from '../storage/evidence-consents.repository.ts';
import { findEvidencePackage, type StoredEvidencePackage } from '../storage/evidence-packages.repository.ts';
import { listEvidenceItems } from '../storage/evidence.repository.ts';
import { findRequestById, type StoredRequest } from '../storage/requests.repository.ts';
import { appendCustody } from './evidence.service.ts';
import { loadCase } from './case-view.ts';
import { accessTo } from './request-access.ts';

const UseSchema = z
  .object({
    kind: z.enum(EVIDENCE_USE_KINDS).describe('onward-transfer, other-case or disclosure'),
    target: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .nullable()
      .optional()
      .describe('the State (onward transfer), the case reference (other case), to whom (disclosure)'),
  })
  .strict();

export const AskEvidenceConsentSchema = z
  .object({
    packageId: z.string().regex(UUID_PATTERN),
    use: UseSchema,
    reasons: z.string().trim().min(1).max(4000),
  })
  .strict();
export type AskEvidenceConsentInput = z.infer<typeof AskEvidenceConsentSchema>;

export const AnswerEvidenceConsentSchema = z
  .object({
    decision: z.enum(['granted', 'refused']),
    conditions: z.string().trim().max(4000).nullable().optional(),
    reasons: z.string().trim().min(1).max(4000),
  })
  .strict();
export type AnswerEvidenceConsentInput = z.infer<typeof AnswerEvidenceConsentSchema>;

export const RecordEvidenceUseSchema = z
  .object({
    packageId: z.string().regex(UUID_PATTERN),
    use: UseSchema,
    note: z.string().trim().max(4000).optional(),
    exculpatory: z
      .boolean()
      .optional()
      .describe(
        'a disclosure of exculpatory evidence in the proceedings (Art. 40(19)): needs no consent, but a notice of the case naming the package',
      ),
  })
  .strict();
export type RecordEvidenceUseInput = z.infer<typeof RecordEvidenceUseSchema>;

/** A consent as the API and the web UI show it. */
export type EvidenceConsentView = Readonly<{
  id: string;
  requestId: string;
  packageId: string;
  /** outgoing: asked from here (requesting side); incoming: asked of this node (executing side). */
  direction: 'outgoing' | 'incoming';
  peerNodeId: string;
  use: EvidenceUse;
  reasons: string;
  status: 'pending' | 'granted' | 'refused';
  answerConditions: string | null;
  answerReasons: string | null;
  askedAt: string;
  answeredAt: string | null;
}>;

function toView(consent: StoredConsent): EvidenceConsentView {
  return {
    id: consent.id,
    requestId: consent.requestId,
    packageId: consent.packageId,
    direction: consent.direction,
    peerNodeId: consent.peerNodeId,
    use: consent.use,
    reasons: consent.reasons,
    status: consent.status,
    answerConditions: consent.answerConditions,
    answerReasons: consent.answerReasons,
    askedAt: consent.askedAt.toISOString(),
    answeredAt: consent.answeredAt?.toISOString() ?? null,
  };
}

function requireFederation(context: AppContext): FederationRuntime {
  if (!context.federation) {
    throw new AppError('unavailable', 'this node has no federation identity yet (comity init)');
  }
  return context.federation;
}

/** The request if the actor may see its evidence or the request itself; otherwise not-found. */
async function findConsentRequest(
  context: AppContext,
  actor: Actor,
  requestId: string,
  direction: 'outgoing' | 'incoming' | 'either',
): Promise<StoredRequest> {
  const request = UUID_PATTERN.test(requestId) ? await findRequestById(context.db, requestId) : undefined;
  const isVisible =
    request !== undefined &&
    (evidenceAccessOf(actor, request) !== 'none' || accessTo(context, actor, request) !== 'none');
  if (!request || !isVisible || (direction !== 'either' && request.direction !== direction)) {
    throw new AppError('not-found', `no request ${requestId}`);
  }
  return request;
}

/** A package received here for the request, verified, and its conditions of use. */
async function receivedPackage(
  context: AppContext,
  request: StoredRequest,
  packageId: string,
): Promise<Readonly<{ stored: StoredEvidencePackage; conditions: BlockingInput }>> {
  const stored = await findEvidencePackage(context.db, packageId);
  if (!stored || stored.requestId !== request.id || stored.direction !== 'incoming') {
    throw new AppError('not-found', `no evidence package ${packageId}`);
  }
  const reading = readManifest(stored.manifest);
  if (stored.status !== 'verified' || !reading.ok) {
    throw new AppError(
      'invalid-state',
      `evidence package ${packageId} is ${stored.status}; it holds no evidence`,
    );
  }
  return { stored, conditions: reading.manifest.conditions };
}
type BlockingInput = Parameters<typeof blockingConditions>[0];

function evidenceUseOf(
  input: Readonly<{ kind: EvidenceUse['kind']; target?: string | null | undefined }>,
): EvidenceUse {
  const target = input.target?.trim() || null;
  if (isTargetRequired(input.kind) && target === null) {
    throw new AppError(
      'invalid-input',
      input.kind === 'onward-transfer'
        ? 'name the State the evidence would go to'
        : 'give the reference of the other case',
      [{ path: 'use.target', message: 'required for this use' }],
    );
  }
  return {
    kind: input.kind,
    target: input.kind === 'onward-transfer' && target ? target.toUpperCase() : target,
  };
}

function describeBlocking(blocking: readonly BlockingCondition[]): string {
  return blocking.map((b) => `${b.condition} (${b.citation}): ${b.explanation}`).join('; ');
}

/** The ids here of the items of a package (requesting side: received from it; executing side: sent in it). */
async function itemsOfPackage(context: AppContext, stored: StoredEvidencePackage): Promise<string[]> {
  if (stored.direction === 'outgoing') return [...new Set(stored.chunks.map((chunk) => chunk.item))];
  const items = await listEvidenceItems(context.db, stored.requestId);
  return items.filter((item) => item.packageId === stored.id).map((item) => item.id);
}

async function recordOnItems(
  context: AppContext,
  itemIds: readonly string[],
  kind: 'consent-requested' | 'consent-answered' | 'used',
  actor: Readonly<{ id: string | null; name: string }>,
  at: Date,
  details: Record<string, unknown>,
): Promise<void> {
  for (const itemId of itemIds) {
    await appendCustody(context, itemId, [{ kind, actor, at, details }]);
  }
}

/** The consents of a request, asked from here or of this node. */
export async function listEvidenceConsents(
  context: AppContext,
  actor: Actor,
  requestId: string,
): Promise<EvidenceConsentView[]> {
  const request = await findConsentRequest(context, actor, requestId, 'either');
  return (await listConsentsOfRequest(context.db, request.id)).map(toView);
}

/**
 * Requesting side: asks the executing node's consent to a use of a received package that its
 * conditions block. Refused (invalid-state) when nothing blocks the use: record it directly.
 */
export async function askEvidenceConsent(
  context: AppContext,
  actor: Actor,
  requestId: string,
  input: AskEvidenceConsentInput,
): Promise<EvidenceConsentView> {
  const federation = requireFederation(context);
  const request = await findConsentRequest(context, actor, requestId, 'outgoing');
  const { stored, conditions } = await receivedPackage(context, request, input.packageId);
  const use = evidenceUseOf(input.use);
  const now = context.now();
  if (blockingConditions(conditions, use, utcDate(now)).length === 0) {
    throw new AppError(
      'invalid-state',
      'no condition of use of this package blocks this use: record it without asking',
    );
  }
  const peer = federation.directory.findNode(stored.peerNodeId);
  if (!peer)
    throw new AppError(
      'invalid-state',
      `node ${stored.peerNodeId} is not in the directory: nothing was sent`,
    );
  const consentId = randomUUID();
  await queueEvidenceConsentRequested(context, federation, {
    to: peer,
    caseId: request.id,
    askedBy: actor.userId,
    body: {
      consentId,
      packageId: stored.id,
      requestId: request.id,
      use,
      reasons: input.reasons,
      askedAt: now.toISOString(),
    },
  });
  federation.wakeDelivery();
  await recordOnItems(
    context,
    await itemsOfPackage(context, stored),
    'consent-requested',
    { id: actor.userId, name: actor.username },
    now,
    { consentId, packageId: stored.id, use, reasons: input.reasons, to: stored.peerNodeId },
  );
  const consent = await findConsent(context.db, consentId);
  if (!consent) throw new AppError('internal', 'the consent ask was not stored');
  return toView(consent);
}

/** Executing side: a legal reviewer grants (with conditions) or refuses (with reasons) a pending ask. */
export async function answerEvidenceConsent(
  context: AppContext,
  actor: Actor,
  requestId: string,
  consentId: string,
  input: AnswerEvidenceConsentInput,
): Promise<EvidenceConsentView> {
  const federation = requireFederation(context);
  const request = await findConsentRequest(context, actor, requestId, 'incoming');
  const consent = UUID_PATTERN.test(consentId) ? await findConsent(context.db, consentId) : undefined;
  if (!consent || consent.requestId !== request.id || consent.direction !== 'incoming') {
    throw new AppError('not-found', `no consent ask ${consentId}`);
  }
  if (consent.status !== 'pending') {
    throw new AppError('invalid-state', `the consent ask ${consentId} was ${consent.status} already`);
  }
  const peer = federation.directory.findNode(consent.peerNodeId);
  if (!peer || !request.remoteRequestId) {
    throw new AppError(
      'invalid-state',
      `node ${consent.peerNodeId} is not in the directory: nothing was sent`,
    );
  }
  const now = context.now();
  const conditions = input.decision === 'granted' ? input.conditions?.trim() || null : null;
  const isAnswered = await queueEvidenceConsentAnswered(context, federation, {
    to: peer,
    caseId: request.id,
    answeredBy: actor.userId,
    body: {
      consentId,
      requestId: request.remoteRequestId,
      decision: input.decision,
      conditions,
      reasons: input.reasons,
      answeredAt: now.toISOString(),
    },
  });
  if (!isAnswered) throw new AppError('invalid-state', `the consent ask ${consentId} was answered already`);
  federation.wakeDelivery();
  const stored = await findEvidencePackage(context.db, consent.packageId);
  if (stored) {
    await recordOnItems(
      context,
      await itemsOfPackage(context, stored),
      'consent-answered',
      { id: actor.userId, name: actor.username },
      now,
      {
        consentId,
        packageId: stored.id,
        use: consent.use,
        decision: input.decision,
        conditions,
        reasons: input.reasons,
      },
    );
  }
  const answered = await findConsent(context.db, consentId);
  if (!answered) throw new AppError('not-found', `no consent ask ${consentId}`);
  return toView(answered);
}

export type EvidenceUseView = Readonly<{
  packageId: string;
  use: EvidenceUse;
  /** The consent that allowed it (null: no condition blocked it, or it was an exculpatory disclosure). */
  consentId: string | null;
  /** For an exculpatory disclosure: when the notice that names the package was given, and whether before it. */
  exculpatoryNotice: Readonly<{ notifiedAt: string; timing: 'prior' | 'after' }> | null;
  itemIds: string[];
  recordedAt: string;
}>;

/**
 * A notice of exculpatory disclosure names only packages received here for this request and
 * verified (the notice travels to the State that sent them): otherwise invalid-input, naming each
 * id. Checked when a person gives the notice, not when a history replays.
 */
export async function assertNoticedPackagesReceived(
  context: AppContext,
  request: StoredRequest,
  transition: string,
  payload: unknown,
): Promise<void> {
  if (transition !== 'notify-exculpatory-disclosure') return;
  const ids = (payload as { packageIds?: unknown } | null)?.packageIds;
  if (!Array.isArray(ids)) return;
  const problems: { path: string; pointer: string; message: string; code: 'invalid-value' }[] = [];
  for (const [index, id] of ids.entries()) {
    const stored =
      typeof id === 'string' ? await findEvidencePackage(context.db, id.toLowerCase()) : undefined;
    const isReceived =
      stored !== undefined &&
      stored.requestId === request.id &&
      stored.direction === 'incoming' &&
      stored.status === 'verified';
    if (!isReceived) {
      problems.push({
        path: `body.payload.packageIds.${index}`,
        pointer: `/payload/packageIds/${index}`,
        message: 'not an evidence package received and verified for this request',
        code: 'invalid-value',
      });
    }
  }
  if (problems.length > 0) {
    throw new AppError(
      'invalid-input',
      'a notice of exculpatory disclosure names only evidence packages received for this request',
      problems,
    );
  }
}

/**
 * The notice of exculpatory disclosure that lets a disclosure of the package go without consent
 * (Art. 40(19): notice before the disclosure and, if asked, consultation before it too): the latest
 * notice of the case that names the package, once no notice naming it, given in advance, waits for
 * a consultation asked for, and once the day a notice given in advance planned has come (UTC).
 */
async function exculpatoryNoticeFor(
  context: AppContext,
  request: StoredRequest,
  packageId: string,
  today: string,
): Promise<NonNullable<EvidenceUseView['exculpatoryNotice']>> {
  const { case: current } = await loadCase(context, request);
  const naming = (current.exculpatoryNotices ?? []).filter((entry) =>
    entry.packageIds.some((id) => id.toLowerCase() === packageId.toLowerCase()),
  );
  const notice = naming.at(-1);
  if (!notice) {
    throw new AppError(
      'invalid-state',
      `no notice of exculpatory disclosure of this case names package ${packageId}: give it first (the case step notify-exculpatory-disclosure, Art. 40(19))`,
    );
  }
  if (naming.some((entry) => entry.timing === 'prior' && isConsultationPending(entry))) {
    throw new AppError(
      'invalid-state',
      `the other State asked to be consulted on a notice that names package ${packageId}: consult it and record the consultation first (the case step record-consultation, Art. 40(19))`,
    );
  }
  if (notice.timing === 'prior' && today < notice.date) {
    throw new AppError(
      'invalid-state',
      `the notice that names package ${packageId} announced the disclosure for ${notice.date}: it is recorded from that day on, the other State having had the notice before it`,
    );
  }
  return { notifiedAt: notice.notifiedAt, timing: notice.timing };
}

/**
 * Requesting side: records a use of a received package (onward transfer, use in another case,
 * disclosure) as a custody event of each of its items, after checking its conditions of use: a
 * blocked use without a matching granted consent is refused with consent-required. A disclosure
 * marked exculpatory needs no consent but a notice of the case that names the package (Art. 40(19)).
 */
export async function recordEvidenceUse(
  context: AppContext,
  actor: Actor,
  requestId: string,
  input: RecordEvidenceUseInput,
): Promise<EvidenceUseView> {
  const request = await findConsentRequest(context, actor, requestId, 'outgoing');
  const { stored, conditions } = await receivedPackage(context, request, input.packageId);
  const use = evidenceUseOf(input.use);
  const now = context.now();
  const today = utcDate(now);
  if (input.exculpatory === true && use.kind !== 'disclosure') {
    throw new AppError(
      'invalid-input',
      'only a disclosure in the proceedings of the request may be made as exculpatory without consent (Art. 40(19)); another use needs consent',
      [{ path: 'exculpatory', message: 'only for a disclosure' }],
    );
  }
  const exculpatoryNotice =
    input.exculpatory === true ? await exculpatoryNoticeFor(context, request, stored.id, today) : null;
  const consents = (await listConsentsOfRequest(context.db, request.id)).filter(
    (consent) => consent.packageId === stored.id && consent.direction === 'outgoing',
  );
  const blocking = exculpatoryNotice ? [] : conditionsStillBlocking(conditions, use, today, consents);
  if (blocking.length > 0) {
    throw new AppError(
      'consent-required',
      `consent of the sending State is required first: ${describeBlocking(blocking)}`,
      blocking.map((b) => ({
        path: `conditions.${b.condition}`,
        message: `${b.citation}: ${b.explanation}`,
      })),
    );
  }
  const isBlockedWithoutConsent = blockingConditions(conditions, use, today).length > 0;
  const consent =
    isBlockedWithoutConsent && !exculpatoryNotice ? findCoveringConsent(consents, use) : undefined;
  const itemIds = await itemsOfPackage(context, stored);
  await recordOnItems(context, itemIds, 'used', { id: actor.userId, name: actor.username }, now, {
    packageId: stored.id,
    use,
    consentId: consent?.id ?? null,
    ...(exculpatoryNotice ? { exculpatoryNotice } : {}),
    ...(input.note ? { note: input.note } : {}),
  });
  return {
    packageId: stored.id,
    use,
    consentId: consent?.id ?? null,
    exculpatoryNotice,
    itemIds,
    recordedAt: now.toISOString(),
  };
}

/** Asks and answers that arrived by message, recorded in the custody chains of their package's items. */
export async function recordConsentCustody(context: AppContext): Promise<void> {
  for (const consent of await listConsentsWithCustodyPending(context.db)) {
    const stored = await findEvidencePackage(context.db, consent.packageId);
    if (stored) {
      const isAsk = consent.direction === 'incoming';
      await recordOnItems(
        context,
        await itemsOfPackage(context, stored),
        isAsk ? 'consent-requested' : 'consent-answered',
        { id: null, name: `node ${consent.peerNodeId}` },
        isAsk ? consent.askedAt : (consent.answeredAt ?? consent.askedAt),
        isAsk
          ? {
              consentId: consent.id,
              packageId: stored.id,
              use: consent.use,
              reasons: consent.reasons,
              by: consent.peerNodeId,
            }
          : {
              consentId: consent.id,
              packageId: stored.id,
              use: consent.use,
              decision: consent.status,
              conditions: consent.answerConditions,
              reasons: consent.answerReasons,
              by: consent.peerNodeId,
            },
      ).catch(() => undefined);
    }
    await markConsentCustodyRecorded(context.db, consent.id);
  }
}
