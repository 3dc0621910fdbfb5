/**
 * The Convention's status on a given day, computed from signature and ratification records:
 * who signed, who deposited an instrument, how many instruments count towards entry into force
 * (Art. 65(1)), when the Convention enters into force, and when it does so for each Party
 * (Art. 65(2)). Pure: the records, the date and the rule come in as arguments.
 *
 * Rules applied (Arts. 64-65, paraphrased; see src/data/treaty/entry-into-force.json):
 * - Only an instrument of ratification, acceptance, approval or accession deposited with the
 *   Secretary-General makes a Party (Art. 64(3)-(4)). A parliament's approval or a press report
 *   of "ratification" is not a deposit: such records are listed as reported, never counted.
 * - The Convention enters into force on the 90th day after the deposit of the 40th instrument
 *   (Art. 65(1)).
 * - An instrument of a regional economic integration organization (the EU) is not counted as
 *   additional to those of its member States (Art. 65(1)). Each member State's own instrument
 *   already counts, so the organization's instrument can only ever add nothing: it is never
 *   counted. It still makes the organization a Party with its own entry-into-force date.
 * - A Party depositing after the 40th instrument is bound from the 30th day after its own
 *   deposit, or from the general date if that is later (Art. 65(2)). For the first 40 that
 *   maximum is always the general date, so one formula serves every Party.
 */
import { addDays, laterDate } from './calendar-date.ts';

export const TREATY_ACTIONS = [
  'signature',
  'ratification',
  'acceptance',
  'approval',
  'accession',
  /** A domestic act (parliament, head of State) approving the Convention; not a deposit. */
  'domestic-approval',
  /** A report that a State ratified, without a confirmed deposit. */
  'reported-ratification',
] as const;
export type TreatyAction = (typeof TREATY_ACTIONS)[number];

/** The actions that are the deposit of an instrument with the depositary (Art. 64(3)-(4)). */
export const DEPOSIT_ACTIONS = ['ratification', 'acceptance', 'approval', 'accession'] as const;
export type DepositAction = (typeof DEPOSIT_ACTIONS)[number];

export function isDepositAction(action: TreatyAction): action is DepositAction {
  return (DEPOSIT_ACTIONS as readonly string[]).includes(action);
}

/**
 * How far a record can be trusted: primary (the depositary itself), secondary (news, official
 * news agencies, national statements) or weak (a report of a report). The evidence text of a
 * record starts with its level, e.g. "secondary (news citing UNODC list)".
 */
export const EVIDENCE_LEVELS = ['primary', 'secondary', 'weak'] as const;
export type EvidenceLevel = (typeof EVIDENCE_LEVELS)[number];

export function evidenceLevelOf(evidence: string): EvidenceLevel | undefined {
  const firstWord = evidence
    .trim()
    .split(/[\s(,]/, 1)[0]
    ?.toLowerCase();
  return EVIDENCE_LEVELS.find((level) => level === firstWord);
}

/** A period in which an undated event is known to have happened (both days included). */
export type DateWindow = Readonly<{ from: string; to: string }>;

export type ParticipantKind = 'state' | 'organization';

export type TreatyRecord = Readonly<{
  /** ISO 3166-1 alpha-2 code, or EU. */
  stateCode: string;
  kind: ParticipantKind;
  action: TreatyAction;
  /** YYYY-MM-DD, or null when the day is not known. */
  date: string | null;
  /** For an undated record: when it happened, if known. */
  dateWindow?: DateWindow | null;
  evidence: string;
  source?: string;
  note?: string | null;
}>;

/** The numbers of Art. 65, as data (src/data/treaty/entry-into-force.json). */
export type EntryIntoForceRule = Readonly<{
  /** Instruments needed: 40 (Art. 65(1)). */
  threshold: number;
  /** Entry into force on this day after the deposit of the threshold instrument: 90 (Art. 65(1)). */
  generalDelayDays: number;
  /** For a later Party, this day after its own deposit: 30 (Art. 65(2)). */
  laterPartyDelayDays: number;
}>;

/** A regional economic integration organization and its member States (alpha-2 codes). */
export type OrganizationMembership = Readonly<{ organization: string; members: readonly string[] }>;

type RecordFacts = Readonly<{
  stateCode: string;
  kind: ParticipantKind;
  date: string | null;
  dateWindow: DateWindow | null;
  evidence: string;
  evidenceLevel: EvidenceLevel | null;
  source: string | null;
}>;

export type Signatory = RecordFacts;

export type Instrument = RecordFacts &
  Readonly<{
    action: DepositAction;
    date: string;
    /** Whether it counts towards the threshold of Art. 65(1) (false for an organization). */
    isCounted: boolean;
    /** 1-based rank among counted instruments, by date of deposit; null when not counted. */
    countPosition: number | null;
    /** The day the Convention enters into force for this Party (Art. 65(2)); null until determinable. */
    entryIntoForce: string | null;
  }>;

export type ReportedNotDeposited = RecordFacts &
  Readonly<{ action: TreatyAction; note: string | null; reason: string; reasonCode: NotDepositedReason }>;

/** Why a record does not count: no deposit date, a domestic approval, or only a report. */
export const NOT_DEPOSITED_REASONS = ['no-deposit-date', 'domestic-approval', 'unconfirmed'] as const;
export type NotDepositedReason = (typeof NOT_DEPOSITED_REASONS)[number];

export type OrganizationStatus = Readonly<{
  code: string;
  memberCount: number;
  /** Member States with an instrument deposited by asOf, each counted on its own. */
  membersDeposited: readonly string[];
  hasSigned: boolean;
  depositDate: string | null;
  /** Always false: see Art. 65(1). */
  isCounted: false;
  explanation: string;
}>;

export type EntryIntoForce = Readonly<{
  /** The day the Convention enters into force generally. */
  date: string;
  /** Date of deposit of the instrument that reached the threshold. */
  thresholdInstrumentDate: string;
  /** Whether that day is on or before asOf. */
  isInForce: boolean;
}>;

export type TreatyStatus = Readonly<{
  asOf: string;
  rule: EntryIntoForceRule;
  signatories: Readonly<{ count: number; items: readonly Signatory[] }>;
  instruments: Readonly<{ count: number; items: readonly Instrument[] }>;
  /** Instruments that count towards the threshold of Art. 65(1). */
  countedInstruments: number;
  /** Counted instruments still needed for entry into force (0 once reached). */
  stillNeeded: number;
  entryIntoForce: EntryIntoForce | null;
  organizations: readonly OrganizationStatus[];
  reportedNotDeposited: readonly ReportedNotDeposited[];
}>;

export type TreatyStatusInput = Readonly<{
  records: readonly TreatyRecord[];
  /** YYYY-MM-DD: records dated later are ignored. */
  asOf: string;
  memberships: readonly OrganizationMembership[];
  rule: EntryIntoForceRule;
}>;

/**
 * Whether a record had happened by `asOf`. A dated record: its date is on or before asOf. An
 * undated record with a window: the window has closed by asOf. An undated record without a
 * window is known only as of the data's date, so it is taken as known at every asOf.
 */
export function isKnownBy(record: TreatyRecord, asOf: string): boolean {
  if (record.date !== null) return record.date <= asOf;
  if (record.dateWindow) return record.dateWindow.to <= asOf;
  return true;
}

function factsOf(record: TreatyRecord): RecordFacts {
  return {
    stateCode: record.stateCode,
    kind: record.kind,
    date: record.date,
    dateWindow: record.dateWindow ?? null,
    evidence: record.evidence,
    evidenceLevel: evidenceLevelOf(record.evidence) ?? null,
    source: record.source ?? null,
  };
}

function byDateThenCode(a: { date: string | null; stateCode: string }, b: typeof a): number {
  const dateA = a.date ?? '9999-12-31';
  const dateB = b.date ?? '9999-12-31';
  if (dateA !== dateB) return dateA < dateB ? -1 : 1;
  return a.stateCode.localeCompare(b.stateCode);
}

/** Per participant, the record of an action that came first (the earliest date wins). */
function firstRecordPerParticipant(records: readonly TreatyRecord[]): TreatyRecord[] {
  const first = new Map<string, TreatyRecord>();
  for (const record of [...records].sort(byDateThenCode)) {
    if (!first.has(record.stateCode)) first.set(record.stateCode, record);
  }
  return [...first.values()];
}

function explainOrganization(code: string, memberCount: number, membersDeposited: number): string {
  return (
    `Art. 65(1): an instrument of a regional economic integration organization is not counted as additional ` +
    `to those of its member States. The organization's own instrument (${code}) is therefore never counted; its member States ` +
    `count individually (${membersDeposited} of ${memberCount} have deposited an instrument).`
  );
}

export function computeTreatyStatus(input: TreatyStatusInput): TreatyStatus {
  const { asOf, rule } = input;
  const known = input.records.filter((record) => isKnownBy(record, asOf));

  const signatories = firstRecordPerParticipant(known.filter((record) => record.action === 'signature'))
    .sort(byDateThenCode)
    .map(factsOf);

  const deposits = firstRecordPerParticipant(
    known.filter((record) => isDepositAction(record.action) && record.date !== null),
  ).sort(byDateThenCode);
  const counted = deposits.filter((record) => record.kind === 'state');
  const thresholdInstrument = counted[rule.threshold - 1];
  const entryIntoForce: EntryIntoForce | null =
    thresholdInstrument?.date != null
      ? {
          date: addDays(thresholdInstrument.date, rule.generalDelayDays),
          thresholdInstrumentDate: thresholdInstrument.date,
          isInForce: addDays(thresholdInstrument.date, rule.generalDelayDays) <= asOf,
        }
      : null;

  const instruments: Instrument[] = deposits.map((record) => {
    const date = record.date as string;
    const position = counted.indexOf(record);
    return {
      ...factsOf(record),
      action: record.action as DepositAction,
      date,
      isCounted: position >= 0,
      countPosition: position >= 0 ? position + 1 : null,
      entryIntoForce: entryIntoForce
        ? laterDate(addDays(date, rule.laterPartyDelayDays), entryIntoForce.date)
        : null,
    };
  });

  const parties = new Set(instruments.map((instrument) => instrument.stateCode));
  const reportedNotDeposited: ReportedNotDeposited[] = known
    .filter((record) => record.action !== 'signature' && !parties.has(record.stateCode))
    .sort(byDateThenCode)
    .map((record) => ({
      ...factsOf(record),
      action: record.action,
      note: record.note ?? null,
      ...notDepositedReasonOf(record.action),
    }));

  const organizationCodes = new Set([
    ...input.memberships.map((membership) => membership.organization),
    ...input.records.filter((record) => record.kind === 'organization').map((record) => record.stateCode),
  ]);
  const organizations: OrganizationStatus[] = [...organizationCodes].sort().map((code) => {
    const members = input.memberships.find((membership) => membership.organization === code)?.members ?? [];
    const membersDeposited = counted
      .map((record) => record.stateCode)
      .filter((stateCode) => members.includes(stateCode))
      .sort();
    return {
      code,
      memberCount: members.length,
      membersDeposited,
      hasSigned: signatories.some((signatory) => signatory.stateCode === code),
      depositDate: deposits.find((record) => record.stateCode === code)?.date ?? null,
      isCounted: false,
      explanation: explainOrganization(code, members.length, membersDeposited.length),
    };
  });

  return {
    asOf,
    rule,
    signatories: { count: signatories.length, items: signatories },
    instruments: { count: instruments.length, items: instruments },
    countedInstruments: counted.length,
    stillNeeded: Math.max(0, rule.threshold - counted.length),
    entryIntoForce,
    organizations,
    reportedNotDeposited,
  };
}

function notDepositedReasonOf(action: TreatyAction): { reason: string; reasonCode: NotDepositedReason } {
  if (isDepositAction(action))
    return { reasonCode: 'no-deposit-date', reason: 'recorded without a date of deposit' };
  if (action === 'domestic-approval') {
    return {
      reasonCode: 'domestic-approval',
      reason: 'a domestic approval is not the deposit of an instrument with the Secretary-General',
    };
  }
  return {
    reasonCode: 'unconfirmed',
    reason: 'reported, but no deposit with the Secretary-General is confirmed',
  };
}
