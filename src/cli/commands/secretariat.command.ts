/**
 * `comity secretariat ...`: the secretariat's operator registers the nodes of States Parties with
 * the public keys each node's operator sent (`comity keys public`), rotates and retires keys, and
 * publishes the signed directory. The node must run with COMITY_MODE=secretariat.
 */
import { readFileSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { loadConfig } from '../../config.ts';
import { type PublicKeyBundle, PublicKeyBundleSchema } from '../../federation/identity/public-key-bundle.ts';
import { AuthorityKindSchema } from '../../federation/protocol/envelope.ts';
import type { AuthorityKind } from '../../federation/protocol/types.ts';
import {
  addNodeKeys,
  DEFAULT_RETIREMENT_GRACE_HOURS,
  describeLatestPublication,
  listRegisteredNodes,
  publishDirectory,
  registerNode,
  retireKey,
} from '../../services/secretariat.service.ts';
import { CliError, printJson, printLine } from '../output.ts';
import { withNodeContext } from './node-context.ts';

/** A node's `comity keys public` output, from a file. */
function readKeysFile(file: string): PublicKeyBundle {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new CliError(`cannot read the keys file ${file}: ${(error as Error).message}`);
  }
  const parsed = PublicKeyBundleSchema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || 'file'}: ${issue.message}`,
    );
    throw new CliError(`${file} is not the output of comity keys public (${problems.join('; ')})`);
  }
  return parsed.data;
}

function keysFileOf(argument: string | undefined, option: string | undefined): PublicKeyBundle {
  const file = option ?? argument;
  if (!file) throw new CliError("give the node's keys file (comity keys public output): --keys <file>");
  return readKeysFile(file);
}

function parsePositiveNumber(value: string, name: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number < 0) throw new CliError(`${name} must be a positive number`);
  return number;
}

function parseDate(value: string, name: string): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new CliError(`${name} must be a date such as 2027-01-15T00:00:00Z`);
  return date;
}

type AddNodeOptions = {
  keys?: string;
  nodeId?: string;
  state?: string;
  authority?: AuthorityKind;
  endpoint?: string;
  languages?: string;
  ackHours?: string;
  validDays?: string;
};

export function registerSecretariatCommands(program: Command): void {
  const secretariat = program
    .command('secretariat')
    .description(
      'the register of nodes and the signed directory (on a node run with COMITY_MODE=secretariat)',
    )
    .hook('preAction', () => {
      // Before the database is opened: a State node keeps no register.
      if (loadConfig().federation.mode !== 'secretariat') {
        throw new CliError('this node is not a secretariat: run the command with COMITY_MODE=secretariat');
      }
    });

  secretariat
    .command('add-node')
    .description("register a node (or update it) with its public keys from the node's `comity keys public`")
    .argument('[keys-files...]', 'one or more keys files, one per node (same as --keys)')
    .option('--keys <file>', "the node's `comity keys public` output")
    .option('--node-id <id>', 'must match the keys file (default: from the file)')
    .option('--state <code>', 'ISO 3166-1 alpha-2, or EU (default: from the file)')
    .addOption(
      new Option('--authority <kind>', 'default: from the file').choices(AuthorityKindSchema.options),
    )
    .option('--endpoint <url>', 'base URL of the node (default: from the file)')
    .option('--languages <tags>', 'languages the node accepts requests in, comma-separated, e.g. en,fr')
    .option(
      '--ack-hours <hours>',
      'declared service level: hours within which the node acknowledges a request',
    )
    .option('--valid-days <days>', 'validity of the keys from now (default 730)')
    .action(async (files: string[], options: AddNodeOptions) => {
      const paths = [...files, ...(options.keys !== undefined ? [options.keys] : [])];
      if (paths.length === 0) throw new CliError("give the node's keys file (comity keys public output)");
      const hasOverrides = [options.nodeId, options.state, options.authority, options.endpoint].some(
        (value) => value !== undefined,
      );
      if (paths.length > 1 && hasOverrides) {
        throw new CliError('--node-id, --state, --authority and --endpoint go with a single keys file');
      }
      const bundles = paths.map(readKeysFile);
      const bundle = bundles[0]!;
      if (options.nodeId !== undefined && options.nodeId !== bundle.nodeId) {
        throw new CliError(`the keys file is node ${bundle.nodeId}'s, not ${options.nodeId}'s`);
      }
      const shared = {
        ...(options.languages !== undefined
          ? {
              acceptedLanguages: options.languages
                .split(',')
                .map((tag) => tag.trim())
                .filter((tag) => tag !== ''),
            }
          : {}),
        ...(options.ackHours !== undefined
          ? { serviceLevel: { acknowledgeWithinHours: parsePositiveNumber(options.ackHours, '--ack-hours') } }
          : {}),
        ...(options.validDays !== undefined
          ? { validDays: parsePositiveNumber(options.validDays, '--valid-days') }
          : {}),
      };
      const nodes = await withNodeContext(async (context) => {
        const registered = [];
        for (const entry of bundles) {
          registered.push(
            await registerNode(context, {
              nodeId: entry.nodeId,
              state: options.state ?? entry.state,
              authority: options.authority ?? entry.authority,
              endpoint: options.endpoint ?? entry.endpoint,
              keys: entry.keys,
              ...(entry.accepts ? { accepts: entry.accepts } : {}),
              ...shared,
            }),
          );
        }
        return registered;
      });
      for (const node of nodes) {
        printLine(
          `registered node ${node.nodeId} (${node.state}, ${node.authority}) at ${node.endpoint} with ${node.keys.length} keys`,
        );
      }
      printLine('It is in the directory after: comity secretariat publish');
    });

  secretariat
    .command('add-key')
    .description("add a registered node's next keys beside its current ones (key rotation; both verify)")
    .argument('[keys-file]', 'the keys file (same as --keys)')
    .option('--keys <file>', "the node's `comity keys public` output after `comity keys rotate`")
    .option('--not-before <date>', 'when the new keys start to verify (default: now)')
    .option('--valid-days <days>', 'validity of the new keys (default 730)')
    .action(
      async (
        file: string | undefined,
        options: { keys?: string; notBefore?: string; validDays?: string },
      ) => {
        const bundle = keysFileOf(file, options.keys);
        const added = await withNodeContext((context) =>
          addNodeKeys(context, {
            nodeId: bundle.nodeId,
            keys: bundle.keys,
            ...(options.notBefore !== undefined
              ? { notBefore: parseDate(options.notBefore, '--not-before') }
              : {}),
            ...(options.validDays !== undefined
              ? { validDays: parsePositiveNumber(options.validDays, '--valid-days') }
              : {}),
          }),
        );
        printLine(
          added.length === 0
            ? `node ${bundle.nodeId}: every key of the file is registered already`
            : `node ${bundle.nodeId}: added ${added.join(', ')}`,
        );
        printLine('They are in the directory after: comity secretariat publish');
      },
    );

  secretariat
    .command('retire-key')
    .description('end the validity of a key after a grace period (the last step of a rotation)')
    .requiredOption('--kid <kid>', 'the key to retire (comity secretariat list shows the kids)')
    .option('--grace-hours <hours>', `hours it still verifies (default ${DEFAULT_RETIREMENT_GRACE_HOURS})`)
    .action(async (options: { kid: string; graceHours?: string }) => {
      const key = await withNodeContext((context) =>
        retireKey(context, {
          kid: options.kid,
          ...(options.graceHours !== undefined
            ? { graceHours: parsePositiveNumber(options.graceHours, '--grace-hours') }
            : {}),
        }),
      );
      printLine(
        `key ${key.kid} verifies until ${key.notAfter}; publish to tell the nodes: comity secretariat publish`,
      );
    });

  secretariat
    .command('list')
    .description('list the registered nodes with their keys, and the latest publication')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const { nodes, latest } = await withNodeContext(async (context) => ({
        nodes: await listRegisteredNodes(context),
        latest: await describeLatestPublication(context),
      }));
      if (options.json) {
        printJson({
          nodes,
          latestPublication: latest
            ? { serial: latest.serial, issuedAt: latest.issuedAt, expiresAt: latest.expiresAt }
            : null,
        });
        return;
      }
      for (const node of nodes) {
        const languages = node.acceptedLanguages.length > 0 ? node.acceptedLanguages.join(',') : '-';
        printLine(
          `${node.nodeId}\t${node.state}\t${node.authority}\t${node.endpoint}\tlanguages ${languages}`,
        );
        for (const key of node.keys) {
          printLine(`  ${key.use}\t${key.kid}\t${key.notBefore} .. ${key.notAfter}`);
        }
      }
      printLine(
        latest
          ? `latest publication: serial ${latest.serial}, issued ${latest.issuedAt.toISOString()}, expires ${latest.expiresAt.toISOString()}`
          : 'nothing published yet (comity secretariat publish)',
      );
    });

  secretariat
    .command('publish')
    .description('sign and publish the directory of every registered node (a new serial, valid 7 days)')
    .action(async () => {
      const summary = await withNodeContext((context) => publishDirectory(context));
      printLine(
        `published directory serial ${summary.serial} with ${summary.nodeCount} nodes, valid until ${summary.expiresAt}`,
      );
    });
}
