/**
 * A 200 MiB evidence upload to a real node process, in one tus PATCH streamed from disk: the node
 * stores the item with the file's SHA-256, and its resident memory grows by less than the file's
 * size, since the bytes stream through it (sealed as they arrive, then
 * hashed and sealed again in one pass). Its resident memory (VmRSS) is sampled while the upload
 * runs (VmHWM would include the embedded database's start-up peak). No time is measured.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import path from 'node:path';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import {
  deliverTrafficDisclosureFromFrance,
  type Federation,
  startFederation,
  temporaryDirectory,
} from '../helpers/node-process.ts';

const MIB = 1024 * 1024;
const FILE_BYTES = 200 * MIB;

/** The resident memory of a process, in bytes (Linux /proc). */
function residentMemoryOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? Number.NaN) * 1024;
}

/** Writes FILE_BYTES of varied content; answers its SHA-256. */
async function writeLargeFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  const output = createWriteStream(file);
  const block = Buffer.alloc(MIB);
  for (let index = 0; index < FILE_BYTES / MIB; index += 1) {
    block.fill(index % 251);
    block.writeUInt32BE(index, 0);
    hash.update(block);
    if (!output.write(block)) await once(output, 'drain');
  }
  output.end();
  await once(output, 'finish');
  return hash.digest('hex');
}

describe('a 200 MiB evidence upload to a node process', { timeout: 300_000 }, () => {
  let federation: Federation;
  let requestId = '';
  let token = '';
  let pid = 0;
  const directory = temporaryDirectory('comity-evidence-large-');

  before(async () => {
    federation = await startFederation({ states: ['FR', 'DE'] });
    ({ deRequestId: requestId } = await deliverTrafficDisclosureFromFrance(federation));
    const duty = await federation.node('DE').userClient('duty-officer');
    token = duty.credentials?.kind === 'token' ? duty.credentials.token : '';
    pid = federation.node('DE').process.child?.pid ?? 0;
  });

  after(async () => {
    await federation?.stop();
  });

  it('stores it with its hash while its memory stays bounded', async () => {
    const file = path.join(directory, 'disk-image.raw');
    const sha256 = await writeLargeFile(file);
    const base = federation.node('DE').url;
    const headers = { authorization: `Bearer ${token}`, 'tus-resumable': '1.0.0' };
    const created = await fetch(`${base}/api/v1/requests/${requestId}/evidence/uploads`, {
      method: 'POST',
      headers: {
        ...headers,
        'upload-length': String(FILE_BYTES),
        'upload-metadata': `filename ${Buffer.from('disk-image.raw').toString('base64')}`,
      },
    });
    assert.equal(created.status, 201, await created.text());
    const location = created.headers.get('location') ?? '';
    const before = residentMemoryOf(pid);
    let highest = before;
    const sampler = setInterval(() => {
      highest = Math.max(highest, residentMemoryOf(pid));
    }, 20);

    const status = await new Promise<number>((resolve, reject) => {
      const patch = httpRequest(new URL(location, base), {
        method: 'PATCH',
        headers: {
          ...headers,
          'content-type': 'application/offset+octet-stream',
          'upload-offset': '0',
          'content-length': String(FILE_BYTES),
        },
      });
      patch.on('response', (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      patch.on('error', reject);
      createReadStream(file).pipe(patch);
    });
    clearInterval(sampler);
    highest = Math.max(highest, residentMemoryOf(pid));
    assert.equal(status, 204);

    const itemId = location.split('/').at(-1) ?? '';
    const read = await fetch(`${base}/api/v1/requests/${requestId}/evidence/${itemId}`, { headers });
    const { item } = (await read.json()) as { item: { sha256: string; sizeBytes: number; status: string } };
    assert.equal(item.status, 'stored');
    assert.equal(item.sizeBytes, FILE_BYTES);
    assert.equal(item.sha256, sha256);
    const growth = highest - before;
    process.stdout.write(
      `# node RSS before ${Math.round(before / MIB)} MiB, highest during the upload ${Math.round(highest / MIB)} MiB\n`,
    );
    // Less than the file: the node never holds it whole (about 120 MiB here, mostly garbage not yet collected).
    assert.ok(growth < FILE_BYTES, `resident memory grew by ${Math.round(growth / MIB)} MiB`);
  });
});
