import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  CASE_ROLES,
  CASE_SIDES,
  CASE_STATUSES,
  type Case,
  type CaseEvent,
} from '../../src/core/case/case-model.ts';
import { applyTransition, openCase, replay } from '../../src/core/case/lifecycle.ts';
import { TRANSITIONS, type TransitionDefinition } from '../../src/core/case/transitions.ts';
import { addDays, calendarDateOf } from '../../src/core/treaty/calendar-date.ts';
import { actor, CASE_CATALOGUE, SAMPLES, walk } from '../helpers/case-fixtures.ts';

/** A valid payload for the transition on this case at this moment (dates move with the clock). */
function payloadFor(definition: TransitionDefinition, current: Case, now: Date): unknown {
  const today = calendarDateOf(now);
  const preservedUntil = current.preservation?.preservedUntil ?? today;
  switch (definition.name) {
    case 'postpone':
      return { ...(SAMPLES.postpone.payload as object), until: addDays(today, 30) };
    case 'request-clarification':
      return { questions: 'Which account?', answerBy: addDays(today, 7) };
    case 'record-preservation':
      return { tookEffectOn: today, preservedUntil: addDays(today, 60) };
    case 'request-extension':
      return { requestedUntil: addDays(preservedUntil, 60), reasons: 'Court order pending.' };
    case 'extend':
      return { preservedUntil: addDays(preservedUntil, 60) };
    case 'record-consultation':
      return { ...(SAMPLES['record-consultation'].payload as object), heldOn: today };
    case 'notify-exculpatory-disclosure':
      return { ...(SAMPLES['notify-exculpatory-disclosure'].payload as object), date: today };
    case 'refuse': {
      const ground =
        current.requestType === 'preservation' ? 'preservation-limited-grounds' : 'mla-essential-interests';
      return { ...(SAMPLES.refuse.payload as object), grounds: [ground] };
    }
    default:
      return SAMPLES[definition.name as keyof typeof SAMPLES].payload;
  }
}

const stepArbitrary = fc.record({
  /** Which of the transitions open from the current status (or of all, for a wild attempt). */
  pick: fc.nat(),
  /** Which of the allowed sides and roles acts (or any, for a wild attempt). */
  who: fc.nat(),
  /** Minutes since the previous step (up to 40 days, so preservations can lapse). */
  minutes: fc.integer({ min: 1, max: 40 * 24 * 60 }),
  /** A wild attempt (one in ten): any transition by anyone, which the rules may refuse. */
  isWild: fc.nat(9).map((draw) => draw === 0),
});

type RandomStep = typeof stepArbitrary extends fc.Arbitrary<infer Value> ? Value : never;

type Run = Readonly<{ states: Case[]; final: Case }>;

/**
 * Plays random attempts on a new case; refused attempts must leave the case as it was. `movesOnly`:
 * the steps that are not wild pick among the transitions that move the case to another status.
 */
function play(
  requestType: 'mla' | 'preservation' | 'spontaneous-information',
  steps: RandomStep[],
  movesOnly = false,
): Run {
  let now = Date.parse('2026-03-10T08:00:00Z');
  const opened = openCase({ requestType, urgency: 'urgent' }, actor('requesting', 'officer'), new Date(now));
  assert.ok(opened.ok);
  const states = [opened.case];
  for (const step of steps) {
    now += step.minutes * 60_000;
    const current = states.at(-1)!;
    const open = TRANSITIONS.filter(
      (definition) =>
        definition.from.includes(current.status) && (!movesOnly || definition.to !== 'unchanged'),
    );
    const pool: readonly TransitionDefinition[] = step.isWild || open.length === 0 ? TRANSITIONS : open;
    const definition = pool[step.pick % pool.length]!;
    const side = step.isWild
      ? CASE_SIDES[step.who % 2]!
      : definition.sides[step.who % definition.sides.length]!;
    const roles = step.isWild ? CASE_ROLES : definition.roles;
    const role = roles[step.who % roles.length]!;
    const who = { id: `${side}-${role}-${step.who % 3}`, side, roles: [role] };
    const payload = payloadFor(definition, current, new Date(now));
    const result = applyTransition(
      current,
      { name: definition.name, payload },
      who,
      new Date(now),
      CASE_CATALOGUE,
    );
    if (result.ok) states.push(result.case);
  }
  return { states, final: states.at(-1)! };
}

describe('case lifecycle: replay', () => {
  it('gives the same case as applying the events one by one, for every prefix of any history', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('mla' as const, 'preservation' as const, 'spontaneous-information' as const),
        fc.array(stepArbitrary, { minLength: 5, maxLength: 50 }),
        (requestType, steps) => {
          const { states, final } = play(requestType, steps);
          states.forEach((state, index) => {
            const replayed = replay(final.history.slice(0, index + 1), CASE_CATALOGUE);
            assert.ok(replayed.ok, replayed.ok ? '' : replayed.refusal.message);
            assert.deepEqual(replayed.case, state);
          });
          // The events as they travel between nodes: JSON, with fresh actor objects.
          const travelled = JSON.parse(JSON.stringify(final.history)) as CaseEvent[];
          const replayed = replay(travelled, CASE_CATALOGUE);
          assert.ok(replayed.ok);
          assert.deepEqual(replayed.case, final);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reaches every status (the walk is not stuck at the start)', () => {
    const statuses = new Set<string>();
    fc.assert(
      fc.property(
        fc.constantFrom('mla' as const, 'preservation' as const),
        fc.array(stepArbitrary, { minLength: 5, maxLength: 50 }),
        (type, steps) => {
          // Steps that record without moving (conditions, notices) do not widen the reach.
          for (const state of play(type, steps, true).states) statuses.add(state.status);
        },
      ),
      // Any seed whose walks reach every status will do: the walk's reach is checked, not the seed's.
      { numRuns: 3000, seed: 7 },
    );
    assert.deepEqual([...statuses].sort(), [...CASE_STATUSES].sort());
  });

  it('stops at an event the rules refuse and names its index', () => {
    const history = walk({ requestType: 'mla', urgency: 'routine' }, '2026-03-01T09:00:00Z', [
      ['submit-for-approval', actor('requesting', 'officer'), {}, '2026-03-01T09:05:00Z'],
    ]).history;
    const forged: CaseEvent = { ...history[1]!, transition: 'approve-and-send', actor: history[1]!.actor };
    const result = replay([...history, forged], CASE_CATALOGUE);
    assert.equal(result.ok, false);
    assert.equal(!result.ok && result.index, 2);
    assert.equal(!result.ok && result.refusal.reason, 'role-not-allowed');
    const headless = replay(history.slice(1), CASE_CATALOGUE);
    assert.equal(!headless.ok && headless.index, 0);
    assert.equal(replay([], CASE_CATALOGUE).ok, false);
  });
});
