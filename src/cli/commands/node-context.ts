/**
 * For commands that work on the node's database directly, as its operator does on the machine
 * that runs it: configuration from the environment, database opened and migrated, then closed
 * when the command is done (so the process can exit).
 */
import { loadConfig } from '../../config.ts';
import type { AppContext } from '../../app-context.ts';
import { openNodeContext } from '../../node-context.ts';

/** Runs `work` with an AppContext on the node's database, and closes the database afterwards. */
export async function withNodeContext<T>(work: (context: AppContext) => Promise<T>): Promise<T> {
  const { context, database } = await openNodeContext(loadConfig());
  try {
    return await work(context);
  } finally {
    await database.close();
  }
}

/** Reads a secret piped on standard input (`--password-stdin`), without its final newline. */
export async function readSecretFromStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}
