/**
 * Process test: the demo's preservation scenario (what `comity demo --scenario preservation` runs:
 * France's officer drafts, validates and sends a preservation request to Germany, which stores it
 * and returns its signed receipt) on real node processes, then the public transparency report of
 * each node read as JSON without signing in. After one run the figures are there but under 5
 * ("<5"); after five runs they are published: five preservation requests sent by France to
 * Germany, five received by Germany from France, all pending.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runPreservationScenario } from '../../src/demo/preservation-scenario.ts';
import { type Federation, startFederation } from '../helpers/node-process.ts';

type Count = number | '<5' | null;
type Report = {
  totals: { sent: Count; received: Count };
  rows: {
    direction: string;
    requestType: string;
    counterpartState: string;
    requests: Count;
    outcomes: Record<string, Count>;
  }[];
};

describe('the transparency report after the demo scenario', { timeout: 300_000 }, () => {
  let federation: Federation;
  const year = String(new Date().getUTCFullYear());

  before(async () => {
    federation = await startFederation({ states: ['FR', 'DE'] });
  });

  after(async () => {
    await federation?.stop();
  });

  async function runScenario(): Promise<void> {
    const lines: string[] = [];
    const outcome = await runPreservationScenario(federation, {
      from: 'FR',
      to: 'DE',
      print: (line) => lines.push(line),
    });
    assert.ok(outcome.isSuccess, lines.join('\n'));
  }

  async function report(state: 'FR' | 'DE'): Promise<Report> {
    const response = await fetch(`${federation.node(state).url}/api/v1/transparency?period=${year}`);
    assert.equal(response.status, 200, await response.clone().text());
    return (await response.json()) as Report;
  }

  it('shows the one exchange as a count under 5 on both nodes', async () => {
    await runScenario();
    const received = await report('DE');
    assert.equal(received.totals.received, '<5');
    assert.deepEqual(
      received.rows.map((row) => [row.direction, row.requestType, row.counterpartState, row.requests]),
      [['received', 'preservation', 'FR', '<5']],
    );
    const sent = await report('FR');
    assert.equal(sent.totals.sent, '<5');
    assert.equal(sent.rows[0]?.counterpartState, 'DE');
  });

  it('publishes the figures once five exchanges were made', async () => {
    for (let run = 2; run <= 5; run++) await runScenario();
    const received = await report('DE');
    assert.deepEqual(received.totals, { sent: 0, received: 5 });
    assert.equal(received.rows[0]?.requests, 5);
    assert.equal(received.rows[0]?.outcomes.pending, 5);
    const sent = await report('FR');
    assert.deepEqual(sent.totals, { sent: 5, received: 0 });
    assert.deepEqual(
      sent.rows.map((row) => [row.direction, row.requestType, row.counterpartState, row.requests]),
      [['sent', 'preservation', 'DE', 5]],
    );
  });
});
