// The RFC 6962 tree of a long audit log, built on a second core while `audit verify` checks the hash chain on
// the first (R32): the two together cost three SHA-256 per entry, which on one core would halve verify's speed.
// Plain JavaScript with no imports but node's own, so it starts in any worker, with or without a TypeScript
// loader. The hashing is the same as `merkle.ts` (MerkleAccumulator); test/audit/merkle-worker.test.ts checks
// that both give the same roots.
//
// Protocol: workerData.sizes = tree sizes whose roots are wanted (ascending). Messages in: string[] (canonical
// entries, in order), then null (the end). Message out: { roots: [size, hex][], root: hex, size }.
import { hash } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';

const sizes = /** @type {number[]} */ (workerData.sizes);
const scratch = Buffer.alloc(65);
scratch[0] = 1;
/** @type {Buffer[]} */
const hashes = [];
/** @type {number[]} */
const widths = [];
let size = 0;
let want = 0;
/** @type {Array<[number, string]>} */
const roots = [];

/** @param {Buffer} left @param {Buffer} right */
function node(left, right) {
  left.copy(scratch, 1);
  right.copy(scratch, 33);
  return hash('sha256', scratch, 'buffer');
}

function root() {
  if (hashes.length === 0) return hash('sha256', Buffer.alloc(0), 'hex');
  let h = hashes[hashes.length - 1];
  for (let i = hashes.length - 2; i >= 0; i--) h = node(hashes[i], h);
  return h.toString('hex');
}

/** @param {string} canonical */
function add(canonical) {
  let h = hash('sha256', `\u0000${canonical}`, 'buffer');
  let w = 1;
  while (widths.length > 0 && widths[widths.length - 1] === w) {
    h = node(/** @type {Buffer} */ (hashes.pop()), h);
    widths.pop();
    w *= 2;
  }
  hashes.push(h);
  widths.push(w);
  size++;
  while (want < sizes.length && sizes[want] <= size) {
    if (sizes[want] === size) roots.push([size, root()]);
    want++;
  }
}

while (want < sizes.length && sizes[want] === 0) {
  roots.push([0, root()]);
  want++;
}

parentPort?.on('message', (/** @type {string[] | null} */ page) => {
  if (page === null) {
    parentPort?.postMessage({ roots, root: root(), size });
    return;
  }
  for (const entry of page) add(entry);
});
