/**
 * For commands that work on the node's database directly, as its operator does on the machine
 * that runs it: configuration from the environment, database opened and migrated, then closed
 * when the command is done (so the process can exit).
 */
import { loadConfig } from '../../config.ts';
import type { AppContext } from '../../app-context.ts';
import { openNodeContext } from '../../node-context.ts';
import { closeAuditLog, recordAudit } from '../../services/audit.service.ts';
import { currentOperatorCommand } from '../operator-command.ts';

/** The record a command acts on, for its audit entry: known from its arguments, or from its result. */
export type CommandResource<T> = Readonly<{ resource?: string; resourceOf?: (result: T) => string }>;

/**
 * Runs `work` with an AppContext on the node's database, and closes the database afterwards.
 * The operator's command is recorded in the audit log with its outcome (by name, never its
 * arguments) and the id of the record it acted on, when it names one; the audit commands
 * themselves read the log and add no entry of their own.
 */
export async function withNodeContext<T>(
  work: (context: AppContext) => Promise<T>,
  acted: CommandResource<T> = {},
): Promise<T> {
  const { context, database } = await openNodeContext(loadConfig());
  const command = currentOperatorCommand();
  const audit = (outcome: 'success' | 'failure', resource: string | undefined) =>
    command && !command.startsWith('audit')
      ? recordAudit(context, {
          action: `cli:${command}`,
          actor: { kind: 'operator' },
          ...(resource === undefined ? {} : { resource }),
          outcome,
        })
      : Promise.resolve();
  try {
    const result = await work(context);
    await audit('success', acted.resourceOf?.(result) ?? acted.resource);
    return result;
  } catch (error) {
    await audit('failure', acted.resource).catch(() => undefined);
    throw error;
  } finally {
    // The command's entry is numbered into the tree before the database closes.
    await closeAuditLog(context.db).catch(() => undefined);
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
