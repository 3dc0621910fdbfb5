/**
 * `comity law ...`: the node's operator keeps the domestic law map on the machine that runs the
 * node (its database directly, like the other operator commands; the API does the same at
 * /api/v1/law-map): provisions (citation, title, maximum penalty) and the Convention offences
 * (art-7 ... art-17) they implement, and the compliance view for the implementation report.
 */
import type { Command } from 'commander';
import {
  addProvision,
  complianceCsv,
  complianceOf,
  importProvisions,
  listLawMap,
  removeProvision,
} from '../../services/law-map.service.ts';
import { CliError, printFileProblems, printJson, printLine, readUserFile } from '../output.ts';
import { withNodeContext } from './node-context.ts';

function offenceList(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(/[,;\s]+/).filter(Boolean)];
}

export function registerLawCommands(program: Command): void {
  const law = program
    .command('law')
    .description("the domestic law map: provisions implementing the Convention's offences (Arts. 7-17)");

  law
    .command('add')
    .description('add a domestic provision, or replace the one with the same citation')
    .argument('<citation>', 'the provision, e.g. "Criminal Code s. 202a"')
    .requiredOption('--title <title>', 'its title')
    .option('--max-penalty <text>', 'its maximum penalty, e.g. "3 years"', '')
    .option(
      '--offence <ids>',
      'Convention offences it implements: art-7, art-8... (repeatable)',
      offenceList,
      [],
    )
    .action(async (citation: string, options: { title: string; maxPenalty: string; offence: string[] }) => {
      const provision = await withNodeContext((context) =>
        addProvision(context, {
          citation,
          title: options.title,
          maximumPenalty: options.maxPenalty,
          offences: options.offence,
        }),
      );
      printLine(`${provision.id}\t${provision.citation}\t${provision.offences.join(' ') || '(no offence)'}`);
    });

  law
    .command('list')
    .description('the provisions of the law map')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const items = await withNodeContext((context) => listLawMap(context));
      if (options.json) printJson({ items });
      else if (items.length === 0) printLine('the law map is empty');
      else
        for (const item of items) {
          printLine(
            [item.id, item.citation, item.title, item.maximumPenalty, item.offences.join(' ')].join('\t'),
          );
        }
    });

  law
    .command('remove')
    .description('remove a provision')
    .argument('<id-or-citation>', 'the provision id or its citation')
    .action(async (idOrCitation: string) => {
      await withNodeContext((context) => removeProvision(context, idOrCitation));
      printLine(`provision ${idOrCitation} removed`);
    });

  law
    .command('import')
    .description(
      'import provisions from a JSON array or a CSV file (columns citation, title, maximum_penalty, offences); all or none',
    )
    .argument('<file>', 'a .json or .csv file')
    .action(async (file: string) => {
      const text = await readUserFile(file);
      const format = file.toLowerCase().endsWith('.csv') ? 'csv' : 'json';
      try {
        const items = await withNodeContext((context) => importProvisions(context, text, format));
        printLine(`${items.length} provisions imported`);
      } catch (error) {
        printFileProblems(file, error);
        throw error;
      }
    });

  law
    .command('compliance')
    .description('which Convention offences the law map implements and which it lacks')
    .option('--format <format>', 'text, json or csv', 'text')
    .action(async (options: { format: string }) => {
      if (!['text', 'json', 'csv'].includes(options.format)) {
        throw new CliError(`--format must be text, json or csv, not ${options.format}`);
      }
      const view = await withNodeContext((context) => complianceOf(context));
      if (options.format === 'json') printJson(view);
      else if (options.format === 'csv') process.stdout.write(complianceCsv(view));
      else {
        for (const offence of view.offences) {
          printLine(
            `${offence.id}\t${offence.implemented ? 'implemented' : 'MISSING'}\t${offence.title.en}\t${offence.provisions.join('; ')}`,
          );
        }
        printLine(
          `${view.missing.length} of ${view.offences.length} Convention offences lack a domestic provision`,
        );
      }
    });
}
