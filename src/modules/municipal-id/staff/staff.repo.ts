/**
 * The staff desk's lists over the application records: enrolled applications waiting for a decision, with
 * keyset pagination on the `(status, created_at)` index (never OFFSET: page 1 and page 10,000 of half a million
 * applications cost the same), and the timings the reports need. Categories and dates only; nothing sealed.
 */
import type { Executor } from '../../../core/db/transaction.ts';
import type { Keyset } from '../card/card.repo.ts';

/** A row of the approvals queue. */
export interface ApprovalRow {
  id: string;
  created_at: string;
  enrolled_at: string | null;
  fee_variant: string;
  language: string;
}

export const staffRepo = {
  /** Applications in a status, oldest first, after a keyset position; reads `limit + 1` to know if more follow. */
  async applicationsByStatus(db: Executor, status: string, options: { after?: Keyset; limit: number }): Promise<{ rows: ApprovalRow[]; more: boolean }> {
    let q = db.selectFrom('id_applications').select(['id', 'created_at', 'enrolled_at', 'fee_variant', 'language']).where('status', '=', status);
    const after = options.after;
    if (after) {
      // A row-value comparison, so both SQLite and PostgreSQL walk the (status, created_at, id) index from there.
      q = q.where((eb) => eb(eb.refTuple('created_at', 'id'), '>', eb.tuple(after.createdAt, after.id)));
    }
    const rows = await q.orderBy('created_at').orderBy('id').limit(options.limit + 1).execute();
    return { rows: rows.slice(0, options.limit), more: rows.length > options.limit };
  },

  /** How many applications are in a status, counted up to `cap`. */
  async countApplications(db: Executor, status: string, cap: number): Promise<number> {
    const inner = db.selectFrom('id_applications').select('id').where('status', '=', status).limit(cap);
    const row = await db.selectFrom(inner.as('q')).select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  },

  /** Dates of the applications decided since `fromIso` (what retention still keeps), for the waiting times. */
  async decisionTimes(db: Executor, fromIso: string): Promise<Array<{ created_at: string; enrolled_at: string | null; decided_at: string }>> {
    const rows = await db
      .selectFrom('id_applications')
      .select(['created_at', 'enrolled_at', 'decided_at'])
      .where('decided_at', 'is not', null)
      .where('decided_at', '>=', fromIso)
      .limit(100_000)
      .execute();
    return rows.filter((r): r is typeof r & { decided_at: string } => r.decided_at !== null);
  },
};
