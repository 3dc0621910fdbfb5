/**
 * `comity treaty ...`: the Convention's signature and ratification status.
 *
 * `status` needs no node and no database: it computes from the records in src/data/treaty, so
 * anyone with the checkout can see the count towards entry into force and how far the data can
 * be trusted. `add`, `import` and `retract` write to the node's database, as its operator, on the
 * machine that runs it.
 */
import { type Command, Option } from 'commander';
import { countryCodes as countries } from '../../data/country-codes.ts';
import { UUID_PATTERN } from '../../core/ids.ts';
import { isCalendarDate } from '../../core/treaty/calendar-date.ts';
import { TREATY_ACTIONS } from '../../core/treaty/treaty-status.ts';
import { loadSeedTreatyRecords } from '../../data/treaty/index.ts';
import { seedDirectory } from '../../services/directory-seed.service.ts';
import {
  addRecord,
  buildTreatyStatusReport,
  NODE_OPERATOR,
  retractRecord,
  seedStatusRecords,
  type TreatyStatusReport,
} from '../../services/treaty.service.ts';
import { importRecordsCsv } from '../../services/treaty-import.service.ts';
import { seedTreatyRecords } from '../../services/treaty-seed.service.ts';
import type { AppContext } from '../../app-context.ts';
import { CliError, printFileProblems, printJson, printLine, readUserFile } from '../output.ts';
import { type CommandResource, withNodeContext } from './node-context.ts';

/** A day up to today (UTC): what is to come is not known yet. */
function parseAsOf(value: string | undefined): string {
  const today = new Date().toISOString().slice(0, 10);
  if (value === undefined) return today;
  if (!isCalendarDate(value))
    throw new CliError(`--as-of "${value}" is not a calendar date written YYYY-MM-DD`);
  if (value > today)
    throw new CliError(`--as-of ${value} is after today (${today}, UTC): the status is known up to today`);
  return value;
}

/** Names as the research writes them, else the ISO English name. */
function nameResolver(): (code: string) => string {
  const names = new Map(loadSeedTreatyRecords().map((record) => [record.stateCode, record.stateName]));
  return (code) => names.get(code) ?? countries.getName(code, 'en') ?? code;
}

function actionLabel(action: string): string {
  return action.replace('-', ' ');
}

/** What `comity treaty status` reads, said plainly: a node's figures may differ. */
export const BUNDLED_RECORDS_ONLY =
  "Records: the bundled research records (src/data/treaty) only, not a node's database; a node's status " +
  '(GET /api/v1/treaty/status, the Treaty status screen) also counts the records its administrators added.';

/** The readable summary of `comity treaty status`. */
export function printStatusSummary(status: TreatyStatusReport, nameOf: (code: string) => string): void {
  const { rule } = status;
  printLine(`UN Convention against Cybercrime: status on ${status.asOf}`);
  printLine(
    `Data: research as of ${status.dataDate} (latest source ${status.latestSourceDate}); not the depositary's register.`,
  );
  printLine(BUNDLED_RECORDS_ONLY);
  printLine('');
  const { signatories } = status;
  printLine(
    signatories.depositaryCount === null
      ? `Signatories: ${signatories.count} recorded. The depositary's count (${signatories.depositaryCountSource}) applies from ${signatories.depositaryCountAsOf}, after this day.`
      : `Signatories: ${signatories.count} recorded. The depositary lists ${signatories.depositaryCount} ` +
          `(${signatories.depositaryCountSource}); the others are not identified by name here, and later signatures are reported.`,
  );
  printLine(`Instruments deposited: ${status.instruments.count}`);
  for (const instrument of status.instruments.items) {
    const counted = instrument.isCounted ? `#${instrument.countPosition}` : 'not counted (Art. 65(1))';
    const inForce = instrument.entryIntoForce ? `, in force for it from ${instrument.entryIntoForce}` : '';
    printLine(
      `  ${nameOf(instrument.stateCode)}: ${instrument.action} ${instrument.date}, ${counted}${inForce}`,
    );
  }
  printLine(`Counted towards Art. 65(1): ${status.countedInstruments} of ${rule.threshold}`);
  if (status.entryIntoForce) {
    const verb = status.entryIntoForce.isInForce ? 'In force since' : 'Enters into force on';
    printLine(
      `${verb} ${status.entryIntoForce.date} (${rule.generalDelayDays}th day after the ${rule.threshold}th instrument, ` +
        `deposited ${status.entryIntoForce.thresholdInstrumentDate}).`,
    );
  } else {
    printLine(`Not in force: ${status.stillNeeded} more counted instruments needed.`);
  }
  for (const organization of status.organizations)
    printLine(`Organization ${organization.code}: ${organization.explanation}`);
  printLine('');
  printLine('Reported, not deposited (never counted):');
  if (status.reportedNotDeposited.length === 0) printLine('  none');
  for (const report of status.reportedNotDeposited) {
    printLine(
      `  ${nameOf(report.stateCode)}: ${actionLabel(report.action)} ${report.date ?? '(no date)'}; ` +
        `evidence: ${report.evidence}`,
    );
  }
  printLine('');
  printLine('Known gaps:');
  for (const gap of status.gaps) printLine(`  - ${gap.statement.en} [${gap.sources.join(', ')}]`);
  printLine('');
  printLine('Sources:');
  for (const source of status.sources)
    printLine(`  ${source.id}  ${source.title}${source.url ? `  ${source.url}` : ''}`);
}

/** Runs `work` on the node's database once its reference data is in place. */
function withSeededNode<T>(
  work: (context: AppContext) => Promise<T>,
  acted?: CommandResource<T>,
): Promise<T> {
  return withNodeContext(async (context) => {
    // Records refer to the directory; a node that never started has not seeded it yet.
    await seedDirectory(context);
    await seedTreatyRecords(context);
    return work(context);
  }, acted);
}

export function registerTreatyCommands(program: Command): void {
  const treaty = program.command('treaty').description("the Convention's signature and ratification status");

  treaty
    .command('status')
    .description(
      "signatories, instruments, the count towards entry into force (Art. 65), offline from the bundled records of src/data/treaty only (not a node's database)",
    )
    .option('--as-of <date>', 'YYYY-MM-DD (default: today, UTC)')
    .option('--json', 'print the same JSON as GET /api/v1/treaty/status')
    .action((options: { asOf?: string; json?: boolean }) => {
      const status = buildTreatyStatusReport(seedStatusRecords(), parseAsOf(options.asOf));
      if (options.json) return printJson(status);
      printStatusSummary(status, nameResolver());
    });

  treaty
    .command('add')
    .description("add one record to the node's database (as its operator)")
    .requiredOption('--state <code>', 'ISO 3166-1 alpha-2 code, or EU')
    .addOption(new Option('--action <action>', 'what happened').choices(TREATY_ACTIONS).makeOptionMandatory())
    .option('--date <date>', 'YYYY-MM-DD (required for a deposit)')
    .option('--date-note <text>', "when the day is unknown, e.g. '2025-10-25/2025-10-26'")
    .requiredOption('--source <source>', 'URL or document')
    .requiredOption(
      '--evidence <evidence>',
      "starting with primary, secondary or weak, e.g. 'primary (depositary)'",
    )
    .option('--note <note>')
    .action(
      async (options: {
        state: string;
        action: string;
        date?: string;
        dateNote?: string;
        source: string;
        evidence: string;
        note?: string;
      }) => {
        const record = await withSeededNode(
          (context) =>
            addRecord(context, NODE_OPERATOR, {
              stateCode: options.state,
              action: options.action,
              date: options.date ?? null,
              dateNote: options.dateNote ?? null,
              source: options.source,
              evidence: options.evidence,
              note: options.note ?? null,
            }),
          { resourceOf: (added) => added.id },
        );
        printLine(
          `added ${record.action} of ${record.stateCode}${record.date ? ` on ${record.date}` : ''} (id ${record.id})`,
        );
      },
    );

  treaty
    .command('retract')
    .description(
      "retract a record entered in error (as the node's operator): it stays, struck out, and the status stops counting it",
    )
    .argument('<id>', 'the record id, as `add` printed it or GET /api/v1/treaty/records lists it')
    .requiredOption('--reason <text>', 'why the record is wrong')
    .option('--source <source>', 'the URL or document that shows it wrong')
    .action(async (id: string, options: { reason: string; source?: string }) => {
      const record = await withSeededNode(
        (context) =>
          retractRecord(context, NODE_OPERATOR, id, {
            reason: options.reason,
            source: options.source ?? null,
          }),
        { resourceOf: (retracted) => retracted.id, ...(UUID_PATTERN.test(id) ? { resource: id } : {}) },
      );
      printLine(
        `retracted ${record.action} of ${record.stateCode}${record.date ? ` on ${record.date}` : ''} (id ${record.id})`,
      );
    });

  treaty
    .command('import')
    .description("import records from a CSV file into the node's database: all rows or none")
    .argument('<file>', 'CSV with columns state_code (or iso3), action, date, source, evidence, note')
    .action(async (file: string) => {
      let csv: string;
      csv = await readUserFile(file);
      try {
        const inserted = await withSeededNode((context) => importRecordsCsv(context, NODE_OPERATOR, csv));
        printLine(`imported ${inserted} record${inserted === 1 ? '' : 's'} from ${file}`);
      } catch (error) {
        printFileProblems(file, error);
        throw error;
      }
    });
}
