/**
 * Forgetting a subject (DESIGN §3.4, R24): which rows belong to a subject, and the receipt of a forget.
 *
 * The forget itself is `Vault.forgetSubject(tx, subjectId)`: it deletes the subject's rows from every
 * registered table in the caller's transaction, then destroys the subject's data key in the key vault, which
 * lives outside the data backups — so the person's ciphertext in any old backup can never be decrypted again.
 *
 * Tables register here through their classification (`subjectColumn`, see `classification.ts`) or directly with
 * {@link SubjectRowRegistry.register}. Rows are deleted in the reverse order of registration, so register a
 * parent table before its children (children are then deleted first and foreign keys hold).
 */
import { sql } from 'kysely';
import type { Executor } from '../db/transaction.ts';

/** A table holding rows of one subject, found by `subjectColumn`. */
export interface SubjectRowSource {
  readonly table: string;
  readonly subjectColumn: string;
  /** Restrict to subjects of this program (skips the delete for other programs' subjects). */
  readonly program?: string;
  /** Who registered it (for error messages). */
  readonly owner?: string;
}

/** What a forget did — counts only, never personal data, so it can be logged and audited as is. */
export interface ForgetReceipt {
  readonly subjectId: string;
  /** Null when the subject's `subjects` row was already gone (a repeated forget). */
  readonly program: string | null;
  /** Rows deleted per table (tables with no rows are omitted). */
  readonly rowsDeleted: Readonly<Record<string, number>>;
  /** True when this call destroyed the key; false when it had been destroyed before. */
  readonly keyDestroyed: boolean;
  readonly at: string;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** The tables whose rows are deleted when a subject is forgotten. */
export class SubjectRowRegistry {
  readonly #sources: SubjectRowSource[] = [];

  /** Registers a table. Throws on an invalid identifier or a table registered twice for the same program. */
  register(source: SubjectRowSource): void {
    if (!IDENTIFIER.test(source.table) || !IDENTIFIER.test(source.subjectColumn)) {
      throw new Error(`subject rows: "${source.table}.${source.subjectColumn}" is not a plain lower-case SQL identifier`);
    }
    if (source.table === 'subjects') throw new Error('subject rows: the subjects table is handled by the vault itself');
    const dup = this.#sources.find((s) => s.table === source.table && s.subjectColumn === source.subjectColumn);
    if (dup) throw new Error(`subject rows: ${source.table}.${source.subjectColumn} is registered twice (${dup.owner ?? '?'} and ${source.owner ?? '?'})`);
    this.#sources.push(source);
  }

  /** Every registered source, in registration order. */
  list(): readonly SubjectRowSource[] {
    return [...this.#sources];
  }

  /**
   * Deletes every registered row of the subject in the given transaction (children first) and returns the
   * counts per table. Identifiers were validated on registration; the subject id is a bound parameter.
   */
  async deleteRows(tx: Executor, subjectId: string, program: string | null): Promise<Record<string, number>> {
    return this.deleteRowsOfMany(tx, [subjectId], program === null ? null : [program]);
  }

  /**
   * {@link deleteRows} for many subjects at once (one statement per table; ids in chunks of 500). `programs`
   * lists the programs the subjects belong to (null when unknown: every table is tried).
   */
  async deleteRowsOfMany(tx: Executor, subjectIds: readonly string[], programs: readonly string[] | null): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    if (subjectIds.length === 0) return counts;
    for (let i = this.#sources.length - 1; i >= 0; i--) {
      const s = this.#sources[i] as SubjectRowSource;
      if (s.program && programs && !programs.includes(s.program)) continue;
      for (let from = 0; from < subjectIds.length; from += 500) {
        const chunk = subjectIds.slice(from, from + 500);
        const res = await sql`delete from ${sql.table(s.table)} where ${sql.ref(s.subjectColumn)} in (${sql.join(chunk)})`.execute(tx);
        const n = Number(res.numAffectedRows ?? 0);
        if (n > 0) counts[s.table] = (counts[s.table] ?? 0) + n;
      }
    }
    return counts;
  }
}
