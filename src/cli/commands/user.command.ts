/**
 * `comity user ...`: the node's operator manages accounts on the machine that runs the node
 * (add, list, set a password, disable, list and approve role requests), working on its database
 * directly; and makes a password's hash for the first-start file. These commands act as the node's operator: the roles they give apply at once.
 */
import type { Command } from 'commander';
import { ROLES } from '../../core/roles.ts';
import { removeTotpOf } from '../../services/mfa.service.ts';
import { assertPasswordAcceptable, generatePassword, hashPassword } from '../../services/password-hashing.ts';
import {
  changePassword,
  createUser,
  disableUser,
  listUsers,
  parseEmail,
  parseRoles,
  setUserEmail,
} from '../../services/users.service.ts';
import {
  approveRoleRequest,
  listRoleRequests,
  type RoleRequestView,
} from '../../services/role-requests.service.ts';
import { CliError, printJson, printLine } from '../output.ts';
import { readSecretFromStdin, withNodeContext } from './node-context.ts';

export function registerUserCommands(program: Command): void {
  const user = program.command('user').description("manage the node's user accounts");

  user
    .command('add')
    .description('create a user account (prints a generated password once unless --password-stdin)')
    .argument('<username>', 'lowercase letters, digits, ".", "-", "_"')
    .requiredOption('--role <role...>', `one or more of: ${ROLES.join(', ')}`)
    .option('--display-name <name>', 'the name shown in the web UI and on documents')
    .option('--email <address>', 'where e-mail alerts go (optional)')
    .option('--password-stdin', 'read the password from standard input')
    .action(
      async (
        username: string,
        options: { role: string[]; displayName?: string; email?: string; passwordStdin?: boolean },
      ) => {
        // Check roles and address before touching the database, so a typo fails fast.
        const roles = parseRoles(options.role);
        const email = parseEmail(options.email);
        const isPasswordGenerated = !options.passwordStdin;
        const password = isPasswordGenerated ? generatePassword(20) : await readSecretFromStdin();
        assertPasswordAcceptable(password);
        const created = await withNodeContext((context) =>
          createUser(context, {
            username,
            password,
            roles,
            ...(options.displayName ? { displayName: options.displayName } : {}),
            email,
            // A generated password is one-time: the user chooses their own at the first sign-in.
            mustChangePassword: isPasswordGenerated,
          }),
        );
        printLine(`created user ${created.username} (${created.roles.join(', ')}), id ${created.id}`);
        if (isPasswordGenerated) {
          printLine(`password: ${password}`);
          printLine('This one-time password is shown only once; the first sign-in changes it.');
        }
      },
    );

  user
    .command('list')
    .description('list the user accounts')
    .option('--json', 'print {items} as JSON, as GET /api/v1/users answers')
    .action(async (options: { json?: boolean }) => {
      const users = await withNodeContext((context) => listUsers(context));
      if (options.json) return printJson({ items: users });
      for (const account of users) {
        const state = account.isDisabled ? '  [disabled]' : '';
        const email = account.email ? `\t${account.email}` : '';
        printLine(`${account.username}\t${account.displayName}\t${account.roles.join(',')}${email}${state}`);
      }
    });

  user
    .command('password')
    .description(
      "set a user's password (prints a generated one once unless --password-stdin); ends their sessions and revokes their API tokens",
    )
    .argument('<username>')
    .option('--password-stdin', 'read the new password from standard input')
    .action(async (username: string, options: { passwordStdin?: boolean }) => {
      const isPasswordGenerated = !options.passwordStdin;
      const password = isPasswordGenerated ? generatePassword(20) : await readSecretFromStdin();
      assertPasswordAcceptable(password);
      await withNodeContext((context) =>
        changePassword(context, username, password, { isOneTime: isPasswordGenerated }),
      );
      printLine(
        `password of ${username} changed; their sessions have ended and their API tokens are revoked`,
      );
      if (isPasswordGenerated) {
        printLine(`password: ${password}`);
        printLine('This one-time password is shown only once; the next sign-in changes it.');
      }
    });

  user
    .command('hash-password')
    .description(
      "print the hash of a password read from standard input, as a node stores it: an account's passwordHash in the first-start file (COMITY_FIRST_START_FILE), which then need not hold the password",
    )
    .action(async () => {
      printLine(await hashPassword(await readSecretFromStdin()));
    });

  user
    .command('email')
    .description("set a user's e-mail address for alerts, or remove it with --remove")
    .argument('<username>')
    .argument('[address]', 'the new address')
    .option('--remove', 'remove the address: the user gets no e-mail alerts')
    .action(async (username: string, address: string | undefined, options: { remove?: boolean }) => {
      if (!options.remove && !address) throw new CliError('give an address, or --remove');
      const email = options.remove ? null : parseEmail(address);
      await withNodeContext((context) => setUserEmail(context, username, email));
      printLine(email ? `e-mail of ${username} set to ${email}` : `e-mail of ${username} removed`);
    });

  user
    .command('disable')
    .description('disable an account: it can no longer sign in, and its sessions and API tokens stop working')
    .argument('<username>')
    .action(async (username: string) => {
      await withNodeContext((context) => disableUser(context, username));
      printLine(`user ${username} disabled`);
    });

  user
    .command('totp-off')
    .description(
      "turn off a user's two-step sign-in (a lost authenticator and recovery codes); their sessions end, they enrol again from their account screen",
    )
    .argument('<username>')
    .action(async (username: string) => {
      await withNodeContext((context) => removeTotpOf(context, username));
      printLine(`two-step sign-in of ${username} turned off; their sessions have ended`);
    });

  user
    .command('role-requests')
    .description(
      'every change of roles, newest first: who asked, who approved, when (grants waiting first with --pending)',
    )
    .option('--pending', 'only the grants waiting for approval')
    .option('--json', 'print {items} as JSON')
    .action(async (options: { pending?: boolean; json?: boolean }) => {
      const requests = await withNodeContext((context) =>
        listRoleRequests(context, { isPendingOnly: options.pending === true }),
      );
      if (options.json) return printJson({ items: requests });
      for (const request of requests) printLine(describeRoleRequest(request));
    });

  user
    .command('approve-role')
    .description("approve a pending grant of roles (from comity user role-requests), as the node's operator")
    .argument('<id>')
    .action(async (id: string) => {
      const approved = await withNodeContext((context) => approveRoleRequest(context, id, undefined));
      printLine(`approved: ${approved.username} now holds ${approved.rolesAdded.join(', ')}`);
    });
}

/** One line per role request: id, status, user, change, who asked and when, who approved and when. */
function describeRoleRequest(request: RoleRequestView): string {
  const change = [
    ...request.rolesAdded.map((role) => `+${role}`),
    ...request.rolesRemoved.map((role) => `-${role}`),
  ].join(',');
  const asked = `asked by ${request.requestedBy?.username ?? 'operator'} ${request.requestedAt}`;
  const decided =
    request.decidedAt === null
      ? 'waiting for a second administrator'
      : `approved by ${request.decidedBy?.username ?? 'operator'} ${request.decidedAt}`;
  return [request.id, request.status, request.username, change, asked, decided].join('\t');
}
