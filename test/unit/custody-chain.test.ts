/**
 * The chain of custody (src/evidence/custody-chain.ts): a chain built event by event is intact; a
 * changed detail, a removed event, two swapped events and a relinked event are each reported at
 * the first event that does not hold.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type CustodyEvent, checkCustodyChain, custodyEventHash } from '../../src/evidence/custody-chain.ts';

function chain(kinds: readonly string[]): CustodyEvent[] {
  const events: CustodyEvent[] = [];
  for (const [index, kind] of kinds.entries()) {
    const content = {
      itemId: 'item-1',
      sequence: index + 1,
      kind,
      actor: { id: 'u1', name: 'custodian' },
      at: `2026-03-10T12:0${index}:00.000Z`,
      details: { step: index, note: 'ä' },
    };
    const previousHash = events.at(-1)?.hash ?? null;
    events.push({
      ...content,
      id: `event-${index + 1}`,
      previousHash,
      hash: custodyEventHash(content, previousHash),
    });
  }
  return events;
}

describe('chain of custody', () => {
  const intact = chain(['acquired', 'sealed', 'downloaded', 'deleted']);

  it('holds when nothing changed, whatever the order of keys in the details', () => {
    assert.deepEqual(checkCustodyChain(intact), { isIntact: true, eventCount: 4 });
    const reordered = intact.map((event) => ({ ...event, details: { note: 'ä', step: event.sequence - 1 } }));
    assert.equal(checkCustodyChain(reordered).isIntact, true);
  });

  it('names the first event that does not hold', () => {
    const firstBad = (events: CustodyEvent[]) => {
      const check = checkCustodyChain(events);
      return check.isIntact ? undefined : check.firstBadEvent.id;
    };
    const changed = intact.map((event, index) => (index === 2 ? { ...event, details: { step: 9 } } : event));
    assert.equal(firstBad(changed), 'event-3');
    assert.equal(firstBad(intact.filter((_, index) => index !== 1)), 'event-3');
    const [first, second, ...rest] = intact;
    assert.ok(first && second);
    assert.equal(firstBad([second, first, ...rest]), 'event-2');
    // Recomputing an event's own hash after changing it still breaks the link to the next one.
    const rehashed = { ...second, actor: { id: 'u2', name: 'someone else' } };
    const resealed = { ...rehashed, hash: custodyEventHash(rehashed, rehashed.previousHash) };
    assert.equal(firstBad([first, resealed, ...rest]), 'event-3');
  });
});
