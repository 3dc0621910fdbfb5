/**
 * The template database's maker (src/storage/pglite-template.ts), run in a process of its own as
 * the nodes are: the harness reaches the storage through processes only. On a first run it is the
 * step every node waits for, so `comity demo` starts it before it loads anything else; this module
 * loads nothing but Node's own.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { PROJECT_ROOT } from './project-root.ts';

const TEMPLATE_SCRIPT = path.join(PROJECT_ROOT, 'src', 'storage', 'pglite-template.ts');
/** The line the template maker prints first when it makes the template (it is not made yet). */
const TEMPLATE_MAKING = 'making';

export type TemplateMaker = Readonly<{
  /** The cache directory it makes the template in. */
  directory: string;
  /** When it was started (performance.now()). */
  startedAt: number;
  /** True once the maker says it makes the template; false when it ends without making one (it was there). */
  isMaking: Promise<boolean>;
  /** Settles once the template is there; rejects, with the maker's errors, when it failed. */
  done: Promise<void>;
}>;

/** Starts making this release's template in the cache directory `directory`, unless it is there. */
export function startTemplateMaker(directory: string): TemplateMaker {
  const startedAt = performance.now();
  // V8's baseline WebAssembly compiler only, as for a node's own database (storage/database.ts): a
  // one-off initdb gains less from optimised code than optimising it costs.
  const maker = spawn(process.execPath, ['--liftoff-only', TEMPLATE_SCRIPT, directory], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let resolveMaking: (isMaking: boolean) => void = () => {};
  const isMaking = new Promise<boolean>((resolve) => {
    resolveMaking = resolve;
  });
  let output = '';
  maker.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    if (output.startsWith(`${TEMPLATE_MAKING}\n`)) resolveMaking(true);
  });
  let errors = '';
  maker.stderr.on('data', (chunk: Buffer) => {
    errors += chunk.toString();
  });
  const done = new Promise<void>((resolve, reject) => {
    maker.once('error', (error) => {
      resolveMaking(false);
      reject(error);
    });
    maker.once('close', (code) => {
      resolveMaking(false);
      if (code === 0) resolve();
      else reject(new Error(`making the template database failed (exit ${code}): ${errors.trim()}`));
    });
  });
  // Awaited by whoever uses it; a failure before then is not an unhandled rejection.
  done.catch(() => undefined);
  return { directory, startedAt, isMaking, done };
}
