/**
 * RFC 6962 (Certificate Transparency) Merkle tree over the audit log (R32).
 *
 * The leaves are the audit entries in sequence order: leaf `i` (0-based) is entry `seq = i + 1`, and its
 * bytes are the entry's canonical encoding (`canonicalAuditEntry`, UTF-8). As in RFC 6962 §2.1:
 *
 *   leaf hash  = SHA-256(0x00 || entry)
 *   node hash  = SHA-256(0x01 || left || right)
 *   MTH({})    = SHA-256()
 *   MTH(D[n])  = node(MTH(D[0:k]), MTH(D[k:n]))  with k the largest power of two smaller than n
 *
 * Signed checkpoints carry the tree size and root, so anyone holding two checkpoints and the published key
 * can check, without the database, that an entry is in the log (inclusion proof, §2.1.1) and that the later
 * log extends the earlier one without rewriting it (consistency proof, §2.1.2). Proofs are verified with the
 * algorithms of RFC 9162 §2.1.3.2 and §2.1.4.2, which need no tree, only the proof and the two roots.
 */
import { hash } from 'node:crypto';

const NODE_PREFIX = Buffer.from([1]);

/** SHA-256(0x00 || entry): the hash of one leaf, from the entry's canonical encoding. */
export function leafHash(canonical: string | Buffer): Buffer {
  // '\u0000' encodes to the single byte 0x00 in UTF-8, so the string form needs no buffer copy.
  return typeof canonical === 'string' ? hash('sha256', `\u0000${canonical}`, 'buffer') : hash('sha256', Buffer.concat([Buffer.alloc(1), canonical]), 'buffer');
}

/** SHA-256(0x01 || left || right). */
export function nodeHash(left: Buffer, right: Buffer): Buffer {
  return hash('sha256', Buffer.concat([NODE_PREFIX, left, right], 65), 'buffer');
}

/** The root of the empty tree: SHA-256 of nothing. */
export const EMPTY_ROOT: Buffer = hash('sha256', Buffer.alloc(0), 'buffer');

function isPowerOfTwo(n: number): boolean {
  let p = 1;
  while (p < n) p *= 2;
  return p === n;
}

/** Largest power of two strictly smaller than n (n ≥ 2). */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * Builds the root incrementally, one leaf hash at a time, keeping only the roots of the perfect subtrees (the
 * "frontier", at most log2 n hashes). `root()` at any size equals MTH of the leaves added so far.
 */
export class MerkleAccumulator {
  /** Perfect subtree roots, largest (leftmost) first, with their sizes. */
  private readonly hashes: Buffer[] = [];
  private readonly sizes: number[] = [];
  size = 0;

  add(leaf: Buffer): void {
    let h = leaf;
    let s = 1;
    while (this.sizes.length > 0 && this.sizes[this.sizes.length - 1] === s) {
      const left = this.hashes.pop() as Buffer;
      this.sizes.pop();
      h = nodeHash(left, h);
      s *= 2;
    }
    this.hashes.push(h);
    this.sizes.push(s);
    this.size++;
  }

  root(): Buffer {
    if (this.hashes.length === 0) return EMPTY_ROOT;
    let h = this.hashes[this.hashes.length - 1] as Buffer;
    for (let i = this.hashes.length - 2; i >= 0; i--) h = nodeHash(this.hashes[i] as Buffer, h);
    return h;
  }
}

/** MTH over `leaves[start, end)` (leaf hashes). */
export function subtreeRoot(leaves: readonly Buffer[], start: number, end: number): Buffer {
  const n = end - start;
  if (n === 0) return EMPTY_ROOT;
  if (n === 1) return leaves[start] as Buffer;
  const acc = new MerkleAccumulator();
  for (let i = start; i < end; i++) acc.add(leaves[i] as Buffer);
  return acc.root();
}

/** RFC 6962 §2.1.1 PATH(m, D[n]): the audit path of leaf `m` in the tree of the first `n` leaves. */
export function inclusionProof(leaves: readonly Buffer[], m: number, n: number = leaves.length): Buffer[] {
  if (!Number.isSafeInteger(m) || !Number.isSafeInteger(n) || m < 0 || m >= n || n > leaves.length) {
    throw new RangeError(`no leaf ${m} in a tree of size ${n}`);
  }
  const path: Buffer[] = [];
  let start = 0;
  let end = n;
  let index = m;
  // Walk down from the root; each level contributes the root of the sibling subtree (collected leaf-first).
  while (end - start > 1) {
    const k = split(end - start);
    if (index < k) {
      path.push(subtreeRoot(leaves, start + k, end));
      end = start + k;
    } else {
      path.push(subtreeRoot(leaves, start, start + k));
      start += k;
      index -= k;
    }
  }
  return path.reverse();
}

/** RFC 6962 §2.1.2 PROOF(m, D[n]): proves the tree of the first `m` leaves is a prefix of the tree of `n`. */
export function consistencyProof(leaves: readonly Buffer[], m: number, n: number = leaves.length): Buffer[] {
  if (!Number.isSafeInteger(m) || !Number.isSafeInteger(n) || m < 1 || m > n || n > leaves.length) {
    throw new RangeError(`no consistency proof from size ${m} to size ${n}`);
  }
  const out: Buffer[] = [];
  // SUBPROOF(m, D[start:end], b), iteratively; the nodes are collected top-down and reversed at the end.
  let start = 0;
  let end = n;
  let size = m;
  let complete = true;
  for (;;) {
    const width = end - start;
    if (size === width) {
      if (!complete) out.push(subtreeRoot(leaves, start, end));
      break;
    }
    const k = split(width);
    if (size <= k) {
      out.push(subtreeRoot(leaves, start + k, end));
      end = start + k;
    } else {
      out.push(subtreeRoot(leaves, start, start + k));
      start += k;
      size -= k;
      complete = false;
    }
  }
  return out.reverse();
}

/**
 * RFC 9162 §2.1.3.2: does `leaf` (a leaf hash) sit at `index` in the tree of `size` leaves with `root`?
 */
export function verifyInclusion(leaf: Buffer, index: number, size: number, proof: readonly Buffer[], root: Buffer): boolean {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && r.equals(root);
}

/**
 * RFC 9162 §2.1.4.2: is the tree of `size1` leaves with `root1` a prefix of the tree of `size2` with `root2`?
 */
export function verifyConsistency(size1: number, size2: number, proof: readonly Buffer[], root1: Buffer, root2: Buffer): boolean {
  if (!Number.isSafeInteger(size1) || !Number.isSafeInteger(size2) || size1 < 1 || size1 > size2) return false;
  if (size1 === size2) return proof.length === 0 && root1.equals(root2);
  if (proof.length === 0) return false;
  const path = [...proof];
  // When size1 is a power of two, the old root is itself a node of the new tree and starts the path.
  if (isPowerOfTwo(size1)) path.unshift(root1);
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0] as Buffer;
  let sr = path[0] as Buffer;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return fr.equals(root1) && sr.equals(root2) && sn === 0;
}
