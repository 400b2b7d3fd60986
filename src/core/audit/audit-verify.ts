/**
 * Recomputes the audit hash chain from the first entry and checks it against the head row and the signed
 * checkpoints. Finds an edited entry (its hash no longer matches), a deleted one (a gap in `seq`), an
 * inserted or reordered one (a broken `prev_hash` link or time going backwards), a truncated tail (the head
 * or a checkpoint lies beyond the last entry), and a consistently rewritten chain (it no longer passes
 * through a signed checkpoint's hash). Alongside the chain it rebuilds the RFC 6962 Merkle tree of the
 * entries (`merkle.ts`) and checks it against the root each v2 checkpoint signed (R32).
 *
 * Streams the chain in keyset pages, so memory stays flat however long the log is.
 */
import { hash } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import SQLite from 'better-sqlite3';
import type { Db } from '../db/database.ts';
import type { Executor } from '../db/transaction.ts';
import { GENESIS_HASH } from './audit-entry.ts';
import { type AuditCheckpointRow, type AuditLogRow, auditRepo } from './audit.repo.ts';
import { type SignedCheckpoint, checkCheckpointSignature } from './checkpoint.ts';
import { MerkleAccumulator, leafHash } from './merkle.ts';
import type { AuditVerifyKey } from './signing-key.ts';

/** What kind of damage a problem shows. */
export type AuditProblemKind = 'missing' | 'link' | 'hash' | 'time' | 'head' | 'checkpoint';

/** One finding, naming the sequence number where the chain stops being trustworthy. */
export interface AuditProblem {
  seq: number;
  kind: AuditProblemKind;
  message: string;
}

export interface AuditVerifyReport {
  ok: boolean;
  /** Entries read. */
  entries: number;
  /** Sequence number and hash of the last entry read (0 and the genesis hash for an empty log). */
  lastSeq: number;
  lastHash: string;
  /** RFC 6962 Merkle tree root (hex) over every entry read. */
  root: string;
  /** Checkpoints whose signature and hash were checked, and how many of them came from outside the database. */
  checkpointsChecked: number;
  externalCheckpoints: number;
  /** The lowest sequence number named by any problem, or null when the log is intact. */
  firstBadSeq: number | null;
  /** The first problems found (at most `maxProblems`), in chain order. */
  problems: AuditProblem[];
  problemCount: number;
  durationMs: number;
  entriesPerSecond: number;
}

export interface AuditVerifyOptions {
  /** Public keys that may have signed checkpoints. A checkpoint signed by any other key is a forgery. */
  keys: readonly AuditVerifyKey[];
  /** Checkpoints kept outside the database (copied off by a witness); checked as well as the stored ones. */
  externalCheckpoints?: readonly SignedCheckpoint[];
  /** Rows per page (default 10,000). */
  pageSize?: number;
  /** Stop collecting details after this many problems (default 50); counting continues. */
  maxProblems?: number;
  onProgress?: (entriesRead: number, expectedTotal: number) => void;
  /** Logs at least this long build the Merkle tree on a worker thread (default 20,000). */
  workerThreshold?: number;
}

/** Builds the Merkle tree of the entries as pages of canonical encodings arrive, keeping the roots asked for. */
interface TreeBuilder {
  add(page: string[]): void;
  finish(): Promise<{ roots: Map<number, string>; root: string; size: number }>;
}

function inlineTree(sizes: readonly number[]): TreeBuilder {
  const acc = new MerkleAccumulator();
  const roots = new Map<number, string>();
  let want = 0;
  const collect = () => {
    while (want < sizes.length && (sizes[want] as number) <= acc.size) {
      if (sizes[want] === acc.size) roots.set(acc.size, acc.root().toString('hex'));
      want++;
    }
  };
  collect();
  return {
    add(page) {
      for (const entry of page) {
        acc.add(leafHash(entry));
        collect();
      }
    },
    finish: async () => ({ roots, root: acc.root().toString('hex'), size: acc.size }),
  };
}

function workerTree(sizes: readonly number[]): TreeBuilder {
  const worker = new Worker(new URL('./merkle-worker.js', import.meta.url), { workerData: { sizes } });
  let failed: Error | undefined;
  worker.on('error', (err) => {
    failed = err;
  });
  return {
    add(page) {
      if (!failed) worker.postMessage(page);
    },
    finish: () =>
      new Promise((resolve, reject) => {
        if (failed) {
          reject(failed);
          return;
        }
        worker.once('error', reject);
        worker.once('message', (m: { roots: Array<[number, string]>; root: string; size: number }) => {
          resolve({ roots: new Map(m.roots), root: m.root, size: m.size });
          void worker.terminate();
        });
        worker.postMessage(null);
      }),
  };
}

/** The columns of a row, in this order, as the verifier reads them. */
const COLUMNS = [
  'seq',
  'id',
  'at',
  'actor_id',
  'actor_role',
  'action',
  'outcome',
  'record_type',
  'record_id',
  'purpose',
  'legal_process_id',
  'request_id',
  'detail',
  'prev_hash',
  'hash',
] as const;
/**
 * One entry as the verifier needs it: seq, time, the stored links, and the canonical encoding its hash must be
 * computed over (`canonicalAuditEntry`: a JSON array of the fields and prev_hash).
 */
type ChainRow = [seq: number, at: string, prevHash: string, hash: string, canonical: string];

/** The canonical encoding of a row read as an array in {@link COLUMNS} order (same as `canonicalAuditEntry`). */
function canonicalOf(r: readonly unknown[]): string {
  return JSON.stringify([1, Number(r[0]), r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12], r[13]]);
}

function chainRow(r: readonly unknown[]): ChainRow {
  return [Number(r[0]), r[2] as string, r[13] as string, r[14] as string, canonicalOf(r)];
}

/** One consistent view of the audit tables: head, checkpoints and entries all as of the same moment. */
export interface ChainSnapshot {
  head(): Promise<{ seq: number; hash: string } | undefined>;
  checkpoints(): Promise<SignedCheckpoint[]>;
  /** Entries in seq order, a page at a time. */
  pages(pageSize: number): AsyncIterable<ChainRow[]>;
}

/**
 * Runs `fn` over a snapshot. SQLite: a separate read-only connection in one read transaction, reading raw
 * arrays (several times faster than going through the query builder). PostgreSQL: a REPEATABLE READ
 * transaction, paged by seq. Either way, entries appended while verifying are simply not part of the
 * snapshot, so a live log verifies without false alarms.
 */
export async function withAuditSnapshot<T>(db: Db, fn: (s: ChainSnapshot) => Promise<T>): Promise<T> {
  if (db.dialect === 'sqlite' && db.file && db.file !== ':memory:') {
    const conn = new SQLite(db.file, { readonly: true, fileMustExist: true });
    try {
      conn.pragma('busy_timeout = 5000');
      // A long sequential scan: read through a memory map and a larger cache instead of a syscall per page.
      conn.pragma('mmap_size = 1073741824');
      conn.pragma('cache_size = -65536');
      conn.exec('begin');
      const snapshot: ChainSnapshot = {
        head: async () => {
          const h = conn.prepare('select seq, hash from audit_head where id = 1').get() as { seq: number; hash: string } | undefined;
          return h && { seq: Number(h.seq), hash: h.hash };
        },
        checkpoints: async () =>
          (conn.prepare('select seq, hash, at, key_id, tree_root, signature from audit_checkpoints order by seq, at').all() as AuditCheckpointRow[]).map(toCheckpoint),
        pages: async function* (pageSize) {
          // Keyset pages of raw arrays, with SQLite building the canonical JSON array itself (json_array writes
          // exactly what JSON.stringify writes for the ids and codes an entry can hold): the fastest path.
          // The statements are constants; the columns are those of COLUMNS.
          const fast = conn
            .prepare(
              `select seq, at, prev_hash, hash,
                 json_array(1, seq, id, at, actor_id, actor_role, action, outcome, record_type, record_id, purpose,
                            legal_process_id, request_id, detail, prev_hash)
               from audit_log where seq > ? order by seq limit ?`,
            )
            .raw(true);
          const full = conn
            .prepare(
              'select seq, id, at, actor_id, actor_role, action, outcome, record_type, record_id, purpose, legal_process_id, request_id, detail, prev_hash, hash from audit_log where seq > ? order by seq limit ?',
            )
            .raw(true);
          let after = Number.MIN_SAFE_INTEGER;
          for (;;) {
            let page: ChainRow[];
            try {
              page = fast.all(after, pageSize) as ChainRow[];
            } catch {
              // A value json_array refuses (a BLOB planted in the table): encode this page in JavaScript.
              page = (full.all(after, pageSize) as unknown[][]).map(chainRow);
            }
            if (page.length === 0) return;
            yield page;
            if (page.length < pageSize) return;
            after = Number((page.at(-1) as ChainRow)[0]);
          }
        },
      };
      return await fn(snapshot);
    } finally {
      if (conn.inTransaction) conn.exec('commit');
      conn.close();
    }
  }
  const run = async (ex: Executor): Promise<T> =>
    fn({
      head: () => auditRepo.readHead(ex),
      checkpoints: async () => (await auditRepo.checkpoints(ex)).map(toCheckpoint),
      pages: async function* (pageSize) {
        // From the lowest possible seq: a forged entry numbered 0 or below must be seen, not skipped.
        let after = Number.MIN_SAFE_INTEGER;
        for (;;) {
          const rows = await auditRepo.page(ex, after, pageSize);
          if (rows.length === 0) return;
          yield rows.map((r) => chainRow(COLUMNS.map((c) => r[c])));
          if (rows.length < pageSize) return;
          after = Number((rows.at(-1) as AuditLogRow).seq);
        }
      },
    });
  if (db.dialect === 'postgres') {
    return db.kysely.transaction().setIsolationLevel('repeatable read').setAccessMode('read only').execute(run);
  }
  return run(db.kysely);
}

export function toCheckpoint(c: Pick<AuditCheckpointRow, 'seq' | 'hash' | 'at' | 'key_id' | 'tree_root' | 'signature'>): SignedCheckpoint {
  return { seq: Number(c.seq), hash: c.hash, ...(c.tree_root ? { root: c.tree_root } : {}), at: c.at, kid: c.key_id, signature: c.signature };
}

/**
 * The Merkle leaf hashes of entries 1…`size` in chain order, read from one snapshot (for inclusion and
 * consistency proofs). 32 bytes per entry: a million entries hold 32 MB.
 */
export async function auditLeafHashes(db: Db, size: number): Promise<Buffer[]> {
  return withAuditSnapshot(db, async (snapshot) => {
    const leaves: Buffer[] = [];
    for await (const rows of snapshot.pages(10_000)) {
      for (const r of rows) {
        if (leaves.length >= size) return leaves;
        leaves.push(leafHash(r[4]));
      }
    }
    return leaves;
  });
}

/** The Merkle tree root (hex) over entries 1…`size`, or undefined when the log holds fewer entries. */
export async function auditTreeRoot(db: Db, size: number): Promise<string | undefined> {
  return withAuditSnapshot(db, async (snapshot) => {
    const acc = new MerkleAccumulator();
    if (size === 0) return acc.root().toString('hex');
    for await (const rows of snapshot.pages(10_000)) {
      for (const r of rows) {
        acc.add(leafHash(r[4]));
        if (acc.size === size) return acc.root().toString('hex');
      }
    }
    return undefined;
  });
}

/**
 * Verifies the whole audit chain. Never throws for tampering (that is a finding in the report); throws only
 * when the database cannot be read.
 */
export async function verifyAuditChain(db: Db, options: AuditVerifyOptions): Promise<AuditVerifyReport> {
  return withAuditSnapshot(db, (snapshot) => verifySnapshot(snapshot, options));
}

async function verifySnapshot(snapshot: ChainSnapshot, options: AuditVerifyOptions): Promise<AuditVerifyReport> {
  const started = performance.now();
  const pageSize = options.pageSize ?? 10_000;
  const maxProblems = options.maxProblems ?? 50;
  const problems: AuditProblem[] = [];
  let problemCount = 0;
  let firstBadSeq: number | null = null;
  // The first problem inside each stretch between signed roots, to say where a root mismatch starts.
  const firstProblemAfter = new Map<number, number>();
  let rootSizes: number[] = [];
  const report = (seq: number, kind: AuditProblemKind, message: string): void => {
    const stretch = rootSizes.findLast((s) => s < seq) ?? 0;
    const known = firstProblemAfter.get(stretch);
    if (known === undefined || seq < known) firstProblemAfter.set(stretch, seq);
    problemCount++;
    if (firstBadSeq === null || seq < firstBadSeq) firstBadSeq = seq;
    if (problems.length < maxProblems) problems.push({ seq, kind, message });
  };

  // Checkpoints: stored ones plus external ones, each checked for a valid signature first. A checkpoint with
  // a bad signature proves nothing about the chain, so it is reported and then ignored.
  const stored = await snapshot.checkpoints();
  const external = options.externalCheckpoints ?? [];
  const expectAt = new Map<number, Array<{ cp: SignedCheckpoint; source: string }>>();
  let checkpointsChecked = 0;
  for (const [source, list] of [
    ['stored', stored],
    ['external', external],
  ] as const) {
    for (const cp of list) {
      checkpointsChecked++;
      const sig = checkCheckpointSignature(cp, options.keys);
      if (sig !== 'ok') {
        report(
          cp.seq,
          'checkpoint',
          `${source} checkpoint at seq ${cp.seq} is forged: ${sig === 'unknown-key' ? `signed by unknown key "${cp.kid}"` : 'signature does not verify'}`,
        );
        continue;
      }
      const at = expectAt.get(cp.seq) ?? [];
      at.push({ cp, source });
      expectAt.set(cp.seq, at);
    }
  }
  const checkpointSeqs = [...expectAt.keys()].sort((a, b) => a - b);
  let lastGoodCheckpoint = 0;
  rootSizes = checkpointSeqs.filter((seq) => expectAt.get(seq)?.some((c) => c.cp.root !== undefined));

  const head = await snapshot.head();
  const expectedTotal = Math.max(head?.seq ?? 0, checkpointSeqs.at(-1) ?? 0);

  let expected = 1;
  let prevHash = GENESIS_HASH;
  let prevAt = '';
  let entries = 0;
  // The Merkle tree is built beside the chain check: on a second core for long logs (see merkle-worker.js).
  const tree = expectedTotal >= (options.workerThreshold ?? 20_000) ? workerTree(rootSizes) : inlineTree(rootSizes);
  for await (const rows of snapshot.pages(pageSize)) {
    tree.add(rows.map((r) => r[4]));
    for (const r of rows) {
      const seq = Number(r[0]);
      const at = r[1];
      const stored = r[3];
      if (seq < expected) {
        report(seq, 'link', `an entry numbered ${seq} is out of sequence (inserted)`);
      } else if (seq > expected) {
        report(expected, 'missing', seq - expected === 1 ? `entry ${expected} is missing (deleted)` : `entries ${expected}–${seq - 1} are missing (deleted)`);
      }
      if (r[2] !== prevHash) {
        report(seq, 'link', `entry ${seq} does not link to the entry before it (inserted, reordered or the previous one was removed)`);
      }
      const computed = hash('sha256', r[4], 'hex');
      if (computed !== stored) report(seq, 'hash', `entry ${seq} was changed after it was written (its hash does not match its content)`);
      if (at < prevAt) report(seq, 'time', `entry ${seq} is dated before the entry preceding it (reordered or back-dated)`);
      const cps = expectAt.get(seq);
      if (cps) {
        for (const { cp, source } of cps) {
          if (cp.hash !== computed) {
            report(
              lastGoodCheckpoint + 1,
              'checkpoint',
              `the chain no longer passes through the ${source} signed checkpoint at seq ${seq}: entries ${lastGoodCheckpoint + 1}–${seq} were rewritten`,
            );
          } else {
            lastGoodCheckpoint = seq;
          }
        }
      }
      // Continue from the stored hash, so one damaged entry does not make every later entry look damaged.
      prevHash = stored;
      prevAt = at;
      expected = Math.max(expected, seq + 1);
      entries++;
    }
    options.onProgress?.(entries, expectedTotal);
  }
  const lastSeq = expected - 1;

  // Every signed root against the tree of that many entries. Entries up to the last root that held are intact,
  // so a mismatch names the first damage found after it (or the entry right after it).
  const merkle = await tree.finish();
  let lastGoodRoot = 0;
  for (const size of rootSizes) {
    // A checkpoint beyond the end of the log is a truncation, reported below where the log ends.
    if (size > merkle.size) break;
    const actual = merkle.roots.get(size);
    for (const { cp, source } of expectAt.get(size) ?? []) {
      if (cp.root === undefined) continue;
      if (cp.root === actual) {
        lastGoodRoot = size;
        continue;
      }
      let since = lastGoodRoot + 1;
      for (const [start, seq] of firstProblemAfter) {
        if (start >= lastGoodRoot && start < size && seq > lastGoodRoot && seq <= size && (since === lastGoodRoot + 1 || seq < since)) since = seq;
      }
      report(
        since,
        'checkpoint',
        `the Merkle tree of the first ${size} entries no longer has the root the ${source} checkpoint at seq ${size} signed: entries ${lastGoodRoot + 1}–${size} were rewritten, removed or added`,
      );
    }
  }

  for (const seq of checkpointSeqs) {
    if (seq > lastSeq) {
      report(lastSeq + 1, 'checkpoint', `a signed checkpoint covers seq ${seq}, but the log ends at seq ${lastSeq}: entries after ${lastSeq} were deleted`);
      break;
    }
  }
  if (!head) {
    report(lastSeq + 1, 'head', 'the chain head row is missing');
  } else if (head.seq !== lastSeq || head.hash !== prevHash) {
    if (head.seq > lastSeq) {
      report(lastSeq + 1, 'head', `the chain head says seq ${head.seq}, but the log ends at seq ${lastSeq}: entries after ${lastSeq} were deleted`);
    } else if (head.seq < lastSeq) {
      report(
        head.seq + 1,
        'head',
        `the log continues past the recorded chain head (seq ${head.seq}): entries from ${head.seq + 1} were appended outside the audit service`,
      );
    } else {
      report(lastSeq, 'head', `entry ${lastSeq} is not the entry the chain head recorded (rewritten)`);
    }
  }

  const durationMs = performance.now() - started;
  return {
    ok: problemCount === 0,
    entries,
    lastSeq,
    lastHash: prevHash,
    root: merkle.root,
    checkpointsChecked,
    externalCheckpoints: external.length,
    firstBadSeq,
    problems: problems.sort((a, b) => a.seq - b.seq),
    problemCount,
    durationMs,
    entriesPerSecond: durationMs > 0 ? Math.round((entries / durationMs) * 1000) : entries,
  };
}
