/**
 * Live updates from the node (Server-Sent Events, GET /api/v1/live): one EventSource per page,
 * shared by every screen that listens, opened while someone listens and closed when nobody does.
 * An update names the request that changed; a screen reloads what it shows of it. The browser
 * reconnects by itself after a network cut; `useLiveConnection` says whether the stream is open
 * (a screen can show "live" or "reconnecting").
 */
import { useEffect, useRef, useSyncExternalStore } from 'react';
import { LIVE_UPDATE_KINDS, type LiveUpdate } from '../../../src/core/live-updates.ts';

export type { LiveUpdate };

type Listener = (update: LiveUpdate) => void;

const listeners = new Set<Listener>();
const connectionListeners = new Set<() => void>();
let source: EventSource | undefined;
let isOpen = false;

function setOpen(value: boolean): void {
  if (isOpen === value) return;
  isOpen = value;
  for (const notify of connectionListeners) notify();
}

function open(): void {
  if (source) return;
  source = new EventSource('/api/v1/live');
  source.onopen = () => setOpen(true);
  source.onerror = () => setOpen(false);
  for (const kind of LIVE_UPDATE_KINDS) {
    source.addEventListener(kind, (event) => {
      const update = JSON.parse((event as MessageEvent<string>).data) as LiveUpdate;
      for (const listener of [...listeners]) listener(update);
    });
  }
}

function closeIfUnused(): void {
  if (listeners.size > 0 || !source) return;
  source.close();
  source = undefined;
  setOpen(false);
}

/** Calls `onUpdate` (the latest one given) with every live update while the component is shown. */
export function useLiveUpdates(onUpdate: Listener): void {
  const latest = useRef(onUpdate);
  latest.current = onUpdate;
  useEffect(() => {
    const listener: Listener = (update) => latest.current(update);
    listeners.add(listener);
    open();
    return () => {
      listeners.delete(listener);
      closeIfUnused();
    };
  }, []);
}

/** Whether the live stream is open now (false while the browser reconnects). */
export function useLiveConnection(): boolean {
  return useSyncExternalStore(
    (notify) => {
      connectionListeners.add(notify);
      return () => connectionListeners.delete(notify);
    },
    () => isOpen,
  );
}
