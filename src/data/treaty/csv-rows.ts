/**
 * Reads CSV text into rows keyed by the header's column names, keeping each row's line number
 * in the file, so that every message about a row can say where it is. Used for the seed files
 * beside this module and for CSV imports; the meaning of the columns is checked by the caller.
 */
import { CsvError, parse } from 'csv-parse/sync';
import type { AppErrorDetail } from '../../core/errors.ts';

export type CsvRow = Readonly<{
  /** 1-based line of the file where the row starts (the header is line 1). */
  line: number;
  fields: Readonly<Record<string, string>>;
}>;

export type CsvRows = Readonly<{
  columns: readonly string[];
  rows: readonly CsvRow[];
  /** Rows whose number of fields differs from the header's, and syntax errors. */
  errors: readonly AppErrorDetail[];
}>;

type ParsedRecord = { record: string[]; info: { lines: number }; raw: string };

/** Parses CSV text (comma-separated, RFC 4180 quoting, optional BOM, LF or CRLF, empty lines skipped). */
export function readCsvRows(text: string): CsvRows {
  let records: ParsedRecord[];
  try {
    // One kind of line break (files saved on Windows use CRLF), so that line numbers are exact.
    records = parse(text.replace(/\r\n?/g, '\n'), {
      bom: true,
      info: true,
      raw: true,
      relax_column_count: true,
      skip_empty_lines: true,
    }) as unknown as ParsedRecord[];
  } catch (error) {
    if (error instanceof CsvError) {
      const line = typeof error.lines === 'number' ? error.lines : undefined;
      return { columns: [], rows: [], errors: [{ ...(line ? { line } : {}), message: error.message }] };
    }
    throw error;
  }
  const [header, ...body] = records;
  if (!header) return { columns: [], rows: [], errors: [{ line: 1, message: 'the file is empty' }] };
  const columns = header.record.map((name) => name.trim().toLowerCase());
  const errors: AppErrorDetail[] = [];
  const rows: CsvRow[] = [];
  for (const { record, info, raw } of body) {
    // info.lines is the line where the record ends; a quoted field may span several lines.
    // raw also holds the empty lines skipped before the record and its final line break.
    const ownText = raw.replace(/^\n+/, '').replace(/\n$/, '');
    const line = info.lines - (ownText.match(/\n/g)?.length ?? 0);
    if (record.length !== columns.length) {
      errors.push({
        line,
        message: `expected ${columns.length} fields as in the header, found ${record.length}`,
      });
      continue;
    }
    rows.push({
      line,
      fields: Object.fromEntries(columns.map((name, index) => [name, record[index] ?? ''])),
    });
  }
  return { columns, rows, errors };
}
