/**
 * Retention policies (DESIGN §3.4, R26, ASVS 4.0.3 8.3.8): how long each kind of record is kept, declared
 * by the part of the platform that owns it and enforced by a daily purge.
 *
 * ```ts
 * export const clinicsRetention: RetentionPolicy[] = [{
 *   recordType: 'clinics.appointment',         // also the `retention` id in the table's classification
 *   table: 'clinic_appointments',
 *   basis: 'ends_at',                          // a timestamp column (ISO text); NULL = never expires
 *   days: 90,
 *   descriptionKey: 'clinics.retention.appointment',
 *   shredSubjects: { column: 'subject_id' },   // forget the person (crypto-shred) with the row
 * }];
 * ```
 *
 * The engine deletes rows whose `basis` is more than `days` old, in id-ordered batches, each batch in its own
 * transaction; rows under a legal hold are skipped and counted; each policy's run leaves a receipt (counts
 * only) and one audit entry.
 */
import { isDottedCode } from '../audit/audit-entry.ts';
import type { Executor } from '../db/transaction.ts';

/** A retention policy for one kind of record stored in one table. */
export interface RetentionPolicy {
  /** `module.thing` code; legal holds and receipts name records by it. */
  recordType: string;
  /** The table holding the records. */
  table: string;
  /** Unique, sortable key column (default `id`). */
  idColumn?: string;
  /** The ISO-8601 text timestamp the period runs from (`created_at`, `decided_at`, …). NULL never expires. */
  basis: string;
  /** Keep for this many days after `basis`. */
  days: number;
  /** Message key that explains the policy in plain language (privacy notice, `purge --dry-run`). */
  descriptionKey: string;
  /**
   * When the row is the root of a person's record in its program: forget the subject named in `column` too
   * (its data key is destroyed and every row registered for it is deleted — `Vault.forgetSubjects`).
   */
  shredSubjects?: { column: string };
  /**
   * Custom deletion for records spread over several tables (children first). Receives ids that are expired
   * and not held; returns how many records it deleted. Default: delete by id range from `table`.
   */
  deleteRows?(tx: Executor, ids: readonly (string | number)[]): Promise<number>;
  /** Rows per batch (default 5,000; 500 for shredding policies). */
  batchSize?: number;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** Forgets subjects in the caller's transaction (wired to `ctx.vault.forgetSubjects`). */
export type ForgetSubjects = (tx: Executor, subjectIds: readonly string[]) => Promise<unknown>;

/** The registered policies, checked when registered so a typo stops the start rather than the purge. */
export class RetentionRegistry {
  readonly #policies = new Map<string, RetentionPolicy & { owner: string }>();

  register(policies: readonly RetentionPolicy[], owner: string): void {
    for (const p of policies) {
      const where = `retention policy "${p.recordType}" (${owner})`;
      if (!isDottedCode(p.recordType, 2, 4)) throw new Error(`${where}: recordType must be a module.thing code`);
      if (this.#policies.has(p.recordType)) throw new Error(`${where} is registered twice`);
      for (const [what, name] of [
        ['table', p.table],
        ['idColumn', p.idColumn ?? 'id'],
        ['basis', p.basis],
        ['shredSubjects.column', p.shredSubjects?.column ?? 'x'],
      ] as const) {
        if (!IDENTIFIER.test(name)) throw new Error(`${where}: ${what} "${name}" is not a plain lower-case SQL identifier`);
      }
      if (!Number.isInteger(p.days) || p.days < 0 || p.days > 365 * 100) throw new Error(`${where}: days must be a whole number of days`);
      if (p.batchSize !== undefined && (!Number.isInteger(p.batchSize) || p.batchSize < 1 || p.batchSize > 50_000)) {
        throw new Error(`${where}: batchSize must be 1–50,000`);
      }
      this.#policies.set(p.recordType, { ...p, owner });
    }
  }

  list(): Array<RetentionPolicy & { owner: string }> {
    return [...this.#policies.values()].sort((a, b) => a.recordType.localeCompare(b.recordType));
  }

  get(recordType: string): (RetentionPolicy & { owner: string }) | undefined {
    return this.#policies.get(recordType);
  }
}

/** The cutoff: records whose basis is before this instant are expired. */
export function retentionCutoff(now: Date, days: number): string {
  return new Date(now.getTime() - days * 86_400_000).toISOString();
}
