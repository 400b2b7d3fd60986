import type { Db } from '../db/database.ts';
import { DEMAND_TYPES, type DemandType, quarterOf } from './demands.rules.ts';
import { demandsRepo } from './demands.repo.ts';
import { type PublishedCell, type SuppressedTable, suppressTable } from './suppression.ts';

/** The outcomes the public report counts. */
export const PUBLIC_OUTCOMES = ['approved', 'declined', 'pending'] as const;
export type PublicOutcome = (typeof PUBLIC_OUTCOMES)[number];

/** One quarter of the public report: demand types × outcomes, suppressed, with margins. */
export interface TransparencyQuarter {
  quarter: string;
  /** Rows follow {@link DEMAND_TYPES}, columns {@link PUBLIC_OUTCOMES}. */
  table: SuppressedTable;
}

/** The published report. */
export interface TransparencyReport {
  types: readonly DemandType[];
  outcomes: readonly PublicOutcome[];
  /** Completed quarters, oldest first. */
  quarters: TransparencyQuarter[];
  /** The quarter in progress (not published until it ends). */
  currentQuarter: string;
}

/** How a demand's status is counted publicly: an approved demand was disclosed or could have been. */
export function publicOutcome(status: string): PublicOutcome {
  if (status === 'approved' || status === 'disclosed') return 'approved';
  if (status === 'declined') return 'declined';
  return 'pending';
}

function previousQuarter(q: string): string {
  const year = Number(q.slice(0, 4));
  const n = Number(q.slice(6));
  return n === 1 ? `${year - 1}-Q4` : `${year}-Q${n - 1}`;
}

/** Most quarters shown (five years). */
export const MAX_QUARTERS = 20;

/**
 * Counts of outside demands by type and outcome per calendar quarter, every cell — margins included —
 * through the suppression library (1–10 hidden, plus complementary suppression).
 *
 * Only completed quarters are published: a table that changed every day would let anyone subtract
 * yesterday's figures from today's and see a single new demand. (A demand decided after its quarter was
 * published still changes that quarter's outcome columns; suppression is re-applied to every version.)
 */
export async function buildTransparencyReport(db: Db, now: Date): Promise<TransparencyReport> {
  const rows = await demandsRepo.transparencyRows(db.kysely);
  const currentQuarter = quarterOf(now.toISOString());
  const counts = new Map<string, number[][]>();
  let first: string | null = null;
  for (const r of rows) {
    const q = quarterOf(r.received_at);
    if (q >= currentQuarter) continue;
    if (first === null || q < first) first = q;
    const typeIndex = DEMAND_TYPES.indexOf(r.type as DemandType);
    if (typeIndex < 0) continue;
    const table = counts.get(q) ?? DEMAND_TYPES.map(() => PUBLIC_OUTCOMES.map(() => 0));
    const row = table[typeIndex] as number[];
    const col = PUBLIC_OUTCOMES.indexOf(publicOutcome(r.status));
    row[col] = (row[col] ?? 0) + 1;
    counts.set(q, table);
  }
  const quarters: TransparencyQuarter[] = [];
  if (first !== null) {
    // Every completed quarter since the first demand, empty ones included (a published zero is information too).
    const list: string[] = [];
    for (let q = previousQuarter(currentQuarter); q >= first && list.length < MAX_QUARTERS; q = previousQuarter(q)) list.unshift(q);
    for (const q of list) {
      const table = counts.get(q) ?? DEMAND_TYPES.map(() => PUBLIC_OUTCOMES.map(() => 0));
      quarters.push({ quarter: q, table: suppressTable(table) });
    }
  }
  return { types: DEMAND_TYPES, outcomes: PUBLIC_OUTCOMES, quarters, currentQuarter };
}

/**
 * Makes a CSV cell safe: quotes it, doubles quotes, and defuses spreadsheet formulas (a cell starting with
 * `=`, `+`, `-`, `@`, tab or carriage return is prefixed with `'`, OWASP CSV injection guidance).
 */
export function csvCell(value: string | number | boolean): string {
  let s = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return `"${s.replace(/"/g, '""')}"`;
}

function cellValue(c: PublishedCell): string {
  return c.suppressed ? '' : String(c.value);
}

/** The report as CSV (one row per quarter × type × outcome, plus totals), codes and translated labels. */
export function transparencyCsv(report: TransparencyReport, label: { type(t: string): string; outcome(o: string): string; total: string }): string {
  const lines = [['quarter', 'type', 'type_label', 'outcome', 'outcome_label', 'count', 'suppressed'].map(csvCell).join(',')];
  const push = (quarter: string, type: string, typeLabel: string, outcome: string, outcomeLabel: string, c: PublishedCell) =>
    lines.push([quarter, type, typeLabel, outcome, outcomeLabel, cellValue(c), c.suppressed].map((v) => csvCell(v)).join(','));
  for (const q of report.quarters) {
    report.types.forEach((type, i) => {
      report.outcomes.forEach((outcome, j) => push(q.quarter, type, label.type(type), outcome, label.outcome(outcome), q.table.cells[i]?.[j] as PublishedCell));
      push(q.quarter, type, label.type(type), 'total', label.total, q.table.rowTotals[i] as PublishedCell);
    });
    report.outcomes.forEach((outcome, j) => push(q.quarter, 'total', label.total, outcome, label.outcome(outcome), q.table.columnTotals[j] as PublishedCell));
    push(q.quarter, 'total', label.total, 'total', label.total, q.table.grandTotal);
  }
  return `${lines.join('\r\n')}\r\n`;
}
