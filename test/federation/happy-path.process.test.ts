/**
 * Process test: a secretariat and two State nodes, each a real `comity serve` process on loopback
 * with its own PGlite database. An officer at FR drafts, validates and sends a preservation request
 * to DE; DE's node holds it as an incoming request and FR's node stores DE's signed receipt.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { listIncomingRequests, readDelivery } from '../../src/federation/demo/federation-api.ts';
import { runPreservationScenario } from '../../src/federation/demo/preservation-scenario.ts';
import { type Federation, startFederation } from '../helpers/node-process.ts';

describe('federation with real node processes: happy path', { timeout: 120_000 }, () => {
  let federation: Federation;
  const lines: string[] = [];

  before(async () => {
    federation = await startFederation({ states: ['FR', 'DE'] });
  });
  after(async () => {
    await federation?.stop();
  });

  it('delivers a preservation request from FR to DE with a signed receipt', async () => {
    const outcome = await runPreservationScenario(federation, {
      from: 'FR',
      to: 'DE',
      print: (line) => lines.push(line),
    });
    assert.equal(outcome.isSuccess, true, lines.join('\n'));

    const officer = await federation.node('FR').userClient('officer');
    const { items } = await officer.expect<{ items: { id: string }[] }>('GET', '/api/v1/requests');
    assert.equal(items.length, 1);
    const delivery = await readDelivery(officer, items[0]!.id);
    assert.equal(delivery.state, 'delivered');

    const dutyOfficer = await federation.node('DE').userClient('duty-officer');
    const incoming = await listIncomingRequests(dutyOfficer);
    assert.equal(incoming.length, 1);
    assert.equal(incoming[0]!.peerNodeId, 'fr-poc');
    assert.equal(incoming[0]!.remoteRequestId, items[0]!.id);
  });
});
