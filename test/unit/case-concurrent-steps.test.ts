/**
 * Steps made at the same moment on both nodes (src/core/case/concurrent-steps.ts): the order both
 * nodes fold a case's stored events in, whatever order each stored them in, and which steps the
 * other side's earlier step leaves superseded.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { CaseEvent, CaseSide } from '../../src/core/case/case-model.ts';
import { crossingOf, foldOrder, type PlacedEvent } from '../../src/core/case/concurrent-steps.ts';
import { caseOfStoredSteps, type RequestCaseSource } from '../../src/core/case/request-case.ts';
import { actor, CASE_CATALOGUE } from '../helpers/case-fixtures.ts';

/** A step of `side` named `name` (the fold order never reads more), with the other side's steps it had seen. */
function step(side: CaseSide, name: string, seenOther: number | null): PlacedEvent {
  return {
    event: {
      transition: name,
      actor: actor(side, 'duty-officer'),
      at: '2026-03-10T12:00:00.000Z',
      payload: {},
    },
    seenOther,
  };
}

const names = (events: readonly PlacedEvent[], order: readonly number[]) =>
  order.map((index) => events[index]?.event.transition);

describe('the order both nodes fold a case in', () => {
  it('keeps a history whose steps each saw every step before them in its stored order', () => {
    const events = [
      step('requested', 'r1', 0),
      step('requesting', 'q1', 1),
      step('requested', 'r2', 1),
      step('requested', 'r3', 1),
      step('requesting', 'q2', 3),
    ];
    assert.deepEqual(names(events, foldOrder(events)), ['r1', 'q1', 'r2', 'r3', 'q2']);
  });

  it('reads a step with no count as having seen every step stored before it (histories stored before the rule)', () => {
    const events = [
      step('requested', 'r1', null),
      step('requesting', 'q1', null),
      step('requested', 'r2', null),
    ];
    assert.deepEqual(names(events, foldOrder(events)), ['r1', 'q1', 'r2']);
  });

  it('puts the requested side first when two steps crossed, on both nodes', () => {
    // The requesting node stored its own step, then the requested node's; the requested node the other way round.
    const atRequesting = [
      step('requested', 'r1', 0),
      step('requesting', 'q1', 1),
      step('requested', 'r2', 0),
    ];
    const atRequested = [step('requested', 'r1', 0), step('requested', 'r2', 0), step('requesting', 'q1', 1)];
    assert.deepEqual(names(atRequesting, foldOrder(atRequesting)), ['r1', 'r2', 'q1']);
    assert.deepEqual(names(atRequested, foldOrder(atRequested)), ['r1', 'r2', 'q1']);
  });

  it('falls back to the stored order when the counts contradict each other (a history edited by hand)', () => {
    // Each claims to have seen the other: neither can come first.
    const events = [step('requested', 'r1', 1), step('requesting', 'q1', 1)];
    assert.deepEqual(foldOrder(events), [0, 1]);
  });

  it('reaches one order on both nodes for any exchange of steps and messages', () => {
    // A run: each node makes steps knowing what it has received, and messages arrive in order per direction.
    const action = fc.constantFrom(
      'make-requested',
      'make-requesting',
      'deliver-to-requesting',
      'deliver-to-requested',
    );
    fc.assert(
      fc.property(fc.array(action, { maxLength: 40 }), (actions) => {
        type Made = { id: string; side: CaseSide; seenOther: number };
        const logs: Record<CaseSide, Made[]> = { requested: [], requesting: [] };
        const inFlight: Record<CaseSide, Made[]> = { requested: [], requesting: [] };
        const other = (side: CaseSide): CaseSide => (side === 'requested' ? 'requesting' : 'requested');
        const made = { requested: 0, requesting: 0 };
        const deliver = (to: CaseSide) => {
          const next = inFlight[to].shift();
          if (next) logs[to].push(next);
        };
        for (const next of actions) {
          if (next === 'deliver-to-requesting') deliver('requesting');
          else if (next === 'deliver-to-requested') deliver('requested');
          else {
            const side: CaseSide = next === 'make-requested' ? 'requested' : 'requesting';
            made[side] += 1;
            const event = {
              id: `${side}-${made[side]}`,
              side,
              seenOther: logs[side].filter((stored) => stored.side !== side).length,
            };
            logs[side].push(event);
            inFlight[other(side)].push(event);
          }
        }
        while (inFlight.requested.length + inFlight.requesting.length > 0) {
          deliver('requested');
          deliver('requesting');
        }
        const orderAt = (side: CaseSide) => {
          const placed = logs[side].map((event) => step(event.side, event.id, event.seenOther));
          return names(placed, foldOrder(placed));
        };
        const atRequested = orderAt('requested');
        assert.deepEqual(orderAt('requesting'), atRequested);
        // Each side's steps keep the order they were made in.
        for (const side of ['requested', 'requesting'] as const) {
          const own = atRequested.filter((id) => id?.startsWith(`${side}-`));
          assert.deepEqual(
            own,
            own.map((_id, index) => `${side}-${index + 1}`),
          );
        }
      }),
    );
  });
});

describe('a case folded from steps that crossed', () => {
  const preservation: RequestCaseSource = {
    type: 'preservation',
    content: {},
    direction: 'incoming',
    status: 'received',
    deliveryState: null,
    receivedAt: new Date('2026-03-10T08:00:00Z'),
  };
  const at = '2026-03-10T12:00:00.000Z';
  const made = (
    side: CaseSide,
    transition: string,
    payload: object,
    seenOther: number | null,
  ): PlacedEvent => ({
    event: {
      transition,
      actor: actor(side, side === 'requested' ? 'duty-officer' : 'officer'),
      at,
      payload,
    } satisfies CaseEvent,
    seenOther,
  });
  const preserved = [
    made('requested', 'acknowledge', {}, 0),
    made('requested', 'record-preservation', { tookEffectOn: '2026-03-10', preservedUntil: '2026-06-10' }, 0),
  ];
  const extension = made(
    'requesting',
    'request-extension',
    { requestedUntil: '2026-09-10', reasons: 'Court order pending.' },
    2,
  );
  const conversion = made('requested', 'convert', { followUpReference: 'FR-1' }, 0);

  it('keeps a step the other side left without ground, not applied, in the same place on both nodes', () => {
    const atRequested = caseOfStoredSteps(
      preservation,
      [...preserved, conversion, extension],
      CASE_CATALOGUE,
    );
    const atRequesting = caseOfStoredSteps(
      preservation,
      [...preserved, extension, conversion],
      CASE_CATALOGUE,
    );
    assert.ok(atRequested.ok && atRequesting.ok);
    assert.equal(atRequested.case.status, 'converted');
    assert.equal(atRequesting.case.status, 'converted');
    assert.deepEqual(atRequested.superseded, [3]);
    assert.deepEqual(atRequesting.superseded, [2]);
    assert.deepEqual(atRequested.case.history, atRequesting.case.history);
    assert.equal(atRequesting.applied[2], undefined, 'the superseded step has no applied form');
  });

  it("tells each node what the other side's step did where it crossed one of its own", () => {
    // At the requested node the extension arrived last and was not applied.
    const atRequested = caseOfStoredSteps(
      preservation,
      [...preserved, conversion, extension],
      CASE_CATALOGUE,
    );
    assert.ok(atRequested.ok);
    const ownAtRequested = (index: number) => index !== 3;
    assert.equal(crossingOf(atRequested, 3, ownAtRequested), 'not-applied');
    assert.equal(
      crossingOf(atRequested, 2, ownAtRequested),
      undefined,
      'its own conversion crossed nothing it stored before',
    );
    // At the requesting node the conversion arrived after its extension, and left it without ground.
    const atRequesting = caseOfStoredSteps(
      preservation,
      [...preserved, extension, conversion],
      CASE_CATALOGUE,
    );
    assert.ok(atRequesting.ok);
    const ownAtRequesting = (index: number) => index === 2;
    assert.equal(crossingOf(atRequesting, 3, ownAtRequesting), 'own-step-not-applied');
    // Steps that crossed and both apply: neither was set aside.
    const withdrawal = made('requesting', 'withdraw', { reasons: 'Identified otherwise.' }, 2);
    const extended = made('requested', 'extend', { preservedUntil: '2026-07-10' }, 0);
    const both = caseOfStoredSteps(preservation, [...preserved, withdrawal, extended], CASE_CATALOGUE);
    assert.ok(both.ok);
    assert.equal(
      crossingOf(both, 3, (index) => index === 2),
      undefined,
    );
  });

  it('still refuses a step that had seen everything before it and that the rules refuse', () => {
    // The requesting side asks for an extension knowing of the conversion: that is not a crossing.
    const late = { ...extension, seenOther: 3 };
    const folded = caseOfStoredSteps(preservation, [...preserved, conversion, late], CASE_CATALOGUE);
    assert.equal(folded.ok, false);
    assert.equal(folded.ok ? undefined : folded.index, 3);
  });
});
