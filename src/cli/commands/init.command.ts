/**
 * `comity init`: gives this node its federation identity (node id, State, kind of authority,
 * endpoint), creates its signing and encryption keys and pins the secretariat whose signed
 * directory it will trust. Prints the public keys for the secretariat and what to do next.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type Command, Option } from 'commander';
import type { JWK } from 'jose';
import { loadConfig } from '../../config.ts';
import { claimNodeDataDirectory } from '../../node-context.ts';
import { loadStateSeeds } from '../../data/states/index.ts';
import {
  initNodeIdentity,
  MINIMUM_PASSPHRASE_LENGTH,
  parseSecretariatKeys,
  readPublicKeyBundle,
} from '../../federation/identity/identity-store.ts';
import { AuthorityKindSchema } from '../../federation/protocol/envelope.ts';
import type { AuthorityKind } from '../../federation/protocol/types.ts';
import { CliError, printLine } from '../output.ts';
import { readSecretFromStdin } from './node-context.ts';

type InitOptions = {
  nodeId: string;
  state: string;
  authority?: AuthorityKind;
  endpoint: string;
  secretariatUrl?: string;
  secretariatKey?: string;
  secretariat?: boolean;
  passphraseStdin?: boolean;
  force?: boolean;
};

/** The secretariat's public keys from `--secretariat-key`: a file, or the JSON itself. */
export function readSecretariatKeyOption(value: string): JWK[] {
  const trimmed = value.trim();
  let text = trimmed;
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) {
    try {
      text = readFileSync(trimmed, 'utf8');
    } catch (error) {
      throw new CliError(`cannot read the secretariat key file ${trimmed}: ${(error as Error).message}`);
    }
  }
  return parseSecretariatKeys(text);
}

function assertKnownState(code: string): void {
  const isKnown = loadStateSeeds().some((seed) => seed.code === code);
  if (!isKnown) {
    throw new CliError(
      `--state ${code} is not a State of the directory (ISO 3166-1 alpha-2 such as FR, or EU)`,
    );
  }
}

export function registerInitCommand(program: Command): void {
  program
    .command('init')
    .description("create this node's federation identity and keys, and pin the secretariat (run once)")
    .requiredOption('--node-id <id>', 'this node\'s id: lowercase letters, digits and "-", e.g. fr-ca')
    .requiredOption('--state <code>', 'the State this node serves: ISO 3166-1 alpha-2 (FR), or EU')
    .addOption(
      new Option(
        '--authority <kind>',
        'the kind of authority this node is (not needed with --secretariat)',
      ).choices(AuthorityKindSchema.options),
    )
    .requiredOption(
      '--endpoint <url>',
      'the base URL other nodes reach this node at, e.g. https://comity.example.org',
    )
    .option('--secretariat-url <url>', 'the base URL of the secretariat that publishes the directory')
    .option(
      '--secretariat-key <file|json>',
      "the secretariat's public keys (its `comity keys public` output)",
    )
    .option(
      '--secretariat',
      'this node is the secretariat: it publishes the directory (run with COMITY_MODE=secretariat)',
    )
    .option(
      '--passphrase-stdin',
      `encrypt the private keys with a passphrase read from standard input (${MINIMUM_PASSPHRASE_LENGTH}+ characters)`,
    )
    .option(
      '--force',
      'replace an existing identity and its keys (the secretariat must register the new keys)',
    )
    .action(async (options: InitOptions) => {
      const isSecretariat = options.secretariat === true;
      const hasSecretariatPin = options.secretariatUrl !== undefined || options.secretariatKey !== undefined;
      if (isSecretariat && hasSecretariatPin) {
        throw new CliError('--secretariat and --secretariat-url/--secretariat-key exclude each other');
      }
      if ((options.secretariatUrl === undefined) !== (options.secretariatKey === undefined)) {
        throw new CliError('give --secretariat-url and --secretariat-key together');
      }
      if (!isSecretariat && !hasSecretariatPin) {
        throw new CliError(
          'give the secretariat to trust (--secretariat-url and --secretariat-key), or --secretariat for the secretariat itself',
        );
      }
      if (!isSecretariat && options.authority === undefined) {
        throw new CliError(`--authority is required: one of ${AuthorityKindSchema.options.join(', ')}`);
      }
      if (!isSecretariat) assertKnownState(options.state);
      const secretariat =
        options.secretariatUrl !== undefined && options.secretariatKey !== undefined
          ? { url: options.secretariatUrl, publicJwks: readSecretariatKeyOption(options.secretariatKey) }
          : null;
      const passphrase = options.passphraseStdin ? await readSecretFromStdin() : undefined;

      const config = loadConfig();
      const directory = config.federation.identityDirectory;
      // The identity goes in the node's data directory: only one that is the node's (private-files.ts).
      if (!path.relative(config.node.dataDirectory, directory).startsWith('..')) {
        claimNodeDataDirectory(config);
      }
      const file = await initNodeIdentity(
        directory,
        {
          nodeId: options.nodeId,
          state: options.state,
          // A secretariat acts for no State authority; the field keeps the node file's shape.
          authority: options.authority ?? 'central-authority',
          endpoint: options.endpoint,
          secretariat,
        },
        {
          now: new Date(),
          isForced: options.force === true,
          ...(passphrase !== undefined ? { passphrase } : {}),
        },
      );
      const bundle = await readPublicKeyBundle(directory);

      printLine(`Created the identity of node ${file.nodeId} (${file.state}) in ${directory}`);
      printLine(
        passphrase !== undefined
          ? 'The private keys are encrypted: start the node with COMITY_KEY_PASSPHRASE set to the passphrase.'
          : 'The private keys are NOT encrypted: only this account can read them (mode 0600); use --passphrase-stdin to encrypt them.',
      );
      printLine('');
      printLine('Public keys (comity keys public prints them again):');
      printLine(JSON.stringify(bundle, null, 2));
      printLine('');
      printLine('Next steps:');
      if (isSecretariat) {
        printLine(
          `  1. Give every node your public keys to pin: comity keys public > ${file.nodeId}.keys.json`,
        );
        printLine('     (they run comity init --secretariat-url <this node> --secretariat-key <that file>)');
        printLine(
          '  2. Register each node: COMITY_MODE=secretariat comity secretariat add-node <node>.keys.json',
        );
        printLine('  3. Publish the signed directory: COMITY_MODE=secretariat comity secretariat publish');
        printLine('  4. Serve it: COMITY_MODE=secretariat comity serve');
      } else {
        printLine(
          `  1. Send your public keys to the secretariat: comity keys public > ${file.nodeId}.keys.json`,
        );
        printLine(
          '  2. The secretariat registers them (comity secretariat add-node) and publishes the directory.',
        );
        printLine(
          '  3. Start the node: comity serve (it fetches and verifies the directory from the secretariat).',
        );
      }
    });
}
