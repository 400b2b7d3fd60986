import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { randomId } from '../../src/core/crypto/random.ts';
import { DEMAND_TYPES } from '../../src/core/privacy/demands.rules.ts';
import { buildTransparencyReport, csvCell, transparencyCsv } from '../../src/core/privacy/transparency.service.ts';
import { type TestApp, TestBrowser, createTestApp } from '../helpers/app.ts';
import { describeEachDialect } from '../helpers/db.ts';

/** Inserts `n` demands of one type and status received on `day` (minimal rows; the register's own tests cover the rest). */
async function seed(t: TestApp, n: number, type: string, status: string, day: string): Promise<void> {
  for (let i = 0; i < n; i++) {
    const id = randomId();
    await t.ctx.db.kysely
      .insertInto('privacy_demands')
      .values({
        id,
        reference: `R${id.slice(-12)}`,
        type,
        form_number: 'none',
        agency_kind: 'ice',
        agency_name: 'ICE ERO St. Paul',
        channel: 'in_person',
        received_at: `${day}T15:00:00.000Z`,
        received_by: id,
        registered_by: id,
        served_on: 'front_desk',
        issued_by_court: 'no',
        signed_by_judge: 'no',
        judge_name: null,
        court_name: null,
        case_number: null,
        issued_on: null,
        expires_on: null,
        unmatched_people: 0,
        subject_id: null,
        requester_sealed: null,
        description_sealed: null,
        status,
        decline_reason: null,
        decided_at: null,
        decided_by: null,
        nondisclosure_order_ref: null,
        nondisclosure_until: null,
        nondisclosure_recorded_by: null,
        created_at: `${day}T15:00:00.000Z`,
        updated_at: `${day}T15:00:00.000Z`,
      })
      .execute();
  }
}

describeEachDialect('public transparency report on demands', (dialect) => {
  let t: TestApp;
  const now = new Date('2026-11-27T12:00:00.000Z'); // 2026-Q4 is in progress

  beforeEach(async () => {
    t = await createTestApp(dialect, { now: () => now });
  });
  afterEach(async () => t.close());

  it('is linked from the privacy notice', async () => {
    const res = await new TestBrowser(t.app).get('/privacy?lang=es');
    expect(res.body).toContain('href="/transparency/demands"');
    expect(res.body).toContain('Cuántos pedidos de datos de residentes');
  });

  it('publishes nothing before a quarter is complete', async () => {
    await seed(t, 25, 'administrative_warrant', 'declined', '2026-10-02');
    const report = await buildTransparencyReport(t.ctx.db, now);
    expect(report.currentQuarter).toBe('2026-Q4');
    expect(report.quarters).toEqual([]);
    const page = await new TestBrowser(t.app).get('/transparency/demands');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('There is no complete quarter to report yet.');
    expect(page.body).not.toContain('<svg');
  });

  it('suppresses every count from 1 to 10 and enough others that none can be worked out', async () => {
    await seed(t, 15, 'administrative_warrant', 'declined', '2026-04-10');
    await seed(t, 3, 'detainer', 'declined', '2026-05-01');
    await seed(t, 12, 'informal_request', 'declined', '2026-06-30');
    await seed(t, 1, 'court_order', 'approved', '2026-06-01');
    await seed(t, 40, 'administrative_subpoena', 'declined', '2026-08-15');
    await seed(t, 22, 'administrative_subpoena', 'pending_review', '2026-09-15');
    await seed(t, 5, 'judicial_warrant', 'disclosed', '2026-12-01'); // current quarter: not published
    const report = await buildTransparencyReport(t.ctx.db, now);
    expect(report.quarters.map((q) => q.quarter)).toEqual(['2026-Q2', '2026-Q3']);
    for (const q of report.quarters) {
      const all = [...q.table.cells.flat(), ...q.table.rowTotals, ...q.table.columnTotals, q.table.grandTotal];
      for (const c of all) if (!c.suppressed) expect(c.value === 0 || c.value >= 11, `${q.quarter} published ${c.value}`).toBe(true);
      // No line of the table (row or column, with margins) has exactly one hidden figure.
      const rows = q.table.cells.map((r, i) => [...r, q.table.rowTotals[i]]);
      const cols = report.outcomes.map((_o, j) => [...q.table.cells.map((r) => r[j]), q.table.columnTotals[j]]);
      for (const line of [...rows, ...cols, [...q.table.columnTotals, q.table.grandTotal]]) {
        expect(line.filter((c) => c?.suppressed).length).not.toBe(1);
      }
    }
    const q2 = report.quarters[0];
    const at = (type: string, outcome: string) => q2?.table.cells[DEMAND_TYPES.indexOf(type as never)]?.[report.outcomes.indexOf(outcome as never)];
    expect(at('detainer', 'declined')).toEqual({ suppressed: true, reason: 'primary' });
    expect(at('court_order', 'approved')).toEqual({ suppressed: true, reason: 'primary' });
    // Complementary: the declined column must hide at least one more figure, or its total gives the detainers away.
    const declined = report.outcomes.indexOf('declined');
    expect(q2?.table.cells.filter((r) => r[declined]?.suppressed).length).toBeGreaterThanOrEqual(2);
    const q3 = report.quarters[1];
    expect(q3?.table.cells[DEMAND_TYPES.indexOf('administrative_subpoena')]).toEqual([
      { suppressed: false, value: 0 },
      { suppressed: false, value: 40 },
      { suppressed: false, value: 22 },
    ]);
    expect(q3?.table.grandTotal).toEqual({ suppressed: false, value: 62 });
  });

  it('page: accessible server-rendered SVG chart with the tables as its text alternative, in four languages', async () => {
    await seed(t, 40, 'administrative_subpoena', 'declined', '2026-08-15');
    await seed(t, 4, 'detainer', 'declined', '2026-08-16');
    await seed(t, 13, 'informal_request', 'declined', '2026-02-01');
    const b = new TestBrowser(t.app);
    const page = await b.get('/transparency/demands');
    expect(page.statusCode).toBe(200);
    const svg = /<svg[\s\S]*?<\/svg>/.exec(page.body)?.[0] ?? '';
    expect(svg).toMatch(/role="img"/);
    expect(svg).toMatch(/aria-labelledby="demands-chart-title demands-chart-desc"/);
    expect(svg).toMatch(/<title id="demands-chart-title">Demands received per quarter, by outcome<\/title>/);
    expect(svg).toMatch(/<desc id="demands-chart-desc">[^<]*tables below[^<]*<\/desc>/);
    expect(svg).toContain('stroke-dasharray'); // hidden figures drawn as dashed markers, not bars
    expect(svg).not.toMatch(/\bstyle=/); // the CSP forbids inline styles
    expect(page.body).toContain('<caption>Demands received in 2026 quarter 3, by kind and outcome</caption>');
    expect(page.body).toContain('Hidden');
    // Never a small number in a table cell.
    for (const m of page.body.matchAll(/<td class="sanctuary-numeric"><span>(\d+)<\/span><\/td>/g)) {
      const v = Number(m[1]);
      expect(v === 0 || v >= 11).toBe(true);
    }
    for (const lang of ['es', 'so', 'hmn'] as const) {
      const res = await b.get(`/transparency/demands?lang=${lang}`);
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain(`<html lang="${lang}"`);
      expect(res.body).toContain('<svg');
    }
  });

  it('CSV: the same suppressed figures, as a download safe to open in a spreadsheet', async () => {
    await seed(t, 40, 'administrative_subpoena', 'declined', '2026-08-15');
    await seed(t, 4, 'detainer', 'declined', '2026-08-16');
    const res = await new TestBrowser(t.app).get('/transparency/demands.csv');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
    expect(res.headers['content-disposition']).toBe('attachment; filename="demands-transparency.csv"');
    const lines = res.body.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toBe('"quarter","type","type_label","outcome","outcome_label","count","suppressed"');
    // One quarter (2026-Q3): 7 types × (3 outcomes + total) + 3 column totals + the grand total.
    expect(lines).toHaveLength(1 + 7 * 4 + 4);
    expect(lines).toContain('"2026-Q3","detainer","Detainer (I-247A)","declined","Refused","","true"');
    // Line for line the same figures as the page.
    const report = await buildTransparencyReport(t.ctx.db, now);
    const q = report.quarters[0];
    DEMAND_TYPES.forEach((type, i) =>
      report.outcomes.forEach((outcome, j) => {
        const c = q?.table.cells[i]?.[j];
        const value = c && !c.suppressed ? String(c.value) : '';
        expect(lines.some((l) => l.startsWith(`"2026-Q3","${type}",`) && l.includes(`,"${outcome}",`) && l.endsWith(`,"${value}","${String(c?.suppressed)}"`)), `${type} ${outcome}`).toBe(true);
      }),
    );
    for (const line of lines.slice(1)) {
      const count = /"(\d*)","(true|false)"$/.exec(line);
      expect(count, line).not.toBeNull();
      if (count?.[1]) expect(Number(count[1]) === 0 || Number(count[1]) >= 11).toBe(true);
    }
    const es = await new TestBrowser(t.app).get('/transparency/demands.csv?lang=es');
    expect(es.body).toContain('"administrative_subpoena"');
    expect(es.body).not.toContain('"Administrative subpoena"');
  });
});

describe('CSV cells', () => {
  it('quote, double quotes and defuse formulas', () => {
    expect(csvCell('plain')).toBe('"plain"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    for (const bad of ['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx', '=HYPERLINK("http://evil")']) {
      expect(csvCell(bad).startsWith(`"'`)).toBe(true);
    }
    expect(csvCell(42)).toBe('"42"');
    expect(csvCell(false)).toBe('"false"');
  });

  it('a hostile translation cannot inject a formula into the download', () => {
    const report = {
      types: DEMAND_TYPES,
      outcomes: ['approved', 'declined', 'pending'] as const,
      currentQuarter: '2026-Q4',
      quarters: [
        {
          quarter: '2026-Q3',
          table: {
            cells: DEMAND_TYPES.map(() => [0, 0, 0].map((value) => ({ suppressed: false as const, value }))),
            rowTotals: DEMAND_TYPES.map(() => ({ suppressed: false as const, value: 0 })),
            columnTotals: [0, 0, 0].map((value) => ({ suppressed: false as const, value })),
            grandTotal: { suppressed: false as const, value: 0 },
            suppressedCount: 0,
          },
        },
      ],
    };
    const csv = transparencyCsv(report, { type: () => '=cmd|"/c calc"!A1', outcome: () => '@evil', total: '+total' });
    for (const line of csv.trim().split('\r\n').slice(1)) {
      for (const cell of line.split(/","/)) expect(cell.replace(/^"/, '')).not.toMatch(/^[=+\-@]/);
    }
  });
});
