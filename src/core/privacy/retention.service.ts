import type { AuditService } from '../audit/audit.service.ts';
import { isDottedCode } from '../audit/audit-entry.ts';
import { randomId } from '../crypto/random.ts';
import type { Db } from '../db/database.ts';
import { type Executor, inTransaction } from '../db/transaction.ts';
import type { AuditActorRole } from '../audit/audit-entry.ts';
import { type ForgetSubjects, type RetentionPolicy, type RetentionRegistry, retentionCutoff } from './retention.ts';
import { type LegalHoldRow, type PurgeReceiptRow, retentionRepo } from './retention.repo.ts';

/**
 * Checks that a demand id names a recorded, valid court order (or judicial warrant) approved by counsel —
 * the only thing that may suspend a deletion (R26, threat T7). Wired to `isValidCourtOrderDemand`.
 */
export type CourtOrderCheck = (db: Executor, demandId: string, options: { today: string }) => Promise<boolean>;

/** What the retention service needs. */
export interface RetentionDeps {
  db: Db;
  now(): Date;
  audit: AuditService;
  registry: RetentionRegistry;
  /** Crypto-shreds subjects (the vault); required only by policies with `shredSubjects`. */
  forgetSubjects?: ForgetSubjects;
  /** Fail-closed default: no demand qualifies, so no hold can be placed. */
  verifyCourtOrder?: CourtOrderCheck;
}

/** One policy's outcome in a purge (or a dry run). Counts only. */
export interface PolicyResult {
  recordType: string;
  days: number;
  cutoff: string;
  /** Deleted (purge) or that would be deleted (dry run). */
  deleted: number;
  /** Expired but kept under a legal hold. */
  held: number;
  subjectsForgotten: number;
  durationMs: number;
  /** Set when the policy failed (error code only); other policies still ran. */
  error?: string;
}

export interface PurgeReport {
  runId: string;
  dryRun: boolean;
  at: string;
  results: PolicyResult[];
  ok: boolean;
}

/** A hold could not be placed: the demand is not a valid approved court order, or the input is malformed. */
export class LegalHoldError extends Error {
  constructor(readonly code: 'not_court_order' | 'invalid', message: string) {
    super(message);
    this.name = 'LegalHoldError';
  }
}


/**
 * Record type of a hold on a whole person (a vault subject): it keeps every shredding policy from
 * forgetting that subject, whichever of their records expires.
 */
export const SUBJECT_RECORD_TYPE = 'core.subject';
const ERROR_CODE = /^[A-Za-z0-9_.:-]{1,64}$/;

function codeOf(err: unknown): string {
  const c = (err as { code?: unknown } | null)?.code;
  if (typeof c === 'string' && ERROR_CODE.test(c)) return c;
  const n = (err as { name?: unknown } | null)?.name;
  return typeof n === 'string' && ERROR_CODE.test(n) ? n : 'error';
}

/**
 * The retention engine (`ctx.retention`): the daily purge with receipts, `purge --dry-run`, and legal holds.
 */
export class RetentionService {
  constructor(private readonly deps: RetentionDeps) {}

  get registry(): RetentionRegistry {
    return this.deps.registry;
  }

  /**
   * Deletes every expired record of every policy (or, with `dryRun`, only counts them). Each policy runs on
   * its own: a failing policy is reported (and its partial receipt kept) while the others still run.
   * Idempotent: running it twice deletes nothing the second time.
   */
  async purge(
    options: {
      dryRun?: boolean;
      trigger?: 'schedule' | 'operator';
      only?: readonly string[];
      onProgress?: (recordType: string, deleted: number) => void;
    } = {},
  ): Promise<PurgeReport> {
    const runId = randomId();
    const now = this.deps.now();
    const results: PolicyResult[] = [];
    for (const policy of this.deps.registry.list()) {
      if (options.only && !options.only.includes(policy.recordType)) continue;
      results.push(options.dryRun ? await this.#count(policy, now) : await this.#purgePolicy(policy, now, runId, options.trigger ?? 'schedule', options.onProgress));
    }
    return { runId, dryRun: options.dryRun ?? false, at: now.toISOString(), results, ok: results.every((r) => !r.error) };
  }

  async #count(policy: RetentionPolicy, now: Date): Promise<PolicyResult> {
    const started = performance.now();
    const cutoff = retentionCutoff(now, policy.days);
    const p = { table: policy.table, idColumn: policy.idColumn ?? 'id', basis: policy.basis };
    try {
      const expired = await retentionRepo.countExpired(this.deps.db.kysely, p, cutoff);
      const heldIds = await retentionRepo.heldIds(this.deps.db.kysely, policy.recordType);
      const held = heldIds.length === 0 ? 0 : await retentionRepo.countExpiredAmong(this.deps.db.kysely, p, cutoff, heldIds);
      return { recordType: policy.recordType, days: policy.days, cutoff, deleted: expired - held, held, subjectsForgotten: 0, durationMs: performance.now() - started };
    } catch (err) {
      return { recordType: policy.recordType, days: policy.days, cutoff, deleted: 0, held: 0, subjectsForgotten: 0, durationMs: performance.now() - started, error: codeOf(err) };
    }
  }

  async #purgePolicy(
    policy: RetentionPolicy,
    now: Date,
    runId: string,
    trigger: 'schedule' | 'operator',
    onProgress?: (recordType: string, deleted: number) => void,
  ): Promise<PolicyResult> {
    const startedAt = now.toISOString();
    const started = performance.now();
    const cutoff = retentionCutoff(now, policy.days);
    const idColumn = policy.idColumn ?? 'id';
    const p = { table: policy.table, idColumn, basis: policy.basis, subjectColumn: policy.shredSubjects?.column };
    const batch = policy.batchSize ?? (policy.shredSubjects ? 500 : 5_000);
    let deleted = 0;
    let held = 0;
    let subjectsForgotten = 0;
    let error: string | undefined;
    try {
      if (policy.shredSubjects && !this.deps.forgetSubjects) throw Object.assign(new Error('no vault to forget subjects'), { code: 'no_vault' });
      let after: string | number | null = null;
      for (;;) {
        const rows = await retentionRepo.expiredAfter(this.deps.db.kysely, p, cutoff, after, batch);
        if (rows.length === 0) break;
        const first = (rows[0] as { id: string | number }).id;
        const last = (rows.at(-1) as { id: string | number }).id;
        after = last;
        const result = await inTransaction(this.deps.db, async (tx) => {
          // Holds are re-read in the batch's own transaction, so a hold placed mid-purge is honoured.
          const heldRecords = new Set(await retentionRepo.heldIds(tx, policy.recordType));
          const heldSubjects = policy.shredSubjects ? new Set(await retentionRepo.heldIds(tx, SUBJECT_RECORD_TYPE)) : new Set<string>();
          const isHeld = (r: { id: string | number; subject: string | null }): boolean =>
            heldRecords.has(String(r.id)) || (r.subject !== null && heldSubjects.has(r.subject));
          const keep = rows.filter(isHeld);
          const go = rows.filter((r) => !isHeld(r));
          let n = 0;
          let forgotten = 0;
          if (go.length > 0) {
            if (policy.shredSubjects) {
              const subjects = [...new Set(go.map((r) => r.subject).filter((s): s is string => typeof s === 'string'))];
              // Forgetting deletes the subject's registered rows (this one included, when its table is registered).
              if (subjects.length > 0) await this.deps.forgetSubjects?.(tx, subjects);
              forgotten = subjects.length;
            }
            n = policy.deleteRows
              ? await policy.deleteRows(tx, go.map((r) => r.id))
              : await retentionRepo.deleteRange(tx, p, cutoff, first, last, [...new Set([...heldRecords, ...keep.map((r) => String(r.id))])]);
            // Rows already removed by forgetting their subject count as deleted by this policy.
            if (policy.shredSubjects && !policy.deleteRows) n = Math.max(n, go.length);
          }
          return { n, held: keep.length, forgotten };
        });
        deleted += result.n;
        held += result.held;
        subjectsForgotten += result.forgotten;
        onProgress?.(policy.recordType, deleted);
        if (rows.length < batch) break;
      }
    } catch (err) {
      error = codeOf(err);
    }
    const durationMs = performance.now() - started;
    const receipt: PurgeReceiptRow = {
      id: randomId(),
      run_id: runId,
      record_type: policy.recordType,
      days: policy.days,
      cutoff,
      deleted,
      held,
      subjects_forgotten: subjectsForgotten,
      outcome: error ? 'failed' : 'done',
      trigger,
      started_at: startedAt,
      finished_at: this.deps.now().toISOString(),
      duration_ms: Math.round(durationMs),
    };
    // The receipt and its audit entry commit together: the log shows every purge that happened.
    await inTransaction(this.deps.db, async (tx) => {
      await retentionRepo.insertReceipt(tx, receipt);
      await this.deps.audit.record(tx, {
        actor: { id: null, role: trigger === 'operator' ? 'operator' : 'system' },
        action: 'retention.purge',
        outcome: error ? 'failure' : 'success',
        record: { type: 'core.purge-receipt', id: receipt.id },
        purpose: 'retention',
      });
    });
    return { recordType: policy.recordType, days: policy.days, cutoff, deleted, held, subjectsForgotten, durationMs, ...(error ? { error } : {}) };
  }

  /** Receipts, newest first (for the transparency report and operators). */
  async receipts(options: { runId?: string; limit?: number } = {}): Promise<PurgeReceiptRow[]> {
    return retentionRepo.receipts(this.deps.db.kysely, options);
  }

  /**
   * Keeps one record from deletion under a court order. Only a demand the gate has recorded as a valid,
   * counsel-approved court order or judicial warrant qualifies; anything else is refused (fail closed).
   * @throws LegalHoldError
   */
  async placeHold(input: {
    recordType: string;
    recordId: string;
    demandId: string;
    actor: { id: string; role: AuditActorRole };
    requestId?: string;
  }): Promise<LegalHoldRow> {
    if (!isDottedCode(input.recordType, 2, 4)) throw new LegalHoldError('invalid', 'record type must be a module.thing code');
    const now = this.deps.now();
    return inTransaction(this.deps.db, async (tx) => {
      const check = this.deps.verifyCourtOrder;
      const valid = check ? await check(tx, input.demandId, { today: now.toISOString().slice(0, 10) }) : false;
      if (!valid) throw new LegalHoldError('not_court_order', 'a legal hold needs a recorded court order or judicial warrant approved by counsel');
      const row: LegalHoldRow = {
        id: randomId(),
        record_type: input.recordType,
        record_id: input.recordId,
        demand_id: input.demandId,
        placed_by: input.actor.id,
        placed_at: now.toISOString(),
        released_by: null,
        released_at: null,
      };
      await retentionRepo.insertHold(tx, row);
      await this.deps.audit.record(tx, {
        actor: input.actor,
        action: 'retention.hold-place',
        record: { type: input.recordType, id: input.recordId },
        purpose: 'legal-process',
        legalProcessId: input.demandId,
        requestId: input.requestId,
      });
      return row;
    });
  }

  /** Ends a hold (the court order lapsed or was lifted); the record is purged at the next run if expired. */
  async releaseHold(input: { holdId: string; actor: { id: string; role: AuditActorRole }; requestId?: string }): Promise<boolean> {
    const now = this.deps.now().toISOString();
    return inTransaction(this.deps.db, async (tx) => {
      const hold = await retentionRepo.holdById(tx, input.holdId);
      if (!hold || hold.released_at) return false;
      await retentionRepo.releaseHold(tx, input.holdId, input.actor.id, now);
      await this.deps.audit.record(tx, {
        actor: input.actor,
        action: 'retention.hold-release',
        record: { type: hold.record_type, id: hold.record_id },
        purpose: 'legal-process',
        legalProcessId: hold.demand_id,
        requestId: input.requestId,
      });
      return true;
    });
  }

  async activeHolds(filter: { recordType?: string; recordId?: string; demandId?: string } = {}): Promise<LegalHoldRow[]> {
    return retentionRepo.activeHolds(this.deps.db.kysely, filter);
  }
}
