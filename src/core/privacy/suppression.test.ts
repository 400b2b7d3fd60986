import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { isPublished, suppressSeries, suppressTable, type PublishedCell, type SuppressedTable } from './suppression.ts';

// ---------------------------------------------------------------------------------------------------------
// An attacker's view of a published table: the augmented grid (cells + margins) with `null` for hidden values.

interface Augmented {
  readonly truth: number[][]; // (R+1) × (C+1), margins included
  readonly shown: (number | null)[][];
}

function augment(table: number[][], out: SuppressedTable): Augmented {
  const r = table.length;
  const c = table[0]?.length ?? 0;
  const truth = table.map((row) => [...row, row.reduce((a, b) => a + b, 0)]);
  const colTotals = Array.from({ length: c + 1 }, (_, j) => truth.reduce((a, row) => a + (row[j] as number), 0));
  truth.push(colTotals);
  const v = (cell: PublishedCell): number | null => (isPublished(cell) ? cell.value : null);
  const shown = out.cells.map((row, i) => [...row.map(v), v(out.rowTotals[i] as PublishedCell)]);
  shown.push([...out.columnTotals.map(v), v(out.grandTotal)]);
  expect(shown).toHaveLength(r + 1);
  return { truth, shown };
}

/** Lines of the augmented grid as lists of [i, j], the line's total last. */
function lines(rows: number, cols: number): [number, number][][] {
  const out: [number, number][][] = [];
  for (let i = 0; i < rows; i++) out.push(Array.from({ length: cols }, (_, j) => [i, j] as [number, number]));
  for (let j = 0; j < cols; j++) out.push(Array.from({ length: rows }, (_, i) => [i, j] as [number, number]));
  return out;
}

const P = 1_000_003; // prime; the constraint matrix is totally unimodular, so ranks mod P equal ranks over Q

function rankModP(matrix: number[][]): number {
  const m = matrix.map((row) => row.map((x) => ((x % P) + P) % P));
  let rank = 0;
  const cols = m[0]?.length ?? 0;
  for (let col = 0; col < cols && rank < m.length; col++) {
    let pivot = -1;
    for (let i = rank; i < m.length; i++) if (m[i]?.[col] !== 0) pivot = i;
    if (pivot === -1) continue;
    [m[rank], m[pivot]] = [m[pivot] as number[], m[rank] as number[]];
    const pr = m[rank] as number[];
    let inv = 1;
    for (let e = P - 2, b = pr[col] as number; e > 0; e >>= 1, b = (b * b) % P) if (e & 1) inv = (inv * b) % P;
    for (let k = 0; k < cols; k++) pr[k] = ((pr[k] as number) * inv) % P;
    for (let i = 0; i < m.length; i++) {
      if (i === rank) continue;
      const row = m[i] as number[];
      const f = row[col] as number;
      if (f === 0) continue;
      for (let k = 0; k < cols; k++) row[k] = (((row[k] as number) - f * (pr[k] as number)) % P + P) % P;
    }
    rank++;
  }
  return rank;
}

/**
 * Linear-algebra attack: which hidden entries are uniquely determined by the published figures and the
 * row/column equations? x_k is determined iff removing its column from the constraint matrix lowers the rank.
 */
function derivableEntries(a: Augmented): [number, number][] {
  const rows = a.shown.length;
  const cols = a.shown[0]?.length ?? 0;
  const unknowns: [number, number][] = [];
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) if (a.shown[i]?.[j] === null) unknowns.push([i, j]);
  if (unknowns.length === 0) return [];
  const index = new Map(unknowns.map(([i, j], k) => [`${i},${j}`, k]));
  const matrix = lines(rows, cols).map((line) => {
    const coeff = new Array<number>(unknowns.length).fill(0);
    line.forEach(([i, j], pos) => {
      const k = index.get(`${i},${j}`);
      if (k !== undefined) coeff[k] = pos === line.length - 1 ? -1 : 1;
    });
    return coeff;
  });
  const full = rankModP(matrix);
  return unknowns.filter((_, k) => rankModP(matrix.map((row) => row.filter((_, c) => c !== k))) < full);
}

function checkSafe(table: number[][], out: SuppressedTable, max = 10): void {
  const a = augment(table, out);
  const rows = a.shown.length;
  const cols = a.shown[0]?.length ?? 0;
  let hidden = 0;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const shown = a.shown[i]?.[j];
      if (shown === null) {
        hidden++;
        continue;
      }
      // Published figures are true, and never 1–10.
      expect(shown).toBe(a.truth[i]?.[j]);
      expect(shown === 0 || (shown as number) > max).toBe(true);
    }
  }
  expect(out.suppressedCount).toBe(hidden);
  for (const line of lines(rows, cols)) {
    const values = line.map(([i, j]) => a.shown[i]?.[j] ?? null);
    const nHidden = values.filter((v) => v === null).length;
    // Never exactly one hidden figure on a line (it would be total − the others).
    expect(nHidden).not.toBe(1);
    const total = values[values.length - 1];
    const parts = values.slice(0, -1);
    if (total !== null && total !== undefined) {
      const publishedSum = parts.reduce<number>((s, v) => s + (v ?? 0), 0);
      if (nHidden === 0) expect(publishedSum).toBe(total); // consistent totals
      else expect(total - publishedSum).toBeGreaterThan(max); // no small derived aggregate
    }
  }
}

const count = fc.oneof(
  { weight: 3, arbitrary: fc.constant(0) },
  { weight: 5, arbitrary: fc.integer({ min: 1, max: 10 }) },
  { weight: 3, arbitrary: fc.integer({ min: 11, max: 40 }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 5_000 }) },
);
const tableArb = fc
  .tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }))
  .chain(([r, c]) => fc.array(fc.array(count, { minLength: c, maxLength: c }), { minLength: r, maxLength: r }));

describe('suppressTable', () => {
  it('suppresses small cells and their complements in a 2×2 table', () => {
    const out = suppressTable([
      [3, 40],
      [25, 60],
    ]);
    expect(out.cells).toEqual([
      [{ suppressed: true, reason: 'primary' }, { suppressed: true, reason: 'complementary' }],
      [{ suppressed: true, reason: 'complementary' }, { suppressed: true, reason: 'complementary' }],
    ]);
    expect(out.rowTotals).toEqual([{ suppressed: false, value: 43 }, { suppressed: false, value: 85 }]);
    expect(out.grandTotal).toEqual({ suppressed: false, value: 128 });
  });

  it('publishes zeros by default, hides them on request', () => {
    const shown = suppressTable([
      [0, 50],
      [30, 20],
    ]);
    expect(shown.suppressedCount).toBe(0);
    expect(shown.cells[0]?.[0]).toEqual({ suppressed: false, value: 0 });
    const hidden = suppressTable(
      [
        [0, 50],
        [30, 20],
      ],
      { showZero: false },
    );
    expect(hidden.cells[0]?.[0]).toEqual({ suppressed: true, reason: 'primary' });
    checkSafe(
      [
        [0, 50],
        [30, 20],
      ],
      hidden,
    );
  });

  it('suppresses small totals, including the grand total', () => {
    const out = suppressTable([[2, 3]]);
    expect(out.grandTotal).toEqual({ suppressed: true, reason: 'primary' });
    checkSafe([[2, 3]], out);
    const single = suppressTable([[7]]);
    expect(single.cells[0]?.[0]).toMatchObject({ suppressed: true });
    checkSafe([[7]], single);
  });

  it('prefers small complements', () => {
    const table = [
      [5, 12, 300],
      [40, 15, 500],
      [60, 70, 800],
    ];
    const out = suppressTable(table);
    checkSafe(table, out);
    expect(out.cells[0]?.[2]).toEqual({ suppressed: false, value: 300 });
    expect(out.cells[2]?.[2]).toEqual({ suppressed: false, value: 800 });
  });

  it('fast-check: never publishes 1–10, never leaves a hidden cell derivable by subtraction, totals consistent', () => {
    fc.assert(
      fc.property(tableArb, (table) => {
        checkSafe(table, suppressTable(table));
      }),
      { numRuns: 4_000 },
    );
  });

  it('fast-check: resists a full linear-algebra attack (no hidden figure is determined by the equations)', () => {
    fc.assert(
      fc.property(tableArb, (table) => {
        const out = suppressTable(table);
        expect(derivableEntries(augment(table, out))).toEqual([]);
      }),
      { numRuns: 2_000 },
    );
  });

  it('fast-check: also with zeros hidden and other thresholds', () => {
    fc.assert(
      fc.property(tableArb, fc.integer({ min: 1, max: 20 }), (table, max) => {
        const out = suppressTable(table, { max, showZero: false });
        checkSafe(table, out, max);
        for (const row of out.cells) for (const c of row) if (isPublished(c)) expect(c.value).toBeGreaterThan(max);
        expect(derivableEntries(augment(table, out))).toEqual([]);
      }),
      { numRuns: 1_000 },
    );
  });

  it('the attack is real: "two hidden per line" alone can still leak a cell', () => {
    // Two hidden 2×2 blocks joined by one hidden cell (0,2): every line has 0 or ≥ 2 hidden entries, yet
    // (0,2) = (hidden sum of columns 2–3) − (hidden sum of rows 2–3).
    const table = [
      [20, 30, 5, 40],
      [25, 35, 50, 60],
      [45, 55, 30, 40],
      [50, 65, 35, 45],
    ];
    const hide = new Set(['0,0', '0,1', '1,0', '1,1', '0,2', '2,2', '2,3', '3,2', '3,3']);
    const cell = (i: number, j: number): PublishedCell =>
      hide.has(`${i},${j}`) ? { suppressed: true, reason: 'complementary' } : { suppressed: false, value: table[i]?.[j] as number };
    const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
    const naive: SuppressedTable = {
      cells: table.map((row, i) => row.map((_, j) => cell(i, j))),
      rowTotals: table.map((row) => ({ suppressed: false, value: sum(row) })),
      columnTotals: table[0]!.map((_, j) => ({ suppressed: false, value: sum(table.map((row) => row[j] as number)) })),
      grandTotal: { suppressed: false, value: sum(table.flat()) },
      suppressedCount: hide.size,
    };
    expect(derivableEntries(augment(table, naive))).toEqual([[0, 2]]);
    // What suppressTable does with the same data is safe.
    const out = suppressTable(table);
    checkSafe(table, out);
    expect(derivableEntries(augment(table, out))).toEqual([]);
  });

  it('validates input', () => {
    expect(() => suppressTable([])).toThrow(TypeError);
    expect(() => suppressTable([[]])).toThrow(TypeError);
    expect(() => suppressTable([[1, 2], [3]])).toThrow(TypeError);
    expect(() => suppressTable([[1, -2]])).toThrow(TypeError);
    expect(() => suppressTable([[1.5]])).toThrow(TypeError);
    expect(() => suppressTable([[1]], { min: 5, max: 2 })).toThrow(RangeError);
  });

  it('handles a 40×30 table quickly', () => {
    const table = Array.from({ length: 40 }, (_, i) => Array.from({ length: 30 }, (_, j) => ((i * 31 + j * 17) % 23) * ((i + j) % 3)));
    const t0 = performance.now();
    const out = suppressTable(table);
    expect(performance.now() - t0).toBeLessThan(5_000);
    checkSafe(table, out);
  });
});

describe('suppressSeries', () => {
  const check = (values: number[], max = 10): void => {
    const out = suppressSeries(values, { max });
    const total = values.reduce((a, b) => a + b, 0);
    const entries = [...out.values, out.total];
    const truth = [...values, total];
    const hidden = entries.filter((e) => !isPublished(e)).length;
    expect(hidden).not.toBe(1);
    expect(out.suppressedCount).toBe(hidden);
    entries.forEach((e, k) => {
      if (isPublished(e)) {
        expect(e.value).toBe(truth[k]);
        expect(e.value === 0 || e.value > max).toBe(true);
      }
    });
    if (isPublished(out.total)) {
      const publishedSum = out.values.reduce((s, e) => s + (isPublished(e) ? e.value : 0), 0);
      if (hidden === 0) expect(publishedSum).toBe(total);
      else expect(total - publishedSum).toBeGreaterThan(max);
    }
  };

  it('hides a lone small value together with the smallest other value', () => {
    const out = suppressSeries([4, 30, 120, 0]);
    expect(out.values).toEqual([
      { suppressed: true, reason: 'primary' },
      { suppressed: true, reason: 'complementary' },
      { suppressed: false, value: 120 },
      { suppressed: false, value: 0 },
    ]);
    expect(out.total).toEqual({ suppressed: false, value: 154 });
  });

  it('hides the total when nothing else can protect the small value', () => {
    const out = suppressSeries([4, 0, 0]);
    expect(out.total).toEqual({ suppressed: true, reason: 'primary' });
    const big = suppressSeries([4, 0, 900]);
    check([4, 0, 900]);
    expect(big.values[1]).toEqual({ suppressed: false, value: 0 });
  });

  it('fast-check: same guarantees as tables', () => {
    fc.assert(
      fc.property(fc.array(count, { minLength: 1, maxLength: 12 }), fc.integer({ min: 1, max: 15 }), (values, max) => check(values, max)),
      { numRuns: 4_000 },
    );
  });
});
