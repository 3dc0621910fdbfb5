/**
 * The node's files are readable by the node's user only, however its data directory was made
 * (docs/operations.md, "Files"): files the process creates get no group or other bits (umask
 * 077), and at every start the data directory is walked and set to 0700 (directories) and 0600
 * (files), the embedded database's files among them (its write-ahead log holds password hashes).
 */
import { chmodSync, existsSync, lstatSync, readdirSync } from 'node:fs';
import path from 'node:path';

const DIRECTORY_MODE = 0o700;
const FILE_MODE = 0o600;

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
