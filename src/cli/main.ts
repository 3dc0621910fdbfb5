/**
 * The `comity` command line. Each command lives in src/cli/commands/<name>.command.ts and
 * registers itself on the program. Errors end as one readable line on stderr and exit code 1; a
 * usage mistake (an unknown command or option, a missing argument) exits 2.
 */
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config.ts';
import { isAppError } from '../core/errors.ts';
import { COMMANDS, commandModulesFor } from './commands/index.ts';
import { setOperatorCommand } from './operator-command.ts';
import { CliError, describeFileError } from './output.ts';

/** The program with the commands `argv` needs (default: every command, as `comity --help` lists them). */
export async function buildProgram(argv?: readonly string[]): Promise<Command> {
  const program = new Command()
    .name('comity')
    .description(
      'Comity: a node for cooperation under the UN Convention against Cybercrime.\n' +
        'Drafts and validates requests, keeps the Convention catalogue, the directory of States and the treaty status.',
    )
    .version('0.1.0')
    .exitOverride();
  // The operator's command, by name only (never its arguments), for the audit log (node-context.ts).
  program.hook('preAction', (_program, action) => {
    const names: string[] = [];
    for (let command: Command | null = action; command && command !== program; command = command.parent) {
      names.unshift(command.name());
    }
    setOperatorCommand(names.join(' '));
  });
  const modules = argv === undefined ? COMMANDS : commandModulesFor(argv);
  for (const register of await Promise.all(modules.map((module) => module.load()))) register(program);
  writeUsageErrorsAsOneLine(program, '');
  return program;
}

/**
 * A usage error (an unknown option, a missing argument or option) as one line, like every other
 * error of the CLI, naming the help of the very command that was mistyped.
 */
function writeUsageErrorsAsOneLine(command: Command, path: string): void {
  command.configureOutput({
    outputError: (text, write) =>
      write(
        `comity: ${text
          .replace(/^error: /, '')
          .replace(/\s+/g, ' ')
          .trim()} (see comity ${path}--help)\n`,
      ),
  });
  for (const subcommand of command.commands) {
    writeUsageErrorsAsOneLine(subcommand, `${path}${subcommand.name()} `);
  }
}

/** The exit code of a usage mistake (an unknown command or option, a missing argument). */
export const USAGE_EXIT_CODE = 2;

export async function runCli(argv: readonly string[]): Promise<number> {
  const program = await buildProgram(argv);
  try {
    await program.parseAsync(argv as string[], { from: 'user' });
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has already printed its message (help, version, unknown option...). A usage
      // mistake exits 2, so a script tells it from a refusal or a failure of the command (1).
      return error.exitCode === 0 ? 0 : USAGE_EXIT_CODE;
    }
    process.stderr.write(`comity: ${describeError(error)}\n`);
    return 1;
  }
}

function describeError(error: unknown): string {
  if (error instanceof CliError || isAppError(error)) return error.message;
  if (error instanceof ConfigError) return `configuration: ${error.problems.join('; ')}`;
  const fileError = describeFileError(error);
  if (fileError) return fileError;
  if (error instanceof Error) return error.message;
  return String(error);
}

if (import.meta.main) {
  // A reader that stops early (`comity treaty status | head -1`) closes the pipe: the command's
  // work is done, and what it would still print has no reader. End quietly, not with a stack trace.
  // Not for the long-running commands: a node whose log reader died shuts down as on any fault.
  const isLongRunning = ['serve', 'demo'].includes(process.argv[2] ?? '');
  for (const stream of isLongRunning ? [] : [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
      process.exit(process.exitCode === undefined ? 0 : Number(process.exitCode));
    });
  }
  const code = await runCli(process.argv.slice(2));
  process.exitCode = code;
}
