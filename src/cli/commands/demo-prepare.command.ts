/**
 * `comity demo-prepare` (hidden): what the operators of the demo's nodes would run on each node's
 * database before its first start (`comity user add`, and on the secretariat `comity secretariat
 * add-node` then `publish`), for every node in one process, so that `comity demo` starts each node
 * once, with its users and (the secretariat) the signed directory already there. The plan comes
 * as JSON on standard input (it holds passwords); one line `prepared <name>` is printed as each
 * node's database is ready, so the caller starts that node at once.
 */
import type { Command } from 'commander';
import { z } from 'zod';
import { loadConfig } from '../../config.ts';
import { PublicKeyBundleSchema } from '../../federation/identity/public-key-bundle.ts';
import { openNodeContext } from '../../node-context.ts';
import { recordAudit } from '../../services/audit.service.ts';
import { publishDirectory, registerNode } from '../../services/secretariat.service.ts';
import { createUser } from '../../services/users.service.ts';
import { CliError, printLine } from '../output.ts';
import { readSecretFromStdin } from './node-context.ts';

const DemoPlanSchema = z.object({
  nodes: z.array(
    z.object({
      name: z.string().min(1),
      /** The node's settings (COMITY_DATA_DIR, DATABASE_URL, COMITY_MODE...), as `comity serve` gets them. */
      env: z.record(z.string(), z.string()),
      users: z.array(
        z.object({
          username: z.string(),
          displayName: z.string(),
          password: z.string(),
          roles: z.array(z.string()).min(1),
        }),
      ),
      /** On the secretariat: the nodes to register (their `comity keys public`), then publish. */
      register: z
        .object({
          entries: z.array(PublicKeyBundleSchema),
          languages: z.array(z.string()),
          acknowledgeWithinHours: z.number().nonnegative().optional(),
        })
        .optional(),
    }),
  ),
});

export type DemoPlan = z.input<typeof DemoPlanSchema>;

export function registerDemoPrepareCommand(program: Command): void {
  program
    .command('demo-prepare', { hidden: true })
    .description("prepare the demo nodes' databases from a JSON plan on standard input (used by comity demo)")
    .action(async () => {
      const parsed = DemoPlanSchema.safeParse(JSON.parse(await readSecretFromStdin()));
      if (!parsed.success) throw new CliError(`not a demo plan: ${parsed.error.issues[0]?.message}`);
      for (const node of parsed.data.nodes) {
        // The node's settings, as its `comity serve` will read them (the caller passes no others).
        const config = loadConfig({ ...process.env, ...node.env });
        const { context, database } = await openNodeContext(config);
        try {
          for (const user of node.users) {
            await createUser(context, { ...user, mustChangePassword: false });
          }
          if (node.register) {
            const { entries, languages, acknowledgeWithinHours } = node.register;
            for (const entry of entries) {
              await registerNode(context, {
                nodeId: entry.nodeId,
                state: entry.state,
                authority: entry.authority,
                endpoint: entry.endpoint,
                keys: entry.keys,
                ...(entry.accepts ? { accepts: entry.accepts } : {}),
                acceptedLanguages: languages,
                ...(acknowledgeWithinHours !== undefined ? { serviceLevel: { acknowledgeWithinHours } } : {}),
              });
            }
            await publishDirectory(context);
          }
          await recordAudit(context, {
            action: 'cli:demo-prepare',
            actor: { kind: 'operator' },
            outcome: 'success',
          });
        } finally {
          await database.close();
        }
        printLine(`prepared ${node.name}`);
      }
    });
}
