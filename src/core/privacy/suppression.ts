/**
 * Small-cell suppression for every published figure (DESIGN §3.8, R36; CMS cell-size suppression policy,
 * security-reliability §3.7).
 *
 * Rules, applied until nothing changes:
 *
 * 1. **Primary suppression** — any count from `min` to `max` (default 1–10), whether an inner cell, a row or
 *    column total, or the grand total.
 *    Zero is published by default: a true zero identifies nobody, CMS's policy states "a value of zero does not
 *    violate the minimum cell size policy", and hiding zeros makes tables much harder to read. Set
 *    `showZero: false` where the mere absence of a group is itself sensitive (e.g. a tiny geography where "no
 *    one from country X" tells the one family from X they are not counted); zeros are then primary-suppressed.
 * 2. **No exact derivation (complementary suppression)** — the published table obeys one linear equation per
 *    row and per column (cells add up to their total), including the totals row and column. A suppressed value
 *    can be recovered exactly by some combination of those equations iff it is a *bridge* of the bipartite graph
 *    whose vertices are the lines (rows and columns of the table with its margins) and whose edges are the
 *    suppressed entries. So every suppressed entry must lie on a cycle of suppressed entries. This is stronger
 *    than "every line has 0 or ≥ 2 suppressed entries", which still lets a chain of equations pin a value
 *    (see the tests). Each bridge is closed with the cheapest path of still-published entries (small values
 *    first; zeros only when nothing cheaper exists), the classic shortest-path heuristic for 2-D tables.
 * 3. **No small derived aggregate** — where a line's total is published, the suppressed entries of that line
 *    add up to something anyone can compute (total − published entries). That sum must not itself be a small
 *    count (≤ `max`), or "these two groups together are 7" is disclosed; zeros would also be revealed as zeros,
 *    which can re-open rule 2 via non-negativity. Fixed by suppressing the smallest non-zero published entry of
 *    the line, or the line's total.
 *
 * Limits: this protects against exact derivation and small line residuals. It does not compute full
 * linear-programming protection intervals (an attacker can still bound a suppressed cell between 0 and its
 * line residual), and it says nothing about releases over time or about overlapping tables: publish fixed,
 * coarse tables (quarters, wards), not ad-hoc queries, and apply this to the final table as published.
 */

/** Why a figure is hidden. */
export type SuppressionReason = 'primary' | 'complementary';

/** One published figure. */
export type PublishedCell =
  | { readonly suppressed: false; readonly value: number }
  | { readonly suppressed: true; readonly reason: SuppressionReason };

/** Options for {@link suppressTable} and {@link suppressSeries}. */
export interface SuppressionOptions {
  /** Smallest count that must be hidden. Default 1. */
  readonly min?: number;
  /** Largest count that must be hidden. Default 10 (publish only 0 and ≥ 11). */
  readonly max?: number;
  /** Publish true zeros (default `true`); see the module notes. */
  readonly showZero?: boolean;
}

/** A suppressed two-way table with its margins. */
export interface SuppressedTable {
  readonly cells: PublishedCell[][];
  readonly rowTotals: PublishedCell[];
  readonly columnTotals: PublishedCell[];
  readonly grandTotal: PublishedCell;
  /** Number of hidden figures, margins included. */
  readonly suppressedCount: number;
}

/** A suppressed one-way list with its total. */
export interface SuppressedSeries {
  readonly values: PublishedCell[];
  readonly total: PublishedCell;
  readonly suppressedCount: number;
}

const PUBLISHED = 0;
const PRIMARY = 1;
const COMPLEMENTARY = 2;

interface Rules {
  readonly min: number;
  readonly max: number;
  readonly showZero: boolean;
}

function rulesOf(options: SuppressionOptions | undefined): Rules {
  const min = options?.min ?? 1;
  const max = options?.max ?? 10;
  if (!Number.isInteger(min) || !Number.isInteger(max) || min < 0 || max < min) {
    throw new RangeError('suppression: min and max must be integers with 0 ≤ min ≤ max');
  }
  return { min, max, showZero: options?.showZero ?? true };
}

function isSensitive(value: number, rules: Rules): boolean {
  return (value >= rules.min && value <= rules.max) || (value === 0 && !rules.showZero);
}

function assertCount(value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new TypeError('suppression: every count must be a non-negative safe integer');
  }
}

// Array.isArray narrows readonly arrays to any[]; this keeps the element type.
function isArray<T>(value: readonly T[]): value is readonly T[] {
  return Array.isArray(value);
}

function toCell(value: number, status: number): PublishedCell {
  if (status === PUBLISHED) return { suppressed: false, value };
  return { suppressed: true, reason: status === PRIMARY ? 'primary' : 'complementary' };
}

/** True when a figure is shown (narrows to `{ value }`). */
export function isPublished(cell: PublishedCell): cell is { readonly suppressed: false; readonly value: number } {
  return !cell.suppressed;
}

// ---------------------------------------------------------------------------------------------------------
// Two-way tables

/**
 * The augmented grid: (R+1) × (C+1) entries, the last row holding column totals and the last column row totals
 * (the corner is the grand total). Line i < R+1 is row i; line R+1+j is column j. Entry (i, j) lies on row
 * line i and column line R+1+j — it is the edge between them in the suppression graph.
 */
class Grid {
  readonly rows: number; // R + 1
  readonly cols: number; // C + 1
  readonly value: Float64Array;
  readonly status: Uint8Array;

  constructor(cells: readonly (readonly number[])[]) {
    const r = cells.length;
    const c = cells[0]?.length ?? 0;
    this.rows = r + 1;
    this.cols = c + 1;
    this.value = new Float64Array(this.rows * this.cols);
    this.status = new Uint8Array(this.rows * this.cols);
    for (let i = 0; i < r; i++) {
      for (let j = 0; j < c; j++) {
        const v = cells[i]?.[j];
        assertCount(v);
        this.value[i * this.cols + j] = v;
        this.value[i * this.cols + c] = (this.value[i * this.cols + c] as number) + v;
        this.value[r * this.cols + j] = (this.value[r * this.cols + j] as number) + v;
        this.value[r * this.cols + c] = (this.value[r * this.cols + c] as number) + v;
      }
    }
    if (!Number.isSafeInteger(this.value[r * this.cols + c])) throw new RangeError('suppression: total is too large');
  }

  at(i: number, j: number): number {
    return i * this.cols + j;
  }

  /** Entries of a line, the line's total last. */
  line(l: number): number[] {
    const out: number[] = [];
    if (l < this.rows) for (let j = 0; j < this.cols; j++) out.push(this.at(l, j));
    else for (let i = 0; i < this.rows; i++) out.push(this.at(i, l - this.rows));
    return out;
  }
}

/**
 * Finds one bridge among suppressed entries (Tarjan's low-link, iterative). Returns the entry index or -1.
 */
function findBridge(g: Grid): number {
  const n = g.rows + g.cols;
  const disc = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  let time = 0;
  // Neighbours of a line via suppressed entries: row line i ↔ column line rows+j for entry (i, j).
  const neighbours = (v: number): { to: number; entry: number }[] => {
    const out: { to: number; entry: number }[] = [];
    if (v < g.rows) {
      for (let j = 0; j < g.cols; j++) if (g.status[g.at(v, j)] !== PUBLISHED) out.push({ to: g.rows + j, entry: g.at(v, j) });
    } else {
      const j = v - g.rows;
      for (let i = 0; i < g.rows; i++) if (g.status[g.at(i, j)] !== PUBLISHED) out.push({ to: i, entry: g.at(i, j) });
    }
    return out;
  };
  for (let root = 0; root < n; root++) {
    if (disc[root] !== -1) continue;
    const stack: { v: number; parentEntry: number; adj: { to: number; entry: number }[]; k: number }[] = [];
    disc[root] = low[root] = time++;
    stack.push({ v: root, parentEntry: -1, adj: neighbours(root), k: 0 });
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as (typeof stack)[number];
      if (top.k < top.adj.length) {
        const { to, entry } = top.adj[top.k++] as { to: number; entry: number };
        if (entry === top.parentEntry) continue;
        if (disc[to] === -1) {
          disc[to] = low[to] = time++;
          stack.push({ v: to, parentEntry: entry, adj: neighbours(to), k: 0 });
        } else {
          low[top.v] = Math.min(low[top.v] as number, disc[to] as number);
        }
      } else {
        stack.pop();
        const parent = stack[stack.length - 1];
        if (parent) {
          low[parent.v] = Math.min(low[parent.v] as number, low[top.v] as number);
          if ((low[top.v] as number) > (disc[parent.v] as number)) return top.parentEntry;
        }
      }
    }
  }
  return -1;
}

/**
 * Cost of hiding a published entry: its value (hide small figures first), +1 per entry (hide few), and zeros
 * priced above any small count, because a hidden zero protects little (see rule 3).
 */
function cost(value: number, rules: Rules): number {
  return (value === 0 ? rules.max + 1 : value) + 1;
}

/** Suppresses the cheapest set of published entries that puts `bridge` on a cycle (Dijkstra between its lines). */
function closeBridge(g: Grid, bridge: number, rules: Rules): void {
  const bi = Math.floor(bridge / g.cols);
  const bj = bridge % g.cols;
  const n = g.rows + g.cols;
  const dist = new Float64Array(n).fill(Infinity);
  const via = new Int32Array(n).fill(-1); // entry used to reach the vertex
  const from = new Int32Array(n).fill(-1);
  const done = new Uint8Array(n);
  const source = bi;
  const target = g.rows + bj;
  dist[source] = 0;
  for (;;) {
    let v = -1;
    for (let u = 0; u < n; u++) if (!done[u] && dist[u] !== Infinity && (v === -1 || (dist[u] as number) < (dist[v] as number))) v = u;
    if (v === -1 || v === target) break;
    done[v] = 1;
    const isRow = v < g.rows;
    const count = isRow ? g.cols : g.rows;
    for (let k = 0; k < count; k++) {
      const entry = isRow ? g.at(v, k) : g.at(k, v - g.rows);
      if (entry === bridge) continue;
      const to = isRow ? g.rows + k : k;
      if (done[to]) continue;
      const w = g.status[entry] !== PUBLISHED ? 0 : cost(g.value[entry] as number, rules);
      const d = (dist[v] as number) + w;
      if (d < (dist[to] as number)) {
        dist[to] = d;
        via[to] = entry;
        from[to] = v;
      }
    }
  }
  // A path always exists: the grid has ≥ 2 rows and ≥ 2 columns, so K(rows, cols) minus one edge is connected.
  for (let v = target; v !== source; v = from[v] as number) {
    const entry = via[v] as number;
    if (g.status[entry] === PUBLISHED) g.status[entry] = COMPLEMENTARY;
  }
}

/** Rule 3 on one line; returns true if it suppressed something. */
function fixResidual(entries: readonly number[], value: Float64Array, status: Uint8Array, rules: Rules): boolean {
  const total = entries[entries.length - 1] as number;
  if (status[total] !== PUBLISHED) return false;
  let hidden = 0;
  let residual = 0;
  for (let k = 0; k < entries.length - 1; k++) {
    const e = entries[k] as number;
    if (status[e] !== PUBLISHED) {
      hidden++;
      residual += value[e] as number;
    }
  }
  if (hidden === 0 || residual > rules.max) return false;
  let best = -1;
  for (let k = 0; k < entries.length - 1; k++) {
    const e = entries[k] as number;
    if (status[e] === PUBLISHED && (value[e] as number) > 0 && (best === -1 || (value[e] as number) < (value[best] as number))) best = e;
  }
  status[best === -1 ? total : best] = COMPLEMENTARY;
  return true;
}

/**
 * Suppresses a two-way table of counts (rows × columns) for publication, with its row totals, column totals
 * and grand total (computed from the cells). Deterministic: the same table always gives the same output.
 *
 * @example suppressTable([[3, 40], [25, 60]]) // 3 primary; 40, 25, 60 and margins as needed complementary
 */
export function suppressTable(table: readonly (readonly number[])[], options?: SuppressionOptions): SuppressedTable {
  const rules = rulesOf(options);
  if (!isArray(table) || table.length === 0) throw new TypeError('suppressTable: the table needs at least one row');
  const width = table[0]?.length ?? 0;
  if (width === 0 || table.some((row) => !isArray(row) || row.length !== width)) {
    throw new TypeError('suppressTable: rows must be non-empty and all the same length');
  }
  const g = new Grid(table);
  for (let e = 0; e < g.value.length; e++) if (isSensitive(g.value[e] as number, rules)) g.status[e] = PRIMARY;

  const lines = g.rows + g.cols;
  for (let guard = g.value.length + 1; guard > 0; guard--) {
    const bridge = findBridge(g);
    if (bridge !== -1) {
      closeBridge(g, bridge, rules);
      continue;
    }
    let changed = false;
    for (let l = 0; l < lines && !changed; l++) changed = fixResidual(g.line(l), g.value, g.status, rules);
    if (!changed) break;
  }
  // Fail closed: never return a table that breaks a rule (cannot happen; each round hides at least one more entry).
  const residualOk = Array.from({ length: lines }, (_, l) => g.line(l)).every((line) => !fixResidual(line, g.value, g.status.slice(), rules));
  if (findBridge(g) !== -1 || !residualOk) throw new Error('suppressTable: internal error, table not safe to publish');

  const r = g.rows - 1;
  const c = g.cols - 1;
  const cell = (i: number, j: number): PublishedCell => toCell(g.value[g.at(i, j)] as number, g.status[g.at(i, j)] as number);
  let suppressedCount = 0;
  for (const s of g.status) if (s !== PUBLISHED) suppressedCount++;
  return {
    cells: Array.from({ length: r }, (_, i) => Array.from({ length: c }, (_, j) => cell(i, j))),
    rowTotals: Array.from({ length: r }, (_, i) => cell(i, c)),
    columnTotals: Array.from({ length: c }, (_, j) => cell(r, j)),
    grandTotal: cell(r, c),
    suppressedCount,
  };
}

// ---------------------------------------------------------------------------------------------------------
// One-way series

/**
 * Suppresses a one-way list of counts (e.g. requests per month) and its total. Same rules as
 * {@link suppressTable} with a single equation: hidden entries (values and total together) are never exactly
 * one, and the hidden values of a published total never add up to ≤ `max`.
 */
export function suppressSeries(values: readonly number[], options?: SuppressionOptions): SuppressedSeries {
  const rules = rulesOf(options);
  if (!isArray(values) || values.length === 0) throw new TypeError('suppressSeries: needs at least one value');
  const n = values.length;
  const value = new Float64Array(n + 1);
  const status = new Uint8Array(n + 1);
  for (let k = 0; k < n; k++) {
    const v = values[k];
    assertCount(v);
    value[k] = v;
    value[n] = (value[n] as number) + v;
  }
  if (!Number.isSafeInteger(value[n])) throw new RangeError('suppression: total is too large');
  for (let e = 0; e <= n; e++) if (isSensitive(value[e] as number, rules)) status[e] = PRIMARY;
  const entries = Array.from({ length: n + 1 }, (_, k) => k);

  for (let guard = n + 2; guard > 0; guard--) {
    let hidden = 0;
    for (const s of status) if (s !== PUBLISHED) hidden++;
    if (hidden === 1) {
      // Hide the smallest other non-zero value (a hidden zero could never lift the residual above max), or
      // the total if there is none.
      let best = -1;
      for (let k = 0; k < n; k++) {
        if (status[k] !== PUBLISHED || value[k] === 0) continue;
        if (best === -1 || (value[k] as number) < (value[best] as number)) best = k;
      }
      status[best === -1 ? n : best] = COMPLEMENTARY;
      continue;
    }
    if (!fixResidual(entries, value, status, rules)) break;
  }

  let suppressedCount = 0;
  for (const s of status) if (s !== PUBLISHED) suppressedCount++;
  return {
    values: Array.from({ length: n }, (_, k) => toCell(value[k] as number, status[k] as number)),
    total: toCell(value[n] as number, status[n] as number),
    suppressedCount,
  };
}
