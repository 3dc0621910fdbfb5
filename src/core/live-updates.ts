/**
 * What a node tells the people whose screens are open, as it happens: a request arrived, a case
 * changed (on this node or by a message from the other node), an alert was raised. The node
 * publishes an update after the change is committed; the web UI receives it by Server-Sent Events
 * (GET /api/v1/live) and reloads what the update names. An update carries no case content, only
 * which request changed, so a listener reads the rest with its own permissions.
 *
 * In memory and per process: a lost update costs a screen a refresh, never data (the database is
 * the record; alerts that must arrive are queued there).
 */

export const LIVE_UPDATE_KINDS = ['request-arrived', 'case-changed', 'alert-raised'] as const;
export type LiveUpdateKind = (typeof LIVE_UPDATE_KINDS)[number];

export type LiveUpdate = Readonly<{
  kind: LiveUpdateKind;
  /** The request (this node's id) the update is about. */
  requestId: string;
  /** The case's status after the change, when it is a case change. */
  status?: string;
  /** The transition that made the change, when it is a case change. */
  transition?: string;
  /** Who made it, when a person on this node made it (their user id): their own screens need no reload. */
  actorId?: string;
  /** When the change was committed (RFC 3339, UTC). */
  at: string;
  /**
   * For `alert-raised`: how many copies (e-mails, webhook calls) the alert queued, so the alert
   * delivery worker wakes only for alerts that have some. Within the node: not sent to screens.
   */
  queuedDeliveries?: number;
}>;

export type LiveListener = (update: LiveUpdate) => void;

export type LiveHub = Readonly<{
  publish: (update: LiveUpdate) => void;
  /** Calls `listener` for every update published from now on; returns the unsubscribe function. */
  subscribe: (listener: LiveListener) => () => void;
  /** How many listeners are subscribed (open SSE streams and workers). */
  listenerCount: () => number;
}>;

/** A hub for one node process. A listener that throws is dropped; it never stops the others. */
export function createLiveHub(): LiveHub {
  const listeners = new Set<LiveListener>();
  return Object.freeze({
    publish: (update: LiveUpdate) => {
      for (const listener of [...listeners]) {
        try {
          listener(update);
        } catch {
          listeners.delete(listener);
        }
      }
    },
    subscribe: (listener: LiveListener) => {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    listenerCount: () => listeners.size,
  });
}
