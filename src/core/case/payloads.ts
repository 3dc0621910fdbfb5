/**
 * The payloads of the case transitions, as zod schemas. Rules that depend on the case, the moment
 * or the catalogue (a date in the future, the 60 days of Art. 42(8), grounds the catalogue knows)
 * are built from a PayloadContext, so the same schema gives the same answer on both nodes.
 */
import { z } from 'zod';
import { dateBound } from '../field-codes.ts';
import { UUID_PATTERN } from '../ids.ts';
import { addDays, calendarDateOf } from '../treaty/calendar-date.ts';
import {
  type CalendarDate,
  type Case,
  type CaseCatalogue,
  ConsultationSchema,
  type ExculpatoryNotice,
  isConsultationPending,
  RequestTypeSchema,
  UrgencySchema,
} from './case-model.ts';

/** What a payload is checked against: the case before the transition, the moment, the catalogue. */
export type PayloadContext = Readonly<{ case: Case; now: Date; catalogue: CaseCatalogue }>;

const Text = z.string().trim().min(1).max(20_000);
const Note = z.object({ note: Text.optional() }).strict();
const Empty = z.object({}).strict();
export const CalendarDateSchema = z.iso.date();

/** The UTC calendar date of the moment a transition is made. */
export function todayOf(now: Date): CalendarDate {
  return calendarDateOf(now);
}

/** A date after `date`: the field's issue names the day after as the earliest it accepts. */
function after(date: CalendarDate, message: string) {
  return CalendarDateSchema.refine((value) => value > date, {
    message,
    ...dateBound('too-early', addDays(date, 1)),
  });
}

function afterToday(context: PayloadContext, message: string) {
  return after(todayOf(context.now), message);
}

export const OpenPayloadSchema = z
  .object({
    requestType: RequestTypeSchema,
    urgency: UrgencySchema,
    /** Art. 40(25): a date the requesting side suggests for execution, with its reasons. */
    suggestedDeadline: z.object({ date: CalendarDateSchema, reasons: Text }).strict().optional(),
  })
  .strict();

export const emptyPayload = () => Empty;
export const notePayload = () => Note;

export const reasonsPayload = () => z.object({ reasons: Text }).strict();

export const deliveryPayload = () =>
  z
    .object({
      /** SHA-256 of the message the signed receipt covers (hex). */
      receiptDigest: z
        .string()
        .regex(/^[0-9a-f]{64}$/)
        .optional(),
    })
    .strict();

export const clarificationRequestPayload = (context: PayloadContext) =>
  z
    .object({
      questions: Text,
      answerBy: CalendarDateSchema.refine((date) => date >= todayOf(context.now), {
        message: 'the date for an answer is already past',
        ...dateBound('too-early', todayOf(context.now)),
      }).optional(),
    })
    .strict();

export const clarificationAnswerPayload = () => z.object({ answer: Text }).strict();

export const conditionsPayload = () => z.object({ text: Text }).strict();

/** Art. 40(26) and (27) as the catalogue cites them: reasons, an end date, and the consultation. */
export const postponementPayload = (context: PayloadContext) =>
  z
    .object({
      reasons: Text,
      until: afterToday(context, 'a postponement ends on a date after today'),
      consultation: ConsultationSchema,
    })
    .strict();

export { ResponseSchema as responsePayload } from './case-model.ts';

/**
 * A refusal (Art. 40(24) reasons, Art. 40(27) consultation, as the catalogue cites them): grounds
 * the catalogue lists as `may-refuse` for this request type, mandatory reasons, and the record of
 * whether partial or conditional assistance was considered.
 */
export const refusalPayload = (context: PayloadContext) =>
  z
    .object({
      grounds: z.array(z.string().min(1).max(100)).min(1).max(30),
      reasons: Text,
      consultation: ConsultationSchema,
    })
    .strict()
    .superRefine((payload, issues) => {
      payload.grounds.forEach((id, index) => {
        const message = refusalGroundProblem(context, id);
        if (message) issues.addIssue({ code: 'custom', path: ['grounds', index], message });
      });
      if (new Set(payload.grounds).size !== payload.grounds.length) {
        issues.addIssue({ code: 'custom', path: ['grounds'], message: 'a ground is named twice' });
      }
    });

function refusalGroundProblem(context: PayloadContext, id: string): string | undefined {
  const ground = context.catalogue.refusalGround(id);
  if (!ground) return `the catalogue has no ground for refusal "${id}"`;
  if (ground.kind !== 'may-refuse') return `"${id}" is not a ground on which assistance may be refused`;
  if (!ground.appliesTo.includes(context.case.requestType)) {
    return `"${id}" does not apply to a ${context.case.requestType} request`;
  }
  return undefined;
}

/** Art. 42(8): the data is kept at least the catalogue's minimum number of days after preservation took effect. */
export const preservationPayload = (context: PayloadContext) =>
  z
    .object({
      tookEffectOn: CalendarDateSchema.refine((date) => date <= todayOf(context.now), {
        message: 'a preservation cannot take effect after today',
        ...dateBound('too-late', todayOf(context.now)),
      }),
      preservedUntil: afterToday(context, 'the preserved-until date must be after today'),
      note: Text.optional(),
    })
    .strict()
    .superRefine((payload, issues) => {
      const minimumDays = context.catalogue.minimumPreservationDays;
      const earliest = addDays(payload.tookEffectOn, minimumDays);
      if (payload.preservedUntil < earliest) {
        issues.addIssue({
          code: 'custom',
          path: ['preservedUntil'],
          message: `data is preserved at least ${minimumDays} days (Art. 42(8)): until ${earliest} or later`,
          ...dateBound('too-early', earliest),
        });
      }
    });

function currentPreservedUntil(context: PayloadContext): CalendarDate {
  return context.case.preservation?.preservedUntil ?? todayOf(context.now);
}

export const extensionRequestPayload = (context: PayloadContext) =>
  z
    .object({
      requestedUntil: after(
        currentPreservedUntil(context),
        'an extension asks for a date after the current preserved-until date',
      ),
      reasons: Text,
    })
    .strict();

export const extensionPayload = (context: PayloadContext) =>
  z
    .object({
      preservedUntil: after(
        currentPreservedUntil(context),
        'an extension keeps the data after the current preserved-until date',
      ),
      note: Text.optional(),
    })
    .strict();

/** The follow-up stored-data request (Art. 44) that a preservation turns into. */
export const conversionPayload = () =>
  z
    .object({
      /** The follow-up case's reference, as both nodes know it. */
      followUpReference: z.string().trim().min(1).max(200),
    })
    .strict();

/**
 * A notice of exculpatory disclosure (Art. 40(19), Art. 40(5)): before the disclosure, on a day
 * not before today; or, in the exceptional case where notice could not come first, after it, on a
 * day not after today, with why it could not.
 */
export const exculpatoryNoticePayload = (context: PayloadContext) =>
  z
    .object({
      timing: z.enum(['prior', 'after']),
      disclosure: Text,
      date: CalendarDateSchema,
      priorNoticeImpossible: Text.optional(),
      // Lower case, as both nodes store and compare them.
      packageIds: z
        .array(
          z
            .string()
            .regex(UUID_PATTERN)
            .transform((id) => id.toLowerCase()),
        )
        .max(100)
        .default([])
        .refine((ids) => new Set(ids.map((id) => id.toLowerCase())).size === ids.length, {
          message: 'a package is named twice',
        }),
    })
    .strict()
    .superRefine((payload, issues) => {
      const today = todayOf(context.now);
      if (payload.timing === 'prior' && payload.date < today) {
        issues.addIssue({
          code: 'custom',
          path: ['date'],
          message: 'a notice given before the disclosure names a day not before today',
          ...dateBound('too-early', today),
        });
      }
      if (payload.timing === 'after' && payload.date > today) {
        issues.addIssue({
          code: 'custom',
          path: ['date'],
          message: 'a disclosure already made happened on a day not after today',
          ...dateBound('too-late', today),
        });
      }
      if (payload.timing === 'after' && payload.priorNoticeImpossible === undefined) {
        issues.addIssue({
          code: 'invalid_type',
          expected: 'string',
          path: ['priorNoticeImpossible'],
          message: 'say why notice could not be given before the disclosure (Art. 40(19))',
          input: undefined,
        });
      }
      if (payload.timing === 'prior' && payload.priorNoticeImpossible !== undefined) {
        issues.addIssue({
          code: 'custom',
          path: ['priorNoticeImpossible'],
          message: 'a notice given before the disclosure needs no reason why it could not be',
        });
      }
    });

/**
 * Which notice of exculpatory disclosure a consultation step is about: its place among the case's
 * notices (0 for the first). Notices are only ever added, in the order both nodes fold them, so the
 * place a step names is the same notice on both nodes, whatever steps crossed it.
 */
const NoticeIndex = z.number().int().min(0).max(10_000);

function noticeAt(context: PayloadContext, index: number): ExculpatoryNotice | undefined {
  return context.case.exculpatoryNotices?.[index];
}

/** A consultation asked for on one notice (Art. 40(19)): a notice of the case with none asked yet. */
export const consultationRequestPayload = (context: PayloadContext) =>
  z
    .object({ notice: NoticeIndex, reasons: Text })
    .strict()
    .superRefine((payload, issues) => {
      const notice = noticeAt(context, payload.notice);
      if (!notice) {
        issues.addIssue({ code: 'custom', path: ['notice'], message: 'the case has no such notice' });
      } else if (notice.consultationRequested !== undefined) {
        issues.addIssue({
          code: 'custom',
          path: ['notice'],
          message: 'a consultation was asked for on this notice already',
        });
      }
    });

/**
 * The consultation held on one notice of exculpatory disclosure: a notice whose consultation was
 * asked for and not recorded yet; the day it was held, from the day it was asked (UTC) to today;
 * and its outcome.
 */
export const consultationRecordPayload = (context: PayloadContext) =>
  z
    .object({
      notice: NoticeIndex,
      heldOn: CalendarDateSchema.refine((date) => date <= todayOf(context.now), {
        message: 'a consultation held is recorded on a day not after today',
        ...dateBound('too-late', todayOf(context.now)),
      }),
      outcome: Text,
    })
    .strict()
    .superRefine((payload, issues) => {
      const notice = noticeAt(context, payload.notice);
      if (!notice || !isConsultationPending(notice)) {
        issues.addIssue({
          code: 'custom',
          path: ['notice'],
          message: 'no consultation asked for on this notice waits to be recorded',
        });
        return;
      }
      const askedOn = todayOf(new Date(notice.consultationRequested?.at ?? context.now));
      if (payload.heldOn < askedOn) {
        issues.addIssue({
          code: 'custom',
          path: ['heldOn'],
          message: 'a consultation is held on or after the day it was asked for',
          ...dateBound('too-early', askedOn),
        });
      }
    });
