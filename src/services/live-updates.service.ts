/**
 * Live updates for one person: the node's updates (src/core/live-updates.ts) filtered to the
 * requests the person may read, with the same rule as every read (requestAccessOf). The SSE route
 * (GET /api/v1/live) streams what this yields.
 */
import type { AppContext } from '../app-context.ts';
import type { LiveUpdate } from '../core/live-updates.ts';
import type { Actor } from '../policies/access.ts';
import { findRequestById, type StoredRequest } from '../storage/requests.repository.ts';
import { accessTo } from './request-access.ts';

/**
 * The request an update names, read once per update however many streams are open (the hub
 * hands every listener the same update object).
 */
const requestOfUpdate = new WeakMap<LiveUpdate, Promise<StoredRequest | undefined>>();

function requestNamedBy(context: AppContext, update: LiveUpdate): Promise<StoredRequest | undefined> {
  let found = requestOfUpdate.get(update);
  if (!found) {
    found = findRequestById(context.db, update.requestId).catch(() => undefined);
    requestOfUpdate.set(update, found);
  }
  return found;
}

/**
 * Calls `deliver` with every update from now on about a request `actor` may read; returns the
 * function that stops. Updates reach `deliver` in the order they were published.
 */
export function followLiveUpdates(
  context: AppContext,
  actor: Actor,
  deliver: (update: LiveUpdate) => void,
): () => void {
  let chain = Promise.resolve();
  let isStopped = false;
  const unsubscribe = context.live.subscribe((update) => {
    chain = chain.then(async () => {
      if (isStopped) return;
      const stored = await requestNamedBy(context, update);
      if (!isStopped && stored && accessTo(context, actor, stored) !== 'none') deliver(update);
    });
  });
  return () => {
    isStopped = true;
    unsubscribe();
  };
}
