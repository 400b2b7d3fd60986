import { type Selectable, sql } from 'kysely';
import type { Executor } from '../db/transaction.ts';

/** One policy's part of one purge run: counts and times, never a record id or value. */
export interface PurgeReceiptTable {
  id: string;
  run_id: string;
  record_type: string;
  days: number;
  cutoff: string;
  deleted: number;
  held: number;
  subjects_forgotten: number;
  /** `done`, or `failed` (with the counts reached before the failure). */
  outcome: string;
  /** `schedule` (the daily job) or `operator` (`sanctuary purge`). */
  trigger: string;
  started_at: string;
  finished_at: string;
  duration_ms: number;
}

/** A record kept from deletion by a court order (a recorded, approved demand). */
export interface LegalHoldTable {
  id: string;
  record_type: string;
  record_id: string;
  demand_id: string;
  placed_by: string;
  placed_at: string;
  released_by: string | null;
  released_at: string | null;
}

declare module '../db/schema.ts' {
  interface Database {
    purge_receipts: PurgeReceiptTable;
    legal_holds: LegalHoldTable;
  }
}

export type PurgeReceiptRow = Selectable<PurgeReceiptTable>;
export type LegalHoldRow = Selectable<LegalHoldTable>;

/** A candidate row of a policy's table: its id and, for shredding policies, its subject. */
export interface CandidateRow {
  id: string | number;
  subject: string | null;
}

/**
 * Queries of the retention engine. Policy tables are named at run time, so these use `sql.table` /
 * `sql.ref` (quoted identifiers, validated by the registry) and bound values — never string-built SQL.
 */
export const retentionRepo = {
  /** Expired rows after `after` in id order (keyset pagination over the primary key). */
  async expiredAfter(
    db: Executor,
    p: { table: string; idColumn: string; basis: string; subjectColumn?: string },
    cutoff: string,
    after: string | number | null,
    limit: number,
  ): Promise<CandidateRow[]> {
    const subject = p.subjectColumn ? sql.ref(p.subjectColumn) : sql`null`;
    const afterClause = after === null ? sql`` : sql`and ${sql.ref(p.idColumn)} > ${after}`;
    const { rows } = await sql<CandidateRow>`
      select ${sql.ref(p.idColumn)} as id, ${subject} as subject
      from ${sql.table(p.table)}
      where ${sql.ref(p.basis)} < ${cutoff} ${afterClause}
      order by ${sql.ref(p.idColumn)}
      limit ${limit}`.execute(db);
    return rows;
  },

  /**
   * Deletes the expired rows with ids in [first, last], except `keep`. Deleting by id range (not by a long
   * list of ids) keeps each statement small and fast; the basis condition is repeated so a row that stopped
   * being expired in between (its basis moved) is not deleted.
   */
  async deleteRange(
    db: Executor,
    p: { table: string; idColumn: string; basis: string },
    cutoff: string,
    first: string | number,
    last: string | number,
    keep: readonly (string | number)[],
  ): Promise<number> {
    const id = sql.ref(p.idColumn);
    const keepClause = keep.length === 0 ? sql`` : sql`and ${id} not in (${sql.join(keep)})`;
    const r = await sql`
      delete from ${sql.table(p.table)}
      where ${id} >= ${first} and ${id} <= ${last} and ${sql.ref(p.basis)} < ${cutoff} ${keepClause}`.execute(db);
    return Number(r.numAffectedRows ?? 0n);
  },

  async countExpired(db: Executor, p: { table: string; basis: string }, cutoff: string): Promise<number> {
    const { rows } = await sql<{ n: number }>`select count(*) as n from ${sql.table(p.table)} where ${sql.ref(p.basis)} < ${cutoff}`.execute(db);
    return Number(rows[0]?.n ?? 0);
  },

  /** How many of `ids` are expired rows of the table (to count held records in a dry run). */
  async countExpiredAmong(db: Executor, p: { table: string; idColumn: string; basis: string }, cutoff: string, ids: readonly string[]): Promise<number> {
    let n = 0;
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      const { rows } = await sql<{ n: number }>`
        select count(*) as n from ${sql.table(p.table)}
        where ${sql.ref(p.basis)} < ${cutoff} and ${sql.ref(p.idColumn)} in (${sql.join(chunk)})`.execute(db);
      n += Number(rows[0]?.n ?? 0);
    }
    return n;
  },

  async insertReceipt(db: Executor, row: PurgeReceiptRow): Promise<void> {
    await db.insertInto('purge_receipts').values(row).execute();
  },

  async receipts(db: Executor, options: { runId?: string; limit?: number } = {}): Promise<PurgeReceiptRow[]> {
    let q = db.selectFrom('purge_receipts').selectAll();
    if (options.runId) q = q.where('run_id', '=', options.runId);
    return q
      .orderBy('started_at', 'desc')
      .orderBy('record_type')
      .limit(options.limit ?? 500)
      .execute();
  },

  async insertHold(db: Executor, row: LegalHoldRow): Promise<void> {
    await db.insertInto('legal_holds').values(row).execute();
  },

  async releaseHold(db: Executor, id: string, by: string, at: string): Promise<boolean> {
    const r = await db
      .updateTable('legal_holds')
      .set({ released_by: by, released_at: at })
      .where('id', '=', id)
      .where('released_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  },

  async holdById(db: Executor, id: string): Promise<LegalHoldRow | undefined> {
    return db.selectFrom('legal_holds').selectAll().where('id', '=', id).executeTakeFirst();
  },

  /** Ids of the records of `recordType` under an active hold. Holds are few; the set is loaded whole. */
  async heldIds(db: Executor, recordType: string): Promise<string[]> {
    const rows = await db
      .selectFrom('legal_holds')
      .select('record_id')
      .distinct()
      .where('record_type', '=', recordType)
      .where('released_at', 'is', null)
      .execute();
    return rows.map((r) => r.record_id);
  },

  async activeHolds(db: Executor, filter: { recordType?: string; recordId?: string; demandId?: string } = {}): Promise<LegalHoldRow[]> {
    let q = db.selectFrom('legal_holds').selectAll().where('released_at', 'is', null);
    if (filter.recordType) q = q.where('record_type', '=', filter.recordType);
    if (filter.recordId) q = q.where('record_id', '=', filter.recordId);
    if (filter.demandId) q = q.where('demand_id', '=', filter.demandId);
    return q.orderBy('placed_at').execute();
  },
};
