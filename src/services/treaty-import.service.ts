/**
 * CSV import of treaty-status records (`POST /api/v1/treaty/import`, `comity treaty import`):
 * every row is checked, and one bad row rejects the whole file with every problem and its line
 * number, so nothing is ever half-imported.
 */
import { countryCodes as countries } from '../data/country-codes.ts';
import { AppError, type AppErrorDetail } from '../core/errors.ts';
import { calendarDateOf } from '../core/treaty/calendar-date.ts';
import type { NewTreatyRecord } from '../core/treaty/treaty-record.ts';
import { readCsvRows } from '../data/treaty/csv-rows.ts';
import type { AppContext } from '../app-context.ts';
import {
  type DirectoryParticipant,
  insertTreatyRecords,
  listCountedTreatyRecords,
  listDirectoryParticipants,
  type TreatyRecordInsert,
  lockTreatyRecords,
} from '../storage/treaty.repository.ts';
import {
  checkRecord,
  checkRecordsSteps,
  duplicateKey,
  type TreatyEditor,
  toInsert,
} from './treaty.service.ts';

/** At most this many rows in one CSV import. */
export const MAX_IMPORT_ROWS = 5000;

/** Columns a CSV import may have. `state` (a name for people) is read past. */
export const IMPORT_COLUMNS = [
  'state',
  'state_code',
  'iso3',
  'action',
  'date',
  'date_note',
  'source',
  'evidence',
  'note',
];

function codeFromIso3(iso3: string, participants: readonly DirectoryParticipant[]): string | undefined {
  const upper = iso3.trim().toUpperCase();
  return (
    participants.find((participant) => participant.iso3 === upper)?.code ?? countries.alpha3ToAlpha2(upper)
  );
}

/** Reads one CSV row into the shape NewTreatyRecordSchema checks; problems with the State columns. */
function rowToInput(
  fields: Readonly<Record<string, string>>,
  line: number,
  participants: readonly DirectoryParticipant[],
): { input: Record<string, unknown> } | AppErrorDetail[] {
  const stateCode = fields.state_code?.trim() ?? '';
  const iso3 = fields.iso3?.trim() ?? '';
  let code = stateCode.toUpperCase();
  if (iso3) {
    const fromIso3 = codeFromIso3(iso3, participants);
    if (!fromIso3)
      return [{ line, path: 'iso3', message: `iso3: ${iso3} is not an ISO 3166-1 alpha-3 code` }];
    if (code && code !== fromIso3) {
      return [
        { line, path: 'state_code', message: `state_code ${code} and iso3 ${iso3} (${fromIso3}) disagree` },
      ];
    }
    code = fromIso3;
  }
  if (!code) return [{ line, path: 'state_code', message: 'state_code: give a state_code or an iso3' }];
  const optional = (value: string | undefined) => (value?.trim() ? value.trim() : null);
  return {
    input: {
      stateCode: code,
      action: fields.action?.trim() ?? '',
      date: optional(fields.date),
      dateNote: optional(fields.date_note),
      source: fields.source ?? '',
      evidence: fields.evidence ?? '',
      note: optional(fields.note),
    },
  };
}

function checkColumns(columns: readonly string[]): AppErrorDetail[] {
  const problems: AppErrorDetail[] = [];
  const unknown = columns.filter((column) => !IMPORT_COLUMNS.includes(column));
  if (unknown.length > 0) {
    problems.push({
      line: 1,
      message: `unknown ${unknown.length === 1 ? 'column' : 'columns'} ${unknown.join(', ')}; allowed: ${IMPORT_COLUMNS.join(', ')}`,
    });
  }
  for (const required of ['action', 'source', 'evidence']) {
    if (!columns.includes(required)) problems.push({ line: 1, message: `missing column ${required}` });
  }
  if (!columns.includes('state_code') && !columns.includes('iso3')) {
    problems.push({ line: 1, message: 'missing column state_code (or iso3)' });
  }
  return problems;
}

function rejectImport(problems: readonly AppErrorDetail[]): never {
  const count = problems.length;
  throw new AppError(
    'import-rejected',
    `${count} problem${count === 1 ? '' : 's'} in the CSV; nothing was imported`,
    problems,
  );
}

/**
 * Imports CSV records (origin 'import'): every row is checked, and if any row has a problem,
 * nothing is inserted and `import-rejected` lists every problem with its line number. Returns
 * the number of records inserted.
 */
export async function importRecordsCsv(
  context: AppContext,
  editor: TreatyEditor,
  csvText: string,
): Promise<number> {
  const { columns, rows, errors } = readCsvRows(csvText);
  const headerProblems = columns.length > 0 ? checkColumns(columns) : [];
  if (headerProblems.length > 0) rejectImport(headerProblems);
  if (errors.length > 0 && rows.length === 0) rejectImport(errors);
  if (rows.length === 0 && errors.length === 0)
    rejectImport([{ line: 2, message: 'the file has a header but no records' }]);
  if (rows.length > MAX_IMPORT_ROWS) {
    rejectImport([{ line: 1, message: `at most ${MAX_IMPORT_ROWS} records per import; split the file` }]);
  }
  const today = calendarDateOf(context.now());
  return context.db.transaction().execute(async (trx) => {
    await lockTreatyRecords(trx);
    const participantList = await listDirectoryParticipants(trx);
    const participants = new Map(participantList.map((p) => [p.code, p]));
    // Retracted records count for neither the steps nor the duplicates, as for one record added.
    const stored = await listCountedTreatyRecords(trx);
    const seen = new Map<string, number>(stored.map((record) => [duplicateKey(record), 0] as const));
    const problems: AppErrorDetail[] = [...errors];
    const inserts: TreatyRecordInsert[] = [];
    const entered: Array<{ record: NewTreatyRecord; line: number }> = [];
    for (const { line, fields } of rows) {
      const read = rowToInput(fields, line, participantList);
      if (Array.isArray(read)) {
        problems.push(...read);
        continue;
      }
      const checked = checkRecord(read.input, participants, today, line);
      if (Array.isArray(checked)) {
        problems.push(...checked);
        continue;
      }
      problems.push(...checked.problems);
      const key = duplicateKey(checked.record);
      const earlier = seen.get(key);
      if (earlier !== undefined) {
        problems.push({
          line,
          message:
            earlier === 0 ? 'the same record is already on this node' : `the same record as line ${earlier}`,
        });
        continue;
      }
      seen.set(key, line);
      // A row with its own problems is not also checked against the others.
      if (checked.problems.length === 0) entered.push({ record: checked.record, line });
      inserts.push(toInsert(checked.record, 'import', editor));
    }
    problems.push(...checkRecordsSteps(entered, stored, participants));
    if (problems.length > 0) rejectImport([...problems].sort((a, b) => (a.line ?? 0) - (b.line ?? 0)));
    return (await insertTreatyRecords(trx, inserts)).length;
  });
}
