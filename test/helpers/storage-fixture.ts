/**
 * Storage suites on one database target: a fresh database opened before the suite and closed
 * after it, one account that authors requests, and a preservation draft (FR to DE) stored at a
 * given time, straight through the repositories (no HTTP).
 */
import { after, before } from 'node:test';
import type { Role } from '../../src/core/roles.ts';
import { preservationDraft } from '../../src/demo/demo-drafts.ts';
import type { DatabaseHandle } from '../../src/storage/database.ts';
import { insertRequest } from '../../src/storage/requests.repository.ts';
import { insertUser } from '../../src/storage/users.repository.ts';
import type { DatabaseTarget } from './database.ts';

export type StorageFixture = Readonly<{
  /** The database (set once the suite's `before` has run). */
  handle: () => DatabaseHandle;
  /** The account's id. */
  userId: () => string;
  /** Stores a preservation draft from FR to DE by the account; returns its id. */
  storeDraft: (now: Date) => Promise<string>;
}>;

/** Registers the suite's before and after hooks; call it inside a describe. */
export function useStorage(
  target: DatabaseTarget,
  account: Readonly<{ username: string; displayName: string; role: Role }>,
): StorageFixture {
  let handle: DatabaseHandle | undefined;
  let userId = '';
  before(async () => {
    handle = await target.open();
    const user = await insertUser(handle.db, {
      username: account.username,
      displayName: account.displayName,
      passwordHash: '!',
      roles: [account.role],
    });
    userId = user.id;
  });
  after(async () => handle?.close());
  const opened = (): DatabaseHandle => {
    if (!handle) throw new Error('the storage fixture is used before its suite started');
    return handle;
  };
  return {
    handle: opened,
    userId: () => userId,
    storeDraft: async (now) => {
      const content = preservationDraft('FR', 'DE', 1);
      const stored = await insertRequest(opened().db, {
        type: content.type,
        content,
        caseReference: null,
        requestedState: 'DE',
        createdBy: userId,
        now,
      });
      return stored.id;
    },
  };
}
