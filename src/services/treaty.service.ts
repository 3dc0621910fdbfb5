/**
 * The Convention's status as a node knows it: the records (seeded from src/data/treaty, then
 * added by administrators one by one or by CSV import) and the status computed from them on any
 * date (Arts. 64-65), together with the sources and the known gaps of the data, so that nobody
 * reads a count without knowing how far it can be trusted.
 */
import { AppError, type AppErrorDetail } from '../core/errors.ts';
import { fieldCodeOf, jsonPointer, zodIssueParams } from '../core/field-codes.ts';
import { UUID_PATTERN } from '../core/ids.ts';
import { calendarDateOf, isCalendarDate } from '../core/treaty/calendar-date.ts';
import {
  checkRecordDates,
  checkRecordSteps,
  type RecordProblem,
  type RecordStep,
  dateWindowOf,
  type NewTreatyRecord,
  NewTreatyRecordSchema,
  RetractionSchema,
} from '../core/treaty/treaty-record.ts';
import {
  computeTreatyStatus,
  type EvidenceLevel,
  evidenceLevelOf,
  type ParticipantKind,
  TREATY_ACTIONS,
  type TreatyAction,
  type TreatyRecord,
  type TreatyStatus,
} from '../core/treaty/treaty-status.ts';
import {
  type EntryIntoForceData,
  loadEntryIntoForceData,
  loadEuMembership,
  loadMemberships,
  loadSeedTreatyRecords,
  loadTreatyGaps,
  loadTreatyTranslations,
  type TreatyGaps,
} from '../data/treaty/index.ts';
import type { LocalizedText } from '../core/i18n.ts';
import type { AppContext } from '../app-context.ts';
import type { Actor } from '../policies/access.ts';
import {
  type DirectoryParticipant,
  findTreatyRecord,
  insertRetraction,
  insertTreatyRecords,
  listCountedTreatyRecords,
  listDirectoryParticipants,
  listTreatyRecords,
  type StoredTreatyRecord,
  type TreatyRecordInsert,
  lockTreatyRecords,
} from '../storage/treaty.repository.ts';

/**
 * The person at the node's console (`comity treaty add|import`). They can already read and
 * write the database directly, so the CLI does not ask them to sign in; their records have no
 * author.
 */
export const NODE_OPERATOR = 'node-operator';
export type TreatyEditor = Actor | typeof NODE_OPERATOR;

/** A record as the API and the CLI show it. */
export type TreatyRecordView = Readonly<{
  id: string;
  stateCode: string;
  kind: string;
  action: string;
  date: string | null;
  dateNote: string | null;
  source: string;
  evidence: string;
  evidenceLevel: EvidenceLevel | null;
  note: string | null;
  /** The note in the six languages when it is one of the research's own (translations.json); else null. */
  noteTranslations: LocalizedText | null;
  origin: string;
  createdAt: string;
  createdBy: Readonly<{ id: string; username: string }> | null;
  /** Why, on whose word, when and by whom the record was retracted; null while it counts. */
  retraction: Readonly<{
    reason: string;
    source: string | null;
    createdAt: string;
    createdBy: Readonly<{ id: string; username: string }> | null;
  }> | null;
}>;

/** The status, with the data's date, the rule's citations, the sources and the known gaps. */
export type TreatyStatusReport = Omit<TreatyStatus, 'signatories' | 'rule' | 'reportedNotDeposited'> &
  Readonly<{
    dataDate: string;
    latestSourceDate: string;
    /** The research's summary in the six languages. */
    summary: LocalizedText;
    isInForce: boolean;
    signatories: TreatyStatus['signatories'] &
      Readonly<{
        /** The depositary's count, or null on a day before it applies (then only the records count). */
        depositaryCount: number | null;
        depositaryCountSource: string;
        depositaryCountAsOf: string;
      }>;
    rule: TreatyStatus['rule'] & Readonly<{ citations: EntryIntoForceData['rules'] }>;
    membershipSources: ReadonlyArray<
      Readonly<{ organization: string; title: string; url: string; asOf: string }>
    >;
    sources: TreatyGaps['sources'];
    gaps: ReadonlyArray<Readonly<{ id: string; statement: LocalizedText; sources: readonly string[] }>>;
    reportedNotDeposited: ReadonlyArray<
      TreatyStatus['reportedNotDeposited'][number] & Readonly<{ noteTranslations: LocalizedText | null }>
    >;
  }>;

/** A note of the research in the six languages (its English text is the key), or null for any other note. */
export function noteTranslationsOf(note: string | null | undefined): LocalizedText | null {
  if (!note) return null;
  const translation = loadTreatyTranslations().notes.find((entry) => entry.en === note);
  return translation ? { ...translation } : null;
}

function isTreatyAction(value: string): value is TreatyAction {
  return (TREATY_ACTIONS as readonly string[]).includes(value);
}

function kindOf(value: string): ParticipantKind {
  return value === 'organization' ? 'organization' : 'state';
}

/**
 * Refuses anything but a real YYYY-MM-DD date up to today (UTC): the status on a later day would
 * read as known, where the signatures and ratifications to come are not; undefined means today.
 */
export function resolveAsOf(asOf: string | undefined, now: Date): string {
  const today = calendarDateOf(now);
  if (asOf === undefined) return today;
  if (!isCalendarDate(asOf)) {
    throw new AppError('invalid-input', `asOf must be a calendar date written YYYY-MM-DD, got "${asOf}"`, [
      {
        path: 'asOf',
        message: 'must be a calendar date written YYYY-MM-DD',
        in: 'querystring',
        pointer: '/asOf',
        code: 'invalid-format',
      },
    ]);
  }
  if (asOf > today) {
    throw new AppError(
      'invalid-input',
      `asOf ${asOf} is after today (${today}, UTC): the status is known up to today, not on a day to come`,
      [
        {
          path: 'asOf',
          message: `must be ${today} or earlier`,
          in: 'querystring',
          pointer: '/asOf',
          code: 'too-late',
          bound: today,
        },
      ],
    );
  }
  return asOf;
}

/**
 * Computes the status from records and adds what a reader needs to judge it. The API (records
 * from the database) and the offline CLI (records from src/data/treaty) both call this, so the
 * two print the same JSON for the same records.
 */
export function buildTreatyStatusReport(records: readonly TreatyRecord[], asOf: string): TreatyStatusReport {
  const rule = loadEntryIntoForceData();
  const gaps = loadTreatyGaps();
  const translations = loadTreatyTranslations();
  const eu = loadEuMembership();
  const status = computeTreatyStatus({
    records,
    asOf,
    memberships: loadMemberships(),
    rule: {
      threshold: rule.threshold,
      generalDelayDays: rule.generalDelayDays,
      laterPartyDelayDays: rule.laterPartyDelayDays,
    },
  });
  return {
    ...status,
    dataDate: gaps.dataDate,
    latestSourceDate: gaps.latestSourceDate,
    summary: { en: gaps.summary, ...translations.summary },
    isInForce: status.entryIntoForce?.isInForce ?? false,
    signatories: {
      ...status.signatories,
      depositaryCount: asOf >= gaps.depositarySignatoryCountAsOf ? gaps.depositarySignatoryCount : null,
      depositaryCountSource: gaps.depositarySignatoryCountSource,
      depositaryCountAsOf: gaps.depositarySignatoryCountAsOf,
    },
    rule: { ...status.rule, citations: rule.rules },
    membershipSources: [
      { organization: eu.organization, title: eu.source.title, url: eu.source.url, asOf: eu.asOf },
    ],
    sources: gaps.sources,
    gaps: gaps.gaps.map((gap) => {
      const translated = translations.gaps[gap.id];
      if (!translated)
        throw new Error(`src/data/treaty/translations.json has no translation of the gap ${gap.id}`);
      return { ...gap, statement: { en: gap.statement, ...translated } };
    }),
    reportedNotDeposited: status.reportedNotDeposited.map((item) => ({
      ...item,
      noteTranslations: noteTranslationsOf(item.note),
    })),
  };
}

/** The records of src/data/treaty as the computation takes them (for the offline CLI). */
export function seedStatusRecords(): TreatyRecord[] {
  return loadSeedTreatyRecords().map((record) => ({
    stateCode: record.stateCode,
    kind: record.kind,
    action: record.action,
    date: record.date,
    dateWindow: dateWindowOf(record.dateNote),
    evidence: record.evidence,
    source: record.source,
    note: record.note,
  }));
}

function toStatusRecord(record: StoredTreatyRecord): TreatyRecord | undefined {
  if (!isTreatyAction(record.action)) return undefined;
  return {
    stateCode: record.stateCode,
    kind: kindOf(record.kind),
    action: record.action,
    date: record.date,
    dateWindow: dateWindowOf(record.dateNote),
    evidence: record.evidence,
    source: record.source,
    note: record.note,
  };
}

function toRecordView(record: StoredTreatyRecord): TreatyRecordView {
  return {
    id: record.id,
    stateCode: record.stateCode,
    kind: record.kind,
    action: record.action,
    date: record.date,
    dateNote: record.dateNote,
    source: record.source,
    evidence: record.evidence,
    evidenceLevel: evidenceLevelOf(record.evidence) ?? null,
    note: record.note,
    noteTranslations: noteTranslationsOf(record.note),
    origin: record.origin,
    createdAt: new Date(record.createdAt).toISOString(),
    createdBy: record.createdBy,
    retraction: record.retraction
      ? {
          reason: record.retraction.reason,
          source: record.retraction.source,
          createdAt: new Date(record.retraction.createdAt).toISOString(),
          createdBy: record.retraction.createdBy,
        }
      : null,
  };
}

/** The status on `asOf` (default: today, UTC) from the node's records. */
export async function getTreatyStatus(context: AppContext, asOf?: string): Promise<TreatyStatusReport> {
  const day = resolveAsOf(asOf, context.now());
  const records = (await listCountedTreatyRecords(context.db)).flatMap(
    (record) => toStatusRecord(record) ?? [],
  );
  return buildTreatyStatusReport(records, day);
}

/** Every record with its source and evidence level, retracted ones too (with their retraction). */
export async function listRecords(context: AppContext): Promise<TreatyRecordView[]> {
  return (await listTreatyRecords(context.db)).map(toRecordView);
}

type CheckedRecord = Readonly<{ record: NewTreatyRecord; problems: AppErrorDetail[] }>;

/** Identity of a record for duplicate detection: everything a person entered. */
export function duplicateKey(record: {
  stateCode: string;
  action: string;
  date?: string | null;
  dateNote?: string | null;
  source: string;
  evidence: string;
}): string {
  return JSON.stringify([
    record.stateCode,
    record.action,
    record.date ?? null,
    record.dateNote ?? null,
    record.source.trim(),
    record.evidence.trim(),
  ]);
}

/**
 * The schema's issues as the API lists them: each field by name, and by pointer in a JSON body or
 * by line in an import row; its code; the validator's words after the field (`what` when none).
 */
function issueDetailsOf(
  issues: ReadonlyArray<Readonly<{ path: PropertyKey[]; message: string; code: string }>>,
  what: string,
  line?: number,
): AppErrorDetail[] {
  return issues.map((issue) => ({
    ...(line === undefined ? { pointer: jsonPointer(issue.path) } : { line }),
    path: issue.path.join('.'),
    message: `${issue.path.join('.') || what}: ${issue.message}`,
    ...fieldCodeOf({ keyword: issue.code, params: zodIssueParams(issue) }),
  }));
}

/** Every problem of one record: schema, directory, dates. `line` is set for import rows. */
export function checkRecord(
  input: unknown,
  participants: ReadonlyMap<string, DirectoryParticipant>,
  today: string,
  line?: number,
): CheckedRecord | AppErrorDetail[] {
  const at = line === undefined ? {} : { line };
  // With the input in each issue, a choice not made reads as required rather than as a wrong value.
  const parsed = NewTreatyRecordSchema.safeParse(input, { reportInput: true });
  if (!parsed.success) return issueDetailsOf(parsed.error.issues, 'record', line);
  const problems: AppErrorDetail[] = [];
  if (!participants.has(parsed.data.stateCode)) {
    problems.push({
      ...at,
      path: 'stateCode',
      ...(line === undefined ? { pointer: '/stateCode' } : {}),
      message: `stateCode: ${parsed.data.stateCode} is not a State or organization of the directory`,
      code: 'invalid-value',
    });
  }
  for (const problem of checkRecordDates(parsed.data, today)) problems.push(detailOf(problem, line));
  return { record: parsed.data, problems };
}

/**
 * A record's problem as the API lists it: its field by name, and by pointer in a JSON body or by
 * line in an import; its code; the node's words.
 */
function detailOf({ path, message, ...code }: RecordProblem, line: number | undefined): AppErrorDetail {
  const where = line === undefined ? { pointer: jsonPointer([path]) } : { line };
  return { ...where, path, message: `${path}: ${message}`, ...code };
}

/**
 * The steps each record presupposes, against the node's records and those entered with it (a
 * signature before a ratification, a member State's step before an organization's).
 */
export function checkRecordsSteps(
  entered: ReadonlyArray<Readonly<{ record: NewTreatyRecord; line?: number }>>,
  existing: readonly RecordStep[],
  participants: ReadonlyMap<string, DirectoryParticipant>,
): AppErrorDetail[] {
  const others = [...existing, ...entered.map(({ record }) => record)];
  const memberships = loadMemberships();
  return entered.flatMap(({ record, line }) =>
    checkRecordSteps(
      record,
      kindOf(participants.get(record.stateCode)?.kind ?? 'state'),
      others,
      memberships,
    ).map((problem) => detailOf(problem, line)),
  );
}

export function toInsert(record: NewTreatyRecord, origin: string, editor: TreatyEditor): TreatyRecordInsert {
  return {
    stateCode: record.stateCode,
    action: record.action,
    date: record.date ?? null,
    dateNote: record.dateNote || null,
    source: record.source,
    evidence: record.evidence,
    note: record.note || null,
    origin,
    createdBy: editor === NODE_OPERATOR ? null : editor.userId,
  };
}

/** Adds one record (origin 'manual'). Refuses an exact duplicate of an existing record. */
export async function addRecord(
  context: AppContext,
  editor: TreatyEditor,
  input: unknown,
): Promise<TreatyRecordView> {
  const today = calendarDateOf(context.now());
  const id = await context.db.transaction().execute(async (trx) => {
    await lockTreatyRecords(trx);
    const participants = new Map((await listDirectoryParticipants(trx)).map((p) => [p.code, p]));
    const checked = checkRecord(input, participants, today);
    if (Array.isArray(checked))
      throw new AppError('invalid-input', checked.map((d) => d.message).join('; '), checked);
    // A retracted record neither stands for the step a new one presupposes nor makes it a duplicate.
    const stored = await listCountedTreatyRecords(trx);
    const problems =
      checked.problems.length > 0
        ? checked.problems
        : checkRecordsSteps([{ record: checked.record }], stored, participants);
    if (problems.length > 0) {
      throw new AppError('invalid-input', problems.map((d) => d.message).join('; '), problems);
    }
    const existing = new Set(stored.map(duplicateKey));
    if (existing.has(duplicateKey(checked.record))) {
      throw new AppError(
        'conflict',
        'the same record (State, action, date, source, evidence) already exists',
      );
    }
    const [inserted] = await insertTreatyRecords(trx, [toInsert(checked.record, 'manual', editor)]);
    return inserted as string;
  });
  const stored = await findTreatyRecord(context.db, id);
  if (!stored) throw new AppError('internal', 'the record was not found after it was added');
  return toRecordView(stored);
}

/**
 * Retracts a record entered in error (`POST /api/v1/treaty/records/{id}/retraction`, `comity
 * treaty retract`): the record stays, with why and on whose word; the status stops counting it.
 * Refused while a record that counts presupposes it (a ratification its signature): that one is
 * retracted first. A record is retracted once.
 */
export async function retractRecord(
  context: AppContext,
  editor: TreatyEditor,
  recordId: string,
  input: unknown,
): Promise<TreatyRecordView> {
  const parsed = RetractionSchema.safeParse(input, { reportInput: true });
  if (!parsed.success) {
    const details = issueDetailsOf(parsed.error.issues, 'retraction');
    throw new AppError('invalid-input', details.map((detail) => detail.message).join('; '), details);
  }
  const notFound = new AppError('not-found', `no treaty record ${recordId}`);
  if (!UUID_PATTERN.test(recordId)) throw notFound;
  await context.db.transaction().execute(async (trx) => {
    await lockTreatyRecords(trx);
    const record = await findTreatyRecord(trx, recordId);
    if (!record) throw notFound;
    if (record.retraction) {
      throw new AppError(
        'conflict',
        `the record was already retracted on ${record.retraction.createdAt.toISOString().slice(0, 10)}: ${record.retraction.reason}`,
      );
    }
    const dependants = recordsPresupposing(record, await listCountedTreatyRecords(trx));
    if (dependants.length > 0) {
      const named = dependants.map(
        (dependant) =>
          `${dependant.stateCode} ${dependant.action}${dependant.date ? ` of ${dependant.date}` : ''}`,
      );
      throw new AppError(
        'conflict',
        `${named.join(', ')} presuppose${dependants.length === 1 ? 's' : ''} this record (Art. 64): retract ${dependants.length === 1 ? 'it' : 'them'} first`,
      );
    }
    const isRetracted = await insertRetraction(trx, {
      recordId: record.id,
      reason: parsed.data.reason,
      source: parsed.data.source || null,
      createdBy: editor === NODE_OPERATOR ? null : editor.userId,
    });
    if (!isRetracted) throw new AppError('conflict', 'the record was retracted meanwhile');
  });
  const stored = await findTreatyRecord(context.db, recordId);
  if (!stored) throw new AppError('internal', 'the record was not found after it was retracted');
  return toRecordView(stored);
}

/**
 * The counted records whose steps hold with `target` and would not without it: a ratification
 * whose only signature it is, an organization's step whose only member State's step it is.
 */
function recordsPresupposing(
  target: StoredTreatyRecord,
  counted: readonly StoredTreatyRecord[],
): StoredTreatyRecord[] {
  const memberships = loadMemberships();
  const without = counted.filter((record) => record.id !== target.id);
  const problemsAmong = (record: StoredTreatyRecord, others: readonly StoredTreatyRecord[]) =>
    checkRecordSteps(record, kindOf(record.kind), others, memberships).length;
  return without.filter((record) => problemsAmong(record, without) > problemsAmong(record, counted));
}
