/**
 * Recomputes the audit hash chain from the first entry and checks it against the head row and the signed
 * checkpoints. Finds an edited entry (its hash no longer matches), a deleted one (a gap in `seq`), an
 * inserted or reordered one (a broken `prev_hash` link or time going backwards), a truncated tail (the head
 * or a checkpoint lies beyond the last entry), and a consistently rewritten chain (it no longer passes
 * through a signed checkpoint's hash).
 *
 * Streams the chain in keyset pages, so memory stays flat however long the log is.
 */
import { createHash } from 'node:crypto';
import type { Db } from '../db/database.ts';
import { GENESIS_HASH } from './audit-entry.ts';
import { type AuditLogRow, auditRepo } from './audit.repo.ts';
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

/** Hash of a stored row, computed exactly as `hashAuditEntry` does (inlined: this is the hot loop). */
function rowHash(r: AuditLogRow): string {
  const canonical = JSON.stringify([
    1,
    Number(r.seq),
    r.id,
    r.at,
    r.actor_id,
    r.actor_role,
    r.action,
    r.outcome,
    r.record_type,
    r.record_id,
    r.purpose,
    r.legal_process_id,
    r.request_id,
    r.detail,
    r.prev_hash,
  ]);
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

/**
 * Verifies the whole audit chain. Never throws for tampering (that is a finding in the report); throws only
 * when the database cannot be read.
 */
export async function verifyAuditChain(db: Db, options: AuditVerifyOptions): Promise<AuditVerifyReport> {
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
  const stored = (await auditRepo.checkpoints(db.kysely)).map(
    (c): SignedCheckpoint => ({ seq: Number(c.seq), hash: c.hash, at: c.at, kid: c.key_id, signature: c.signature }),
  );
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

  const head = await auditRepo.readHead(db.kysely);
  const expectedTotal = Math.max(head?.seq ?? 0, checkpointSeqs.at(-1) ?? 0);

  let expected = 1;
  let prevHash = GENESIS_HASH;
  let prevAt = '';
  let entries = 0;
  let after = 0;
  for (;;) {
    const rows = await auditRepo.page(db.kysely, after, pageSize);
    if (rows.length === 0) break;
    for (const r of rows) {
      const seq = Number(r.seq);
      if (seq !== expected) {
        report(expected, 'missing', seq - expected === 1 ? `entry ${expected} is missing (deleted)` : `entries ${expected}–${seq - 1} are missing (deleted)`);
      }
      if (r.prev_hash !== prevHash) {
        report(seq, 'link', `entry ${seq} does not link to the entry before it (inserted, reordered or the previous one was removed)`);
      }
      const computed = rowHash(r);
      if (computed !== r.hash) report(seq, 'hash', `entry ${seq} was changed after it was written (its hash does not match its content)`);
      if (r.at < prevAt) report(seq, 'time', `entry ${seq} is dated before the entry preceding it (reordered or back-dated)`);
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
      prevHash = r.hash;
      prevAt = r.at;
      expected = seq + 1;
      entries++;
    }
    after = Number((rows.at(-1) as AuditLogRow).seq);
    options.onProgress?.(entries, expectedTotal);
    if (rows.length < pageSize) break;
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
