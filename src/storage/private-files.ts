/**
 * The node's files are readable by the node's user only, however its data directory was made
 * (docs/operations.md, "Files"): files the process creates get no group or other bits (umask
 * 077), and at every start the data directory is walked and set to 0700 (directories) and 0600
 * (files), the embedded database's files among them (its write-ahead log holds password hashes).
 *
 * The walk changes only a directory that is the node's: before it, claimDataDirectory refuses a
 * data directory that is a file, or one that holds other things than a node's data (a home
 * directory, /etc: a mistyped COMITY_DATA_DIR), and changes nothing then.
 */
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const DIRECTORY_MODE = 0o700;
const FILE_MODE = 0o600;

/** The file that marks a directory as a Comity node's data directory (written at its first start). */
export const DATA_DIRECTORY_MARK = '.comity-data-directory';

/**
 * What a node keeps at the top of its data directory: a directory holding only these and no mark
 * yet is new or was made by a release before the mark (it is marked now). The demo's start file
 * and ready files, and a new volume's lost+found, are allowed too.
 */
const NODE_ENTRIES = [
  'pglite',
  'identity',
  'evidence',
  'initial-admin-password',
  'first-start.json',
  'lost+found',
];

function isNodeEntry(entry: string): boolean {
  return NODE_ENTRIES.includes(entry) || /^\.[\w.-]+\.ready\.json$/.test(entry);
}

/** A data directory the node will not use (nothing was changed). */
export class DataDirectoryRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataDirectoryRefusedError';
  }
}

/**
 * Makes sure `root` is the node's data directory before anything in it is changed: creates it
 * (0700) and marks it when it does not exist or is empty (a new volume's lost+found aside); marks
 * one that a release before the mark made (it holds a node's entries); refuses a file, and a
 * directory that holds other things, with DataDirectoryRefusedError.
 */
export function claimDataDirectory(root: string): void {
  if (!existsSync(root)) {
    try {
      // The parents as need be, then the directory itself: node's recursive mkdir never returns
      // for a directory the kernel cannot make under an existing parent (under /proc).
      if (!existsSync(path.dirname(root))) mkdirSync(path.dirname(root), { recursive: true });
      mkdirSync(root, { mode: DIRECTORY_MODE });
    } catch (error) {
      throw new DataDirectoryRefusedError(
        `the data directory ${root} (COMITY_DATA_DIR) cannot be created (${(error as NodeJS.ErrnoException).code ?? 'error'}): name a directory this user may create`,
      );
    }
  } else if (!statSync(root).isDirectory()) {
    throw new DataDirectoryRefusedError(
      `the data directory ${root} (COMITY_DATA_DIR) is not a directory: name a new or empty directory; nothing was changed`,
    );
  }
  const entries = readdirSync(root);
  if (entries.includes(DATA_DIRECTORY_MARK)) return;
  // Only what a node keeps there (a new volume's lost+found aside): a home directory that happens
  // to hold an `evidence` folder is not a node's.
  const others = entries.filter((entry) => !isNodeEntry(entry));
  const isNodes = others.length === 0;
  if (!isNodes) {
    throw new DataDirectoryRefusedError(
      `the data directory ${root} (COMITY_DATA_DIR) holds files that are not a Comity node's (${others.slice(0, 3).join(', ')}${others.length > 3 ? ', …' : ''}): name a new or empty directory, or, if it is this node's, create an empty file ${DATA_DIRECTORY_MARK} in it; nothing was changed`,
    );
  }
  writeFileSync(
    path.join(root, DATA_DIRECTORY_MARK),
    "This directory holds a Comity node's data; the node keeps it readable by its own user only.\n",
    { mode: FILE_MODE },
  );
}

/** From now on, files and directories this process creates are private to the node's user. */
export function makeNewFilesPrivate(): void {
  process.umask(0o077);
}

/**
 * Sets every directory under `root` (itself included) to 0700 and every file to 0600; symbolic
 * links are left alone (their targets are not the node's to change). Returns how many entries
 * were changed. Nothing happens when `root` does not exist.
 */
export function restrictToOwner(root: string): number {
  if (!existsSync(root)) return 0;
  let changed = 0;
  const visit = (entry: string) => {
    // A volume's lost+found belongs to the system (root's, 0700): left as it is.
    if (path.dirname(entry) === root && path.basename(entry) === 'lost+found') return;
    const stats = lstatSync(entry);
    if (stats.isSymbolicLink()) return;
    const wanted = stats.isDirectory() ? DIRECTORY_MODE : FILE_MODE;
    if ((stats.mode & 0o777) !== wanted) {
      chmodSync(entry, wanted);
      changed += 1;
    }
    if (stats.isDirectory()) {
      for (const name of readdirSync(entry)) visit(path.join(entry, name));
    }
  };
  visit(root);
  return changed;
}
