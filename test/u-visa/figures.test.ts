import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { proposeDenial, reviewDenial } from '../../src/modules/u-visa/u-visa.decisions.ts';
import { csvCell, median, percentile } from '../../src/modules/u-visa/u-visa.figures.ts';
import { type StaffActor, fileRequest, readRequest } from '../../src/modules/u-visa/u-visa.service.ts';
import { type TestApp, TestBrowser, createTestApp } from '../helpers/app.ts';
import { describeEachDialect } from '../helpers/db.ts';
import { signInAs } from '../helpers/staff.ts';
import { certifyRequest, validRequest } from './u-visa-helpers.ts';

let now = new Date('2026-10-05T15:00:00Z');

/** Text as the page escapes it. */
const html = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

describe('figure helpers', () => {
  it('median and nearest-rank percentile', () => {
    expect(median([1, 2, 3])).toBe(2);
    expect(median([1, 2, 3, 10])).toBe(2.5);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9);
    expect(percentile([5], 90)).toBe(5);
  });
  it('CSV cells cannot become spreadsheet formulas', () => {
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('-1+2')).toBe(`"'-1+2"`);
    expect(csvCell(-3)).toBe('"-3"');
    expect(csvCell(null)).toBe('""');
  });
});

describeEachDialect('public turnaround figures', (dialect) => {
  let t: TestApp;
  let official: StaffActor;
  let supervisor: StaffActor;
  beforeAll(async () => {
    // Each dialect's suite starts at the same moment (the clock is shared by the file).
    now = new Date('2026-10-05T15:00:00Z');
    t = await createTestApp(dialect, { now: () => now });
    official = { userId: (await signInAs(t, 'certifying-official')).userId, role: 'certifying-official' };
    supervisor = { userId: (await signInAs(t, 'certifying-supervisor')).userId, role: 'certifying-supervisor' };
  });
  afterAll(async () => t.close());

  it('publish only completed quarters, suppress small counts, and update when the quarter closes', async () => {
    const anon = new TestBrowser(t.app);
    // Q4 2026: 14 requests; 12 certified (5 within 7 days, 7 after 9 days), 2 denied.
    const filed: string[] = [];
    for (let i = 0; i < 14; i++) {
      now = new Date(Date.parse('2026-10-05T15:00:00Z') + i * 3_600_000);
      filed.push((await fileRequest(t.ctx, { raw: validRequest(i < 5 ? { expedite: 'victim', expediteProofType: 'notice-to-appear', expediteProofDate: '2026-10-01' } : {}), channel: 'api', filer: { kind: 'system' }, now })).id);
    }
    now = new Date('2026-10-09T15:00:00Z');
    for (const id of filed.slice(0, 5)) await certifyRequest(t, official, id);
    now = new Date('2026-10-14T16:00:00Z');
    for (const id of filed.slice(5, 12)) await certifyRequest(t, official, id);
    for (const id of filed.slice(12)) {
      await proposeDenial(t.ctx, official, id, { revision: (await readRequest(t.ctx, official, id)).revision, reason: 'no-investigation', explanation: 'No record.' });
      await reviewDenial(t.ctx, supervisor, id, { revision: (await readRequest(t.ctx, supervisor, id)).revision, outcome: 'confirm' });
    }
    // Still in Q4: nothing published for it yet.
    now = new Date('2026-12-20T15:00:00Z');
    const during = await anon.get('/u-visa/figures');
    expect(during.statusCode).toBe(200);
    expect(during.body).not.toContain('Q4 2026');
    // In January the quarter is published.
    now = new Date('2027-01-05T15:00:00Z');
    const after = await anon.get('/u-visa/figures');
    expect(after.body).toContain('Q4 2026');
    const csv = await anon.get('/u-visa/figures.csv');
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const lines = csv.body.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toBe('"quarter","requests","certified","denied","decided","good_cause_delays","median_days","p90_days","percent_within_7_days","percent_within_30_days","suppressed","not_applicable"');
    const q4 = lines.find((l) => l.startsWith('"2026-Q4"')) ?? '';
    // 14 requests, 12 certified, 2 denied (hidden: 1–10), hence certified is hidden too (complementary); 14 decided:
    // 5 within 7 days and 9 after (both hidden), none after 30 days (published), so 100% within 30 days. Every
    // empty cell is named: the share within 7 days is worked out from a hidden count, so it is hidden too.
    expect(q4).toBe('"2026-Q4","14","","","14","0","9","9","","100","certified denied percent_within_7_days",""');
    // The page: a table, an SVG chart with a text alternative, suppressed cells said in words.
    expect(after.body).toContain('<svg');
    expect(after.body).toContain('role="img"');
    expect(after.body).toMatch(/hidden/);
    // No figure carries a name.
    expect(after.body).not.toContain('García');
    // Spanish.
    expect((await anon.get('/u-visa/figures?lang=es')).body).toContain('T4 2026');
  });

  it('a quarter without requests is zero, not hidden: its days and shares are a dash on the page, blank and marked not applicable in the CSV', async () => {
    // 2026-Q3 had no request at all (the suite's first requests came in October).
    now = new Date('2027-01-05T15:00:00Z');
    const anon = new TestBrowser(t.app);
    const csv = await anon.get('/u-visa/figures.csv');
    const q3 = csv.body.split('\r\n').find((l) => l.startsWith('"2026-Q3"'));
    expect(q3).toBe('"2026-Q3","0","0","0","0","0","","","","","","median_days p90_days percent_within_7_days percent_within_30_days"');
    for (const lang of ['en', 'es', 'so', 'hmn'] as const) {
      const page = await anon.get(`/u-visa/figures?lang=${lang}`);
      const tr = t.ctx.messages.translator(lang);
      const quarter = tr('u-visa.figures.quarter', { year: '2026', n: 3 });
      const row = page.body.slice(page.body.indexOf(`<th scope="row"><span>${quarter}</span></th>`)).split('</tr>')[0] ?? '';
      expect(row, lang).toContain(quarter);
      // The counts are 0; no cell of the row says "hidden", which would mean 1 to 10 requests.
      expect(row.match(/<td class="sanctuary-numeric"><span>0<\/span><\/td>/g), lang).toHaveLength(4);
      expect(row, lang).not.toContain(`>${html(tr('u-visa.figures.suppressed'))}<`);
      // Days and shares: a dash, with its meaning for screen readers, and explained under the table.
      expect(row.split('<span aria-hidden="true">—</span>'), lang).toHaveLength(5);
      expect(row.split(`<span class="usa-sr-only">${html(tr('u-visa.figures.noDecisions'))}</span>`), lang).toHaveLength(5);
      expect(page.body, lang).toContain(html(tr('u-visa.figures.notes.noDecisions', { mark: '—', hidden: tr('u-visa.figures.suppressed') })));
    }
    // A quarter with decisions whose count is hidden still says "hidden" for its days (2026-Q4 above has them published).
    const q4 = (await anon.get('/u-visa/figures?lang=en')).body;
    expect(q4).toContain('>hidden<');
  });

  it('shares within 7 and 30 days appear when their counts can be published', async () => {
    // Q1 2027: 24 requests, all certified: 12 within 7 days, 12 after 20 days.
    const ids: string[] = [];
    for (let i = 0; i < 24; i++) {
      now = new Date(Date.parse('2027-02-01T15:00:00Z') + i * 60_000);
      ids.push((await fileRequest(t.ctx, { raw: validRequest(), channel: 'staff', filer: { kind: 'system' }, now })).id);
    }
    now = new Date('2027-02-06T15:00:00Z');
    for (const id of ids.slice(0, 12)) await certifyRequest(t, official, id);
    now = new Date('2027-02-21T15:00:00Z');
    for (const id of ids.slice(12)) await certifyRequest(t, official, id);
    now = new Date('2027-04-02T15:00:00Z');
    const csv = await new TestBrowser(t.app).get('/u-visa/figures.csv');
    const q1 = csv.body.split('\r\n').find((l) => l.startsWith('"2027-Q1"')) ?? '';
    const cells = q1.split(',').map((c) => c.replace(/"/g, ''));
    expect(cells.slice(0, 9).concat(cells.slice(9, 10)), csv.body).toEqual(['2027-Q1', '24', '24', '0', '24', '0', '12.5', '20', cells[8] ?? '', '100']);
    // The within-7 count (12) may be hidden to protect Q4's hidden 5 in the same column (complementary
    // suppression over the whole table); when shown, it is 50%.
    expect(['50', '']).toContain(cells[8]);
  });
});
