/** Helpers shared by CLI commands: a user-facing error and JSON/text printing. */
import { readFile } from 'node:fs/promises';
import { isAppError } from '../core/errors.ts';

/** An error whose message is shown to the user as it is, on one line. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function printLine(line = ''): void {
  process.stdout.write(`${line}\n`);
}

/** A file the user named, as text; CliError naming it when it cannot be read. */
export async function readUserFile(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

/**
 * The problems of an imported file, one line each as a compiler gives them (`file:line: what`),
 * before the command's own one-line error: what a refused import found, where.
 */
export function printFileProblems(file: string, error: unknown): void {
  if (!isAppError(error) || (error.code !== 'import-rejected' && error.code !== 'invalid-input')) return;
  for (const detail of error.details) {
    const where = detail.line === undefined ? '' : `${detail.line}:`;
    const isNamed = detail.path === undefined || detail.message.startsWith(`${detail.path}:`);
    const what = isNamed ? detail.message : `${detail.path}: ${detail.message}`;
    process.stderr.write(`${file}:${where} ${what}\n`);
  }
}
