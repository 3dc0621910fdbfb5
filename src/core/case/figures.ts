/**
 * Figures of one case, kept for a later transparency report (docs/case-lifecycle.md, "Figures"):
 * how long the request took to be delivered, acknowledged, decided on and executed. Pure: they are
 * read from the case's history (the lifecycle's steps, each with its moment) and the moment the
 * request left, which the request flow knows. A step the case has not reached gives null.
 */

/** One step of a case's history: a transition and when it happened (ISO 8601). */
export type FigureStep = Readonly<{ transition: string; at: string }>;

export type CaseFigures = Readonly<{
  /** Sent -> delivered (the signed receipt). */
  deliverSeconds: number | null;
  /** Delivered -> acknowledged. */
  acknowledgeSeconds: number | null;
  /** Delivered -> accepted or refused. */
  decideSeconds: number | null;
  /** Accepted -> executed fully. */
  executeSeconds: number | null;
}>;

const DECISIONS: readonly string[] = ['accept', 'refuse'];

function firstAt(history: readonly FigureStep[], transitions: readonly string[]): number | undefined {
  const step = history.find((entry) => transitions.includes(entry.transition));
  return step ? Date.parse(step.at) : undefined;
}

function secondsBetween(from: number | undefined, to: number | undefined): number | null {
  if (from === undefined || to === undefined || Number.isNaN(from) || Number.isNaN(to)) return null;
  return Math.max(0, Math.round((to - from) / 1000));
}

/**
 * The figures of a case from its history, oldest first; `sentAt` is when the request left (the
 * first message of the case), used when the history does not hold the sending itself.
 */
export function caseFigures(history: readonly FigureStep[], sentAt: string | null = null): CaseFigures {
  const sent = sentAt === null ? firstAt(history, ['approve-and-send']) : Date.parse(sentAt);
  const delivered = firstAt(history, ['record-delivery']);
  const accepted = firstAt(history, ['accept']);
  return {
    deliverSeconds: secondsBetween(sent, delivered),
    acknowledgeSeconds: secondsBetween(delivered, firstAt(history, ['acknowledge'])),
    decideSeconds: secondsBetween(delivered, firstAt(history, DECISIONS)),
    executeSeconds: secondsBetween(accepted, firstAt(history, ['execute-fully'])),
  };
}

/** The times of a case counted from its receipt by the requested side (the transparency report). */
export type ReceiptFigures = Readonly<{
  /** Received -> acknowledged. */
  acknowledgeSeconds: number | null;
  /** Received -> accepted, refused or preserved (a preservation is the decision to assist). */
  decideSeconds: number | null;
  /** Received -> executed fully or preserved. */
  executeSeconds: number | null;
}>;

const DECIDING: readonly string[] = ['accept', 'refuse', 'record-preservation'];
const EXECUTING: readonly string[] = ['execute-fully', 'record-preservation'];

/** The figures of a case from its history, measured from the receipt (`record-delivery`). */
export function receiptFigures(history: readonly FigureStep[]): ReceiptFigures {
  const received = firstAt(history, ['record-delivery']);
  return {
    acknowledgeSeconds: secondsBetween(received, firstAt(history, ['acknowledge'])),
    decideSeconds: secondsBetween(received, firstAt(history, DECIDING)),
    executeSeconds: secondsBetween(received, firstAt(history, EXECUTING)),
  };
}
