/**
 * Queries of the public outcomes page: counts by quarter, aggregated in SQL, from plain columns only (codes and
 * times — never a sealed value, never a row per person leaving the database).
 *
 * A quarter is a range of instants — the UTC instants of local midnight at its start and at the next quarter's
 * start — so it is a range of ISO-8601 text on an index, the same on both databases, and each query is one
 * `select … union all select …` with one index range per quarter asked for. The time to a first attorney
 * contact is kept in whole seconds when the contact is recorded, so no date is parsed here.
 */
import { type RawBuilder, sql } from 'kysely';
import type { Db } from '../../core/db/database.ts';

/** One quarter to count: its index in the published list and its range of instants (`from` ≤ t < `to`). */
export interface QuarterRange {
  quarter: number;
  from: string;
  to: string;
}

/** A quarter's counts. */
export interface OutcomeCountRow {
  quarter: number;
  people: number;
  represented: number;
  bond: number;
  parole: number;
  otherRelease: number;
  relief: number;
  removal: number;
}

/** How many people of a quarter were first contacted by an attorney within one tenth-of-an-hour bucket. */
export interface ContactTimeRow {
  quarter: number;
  /** Tenths of an hour from the first report to the first attorney contact, rounded up. */
  bucket: number;
  people: number;
}

/**
 * SQLite is told which index to read: the per-quarter ranges are cheap on the covering index, but its planner,
 * misled by the statistics of the provider index, may choose a skip-scan that reads every case row instead.
 */
function outcomesIndex(db: Db): RawBuilder<unknown> {
  return db.dialect === 'sqlite' ? sql`indexed by legal_defense_cases_outcomes` : sql``;
}

function asRanges(quarters: readonly QuarterRange[] | readonly string[]): QuarterRange[] {
  if (quarters.every((q): q is QuarterRange => typeof q !== 'string')) return [...quarters];
  const bounds = quarters;
  return bounds.slice(1).map((to, i) => ({ quarter: i, from: bounds[i] as string, to }));
}

function perQuarter(ranges: readonly QuarterRange[], part: (r: QuarterRange) => RawBuilder<unknown>): RawBuilder<unknown> {
  return sql.join(ranges.map(part), sql` union all `);
}

const num = (v: number | string | null | undefined) => (v === null || v === undefined ? 0 : Number(v));
const RELEASED_OTHER = ['alternatives-to-detention', 'released-other'];

export const outcomesRepo = {
  /**
   * What changes whenever a quarter's counted figures can, per quarter: its cases (a deletion lowers the count),
   * the sum of their revisions (every change to a case raises its revision) and its reports. New cases and
   * reports arrive in the quarter in progress, outside the published ones. Read from the same indexes.
   */
  async versions(db: Db, ranges: readonly QuarterRange[]): Promise<Map<number, string>> {
    const index = outcomesIndex(db);
    const cases = await sql<{ quarter: number | string; n: number | string; r: number | string | null }>`${perQuarter(
      ranges,
      (q) => sql`select cast(${q.quarter} as integer) as quarter, count(*) as n, sum(revision) as r from legal_defense_cases ${index} where created_at >= ${q.from} and created_at < ${q.to}`,
    )}`.execute(db.kysely);
    const reports = await sql<{ quarter: number | string; n: number | string }>`${perQuarter(
      ranges,
      (q) => sql`select cast(${q.quarter} as integer) as quarter, count(*) as n from legal_defense_reports where received_at >= ${q.from} and received_at < ${q.to}`,
    )}`.execute(db.kysely);
    const reportsOf = new Map(reports.rows.map((r) => [num(r.quarter), num(r.n)]));
    return new Map(cases.rows.map((r) => [num(r.quarter), `${num(r.n)}:${num(r.r)}:${reportsOf.get(num(r.quarter)) ?? 0}`]));
  },

  /**
   * Cases whose first report falls in each quarter: people, represented (a provider's attorney accepted the
   * case), custody now (released on bond, on parole, otherwise) and the court outcome (relief granted, removal
   * ordered). Read from the covering index. `quarters` are ranges, or ascending boundaries (quarter i from
   * `bounds[i]` to `bounds[i + 1]`).
   */
  async caseCounts(db: Db, quarters: readonly QuarterRange[] | readonly string[]): Promise<OutcomeCountRow[]> {
    const ranges = asRanges(quarters);
    if (ranges.length === 0) return [];
    const index = outcomesIndex(db);
    const result = await sql<Record<keyof OutcomeCountRow, number | string | null>>`${perQuarter(
      ranges,
      (q) => sql`select cast(${q.quarter} as integer) as quarter, count(*) as people,
        sum(case when attorney_user_id is not null then 1 else 0 end) as represented,
        sum(case when custody = ${'released-bond'} then 1 else 0 end) as bond,
        sum(case when custody = ${'released-parole'} then 1 else 0 end) as parole,
        sum(case when custody in (${sql.join(RELEASED_OTHER)}) then 1 else 0 end) as "otherRelease",
        sum(case when outcome = ${'relief-granted'} then 1 else 0 end) as relief,
        sum(case when outcome = ${'removal-ordered'} then 1 else 0 end) as removal
        from legal_defense_cases ${index} where created_at >= ${q.from} and created_at < ${q.to}`,
    )}`.execute(db.kysely);
    return result.rows.map((r) => ({
      quarter: num(r.quarter),
      people: num(r.people),
      represented: num(r.represented),
      bond: num(r.bond),
      parole: num(r.parole),
      otherRelease: num(r.otherRelease),
      relief: num(r.relief),
      removal: num(r.removal),
    }));
  },

  /** People represented and first contacted, per quarter and tenth of an hour after the first report (rounded up). */
  async contactTimes(db: Db, ranges: readonly QuarterRange[]): Promise<ContactTimeRow[]> {
    if (ranges.length === 0) return [];
    const index = outcomesIndex(db);
    const result = await sql<{ quarter: number | string; bucket: number | string; people: number | string }>`${perQuarter(
      ranges,
      (q) => sql`select cast(${q.quarter} as integer) as quarter, (first_contact_seconds + 359) / 360 as bucket, count(*) as people
        from legal_defense_cases ${index}
        where created_at >= ${q.from} and created_at < ${q.to} and first_contact_seconds is not null and attorney_user_id is not null
        group by (first_contact_seconds + 359) / 360`,
    )}`.execute(db.kysely);
    return result.rows.map((r) => ({ quarter: num(r.quarter), bucket: num(r.bucket), people: num(r.people) }));
  },

  /** Reports received per quarter (merged reports included: every report is one call for help). */
  async reportCounts(db: Db, ranges: readonly QuarterRange[]): Promise<Array<{ quarter: number; reports: number }>> {
    if (ranges.length === 0) return [];
    const parts = perQuarter(ranges, (q) => sql`select cast(${q.quarter} as integer) as quarter, count(*) as reports from legal_defense_reports where received_at >= ${q.from} and received_at < ${q.to}`);
    const result = await sql<{ quarter: number | string; reports: number | string }>`${parts}`.execute(db.kysely);
    return result.rows.map((r) => ({ quarter: num(r.quarter), reports: num(r.reports) }));
  },
};
