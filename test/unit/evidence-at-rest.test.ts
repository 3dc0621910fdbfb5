/**
 * Sealing at rest (src/evidence/at-rest.ts): what is sealed opens to the same bytes, whatever the
 * size (empty, one chunk, chunk boundaries, several chunks); the sealed file does not contain the
 * plaintext; a flipped byte, a truncated file, a file extended after its last chunk, two swapped
 * chunks and a file sealed under another node's key are each refused. The key file is 0600.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { after, describe, it } from 'node:test';
import { openAtRest, resealAtRest, sealAtRest } from '../../src/evidence/at-rest.ts';

const CHUNK = 64 * 1024;
const HEADER = 17 + 16;
const SEALED_CHUNK = CHUNK + 16;

/** Streams `bytes` through a transform in pieces of `piece` bytes. */
function through(bytes: Buffer, transform: NodeJS.ReadWriteStream, piece = 10_000): Promise<Buffer> {
  const pieces = [];
  for (let offset = 0; offset < bytes.length; offset += piece)
    pieces.push(bytes.subarray(offset, offset + piece));
  return buffer(Readable.from(pieces).pipe(transform));
}

describe('evidence sealed at rest', () => {
  const directory = mkdtempSync(path.join(os.tmpdir(), 'comity-at-rest-'));
  const other = mkdtempSync(path.join(os.tmpdir(), 'comity-at-rest-other-'));
  after(() => {
    rmSync(directory, { recursive: true, force: true });
    rmSync(other, { recursive: true, force: true });
  });

  it('opens to the same bytes at every size, and keeps its key owner-only', async () => {
    for (const size of [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 123]) {
      const plain = randomBytes(size);
      const sealed = await through(plain, sealAtRest(directory));
      assert.equal(sealed.length, HEADER + size + 16 * Math.max(1, Math.ceil(size / CHUNK)), `size ${size}`);
      assert.ok((await through(sealed, openAtRest(directory), 7777)).equals(plain), `size ${size}`);
      if (size > 64) assert.equal(sealed.includes(plain.subarray(0, 64)), false);
    }
    assert.equal(statSync(path.join(directory, 'at-rest.key')).mode & 0o777, 0o600);
  });

  it('refuses a changed, truncated, extended or reordered file, and another key', async () => {
    const plain = randomBytes(3 * CHUNK + 10);
    const sealed = await through(plain, sealAtRest(directory));
    const flipped = Buffer.from(sealed);
    flipped[HEADER + 100] = (flipped[HEADER + 100] ?? 0) ^ 1;
    const truncated = sealed.subarray(0, HEADER + 2 * SEALED_CHUNK);
    const extended = Buffer.concat([sealed, sealed.subarray(HEADER, HEADER + SEALED_CHUNK)]);
    const swapped = Buffer.concat([
      sealed.subarray(0, HEADER),
      sealed.subarray(HEADER + SEALED_CHUNK, HEADER + 2 * SEALED_CHUNK),
      sealed.subarray(HEADER, HEADER + SEALED_CHUNK),
      sealed.subarray(HEADER + 2 * SEALED_CHUNK),
    ]);
    for (const [name, bytes, opener] of [
      ['flipped', flipped, openAtRest(directory)],
      ['truncated', truncated, openAtRest(directory)],
      ['extended', extended, openAtRest(directory)],
      ['swapped', swapped, openAtRest(directory)],
      ['other key', sealed, openAtRest(other)],
    ] as const) {
      await assert.rejects(through(bytes, opener), /sealed evidence file/, name);
    }
  });

  it("reseals an upload's parts as one file, with the SHA-256 of their bytes, and refuses a changed part", async () => {
    // Part sizes cross the worker's 1 MiB slots and the 64 KiB chunks (as PATCHes of any size do).
    const parts = [2 * 1024 * 1024 + 5, 0, CHUNK - 3, 1024 * 1024].map((size) => randomBytes(size));
    const files = [];
    for (const [index, part] of parts.entries()) {
      const file = path.join(directory, `part-${index}.sealed`);
      writeFileSync(file, await through(part, sealAtRest(directory)));
      files.push(file);
    }
    const plain = Buffer.concat(parts);
    const target = path.join(directory, 'item.sealed');
    const sealed = await resealAtRest(directory, files, target);
    assert.deepEqual(sealed, {
      sha256: createHash('sha256').update(plain).digest('hex'),
      length: plain.length,
    });
    assert.equal(statSync(target).mode & 0o777, 0o600);
    const bytes = readFileSync(target);
    assert.equal(bytes.length, HEADER + plain.length + 16 * Math.ceil(plain.length / CHUNK));
    assert.ok((await through(bytes, openAtRest(directory), 65_537)).equals(plain));

    const changed = Buffer.from(readFileSync(files[0] as string));
    changed[HEADER + 5 * SEALED_CHUNK] = (changed[HEADER + 5 * SEALED_CHUNK] ?? 0) ^ 1;
    writeFileSync(files[0] as string, changed);
    const refused = path.join(directory, 'refused.sealed');
    await assert.rejects(resealAtRest(directory, files, refused), /sealed evidence file/);
    assert.equal(existsSync(refused), false, 'no partial file is left');
  });
});
