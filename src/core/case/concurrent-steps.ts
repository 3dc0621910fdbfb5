/**
 * Steps made at the same moment on both nodes of a case (docs/case-lifecycle.md, "Steps made at
 * the same moment"). Each node stores its own steps and the other node's in the order it applied
 * them, so two steps made on both sides before either heard of the other are stored in opposite
 * orders. Each step therefore says how many of the other side's steps its node held when it was
 * made (`seenOther`), and both nodes fold the same events in ONE order, whatever order they
 * arrived in:
 *
 * - a step comes after every step it had seen (of either side: its own side's come in the order
 *   they were made);
 * - of two steps made without knowing of each other, the requested side's comes first: it is the
 *   State that acts on the request (it refused, executed, preserved), and the requesting side's
 *   step is read against what it did;
 * - a step that the rules no longer allow once the other side's step comes first is kept in the
 *   history but not applied ("superseded"); a step the rules refuse for any other reason is a
 *   history that does not replay, as before.
 *
 * Both nodes hold the same events, so they reach the same order, the same status and the same
 * superseded steps. Only a requesting side's step can be superseded: a requested side's step comes
 * after nothing it had not seen. Pure: no I/O.
 */
import type { Case, CaseCatalogue, CaseEvent, CaseSide } from './case-model.ts';
import type { FoldResult } from './lifecycle.ts';

/** A stored step and how many of the other side's steps its node held when it was made. */
export type PlacedEvent = Readonly<{
  event: CaseEvent;
  /**
   * The other side's steps its node held when it was made; null when not recorded (a step stored
   * before this rule, or received from a node that does not say it): then every step stored before
   * it here.
   */
  seenOther: number | null;
}>;

/** `seenOther` of each event, a null one read as every step of the other side stored before it. */
function resolvedSeen(events: readonly PlacedEvent[]): number[] {
  const stored: Record<CaseSide, number> = { requesting: 0, requested: 0 };
  return events.map(({ event, seenOther }) => {
    const side = event.actor.side;
    const seen = seenOther ?? stored[side === 'requesting' ? 'requested' : 'requesting'];
    stored[side] += 1;
    return seen;
  });
}

/**
 * The order both nodes fold a case's stored events in, as indexes into `events` (stored in the
 * order this node applied them). Each side's steps keep their order; a step comes after the other
 * side's steps it had seen; of two that had not seen each other, the requested side's first. When
 * the counts cannot all hold (a history edited by hand), the stored order. `seen`: the events'
 * resolved counts, when the caller has them already.
 */
export function foldOrder(events: readonly PlacedEvent[], seen = resolvedSeen(events)): number[] {
  const requested: number[] = [];
  const requesting: number[] = [];
  events.forEach(({ event }, index) => {
    (event.actor.side === 'requested' ? requested : requesting).push(index);
  });
  const order: number[] = [];
  let nextRequested = 0;
  let nextRequesting = 0;
  while (order.length < events.length) {
    const ofRequested = requested[nextRequested];
    const ofRequesting = requesting[nextRequesting];
    if (ofRequested !== undefined && (seen[ofRequested] ?? 0) <= nextRequesting) {
      order.push(ofRequested);
      nextRequested += 1;
    } else if (ofRequesting !== undefined && (seen[ofRequesting] ?? 0) <= nextRequested) {
      order.push(ofRequesting);
      nextRequesting += 1;
    } else {
      return events.map((_event, index) => index);
    }
  }
  return order;
}

/** A case folded from its stored steps: each step as applied, or superseded. */
export type ConcurrentFold =
  | Readonly<{
      ok: true;
      case: Case;
      /** Of each stored event (same index): the event as applied (its payload as the rules read it), or undefined when superseded. */
      applied: readonly (CaseEvent | undefined)[];
      /** The indexes of the stored events that were not applied, in fold order. */
      superseded: readonly number[];
      /** The stored events' indexes in the order they were folded. */
      order: readonly number[];
    }>
  | Readonly<Extract<FoldResult, { ok: false }>>;

/**
 * Folds the stored events in `foldOrder`, each with `applyOne` (the request case's fold of one
 * event). A step the rules refuse is superseded when a step of the other side it had not seen
 * comes before it; otherwise the fold fails at it (`index`: its index in `events`).
 */
export function foldConcurrentSteps(
  start: Case,
  events: readonly PlacedEvent[],
  catalogue: CaseCatalogue,
  applyOne: (current: Case, event: CaseEvent, catalogue: CaseCatalogue) => FoldResult,
): ConcurrentFold {
  const seen = resolvedSeen(events);
  const order = foldOrder(events, seen);
  const applied: (CaseEvent | undefined)[] = events.map(() => undefined);
  const superseded: number[] = [];
  const placed: Record<CaseSide, number> = { requesting: 0, requested: 0 };
  let current = start;
  for (const index of order) {
    const { event } = events[index] as PlacedEvent;
    const side = event.actor.side;
    const otherPlaced = placed[side === 'requesting' ? 'requested' : 'requesting'];
    placed[side] += 1;
    const result = applyOne(current, event, catalogue);
    if (result.ok) {
      current = result.case;
      applied[index] = current.history.at(-1);
    } else if (otherPlaced > (seen[index] ?? 0)) {
      superseded.push(index);
    } else {
      return { ok: false, index, refusal: result.refusal };
    }
  }
  return { ok: true, case: current, applied, superseded, order };
}

/** What a received step did where it crossed a step of this node (its alert says so). */
export type Crossing = 'not-applied' | 'own-step-not-applied';

/**
 * Whether the step stored at `index` crossed one of this node's: `not-applied` when it is itself
 * superseded; `own-step-not-applied` when a step of this node stored before it (`isOwn`) is
 * superseded and comes after it in the fold, so this step is what left it without ground;
 * undefined when it crossed nothing.
 */
export function crossingOf(
  fold: Readonly<{ superseded: readonly number[]; order: readonly number[] }>,
  index: number,
  isOwn: (index: number) => boolean,
): Crossing | undefined {
  if (fold.superseded.includes(index)) return 'not-applied';
  const position = fold.order.indexOf(index);
  const setAside = fold.superseded.some(
    (other) => other < index && isOwn(other) && fold.order.indexOf(other) > position,
  );
  return setAside ? 'own-step-not-applied' : undefined;
}
