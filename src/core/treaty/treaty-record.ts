/**
 * One signature or ratification record as people enter it (API body, CSV import row), and the
 * checks that keep the records meaningful: a deposit has a date, dates are real days between
 * the Convention's adoption and today, a signature falls within the signature period, and the
 * evidence says how far it can be trusted; and, against the other records, an instrument has the
 * step before it (a signature before a ratification, a member State's before an organization's).
 */
import { z } from 'zod';
import type { FieldCode } from '../field-codes.ts';
import { isCalendarDate } from './calendar-date.ts';
import {
  type DateWindow,
  type OrganizationMembership,
  type ParticipantKind,
  EVIDENCE_LEVELS,
  evidenceLevelOf,
  isDepositAction,
  TREATY_ACTIONS,
} from './treaty-status.ts';

/** Adoption by the General Assembly (res. 79/243): nothing about the Convention happened earlier. */
export const ADOPTION_DATE = '2024-12-24';
/** The Convention opened for signature in Hanoi on this day (Art. 64(1)): no signature is earlier. */
export const SIGNATURE_OPENS = '2025-10-25';
/** Last day the Convention is open for signature (Art. 64(1)); after it, States accede. */
export const SIGNATURE_CLOSES = '2026-12-31';

export const CalendarDateSchema = z
  .string()
  .refine(isCalendarDate, { message: 'must be a calendar date written YYYY-MM-DD' });

/** A record as entered, before the State code is checked against the directory. */
export const NewTreatyRecordSchema = z
  .object({
    /** ISO 3166-1 alpha-2 code of the State, or EU. */
    stateCode: z
      .string()
      .trim()
      .toUpperCase()
      .regex(/^[A-Z]{2}$/, { message: 'must be an ISO 3166-1 alpha-2 code such as FR, or EU' }),
    action: z.enum(TREATY_ACTIONS),
    date: CalendarDateSchema.nullable().optional(),
    /** Free text about the date when the day is not known, or the window 'YYYY-MM-DD/YYYY-MM-DD'. */
    dateNote: z.string().trim().max(500).nullable().optional(),
    source: z.string().trim().min(1, { message: 'name the source (URL or document)' }).max(2000),
    evidence: z
      .string()
      .trim()
      .max(500)
      .refine((value) => evidenceLevelOf(value) !== undefined, {
        message: `must start with an evidence level: ${EVIDENCE_LEVELS.join(', ')}`,
      }),
    note: z.string().trim().max(2000).nullable().optional(),
  })
  .strict();
export type NewTreatyRecord = z.infer<typeof NewTreatyRecordSchema>;

/**
 * The retraction of a record entered in error: why (required), and the source that shows it
 * wrong when there is one. The record stays, struck out; the status no longer counts it.
 */
export const RetractionSchema = z
  .object({
    reason: z.string().trim().min(1, { message: 'say why the record is retracted' }).max(2000),
    source: z.string().trim().max(2000).nullable().optional(),
  })
  .strict();
export type Retraction = z.infer<typeof RetractionSchema>;

/** A problem of a record: the field it is about, the node's English words, and a stable code for a client's own. */
export type RecordProblem = Readonly<{ path: string; message: string }> & FieldCode;

/**
 * The rules a record's date must follow, given today's date. Returns every problem found; an
 * empty list means the record is acceptable.
 */
export function checkRecordDates(record: NewTreatyRecord, today: string): RecordProblem[] {
  const problems: RecordProblem[] = [];
  const date = record.date ?? null;
  if (isDepositAction(record.action) && date === null) {
    problems.push({
      path: 'date',
      message: `a ${record.action} is the deposit of an instrument: give its date`,
      code: 'required',
    });
  }
  if (date === null) return problems;
  if (date < ADOPTION_DATE) {
    problems.push({
      path: 'date',
      message: `${date} is before the Convention's adoption on ${ADOPTION_DATE}`,
      code: 'too-early',
      bound: ADOPTION_DATE,
    });
  }
  if (date > today) {
    problems.push({
      path: 'date',
      message: `${date} is in the future (today is ${today})`,
      code: 'too-late',
      bound: today,
    });
  }
  if (record.action === 'signature' && date < SIGNATURE_OPENS) {
    problems.push({
      path: 'date',
      message: `${date} is before the Convention opened for signature on ${SIGNATURE_OPENS} (Art. 64(1))`,
      code: 'too-early',
      bound: SIGNATURE_OPENS,
    });
  }
  if (record.action === 'signature' && date > SIGNATURE_CLOSES) {
    problems.push({
      path: 'date',
      message: `signature closed on ${SIGNATURE_CLOSES} (Art. 64(1)); a later instrument is an accession`,
      code: 'too-late',
      bound: SIGNATURE_CLOSES,
    });
  }
  return problems;
}

/** Reads a date note of the form 'YYYY-MM-DD/YYYY-MM-DD' as a window; anything else is null. */
export function dateWindowOf(dateNote: string | null | undefined): DateWindow | null {
  const [from, to, ...rest] = (dateNote ?? '').split('/');
  if (rest.length > 0 || !from || !to || !isCalendarDate(from) || !isCalendarDate(to) || from > to)
    return null;
  return { from, to };
}

/** What the checks against other records need of each: who, what, and when if known. */
export type RecordStep = Readonly<{ stateCode: string; action: string; date?: string | null }>;

/** Whether `step` is by `stateCode`, among `actions`, and not later than `date` (undated counts). */
function hasStep(
  others: readonly RecordStep[],
  stateCodes: readonly string[],
  actions: readonly string[],
  date: string | null,
): boolean {
  return others.some(
    (other) =>
      stateCodes.includes(other.stateCode) &&
      actions.includes(other.action) &&
      (date === null || other.date == null || other.date <= date),
  );
}

const INSTRUMENTS_AFTER_SIGNATURE: readonly string[] = ['ratification', 'acceptance', 'approval'];
const INSTRUMENTS: readonly string[] = [...INSTRUMENTS_AFTER_SIGNATURE, 'accession'];

/**
 * The steps a record presupposes, checked against the other records (the node's and those entered
 * with it): a ratification, acceptance or approval follows the State's own signature (Art. 64(3);
 * a State that did not sign accedes, Art. 64(4)); a regional organization signs once one of its
 * member States has signed (Art. 64(2)) and deposits once one has deposited (Art. 64(3)-(4)).
 */
export function checkRecordSteps(
  record: RecordStep,
  kind: ParticipantKind,
  others: readonly RecordStep[],
  memberships: readonly OrganizationMembership[],
): RecordProblem[] {
  const date = record.date ?? null;
  const problems: RecordProblem[] = [];
  if (
    INSTRUMENTS_AFTER_SIGNATURE.includes(record.action) &&
    !hasStep(others, [record.stateCode], ['signature'], date)
  ) {
    problems.push({
      path: 'action',
      message:
        `${record.stateCode} has no signature recorded${date ? ` by ${date}` : ''}: a ${record.action} follows a ` +
        'signature (Art. 64(3)); record the signature first, or record the instrument as an accession (Art. 64(4))',
      code: 'signature-first',
    });
  }
  if (kind !== 'organization') return problems;
  const members =
    memberships.find((membership) => membership.organization === record.stateCode)?.members ?? [];
  if (record.action === 'signature' && !hasStep(others, members, ['signature'], date)) {
    problems.push({
      path: 'action',
      message: `no member State of ${record.stateCode} has signed${date ? ` by ${date}` : ''}: a regional organization signs once one of them has (Art. 64(2))`,
      code: 'member-state-first',
    });
  }
  if (INSTRUMENTS.includes(record.action) && !hasStep(others, members, INSTRUMENTS, date)) {
    problems.push({
      path: 'action',
      message:
        `no member State of ${record.stateCode} has deposited an instrument${date ? ` by ${date}` : ''}: a regional ` +
        'organization deposits once one of them has (Art. 64(3)-(4))',
      code: 'member-state-first',
    });
  }
  return problems;
}
