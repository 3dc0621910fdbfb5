/**
 * Evidence packages, pure parts: the signed manifest (verifies with the sender's key; refused when
 * signed by another key, altered, or not canonical) and the chunks (a corrupted chunk, a chunk list
 * cut short, two swapped chunks and a chunk from another item are detected; an intact list
 * reassembles to the same bytes).
 */
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  CHUNK_PLAINTEXT_BYTES,
  type ChunkRef,
  ChunkVerificationError,
  newPackageKey,
  openItemChunks,
  sealItemChunks,
} from '../../src/evidence/package-chunks.ts';
import {
  type EvidenceManifest,
  readManifest,
  signManifest,
  verifyManifest,
} from '../../src/evidence/package-manifest.ts';

function ed25519(kidSeed: string) {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const kid = createHash('sha256').update(kidSeed).digest('base64url');
  return {
    kid,
    privateJwk: privateKey.export({ format: 'jwk' }),
    jwk: publicKey.export({ format: 'jwk' }),
  };
}

const ITEM_ID = '0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b';
const MANIFEST: EvidenceManifest = {
  v: 1,
  packageId: '0190a1b2-c3d4-7e5f-8a6b-000000000001',
  from: 'node-b',
  to: 'node-a',
  request: { id: '0190a1b2-c3d4-7e5f-8a6b-000000000002', caseReference: 'AR-2026-7' },
  createdAt: '2026-12-16T10:00:00.000Z',
  items: [
    {
      id: ITEM_ID,
      name: 'subscriber.csv',
      mediaType: 'text/csv',
      sizeBytes: 10,
      sha256: createHash('sha256').update('0123456789').digest('hex'),
      description: '',
      isSensitive: false,
      acquisition: {
        what: 'records',
        fromWhom: 'a provider',
        when: null,
        how: null,
        byWhom: null,
        legalBasis: null,
      },
    },
  ],
  conditions: {
    limitedToRequestPurpose: true,
    onwardTransferNeedsConsent: true,
    confidentialUntil: '2027-06-30',
    note: '',
  },
};

describe('signed manifest', () => {
  const sender = ed25519('sender');
  const other = ed25519('other');

  it('verifies with the sending node key and reads back the same manifest', () => {
    const signed = signManifest(MANIFEST, sender);
    const reading = verifyManifest(signed, sender);
    assert.ok(reading.ok);
    assert.deepEqual(reading.manifest, MANIFEST);
  });

  it('signs the canonical JSON: the same manifest with members in another order gives the same JWS', () => {
    const reordered = JSON.parse(
      JSON.stringify(
        MANIFEST,
        Object.keys(MANIFEST)
          .reverse()
          .concat([
            'id',
            'caseReference',
            'name',
            'mediaType',
            'sizeBytes',
            'sha256',
            'description',
            'isSensitive',
            'acquisition',
            'what',
            'fromWhom',
            'when',
            'how',
            'byWhom',
            'legalBasis',
            'limitedToRequestPurpose',
            'onwardTransferNeedsConsent',
            'confidentialUntil',
            'note',
          ]),
      ),
    );
    assert.equal(signManifest(reordered, sender), signManifest(MANIFEST, sender));
  });

  it('refuses a manifest signed by another key', () => {
    const signed = signManifest(MANIFEST, other);
    const reading = verifyManifest(signed, sender);
    assert.equal(reading.ok, false);
    // Even when the other key claims the sender's kid.
    const forged = signManifest(MANIFEST, { kid: sender.kid, privateJwk: other.privateJwk });
    const forgedReading = verifyManifest(forged, sender);
    assert.deepEqual(forgedReading, { ok: false, reason: 'the signature does not verify' });
  });

  it('refuses an altered manifest', () => {
    const signed = signManifest(MANIFEST, sender);
    const [header, , signature] = signed.split('.');
    const altered = {
      ...MANIFEST,
      conditions: { ...MANIFEST.conditions, onwardTransferNeedsConsent: false },
    };
    const payload = Buffer.from(JSON.stringify(altered)).toString('base64url');
    assert.equal(verifyManifest(`${header}.${payload}.${signature}`, sender).ok, false);
  });

  it('refuses a payload that is not canonical JSON, another typ, and extra header members', () => {
    const [, , signature] = signManifest(MANIFEST, sender).split('.');
    const header = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const canonical = signManifest(MANIFEST, sender).split('.')[1] ?? '';
    const spaced = Buffer.from(JSON.stringify(MANIFEST, null, 1)).toString('base64url');
    const goodHeader = header({ alg: 'EdDSA', kid: sender.kid, typ: 'comity-evidence-manifest+jws' });
    assert.deepEqual(readManifest(`${goodHeader}.${spaced}.${signature}`), {
      ok: false,
      reason: 'the payload is not canonical JSON',
    });
    assert.equal(
      readManifest(
        `${header({ alg: 'EdDSA', kid: sender.kid, typ: 'comity-message+jws' })}.${canonical}.${signature}`,
      ).ok,
      false,
    );
    assert.equal(
      readManifest(
        `${header({ alg: 'none', kid: sender.kid, typ: 'comity-evidence-manifest+jws' })}.${canonical}.${signature}`,
      ).ok,
      false,
    );
    assert.equal(
      readManifest(
        `${header({ alg: 'EdDSA', kid: sender.kid, typ: 'comity-evidence-manifest+jws', jwk: {} })}.${canonical}.${signature}`,
      ).ok,
      false,
    );
  });

  it('refuses to sign a manifest that does not fit the schema', () => {
    assert.throws(() => signManifest({ ...MANIFEST, items: [] }, sender));
  });
});

async function* pieces(bytes: Buffer, size: number) {
  for (let offset = 0; offset < bytes.length; offset += size) yield bytes.subarray(offset, offset + size);
}

async function sealed(bytes: Buffer) {
  const key = newPackageKey();
  const packageId = MANIFEST.packageId;
  const store = new Map<string, Buffer>();
  const refs: ChunkRef[] = [];
  const summary = await sealItemChunks(
    key,
    packageId,
    ITEM_ID,
    pieces(bytes, 100_000),
    async (chunk, place) => {
      const hash = createHash('sha256').update(chunk).digest('hex');
      store.set(hash, chunk);
      refs.push({ item: place.itemId, index: place.index, hash, size: chunk.length });
    },
  );
  const item = { id: ITEM_ID, sizeBytes: summary.sizeBytes, sha256: summary.sha256 };
  const open = async (
    list: readonly ChunkRef[],
    read = async (hash: string) => store.get(hash) ?? Buffer.alloc(0),
  ) => {
    const out: Buffer[] = [];
    await openItemChunks(key, packageId, item, list, read, async (piece) => {
      out.push(piece);
    });
    return Buffer.concat(out);
  };
  return { key, store, refs, item, open };
}

describe('package chunks', () => {
  const bytes = randomBytes(CHUNK_PLAINTEXT_BYTES * 3 + 12345);

  it('seals an item into content-addressed chunks that reassemble to the same bytes', async () => {
    const { refs, item, open } = await sealed(bytes);
    assert.equal(refs.length, 4);
    assert.equal(item.sha256, createHash('sha256').update(bytes).digest('hex'));
    assert.ok((await open(refs)).equals(bytes));
    // An empty item is one empty chunk.
    const empty = await sealed(Buffer.alloc(0));
    assert.equal(empty.refs.length, 1);
    assert.equal((await empty.open(empty.refs)).length, 0);
  });

  it('detects a corrupted chunk', async () => {
    const { refs, store, open } = await sealed(bytes);
    const target = refs[1]?.hash ?? '';
    const corrupted = Buffer.from(store.get(target) ?? Buffer.alloc(0));
    corrupted[100] = (corrupted[100] ?? 0) ^ 1;
    await assert.rejects(
      open(refs, async (hash) => (hash === target ? corrupted : (store.get(hash) ?? Buffer.alloc(0)))),
      (error) => error instanceof ChunkVerificationError && /does not match its address/.test(error.message),
    );
  });

  it('detects a chunk list cut short', async () => {
    const { refs, open } = await sealed(bytes);
    await assert.rejects(open(refs.slice(0, -1)), ChunkVerificationError);
    await assert.rejects(open(refs.slice(1)), /chunk 0 is missing/);
  });

  it('detects two swapped chunks', async () => {
    const { refs, open } = await sealed(bytes);
    const [first, second, ...rest] = refs;
    assert.ok(first && second);
    const swapped = [
      { ...first, hash: second.hash, size: second.size },
      { ...second, hash: first.hash, size: first.size },
      ...rest,
    ];
    await assert.rejects(open(swapped), /does not open at its place/);
  });

  it('detects a chunk of another item put in the list', async () => {
    const a = await sealed(bytes);
    const b = await sealed(bytes);
    const list = a.refs.map((ref, index) => (index === 2 ? { ...ref, hash: b.refs[2]?.hash ?? '' } : ref));
    await assert.rejects(
      a.open(list, async (hash) => a.store.get(hash) ?? b.store.get(hash) ?? Buffer.alloc(0)),
      ChunkVerificationError,
    );
  });
});
