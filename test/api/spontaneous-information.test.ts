/**
 * Spontaneous information between two nodes (Art. 40(4)-(5)): sent without a request, it is
 * acknowledged and closed at the receiving node, which is never offered to assess, accept or
 * refuse it, and is refused those steps if it asks.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { json } from '../helpers/app.ts';
import { type ActingAs, asRole } from '../helpers/auth.ts';
import { DATABASE_TARGETS } from '../helpers/database.ts';
import { type NodePair, startNodePair } from './delivery-fixture.ts';

type Problem = { type: string; detail: string };

for (const target of DATABASE_TARGETS) {
  describe(`spontaneous information between two nodes [${target.name}]`, { skip: target.skip }, () => {
    let pair: NodePair;
    before(async () => {
      pair = await startNodePair(target, {
        requesting: ['fr-ca', 'FR'],
        requested: ['de-ca', 'DE'],
        requestedAuthority: 'central-authority',
      });
    });
    after(async () => pair?.close());

    const step = (as: ActingAs, id: string, name: string) =>
      pair.requested.app.inject({
        method: 'POST',
        url: `/api/v1/requests/${id}/transitions`,
        headers: as.headers,
        payload: { name, payload: {} },
      });
    const offered = async (as: ActingAs, id: string) =>
      json<{ case: { availableTransitions: string[] } }>(
        await pair.requested.app.inject({
          method: 'GET',
          url: `/api/v1/requests/${id}/history`,
          headers: as.headers,
        }),
      ).case.availableTransitions;

    it('is acknowledged, then closed; assessing it is neither offered nor accepted', async () => {
      const officer = await asRole(pair.requesting, 'officer');
      const reviewer = await asRole(pair.requested, 'legal-reviewer');
      const { requestedId } = await pair.deliverRequest(officer, reviewer, {
        type: 'spontaneous-information',
        requestingAuthority: { state: 'FR', name: 'Parquet de Paris, section J3' },
        requestedAuthority: { state: 'DE', name: 'Bundesamt für Justiz' },
        information: {
          description: 'A server in your territory hosts the control panel of a ransomware group.',
          conditionsOfUse: 'For intelligence only; not to be used as evidence without our consent.',
        },
        language: 'en',
      });
      assert.equal((await step(reviewer, requestedId, 'acknowledge')).statusCode, 200);
      // Nothing is decided on it: its screening checklist has no item to answer.
      const screening = await pair.requested.app.inject({
        method: 'GET',
        url: `/api/v1/requests/${requestedId}/screening`,
        headers: reviewer.headers,
      });
      assert.equal(screening.statusCode, 200, screening.body);
      assert.deepEqual(
        json<{ screening: { items: unknown[]; complete: boolean } }>(screening).screening.items,
        [],
      );
      // Closed, or not, its recipient may still give notice of an exculpatory disclosure (Art. 40(5)).
      assert.deepEqual(
        (await offered(reviewer, requestedId)).filter((name) => name !== 'withdraw'),
        ['close', 'notify-exculpatory-disclosure'],
      );
      const assessed = await step(reviewer, requestedId, 'begin-assessment');
      assert.equal(assessed.statusCode, 409, assessed.body);
      assert.match(json<Problem>(assessed).detail, /not a request/);
      const closed = await step(reviewer, requestedId, 'close');
      assert.equal(closed.statusCode, 200, closed.body);
      assert.deepEqual(await offered(reviewer, requestedId), ['notify-exculpatory-disclosure']);
    });
  });
}
