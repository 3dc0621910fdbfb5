/**
 * Process test: an evidence package travels between real node processes (DE executing, FR
 * requesting) and survives a crash on either side. A 48 MiB item (48 encrypted chunks) is packaged
 * and sent twice: the first time FR (the receiver) is killed with SIGKILL once it holds some of the
 * chunks, the second time DE (the sender) is. After the restart FR resumes from the chunks it holds
 * (it never discards them), completes, and its item has the SHA-256 of the file DE uploaded; the
 * bytes FR serves for download are the file's. No time is measured.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { answer } from '../../src/api-client/client.ts';
import {
  delay,
  bringToExecution,
  deliverTrafficDisclosureFromFrance,
  type Federation,
  startFederation,
} from '../helpers/node-process.ts';

const MIB = 1024 * 1024;
const FILE_BYTES = 48 * MIB;

type Package = {
  id: string;
  status: string;
  failureReason: string | null;
  chunkCount: number;
  receivedItems: { id: string; sha256: string | null }[];
};

function fileBytes(): Buffer {
  const bytes = Buffer.alloc(FILE_BYTES);
  for (let offset = 0; offset < FILE_BYTES; offset += 4)
    bytes.writeUInt32BE((offset * 2654435761) >>> 0, offset);
  return bytes;
}

describe('an evidence package between node processes, interrupted by kill -9', { timeout: 600_000 }, () => {
  let federation: Federation;
  let deRequestId = '';
  let frRequestId = '';
  let deToken = '';
  let frToken = '';
  const file = fileBytes();
  const fileSha256 = createHash('sha256').update(file).digest('hex');
  let itemId = '';

  const tokenOf = async (state: string) => {
    const client = await federation.node(state).userClient('duty-officer');
    return client.credentials?.kind === 'token' ? client.credentials.token : '';
  };
  const call = async (state: 'FR' | 'DE', pathName: string, init: RequestInit = {}) => {
    const token = state === 'FR' ? frToken : deToken;
    return fetch(`${federation.node(state).url}${pathName}`, {
      ...init,
      headers: {
        authorization: `Bearer ${token}`,
        ...(init.body ? { 'content-type': 'application/json' } : {}),
        ...init.headers,
      },
    });
  };
  const packagesAt = async (state: 'FR' | 'DE'): Promise<Package[]> => {
    const id = state === 'FR' ? frRequestId : deRequestId;
    const response = await call(state, `/api/v1/requests/${id}/evidence/packages`);
    assert.equal(response.status, 200);
    return ((await response.json()) as { packages: Package[] }).packages;
  };
  const heldAtFr = (packageId: string) => {
    const directory = path.join(
      federation.node('FR').process.dataDirectory,
      'evidence',
      'incoming',
      packageId,
    );
    return existsSync(directory)
      ? readdirSync(directory).filter((name) => !name.endsWith('.part')).length
      : 0;
  };
  const makeAndSend = async (): Promise<Package> => {
    const made = await call('DE', `/api/v1/requests/${deRequestId}/evidence/packages`, {
      method: 'POST',
      body: JSON.stringify({
        itemIds: [itemId],
        conditions: { limitedToRequestPurpose: true, onwardTransferNeedsConsent: true },
      }),
    });
    assert.equal(made.status, 201, await made.clone().text());
    const { package: created } = (await made.json()) as { package: Package };
    const asked = await call('DE', `/api/v1/requests/${deRequestId}/evidence/packages/${created.id}/send`, {
      method: 'POST',
    });
    assert.equal(asked.status, 200, await asked.text());
    // The two-person rule: DE's supervisor approves, which offers the package to FR.
    const supervisor = await federation.node('DE').userClient('supervisor');
    const approved = await answer(
      supervisor.api.POST('/api/v1/requests/{id}/evidence/packages/{packageId}/approval', {
        params: { path: { id: deRequestId, packageId: created.id } },
        body: { decision: 'approve' },
      }),
    );
    assert.equal(approved.package.status, 'offered');
    return created;
  };
  const waitFor = async <T>(
    what: string,
    probe: () => Promise<T | undefined> | T | undefined,
    timeoutMs = 240_000,
  ) => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const value = await probe();
      if (value !== undefined) return value;
      await delay(10);
    }
    throw new Error(`timed out waiting for ${what}`);
  };
  const waitVerifiedAtFr = (packageId: string) =>
    waitFor(`package ${packageId} settled at FR`, async () => {
      const found = (await packagesAt('FR').catch(() => [])).find((candidate) => candidate.id === packageId);
      return found && (found.status === 'verified' || found.status === 'failed') ? found : undefined;
    });
  const checkReceived = async (received: Package) => {
    assert.equal(received.status, 'verified', received.failureReason ?? '');
    const [local] = received.receivedItems;
    assert.ok(local);
    assert.equal(local.sha256, fileSha256);
    const content = await call('FR', `/api/v1/requests/${frRequestId}/evidence/${local.id}/content`);
    assert.equal(content.status, 200);
    assert.equal(
      createHash('sha256')
        .update(Buffer.from(await content.arrayBuffer()))
        .digest('hex'),
      fileSha256,
    );
  };

  before(async () => {
    federation = await startFederation({ states: ['FR', 'DE'] });
    ({ deRequestId, frRequestId } = await deliverTrafficDisclosureFromFrance(federation));
    await bringToExecution(federation, deRequestId);
    deToken = await tokenOf('DE');
    frToken = await tokenOf('FR');
    const base = federation.node('DE').url;
    const headers = { authorization: `Bearer ${deToken}`, 'tus-resumable': '1.0.0' };
    const created = await fetch(`${base}/api/v1/requests/${deRequestId}/evidence/uploads`, {
      method: 'POST',
      headers: {
        ...headers,
        'upload-length': String(FILE_BYTES),
        'upload-metadata': `filename ${Buffer.from('disk-image.raw').toString('base64')}`,
      },
    });
    assert.equal(created.status, 201, await created.text());
    const location = created.headers.get('location') ?? '';
    const patched = await fetch(new URL(location, base), {
      method: 'PATCH',
      headers: { ...headers, 'content-type': 'application/offset+octet-stream', 'upload-offset': '0' },
      body: file,
    });
    assert.equal(patched.status, 204, await patched.text());
    itemId = location.split('/').at(-1) ?? '';
  });

  after(async () => {
    await federation?.stop();
  });

  it('resumes after the receiver is killed and completes with identical hashes', async () => {
    const created = await makeAndSend();
    assert.equal(created.chunkCount, FILE_BYTES / MIB);
    await waitFor('FR holding some chunks', () => (heldAtFr(created.id) >= 2 ? true : undefined));
    await federation.node('FR').process.kill();
    const heldAtKill = heldAtFr(created.id);
    assert.ok(
      heldAtKill < created.chunkCount,
      `FR held ${heldAtKill} of ${created.chunkCount} chunks when killed`,
    );
    await federation.node('FR').process.start();
    await checkReceived(await waitVerifiedAtFr(created.id));
    // The verdict reaches DE and settles its package there.
    await waitFor('DE recording the verdict', async () =>
      (await packagesAt('DE')).find(
        (candidate) => candidate.id === created.id && candidate.status === 'verified',
      ),
    );
  });

  it('resumes after the sender is killed and completes with identical hashes', async () => {
    const created = await makeAndSend();
    await waitFor('FR holding some chunks', () => (heldAtFr(created.id) >= 2 ? true : undefined));
    await federation.node('DE').process.kill();
    const heldAtKill = heldAtFr(created.id);
    assert.ok(
      heldAtKill < created.chunkCount,
      `FR held ${heldAtKill} of ${created.chunkCount} chunks when DE died`,
    );
    await delay(1500);
    // FR keeps what it has while DE is down.
    assert.ok(heldAtFr(created.id) >= heldAtKill);
    await federation.node('DE').process.start();
    await checkReceived(await waitVerifiedAtFr(created.id));
  });
});
