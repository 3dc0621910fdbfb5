import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Secret, TOTP } from 'otpauth';
import { type CliRun, runComity as runCli } from '../helpers/cli.ts';
import { loadConfig } from '../../src/config.ts';
import { loadCatalogue } from '../../src/data/catalogue/index.ts';
import type { AppContext } from '../../src/app-context.ts';
import { resolveApiToken } from '../../src/services/api-tokens.service.ts';
import { confirmEnrolment, mfaStatusOf, startEnrolment } from '../../src/services/mfa.service.ts';
import { assertPasswordHashAcceptable, verifyPassword } from '../../src/services/password-hashing.ts';
import { signIn } from '../../src/services/sessions.service.ts';
import { requireUserByUsername, updateUserAs } from '../../src/services/users.service.ts';
import { openDatabase } from '../../src/storage/database.ts';
import { createLiveHub } from '../../src/core/live-updates.ts';

describe('comity user and comity token (on the node database, PGlite)', () => {
  let dataDirectory: string;
  before(async () => {
    dataDirectory = await mkdtemp(path.join(os.tmpdir(), 'comity-cli-user-'));
  });
  after(async () => rm(dataDirectory, { recursive: true, force: true }));

  function runComity(args: string[], input?: string): Promise<CliRun> {
    return runCli(dataDirectory, args, input === undefined ? {} : { input });
  }

  /** Opens the same database in this process, after the CLI has exited. */
  async function withDatabase<T>(work: (context: AppContext) => Promise<T>): Promise<T> {
    const config = loadConfig({ COMITY_DATA_DIR: dataDirectory, COMITY_LOG_LEVEL: 'silent' });
    const handle = await openDatabase(config.database);
    try {
      return await work({
        config,
        db: handle.db,
        databaseKind: handle.kind,
        catalogue: loadCatalogue(),
        live: createLiveHub(),
        now: () => new Date(),
      });
    } finally {
      await handle.close();
    }
  }

  it('adds a user with a password from stdin, lists it, and creates an API token printed once', async () => {
    const added = await runComity(
      [
        'user',
        'add',
        'alice',
        '--role',
        'officer',
        'supervisor',
        '--display-name',
        'Alice Martin',
        '--password-stdin',
      ],
      'a long enough password\n',
    );
    assert.equal(added.code, 0, added.stderr);
    assert.match(added.stdout, /created user alice \(officer, supervisor\)/);
    assert.doesNotMatch(added.stdout, /password:/);

    const generated = await runComity(['user', 'add', 'bob', '--role', 'auditor']);
    assert.equal(generated.code, 0, generated.stderr);
    const bobPassword = /password: (\S+)/.exec(generated.stdout)?.[1];
    assert.match(bobPassword ?? '', /^[A-Za-z0-9]{20}$/);

    const list = await runComity(['user', 'list']);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /^alice\tAlice Martin\tofficer,supervisor$/m);
    assert.match(list.stdout, /^bob\tbob\tauditor$/m);
    const listJson = await runComity(['user', 'list', '--json']);
    assert.equal(listJson.code, 0, listJson.stderr);
    const users = (JSON.parse(listJson.stdout) as { items: Array<Record<string, unknown>> }).items;
    assert.deepEqual(
      users.map((user) => [user.username, user.displayName, user.roles]),
      [
        ['alice', 'Alice Martin', ['officer', 'supervisor']],
        ['bob', 'bob', ['auditor']],
      ],
    );
    assert.ok(
      users.every((user) => !JSON.stringify(user).includes('scrypt')),
      'no password hash is printed',
    );

    const created = await runComity([
      'token',
      'create',
      '--user',
      'alice',
      '--name',
      'case system',
      '--expires-in',
      '30d',
    ]);
    assert.equal(created.code, 0, created.stderr);
    const token = /token: (comity_\S+)/.exec(created.stdout)?.[1];
    assert.ok(token, created.stdout);
    const tokens = await runComity(['token', 'list', '--user', 'alice']);
    assert.match(tokens.stdout, /\tcase system\texpires /);
    assert.ok(!tokens.stdout.includes(token));
    const tokensJson = await runComity(['token', 'list', '--user', 'alice', '--json']);
    assert.equal(tokensJson.code, 0, tokensJson.stderr);
    const [listedToken] = (JSON.parse(tokensJson.stdout) as { items: Array<Record<string, unknown>> }).items;
    assert.equal(listedToken?.name, 'case system');
    assert.equal(listedToken?.revokedAt, null);
    assert.ok(!tokensJson.stdout.includes(token), 'the secret is never listed');

    await withDatabase(async (context) => {
      const actor = await resolveApiToken(context, token);
      assert.equal(actor?.username, 'alice');
      assert.deepEqual(actor?.roles, ['officer', 'supervisor']);
      const session = await signIn(
        context,
        { username: 'alice', password: 'a long enough password' },
        '127.0.0.1',
      );
      assert.equal(session.user.displayName, 'Alice Martin');
      assert.equal(session.pendingStep, null, 'a password the operator chose is not one-time');
      const bob = await signIn(context, { username: 'bob', password: bobPassword! }, '127.0.0.1');
      assert.equal(bob.pendingStep, 'change-password', 'a generated password is one-time');
    });

    const id = /^(\S+)\tcase system/m.exec(tokens.stdout)?.[1];
    const revoked = await runComity(['token', 'revoke', id!]);
    assert.equal(revoked.code, 0, revoked.stderr);
    await withDatabase(async (context) => assert.equal(await resolveApiToken(context, token), undefined));
    const again = await runComity(['token', 'revoke', id!]);
    assert.notEqual(again.code, 0);
    assert.match(again.stderr.trim(), /^[^\n]*already revoked at [^\n]*nothing changed$/);
  });

  it('answers a usage mistake with one line naming the help of the mistyped command', async () => {
    const missingRole = await runComity(['user', 'add', 'carl']);
    assert.equal(missingRole.code, 2, 'a usage mistake, not a refusal');
    assert.equal(
      missingRole.stderr,
      "comity: required option '--role <role...>' not specified (see comity user add --help)\n",
    );
    const unknownOption = await runComity(['user', 'list', '--bogus']);
    assert.equal(unknownOption.stderr, "comity: unknown option '--bogus' (see comity user list --help)\n");
    assert.equal(unknownOption.code, 2);
  });

  it('resets a password to a generated one-time one that the next sign-in must change', async () => {
    const reset = await runComity(['user', 'password', 'bob']);
    assert.equal(reset.code, 0, reset.stderr);
    const password = /password: (\S+)/.exec(reset.stdout)?.[1];
    assert.ok(password, reset.stdout);
    await withDatabase(async (context) => {
      const bob = await signIn(context, { username: 'bob', password }, '127.0.0.1');
      assert.equal(bob.pendingStep, 'change-password');
    });
  });

  it("turns off a user's TOTP for the node's operator (a lost authenticator)", async () => {
    await withDatabase(async (context) => {
      const bob = await requireUserByUsername(context, 'bob');
      const { secret } = await startEnrolment(context, bob.id);
      const code = TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: Date.now() });
      await confirmEnrolment(context, bob.id, code);
      assert.equal((await mfaStatusOf(context, bob.id)).isEnrolled, true);
    });
    const off = await runComity(['user', 'totp-off', 'bob']);
    assert.equal(off.code, 0, off.stderr);
    assert.match(off.stdout, /two-step sign-in of bob turned off/);
    await withDatabase(async (context) => {
      const bob = await requireUserByUsername(context, 'bob');
      assert.deepEqual(await mfaStatusOf(context, bob.id), {
        isEnrolled: false,
        isRequired: false,
        recoveryCodesLeft: 0,
      });
    });
    const unknown = await runComity(['user', 'totp-off', 'nobody']);
    assert.equal(unknown.code, 1);
    assert.equal(unknown.stderr.trimEnd().split('\n').length, 1, unknown.stderr);
  });

  it('changes a password and disables a user', async () => {
    const changed = await runComity(
      ['user', 'password', 'alice', '--password-stdin'],
      'another long password\n',
    );
    assert.equal(changed.code, 0, changed.stderr);
    const disabled = await runComity(['user', 'disable', 'alice']);
    assert.equal(disabled.code, 0, disabled.stderr);
    await withDatabase(async (context) => {
      await assert.rejects(
        signIn(context, { username: 'alice', password: 'another long password' }, '127.0.0.1'),
        {
          code: 'invalid-credentials',
        },
      );
    });
    const list = await runComity(['user', 'list']);
    assert.match(list.stdout, /^alice\t.*\[disabled\]$/m);
  });

  it("lists every role change and approves a pending grant as the node's operator", async () => {
    const added = await runComity(
      ['user', 'add', 'carol', '--role', 'administrator', '--password-stdin'],
      'a long enough password\n',
    );
    assert.equal(added.code, 0, added.stderr);
    const pendingId = await withDatabase(async (context) => {
      const carol = await requireUserByUsername(context, 'carol');
      const actor = {
        userId: carol.id,
        username: 'carol',
        roles: carol.roles,
        authenticatedBy: 'session' as const,
      };
      const result = await updateUserAs(context, actor, carol.id, { roles: ['administrator', 'auditor'] });
      return result.pendingRoleRequest?.id;
    });
    assert.ok(pendingId);
    const pending = await runComity(['user', 'role-requests', '--pending']);
    assert.equal(pending.code, 0, pending.stderr);
    assert.match(
      pending.stdout,
      new RegExp(
        `^${pendingId}\tpending\tcarol\t\\+auditor\tasked by carol \\S+\twaiting for a second administrator$`,
        'm',
      ),
    );
    const approved = await runComity(['user', 'approve-role', pendingId]);
    assert.equal(approved.code, 0, approved.stderr);
    assert.match(approved.stdout, /carol now holds auditor/);
    const all = await runComity(['user', 'role-requests']);
    assert.match(
      all.stdout,
      new RegExp(
        `^${pendingId}\tapproved\tcarol\t\\+auditor\tasked by carol \\S+\tapproved by operator \\S+$`,
        'm',
      ),
    );
    assert.match(all.stdout, /\tapplied\tcarol\t\+administrator\tasked by operator /);
    const allJson = await runComity(['user', 'role-requests', '--json']);
    assert.equal(allJson.code, 0, allJson.stderr);
    const grants = (JSON.parse(allJson.stdout) as { items: Array<{ id: string; status: string }> }).items;
    assert.equal(grants.find((grant) => grant.id === pendingId)?.status, 'approved');
    await withDatabase(async (context) => {
      assert.deepEqual((await requireUserByUsername(context, 'carol')).roles, ['administrator', 'auditor']);
    });
    const again = await runComity(['user', 'approve-role', pendingId]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already approved/);
  });

  it('refuses an unknown role with one line listing the valid roles and exit code 1', async () => {
    const result = await runComity(['user', 'add', 'carol', '--role', 'judge']);
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    const lines = result.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 1, result.stderr);
    assert.match(lines[0]!, /unknown role 'judge'; valid roles: officer, supervisor, duty-officer/);
  });

  it("prints a password's hash for the first-start file, which verifies that password", async () => {
    const result = await runComity(['user', 'hash-password'], 'a-long-enough-password\n');
    assert.equal(result.code, 0, result.stderr);
    const hash = result.stdout.trim();
    assert.match(hash, /^scrypt\$32768\$8\$1\$[\w-]+\$[\w-]+$/);
    assert.equal(await verifyPassword('a-long-enough-password', hash), true);
    assert.equal(await verifyPassword('another-long-password', hash), false);
    assert.doesNotThrow(() => assertPasswordHashAcceptable(hash));
  });

  it('refuses a short password, an unknown user and a bad expiry with one line and exit code 1', async () => {
    const cases: Array<[string[], string | undefined, RegExp]> = [
      [['user', 'add', 'dave', '--role', 'officer', '--password-stdin'], 'short\n', /at least 12 characters/],
      [['user', 'hash-password'], 'short\n', /at least 12 characters/],
      [['token', 'create', '--user', 'nobody', '--name', 'x'], undefined, /no user named 'nobody'/],
      [['token', 'create', '--user', 'bob', '--name', 'x', '--expires-in', '0'], undefined, /--expires-in/],
      [
        ['token', 'create', '--user', 'bob', '--name', 'x', '--expires-in', '366'],
        undefined,
        /from 1 to 365 \(this node's maximum\)/,
      ],
    ];
    for (const [args, input, message] of cases) {
      const result = await runComity(args, input);
      assert.equal(result.code, 1, args.join(' '));
      assert.equal(result.stderr.trimEnd().split('\n').length, 1, result.stderr);
      assert.match(result.stderr, message);
    }
  });
});
