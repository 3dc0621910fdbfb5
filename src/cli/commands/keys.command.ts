/**
 * `comity keys ...`: the node's operator prints the public keys for the secretariat and rotates
 * the node's keys without interrupting its exchanges:
 *
 *   1. comity keys rotate              creates the next keys beside the current ones
 *   2. comity keys public > keys.json  send it to the secretariat, which runs
 *                                      comity secretariat add-key keys.json, then publish
 *   3. comity keys activate            once the secretariat's current directory lists the next
 *                                      keys (both keys verify meanwhile: the overlap); restart the
 *                                      node. Peers that have not refreshed yet refresh when they
 *                                      meet the new key, and answer 503 meanwhile (retried)
 *   4. the secretariat retires the old keys: comity secretariat retire-key --kid <old>, then publish
 */
import { counted } from '../../core/counted.ts';
import type { Command } from 'commander';
import type { JWK } from 'jose';
import { loadConfig } from '../../config.ts';
import { fetchCurrentDirectory } from '../../federation/directory/directory-client.ts';
import {
  activateNextKeys,
  createNextKeys,
  pinSecretariat,
  readIdentityFile,
  readPublicKeyBundle,
} from '../../federation/identity/identity-store.ts';
import { isKeyValidAt } from '../../federation/protocol/keys.ts';
import { CliError, printJson, printLine } from '../output.ts';
import { readSecretariatKeyOption } from './init.command.ts';
import { readSecretFromStdin } from './node-context.ts';

/**
 * Refuses to activate next keys the other nodes cannot know yet: the secretariat's CURRENT
 * directory, fetched now and verified against the pinned secretariat keys, must list them as valid
 * now. (This node's cached copy is not enough: it says what the secretariat published, not what it
 * serves now; peers that have not refreshed yet refresh when they meet the new key.)
 */
async function assertNextKeysPublished(nextKids: readonly string[]): Promise<void> {
  const config = loadConfig();
  const file = await readIdentityFile(config.federation.identityDirectory);
  if (!file?.secretariat) return;
  const now = new Date();
  const current = await fetchCurrentDirectory({
    secretariatUrl: file.secretariat.url,
    pinnedKeys: file.secretariat.publicJwks,
    now,
    clockSkewSeconds: config.federation.clockSkewSeconds,
    timeoutMs: config.federation.deliveryTimeoutMs,
  });
  if (!current.ok) {
    throw new CliError(
      `could not check the secretariat's current directory (${current.reason}: ${current.detail}); ` +
        'try again once it answers, or use --force',
    );
  }
  const keys = current.directory.nodes.find((node) => node.nodeId === file.nodeId)?.keys ?? [];
  const validKids = keys.filter((key) => isKeyValidAt(key, now)).map((key) => key.kid);
  const missing = nextKids.filter((kid) => !validKids.includes(kid));
  if (missing.length > 0) {
    throw new CliError(
      `the secretariat's current directory (serial ${current.directory.serial}) does not list the next keys ` +
        `${missing.join(', ')} as valid yet: have the secretariat add and publish them, or use --force`,
    );
  }
}

/**
 * Refuses to pin keys that do not sign what the secretariat serves: its current directory,
 * fetched now, must verify with one of them. The trust anchor of the node's whole directory is
 * not replaced on the word of a file alone (a node's own `keys public` output given by mistake
 * would cut it off every peer at its next start).
 */
async function assertSignsCurrentDirectory(url: string, publicJwks: readonly JWK[]): Promise<void> {
  const config = loadConfig();
  const current = await fetchCurrentDirectory({
    secretariatUrl: url,
    pinnedKeys: publicJwks,
    now: new Date(),
    clockSkewSeconds: config.federation.clockSkewSeconds,
    timeoutMs: config.federation.deliveryTimeoutMs,
  });
  if (current.ok) return;
  const isUnread = ['unreachable', 'secretariat-error', 'too-large'].includes(current.reason);
  const isOutOfDate = ['expired', 'not-yet-valid'].includes(current.reason);
  const reason = isUnread
    ? `could not read the secretariat's current directory at ${url} (${current.detail})`
    : isOutOfDate
      ? `the secretariat's current directory at ${url} is not valid now (${current.detail}), so the keys cannot be checked against it`
      : `the secretariat's current directory at ${url} does not verify with the keys given (${current.detail}): are they the secretariat's?`;
  throw new CliError(`${reason}; nothing was pinned (--force pins without this check)`);
}

export function registerKeysCommands(program: Command): void {
  const keys = program.command('keys').description("this node's federation keys: print, rotate, activate");

  keys
    .command('public')
    .description('print the public keys (current and next) as JSON for the secretariat')
    .action(async () => {
      printJson(await readPublicKeyBundle(loadConfig().federation.identityDirectory));
    });

  keys
    .command('rotate')
    .description('create the next signing and encryption keys (step 1 of a rotation)')
    .option(
      '--passphrase-stdin',
      'read the key passphrase from standard input (default: COMITY_KEY_PASSPHRASE)',
    )
    .option('--force', 'replace next keys that exist already (only if they were never published)')
    .action(async (options: { passphraseStdin?: boolean; force?: boolean }) => {
      const config = loadConfig();
      const passphrase = options.passphraseStdin
        ? await readSecretFromStdin()
        : config.federation.keyPassphrase;
      const bundle = await createNextKeys(config.federation.identityDirectory, {
        passphrase,
        isForced: options.force === true,
      });
      printLine('Created the next keys. Public keys (current and next):');
      printLine(JSON.stringify(bundle, null, 2));
      printLine('');
      printLine('Next steps:');
      printLine(`  1. comity keys public > ${bundle.nodeId}.keys.json and send it to the secretariat`);
      printLine(
        `  2. The secretariat runs: comity secretariat add-key ${bundle.nodeId}.keys.json, then publish`,
      );
      printLine('  3. Once the secretariat has published them: comity keys activate, then restart the node');
    });

  keys
    .command('activate')
    .description('make the next keys the current ones (step 3 of a rotation; restart the node afterwards)')
    .option('--force', "activate even if the secretariat's current directory does not list the next keys")
    .action(async (options: { force?: boolean }) => {
      const directory = loadConfig().federation.identityDirectory;
      const bundle = await readPublicKeyBundle(directory);
      const nextKids = bundle.keys.filter((key) => key.status === 'next').map((key) => key.kid);
      if (nextKids.length > 0 && options.force !== true) await assertNextKeysPublished(nextKids);
      const activated = await activateNextKeys(directory);
      const kids = activated.keys.map((key) => `${key.use} ${key.kid}`).join(', ');
      printLine(`The next keys are now current (${kids}); the previous ones are kept as *.previous.*`);
      printLine('Restart the node, then ask the secretariat to retire the previous keys.');
    });

  keys
    .command('pin-secretariat')
    .description('trust new secretariat keys (after the secretariat rotated its own key)')
    .requiredOption(
      '--secretariat-key <file|json>',
      "the secretariat's public keys (its `comity keys public` output)",
    )
    .option('--secretariat-url <url>', 'a new base URL of the secretariat (default: unchanged)')
    .option(
      '--force',
      "pin without checking that the secretariat's current directory is signed with the keys",
    )
    .action(async (options: { secretariatKey: string; secretariatUrl?: string; force?: boolean }) => {
      const directory = loadConfig().federation.identityDirectory;
      const file = await readIdentityFile(directory);
      const url = options.secretariatUrl ?? file?.secretariat?.url;
      if (!url) throw new CliError('this node pins no secretariat yet: give --secretariat-url');
      const publicJwks = readSecretariatKeyOption(options.secretariatKey);
      if (!options.force) await assertSignsCurrentDirectory(url, publicJwks);
      const updated = await pinSecretariat(directory, { url, publicJwks });
      printLine(
        `Pinned ${counted(updated.secretariat?.publicJwks.length ?? 0, 'secretariat key')} at ${url}; restart the node to use them.`,
      );
    });
}
