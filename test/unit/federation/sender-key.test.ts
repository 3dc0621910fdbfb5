/**
 * The receiver's lookup of a sender's key (src/federation/inbox/sender-key.ts) over an in-memory
 * directory: which faults are transient (no directory yet, an expired one, a listed node's key
 * not published yet) and which are final (a node the directory does not list, a key still unknown
 * after the grace period), and how often an unknown key makes the directory refresh.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '../../../src/core/errors.ts';
import type { DirectoryLookup } from '../../../src/federation/context.ts';
import {
  ANY_UNKNOWN_KEY_REFRESH_INTERVAL_MS,
  findSenderKey,
  SenderNotVerifiableError,
  UNKNOWN_KEY_GRACE_MS,
  UNKNOWN_KEY_REFRESH_INTERVAL_MS,
} from '../../../src/federation/inbox/sender-key.ts';
import type { DirectoryKey, DirectoryNode } from '../../../src/federation/protocol/types.ts';

const KEY: DirectoryKey = {
  kid: 'k'.repeat(43),
  use: 'sig',
  jwk: { kty: 'OKP', crv: 'Ed25519', x: 'x'.repeat(43) },
  notBefore: '2020-01-01T00:00:00Z',
  notAfter: '2100-01-01T00:00:00Z',
};
const NEW_KID = 'n'.repeat(43);

/** A directory in memory: `publish` is what the next refresh brings. */
function memoryDirectory(state: { expiredSince?: string; isFetched?: boolean }) {
  let keys: DirectoryKey[] = [KEY];
  let published: DirectoryKey[] = [KEY];
  let refreshes = 0;
  const node = (nodeId: string): DirectoryNode => ({
    nodeId,
    state: 'FR',
    authority: 'central-authority',
    endpoint: 'https://fr.example',
    keys,
    acceptedLanguages: ['fr'],
    serviceLevel: {},
  });
  const lookup: DirectoryLookup = {
    findNode: (nodeId) =>
      ['fr-ca', 'de-247'].includes(nodeId) && !state.expiredSince ? node(nodeId) : undefined,
    findNodeFor: () => undefined,
    listNodes: () => ['fr-ca', 'de-247'].map(node),
    findKey: (nodeId, kid) => lookup.findNode(nodeId)?.keys.find((key) => key.kid === kid),
    describe: () =>
      state.isFetched === false
        ? undefined
        : { serial: 1, issuedAt: '2026-12-01T00:00:00Z', expiresAt: '2026-12-08T00:00:00Z', fetchedAt: '' },
    expiredSince: () => state.expiredSince,
    refresh: async () => {
      refreshes += 1;
      keys = published;
    },
  };
  return {
    lookup,
    publish: (next: DirectoryKey[]) => {
      published = next;
    },
    refreshes: () => refreshes,
  };
}

async function reasonOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    if (error instanceof SenderNotVerifiableError) return error.reason;
    if (error instanceof AppError) return error.code;
    throw error;
  }
}

describe('the sender key at the receiver', () => {
  const now = new Date('2026-12-02T10:00:00Z');

  it('finds a listed key without refreshing', async () => {
    const directory = memoryDirectory({});
    assert.deepEqual(await findSenderKey(directory.lookup, 'fr-ca', KEY.kid, now), KEY);
    assert.equal(directory.refreshes(), 0);
  });

  it('is transient without a directory yet, and with an expired one', async () => {
    assert.equal(
      await reasonOf(findSenderKey(memoryDirectory({ isFetched: false }).lookup, 'fr-ca', KEY.kid, now)),
      'unavailable',
    );
    const expired = memoryDirectory({ expiredSince: '2026-12-01T00:00:00Z' });
    assert.equal(await reasonOf(findSenderKey(expired.lookup, 'fr-ca', KEY.kid, now)), 'directory-expired');
    assert.equal(await reasonOf(findSenderKey(expired.lookup, 'xx-node', KEY.kid, now)), 'directory-expired');
  });

  it('refuses a node the directory does not list at once, without refreshing', async () => {
    const directory = memoryDirectory({});
    assert.equal(await findSenderKey(directory.lookup, 'xx-node', KEY.kid, now), undefined);
    assert.equal(directory.refreshes(), 0);
  });

  it('refreshes on a listed node’s unknown key and finds it once published', async () => {
    const directory = memoryDirectory({});
    const rotated = { ...KEY, kid: NEW_KID };
    directory.publish([KEY, rotated]);
    assert.deepEqual(await findSenderKey(directory.lookup, 'fr-ca', NEW_KID, now), rotated);
    assert.equal(directory.refreshes(), 1);
  });

  it('answers an unpublished key as transient for the grace period, refreshing at most once per interval', async () => {
    const directory = memoryDirectory({});
    const at = (ms: number) => new Date(now.getTime() + ms);
    assert.equal(
      await reasonOf(findSenderKey(directory.lookup, 'fr-ca', NEW_KID, at(0))),
      'unknown-sender-key',
    );
    assert.equal(
      await reasonOf(findSenderKey(directory.lookup, 'fr-ca', NEW_KID, at(1000))),
      'unknown-sender-key',
    );
    assert.equal(directory.refreshes(), 1);
    const later = UNKNOWN_KEY_REFRESH_INTERVAL_MS + 1;
    assert.equal(
      await reasonOf(findSenderKey(directory.lookup, 'fr-ca', NEW_KID, at(later))),
      'unknown-sender-key',
    );
    assert.equal(directory.refreshes(), 2);
    assert.equal(
      await findSenderKey(directory.lookup, 'fr-ca', NEW_KID, at(UNKNOWN_KEY_GRACE_MS)),
      undefined,
    );
  });

  it('refreshes for unknown keys of several nodes at most once per global interval', async () => {
    const directory = memoryDirectory({});
    const at = (ms: number) => new Date(now.getTime() + ms);
    await reasonOf(findSenderKey(directory.lookup, 'fr-ca', NEW_KID, at(0)));
    await reasonOf(findSenderKey(directory.lookup, 'de-247', NEW_KID, at(1000)));
    assert.equal(directory.refreshes(), 1, 'the refresh of a moment ago served both');
    await reasonOf(
      findSenderKey(directory.lookup, 'de-247', NEW_KID, at(ANY_UNKNOWN_KEY_REFRESH_INTERVAL_MS + 1)),
    );
    assert.equal(directory.refreshes(), 2);
  });
});
