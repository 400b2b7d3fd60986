import { afterAll, beforeAll, expect, it } from 'vitest';
import { seedDemo } from '../../src/core/demo/demo.ts';
import { inTransaction } from '../../src/core/db/transaction.ts';
import { MODULES } from '../../src/modules/index.ts';
import { appointmentsApi } from '../../src/modules/appointments/api.ts';
import { book } from '../../src/modules/appointments/bookings.service.ts';
import { joinWaitlist } from '../../src/modules/appointments/waitlist.service.ts';
import { addWalkIn } from '../../src/modules/appointments/walkins.service.ts';
import { type TestApp, TestBrowser, createTestApp } from '../helpers/app.ts';
import { describeEachDialect } from '../helpers/db.ts';
import { SERVICE, addSite, count, testClock } from './appointments-helpers.ts';

describeEachDialect('appointments: retention and forgetting', (dialect) => {
  let t: TestApp;
  const clock = testClock();

  beforeAll(async () => {
    t = await createTestApp(dialect, { now: clock.now });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('registers its retention policies', () => {
    const types = t.ctx.retention.registry.list().map((p) => p.recordType);
    expect(types).toEqual(expect.arrayContaining(['appointments.booking', 'appointments.waitlist', 'appointments.walk-in', 'appointments.slot-counter']));
  });

  it('purges bookings 30 days after the appointment: its own subject is shredded, another program’s subject is left alone', async () => {
    const { ctx } = t;
    const site = await addSite(ctx, { capacity: 2 });
    const own = await book(ctx, { service: SERVICE, siteId: site, start: '2026-12-01T15:00:00.000Z', locale: 'en', contact: { channel: 'email', value: 'own@example.org' } });
    const programSubject = await inTransaction(ctx.db, (tx) => ctx.vault.createSubject(tx, 'municipal-id'));
    const other = await appointmentsApi(ctx).book({ service: SERVICE, siteId: site, start: '2026-12-01T15:20:00.000Z', locale: 'en', subjectId: programSubject, purposeRef: 'municipal-id.application', contact: { channel: 'email', value: 'theirs@example.org' } });
    await joinWaitlist(ctx, { service: SERVICE, siteId: site, fromDate: '2026-12-02', toDate: '2026-12-03', locale: 'en', language: 'en', contact: { channel: 'sms', value: '+16125550111' } });
    await addWalkIn(ctx, site, 'en');
    const ownRow = await ctx.db.kysely.selectFrom('appointment_bookings').select('subject_id').where('id', '=', own.bookingId).executeTakeFirstOrThrow();
    const entry = await ctx.db.kysely.selectFrom('appointment_waitlist').select('id').executeTakeFirstOrThrow();

    // 30 days after the appointment: kept.
    clock.set('2026-12-31T15:00:00.000Z');
    await ctx.retention.purge({ only: ['appointments.booking', 'appointments.waitlist'] });
    expect(await count(ctx, 'appointment_bookings')).toBe(2);
    // The waiting-list entry asked for days up to 3 December: gone, its subject forgotten.
    expect(await count(ctx, 'appointment_waitlist')).toBe(0);
    expect(await ctx.vault.subjectStatus(entry.id)).toBe('forgotten');

    clock.set('2027-01-01T16:00:00.000Z');
    const report = await ctx.retention.purge({ only: ['appointments.booking', 'appointments.slot-counter'] });
    expect(report.ok).toBe(true);
    expect(await count(ctx, 'appointment_bookings')).toBe(0);
    expect(await ctx.vault.subjectStatus(ownRow.subject_id)).toBe('forgotten');
    // The booking made for the municipal-ID application's subject went; that subject did not.
    expect(await ctx.vault.subjectStatus(programSubject)).toBe('live');
    expect(report.results.find((r) => r.recordType === 'appointments.booking')).toMatchObject({ deleted: 2, subjectsForgotten: 1 });
    expect(await ctx.db.kysely.selectFrom('appointment_slot_counters').select('starts_at').execute()).toEqual([]);
    expect((await appointmentsApi(ctx).getBookingById(other.bookingId))).toBeNull();

    // Walk-in tickets stay 90 days.
    expect(await count(ctx, 'appointment_walkins')).toBe(1);
    clock.set('2027-03-01T16:00:00.000Z');
    await ctx.retention.purge({ only: ['appointments.walk-in'] });
    expect(await count(ctx, 'appointment_walkins')).toBe(0);
  });

  it('forgetting the program subject deletes the bookings made for it at once', async () => {
    const { ctx } = t;
    clock.set('2026-11-30T15:00:00.000Z');
    const site = await addSite(ctx, { capacity: 1, name: 'Forget Hall' });
    const subject = await inTransaction(ctx.db, (tx) => ctx.vault.createSubject(tx, 'municipal-id'));
    const b = await appointmentsApi(ctx).book({ service: SERVICE, siteId: site, start: '2026-12-02T15:00:00.000Z', locale: 'so', subjectId: subject, purposeRef: 'municipal-id.application' });
    await inTransaction(ctx.db, (tx) => ctx.vault.forgetSubject(tx, subject));
    expect(await appointmentsApi(ctx).getBookingById(b.bookingId)).toBeNull();
  });
});

describeEachDialect('appointments: demo data', (dialect) => {
  let t: TestApp;
  const clock = testClock();

  beforeAll(async () => {
    t = await createTestApp(dialect, { now: clock.now, env: { DEMO: 'true' } });
    await seedDemo(t.ctx, MODULES, () => undefined);
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it('seeds two sites with hours and languages, bookings and walk-ins, shown on the public pages', async () => {
    const sites = await t.ctx.db.kysely.selectFrom('appointment_sites').select(['id', 'name', 'languages']).orderBy('name').execute();
    expect(sites).toHaveLength(2);
    expect(sites.map((s) => JSON.parse(s.languages) as string[])).toEqual([['en', 'so', 'es'], ['en', 'es', 'so', 'hmn']]);
    expect(await count(t.ctx, 'appointment_bookings')).toBeGreaterThanOrEqual(4);
    expect(await count(t.ctx, 'appointment_walkins')).toBe(5);
    const page = await new TestBrowser(t.app).get(`/appointments/book/${SERVICE}`);
    expect(page.statusCode).toBe(200);
    for (const s of sites) expect(page.body).toContain(`/appointments/book/${SERVICE}/${s.id}`);
    expect((await new TestBrowser(t.app).get('/appointments')).body).toContain(`/appointments/book/${SERVICE}`);
  });
});
