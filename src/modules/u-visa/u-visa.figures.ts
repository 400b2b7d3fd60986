/**
 * The public turnaround figures (`/u-visa/figures`): per calendar quarter of receipt, how many requests,
 * how many certified and denied, the median and 90th-percentile days to a decision, the share decided within
 * 7 and within 30 days, and how many good-cause delays — every count through the small-cell suppression
 * library (DESIGN §3.8), and every figure derived from a count shown only when that count is.
 *
 * Only completed quarters are published: a table that changed every day would let anyone subtract
 * yesterday's figures from today's and see one request. Quarters are the city's local calendar quarters.
 */
import { localDate } from '../../core/jurisdiction/index.ts';
import type { AppContext } from '../../core/modules/context.ts';
import { type PublishedCell, type SuppressedSeries, type SuppressedTable, isPublished, suppressSeries, suppressTable } from '../../core/privacy/suppression.ts';
import { CLOCK_OWNER } from './u-visa.clocks.ts';
import { uVisaRepo } from './u-visa.repo.ts';

/** Columns of the outcome table: certified, denied, and the rest (pending, withdrawn). */
export const OUTCOMES = ['certified', 'denied', 'other'] as const;
/** Columns of the turnaround table: decided within 7 days, in 8–30 days, after more than 30. */
export const TURNAROUND_BANDS = ['within-7', 'within-30', 'over-30'] as const;
/** Quarters shown: three years, the retention period. */
export const MAX_QUARTERS = 12;

export interface QuarterFigures {
  quarter: string;
  /**
   * No request of the quarter was decided, and that zero is published: there are no days or shares to give
   * (the figures below are `null` for that reason, not because they are hidden).
   */
  noDecisions: boolean;
  /** Median and 90th-percentile days to a decision; `null` when the number of decisions is suppressed or zero. */
  medianDays: number | null;
  p90Days: number | null;
  /** Shares decided within 7 and within 30 days (0–1); `null` when not computable from published counts, or no decisions. */
  within7: number | null;
  within30: number | null;
}

export interface UVisaFigures {
  quarters: QuarterFigures[];
  /** Rows: quarters; columns: {@link OUTCOMES}; the row total is the number of requests. */
  outcomes: SuppressedTable;
  /** Rows: quarters; columns: {@link TURNAROUND_BANDS}; the row total is the number of decisions. */
  turnaround: SuppressedTable;
  /** Good-cause delays granted, per quarter (of the delay). */
  goodCause: SuppressedSeries;
  /** The quarter in progress (not published until it ends). */
  currentQuarter: string;
  smallCellMax: number;
}

/** `2026-02-14` → `2026-Q1`. */
export function quarterOfDate(date: string): string {
  return `${date.slice(0, 4)}-Q${Math.floor((Number(date.slice(5, 7)) - 1) / 3) + 1}`;
}

function previousQuarter(q: string): string {
  const year = Number(q.slice(0, 4));
  const n = Number(q.slice(6));
  return n === 1 ? `${year - 1}-Q4` : `${year}-Q${n - 1}`;
}

/** First day of a quarter, `YYYY-MM-DD`. */
function quarterStart(q: string): string {
  return `${q.slice(0, 4)}-${String((Number(q.slice(6)) - 1) * 3 + 1).padStart(2, '0')}-01`;
}

/** The value at a percentile of sorted numbers (nearest rank: the smallest value with at least p% at or below it). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new RangeError('percentile of nothing');
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] as number;
}

/** The median of sorted numbers (the mean of the two middle values for an even count). */
export function median(sorted: readonly number[]): number {
  if (sorted.length === 0) throw new RangeError('median of nothing');
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

const value = (c: PublishedCell | undefined): number | null => (c && isPublished(c) ? c.value : null);

/** Builds the published figures for the completed quarters up to now. */
export async function buildFigures(ctx: AppContext): Promise<UVisaFigures> {
  const now = ctx.now();
  const currentQuarter = quarterOfDate(localDate(ctx.jurisdiction, now));
  const quarters: string[] = [];
  for (let q = previousQuarter(currentQuarter); quarters.length < MAX_QUARTERS; q = previousQuarter(q)) quarters.unshift(q);
  const first = quarters[0] as string;
  // A day of margin on each side: quarters are local dates, `received_at` is UTC.
  const since = new Date(Date.parse(`${quarterStart(first)}T00:00:00Z`) - 86_400_000).toISOString();
  const rows = await uVisaRepo.figureRows(ctx.db.kysely, since);
  const index = new Map(quarters.map((q, i) => [q, i]));
  const outcomeCounts = quarters.map(() => OUTCOMES.map(() => 0));
  const bandCounts = quarters.map(() => TURNAROUND_BANDS.map(() => 0));
  const days: number[][] = quarters.map(() => []);
  for (const r of rows) {
    const i = index.get(quarterOfDate(localDate(ctx.jurisdiction, new Date(r.received_at))));
    if (i === undefined) continue;
    const col = r.decision === 'certified' ? 0 : r.decision === 'denied' ? 1 : 2;
    (outcomeCounts[i] as number[])[col] = ((outcomeCounts[i] as number[])[col] ?? 0) + 1;
    if ((r.decision === 'certified' || r.decision === 'denied') && r.turnaround_days !== null) {
      const d = Number(r.turnaround_days);
      (days[i] as number[]).push(d);
      const band = d <= 7 ? 0 : d <= 30 ? 1 : 2;
      (bandCounts[i] as number[])[band] = ((bandCounts[i] as number[])[band] ?? 0) + 1;
    }
  }
  const goodCauseCounts = quarters.map(() => 0);
  const report = await ctx.clocks.goodCauseReport({ owner: CLOCK_OWNER, from: new Date(since) });
  for (const e of report.extensions) {
    const i = index.get(quarterOfDate(localDate(ctx.jurisdiction, e.at)));
    if (i !== undefined) goodCauseCounts[i] = (goodCauseCounts[i] ?? 0) + 1;
  }
  const max = ctx.jurisdiction.publication.smallCellMax.value;
  const outcomes = suppressTable(outcomeCounts, { max });
  const turnaround = suppressTable(bandCounts, { max });
  const goodCause = suppressSeries(goodCauseCounts, { max });
  const figures = quarters.map((quarter, i): QuarterFigures => {
    const decided = value(turnaround.rowTotals[i]);
    const cells = turnaround.cells[i] ?? [];
    const [w7, w30, over] = [value(cells[0]), value(cells[1]), value(cells[2])];
    const sorted = [...(days[i] as number[])].sort((a, b) => a - b);
    const published = decided !== null && decided > 0;
    let within30: number | null = null;
    if (published && w7 !== null && w30 !== null) within30 = (w7 + w30) / decided;
    else if (published && over !== null) within30 = (decided - over) / decided;
    return {
      quarter,
      noDecisions: decided === 0,
      medianDays: published ? median(sorted) : null,
      p90Days: published ? percentile(sorted, 90) : null,
      within7: published && w7 !== null ? w7 / decided : null,
      within30,
    };
  });
  return { quarters: figures, outcomes, turnaround, goodCause, currentQuarter, smallCellMax: max };
}

/**
 * Makes a CSV cell safe: quoted, quotes doubled, and a text starting with `=`, `+`, `-`, `@`, tab or carriage
 * return prefixed with `'` so a spreadsheet does not run it as a formula (OWASP CSV injection).
 */
export function csvCell(v: string | number | boolean | null): string {
  let s = v === null ? '' : String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return `"${s.replace(/"/g, '""')}"`;
}

/** The derived columns of the CSV (days and shares), with the figure each comes from. */
const DERIVED = [
  ['median_days', 'medianDays'],
  ['p90_days', 'p90Days'],
  ['percent_within_7_days', 'within7'],
  ['percent_within_30_days', 'within30'],
] as const;

/**
 * The figures as CSV: one row per quarter. Every empty cell is explained in the row: `suppressed` names the
 * hidden ones (a count from 1 to `smallCellMax`, one that would reveal it, or days and shares worked out from
 * hidden counts), `not_applicable` the days and shares of a quarter without decisions (there is nothing to
 * compute: the page shows a dash). A zero count is written `0`.
 */
export function figuresCsv(f: UVisaFigures, header: readonly string[]): string {
  const lines = [header.map(csvCell).join(',')];
  f.quarters.forEach((q, i) => {
    const cells: Array<[string, PublishedCell | undefined]> = [
      ['requests', f.outcomes.rowTotals[i]],
      ['certified', f.outcomes.cells[i]?.[0]],
      ['denied', f.outcomes.cells[i]?.[1]],
      ['decided', f.turnaround.rowTotals[i]],
      ['good_cause_delays', f.goodCause.values[i]],
    ];
    const blank = DERIVED.filter(([, key]) => q[key] === null).map(([name]) => name);
    const hidden = [...cells.filter(([, c]) => !c || c.suppressed).map(([name]) => name), ...(q.noDecisions ? [] : blank)];
    const notApplicable = q.noDecisions ? blank : [];
    const pct = (x: number | null) => (x === null ? null : Math.round(x * 1000) / 10);
    lines.push(
      [q.quarter, ...cells.map(([, c]) => value(c)), q.medianDays, q.p90Days, pct(q.within7), pct(q.within30), hidden.join(' '), notApplicable.join(' ')].map((v) => csvCell(v)).join(','),
    );
  });
  return `${lines.join('\r\n')}\r\n`;
}

/** The CSV's column names (codes, stable for people who load the file; new columns are added at the end). */
export const CSV_HEADER = [
  'quarter',
  'requests',
  'certified',
  'denied',
  'decided',
  'good_cause_delays',
  'median_days',
  'p90_days',
  'percent_within_7_days',
  'percent_within_30_days',
  'suppressed',
  'not_applicable',
] as const;
