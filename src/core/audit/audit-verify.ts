/**
 * Recomputes the audit hash chain from the first entry and checks it against the head row and the signed
 * checkpoints. Finds an edited entry (its hash no longer matches), a deleted one (a gap in `seq`), an
 * inserted or reordered one (a broken `prev_hash` link or time going backwards), a truncated tail (the head
 * or a checkpoint lies beyond the last entry), and a consistently rewritten chain (it no longer passes
 * through a signed checkpoint's hash).
 *
 * Streams the chain in keyset pages, so memory stays flat however long the log is.
 */
import { hash } from 'node:crypto';
import SQLite from 'better-sqlite3';
import type { Db } from '../db/database.ts';
import type { Executor } from '../db/transaction.ts';
import { GENESIS_HASH } from './audit-entry.ts';
import { type AuditCheckpointRow, type AuditLogRow, auditRepo } from './audit.repo.ts';
import { type SignedCheckpoint, checkCheckpointSignature } from './checkpoint.ts';
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
          (conn.prepare('select seq, hash, at, key_id, signature from audit_checkpoints order by seq, at').all() as AuditCheckpointRow[]).map(toCheckpoint),
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

function toCheckpoint(c: Pick<AuditCheckpointRow, 'seq' | 'hash' | 'at' | 'key_id' | 'signature'>): SignedCheckpoint {
  return { seq: Number(c.seq), hash: c.hash, at: c.at, kid: c.key_id, signature: c.signature };
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
  const report = (seq: number, kind: AuditProblemKind, message: string): void => {
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

  const head = await snapshot.head();
  const expectedTotal = Math.max(head?.seq ?? 0, checkpointSeqs.at(-1) ?? 0);

  let expected = 1;
  let prevHash = GENESIS_HASH;
  let prevAt = '';
  let entries = 0;
  for await (const rows of snapshot.pages(pageSize)) {
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
    checkpointsChecked,
    externalCheckpoints: external.length,
    firstBadSeq,
    problems: problems.sort((a, b) => a.seq - b.seq),
    problemCount,
    durationMs,
    entriesPerSecond: durationMs > 0 ? Math.round((entries / durationMs) * 1000) : entries,
  };
}
