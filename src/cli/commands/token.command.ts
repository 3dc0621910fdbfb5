/**
 * `comity token ...`: the node's operator creates, lists and revokes API tokens for national
 * case-management systems. A token acts with the roles of the user it belongs to.
 */
import type { Command } from 'commander';
import {
  createApiTokenForUsername,
  DEFAULT_TOKEN_DAYS,
  listApiTokensForUsername,
  MAXIMUM_TOKEN_DAYS,
  revokeApiToken,
} from '../../services/api-tokens.service.ts';
import { CliError, printJson, printLine } from '../output.ts';
import { withNodeContext } from './node-context.ts';

/** "90" or "90d" -> 90; the node's maximum (COMITY_TOKEN_MAX_DAYS) is checked when the token is made. */
function parseDays(value: string): number {
  const match = /^(\d+)d?$/.exec(value.trim());
  const days = Number(match?.[1]);
  if (!match || days < 1 || days > MAXIMUM_TOKEN_DAYS) {
    throw new CliError(
      `--expires-in must be a number of days such as 90 or 90d, from 1 to COMITY_TOKEN_MAX_DAYS`,
    );
  }
  return days;
}

export function registerTokenCommands(program: Command): void {
  const token = program.command('token').description('API tokens for national case-management systems');

  token
    .command('create')
    .description('create an API token for a user (the token is printed once)')
    .requiredOption('--user <username>', 'the user the token acts for, with their roles')
    .requiredOption('--name <name>', 'what the token is for, e.g. "case system of the prosecution office"')
    .option(
      '--expires-in <days>',
      `the token's life in days (90 or 90d), at most COMITY_TOKEN_MAX_DAYS (default ${DEFAULT_TOKEN_DAYS}, or that maximum when lower)`,
    )
    .action(async (options: { user: string; name: string; expiresIn?: string }) => {
      const expiresInDays = options.expiresIn === undefined ? undefined : parseDays(options.expiresIn);
      const created = await withNodeContext((context) =>
        createApiTokenForUsername(context, options.user, { name: options.name, expiresInDays }),
      );
      printLine(`created API token ${created.id} "${created.name}" for ${options.user}`);
      printLine(`expires: ${created.expiresAt}`);
      printLine(`token: ${created.token}`);
      printLine('This token is shown only once. Send it as: Authorization: Bearer <token>');
    });

  token
    .command('list')
    .description("list a user's API tokens (never the secrets)")
    .requiredOption('--user <username>')
    .option('--json', 'print {items} as JSON')
    .action(async (options: { user: string; json?: boolean }) => {
      const tokens = await withNodeContext((context) => listApiTokensForUsername(context, options.user));
      if (options.json) return printJson({ items: tokens });
      for (const item of tokens) {
        const state = item.revokedAt ? `revoked ${item.revokedAt}` : `expires ${item.expiresAt}`;
        printLine(`${item.id}\t${item.name}\t${state}\tlast used ${item.lastUsedAt ?? 'never'}`);
      }
    });

  token
    .command('revoke')
    .description('revoke an API token by its id (from comity token list)')
    .argument('<id>')
    .action(async (id: string) => {
      await withNodeContext((context) => revokeApiToken(context, id));
      printLine(`API token ${id} revoked`);
    });
}
