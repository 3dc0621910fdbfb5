/**
 * The audit log's Merkle tree (src/core/audit/merkle.ts) against RFC 6962, section 2.1: the test
 * writes MTH, PATH and SUBPROOF out again from the RFC's definitions (over array slices, no
 * shared code), compares root hashes and proofs for every tree size 0 to 8, checks that the
 * verifiers accept every proof and refuse altered ones, and runs fast-check properties on larger
 * trees.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  consistencyProof,
  hashLeaf,
  inclusionProof,
  rootHash,
  verifyConsistency,
  verifyInclusion,
} from '../../src/core/audit/merkle.ts';
import { sha256Js } from '../../src/core/audit/sha256.ts';

// --- RFC 6962, 2.1, written out independently --------------------------------------------------

function h(...parts: Uint8Array[]): Uint8Array {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return new Uint8Array(hash.digest());
}

/** "k is the largest power of two smaller than n (i.e., k < n <= 2k)". */
function k(n: number): number {
  let value = 1;
  while (value < n) value <<= 1;
  return value >> 1;
}

function MTH(D: Uint8Array[]): Uint8Array {
  const n = D.length;
  if (n === 0) return h();
  if (n === 1) return h(Uint8Array.of(0), D[0]!);
  const split = k(n);
  return h(Uint8Array.of(1), MTH(D.slice(0, split)), MTH(D.slice(split)));
}

function PATH(m: number, D: Uint8Array[]): Uint8Array[] {
  const n = D.length;
  if (n === 1) return [];
  const split = k(n);
  if (m < split) return [...PATH(m, D.slice(0, split)), MTH(D.slice(split))];
  return [...PATH(m - split, D.slice(split)), MTH(D.slice(0, split))];
}

function SUBPROOF(m: number, D: Uint8Array[], b: boolean): Uint8Array[] {
  const n = D.length;
  if (m === n) return b ? [] : [MTH(D)];
  const split = k(n);
  if (m <= split) return [...SUBPROOF(m, D.slice(0, split), b), MTH(D.slice(split))];
  return [...SUBPROOF(m - split, D.slice(split), false), MTH(D.slice(0, split))];
}

function PROOF(m: number, D: Uint8Array[]): Uint8Array[] {
  return SUBPROOF(m, D, true);
}

// ---------------------------------------------------------------------------------------------

function entries(count: number, seed = 0): Uint8Array[] {
  return Array.from({ length: count }, (_, i) => new TextEncoder().encode(`{"entry":${i},"seed":${seed}}`));
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const hexAll = (list: Uint8Array[]) => list.map(hex);

describe('RFC 6962 Merkle tree', () => {
  it('hashes a leaf as SHA-256(0x00 || data) and the empty tree as SHA-256 of nothing', () => {
    const data = new TextEncoder().encode('entry');
    assert.equal(
      hex(hashLeaf(data)),
      createHash('sha256')
        .update(Buffer.from([0]))
        .update(data)
        .digest('hex'),
    );
    assert.equal(hex(rootHash([])), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  for (let n = 0; n <= 8; n += 1) {
    it(`matches MTH, PATH and PROOF for a tree of ${n}`, () => {
      const D = entries(n);
      const root = rootHash(D);
      assert.equal(hex(root), hex(MTH(D)));
      for (let m = 0; m < n; m += 1) {
        const proof = inclusionProof(D, m);
        assert.deepEqual(hexAll(proof), hexAll(PATH(m, D)), `PATH(${m}) of ${n}`);
        assert.ok(verifyInclusion(hashLeaf(D[m]!), m, n, proof, root), `inclusion of ${m} in ${n}`);
        assert.ok(!verifyInclusion(hashLeaf(D[(m + 1) % n]!), m, n, proof, root) || n === 1);
        if (proof.length > 0) {
          const altered = proof.map((p, i) => (i === 0 ? h(p) : p));
          assert.ok(!verifyInclusion(hashLeaf(D[m]!), m, n, altered, root));
          assert.ok(!verifyInclusion(hashLeaf(D[m]!), m, n, proof.slice(1), root));
        }
      }
      for (let m = 1; m < n; m += 1) {
        const proof = consistencyProof(D, m);
        assert.deepEqual(hexAll(proof), hexAll(PROOF(m, D)), `PROOF(${m}) of ${n}`);
        const oldRoot = MTH(D.slice(0, m));
        assert.ok(verifyConsistency(m, n, oldRoot, root, proof), `consistency ${m} -> ${n}`);
        assert.ok(!verifyConsistency(m, n, h(oldRoot), root, proof));
        assert.ok(!verifyConsistency(m, n, oldRoot, h(root), proof));
        const altered = proof.map((p, i) => (i === proof.length - 1 ? h(p) : p));
        assert.ok(!verifyConsistency(m, n, oldRoot, root, altered));
      }
      assert.deepEqual(consistencyProof(D, n), []);
      assert.ok(verifyConsistency(n, n, root, root, []));
      assert.ok(verifyConsistency(0, n, h(), root, []));
    });
  }

  it('refuses a leaf index outside the tree', () => {
    assert.throws(() => inclusionProof(entries(3), 3), RangeError);
    assert.throws(() => consistencyProof(entries(3), 4), RangeError);
    assert.ok(!verifyInclusion(hashLeaf(entries(1)[0]!), 1, 1, [], rootHash(entries(1))));
  });

  it('proves every leaf of any tree, and every prefix consistent (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 200 }),
        fc.nat(),
        fc.nat(),
        fc.integer({ min: 0, max: 1000 }),
        (n, a, b, seed) => {
          const D = entries(n, seed);
          const root = rootHash(D);
          const m = a % n;
          const proof = inclusionProof(D, m);
          assert.ok(proof.length <= Math.ceil(Math.log2(n)));
          assert.ok(verifyInclusion(hashLeaf(D[m]!), m, n, proof, root));
          const old = b % (n + 1);
          const consistency = consistencyProof(D, old);
          assert.ok(consistency.length <= Math.ceil(Math.log2(n)) + 1);
          assert.ok(verifyConsistency(old, n, rootHash(D.slice(0, old)), root, consistency));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses a proof against a tree whose entry changed (fast-check)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 100 }), fc.nat(), fc.nat(), (n, a, b) => {
        const D = entries(n);
        const m = a % n;
        const changed = b % (n - 1);
        const E = D.map((entry, i) => (i === changed ? new TextEncoder().encode('changed') : entry));
        const proof = inclusionProof(D, m);
        assert.ok(!verifyInclusion(hashLeaf(D[m]!), m, n, proof, rootHash(E)));
        const old = changed + 1;
        assert.ok(
          !verifyConsistency(old, n, rootHash(E.slice(0, old)), rootHash(D), consistencyProof(D, old)),
        );
      }),
      { numRuns: 100 },
    );
  });

  it('hashes with a SHA-256 equal to node:crypto for every length across block boundaries and split inputs (fast-check)', () => {
    for (let length = 0; length <= 200; length += 1) {
      const data = Uint8Array.from({ length }, (_, i) => (i * 31 + length) & 0xff);
      assert.deepEqual(sha256Js(data), h(data), `length ${length}`);
    }
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 5 }), (parts) => {
        assert.deepEqual(sha256Js(...parts), h(...parts));
      }),
      { numRuns: 300 },
    );
  });
});
