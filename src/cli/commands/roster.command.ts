/**
 * `comity roster ...`: the node's operator reads and changes the duty roster on the machine that
 * runs the node (its database directly, like the other operator commands; on the embedded
 * database the node is stopped first, or the API does it: /api/v1/roster). Times are wall-clock
 * times in the node's time zone, as the web screen shows them.
 */
import type { Command } from 'commander';
import {
  addShift,
  getRoster,
  handoverNotes,
  removeShift,
  type RosterView,
} from '../../services/roster.service.ts';
import { printJson, printLine } from '../output.ts';
import { withNodeContext } from './node-context.ts';

function printRoster(roster: RosterView): void {
  printLine(`time zone ${roster.timeZone}, now ${roster.nowLocal}`);
  printLine(
    `on duty: ${roster.onDuty.map((person) => person.username).join(', ') || 'nobody'}; next: ${roster.next?.username ?? 'nobody'}`,
  );
  if (roster.shifts.length === 0) {
    printLine('no shifts');
    return;
  }
  for (const shift of roster.shifts) {
    printLine([shift.id, shift.user.username, shift.startsLocal, shift.endsLocal].join('\t'));
  }
}

export function registerRosterCommands(program: Command): void {
  const roster = program
    .command('roster')
    .description('the duty roster: who is on duty, shifts, handover notes');

  roster
    .command('list')
    .description('shifts from a day ago to two weeks ahead, who is on duty now and who comes next')
    .option('--from <instant>', 'from this RFC 3339 instant')
    .option('--to <instant>', 'to this RFC 3339 instant')
    .option('--json', 'print JSON')
    .action(async (options: { from?: string; to?: string; json?: boolean }) => {
      const view = await withNodeContext((context) =>
        getRoster(context, { from: options.from, to: options.to }),
      );
      if (options.json) printJson(view);
      else printRoster(view);
    });

  roster
    .command('add')
    .description('put a person on duty (times "YYYY-MM-DDTHH:mm" in the node\'s time zone)')
    .argument('<username>', 'the account on duty')
    .argument('<start>', 'wall-clock start, e.g. 2026-12-24T08:00')
    .argument('<end>', 'wall-clock end, e.g. 2026-12-24T20:00')
    .action(async (username: string, start: string, end: string) => {
      const shift = await withNodeContext((context) => addShift(context, null, { username, start, end }));
      printLine(
        `${shift.id}\t${shift.user.username} on duty from ${shift.startsLocal} to ${shift.endsLocal}`,
      );
    });

  roster
    .command('remove')
    .description('take a shift off the roster')
    .argument('<id>', 'the shift id')
    .action(async (id: string) => {
      await withNodeContext((context) => removeShift(context, id));
      printLine(`shift ${id} removed`);
    });

  roster
    .command('notes')
    .description('the latest handover notes, newest first')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const notes = await withNodeContext((context) => handoverNotes(context));
      if (options.json) printJson({ items: notes });
      else if (notes.length === 0) printLine('no handover notes');
      else {
        for (const note of notes) {
          printLine(
            `${note.writtenAt}\t${note.author.username} -> ${note.forUser?.username ?? '-'}\t${note.body}`,
          );
        }
      }
    });
}
