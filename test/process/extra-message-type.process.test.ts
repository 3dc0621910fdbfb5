/**
 * Process test: a federation message type is one module, between real node processes too. The
 * witness type (test/fixtures/witness-message.ts) is defined only in the tests; the two State
 * nodes run test/fixtures/node-with-witness.ts, a program that serves a node exactly as
 * `comity serve` does (serveNode) with the witness type added to its registry
 * (startNode's `messages`), and queues a witness message on a `send` line on its stdin. The
 * secretariat runs `comity serve`. Nothing else in Comity knows the type.
 *
 * The announcement: `comity keys public` prints what a node built as shipped reads (the built-in
 * types), so the directory first lists FR and DE without the witness type, and FR refuses to
 * queue it (unsupported-by-peer: a sender never sends what the peer did not announce). The route
 * taken is the one the architecture recipe gives operators of an upgraded node: re-register it
 * with the secretariat. The test writes each node's keys file with `accepts` as the registry the
 * node runs announces it (announcedAccepts(registryWithWitness)), the stopped secretariat
 * registers both files again (`comity secretariat add-node`) and publishes, and the nodes fetch
 * the new directory on their next refresh. The entry script does not serve `comity keys public`:
 * that would need a second entry point into the starter for a file the test can write honestly
 * from the same registry.
 *
 * Then FR queues a witness message to DE: DE stores it exactly once (one incoming request, seen
 * through DE's API), FR's outbox shows it delivered with a receipt, and the type's sender hook ran
 * (FR's request shows deliveryState 'delivered'). Waits are bounded; no timing is asserted.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { preservationDraft } from '../../src/demo/demo-drafts.ts';
import { draftRequest, listIncomingRequests, readDelivery } from '../../src/demo/federation-api.ts';
import { announcedAccepts } from '../../src/federation/messages/registry.ts';
import { registryWithWitness, WITNESS_MESSAGE_TYPE } from '../fixtures/witness-message.ts';
import {
  type Federation,
  type FederationNode,
  runComity,
  startFederation,
  temporaryDirectory,
  waitFor,
} from '../helpers/node-process.ts';

const ENTRY = path.join(import.meta.dirname, '..', 'fixtures', 'node-with-witness.ts');

/** Writes `line` to the node program's stdin; resolves with its answer (`queued <id>` or `refused <reason>`). */
async function tell(node: FederationNode, line: string): Promise<string> {
  const child = node.process.child;
  if (!child?.stdin || !child.stdout) throw new Error(`${node.spec.nodeId} runs without a command pipe`);
  const stdout = child.stdout;
  let seen = '';
  const listen = (chunk: Buffer) => {
    seen += chunk.toString();
  };
  stdout.on('data', listen);
  try {
    child.stdin.write(`${line}\n`);
    return await waitFor(
      `${node.spec.nodeId} to answer "${line}"`,
      async () => /^(?:queued|refused) .*$/m.exec(seen)?.[0],
      { timeoutMs: 30_000, intervalMs: 50 },
    );
  } finally {
    stdout.off('data', listen);
  }
}

async function runComityOrFail(args: string[], env: Record<string, string | undefined>): Promise<string> {
  const result = await runComity(args, { env });
  assert.equal(result.code, 0, `comity ${args.join(' ')}: ${result.stderr}${result.stdout}`);
  return result.stdout;
}

async function directorySerial(node: FederationNode): Promise<number> {
  const report = await node.admin.expect<{ directory: { serial: number } | null }>('GET', '/api/v1/peers');
  return report.directory?.serial ?? 0;
}

describe('a message type defined only in the tests, between node processes', { timeout: 240_000 }, () => {
  let federation: Federation;

  before(async () => {
    federation = await startFederation({ states: ['FR', 'DE'], program: [ENTRY], shouldKeepLogs: false });
  });
  after(async () => {
    await federation?.stop();
  });

  it('is refused by the sender while the directory does not list it for the peer', async () => {
    const officer = await federation.node('FR').userClient('officer');
    const drafted = await draftRequest(officer, preservationDraft('FR', 'DE'));
    const answer = await tell(federation.node('FR'), `send de-poc ${drafted.id} statement W-0`);
    assert.match(answer, /^refused .*de-poc.*message type test\.witness-offered/);
    const outbox = await federation
      .node('FR')
      .admin.expect<{ items: unknown[] }>('GET', '/api/v1/outbox?peer=de-poc');
    assert.equal(outbox.items.length, 0);
  });

  it('is delivered once, with a receipt, and its sender hook runs, once both nodes announce it', async () => {
    const fr = federation.node('FR');
    const de = federation.node('DE');

    // The nodes' keys files as the registry they run announces them, registered again.
    const directory = temporaryDirectory('comity-witness-keys-');
    const files: string[] = [];
    for (const node of [fr, de]) {
      const bundle = JSON.parse(await runComityOrFail(['keys', 'public'], node.process.env)) as {
        accepts: { messageTypes: string[] };
      };
      assert.equal(bundle.accepts.messageTypes.includes(WITNESS_MESSAGE_TYPE), false);
      const file = path.join(directory, `${node.spec.nodeId}.public.json`);
      writeFileSync(file, JSON.stringify({ ...bundle, accepts: announcedAccepts(registryWithWitness) }));
      files.push(file);
    }
    const serialBefore = await directorySerial(fr);
    await federation.secretariat.stop();
    await runComityOrFail(
      ['secretariat', 'add-node', ...files, '--languages', 'en'],
      federation.secretariat.env,
    );
    await runComityOrFail(['secretariat', 'publish'], federation.secretariat.env);
    await federation.secretariat.start();
    await waitFor(
      'FR to fetch the directory that lists the witness type for DE',
      async () => ((await directorySerial(fr)) > serialBefore ? true : undefined),
      { timeoutMs: 30_000, intervalMs: 200 },
    );

    const officer = await fr.userClient('officer');
    const drafted = await draftRequest(officer, preservationDraft('FR', 'DE'));
    const answer = await tell(fr, `send de-poc ${drafted.id} statement W-1`);
    const messageId = /^queued (\S+)$/.exec(answer)?.[1];
    assert.ok(messageId, answer);

    await waitFor(
      "FR's request to show the witness message delivered",
      async () => ((await readDelivery(officer, drafted.id)).state === 'delivered' ? true : undefined),
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    const outbox = await fr.admin.expect<{
      items: { id: string; caseId: string; type: string; status: string; hasReceipt: boolean }[];
    }>('GET', '/api/v1/outbox?peer=de-poc');
    assert.deepEqual(
      outbox.items.map((item) => [item.id, item.caseId, item.type, item.status, item.hasReceipt]),
      [[messageId, drafted.id, WITNESS_MESSAGE_TYPE, 'delivered', true]],
    );

    const dutyOfficer = await de.userClient('duty-officer');
    const incoming = (await listIncomingRequests(dutyOfficer)).filter(
      (item) => item.remoteRequestId === drafted.id,
    );
    assert.deepEqual(
      incoming.map((item) => [item.peerNodeId, item.caseReference]),
      [['fr-poc', 'statement W-1']],
    );
  });
});
