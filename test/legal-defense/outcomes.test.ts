import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '../../src/core/auth/api-tokens.ts';
import { OPERATOR } from '../../src/core/auth/auth-audit.ts';
import { randomId } from '../../src/core/crypto/random.ts';
import { inTransaction } from '../../src/core/db/transaction.ts';
import { type PublishedCell, type SuppressedTable, suppressTable } from '../../src/core/privacy/suppression.ts';
import { MODULES } from '../../src/modules/index.ts';
import { acceptCase, addProvider, linkAttorney, recordFirstContact } from '../../src/modules/legal-defense/legal-defense.assignment.ts';
import { drainIntake } from '../../src/modules/legal-defense/legal-defense.intake.ts';
import { BASELINES, baselineValues } from '../../src/modules/legal-defense/legal-defense.baselines.ts';
import { closeCase } from '../../src/modules/legal-defense/legal-defense.close.ts';
import { recordStatus } from '../../src/modules/legal-defense/legal-defense.court.ts';
import { legalDefenseRepo } from '../../src/modules/legal-defense/legal-defense.repo.ts';
import {
  CONTACT,
  COURT,
  OUTCOMES_CSV_HEADER,
  type OutcomeCounts,
  RELEASE,
  REPRESENTATION,
  buildOutcomes,
  exposedEntries,
  histogramMedian,
  histogramPercentile,
  outcomeCounts,
  publishOutcomes,
  quarterBounds,
  suppressLinked,
} from '../../src/modules/legal-defense/legal-defense.outcomes.ts';
import type { StaffActor } from '../../src/modules/legal-defense/legal-defense.service.ts';
import { type TestApp, createTestApp } from '../helpers/app.ts';
import { describeEachDialect } from '../helpers/db.ts';
import { signInAs } from '../helpers/staff.ts';

const NOW = new Date('2026-11-20T15:00:00Z');
const HOUR = 3_600_000;

/** One seeded case: when it was first reported and what happened since (plain codes only). */
interface Seed {
  createdAt: string;
  represented: boolean;
  custody: string | null;
  outcome: string | null;
  /** Hours from the report to the first attorney contact. */
  contactHours: number | null;
  /** Reports about the person (1 = the first report only). */
  reports: number;
}

/** 2026-Q3: 40 people; 2026-Q2: 15 (one at the local-quarter boundary); the quarter in progress and one before the window are not counted. */
function seeds(): Seed[] {
  const out: Seed[] = [];
  for (let i = 0; i < 40; i++) {
    const represented = i < 30;
    out.push({
      createdAt: new Date(Date.parse('2026-07-10T15:00:00Z') + i * 86_400_000).toISOString(),
      represented,
      custody: i < 12 ? 'released-bond' : i < 15 ? 'released-parole' : i < 17 ? 'alternatives-to-detention' : i < 18 ? 'released-other' : i < 25 ? 'detained' : null,
      outcome: i < 11 ? 'relief-granted' : i < 15 ? 'removal-ordered' : i < 20 ? 'pending' : null,
      // 1 to 25 hours: 24 within the 24-hour target (exactly 24 hours counts as within), 1 later.
      contactHours: represented && i < 25 ? i + 1 : null,
      reports: i < 5 ? 2 : 1,
    });
  }
  for (let i = 0; i < 15; i++) {
    // 30 June 23:30 in Minneapolis (CDT) is still the second quarter.
    const createdAt = i === 0 ? '2026-07-01T04:30:00.000Z' : new Date(Date.parse('2026-04-02T15:00:00Z') + i * 86_400_000).toISOString();
    out.push({ createdAt, represented: i < 12, custody: null, outcome: null, contactHours: i < 12 ? 2 : null, reports: 1 });
  }
  // 1 July 00:00 local time: the third quarter.
  out.push({ createdAt: '2026-07-01T05:00:00.000Z', represented: false, custody: null, outcome: null, contactHours: null, reports: 1 });
  for (let i = 0; i < 3; i++) out.push({ createdAt: '2026-10-15T15:00:00.000Z', represented: true, custody: 'released-bond', outcome: 'relief-granted', contactHours: 1, reports: 1 });
  for (let i = 0; i < 2; i++) out.push({ createdAt: '2023-09-15T15:00:00.000Z', represented: true, custody: 'released-bond', outcome: 'relief-granted', contactHours: 1, reports: 1 });
  return out;
}

/** The counts the seeds should give, computed here without SQL (quarters 2023-Q4 … 2026-Q3). */
function expectedCounts(quarters: readonly string[], bounds: readonly string[]): OutcomeCounts {
  const n = quarters.length;
  const grid = (w: number) => Array.from({ length: n }, () => Array.from({ length: w }, () => 0));
  const c: OutcomeCounts = { quarters: [...quarters], reports: Array.from({ length: n }, () => 0), representation: grid(2), release: grid(4), court: grid(3), contact: grid(3), contactTimes: Array.from({ length: n }, () => new Map<number, number>()) };
  const inc = (table: number[][], i: number, j: number, by = 1) => {
    const row = table[i] as number[];
    row[j] = (row[j] ?? 0) + by;
  };
  for (const s of seeds()) {
    const i = bounds.findIndex((b, k) => k < n && s.createdAt >= b && s.createdAt < (bounds[k + 1] as string));
    if (i < 0) continue;
    c.reports[i] = (c.reports[i] ?? 0) + s.reports;
    inc(c.representation, i, s.represented ? 0 : 1);
    inc(c.release, i, s.custody === 'released-bond' ? 0 : s.custody === 'released-parole' ? 1 : s.custody === 'alternatives-to-detention' || s.custody === 'released-other' ? 2 : 3);
    inc(c.court, i, s.outcome === 'relief-granted' ? 0 : s.outcome === 'removal-ordered' ? 1 : 2);
    inc(c.contact, i, s.contactHours === null ? 2 : s.contactHours <= 24 ? 0 : 1);
    if (s.contactHours !== null) {
      const times = c.contactTimes[i] as Map<number, number>;
      times.set(s.contactHours * 10, (times.get(s.contactHours * 10) ?? 0) + 1);
    }
  }
  return c;
}

/** Counts with their margins (the augmented grid the checks read). */
function augmented(counts: readonly (readonly number[])[]): number[][] {
  const rows = counts.map((row) => [...row, row.reduce((a, b) => a + b, 0)]);
  return [...rows, (rows[0] ?? []).map((_, j) => rows.reduce((sum, row) => sum + (row[j] ?? 0), 0))];
}

function hiddenGrid(t: SuppressedTable): boolean[][] {
  return [...t.cells.map((row, i) => [...row.map((c) => c.suppressed), (t.rowTotals[i] as PublishedCell).suppressed]), [...t.columnTotals.map((c) => c.suppressed), t.grandTotal.suppressed]];
}

const published = (c: PublishedCell | undefined): number | null => (c && !c.suppressed ? c.value : null);

/** Every published figure is the true count; every count from 1 to max is hidden. */
function expectSafe(table: SuppressedTable, counts: readonly (readonly number[])[], max: number): void {
  counts.forEach((row, i) => {
    row.forEach((v, j) => {
      const cell = table.cells[i]?.[j] as PublishedCell;
      if (!cell.suppressed) expect(cell.value).toBe(v);
      if (v >= 1 && v <= max) expect(cell.suppressed).toBe(true);
    });
    const total = row.reduce((a, b) => a + b, 0);
    const rt = table.rowTotals[i] as PublishedCell;
    if (!rt.suppressed) expect(rt.value).toBe(total);
    if (total >= 1 && total <= max) expect(rt.suppressed).toBe(true);
  });
}

describe('outcome figures: pure parts', () => {
  it('percentiles of a histogram match those of the sorted values', () => {
    const values = [5, 1, 9, 9, 3, 7, 7, 7, 2, 10, 4];
    const times = new Map<number, number>();
    for (const v of values) times.set(v, (times.get(v) ?? 0) + 1);
    expect(histogramMedian(times)).toBe(7);
    expect(histogramPercentile(times, 90)).toBe(9);
    expect(histogramPercentile(times, 50)).toBe(7);
    times.set(11, 1); // twelve values: the median is the mean of the 6th and 7th (7 and 7)
    expect(histogramMedian(new Map([[1, 1], [4, 1]]))).toBe(2.5);
    expect(histogramMedian(times)).toBe(7);
    expect(() => histogramMedian(new Map())).toThrow(RangeError);
  });

  it('quarters start at local midnight in the city (CST in winter, CDT in summer)', () => {
    expect(quarterBounds('America/Chicago', ['2026-Q1', '2026-Q2'])).toEqual(['2026-01-01T06:00:00.000Z', '2026-04-01T05:00:00.000Z', '2026-07-01T05:00:00.000Z']);
  });

  it('the exposure check finds what can be worked out, and agrees with the library on every table it suppresses', () => {
    // Row 0's two hidden cells are each their column total minus row 1's published cell.
    expect(exposedEntries(augmented([[3, 5], [20, 30]]), [[true, true, false], [false, false, false], [false, false, false]], 10)).toEqual(
      expect.arrayContaining([[0, 0], [0, 1]]),
    );
    // Hidden together with their column partners they are safe… unless the remainder of a published total is small.
    expect(exposedEntries(augmented([[13, 15], [20, 30]]), [[true, true, false], [true, true, false], [false, false, false]], 10)).toEqual([]);
    expect(exposedEntries(augmented([[3, 5], [20, 30]]), [[true, true, false], [true, true, false], [false, false, false]], 10)).toEqual(expect.arrayContaining([[0, 0], [0, 1]]));
    fc.assert(
      fc.property(fc.array(fc.array(fc.nat(40), { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 6 }), (counts) => {
        const t = suppressTable(counts, { max: 10 });
        expect(exposedEntries(augmented(counts), hiddenGrid(t), 10)).toEqual([]);
      }),
      { numRuns: 300, seed: 5511 },
    );
  });

  it('linked tables (one quarter\'s people in each): shared figures hidden alike, nothing can be worked out, every shown figure true', () => {
    const partition = (people: number, parts: number, r: number) => {
      const out = Array.from({ length: parts }, () => 0);
      let left = people;
      for (let j = 0; j < parts - 1; j++) {
        const take = Math.min(left, (r * (j + 7)) % (left + 1));
        out[j] = take;
        left -= take;
      }
      out[parts - 1] = left;
      return out;
    };
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(60), fc.nat(1000)), { minLength: 12, maxLength: 12 }), (quarters) => {
        const tables = [2, 4, 3, 3].map((w, k) => quarters.map(([people, r]) => partition(people, w, r + k * 13)));
        const linked = suppressLinked(tables, 10);
        linked.tables.forEach((t, k) => {
          expect(exposedEntries(augmented(tables[k] as number[][]), hiddenGrid(t), 10)).toEqual([]);
          expectSafe(t, tables[k] as number[][], 10);
          t.rowTotals.forEach((c, i) => expect(c.suppressed, `quarter ${i}`).toBe((linked.tables[0] as SuppressedTable).rowTotals[i]?.suppressed));
          expect(t.grandTotal.suppressed).toBe((linked.tables[0] as SuppressedTable).grandTotal.suppressed);
        });
        // A quarter with no one is shown as zeros.
        quarters.forEach(([people], i) => {
          if (people === 0) expect(linked.tables.every((t) => published(t.rowTotals[i]) === 0)).toBe(true);
        });
      }),
      { numRuns: 150, seed: 2611 },
    );
  });

  it('national figures carry their sources, and the unverified flag where the research read only a summary', () => {
    const en = MODULES.find((m) => m.id === 'legal-defense')?.catalogs.en ?? {};
    for (const b of BASELINES) {
      expect(b.figure.source.length, b.id).toBeGreaterThan(10);
      expect(b.links.length, b.id).toBeGreaterThan(0);
      for (const l of b.links) expect(l.href, b.id).toMatch(/^https?:\/\/[a-z0-9.-]+\.[a-z]{2,}\//);
      const message = en[b.messageKey] as string;
      for (const arg of Object.keys(baselineValues(b))) expect(message, b.id).toContain(`{${arg}}`);
    }
    const flags = Object.fromEntries(BASELINES.map((b) => [b.id, b.figure.unverified === true]));
    expect(flags).toEqual({ nyifup: false, safe: false, 'aic-represented': false, 'aic-release': true, 'aic-relief': true });
    expect(baselineValues(BASELINES[0] as (typeof BASELINES)[number])).toEqual({ with: 48, without: 4 });
  });
});

describeEachDialect('outcome figures over the database', (dialect) => {
  let t: TestApp;
  let now = NOW;

  beforeAll(async () => {
    t = await createTestApp(dialect, { now: () => now });
    // Seeded straight into the tables: the figures read plain columns only (the sealed columns hold no value here).
    await inTransaction(t.ctx.db, async (tx) => {
      const provider = randomId();
      await tx.insertInto('legal_defense_providers').values({ id: provider, name: 'Seed provider', active: 1, available: 1, capacity: 1000, open_cases: 0, languages: '["en"]', last_assigned_at: null, created_at: NOW.toISOString(), updated_at: NOW.toISOString() }).execute();
      for (const s of seeds()) {
        const id = randomId();
        await tx.insertInto('subjects').values({ id, program: 'legal-defense', created_at: s.createdAt }).execute();
        await tx
          .insertInto('legal_defense_cases')
          .values({
            id, status: s.represented ? (s.contactHours === null ? 'accepted' : 'contacted') : 'eligible', open: 1, channel: 'api', person_language: 'en', contact_language: 'en', detained_on: s.createdAt.slice(0, 10),
            residency_basis: 'attestation', disposition: 'eligible', disposition_reason: null, disposition_at: s.createdAt, provider_id: s.represented ? provider : null, assignment_id: null,
            attorney_user_id: s.represented ? 'seed-attorney' : null, contact_clock_id: null, first_contact_at: s.contactHours === null ? null : new Date(Date.parse(s.createdAt) + s.contactHours * HOUR).toISOString(),
            first_contact_seconds: s.contactHours === null ? null : s.contactHours * 3600,
            report_count: s.reports, a_number_index: null, identity_index: null, person_sealed: 'sealed', a_number_sealed: null, detention_sealed: 'sealed', contact_sealed: 'sealed',
            revision: 0, created_at: s.createdAt, updated_at: s.createdAt, closed_at: null, custody: s.custody, relief_sought: null, outcome: s.outcome,
          })
          .execute();
        for (let r = 0; r < s.reports; r++) {
          await tx
            .insertInto('legal_defense_reports')
            .values({ id: randomId(), case_id: id, channel: 'api', reporter_role: 'family', filed_by: null, reference_index: null, language: 'en', merged: r > 0 ? 1 : 0, received_at: new Date(Date.parse(s.createdAt) + r * HOUR).toISOString(), report_sealed: 'sealed' })
            .execute();
        }
      }
    });
  });
  afterAll(async () => t?.close());

  it('counts by quarter of the first report in SQL match the seeds, on local quarter boundaries; the quarter in progress is not published', async () => {
    const { counts, currentQuarter, targetHours } = await outcomeCounts(t.ctx, NOW);
    expect(currentQuarter).toBe('2026-Q4');
    expect(targetHours).toBe(24);
    expect(counts.quarters).toHaveLength(12);
    expect(counts.quarters[0]).toBe('2023-Q4');
    expect(counts.quarters[11]).toBe('2026-Q3');
    const bounds = quarterBounds('America/Chicago', counts.quarters);
    expect(counts).toEqual(expectedCounts(counts.quarters, bounds));
    // Spelled out for the two quarters with people.
    expect(counts.reports.slice(-2)).toEqual([15, 46]);
    expect(counts.representation.slice(-2)).toEqual([[12, 3], [30, 11]]);
    expect(counts.release.slice(-2)).toEqual([[0, 0, 0, 15], [12, 3, 3, 23]]);
    expect(counts.court.slice(-2)).toEqual([[0, 0, 15], [11, 4, 26]]);
    expect(counts.contact.slice(-2)).toEqual([[12, 0, 3], [24, 1, 16]]);
  });

  it('published figures: every count through suppression, contact hours and the share within 24 hours where allowed', async () => {
    const f = await buildOutcomes(t.ctx);
    const { counts } = await outcomeCounts(t.ctx, NOW);
    expect(f).toEqual(publishOutcomes(counts, { max: 10, targetHours: 24, currentQuarter: '2026-Q4' }));
    expectSafe(f.representation, counts.representation, 10);
    expectSafe(f.release, counts.release, 10);
    expectSafe(f.court, counts.court, 10);
    expectSafe(f.contact, counts.contact, 10);
    expect(f.withheld.every((w) => !w)).toBe(true);
    // Empty quarters are true zeros, shown as 0.
    expect(published(f.representation.rowTotals[0])).toBe(0);
    expect(f.contactByQuarter[0]).toEqual({ medianHours: null, p90Hours: null, withinTarget: null });
    // 2026-Q3: 25 contacts after 1…25 hours: median 13, 90th percentile 23; one contact later than 24 hours
    // (a hidden 1), so the share within 24 hours is not shown.
    expect(f.contactByQuarter[11]).toEqual({ medianHours: 13, p90Hours: 23, withinTarget: null });
    expect(f.contact.cells[11]?.[1]).toMatchObject({ suppressed: true });
    // 2026-Q2: 12 contacts, all after 2 hours; 3 people without one (a hidden 3) take their row's other figures
    // with them, so no share either.
    expect(f.contactByQuarter[10]).toEqual({ medianHours: 2, p90Hours: 2, withinTarget: null });
    expect(f.contact.cells[10]?.[2]).toMatchObject({ suppressed: true });
    // Where both counts are shown, so is the share: one quarter of 50 people, 30 contacted within an hour, 20 after 30.
    const zeros = (w: number) => counts.quarters.map((_, i) => Array.from({ length: w }, () => (i === 11 ? -1 : 0)));
    const one = (w: number, row: number[]) => zeros(w).map((r) => (r[0] === -1 ? row : r));
    const share = publishOutcomes(
      { ...counts, representation: one(2, [50, 0]), release: one(4, [20, 15, 15, 0]), court: one(3, [20, 15, 15]), contact: one(3, [30, 20, 0]), contactTimes: counts.quarters.map((_, i) => new Map(i === 11 ? [[10, 30], [300, 20]] : [])) },
      { max: 10, targetHours: 24, currentQuarter: '2026-Q4' },
    );
    expect(share.contact.cells[11]).toEqual([{ suppressed: false, value: 30 }, { suppressed: false, value: 20 }, { suppressed: false, value: 0 }]);
    expect(share.contactByQuarter[11]).toEqual({ medianHours: 1, p90Hours: 30, withinTarget: 0.6 });
    expect(share.contactTotal).toEqual({ medianHours: 1, p90Hours: 30, withinTarget: 0.6 });
    // In total: 37 contacts; median 7 hours, 90th percentile 22.
    expect(f.contactTotal).toMatchObject({ medianHours: 7, p90Hours: 22, withinTarget: null });
    // Reports are a series of their own: 15 and 46 in the last two quarters, zeros before.
    expect(f.reports.values.slice(-2)).toEqual([{ suppressed: false, value: 15 }, { suppressed: false, value: 46 }]);
    expect(f.reports.total).toEqual({ suppressed: false, value: 61 });
  });

  it('the public page: charts drawn as SVG, tables, sources, in Somali too; the CSV holds the same figures', async () => {
    const f = await buildOutcomes(t.ctx);
    const shown = (c: PublishedCell | undefined) => (published(c) === null ? 'hidden' : String(published(c)));
    const page = await t.app.inject({ method: 'GET', url: '/legal-defense/outcomes' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['cache-control']).toContain('no-store');
    expect(page.body).toContain('Detention defense: what happened for the people reported');
    expect(page.body.match(/<svg[^>]*role="img"/g)).toHaveLength(3);
    expect(page.body).toContain(`Q3 2026, People reported: ${shown(f.representation.rowTotals[11])}`);
    expect(page.body).toContain(`Q3 2026, Got a lawyer: ${shown(f.representation.cells[11]?.[0])}`);
    expect(page.body).toContain('Q3 2026, Released on parole: hidden');
    expect(page.body).toContain('Q4 2023, People reported: 0');
    expect(page.body).toContain('All 12 quarters');
    expect(page.body).toContain('href="https://www.vera.org/pieces/state-and-local-governments-provide-representation-for-immigrants"');
    expect(page.body).toContain('48% of detained people with a program lawyer');
    expect(page.body.match(/not yet checked/g)).toHaveLength(2);
    expect(page.body).toContain('Contacted within 24 hours');
    const so = await t.app.inject({ method: 'GET', url: '/legal-defense/outcomes?lang=so' });
    expect(so.body).toContain('Difaaca dadka la xiray: waxa ku dhacay dadka la soo sheegay');
    expect((await t.app.inject({ method: 'GET', url: '/legal-defense/outcomes?since=2020' })).statusCode).toBeGreaterThanOrEqual(400);
    expect((await t.app.inject({ method: 'GET', url: '/legal-defense/outcomes?since=2020' })).statusCode).toBeLessThan(500);

    const csv = await t.app.inject({ method: 'GET', url: '/legal-defense/outcomes.csv' });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.headers['content-disposition']).toContain('legal-defense-outcomes.csv');
    const lines = csv.body.replace(/^\uFEFF/, '').trimEnd().split('\r\n');
    expect(lines[0]).toBe(OUTCOMES_CSV_HEADER.map((h) => `"${h}"`).join(','));
    expect(lines).toHaveLength(14);
    const q3 = (lines.find((l) => l.startsWith('"2026-Q3"')) ?? '').split(',').map((c) => c.replace(/"/g, ''));
    const csvValue = (c: PublishedCell | undefined) => (published(c) === null ? '' : String(published(c)));
    expect(q3.slice(0, 6)).toEqual(['2026-Q3', '46', csvValue(f.representation.rowTotals[11]), csvValue(f.representation.cells[11]?.[0]), csvValue(f.representation.cells[11]?.[1]), csvValue(f.release.cells[11]?.[0])]);
    expect(q3[6]).toBe('');
    expect(q3[12]).toBe('13');
    expect(q3[13]).toBe('23');
    expect(q3[15]).toContain('released_parole');
    expect(lines[13]?.startsWith('"total"')).toBe(true);
  });

  it('the figures are kept until a counted case changes (its revision), then built again', async () => {
    const first = await buildOutcomes(t.ctx);
    expect(await buildOutcomes(t.ctx)).toBe(first);
    const detained = await t.ctx.db.kysely.selectFrom('legal_defense_cases').select(['id', 'revision']).where('custody', '=', 'detained').where('created_at', '>=', '2026-07-01T05:00:00.000Z').orderBy('id').executeTakeFirstOrThrow();
    expect(await legalDefenseRepo.updateCase(t.ctx.db.kysely, detained.id, detained.revision, { custody: 'released-bond' })).toBe(true);
    const changed = await buildOutcomes(t.ctx);
    expect(changed).not.toBe(first);
    const bond = (f: typeof first) => published(f.release.columnTotals[0]);
    expect(bond(changed) === null || bond(changed) === (bond(first) ?? -1) + 1).toBe(true);
    expect((await outcomeCounts(t.ctx, NOW)).counts.release[11]).toEqual([13, 3, 3, 22]);
    // Back as it was: the same figures as before (built again, not the ones kept).
    expect(await legalDefenseRepo.updateCase(t.ctx.db.kysely, detained.id, detained.revision + 1, { custody: 'detained' })).toBe(true);
    const back = await buildOutcomes(t.ctx);
    expect(back).not.toBe(first);
    expect(back).toEqual(first);
  });

  it('what staff and attorneys record in the real flow lands in the figures (a closed case included), once its quarter ends', async () => {
    const staff = await signInAs(t, 'legal-defense-staff');
    const actor: StaffActor = { userId: staff.userId, role: 'legal-defense-staff' };
    const provider = await addProvider(t.ctx, actor, { name: 'Flow provider', capacity: 5, languages: ['es'], available: true });
    const attorney = await signInAs(t, 'partner-attorney');
    await linkAttorney(t.ctx, actor, provider, attorney.userId);
    const attorneyActor: StaffActor = { userId: attorney.userId, role: 'partner-attorney' };
    const { token } = await createApiToken(t.ctx, { userId: attorney.userId, label: 'Hotline', scopes: ['legal-defense.api.report'], days: 30, actor: OPERATOR });
    const before = (await outcomeCounts(t.ctx, new Date('2027-01-15T15:00:00Z'))).counts;
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/legal-defense/reports',
      payload: JSON.stringify({ reporterRole: 'family', givenName: 'Flow', familyName: 'Person', dateOfBirth: '1992-02-02', detainedOn: '2026-11-19', detainedPlace: 'Lake St', facility: 'unknown', personLanguage: 'es', livesInCity: 'yes', contactName: 'Ana', contactMethod: 'sms', contactPhone: '(612) 555-0111', language: 'es' }),
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    });
    expect(res.statusCode).toBe(202);
    await drainIntake(t.ctx);
    const status = await t.app.inject({ method: 'GET', url: res.json<{ statusUrl: string }>().statusUrl, headers: { authorization: `Bearer ${token}` } });
    const { caseId } = status.json<{ caseId: string }>();
    await acceptCase(t.ctx, attorneyActor, caseId);
    now = new Date(NOW.getTime() + 5 * HOUR);
    await recordFirstContact(t.ctx, attorneyActor, caseId);
    await recordStatus(t.ctx, attorneyActor, caseId, { custody: 'released-bond', relief: ['asylum'], outcome: 'pending' }, 'provider');
    await closeCase(t.ctx, attorneyActor, caseId, { reason: 'relief-granted', on: '2026-11-20' }, 'provider');
    // Not in the published quarters yet (2026-Q4 is in progress).
    expect((await outcomeCounts(t.ctx, now)).counts).toEqual((await outcomeCounts(t.ctx, NOW)).counts);
    const after = (await outcomeCounts(t.ctx, new Date('2027-01-15T15:00:00Z'))).counts;
    const q4 = after.quarters.indexOf('2026-Q4');
    const diff = (a: number[][], b: number[][]) => (a[q4] as number[]).map((v, j) => v - ((b[q4] as number[])[j] ?? 0));
    expect((after.reports[q4] ?? 0) - (before.reports[q4] ?? 0)).toBe(1);
    expect(diff(after.representation, before.representation)).toEqual([1, 0]);
    expect(diff(after.release, before.release)).toEqual([1, 0, 0, 0]);
    expect(diff(after.court, before.court)).toEqual([1, 0, 0]);
    expect(diff(after.contact, before.contact)).toEqual([1, 0, 0]);
    expect(after.contact[q4]).toEqual([4, 0, 0]);
    expect((after.contactTimes[q4] as Map<number, number>).get(50)).toBe(1);
    expect(await t.ctx.db.kysely.selectFrom('legal_defense_cases').select(['first_contact_seconds']).where('id', '=', caseId).executeTakeFirstOrThrow()).toEqual({ first_contact_seconds: 5 * 3600 });
    // The three seeded cases of 2026-Q4 and this one.
    expect((after.representation[q4] as number[])[0]).toBe(4);
    expect(REPRESENTATION.length + RELEASE.length + COURT.length + CONTACT.length).toBe(12);
  });
});
