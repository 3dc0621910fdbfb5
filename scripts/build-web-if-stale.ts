/**
 * Builds the web UI (vite build) when web/dist is missing or older than its sources, so that
 * `npm start` on a fresh clone serves the UI without a separate build step.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const built = path.join(root, 'web', 'dist', 'index.html');

function newestModification(directory: string): number {
  let newest = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const full = path.join(directory, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestModification(full) : statSync(full).mtimeMs);
  }
  return newest;
}

// The UI imports pure constants and types from src/core, and its build the elements' names from
// the catalogue (web/element-labels.ts), so those count as its sources too.
const sources = [
  path.join(root, 'web', 'src'),
  path.join(root, 'src', 'core'),
  path.join(root, 'src', 'data', 'catalogue', 'catalogue.json'),
  path.join(root, 'web', 'index.html'),
  path.join(root, 'web', 'vite.config.ts'),
  path.join(root, 'web', 'precompress.ts'),
  path.join(root, 'web', 'element-labels.ts'),
];
const sourceTime = Math.max(
  ...sources
    .filter(existsSync)
    .map((p) => (statSync(p).isDirectory() ? newestModification(p) : statSync(p).mtimeMs)),
);
if (!existsSync(built) || statSync(built).mtimeMs < sourceTime) {
  process.stderr.write('comity: building the web UI...\n');
  execFileSync(path.join(root, 'node_modules', '.bin', 'vite'), ['build', '--logLevel', 'warn'], {
    cwd: path.join(root, 'web'),
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}
