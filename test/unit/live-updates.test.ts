import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLiveHub, type LiveUpdate } from '../../src/core/live-updates.ts';

const UPDATE: LiveUpdate = {
  kind: 'case-changed',
  requestId: 'r1',
  status: 'acknowledged',
  at: '2026-12-02T10:00:00.000Z',
};

describe('the live hub', () => {
  it('gives every update to every listener subscribed, in order, until it unsubscribes', () => {
    const hub = createLiveHub();
    const first: string[] = [];
    const second: string[] = [];
    const stopFirst = hub.subscribe((update) => first.push(update.requestId));
    hub.subscribe((update) => second.push(update.requestId));
    hub.publish(UPDATE);
    stopFirst();
    hub.publish({ ...UPDATE, requestId: 'r2' });
    assert.deepEqual(first, ['r1']);
    assert.deepEqual(second, ['r1', 'r2']);
    assert.equal(hub.listenerCount(), 1);
  });

  it('drops a listener that throws and keeps telling the others', () => {
    const hub = createLiveHub();
    const heard: string[] = [];
    hub.subscribe(() => {
      throw new Error('a closed stream');
    });
    hub.subscribe((update) => heard.push(update.requestId));
    hub.publish(UPDATE);
    hub.publish({ ...UPDATE, requestId: 'r2' });
    assert.deepEqual(heard, ['r1', 'r2']);
    assert.equal(hub.listenerCount(), 1);
  });
});
