/**
 * One process at a time on an embedded database. PGlite keeps the whole database in one process's
 * memory and writes it back to its directory: a second process opening the same directory works on
 * its own copy, and whichever writes last silently undoes the other's work (users that never
 * existed, receipted messages lost at the next crash, a directory that no longer opens).
 *
 * The lock is a file beside the database directory (`<data dir>/pglite.lock`) naming its holder:
 * pid, command, host, when it started and, on Linux, the process's start time (so a pid reused by
 * another process after a crash is not mistaken for the holder). It is created atomically (written
 * to a private file, then hard-linked into place, which fails if a lock exists) and removed when the
 * database is closed or the process exits. A lock whose holder is gone (kill -9, power cut) is taken
 * over; two processes taking over the same stale lock at once are serialized by a second file
 * (`pglite.lock.takeover`), so exactly one of them removes it. The lock protects processes on one
 * machine: a PGlite directory on a disk shared between machines is not supported.
 */
import { randomUUID } from 'node:crypto';
import { linkSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** What a lock file says about the process holding it. */
export type EmbeddedLockHolder = Readonly<{
  pid: number;
  /** How the holder was started, e.g. "comity serve" or "comity user add". */
  command: string;
  hostname: string;
  startedAt: string;
  /** Start time of the process in clock ticks since boot (Linux /proc), to detect a reused pid. */
  processStart: string | null;
  /** Unique to this acquisition: tells this lock from a later one of the same process. */
  token: string;
}>;

/** Thrown when another live process holds the lock; its message is the line an operator sees. */
export class EmbeddedDatabaseInUseError extends Error {
  readonly directory: string;
  readonly holder: EmbeddedLockHolder;
  constructor(directory: string, holder: EmbeddedLockHolder) {
    super(
      `the node database in ${directory} is in use by process ${holder.pid} (${holder.command}); ` +
        "stop it first, or run this command through the running node's API",
    );
    this.name = 'EmbeddedDatabaseInUseError';
    this.directory = directory;
    this.holder = holder;
  }
}

export type EmbeddedLock = Readonly<{
  /** The lock file. */
  path: string;
  holder: EmbeddedLockHolder;
  /** Removes the lock file if it is still this lock's (idempotent). */
  release: () => void;
}>;

/** Tokens of the locks this process holds now. */
const heldTokens = new Set<string>();

/** The lock file that guards the embedded database in `directory`. */
export function lockFileOf(directory: string): string {
  return `${path.resolve(directory)}.lock`;
}

/**
 * Takes the lock on the embedded database in `directory`, or throws EmbeddedDatabaseInUseError
 * naming the live process that holds it. The directory's parent must exist.
 */
export function acquireEmbeddedLock(
  directory: string,
  command: string = describeThisProcess(),
): EmbeddedLock {
  const lockPath = lockFileOf(directory);
  const holder: EmbeddedLockHolder = {
    pid: process.pid,
    command,
    hostname: os.hostname(),
    startedAt: new Date().toISOString(),
    processStart: processStartTime(process.pid),
    token: randomUUID(),
  };
  const content = `${JSON.stringify(holder)}\n`;
  // A holder that has just gone away is taken over on the next turn; a bounded loop still ends if
  // the file keeps changing under us.
  for (let attempt = 0; attempt < 1000; attempt += 1) {
    if (linkNewFile(lockPath, content, holder.token)) {
      heldTokens.add(holder.token);
      const release = () => {
        if (!heldTokens.delete(holder.token)) return;
        process.off('exit', release);
        removeIfSame(lockPath, content);
      };
      process.on('exit', release);
      return { path: lockPath, holder, release };
    }
    const existing = readLockFile(lockPath);
    if (existing === undefined) continue; // released between our attempt and the read
    if (existing.holder !== undefined && isHolderAlive(existing.holder)) {
      throw new EmbeddedDatabaseInUseError(path.resolve(directory), existing.holder);
    }
    takeOverStaleLock(lockPath, existing.text, holder);
  }
  throw new Error(`could not take the lock ${lockPath}: it kept changing`);
}

/** Creates `target` with `content` atomically; false when it already exists. */
function linkNewFile(target: string, content: string, token: string): boolean {
  const privateFile = `${target}.${token}.tmp`;
  writeFileSync(privateFile, content, { mode: 0o600 });
  try {
    linkSync(privateFile, target);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    unlinkSync(privateFile);
  }
}

/**
 * Removes a stale lock whose text we read, unless it changed since. Only the process holding the
 * takeover file removes a lock, and it checks the text first: a lock written after a takeover
 * can never be removed by a process that judged an older one.
 */
function takeOverStaleLock(lockPath: string, staleText: string, self: EmbeddedLockHolder): void {
  const takeoverPath = `${lockPath}.takeover`;
  const takeoverContent = `${JSON.stringify(self)}\n`;
  if (!linkNewFile(takeoverPath, takeoverContent, self.token)) {
    // Another process is taking over (it needs microseconds); if it died doing so, its file is stale.
    const other = readLockFile(takeoverPath);
    if (other !== undefined && (other.holder === undefined || !isHolderAlive(other.holder))) {
      removeIfSame(takeoverPath, other.text);
    }
    return;
  }
  try {
    removeIfSame(lockPath, staleText);
  } finally {
    removeIfSame(takeoverPath, takeoverContent);
  }
}

function removeIfSame(file: string, expected: string): void {
  if (readLockFile(file)?.text !== expected) return;
  try {
    unlinkSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/** The lock file's text and holder (undefined holder: unreadable, e.g. emptied by a power cut). */
function readLockFile(file: string): { text: string; holder: EmbeddedLockHolder | undefined } | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as Partial<EmbeddedLockHolder>;
    const isHolder =
      Number.isInteger(parsed.pid) && typeof parsed.command === 'string' && typeof parsed.token === 'string';
    return { text, holder: isHolder ? (parsed as EmbeddedLockHolder) : undefined };
  } catch {
    return { text, holder: undefined };
  }
}

/** Whether the process a lock names still runs (and is the same process, not a reused pid). */
function isHolderAlive(holder: EmbeddedLockHolder): boolean {
  // Our own pid: a lock we hold, or one left by an earlier process that had the same pid (a
  // container restarted after a crash runs its node under the same pid).
  if (holder.pid === process.pid) return heldTokens.has(holder.token);
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    // EPERM: the process exists but belongs to another user.
  }
  const start = holder.processStart === null ? null : processStartTime(holder.pid);
  return start === null || start === holder.processStart;
}

/** Field 22 of /proc/<pid>/stat (start time after boot), or null where /proc is not there. */
function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may contain spaces: count after the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

/** "comity serve", "comity user add", or the script this process runs. */
function describeThisProcess(): string {
  const script = process.argv[1] ?? 'node';
  if (script.endsWith(path.join('cli', 'main.ts')) || path.basename(script) === 'comity') {
    const words = process.argv.slice(2).filter((argument) => /^[a-z][a-z-]*$/.test(argument));
    return ['comity', ...words.slice(0, 2)].join(' ');
  }
  return `${path.basename(process.execPath)} ${path.relative(process.cwd(), script) || script}`;
}
