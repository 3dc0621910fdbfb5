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

/** What a file system refusal means, in words (Node says `ENOENT: no such file or directory, open '…'`). */
const FILE_ERRORS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'it is a directory',
  ENOTDIR: 'a part of the path is not a directory',
  EEXIST: 'it exists already',
  ENOSPC: 'no space left on the device',
  EROFS: 'the file system is read-only',
};

/** Why a file could not be used, in words: its code's meaning, else the error's own message. */
export function fileErrorWords(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code && FILE_ERRORS[code]) return FILE_ERRORS[code];
  return error instanceof Error ? error.message : String(error);
}

/** A file system error of a call the command made itself (it names its path): one readable line. */
export function describeFileError(error: unknown): string | undefined {
  const fileError = error as NodeJS.ErrnoException;
  if (!(fileError instanceof Error) || !fileError.code || !fileError.path || !FILE_ERRORS[fileError.code]) {
    return undefined;
  }
  return `cannot ${fileError.syscall ?? 'use'} ${fileError.path}: ${FILE_ERRORS[fileError.code]}`;
}

/** A file the user named, as text; CliError naming it when it cannot be read. */
export async function readUserFile(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${fileErrorWords(error)}`);
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
