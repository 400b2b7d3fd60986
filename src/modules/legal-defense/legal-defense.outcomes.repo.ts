/**
 * Queries of the public outcomes page: counts by quarter, aggregated in SQL, from plain columns only (codes and
 * times — never a sealed value, never a row per person leaving the database).
 *
 * Quarters are given as ascending boundary instants (`bounds[i]` ≤ a time < `bounds[i + 1]` is quarter `i`),
 * the UTC instants of local midnight at the start of each quarter, so the quarter of a row is a comparison of
 * ISO-8601 text, the same on both databases. The time from the first report to the first attorney contact is the
 * one computation that differs: each database's own date arithmetic, rounded to whole seconds.
 */
import { type RawBuilder, sql } from 'kysely';
import type { Db } from '../../core/db/database.ts';

/** Counts of one quarter and one contact bucket (`bucket` null for cases without a first attorney contact). */
export interface OutcomeCountRow {
  quarter: number;
  /** Tenths of an hour from the first report to the first attorney contact, rounded up. */
  bucket: number | null;
  people: number;
  represented: number;
  bond: number;
  parole: number;
  otherRelease: number;
  relief: number;
  removal: number;
}

/** `case when col < b1 then 0 when col < b2 then 1 … end`: the quarter index of a time column. */
function quarterOf(column: 'created_at' | 'received_at', bounds: readonly string[]): RawBuilder<number> {
  const col = sql.ref(column);
  const whens = bounds.slice(1).map((b, i) => sql`when ${col} < ${b} then cast(${i} as integer)`);
  return sql<number>`case ${sql.join(whens, sql` `)} end`;
}

/** Seconds from the case's first report to its first attorney contact, in the database's own arithmetic. */
function contactSeconds(db: Db): RawBuilder<number> {
  if (db.dialect === 'postgres') return sql<number>`round(extract(epoch from (cast(first_contact_at as timestamptz) - cast(created_at as timestamptz))))`;
  return sql<number>`cast(round((julianday(first_contact_at) - julianday(created_at)) * 86400) as integer)`;
}

/** Tenths of an hour, rounded up (so "within 24 hours" is bucket ≤ 240, exactly). */
function contactBucket(db: Db): RawBuilder<number> {
  if (db.dialect === 'postgres') return sql<number>`cast(ceil(${contactSeconds(db)} / 360.0) as integer)`;
  return sql<number>`((${contactSeconds(db)} + 359) / 360)`;
}

const RELEASED_OTHER = ['alternatives-to-detention', 'released-other'];

export const outcomesRepo = {
  /**
   * Cases whose first report falls in the quarters, counted per quarter and per contact bucket: people,
   * represented (a provider's attorney accepted the case), custody now (released on bond, on parole, otherwise),
   * and the court outcome (relief granted, removal ordered). One pass over the covering index.
   */
  async caseCounts(db: Db, bounds: readonly string[]): Promise<OutcomeCountRow[]> {
    const first = bounds[0] as string;
    const last = bounds[bounds.length - 1] as string;
    const result = await sql<Record<keyof OutcomeCountRow, number | string | null>>`
      select quarter, bucket, count(*) as people,
        sum(case when attorney_user_id is not null then 1 else 0 end) as represented,
        sum(case when custody = ${'released-bond'} then 1 else 0 end) as bond,
        sum(case when custody = ${'released-parole'} then 1 else 0 end) as parole,
        sum(case when custody in (${sql.join(RELEASED_OTHER)}) then 1 else 0 end) as "otherRelease",
        sum(case when outcome = ${'relief-granted'} then 1 else 0 end) as relief,
        sum(case when outcome = ${'removal-ordered'} then 1 else 0 end) as removal
      from (
        select ${quarterOf('created_at', bounds)} as quarter,
          case when first_contact_at is not null and attorney_user_id is not null then ${contactBucket(db)} end as bucket,
          attorney_user_id, custody, outcome
        from legal_defense_cases
        where created_at >= ${first} and created_at < ${last}
      ) s
      group by quarter, bucket`.execute(db.kysely);
    const n = (v: number | string | null) => (v === null ? 0 : Number(v));
    return result.rows.map((r) => ({
      quarter: n(r.quarter),
      bucket: r.bucket === null ? null : Number(r.bucket),
      people: n(r.people),
      represented: n(r.represented),
      bond: n(r.bond),
      parole: n(r.parole),
      otherRelease: n(r.otherRelease),
      relief: n(r.relief),
      removal: n(r.removal),
    }));
  },

  /** Reports received per quarter (merged reports included: every report is one call for help). */
  async reportCounts(db: Db, bounds: readonly string[]): Promise<Array<{ quarter: number; reports: number }>> {
    const first = bounds[0] as string;
    const last = bounds[bounds.length - 1] as string;
    const result = await sql<{ quarter: number | string; reports: number | string }>`
      select quarter, count(*) as reports
      from (select ${quarterOf('received_at', bounds)} as quarter from legal_defense_reports where received_at >= ${first} and received_at < ${last}) s
      group by quarter`.execute(db.kysely);
    return result.rows.map((r) => ({ quarter: Number(r.quarter), reports: Number(r.reports) }));
  },
};
