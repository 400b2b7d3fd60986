/**
 * The program's public outcome figures (`/legal-defense/outcomes`): for each of the last twelve completed
 * quarters (three years, the retention period) and in total — reports received, people (cases), people
 * represented, released (on bond, on parole, otherwise), relief granted, removal ordered, and the time from the
 * first report to the first attorney contact (median, 90th percentile, share within the profile's target).
 *
 * People are counted in the quarter of their first report (a cohort): a case's custody and outcome are what the
 * attorney has recorded since, so an older quarter's outcomes grow as cases finish. Only completed quarters are
 * published (a table that changed every day would show single new cases by subtraction).
 *
 * Every count goes through the suppression library (DESIGN §3.8): four tables, each a partition of the quarter's
 * people with "the rest" as a column (so no small remainder can be worked out by subtraction) — representation,
 * custody, court outcome, first contact. The library protects each table; the tables share the people of each
 * quarter and in all, so they are then linked ({@link suppressLinked}): a shared figure hidden in one table is
 * hidden in all, and each table is checked again; a quarter whose figures could still be worked out is withheld
 * whole. Medians and percentiles are shown only for more than `smallCellMax` contacts, and the share within the
 * target only where both of its counts are shown. Nothing is ever unsealed: the figures are counts of codes and
 * times.
 *
 * Limit (the library's own): the check covers each table's equations and the shared totals, not every
 * combination across tables — e.g. "no contact recorded" minus "not represented" is the people represented
 * without a recorded contact, a difference of two published figures from two tables.
 */
import { isoToDay, Zone } from '../../core/clocks/zone-time.ts';
import { localDate } from '../../core/jurisdiction/index.ts';
import type { ClockRule } from '../../core/jurisdiction/index.ts';
import type { AppContext } from '../../core/modules/context.ts';
import { type PublishedCell, type SuppressedSeries, type SuppressedTable, isPublished, suppressSeries, suppressTable } from '../../core/privacy/suppression.ts';
import { csvCell } from '../../core/privacy/transparency.service.ts';
import { type ContactTimeRow, type OutcomeCountRow, type QuarterRange, outcomesRepo } from './legal-defense.outcomes.repo.ts';

/** Quarters shown: three years, the retention period of closed cases. */
export const MAX_QUARTERS = 12;
/** Columns of the representation table. */
export const REPRESENTATION = ['represented', 'not-represented'] as const;
/** Columns of the custody table (custody now, as the attorney recorded it). */
export const RELEASE = ['released-bond', 'released-parole', 'released-other', 'not-released'] as const;
/** Columns of the court table. */
export const COURT = ['relief-granted', 'removal-ordered', 'other'] as const;
/** Columns of the first-contact table: contacted within the target, later, no contact recorded (the not represented included). */
export const CONTACT = ['within-target', 'later', 'none'] as const;

/** Counts before suppression, one row per quarter (oldest first). */
export interface OutcomeCounts {
  quarters: string[];
  reports: number[];
  representation: number[][];
  release: number[][];
  court: number[][];
  contact: number[][];
  /** Per quarter: tenths of an hour to the first contact (rounded up) → how many people. */
  contactTimes: Array<Map<number, number>>;
}

/** Time to a first attorney contact, in hours; each `null` when not published. */
export interface ContactFigures {
  medianHours: number | null;
  p90Hours: number | null;
  /** Share of contacts within the target (0–1). */
  withinTarget: number | null;
}

/** The published figures. */
export interface OutcomeFigures {
  quarters: string[];
  reports: SuppressedSeries;
  /** Rows: quarters; row totals: people. */
  representation: SuppressedTable;
  release: SuppressedTable;
  court: SuppressedTable;
  /** Rows: quarters; row totals: people represented. */
  contact: SuppressedTable;
  contactByQuarter: ContactFigures[];
  contactTotal: ContactFigures;
  /** Quarters withheld whole because tables disagreed on a shared figure (normally none). */
  withheld: boolean[];
  currentQuarter: string;
  smallCellMax: number;
  targetHours: number;
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

function nextQuarter(q: string): string {
  const year = Number(q.slice(0, 4));
  const n = Number(q.slice(6));
  return n === 4 ? `${year + 1}-Q1` : `${year}-Q${n + 1}`;
}

/** First day of a quarter, `YYYY-MM-DD`. */
export function quarterStart(q: string): string {
  return `${q.slice(0, 4)}-${String((Number(q.slice(6)) - 1) * 3 + 1).padStart(2, '0')}-01`;
}

/** The completed quarters to publish at `now` (oldest first) and the quarter in progress. */
export function publishedQuarters(ctx: AppContext, now: Date): { quarters: string[]; currentQuarter: string } {
  const currentQuarter = quarterOfDate(localDate(ctx.jurisdiction, now));
  const quarters: string[] = [];
  for (let q = previousQuarter(currentQuarter); quarters.length < MAX_QUARTERS; q = previousQuarter(q)) quarters.unshift(q);
  return { quarters, currentQuarter };
}

/** The instants (UTC ISO) of local midnight at the start of each quarter and at the end of the last one. */
export function quarterBounds(timeZone: string, quarters: readonly string[]): string[] {
  const zone = Zone.for(timeZone);
  const starts = [...quarters, nextQuarter(quarters[quarters.length - 1] as string)];
  return starts.map((q) => new Date(zone.instantOf(isoToDay(quarterStart(q)))).toISOString());
}

/** The published quarters as ranges of instants for the queries (`quarter` is the index in `quarters`). */
export function quarterRanges(timeZone: string, quarters: readonly string[]): QuarterRange[] {
  const bounds = quarterBounds(timeZone, quarters);
  return quarters.map((_, i) => ({ quarter: i, from: bounds[i] as string, to: bounds[i + 1] as string }));
}

/** The first-contact target in hours (the profile's `legalDefenseFirstAttorneyContact`; a day counts 24 hours). */
export function targetHours(rule: ClockRule): number {
  switch (rule.unit) {
    case 'hours':
      return rule.amount;
    case 'days':
    case 'business-days':
      return rule.amount * 24;
    case 'months':
      return rule.amount * 30 * 24;
    case 'years':
      return rule.amount * 365 * 24;
  }
}

/** Whole seconds from the first report to the first attorney contact (never negative), kept with the contact. */
export function contactSeconds(reportedAt: string, contactAt: string): number {
  return Math.max(0, Math.round((Date.parse(contactAt) - Date.parse(reportedAt)) / 1000));
}

/** Turns the grouped rows of the database into the tables' counts. */
export function countsFromRows(
  quarters: readonly string[],
  rows: { cases: readonly OutcomeCountRow[]; contacts: readonly ContactTimeRow[]; reports: ReadonlyArray<{ quarter: number; reports: number }> },
  target: number,
): OutcomeCounts {
  const n = quarters.length;
  const zeros = (w: number) => Array.from({ length: n }, () => Array.from({ length: w }, () => 0));
  const counts: OutcomeCounts = {
    quarters: [...quarters],
    reports: Array.from({ length: n }, () => 0),
    representation: zeros(REPRESENTATION.length),
    release: zeros(RELEASE.length),
    court: zeros(COURT.length),
    contact: zeros(CONTACT.length),
    contactTimes: Array.from({ length: n }, () => new Map<number, number>()),
  };
  for (const r of rows.reports) if (r.quarter >= 0 && r.quarter < n) counts.reports[r.quarter] = (counts.reports[r.quarter] ?? 0) + r.reports;
  const add = (row: number[] | undefined, j: number, v: number) => {
    if (row) row[j] = (row[j] ?? 0) + v;
  };
  for (const r of rows.cases) {
    const i = r.quarter;
    if (i < 0 || i >= n) continue;
    add(counts.representation[i], 0, r.represented);
    add(counts.representation[i], 1, r.people - r.represented);
    const released = r.bond + r.parole + r.otherRelease;
    add(counts.release[i], 0, r.bond);
    add(counts.release[i], 1, r.parole);
    add(counts.release[i], 2, r.otherRelease);
    add(counts.release[i], 3, r.people - released);
    add(counts.court[i], 0, r.relief);
    add(counts.court[i], 1, r.removal);
    add(counts.court[i], 2, r.people - r.relief - r.removal);
  }
  for (const r of rows.contacts) {
    if (r.quarter < 0 || r.quarter >= n) continue;
    // Every one of them was represented: the accepting attorney records the contact.
    add(counts.contact[r.quarter], r.bucket <= target * 10 ? 0 : 1, r.people);
    const times = counts.contactTimes[r.quarter] as Map<number, number>;
    times.set(r.bucket, (times.get(r.bucket) ?? 0) + r.people);
  }
  // Everyone else: represented without a first contact recorded (yet, or ever), and the people not represented.
  counts.contact.forEach((row, i) => {
    row[2] = (counts.representation[i]?.[0] ?? 0) + (counts.representation[i]?.[1] ?? 0) - (row[0] ?? 0) - (row[1] ?? 0);
  });
  return counts;
}

/** The value at a percentile of a histogram (nearest rank), in the histogram's unit. */
export function histogramPercentile(times: ReadonlyMap<number, number>, p: number): number {
  const sorted = [...times.entries()].filter(([, c]) => c > 0).sort((a, b) => a[0] - b[0]);
  const total = sorted.reduce((s, [, c]) => s + c, 0);
  if (total === 0) throw new RangeError('percentile of nothing');
  const rank = Math.max(1, Math.ceil((p / 100) * total));
  return valueAtRank(sorted, rank);
}

/** The median of a histogram (the mean of the two middle values for an even count). */
export function histogramMedian(times: ReadonlyMap<number, number>): number {
  const sorted = [...times.entries()].filter(([, c]) => c > 0).sort((a, b) => a[0] - b[0]);
  const total = sorted.reduce((s, [, c]) => s + c, 0);
  if (total === 0) throw new RangeError('median of nothing');
  if (total % 2 === 1) return valueAtRank(sorted, (total + 1) / 2);
  return (valueAtRank(sorted, total / 2) + valueAtRank(sorted, total / 2 + 1)) / 2;
}

function valueAtRank(sorted: ReadonlyArray<[number, number]>, rank: number): number {
  let seen = 0;
  for (const [value, count] of sorted) {
    seen += count;
    if (seen >= rank) return value;
  }
  return (sorted[sorted.length - 1] as [number, number])[0];
}

const value = (c: PublishedCell | undefined): number | null => (c && isPublished(c) ? c.value : null);
const HIDDEN: PublishedCell = { suppressed: true, reason: 'complementary' };

/**
 * `suppressTable` over the quarters that have anyone in them: a quarter with no one is all true zeros, published
 * as such (zeros identify nobody), and is not offered to the library as cheap cover for the others' small counts
 * (it adds nothing to any total, so leaving it out changes no equation).
 */
export function suppressPeopleTable(counts: readonly (readonly number[])[], max: number): SuppressedTable {
  const used = counts.map((row, i) => [row, i] as const).filter(([row]) => row.some((v) => v > 0));
  const width = counts[0]?.length ?? 0;
  const zero: PublishedCell = { suppressed: false, value: 0 };
  if (used.length === 0) {
    return { cells: counts.map((row) => row.map(() => zero)), rowTotals: counts.map(() => zero), columnTotals: Array.from({ length: width }, () => zero), grandTotal: zero, suppressedCount: 0 };
  }
  const t = suppressTable(
    used.map(([row]) => row),
    { max },
  );
  const at = new Map(used.map(([, i], k) => [i, k]));
  return {
    cells: counts.map((row, i) => (at.has(i) ? (t.cells[at.get(i) as number] as PublishedCell[]) : row.map(() => zero))),
    rowTotals: counts.map((_, i) => (at.has(i) ? (t.rowTotals[at.get(i) as number] as PublishedCell) : zero)),
    columnTotals: t.columnTotals,
    grandTotal: t.grandTotal,
    suppressedCount: t.suppressedCount,
  };
}

/** Counts with their margins: each row's total last, and a last row of column totals and the grand total. */
function augmented(counts: readonly (readonly number[])[]): number[][] {
  const rows = counts.map((row) => [...row, row.reduce((a, b) => a + b, 0)]);
  const width = rows[0]?.length ?? 0;
  return [...rows, Array.from({ length: width }, (_, j) => rows.reduce((sum, row) => sum + (row[j] ?? 0), 0))];
}

/** A table as its augmented grid: R + 1 rows (the last holds the column totals) of C + 1 entries (the last is the row total). */
function gridOf(t: SuppressedTable): PublishedCell[][] {
  return [...t.cells.map((row, i) => [...row, t.rowTotals[i] as PublishedCell]), [...t.columnTotals, t.grandTotal]];
}

function tableOf(grid: readonly (readonly PublishedCell[])[]): SuppressedTable {
  const r = grid.length - 1;
  const c = (grid[0]?.length ?? 1) - 1;
  const cells = grid.slice(0, r).map((row) => row.slice(0, c));
  const rowTotals = grid.slice(0, r).map((row) => row[c] as PublishedCell);
  const last = grid[r] as PublishedCell[];
  return { cells, rowTotals, columnTotals: last.slice(0, c), grandTotal: last[c] as PublishedCell, suppressedCount: grid.flat().filter((x) => x.suppressed).length };
}

/** Which unknowns a system of linear equations fixes (reduced row echelon form; the coefficients are small integers). */
function determinedUnknowns(equations: readonly number[][], n: number): boolean[] {
  const m = equations.map((e) => [...e]);
  const pivots: number[] = [];
  let row = 0;
  for (let col = 0; col < n && row < m.length; col++) {
    const p = m.findIndex((e, k) => k >= row && Math.abs(e[col] as number) > 1e-9);
    if (p === -1) continue;
    [m[row], m[p]] = [m[p] as number[], m[row] as number[]];
    const pivotRow = m[row] as number[];
    const f = pivotRow[col] as number;
    for (let j = 0; j < n; j++) pivotRow[j] = (pivotRow[j] as number) / f;
    for (let k = 0; k < m.length; k++) {
      const other = m[k] as number[];
      const g = other[col] as number;
      if (k === row || Math.abs(g) < 1e-12) continue;
      for (let j = 0; j < n; j++) other[j] = (other[j] as number) - g * (pivotRow[j] as number);
    }
    pivots.push(col);
    row++;
  }
  const isPivot = new Set(pivots);
  const out = Array.from({ length: n }, () => false);
  pivots.forEach((col, k) => {
    out[col] = (m[k] as number[]).every((x, j) => isPivot.has(j) || Math.abs(x) < 1e-9);
  });
  return out;
}

/**
 * The hidden entries of an augmented grid that can still be worked out from what is published: exactly, by the
 * equations of its rows and columns (each line's entries add up to its last entry), or as part of a small
 * remainder — a line whose total is published and whose hidden entries add up to `max` or less (zero included).
 * Returned as `[row, column]` of the grid. This is the library's own test, run again after tables are linked.
 */
export function exposedEntries(values: readonly (readonly number[])[], hidden: readonly (readonly boolean[])[], max: number): Array<[number, number]> {
  const rows = values.length;
  const cols = values[0]?.length ?? 0;
  const id = new Map<string, number>();
  hidden.forEach((row, i) => row.forEach((h, j) => h && id.set(`${i},${j}`, id.size)));
  const lines: Array<Array<[number, number]>> = [
    ...Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j): [number, number] => [i, j])),
    ...Array.from({ length: cols }, (_, j) => Array.from({ length: rows }, (_, i): [number, number] => [i, j])),
  ];
  const equations = lines.map((line) => {
    const e = Array.from({ length: id.size }, () => 0);
    line.forEach(([i, j], k) => {
      const v = id.get(`${i},${j}`);
      if (v !== undefined) e[v] = k === line.length - 1 ? -1 : 1;
    });
    return e;
  });
  const determined = determinedUnknowns(equations, id.size);
  const out = new Map<string, [number, number]>();
  for (const [key, v] of id) if (determined[v]) out.set(key, key.split(',').map(Number) as [number, number]);
  for (const line of lines) {
    const [ti, tj] = line[line.length - 1] as [number, number];
    if (hidden[ti]?.[tj]) continue;
    const inner = line.slice(0, -1).filter(([i, j]) => hidden[i]?.[j]);
    const remainder = inner.reduce((sum, [i, j]) => sum + (values[i]?.[j] ?? 0), 0);
    if (inner.length > 0 && remainder <= max) for (const [i, j] of inner) out.set(`${i},${j}`, [i, j]);
  }
  return [...out.values()];
}

/**
 * Suppresses tables that share their row totals and grand total (the people of each quarter): each through the
 * library, then linked — a shared figure hidden in one is hidden in all — and checked again ({@link exposedEntries}).
 * A quarter with a figure that could still be worked out is withheld whole in every table; if that is not enough,
 * so are the totals, and at last everything. Hiding more never uncovers a hidden figure, so this ends.
 */
export function suppressLinked(tables: ReadonlyArray<readonly (readonly number[])[]>, max: number): { tables: SuppressedTable[]; withheld: boolean[]; totalsWithheld: boolean } {
  const grids = tables.map((counts) => gridOf(suppressPeopleTable(counts, max)));
  const values = tables.map(augmented);
  const quarters = tables[0]?.length ?? 0;
  const withheld = Array.from({ length: quarters }, () => false);
  let totalsWithheld = false;
  const hideRow = (i: number) => grids.forEach((g) => (g[i] = (g[i] as PublishedCell[]).map(() => HIDDEN)));
  for (let round = 0; round <= quarters + 2; round++) {
    // Link: a shared figure (a quarter's people, everyone) hidden anywhere is hidden everywhere.
    for (let i = 0; i <= quarters; i++) {
      if (grids.some((g) => (g[i] as PublishedCell[])[(g[i] as PublishedCell[]).length - 1]?.suppressed)) {
        for (const g of grids) {
          const row = g[i] as PublishedCell[];
          row[row.length - 1] = HIDDEN;
        }
      }
    }
    const exposed = grids.flatMap((g, k) => exposedEntries(values[k] as number[][], g.map((row) => row.map((c) => c.suppressed)), max));
    if (exposed.length === 0) break;
    if (round === quarters + 2) {
      for (let i = 0; i <= quarters; i++) hideRow(i);
      withheld.fill(true);
      totalsWithheld = true;
      break;
    }
    const rows = new Set(exposed.map(([i]) => i));
    const fresh = [...rows].filter((i) => i < quarters && !withheld[i]);
    if (fresh.length > 0) {
      for (const i of fresh) {
        withheld[i] = true;
        hideRow(i);
      }
    } else {
      totalsWithheld = true;
      hideRow(quarters);
    }
  }
  return { tables: grids.map(tableOf), withheld, totalsWithheld };
}

/**
 * The contact figures of a group: the median and 90th percentile when more than `max` people were contacted
 * (they reveal no count, but a small group's median is one person's time) and the group is not withheld; the
 * share within the target only when both its counts are published (the share and one count would give the other).
 */
function contactFigures(times: ReadonlyMap<number, number>, within: number | null, later: number | null, options: { max: number; withheld: boolean }): ContactFigures {
  let contacted = 0;
  for (const c of times.values()) contacted += c;
  const spread = !options.withheld && contacted > options.max;
  const shown = within !== null && later !== null && within + later > options.max;
  return {
    medianHours: spread ? histogramMedian(times) / 10 : null,
    p90Hours: spread ? histogramPercentile(times, 90) / 10 : null,
    withinTarget: shown ? within / (within + later) : null,
  };
}

/** Suppresses the counts for publication (pure: the same counts always give the same figures). */
export function publishOutcomes(counts: OutcomeCounts, options: { max: number; targetHours: number; currentQuarter: string }): OutcomeFigures {
  const max = options.max;
  const linked = suppressLinked([counts.representation, counts.release, counts.court, counts.contact], max);
  const [representation, release, court, contact] = linked.tables as [SuppressedTable, SuppressedTable, SuppressedTable, SuppressedTable];
  const contactByQuarter = counts.quarters.map((_, i) =>
    contactFigures(counts.contactTimes[i] as Map<number, number>, value(contact.cells[i]?.[0]), value(contact.cells[i]?.[1]), { max, withheld: linked.withheld[i] === true }),
  );
  const all = new Map<number, number>();
  for (const m of counts.contactTimes) for (const [k, v] of m) all.set(k, (all.get(k) ?? 0) + v);
  const contactTotal = contactFigures(all, value(contact.columnTotals[0]), value(contact.columnTotals[1]), { max, withheld: linked.totalsWithheld });
  return {
    quarters: counts.quarters,
    reports: suppressSeries(counts.reports, { max }),
    representation,
    release,
    court,
    contact,
    contactByQuarter,
    contactTotal,
    withheld: linked.withheld,
    currentQuarter: options.currentQuarter,
    smallCellMax: max,
    targetHours: options.targetHours,
  };
}

/** Reads the counts of the completed quarters at `now` (grouped queries over index ranges; plain columns only). */
export async function outcomeCounts(ctx: AppContext, now: Date): Promise<{ counts: OutcomeCounts; currentQuarter: string; targetHours: number }> {
  const { quarters, currentQuarter } = publishedQuarters(ctx, now);
  const ranges = quarterRanges(ctx.jurisdiction.locale.timezone.value, quarters);
  const target = targetHours(ctx.jurisdiction.clocks.legalDefenseFirstAttorneyContact.value);
  const [cases, contacts, reports] = await Promise.all([outcomesRepo.caseCounts(ctx.db, ranges), outcomesRepo.contactTimes(ctx.db, ranges), outcomesRepo.reportCounts(ctx.db, ranges)]);
  return { counts: countsFromRows(quarters, { cases, contacts, reports }, target), currentQuarter, targetHours: target };
}

/** What is kept per database: each quarter's grouped rows with the version they were read at, and the last figures. */
interface Kept {
  quarters: Map<string, { version: string; cases: OutcomeCountRow[]; contacts: ContactTimeRow[]; reports: number }>;
  key: string;
  figures: OutcomeFigures | null;
}
const kept = new WeakMap<object, Kept>();

/**
 * Builds the published figures for the completed quarters up to now, counting again only the quarters whose data
 * changed. Each quarter's grouped rows are kept (per database, in this process) with the quarter's version
 * ({@link outcomesRepo.versions}: the count and the sum of revisions of its cases, and the count of its reports,
 * read from the same indexes in one small query); a page view reads the versions, counts the quarters that
 * changed (usually none, at most the few with cases being worked), and suppresses the whole table again when
 * any did. Several instances each keep their own; each checks the versions in the database, so none shows
 * figures older than the data it read. This relies on every change to a case raising its revision
 * (`legalDefenseRepo.updateCase` does) and on new cases and reports arriving in the quarter in progress.
 */
export async function buildOutcomes(ctx: AppContext): Promise<OutcomeFigures> {
  const now = ctx.now();
  const { quarters, currentQuarter } = publishedQuarters(ctx, now);
  const ranges = quarterRanges(ctx.jurisdiction.locale.timezone.value, quarters);
  const versions = await outcomesRepo.versions(ctx.db, ranges);
  const state: Kept = kept.get(ctx.db) ?? { quarters: new Map(), key: '', figures: null };
  kept.set(ctx.db, state);
  const key = `${currentQuarter}|${ranges.map((r) => versions.get(r.quarter) ?? '').join(',')}`;
  if (state.key === key && state.figures) return state.figures;

  const stale = ranges.filter((r) => state.quarters.get(quarters[r.quarter] as string)?.version !== versions.get(r.quarter));
  const [cases, contacts, reports] = await Promise.all([outcomesRepo.caseCounts(ctx.db, stale), outcomesRepo.contactTimes(ctx.db, stale), outcomesRepo.reportCounts(ctx.db, stale)]);
  for (const r of stale) {
    state.quarters.set(quarters[r.quarter] as string, {
      version: versions.get(r.quarter) ?? '',
      cases: cases.filter((c) => c.quarter === r.quarter),
      contacts: contacts.filter((c) => c.quarter === r.quarter),
      reports: reports.filter((c) => c.quarter === r.quarter).reduce((n, c) => n + c.reports, 0),
    });
  }
  for (const code of state.quarters.keys()) if (!quarters.includes(code)) state.quarters.delete(code);
  const rows = { cases: [] as OutcomeCountRow[], contacts: [] as ContactTimeRow[], reports: [] as Array<{ quarter: number; reports: number }> };
  quarters.forEach((code, i) => {
    const q = state.quarters.get(code);
    if (!q) return;
    for (const c of q.cases) rows.cases.push({ ...c, quarter: i });
    for (const c of q.contacts) rows.contacts.push({ ...c, quarter: i });
    rows.reports.push({ quarter: i, reports: q.reports });
  });
  const target = targetHours(ctx.jurisdiction.clocks.legalDefenseFirstAttorneyContact.value);
  const figures = publishOutcomes(countsFromRows(quarters, rows, target), { max: ctx.jurisdiction.publication.smallCellMax.value, targetHours: target, currentQuarter });
  state.key = key;
  state.figures = figures;
  return figures;
}

/** The CSV's column names (codes, stable for people who load the file). */
export const OUTCOMES_CSV_HEADER = [
  'quarter',
  'reports',
  'people',
  'represented',
  'not_represented',
  'released_bond',
  'released_parole',
  'released_other',
  'relief_granted',
  'removal_ordered',
  'first_contact_within_target',
  'first_contact_later',
  'median_hours_to_first_contact',
  'p90_hours_to_first_contact',
  'percent_first_contact_within_target',
  'suppressed',
] as const;

/** The figures as CSV: one row per quarter and a `total` row; hidden counts empty, named in `suppressed`. */
export function outcomesCsv(f: OutcomeFigures): string {
  const lines = [OUTCOMES_CSV_HEADER.map((h) => csvCell(h)).join(',')];
  const row = (label: string, cells: ReadonlyArray<[string, PublishedCell | undefined]>, contact: ContactFigures) => {
    const hiddenNames = cells.filter(([, c]) => !c || c.suppressed).map(([name]) => name);
    const pct = contact.withinTarget === null ? '' : Math.round(contact.withinTarget * 1000) / 10;
    const values = [label, ...cells.map(([, c]) => value(c) ?? ''), contact.medianHours ?? '', contact.p90Hours ?? '', pct, hiddenNames.join(' ')];
    lines.push(values.map((v) => csvCell(v)).join(','));
  };
  const columns = (get: (t: SuppressedTable, j: number) => PublishedCell | undefined, people: PublishedCell | undefined, reports: PublishedCell | undefined): Array<[string, PublishedCell | undefined]> => [
    ['reports', reports],
    ['people', people],
    ['represented', get(f.representation, 0)],
    ['not_represented', get(f.representation, 1)],
    ['released_bond', get(f.release, 0)],
    ['released_parole', get(f.release, 1)],
    ['released_other', get(f.release, 2)],
    ['relief_granted', get(f.court, 0)],
    ['removal_ordered', get(f.court, 1)],
    ['first_contact_within_target', get(f.contact, 0)],
    ['first_contact_later', get(f.contact, 1)],
  ];
  f.quarters.forEach((q, i) => row(q, columns((t, j) => t.cells[i]?.[j], f.representation.rowTotals[i], f.reports.values[i]), f.contactByQuarter[i] as ContactFigures));
  row('total', columns((t, j) => t.columnTotals[j], f.representation.grandTotal, f.reports.total), f.contactTotal);
  return `${lines.join('\r\n')}\r\n`;
}
