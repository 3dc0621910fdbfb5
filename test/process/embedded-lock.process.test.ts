/**
 * Process test: operator commands run beside running nodes on the embedded database (PGlite) are
 * refused, with one line naming the node's process, and change nothing. The node then keeps every
 * message it receipted, including those received after the refused commands, through a kill -9
 * and a restart (a second process that had opened its database beside it used to make the node
 * lose them at its next crash).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  countReceived,
  draftMany,
  type Federation,
  runComity,
  sendMany,
  startFederation,
  waitUntilAllDelivered,
  withNodeDatabase,
} from '../helpers/node-process.ts';

const BEFORE_COMMANDS = 10;
const AFTER_COMMANDS = 10;

/** The line an operator sees when the node at `directory` holds its database. */
function inUseLine(directory: string, pid: number): string {
  return (
    `comity: the node database in ${directory}/pglite is in use by process ${pid} (comity serve); ` +
    "stop it first, or run this command through the running node's API\n"
  );
}

describe('operator commands beside a running node on PGlite', { timeout: 240_000 }, () => {
  let federation: Federation;

  before(async () => {
    federation = await startFederation({ states: ['FR', 'DE'], shouldKeepLogs: false });
  });
  after(async () => {
    await federation?.stop();
  });

  it('are refused and change nothing; the node keeps every receipted message through kill -9', async () => {
    const fr = federation.node('FR');
    const de = federation.node('DE');
    const officer = await fr.userClient('officer');
    const sendAndWait = async (count: number): Promise<string[]> => {
      const ids = await draftMany(officer, 'FR', 'DE', count);
      const result = await sendMany(officer, ids);
      assert.equal(result.failed.size, 0, [...result.failed.values()].join('; '));
      await waitUntilAllDelivered(officer, ids, 60_000);
      return ids;
    };
    const first = await sendAndWait(BEFORE_COMMANDS);

    // A user added beside the running node: refused, and the node has no such user.
    const userAdd = await runComity(['user', 'add', 'intruder', '--role', 'officer'], {
      env: de.process.env,
    });
    assert.notEqual(userAdd.code, 0);
    assert.equal(userAdd.stderr, inUseLine(de.process.dataDirectory, de.process.child!.pid!));
    assert.equal(userAdd.stdout, '');
    const { items: users } = await de.admin.expect<{ items: { username: string }[] }>('GET', '/api/v1/users');
    assert.equal(users.filter((user) => user.username === 'intruder').length, 0);

    // The secretariat publishing beside itself: refused, and it still serves the same directory.
    const secretariat = federation.secretariat;
    const servedSerial = async () =>
      (await fetch(`${secretariat.url}/federation/v1/directory`)).headers.get('x-comity-directory-serial');
    const serialBefore = await servedSerial();
    const publish = await runComity(['secretariat', 'publish'], { env: secretariat.env });
    assert.notEqual(publish.code, 0);
    assert.equal(publish.stderr, inUseLine(secretariat.dataDirectory, secretariat.child!.pid!));
    assert.equal(await servedSerial(), serialBefore);

    // The outbox of a running node: refused as well (it is a command that opens the database).
    const outbox = await runComity(['outbox', 'list'], { env: fr.process.env });
    assert.notEqual(outbox.code, 0);
    assert.equal(outbox.stderr, inUseLine(fr.process.dataDirectory, fr.process.child!.pid!));

    // DE receives and receipts more messages after the refused commands, then crashes.
    const second = await sendAndWait(AFTER_COMMANDS);
    await de.process.kill();
    await de.process.start();

    const received = await withNodeDatabase(de.process, (db) => countReceived(db, 'fr-poc'));
    assert.deepEqual(received.duplicates, []);
    assert.equal(received.incomingRequests, first.length + second.length);
    assert.equal(received.inboxMessages, first.length + second.length);

    // Stopped, the node's database is the operator's: the same command now works.
    const added = await runComity(['user', 'add', 'late-officer', '--role', 'officer'], {
      env: de.process.env,
    });
    assert.equal(added.code, 0, added.stderr);
    assert.match(added.stdout, /created user late-officer/);
  });
});
