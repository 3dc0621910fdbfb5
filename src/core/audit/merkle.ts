/**
 * The Merkle tree of the audit log, as RFC 6962 (section 2.1) defines it: a leaf's hash is
 * SHA-256(0x00 || entry), an interior node's SHA-256(0x01 || left || right), a tree of n > 1
 * leaves splits at the largest power of two smaller than n, the empty tree's root is SHA-256 of
 * the empty string. Inclusion proofs (PATH) and consistency proofs (PROOF / SUBPROOF) are built
 * and checked here, pure.
 *
 * The algorithms read the tree through one question, "the hash of the complete subtree at
 * level L, index i" (the 2^L leaves from i * 2^L), so the same code runs over leaves in memory
 * and over the hashes the log stores: a proof asks O(log n) of them (collectSubtreeKeys says
 * which, so storage can fetch them in one read).
 *
 * Everything here is synchronous and free of Node.js modules, so the browser (the auditor screen
 * checks consistency proofs itself) runs this same code: SHA-256 comes from ./sha256.ts.
 */
import { sha256Js } from './sha256.ts';

/** The hash of the complete subtree of 2^level leaves starting at leaf index * 2^level. */
export type CompleteSubtreeHash = (level: number, index: number) => Uint8Array;

const LEAF_PREFIX = Uint8Array.of(0);
const NODE_PREFIX = Uint8Array.of(1);

export const sha256: (...parts: Uint8Array[]) => Uint8Array = sha256Js;

export function hashLeaf(data: Uint8Array): Uint8Array {
  return sha256(LEAF_PREFIX, data);
}

export function hashChildren(left: Uint8Array, right: Uint8Array): Uint8Array {
  return sha256(NODE_PREFIX, left, right);
}

export function emptyRoot(): Uint8Array {
  return sha256();
}

/** The largest power of two strictly smaller than n (n > 1). */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** Whether x is a power of two (x >= 1). */
function isPowerOfTwo(x: number): boolean {
  return x >= 1 && 2 ** Math.round(Math.log2(x)) === x;
}

function log2Exact(x: number): number {
  return Math.round(Math.log2(x));
}

/**
 * MTH(D[start:end]) for a range the RFC's recursion produces (start is a multiple of the
 * largest power of two not above end - start, or the range is complete).
 */
export function subtreeHash(complete: CompleteSubtreeHash, start: number, end: number): Uint8Array {
  const n = end - start;
  if (n === 0) return emptyRoot();
  if (isPowerOfTwo(n) && start % n === 0) return complete(log2Exact(n), start / n);
  const k = splitPoint(n);
  return hashChildren(subtreeHash(complete, start, start + k), subtreeHash(complete, start + k, end));
}

/** PATH(m, D[start:end]) (RFC 6962, 2.1.1), appended to `out` bottom-up. */
function path(complete: CompleteSubtreeHash, m: number, start: number, end: number, out: Uint8Array[]): void {
  const n = end - start;
  if (n <= 1) return;
  const k = splitPoint(n);
  if (m < k) {
    path(complete, m, start, start + k, out);
    out.push(subtreeHash(complete, start + k, end));
  } else {
    path(complete, m - k, start + k, end, out);
    out.push(subtreeHash(complete, start, start + k));
  }
}

/** SUBPROOF(m, D[start:end], b) (RFC 6962, 2.1.2). */
function subproof(
  complete: CompleteSubtreeHash,
  m: number,
  start: number,
  end: number,
  isOriginal: boolean,
  out: Uint8Array[],
): void {
  const n = end - start;
  if (m === n) {
    if (!isOriginal) out.push(subtreeHash(complete, start, end));
    return;
  }
  const k = splitPoint(n);
  if (m <= k) {
    subproof(complete, m, start, start + k, isOriginal, out);
    out.push(subtreeHash(complete, start + k, end));
  } else {
    subproof(complete, m - k, start + k, end, false, out);
    out.push(subtreeHash(complete, start, start + k));
  }
}

export function inclusionProofFrom(
  complete: CompleteSubtreeHash,
  index: number,
  treeSize: number,
): Uint8Array[] {
  if (!Number.isInteger(index) || index < 0 || index >= treeSize) {
    throw new RangeError(`leaf ${index} is not in a tree of ${treeSize}`);
  }
  const out: Uint8Array[] = [];
  path(complete, index, 0, treeSize, out);
  return out;
}

export function consistencyProofFrom(
  complete: CompleteSubtreeHash,
  oldSize: number,
  newSize: number,
): Uint8Array[] {
  if (!Number.isInteger(oldSize) || oldSize < 0 || oldSize > newSize) {
    throw new RangeError(`no consistency proof from ${oldSize} to ${newSize}`);
  }
  const out: Uint8Array[] = [];
  if (oldSize === 0 || oldSize === newSize) return out;
  subproof(complete, oldSize, 0, newSize, true, out);
  return out;
}

export function rootHashFrom(complete: CompleteSubtreeHash, treeSize: number): Uint8Array {
  return subtreeHash(complete, 0, treeSize);
}

/**
 * The keys ("level:index") of the complete subtrees an operation will ask for: the algorithms'
 * shape depends on sizes only, so a dry run with placeholder hashes lists them.
 */
export function collectSubtreeKeys(run: (complete: CompleteSubtreeHash) => unknown): Array<[number, number]> {
  const seen = new Map<string, [number, number]>();
  const placeholder = new Uint8Array(32);
  run((level, index) => {
    seen.set(`${level}:${index}`, [level, index]);
    return placeholder;
  });
  return [...seen.values()];
}

/** Every level of the tree over leaf hashes in memory: levels[0] the leaf hashes, levels[L] the complete nodes. */
function levelsOf(leafHashes: Uint8Array[]): Uint8Array[][] {
  const levels: Uint8Array[][] = [leafHashes];
  let current = leafHashes;
  while (current.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i + 1 < current.length; i += 2) next.push(hashChildren(current[i]!, current[i + 1]!));
    levels.push(next);
    current = next;
  }
  return levels;
}

function inMemory(leaves: Uint8Array[]): CompleteSubtreeHash {
  const levels = levelsOf(leaves.map(hashLeaf));
  return (level, index) => {
    const hash = levels[level]?.[index];
    if (hash === undefined) throw new RangeError(`no complete subtree at level ${level}, index ${index}`);
    return hash;
  };
}

/** MTH over raw entries. */
export function rootHash(leaves: Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return emptyRoot();
  return rootHashFrom(inMemory(leaves), leaves.length);
}

/** The audit path of leaf `index` in the tree of all `leaves` (raw entries). */
export function inclusionProof(leaves: Uint8Array[], index: number): Uint8Array[] {
  return inclusionProofFrom(inMemory(leaves), index, leaves.length);
}

/** The consistency proof between the tree of the first `oldSize` leaves and the tree of all. */
export function consistencyProof(leaves: Uint8Array[], oldSize: number): Uint8Array[] {
  return consistencyProofFrom(inMemory(leaves), oldSize, leaves.length);
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
}

/** RFC 9162, 2.1.3.2: verify an inclusion proof (the RFC 6962 audit path). */
export function verifyInclusion(
  leafHash: Uint8Array,
  index: number,
  treeSize: number,
  proof: Uint8Array[],
  root: Uint8Array,
): boolean {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(treeSize) || index < 0 || index >= treeSize)
    return false;
  let fn = index;
  let sn = treeSize - 1;
  let r = leafHash;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = hashChildren(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = hashChildren(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && equalBytes(r, root);
}

/** RFC 9162, 2.1.4.2: verify a consistency proof between two tree heads. */
export function verifyConsistency(
  oldSize: number,
  newSize: number,
  oldRoot: Uint8Array,
  newRoot: Uint8Array,
  proof: Uint8Array[],
): boolean {
  if (!Number.isSafeInteger(oldSize) || !Number.isSafeInteger(newSize) || oldSize < 0 || oldSize > newSize) {
    return false;
  }
  if (oldSize === newSize) return proof.length === 0 && equalBytes(oldRoot, newRoot);
  if (oldSize === 0) return proof.length === 0;
  if (proof.length === 0) return false;
  const path = isPowerOfTwo(oldSize) ? [oldRoot, ...proof] : [...proof];
  let fn = oldSize - 1;
  let sn = newSize - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = hashChildren(c, fr);
      sr = hashChildren(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = hashChildren(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && equalBytes(fr, oldRoot) && equalBytes(sr, newRoot);
}

/** A stored complete subtree: 2^level leaves from index * 2^level. */
export type SubtreeNode = { level: number; index: number; hash: Uint8Array };

/** The complete subtrees that summarise a tree of `size` leaves (its binary decomposition, left to right). */
export function frontierKeys(size: number): Array<[number, number]> {
  const keys: Array<[number, number]> = [];
  let start = 0;
  for (let level = 52; level >= 0; level -= 1) {
    const width = 2 ** level;
    if (size - start >= width) {
      keys.push([level, start / width]);
      start += width;
    }
  }
  return keys;
}

/**
 * Appends leaf hashes to a tree summarised by its frontier (frontierKeys' subtrees with their
 * hashes): the interior nodes the new leaves complete (level >= 1) and the new frontier.
 */
export function appendLeaves(
  frontier: readonly SubtreeNode[],
  firstIndex: number,
  leafHashes: readonly Uint8Array[],
): { nodes: SubtreeNode[]; frontier: SubtreeNode[] } {
  const stack = [...frontier];
  const nodes: SubtreeNode[] = [];
  for (const [offset, hash] of leafHashes.entries()) {
    stack.push({ level: 0, index: firstIndex + offset, hash });
    while (stack.length >= 2 && stack[stack.length - 1]!.level === stack[stack.length - 2]!.level) {
      const right = stack.pop() as SubtreeNode;
      const left = stack.pop() as SubtreeNode;
      const node = {
        level: left.level + 1,
        index: left.index / 2,
        hash: hashChildren(left.hash, right.hash),
      };
      nodes.push(node);
      stack.push(node);
    }
  }
  return { nodes, frontier: stack };
}

/** The root of a tree from its frontier (folded from the right, as MTH splits). */
export function rootOfFrontier(frontier: readonly SubtreeNode[]): Uint8Array {
  if (frontier.length === 0) return emptyRoot();
  let root = frontier[frontier.length - 1]!.hash;
  for (let i = frontier.length - 2; i >= 0; i -= 1) root = hashChildren(frontier[i]!.hash, root);
  return root;
}
