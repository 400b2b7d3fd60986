import { afterAll, beforeAll, expect, it } from 'vitest';
import { ClockService } from '../../src/core/clocks/index.ts';
import { KeyNotFoundError } from '../../src/core/crypto/index.ts';
import { inTransaction } from '../../src/core/db/transaction.ts';
import { type Jurisdiction, parseJurisdiction } from '../../src/core/jurisdiction/index.ts';
import { minneapolisProfile } from '../../src/core/jurisdiction/profiles/minneapolis.ts';
import { addFamilyMember } from '../../src/modules/u-visa/u-visa.decisions.ts';
import { uVisaSchedules } from '../../src/modules/u-visa/u-visa.jobs.ts';
import { type StaffActor, fileRequest } from '../../src/modules/u-visa/u-visa.service.ts';
import { type TestApp, createTestApp } from '../helpers/app.ts';
import { describeEachDialect } from '../helpers/db.ts';
import { signInAs } from '../helpers/staff.ts';
import { validRequest } from './u-visa-helpers.ts';

/**
 * An age-out alert counts from a date of birth. Neither the date of birth nor anything computed exactly from
 * it (the 21st birthday, the due date, the reminder days and instants) may be readable in the clock tables:
 * the exact dates are sealed under the request's vault subject and the plain columns keep only the week.
 *
 * The dates are chosen so that no date below falls on a Monday: a week start (Monday 00:00 UTC) is the only
 * date the plain columns hold for these clocks, so a match could only be that coarse week, which reveals
 * nothing finer than the week by design.
 */
const VICTIM_DOB = '2006-04-15'; // a Saturday; turns 21 on Thursday 15 April 2027
const CHILD_DOB = '2009-03-14'; // a Saturday; turns 21 on Thursday 14 March 2030

/** Every string by which a date of birth, or an exact value derived from it, could be recognised. */
function derived(dob: string, dueDate: string, instants: readonly Date[]): string[] {
  const [y, m, d] = dob.split('-') as [string, string, string];
  const birthday21 = `${Number(y) + 21}-${m}-${d}`;
  const day = (iso: string, delta: number) => new Date(Date.parse(`${iso}T00:00:00Z`) + delta * 86_400_000).toISOString().slice(0, 10);
  return [
    dob,
    `${y}${m}${d}`,
    `${m}/${d}/${y}`,
    `${d}/${m}/${y}`,
    birthday21,
    dueDate,
    // The reminder days: 90, 30 and 14 days before the birthday.
    day(birthday21, -90),
    day(birthday21, -30),
    day(birthday21, -14),
    ...instants.map((i) => i.toISOString()),
  ];
}

/** Minneapolis with one more city holiday: a new profile version, so every open clock is recomputed. */
function withExtraHoliday(): Jurisdiction {
  const raw = structuredClone(minneapolisProfile) as unknown as { version: string; holidays: { rules: unknown[] } };
  raw.version = '2026.98';
  raw.holidays.rules.push({
    value: { id: 'council-closure', name: 'Council closure', calendars: ['city'], rule: { kind: 'fixed', month: 2, day: 4 }, observance: 'none' },
    source: 'test: a closure declared by the council',
  });
  return parseJurisdiction(raw, 'minneapolis');
}

let now = new Date('2026-11-20T15:00:00Z');

describeEachDialect('U-visa age-out clocks keep no date of birth in plain', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    now = new Date('2026-11-20T15:00:00Z');
    t = await createTestApp(dialect, { now: () => now });
  });
  afterAll(async () => t.close());

  it('seals the exact dates under the request subject, keeps only weeks in plain, still alerts, and is shredded with the subject', async () => {
    const official: StaffActor = { userId: (await signInAs(t, 'certifying-official')).userId, role: 'certifying-official' };
    const { id } = await fileRequest(t.ctx, { raw: validRequest({ victimDateOfBirth: VICTIM_DOB }), channel: 'staff', filer: { kind: 'system' }, now });
    await expect(addFamilyMember(t.ctx, official, id, { name: 'Luis', relationship: 'child', dateOfBirth: CHILD_DOB })).resolves.toEqual({ ageOutClock: true });

    // The module sees the exact dates (opened with the subject's key).
    const views = await t.ctx.clocks.forRecord({ owner: 'u-visa', recordType: 'u-visa.age-out', recordId: id });
    expect(views.map((v) => [v.startDate, v.dueDate]).sort()).toEqual([
      [VICTIM_DOB, '2027-04-14'],
      [CHILD_DOB, '2030-03-13'],
    ]);
    const victim = views.find((v) => v.startDate === VICTIM_DOB);
    const child = views.find((v) => v.startDate === CHILD_DOB);
    if (!victim || !child) throw new Error('both age-out clocks');
    // 90 days before the victim turns 21: local midnight of 15 January 2027 (CST).
    expect(victim.nextActionAt?.toISOString()).toBe('2027-01-15T06:00:00.000Z');

    // The 90-day alert still goes out (the job finds the clock by its week, then opens the exact time).
    now = new Date('2027-01-14T15:00:00Z');
    await t.ctx.clocks.tick(t.ctx);
    const ageOutMessages = () => t.ctx.db.kysely.selectFrom('notify_messages').select('id').where('template', '=', 'u-visa.notify.ageOut').execute();
    expect(await ageOutMessages()).toHaveLength(0);
    now = new Date('2027-01-16T15:00:00Z');
    await t.ctx.clocks.tick(t.ctx);
    expect(await ageOutMessages()).toHaveLength(1);
    expect((await t.ctx.clocks.get(victim.id))?.remindersSent).toBe(1);
    // The next exact time: 30 days before.
    expect((await t.ctx.clocks.get(victim.id))?.nextActionAt?.toISOString()).toBe('2027-03-16T05:00:00.000Z');

    // A profile change recomputes the sealed clocks too (they take the new digest, still sealed).
    const recompute = new ClockService({ db: t.ctx.db, now: () => now, jurisdiction: withExtraHoliday(), vault: t.ctx.vault });
    const report = await recompute.recomputeAll();
    expect(report.scanned).toBeGreaterThanOrEqual(2);
    expect((await recompute.get(child.id))?.dueDate).toBe('2030-03-13');

    // Nothing in either table tells the date of birth or an exact date computed from it.
    const rows = await t.ctx.db.kysely.selectFrom('clocks').selectAll().where('record_id', '=', id).where('record_type', '=', 'u-visa.age-out').execute();
    const events = await t.ctx.db.kysely.selectFrom('clock_events').selectAll().where('clock_id', 'in', [victim.id, child.id]).execute();
    expect(rows).toHaveLength(2);
    expect(events.map((e) => e.kind).sort()).toEqual(['reminder', 'started', 'started']);
    const dump = JSON.stringify([rows, events]);
    const forbidden = [
      ...derived(VICTIM_DOB, '2027-04-14', [victim.startedAt, victim.dueAt, new Date('2027-01-15T06:00:00.000Z'), new Date('2027-03-16T05:00:00.000Z'), new Date('2027-04-01T05:00:00.000Z')]),
      ...derived(CHILD_DOB, '2030-03-13', [child.startedAt, child.dueAt, ...(child.nextActionAt ? [child.nextActionAt] : [])]),
    ];
    for (const s of forbidden) expect(dump.includes(s), `${s} is readable in the clock tables`).toBe(false);
    for (const r of rows) {
      expect(r.start_date).toBeNull();
      expect(r.subject_id).toBe(id);
      expect(r.due_date).toMatch(/^\d{4}-W\d{2}$/);
      for (const v of [r.due_at, r.next_action_at, r.updated_at]) {
        if (v === null) continue;
        expect(new Date(v).getUTCDay(), v).toBe(1);
        expect(v.slice(10)).toBe('T00:00:00.000Z');
      }
      // The plain start is when the clock was created (the request was filed), not the birth.
      expect(r.started_at).toBe('2026-11-20T15:00:00.000Z');
    }
    // Written again under the new profile (a year rule does not move with a holiday, so no `recomputed` event).
    expect(rows.map((r) => r.rules_digest)).toEqual([recompute.calculator.rulesDigest, recompute.calculator.rulesDigest]);
    for (const e of events) {
      for (const v of [e.at, e.due_before, e.due_after]) if (v !== null) expect(new Date(v).getUTCDay(), v).toBe(1);
    }

    // Forgetting the request's subject deletes the sealed clocks and their history; a copy no longer opens.
    const sealed = rows.map((r) => ({ id: r.id, sealed: r.sealed as string }));
    await inTransaction(t.ctx.db, (tx) => t.ctx.vault.forgetSubject(tx, id));
    expect(await t.ctx.db.kysely.selectFrom('clocks').select('id').where('subject_id', '=', id).execute()).toEqual([]);
    expect(await t.ctx.db.kysely.selectFrom('clock_events').select('id').where('clock_id', 'in', [victim.id, child.id]).execute()).toEqual([]);
    for (const s of sealed) {
      await expect(t.ctx.vault.open(id, s.sealed, { table: 'clocks', column: 'sealed', rowId: s.id })).rejects.toBeInstanceOf(KeyNotFoundError);
    }
  });

  it('seals age-out clocks written before sealing existed (the hourly queue job), their history too', async () => {
    now = new Date('2026-11-20T15:00:00Z');
    const { id } = await fileRequest(t.ctx, { raw: validRequest({ victimDateOfBirth: '1991-02-03' }), channel: 'staff', filer: { kind: 'system' }, now });
    // An age-out clock as the engine wrote it before: the date of birth in plain.
    const legacy = await inTransaction(t.ctx.db, (tx) =>
      t.ctx.clocks.startClock(tx, { owner: 'u-visa', recordType: 'u-visa.age-out', recordId: id, rules: ['uVisaDerivativeAgeOut'], start: VICTIM_DOB }),
    );
    now = new Date('2027-01-16T15:00:00Z');
    await t.ctx.clocks.tick(t.ctx);
    const dump = async () =>
      JSON.stringify([
        await t.ctx.db.kysely.selectFrom('clocks').selectAll().where('id', '=', legacy.id).execute(),
        await t.ctx.db.kysely.selectFrom('clock_events').selectAll().where('clock_id', '=', legacy.id).execute(),
      ]);
    expect(await dump()).toContain(VICTIM_DOB);
    const job = uVisaSchedules.find((s) => s.name === 'u-visa.sync-queue');
    if (!job?.handler) throw new Error('the hourly queue job');
    await job.handler({}, { ctx: t.ctx, jobId: 'test', attempt: 1, scheduledFor: null, signal: new AbortController().signal });
    const after = await dump();
    const forbidden = derived(VICTIM_DOB, '2027-04-14', [legacy.startedAt, legacy.dueAt, new Date('2027-01-15T06:00:00.000Z'), new Date('2027-03-16T05:00:00.000Z')]);
    for (const f of forbidden) expect(after.includes(f), `${f} is still readable`).toBe(false);
    // The engine still reads the exact dates, and the next run has nothing left to seal.
    expect(await t.ctx.clocks.get(legacy.id)).toMatchObject({ startDate: VICTIM_DOB, dueDate: '2027-04-14', remindersSent: 1 });
    expect(await t.ctx.clocks.sealExisting({ owner: 'u-visa', recordType: 'u-visa.age-out', subjectOf: (r) => r })).toBe(0);
  });
});
